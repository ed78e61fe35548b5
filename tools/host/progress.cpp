#include "host/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ember::host {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string what, std::size_t total, bool enabled)
    : what_(std::move(what)),
      total_(total),
      enabled_(enabled && total > 0),
      start_(std::chrono::steady_clock::now()) {
  if (enabled_) std::fprintf(stderr, "\r%s", line(what_, 0, total_, 0.0).c_str());
}

Progress::~Progress() {
  if (enabled_) std::fprintf(stderr, "\r\033[K");
}

void Progress::advance(std::size_t done) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += done;
  const auto now = std::chrono::steady_clock::now();
  // At most ten redraws a second, and always the last.
  if (done_ < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%s\033[K", line(what_, done_, total_, elapsed).c_str());
  std::fflush(stderr);
}

std::size_t Progress::done() {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

std::string Progress::line(const std::string& what, std::size_t done, std::size_t total, double elapsed) {
  constexpr std::size_t kWidth = 20;
  const std::size_t filled = total > 0 ? done * kWidth / total : kWidth;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  char buffer[160];
  if (done > 0 && done < total) {
    const double eta = elapsed / static_cast<double>(done) * static_cast<double>(total - done);
    std::snprintf(buffer, sizeof buffer, "%zu/%zu %s [%s] %.1f s elapsed, ETA %.1f s", done, total,
                  what.c_str(), bar.c_str(), elapsed, eta);
  } else {
    std::snprintf(buffer, sizeof buffer, "%zu/%zu %s [%s] %.1f s elapsed", done, total, what.c_str(),
                  bar.c_str(), elapsed);
  }
  return buffer;
}

}  // namespace ember::host
