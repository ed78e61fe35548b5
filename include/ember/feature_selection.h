// Feature selection: which columns to keep, from per-column scores
// (feature_scores.h) as scikit-learn's SelectKBest, SelectPercentile,
// SelectFromModel and VarianceThreshold decide, or from the columns'
// pairwise correlations. The result is a keep mask (1 = keep), which
// kept_columns turns into ascending column indices.
#ifndef EMBER_FEATURE_SELECTION_H
#define EMBER_FEATURE_SELECTION_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class SelectMode : std::uint8_t {
  // The k highest scores (SelectKBest). Among equal scores the higher
  // column indices are kept (its stable argsort, keeping the last k).
  k_best = 0,
  // SelectPercentile: t = NumPy's percentile (linear) of the scores at
  // 100 - percentile; every score > t is kept, then scores == t in column
  // order until int(n * percentile / 100) columns are kept in all (and,
  // as scikit-learn's slice does when more than that many are already
  // above t, all but the last few ties). percentile 100 keeps all, 0 none.
  percentile = 1,
  // score >= threshold (SelectFromModel's rule).
  at_least = 2,
  // score > threshold (VarianceThreshold's rule, on column_variance).
  above = 3,
};

struct SelectOptions {
  SelectMode mode = SelectMode::k_best;
  std::uint32_t k = 10;      // k_best: 0 .. number of scores
  double percentile = 10.0;  // percentile: [0, 100]
  double threshold = 0.0;    // at_least, above: not NaN (infinities allowed)
};

// Arena bytes that select_features takes from `scratch` for n scores (all
// given back), alignment padding included; SIZE_MAX on overflow.
std::size_t select_arena_bytes(std::size_t n) noexcept;

// Sets keep[j] to 1 for the selected columns and 0 for the others. NaN
// scores rank lowest, as scikit-learn's _clean_nans makes them (the most
// negative finite double: above -infinity, tied with -DBL_MAX), and never
// pass a threshold.
// Errors: empty_input (no scores), shape_mismatch (keep), bad_value (k
// above the number of scores, as scikit-learn raises; percentile outside
// [0, 100] or NaN; a NaN threshold; an unknown mode), out_of_memory.
Status select_features(Span<const double> scores, const SelectOptions& options, Arena& scratch,
                       Span<std::uint8_t> keep) noexcept;

// The indices j with keep[j] != 0, ascending, into `indices`; *count gets
// their number. Errors: shape_mismatch (`indices` shorter than that
// number; nothing is written then).
Status kept_columns(Span<const std::uint8_t> keep, Span<std::uint32_t> indices, std::size_t* count) noexcept;

// Arena bytes that correlation_filter takes from `scratch` for `cols`
// columns (given back), alignment padding included.
std::size_t correlation_filter_arena_bytes(std::size_t cols) noexcept;

// Drops columns until no two kept columns have |Pearson r| > threshold:
// columns are visited in order, and column j is dropped when its |r| with
// any earlier KEPT column exceeds the threshold (so of a correlated pair
// the earlier column stays, and a column dropped for one correlation
// cannot cause another drop). r is computed about the means in double and
// clamped to [-1, 1]; a constant column has r = 0 with every column (it is
// never dropped here: that is column_variance's job). threshold in
// [0, 1]; 1 keeps everything. O(rows * cols * kept) time.
// Errors: empty_input, shape_mismatch (keep), bad_value (a NaN or infinite
// entry; threshold outside [0, 1]), out_of_memory.
Status correlation_filter(MatrixView<const float> x, double threshold, Arena& scratch,
                          Span<std::uint8_t> keep) noexcept;

}  // namespace ember

#endif  // EMBER_FEATURE_SELECTION_H
