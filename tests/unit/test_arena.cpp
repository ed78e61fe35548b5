#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ember/base/arena.h"
#include "heap_guard.h"

using ember::Arena;
using ember::Span;
using ember::Status;

namespace {
bool aligned_to(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

// An upstream for tests that records what it hands out.
struct CountingUpstream {
  int live = 0;
  int acquired = 0;
  std::size_t refuse_above = SIZE_MAX;
  static void* acquire(void* ctx, std::size_t min_bytes, std::size_t* size) {
    auto* self = static_cast<CountingUpstream*>(ctx);
    if (min_bytes > self->refuse_above) return nullptr;
    ++self->live;
    ++self->acquired;
    *size = min_bytes;
    return std::malloc(min_bytes);
  }
  static void release(void* ctx, void* block, std::size_t) {
    --static_cast<CountingUpstream*>(ctx)->live;
    std::free(block);
  }
  ember::ArenaUpstream upstream() { return {acquire, release, this}; }
};
}  // namespace

TEST_CASE("allocations are aligned, disjoint and counted") {
  alignas(64) unsigned char buffer[256];  // so that the padding below does not depend on the address
  Arena arena(buffer, sizeof buffer);
  void* a = nullptr;
  void* b = nullptr;
  REQUIRE(arena.allocate(3, 1, &a) == Status::ok);
  REQUIRE(arena.allocate(8, 8, &b) == Status::ok);
  CHECK(aligned_to(b, 8));
  CHECK(static_cast<unsigned char*>(b) >= static_cast<unsigned char*>(a) + 3);
  CHECK(arena.used() == 16);  // 3 bytes, 5 padding, 8 bytes
  void* c = nullptr;
  REQUIRE(arena.allocate(1, 64, &c) == Status::ok);
  CHECK(aligned_to(c, 64));
  CHECK(arena.used() == 65);
  CHECK(arena.remaining() == sizeof buffer - 65);
}

TEST_CASE("out of memory is a status and leaves the arena unchanged") {
  alignas(std::max_align_t) unsigned char buffer[64];
  Arena arena(buffer, sizeof buffer);
  void* p = nullptr;
  REQUIRE(arena.allocate(60, 4, &p) == Status::ok);
  void* q = reinterpret_cast<void*>(1);
  CHECK(arena.allocate(8, 4, &q) == Status::out_of_memory);
  CHECK(q == nullptr);
  CHECK(arena.used() == 60);
  CHECK(arena.allocate(4, 4, &q) == Status::ok);  // exactly the rest still fits
  CHECK(arena.used() == 64);
  CHECK(arena.allocate(SIZE_MAX, 1, &q) == Status::out_of_memory);
}

TEST_CASE("bad alignment and overflowing arrays are refused") {
  alignas(std::max_align_t) unsigned char buffer[64];
  Arena arena(buffer, sizeof buffer);
  void* p = nullptr;
  CHECK(arena.allocate(4, 3, &p) == Status::invalid_argument);
  CHECK(arena.allocate(4, 0, &p) == Status::invalid_argument);
  Span<std::uint64_t> big;
  CHECK(arena.allocate_array(SIZE_MAX / 4, &big) == Status::size_overflow);
  CHECK(arena.used() == 0);
}

TEST_CASE("allocate_array zero-fills typed storage") {
  alignas(std::max_align_t) unsigned char buffer[128];
  for (auto& b : buffer) b = 0xAB;
  Arena arena(buffer, sizeof buffer);
  Span<double> values;
  REQUIRE(arena.allocate_array(5, &values) == Status::ok);
  CHECK(values.size() == 5);
  CHECK(aligned_to(values.data(), alignof(double)));
  for (double v : values) CHECK(v == 0.0);
}

TEST_CASE("rewind, scopes and the high-water mark") {
  alignas(std::max_align_t) unsigned char buffer[1024];
  Arena arena(buffer, sizeof buffer);
  void* p = nullptr;
  REQUIRE(arena.allocate(100, 1, &p) == Status::ok);
  const auto marker = arena.mark();
  REQUIRE(arena.allocate(300, 1, &p) == Status::ok);
  CHECK(arena.used() == 400);
  arena.rewind(marker);
  CHECK(arena.used() == 100);
  {
    ember::ArenaScope scope(arena);
    REQUIRE(arena.allocate(200, 1, &p) == Status::ok);
    CHECK(arena.used() == 300);
  }
  CHECK(arena.used() == 100);
  CHECK(arena.high_water() == 400);
  arena.reset();
  CHECK(arena.used() == 0);
  CHECK(arena.high_water() == 400);
}

TEST_CASE("an arena over a caller buffer never touches the heap") {
  alignas(std::max_align_t) static unsigned char buffer[1 << 16];
  ember::test::HeapGuard guard;
  Arena arena(buffer, sizeof buffer);
  Span<float> f;
  Span<std::int32_t> i;
  Status s1 = arena.allocate_array(1000, &f);
  Status s2 = arena.allocate_array(1000, &i);
  Status s3 = arena.allocate_array(1 << 20, &f);  // too large: out_of_memory, still no heap
  arena.reset();
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  CHECK(s1 == Status::ok);
  CHECK(s2 == Status::ok);
  CHECK(s3 == Status::out_of_memory);
}

TEST_CASE("an upstream grows the arena and gets every block back") {
  CountingUpstream up;
  {
    alignas(std::max_align_t) unsigned char buffer[64];
    Arena arena(buffer, sizeof buffer, up.upstream());
    void* p = nullptr;
    REQUIRE(arena.allocate(48, 8, &p) == Status::ok);
    CHECK(up.acquired == 0);
    const auto marker = arena.mark();
    std::vector<unsigned char*> blocks;
    for (int k = 0; k < 20; ++k) {
      REQUIRE(arena.allocate(1000, 16, &p) == Status::ok);
      CHECK(aligned_to(p, 16));
      static_cast<unsigned char*>(p)[999] = 1;  // the whole request is writable (ASan checks)
    }
    CHECK(up.live >= 2);
    CHECK(up.live <= 5);  // blocks at least double, so their number stays logarithmic
    CHECK(arena.used() >= 48 + 20 * 1000);
    arena.rewind(marker);
    CHECK(up.live == 0);
    CHECK(arena.used() == 48);
    REQUIRE(arena.allocate(100000, 8, &p) == Status::ok);  // a request larger than doubling
    CHECK(up.live == 1);
  }
  CHECK(up.live == 0);  // the destructor returned the rest
}

TEST_CASE("an upstream-only arena and a refusing upstream") {
  CountingUpstream up;
  up.refuse_above = 10000;
  Arena arena(nullptr, 0, up.upstream());
  void* p = nullptr;
  REQUIRE(arena.allocate(100, 8, &p) == Status::ok);
  CHECK(up.live == 1);
  CHECK(arena.allocate(50000, 8, &p) == Status::out_of_memory);
  CHECK(p == nullptr);
  arena.reset();
  CHECK(up.live == 0);
}
