#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "heap_guard.h"

namespace {
// Escapes pointers so that the compiler cannot elide the allocations.
void* volatile g_sink;
}  // namespace

TEST_CASE("the heap guard catches operator new") {
  ember::test::HeapGuard guard;
  auto p = std::make_unique<int>(7);
  g_sink = p.get();
  CHECK(guard.allocations() >= 1);
}

TEST_CASE("the heap guard catches malloc and containers") {
  ember::test::HeapGuard guard;
  void* p = std::malloc(64);
  g_sink = p;
  std::free(p);
  const std::size_t after_malloc = guard.allocations();
  CHECK(after_malloc >= 1);
  std::vector<double> v(1000, 1.0);
  g_sink = v.data();
  CHECK(guard.allocations() > after_malloc);
}

TEST_CASE("the heap guard stays at zero for code that does not allocate") {
  ember::test::HeapGuard guard;
  int local[16] = {};
  for (int i = 0; i < 16; ++i) local[i] = i * i;
  g_sink = local;
  CHECK(guard.allocations() == 0);
}
