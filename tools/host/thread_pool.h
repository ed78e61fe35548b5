// A fixed pool of worker threads behind the core's Executor hook.
//
// parallel_for publishes a job; the workers and the calling thread take
// task indices from a shared counter, and the call returns when every task
// has finished. Trainers hand out many small jobs in quick succession (one
// per tree node), so idle workers spin for a few tens of microseconds
// before they sleep, and the caller spins while the last tasks finish. A
// call made while another is running (a task that itself asks for
// parallelism) runs its tasks inline, so nesting cannot deadlock.
#ifndef EMBER_HOST_THREAD_POOL_H
#define EMBER_HOST_THREAD_POOL_H

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ember/executor.h"

namespace ember::host {

class ThreadPool {
 public:
  // `threads` counts the caller: 1 starts no worker; 0 means one per
  // hardware thread.
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
  // An Executor that runs on this pool; valid while the pool lives.
  const Executor& executor() const { return executor_; }

 private:
  static void run(void* self, std::size_t count, Executor::Task task, void* context);
  void work();
  void drain();

  std::vector<std::thread> workers_;
  Executor executor_;
  std::mutex busy_;  // held by the thread whose parallel_for owns the pool
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> generation_{0};
  std::atomic<unsigned> active_{0};  // workers between noticing a job and leaving it
  // The current job, published before generation_ changes.
  Executor::Task task_ = nullptr;
  void* context_ = nullptr;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> finished_{0};
};

// What a host task throws (std::bad_alloc in practice) must not escape it:
// on a worker thread an exception ends the process through std::terminate,
// and Executor::parallel_for is noexcept. A task runs its body through
// run(), which keeps the first exception and makes the tasks not yet
// started return at once; the caller calls rethrow() after parallel_for,
// on its own thread, where run_command turns bad_alloc into a message.
class TaskFailure {
 public:
  template <class F>
  void run(F&& body) noexcept {
    if (failed_.load()) return;
    try {
      body();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
      failed_.store(true);
    }
  }
  bool failed() const { return failed_.load(); }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace ember::host

#endif  // EMBER_HOST_THREAD_POOL_H
