// HeapGuard: proves that a block of code made no heap allocation.
//
// Linking heap_guard.cpp into a test binary replaces the global operator
// new/delete and counts every malloc-family call of the process (directly
// in normal builds, through the sanitizer allocator hooks under ASan).
//
//   ember::test::HeapGuard guard;
//   run_the_code();
//   CHECK(guard.allocations() == 0);
#ifndef EMBER_TEST_HEAP_GUARD_H
#define EMBER_TEST_HEAP_GUARD_H

#include <cstddef>

namespace ember::test {

// Heap allocations (malloc, calloc, realloc, aligned forms, operator new)
// made by the whole process so far.
std::size_t heap_allocation_count() noexcept;

class HeapGuard {
 public:
  HeapGuard() noexcept : start_(heap_allocation_count()) {}
  // Allocations made since this guard was constructed.
  std::size_t allocations() const noexcept { return heap_allocation_count() - start_; }

 private:
  std::size_t start_;
};

}  // namespace ember::test

#endif  // EMBER_TEST_HEAP_GUARD_H
