// Row indices in the trainers are 32-bit: half the memory of size_t and the
// same width on the host and a 32-bit device.
#ifndef EMBER_SRC_ROW_INDEX_H
#define EMBER_SRC_ROW_INDEX_H

#include <cstddef>

namespace ember {
namespace detail {

// True when rows 0 .. n-1 can be numbered in a std::uint32_t. Written with
// shifts so that it compiles without an always-false comparison where size_t
// is itself 32 bits.
constexpr bool row_indices_fit_u32(std::size_t n) noexcept { return n == 0 || ((n - 1) >> 31) >> 1 == 0; }

}  // namespace detail
}  // namespace ember

#endif  // EMBER_SRC_ROW_INDEX_H
