// Executor: how the core runs independent tasks in parallel without ever
// creating a thread itself. The host passes one backed by its thread pool;
// a device passes none (or a default Executor) and every task runs inline.
//
// The trainers split work so that each task writes only its own outputs
// and every reduction happens afterwards in a fixed order, so results are
// bit-identical for any number of workers, including none.
//
// A plain struct of function pointers (no virtual functions) so that C code
// and firmware can provide one, and so the core needs no RTTI.
#ifndef EMBER_EXECUTOR_H
#define EMBER_EXECUTOR_H

#include <cstddef>

namespace ember {

struct Executor {
  // One task: index in [0, count).
  using Task = void (*)(void* context, std::size_t index);
  // Runs task(context, i) for every i in [0, count), in any order and
  // possibly concurrently, and returns once all have finished. Must not
  // fail: an implementation that cannot start threads runs them inline.
  using Run = void (*)(void* self, std::size_t count, Task task, void* context);

  Run run = nullptr;  // nullptr: run inline
  void* self = nullptr;
  unsigned workers = 1;  // threads that may run tasks at once (a hint for splitting work)

  void parallel_for(std::size_t count, Task task, void* context) const noexcept {
    if (run != nullptr && workers > 1 && count > 1) {
      run(self, count, task, context);
      return;
    }
    for (std::size_t i = 0; i < count; ++i) task(context, i);
  }
};

// Runs f(begin, end) over [0, n) cut into ranges of `block` (the last one
// shorter), through `executor` when there is one. The cut depends only on
// n and block, never on the number of workers.
template <class F>
void parallel_ranges(const Executor* executor, std::size_t n, std::size_t block, F& f) noexcept {
  if (n == 0) return;
  if (block == 0) block = n;
  struct Context {
    F* f;
    std::size_t n, block;
  } context{&f, n, block};
  const std::size_t tasks = (n + block - 1) / block;
  Executor::Task task = [](void* p, std::size_t i) {
    auto* c = static_cast<Context*>(p);
    const std::size_t begin = i * c->block;
    const std::size_t end = c->n - begin < c->block ? c->n : begin + c->block;
    (*c->f)(begin, end);
  };
  if (executor != nullptr) {
    executor->parallel_for(tasks, task, &context);
  } else {
    for (std::size_t i = 0; i < tasks; ++i) task(&context, i);
  }
}

}  // namespace ember

#endif  // EMBER_EXECUTOR_H
