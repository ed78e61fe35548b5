// Cursor: bounds-checked reads of a section's pieces, for the loader.
// Internal to the runtime.
#ifndef EMBER_SRC_CURSOR_H
#define EMBER_SRC_CURSOR_H

#include <cstdint>

#include "ember/base/status.h"

namespace ember {

// Reads fixed-size pieces from [base, base + size) with explicit bounds, so
// that no read can leave the section it belongs to. Arrays are padded to 4.
// Typed pointers are formed only from an offset that has been checked for
// bounds and alignment, and returned by value (never stored through a
// pointer of another type, which the optimiser may assume cannot alias).
class Cursor {
 public:
  Cursor(const unsigned char* base, std::uint32_t size) : base_(base), size_(size) {}

  template <class T>
  Status take(const T** out) {
    return take_array(1, out);
  }
  // `count` elements of T; the cursor then advances to the next multiple of 4.
  template <class T>
  Status take_array(std::uint64_t count, const T** out) {
    const void* at = take_raw(count, sizeof(T), alignof(T));
    if (at == nullptr) return status_;
    *out = static_cast<const T*>(at);
    return Status::ok;
  }
  Status take_bytes(std::uint64_t bytes, const unsigned char** out) { return take_array(bytes, out); }
  // Skips zero padding up to the next multiple of `alignment` (a power of two).
  Status align(std::uint32_t alignment) {
    const std::uint32_t target = (pos_ + alignment - 1) & ~(alignment - 1);
    if (target > size_) return Status::out_of_bounds;
    for (std::uint32_t i = pos_; i < target; ++i) {
      if (base_[i] != 0) return Status::bad_value;
    }
    pos_ = target;
    return Status::ok;
  }
  bool at_end() const { return pos_ == size_; }
  std::uint32_t position() const { return pos_; }

 private:
  // The address of `count` elements of `size` bytes at the cursor, after
  // checking bounds and alignment; null (and status_ set) when they fail.
  // One out-of-line body for every element type keeps the loader small.
  [[gnu::noinline]] const void* take_raw(std::uint64_t count, std::uint32_t size, std::uint32_t alignment) {
    const std::uint64_t bytes = count * size;
    if (count > 0xFFFFFFFFull || bytes > 0xFFFFFFFFull) return fail(Status::out_of_bounds);
    const std::uint64_t padded = (bytes + 3) & ~std::uint64_t{3};
    if (padded > size_ - pos_) return fail(Status::out_of_bounds);
    const unsigned char* at = base_ + pos_;
    if ((reinterpret_cast<std::uintptr_t>(at) & (alignment - 1)) != 0)
      return fail(Status::misaligned);  // a power of two
    pos_ += static_cast<std::uint32_t>(padded);
    return at;
  }
  const void* fail(Status s) {
    status_ = s;
    return nullptr;
  }

  const unsigned char* base_;
  std::uint32_t size_;
  std::uint32_t pos_ = 0;
  Status status_ = Status::ok;
};

}  // namespace ember

#endif  // EMBER_SRC_CURSOR_H
