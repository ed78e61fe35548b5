#include "host/thread_pool.h"

namespace ember::host {

ThreadPool::ThreadPool(unsigned threads) {
  if (threads == 0) threads = std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  executor_.run = &ThreadPool::run;
  executor_.self = this;
  executor_.workers = threads;
  for (unsigned i = 1; i < threads; ++i) {
    workers_.emplace_back([this] { work(0); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

// Takes tasks until none is left, counting the ones this thread finished.
void ThreadPool::drain() {
  std::size_t mine = 0;
  for (;;) {
    const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= count_) break;
    task_(context_, i);
    ++mine;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ += mine;
  if (finished_ == count_) done_.notify_all();
}

void ThreadPool::work(std::size_t generation_seen) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != generation_seen; });
      if (stop_) return;
      generation_seen = generation_;
      ++active_;
    }
    drain();
    std::lock_guard<std::mutex> lock(mutex_);
    if (--active_ == 0) done_.notify_all();
  }
}

void ThreadPool::run(void* self, std::size_t count, Executor::Task task, void* context) {
  auto* pool = static_cast<ThreadPool*>(self);
  std::unique_lock<std::mutex> owner(pool->busy_, std::try_to_lock);
  if (!owner.owns_lock() || pool->workers_.empty()) {
    for (std::size_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  {
    std::unique_lock<std::mutex> lock(pool->mutex_);
    // A worker that woke late for the previous job may still be leaving it.
    pool->done_.wait(lock, [&] { return pool->active_ == 0; });
    pool->task_ = task;
    pool->context_ = context;
    pool->count_ = count;
    pool->finished_ = 0;
    pool->next_.store(0, std::memory_order_relaxed);
    ++pool->generation_;
  }
  pool->wake_.notify_all();
  pool->drain();
  std::unique_lock<std::mutex> lock(pool->mutex_);
  // Every worker must have left the job before its fields change again.
  pool->done_.wait(lock, [&] { return pool->finished_ == pool->count_ && pool->active_ == 0; });
}

}  // namespace ember::host
