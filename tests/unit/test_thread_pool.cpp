// The host thread pool: every task runs once, and what a task throws comes
// back to the caller's thread instead of ending the process.
#include <doctest/doctest.h>

#include <atomic>
#include <new>
#include <vector>

#include "host/thread_pool.h"

using ember::Executor;
using ember::host::TaskFailure;
using ember::host::ThreadPool;

namespace {

struct Job {
  std::vector<std::atomic<int>>* runs;
  TaskFailure* failure;
  std::size_t throw_at;  // the index whose task throws; past the end: none
};

void task(void* p, std::size_t i) {
  auto* job = static_cast<Job*>(p);
  job->failure->run([job, i] {
    if (i == job->throw_at) throw std::bad_alloc();
    (*job->runs)[i].fetch_add(1);
  });
}

}  // namespace

TEST_CASE("the pool runs every task exactly once") {
  for (unsigned threads : {1u, 2u, 4u}) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> runs(1000);
    TaskFailure failure;
    Job job{&runs, &failure, runs.size()};
    pool.executor().parallel_for(runs.size(), task, &job);
    CHECK_NOTHROW(failure.rethrow());
    CHECK_FALSE(failure.failed());
    for (auto& r : runs) REQUIRE(r.load() == 1);
  }
}

TEST_CASE("an exception in a worker's task is passed back to the caller") {
  // Before TaskFailure, a bad_alloc on a worker thread called std::terminate.
  for (unsigned threads : {2u, 4u}) {
    ThreadPool pool(threads);
    for (std::size_t at : {std::size_t{0}, std::size_t{17}, std::size_t{999}}) {
      std::vector<std::atomic<int>> runs(1000);
      TaskFailure failure;
      Job job{&runs, &failure, at};
      pool.executor().parallel_for(runs.size(), task, &job);
      CHECK(failure.failed());
      CHECK_THROWS_AS(failure.rethrow(), std::bad_alloc);
      // No task ran twice, the failed one did not finish, and the pool is
      // still usable afterwards.
      for (std::size_t i = 0; i < runs.size(); ++i) REQUIRE(runs[i].load() <= (i == at ? 0 : 1));
    }
    std::vector<std::atomic<int>> runs(100);
    TaskFailure failure;
    Job job{&runs, &failure, runs.size()};
    pool.executor().parallel_for(runs.size(), task, &job);
    for (auto& r : runs) REQUIRE(r.load() == 1);
  }
}
