// Univariate feature scores: how strongly each column of x, on its own,
// relates to the target, as scikit-learn's sklearn.feature_selection (1.2)
// computes them: chi2, f_classif, f_regression (with r_regression),
// mutual_info_classif / mutual_info_regression, plus the Fisher score and
// VarianceThreshold's variance. feature_selection.h turns scores into the
// columns to keep.
//
// Common rules:
// - x is row-major with a stride (MatrixView); every score is per column.
//   Missing values are not allowed: a NaN (or infinite) entry is bad_value
//   (impute first).
// - A class target holds codes 0..n_classes-1 as floats, one per row of x
//   (as fit_decision_tree takes them): NaN or infinity is bad_value, any
//   other non-code bad_index, n_classes == 0 bad_value. Classes without a
//   row do not count (scikit-learn only sees the labels present).
//   A regression target must be finite (bad_value).
// - Sums run in row order in double; results are the same bits on every
//   platform (p-values come from special_functions.h).
// - Scores and p-values are written to caller spans of x.cols entries
//   (shape_mismatch otherwise); an empty p-value span skips them. Nothing
//   is written when an error is returned for the input (all of it is
//   checked first). No rows or no columns: empty_input.
#ifndef EMBER_FEATURE_SCORES_H
#define EMBER_FEATURE_SCORES_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// Arena bytes that chi2_scores, f_classif and fisher_score take from
// `scratch` (all given back), alignment padding included.
std::size_t class_scores_arena_bytes(std::uint32_t n_classes) noexcept;

// Pearson's chi-square statistic of each non-negative column against the
// classes (scikit-learn's chi2): with O_k the sum of the column over the
// rows of class k and E_k = (n_k / n) * (sum of the column),
// score = sum over present classes of (O_k - E_k)^2 / E_k, and the p-value
// is the chi-square survival function with (present classes - 1) degrees
// of freedom. A column that is zero everywhere gets score 0 and p-value 1
// (scikit-learn: NaN, which its selectors rank lowest).
// Errors: as above, bad_value (a negative entry; fewer than two classes
// present), out_of_memory.
Status chi2_scores(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes,
                   Arena& scratch, Span<double> scores, Span<double> p_values) noexcept;

// One-way ANOVA F statistic of each column across the classes (scikit-
// learn's f_classif): F = (SSB / (K - 1)) / (SSW / (n - K)) for the K
// present classes, SSB = sum_k n_k (mean_k - mean)^2 and SSW the sum of
// squares about each row's class mean; p-value = F survival function with
// (K - 1, n - K) degrees of freedom. Computed about the means (two passes)
// rather than from raw sums of squares as scikit-learn does, so the two
// agree to about 1e-12 relative on ordinary data and 1.2e-10 on a column
// whose spread is small beside its mean (breast_cancer's fractal
// dimension), where scikit-learn's value is the less accurate. A constant column
// (SSB = SSW = 0; scikit-learn: NaN and a warning) gets F 0 and p-value 1;
// a column constant within every class but not overall (SSW = 0;
// scikit-learn: infinity) gets the largest finite double and p-value 0,
// as scikit-learn's f_regression(force_finite=True) does.
// Errors: as above, bad_value (fewer than two classes present, or no more
// rows than classes), out_of_memory.
Status f_classif(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes, Arena& scratch,
                 Span<double> scores, Span<double> p_values) noexcept;

// Fisher score of each column (He, Cai and Niyogi 2005, as scikit-feature
// defines it): sum_k n_k (mean_k - mean)^2 / sum_k n_k var_k with var_k the
// population variance of class k, i.e. SSB / SSW in f_classif's terms
// (equal to F (K - 1) / (n - K)). SSW = 0: 0 for a constant column, the
// largest finite double when the class means differ.
// Errors: as above, out_of_memory. A single present class is allowed
// (every score 0 or the largest double).
Status fisher_score(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes,
                    Arena& scratch, Span<double> scores) noexcept;

