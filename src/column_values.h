// Per-column helpers for the preprocessing fitters: a column's present
// values, sorted, and percentiles of them (or of feature scores) as NumPy
// computes them. Internal to the core.
#ifndef EMBER_SRC_COLUMN_VALUES_H
#define EMBER_SRC_COLUMN_VALUES_H

#include <cstddef>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember::detail {

// The values of column j of x that are not NaN, ascending, in memory from
// `scratch` (which the caller rewinds). Errors: bad_value (an infinite
// value), out_of_memory.
Status sorted_present(MatrixView<const float> x, std::size_t j, Arena& scratch, Span<float>* out) noexcept;

// The q-th percentile (q in [0, 100]) of sorted values v (n > 0) by linear
// interpolation between closest ranks: NumPy's default ("linear") method,
// including its way of interpolating (from the nearer end).
double percentile(const float* v, std::size_t n, double q) noexcept;
double percentile(const double* v, std::size_t n, double q) noexcept;

}  // namespace ember::detail

#endif  // EMBER_SRC_COLUMN_VALUES_H
