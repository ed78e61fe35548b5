// A progress bar on stderr for long work (folds, search trials): done /
// total, elapsed time and an estimate of the time left. It draws only when
// enabled, which callers make "stderr is a terminal and no --json", so
// pipes and scripts see nothing extra. Safe to advance from many threads.
#ifndef EMBER_HOST_PROGRESS_H
#define EMBER_HOST_PROGRESS_H

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace ember::host {

// True when stderr is a terminal.
bool stderr_is_terminal();

class Progress {
 public:
  // `what` names the units ("trials"); nothing is drawn unless `enabled`.
  Progress(std::string what, std::size_t total, bool enabled);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::size_t done = 1);
  std::size_t done();  // units so far

  // "12/40 trials [#####.....] 3.2 s elapsed, ETA 7.1 s" (the bar 20 wide).
  static std::string line(const std::string& what, std::size_t done, std::size_t total, double elapsed);

 private:
  std::string what_;
  std::size_t total_, done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

}  // namespace ember::host

#endif  // EMBER_HOST_PROGRESS_H
