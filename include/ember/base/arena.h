// Arena: the only source of memory in the core.
//
// The caller hands the arena a buffer; every allocation is a bump of an
// offset inside it, aligned as asked. Nothing is freed one by one: `rewind`
// returns to a Marker, `reset` to empty. When the buffer is full the request
// fails with Status::out_of_memory - never a crash, never a heap call.
//
//   buffer                                                   buffer + capacity
//   |<-- allocations (and alignment padding) -->|<-------- free -------->|
//                                          offset
//
// On a host, an optional ArenaUpstream lets the arena grow: when the current
// block is full it asks the upstream for another block (at least twice the
// size of the last one) and chains it. Blocks go back to the upstream on
// rewind past them and in the destructor. The core itself never allocates;
// the host library provides a heap-backed upstream.
//
// Lifetime: the buffer (and upstream context) must outlive the arena and
// every pointer it handed out. An Arena is not thread-safe; use one per thread.
#ifndef EMBER_ARENA_H
#define EMBER_ARENA_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// A growth policy for an Arena: plain function pointers so that a C caller
// can provide one.
struct ArenaUpstream {
  // Returns a block of at least `min_bytes` bytes, aligned to
  // alignof(std::max_align_t), and stores its true size in *size; or null.
  void* (*acquire)(void* context, std::size_t min_bytes, std::size_t* size);
  // Takes back a block that `acquire` returned, with the size it reported.
  void (*release)(void* context, void* block, std::size_t size);
  void* context;
};

class Arena {
 public:
  // A position to rewind to; valid while everything allocated before it lives.
  struct Marker {
    unsigned char* block;
    std::size_t offset;
    std::size_t used;
  };

  // An arena over `buffer[0, capacity)`. A buffer aligned to
  // alignof(std::max_align_t) makes high_water() independent of the address.
  Arena(void* buffer, std::size_t capacity) noexcept;
  // As above, growing through `upstream` once the buffer is full. `buffer`
  // may be null with capacity 0: then every block comes from the upstream.
  Arena(void* buffer, std::size_t capacity, ArenaUpstream upstream) noexcept;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Reserves `bytes` bytes aligned to `align` (a power of two) and stores the
  // address in *out. Errors: invalid_argument (align not a power of two),
  // out_of_memory (no room; *out is set to null and the arena is unchanged).
  // A request for 0 bytes succeeds with a valid, unique-enough address.
  Status allocate(std::size_t bytes, std::size_t align, void** out) noexcept;

  // Reserves `count` zero-initialised objects of trivial type T.
  // Errors: size_overflow, out_of_memory.
  template <class T>
  Status allocate_array(std::size_t count, Span<T>* out) noexcept {
    static_assert(
        std::is_trivially_default_constructible<T>::value && std::is_trivially_destructible<T>::value,
        "the arena never runs constructors or destructors");
    if (count > SIZE_MAX / sizeof(T)) return Status::size_overflow;
    void* p = nullptr;
    EMBER_TRY(allocate(count * sizeof(T), alignof(T), &p));
    std::memset(p, 0, count * sizeof(T));
    *out = Span<T>(static_cast<T*>(p), count);
    return Status::ok;
  }

  // Reserves `count` default-constructed objects of a type whose default
  // member initialisers matter (e.g. TreeNodeSpec); it must be trivially
  // destructible, since the arena never runs destructors.
  // Errors: size_overflow, out_of_memory.
  template <class T>
  Status allocate_objects(std::size_t count, Span<T>* out) noexcept {
    static_assert(std::is_trivially_destructible<T>::value, "the arena never runs destructors");
    if (count > SIZE_MAX / sizeof(T)) return Status::size_overflow;
    void* p = nullptr;
    EMBER_TRY(allocate(count * sizeof(T), alignof(T), &p));
    T* objects = static_cast<T*>(p);
    for (std::size_t i = 0; i < count; ++i) new (objects + i) T();
    *out = Span<T>(objects, count);
    return Status::ok;
  }

  Marker mark() const noexcept { return Marker{block_, offset_, used_}; }
  // Frees everything allocated since `m` was taken. Markers must be rewound
  // in last-in, first-out order.
  void rewind(const Marker& m) noexcept;
  // Frees everything.
  void reset() noexcept;

  // Bytes consumed now, alignment padding included.
  std::size_t used() const noexcept { return used_; }
  // The largest used() ever reached: the buffer size this workload needs.
  std::size_t high_water() const noexcept { return high_water_; }
  // Bytes left in the current block (more may come from an upstream).
  std::size_t remaining() const noexcept { return capacity_ - offset_; }

 private:
  Status grow(std::size_t bytes, std::size_t align) noexcept;

  unsigned char* first_block_;
  std::size_t first_capacity_;
  unsigned char* block_;  // current block
  std::size_t capacity_;  // usable bytes of the current block
  std::size_t offset_;    // bytes used in the current block
  std::size_t used_ = 0;
  std::size_t high_water_ = 0;
  ArenaUpstream upstream_{};
  bool has_upstream_ = false;
};

// Rewinds the arena to where it was at construction when it goes out of
// scope: the idiom for scratch memory inside a function.
class ArenaScope {
 public:
  explicit ArenaScope(Arena& arena) noexcept : arena_(arena), marker_(arena.mark()) {}
  ~ArenaScope() { arena_.rewind(marker_); }
  ArenaScope(const ArenaScope&) = delete;
  ArenaScope& operator=(const ArenaScope&) = delete;

 private:
  Arena& arena_;
  Arena::Marker marker_;
};

}  // namespace ember

#endif  // EMBER_ARENA_H
