// Input checks shared by the feature scores (feature_scores.cpp,
// mutual_info.cpp) and the correlation filter. Internal to the core.
#ifndef EMBER_SRC_FEATURE_SCORES_INTERNAL_H
#define EMBER_SRC_FEATURE_SCORES_INTERNAL_H

#include <cstdint>

#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember::detail {

// empty_input (no rows or columns); bad_value for an entry that is NaN,
// infinite, or (with `nonnegative`) below 0.
Status check_features(MatrixView<const float> x, bool nonnegative) noexcept;

// bad_value (n_classes 0, a NaN or infinite target), bad_index (a value
// that is not a code below n_classes).
Status check_classes(Span<const float> target, std::uint32_t n_classes) noexcept;

// bad_value for a NaN or infinite target.
Status check_numeric_target(Span<const float> target) noexcept;

}  // namespace ember::detail

#endif  // EMBER_SRC_FEATURE_SCORES_INTERNAL_H