// Univariate linear regression test of each column against a numeric
// target (scikit-learn's f_regression with center=True, force_finite=True):
// Pearson's r = sum (x - mean_x)(y - mean_y) / sqrt(sum (x - mean_x)^2 *
// sum (y - mean_y)^2), clamped to [-1, 1], F = r^2 / (1 - r^2) * (n - 2)
// and the p-value its F(1, n - 2) survival function. `correlation`
// (optional, empty to skip) receives r (scikit-learn's r_regression). A
// constant column or target gives r 0, F 0, p-value 1; |r| = 1 gives F =
// the largest finite double and p-value 0, as there.
// Errors: as above, bad_value (fewer than 3 rows). Needs no memory.
Status f_regression(MatrixView<const float> x, Span<const float> target, Span<double> scores,
                    Span<double> p_values, Span<double> correlation) noexcept;

// Population variance of each column (scikit-learn's VarianceThreshold
// variances; ddof 0), computed about the mean, so a constant column is
// exactly 0. Errors: as above (no target). Needs no memory.
Status column_variance(MatrixView<const float> x, Span<double> variance) noexcept;

struct MutualInfoOptions {
  std::uint32_t n_neighbors = 3;  // k of the nearest-neighbour estimators, >= 1
  std::uint64_t seed = 0;         // for the tie-breaking noise
};

// Arena bytes that mutual_info_classif (n_classes > 0) or
// mutual_info_regression (n_classes = 0) take from `scratch` for `rows`
// rows (all given back), alignment padding included; SIZE_MAX if that
// does not fit a size_t.
std::size_t mutual_info_arena_bytes(std::size_t rows, std::uint32_t n_classes,
                                    const MutualInfoOptions& options) noexcept;

// Mutual information (in nats, >= 0) between each column and the classes
// (scikit-learn's mutual_info_classif). Columns with discrete[j] != 0 (an
// empty span: none) are labels (any values; equal values are one label)
// and get the exact mutual information of the contingency table
// (mutual_info_score). The others are continuous and get Ross's (2014)
// k-nearest-neighbour estimate: each column is divided by its population
// standard deviation (not centred), then noise 1e-10 * max(1, mean |x|) *
// N(0, 1) from Rng(seed, 1 + j) is added to break ties, as scikit-learn
// does with its random_state; classes with one row are left out; a
// negative estimate is 0. The noise differs from NumPy's, so on data with
// tied values the estimate matches scikit-learn's only as another
// random_state would (see the tests for the observed spread); on data
// without ties it matches to rounding. O(n log n) per column.
// Errors: as above (discrete: shape_mismatch), bad_value (n_neighbors 0),
// out_of_memory.
Status mutual_info_classif(MatrixView<const float> x, Span<const std::uint8_t> discrete,
                           Span<const float> target, std::uint32_t n_classes,
                           const MutualInfoOptions& options, Arena& scratch, Span<double> scores) noexcept;

// Mutual information (in nats, >= 0) between each column and a numeric
// target (scikit-learn's mutual_info_regression). The target is scaled and
// noised as the continuous columns are (noise from Rng(seed, 0)).
// Continuous columns get Kraskov, Stoegbauer and Grassberger's (2004)
// estimator (their first algorithm, max-norm in the (x, y) plane);
// discrete columns (discrete[j] != 0) get Ross's estimator with the column
// as the labels and the target as the continuous variable, as
// scikit-learn. The k-th neighbour in the plane is found with a 2-d tree:
// O(n log n) per column for the build, about O(log n) per query on
// ordinary data (the worst case, every point on one line, is O(n) per
// query). Same noise caveat as mutual_info_classif.
// Errors: as above, bad_value (n_neighbors 0 or >= rows), out_of_memory.
Status mutual_info_regression(MatrixView<const float> x, Span<const std::uint8_t> discrete,
                              Span<const float> target, const MutualInfoOptions& options, Arena& scratch,
                              Span<double> scores) noexcept;

}  // namespace ember

#endif  // EMBER_FEATURE_SCORES_H
