// Helpers shared by the benchmarks: repeated timing and medians.
#ifndef EMBER_BENCH_COMMON_H
#define EMBER_BENCH_COMMON_H

#include <algorithm>
#include <chrono>
#include <vector>

namespace ember::bench {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds taken by each of `repeats` calls of fn().
template <class Fn>
std::vector<double> time_repeats(int repeats, Fn&& fn) {
  std::vector<double> seconds;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return seconds;
}

}  // namespace ember::bench

#endif  // EMBER_BENCH_COMMON_H
