// Imputer: the value that stands in for a missing entry (NaN) of each
// column, fitted as scikit-learn's SimpleImputer, and which columns get a
// 0/1 "was missing" indicator (its add_indicator, features="missing-only").
// The result is the runtime's impute step (ModelWriter::impute).
#ifndef EMBER_IMPUTER_H
#define EMBER_IMPUTER_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class ImputeStrategy : std::uint8_t {
  mean = 0,           // of the present values
  median = 1,         // NumPy's median: the mean of the middle two for an even count
  most_frequent = 2,  // the smallest of the most frequent values
  constant = 3,       // ImputerOptions::fill_value
};

struct ImputerOptions {
  ImputeStrategy strategy = ImputeStrategy::mean;  // for numeric columns
  float fill_value = 0.0f;                         // constant: must be finite
  bool add_indicator = false;  // an indicator for each column missing a value in the fitting rows
};

struct FittedImputer {
  Span<float> fill;                // per column
  Span<std::uint32_t> indicators;  // ascending columns that get an indicator (empty without add_indicator)
  Span<double> missing_fraction;   // per column: the share of the fitting rows that were missing
};

// Fits on every row of x. Categorical columns (n_categories[j] > 0; an
// empty span means all numeric) take their most frequent code (the
// smallest on ties) under every strategy but constant; a column without
// any present value gets 0 (scikit-learn's keep_empty_features=True), or
// fill_value under constant. The spans of *out come from `result`;
// `scratch` is used and given back.
// Errors: empty_input (no rows or columns), shape_mismatch (n_categories),
// bad_value (an infinite value, a non-finite fill_value, an unknown
// strategy), bad_index (a categorical value that is not a code below
// n_categories[j]), out_of_memory.
Status fit_imputer(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                   const ImputerOptions& options, Arena& scratch, Arena& result, FittedImputer* out) noexcept;

}  // namespace ember

#endif  // EMBER_IMPUTER_H
