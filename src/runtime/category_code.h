// What counts as a category (or class) code everywhere in the core: an
// integral float in [0, n). NaN, negatives, fractions and values >= n are
// not codes. Internal to the core.
#ifndef EMBER_SRC_CATEGORY_CODE_H
#define EMBER_SRC_CATEGORY_CODE_H

#include <cstdint>

namespace ember::detail {

inline bool is_category_code(float v, std::uint32_t n) noexcept {
  if (!(v >= 0.0f) || v >= static_cast<float>(n)) return false;
  return static_cast<float>(static_cast<std::uint32_t>(v)) == v;
}

}  // namespace ember::detail

#endif  // EMBER_SRC_CATEGORY_CODE_H
