// Rng: a deterministic random number generator (PCG32, XSH-RR variant) with
// its own distributions.
//
// std::uniform_int_distribution and friends differ between standard
// libraries; these helpers do not: the same seed yields the same sequence,
// bit for bit, on every platform and compiler (only integer arithmetic and
// IEEE-754 +, -, *, /, sqrt are used). Seeds are expanded with SplitMix64, so
// nearby seeds give unrelated streams.
#ifndef EMBER_RNG_H
#define EMBER_RNG_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"

namespace ember {

// One step of SplitMix64: advances *state and returns a well-mixed 64-bit value.
std::uint64_t splitmix64(std::uint64_t* state) noexcept;

class Rng {
 public:
  // A generator for `seed`; `stream` selects one of 2^63 independent
  // sequences for the same seed (e.g. one per tree).
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept;

  // Uniform 32 / 64 random bits.
  std::uint32_t next_u32() noexcept;
  std::uint64_t next_u64() noexcept;

  // Uniform integer in [0, n); n must be > 0 (returns 0 for n == 0).
  // Unbiased (Lemire's multiply-and-reject method).
  std::uint32_t below(std::uint32_t n) noexcept;
  // Uniform integer in [0, n) for 64-bit n; n == 0 returns 0.
  std::uint64_t below64(std::uint64_t n) noexcept;

  // Uniform double in [0, 1), 53 random bits.
  double uniform() noexcept;
  // Uniform double in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  // Uniform float in [0, 1), 24 random bits.
  float uniform_float() noexcept;

  // Standard normal variate (Marsaglia's polar method with a portable log).
  double normal() noexcept;
  double normal(double mean, double stddev) noexcept { return mean + stddev * normal(); }

  // Fisher-Yates shuffle of `items` in place.
  template <class T>
  void shuffle(Span<T> items) noexcept {
    for (std::size_t i = items.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below64(i));
      T tmp = items[i - 1];
      items[i - 1] = items[j];
      items[j] = tmp;
    }
  }

 private:
  std::uint64_t state_;
  std::uint64_t increment_;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace ember

#endif  // EMBER_RNG_H
