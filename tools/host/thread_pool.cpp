#include "host/thread_pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ember::host {

namespace {

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

constexpr int kSpins = 20000;  // pauses before a worker sleeps (tens of microseconds)

}  // namespace

ThreadPool::ThreadPool(unsigned threads) {
  if (threads == 0) threads = std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  executor_.run = &ThreadPool::run;
  executor_.self = this;
  // A thread that cannot be started (std::system_error when the process is
  // out of threads, bad_alloc) leaves a smaller pool: the Executor promises
  // to run, not to run in parallel, and the results do not depend on it.
  workers_.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::exception&) {
      break;
    }
  }
  executor_.workers = static_cast<unsigned>(workers_.size()) + 1;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

// Takes tasks until none is left.
void ThreadPool::drain() {
  std::size_t mine = 0;
  for (;;) {
    const std::size_t i = next_.fetch_add(1);
    if (i >= count_) break;
    task_(context_, i);
    ++mine;
  }
  finished_.fetch_add(mine);
}

void ThreadPool::work() {
  std::size_t seen = 0;
  for (;;) {
    int spins = 0;
    while (generation_.load() == seen && !stop_.load()) {
      if (++spins < kSpins) {
        relax();
        continue;
      }
      std::unique_lock<std::mutex> lock(sleep_mutex_);
      wake_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
    }
    if (stop_.load()) return;
    // Announce first, then read the job: the caller does not publish a new
    // job while a worker is announced, so the fields read here are this job's.
    active_.fetch_add(1);
    const std::size_t g = generation_.load();
    if (g != seen) {
      seen = g;
      drain();
    }
    active_.fetch_sub(1);
  }
}

void ThreadPool::run(void* self, std::size_t count, Executor::Task task, void* context) {
  auto* pool = static_cast<ThreadPool*>(self);
  std::unique_lock<std::mutex> owner(pool->busy_, std::try_to_lock);
  if (!owner.owns_lock() || pool->workers_.empty()) {
    for (std::size_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  // A worker that noticed the previous job late may still be leaving it.
  while (pool->active_.load() != 0) relax();
  pool->task_ = task;
  pool->context_ = context;
  pool->count_ = count;
  pool->finished_.store(0);
  pool->next_.store(0);
  {
    std::lock_guard<std::mutex> lock(pool->sleep_mutex_);
    pool->generation_.fetch_add(1);
  }
  pool->wake_.notify_all();
  pool->drain();
  int spins = 0;
  while (pool->finished_.load() != count || pool->active_.load() != 0) {
    if (++spins < kSpins) {
      relax();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace ember::host
