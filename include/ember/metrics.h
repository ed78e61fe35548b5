// Evaluation metrics: scikit-learn's definitions, in double precision, with
// no heap.
//
// Every metric reads n samples and writes one double to *out; on an error
// *out is left unchanged. Labels are class codes (int32); predictions,
// probabilities and scores are float; arithmetic is double with a fixed
// order (and portable_log), so a metric gives the same bits on every
// platform.
//
// Each function matches the scikit-learn 1.2 function named beside it, fed
// the same values as float64 arrays, to within rounding (the tests check
// 1e-12 relative). Deliberate differences are stated per function.
//
// Sample weights are optional: an empty span means all ones; otherwise n
// finite, non-negative values with a positive total. A zero weight takes
// the sample out of the result (its values are still checked). The common
// errors, for every function:
//   shape_mismatch  the inputs (weights included) differ in length
//   empty_input     n = 0, or the weights sum to 0 (scikit-learn divides
//                   by zero there)
//   bad_value       a weight is negative, NaN or infinite
// Float inputs must be finite (bad_value otherwise), as scikit-learn's
// input checks require; no metric here gives NaN a meaning.
#ifndef EMBER_METRICS_H
#define EMBER_METRICS_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// Weighted fraction of samples with y_pred[i] == y_true[i], in [0, 1]
// (accuracy_score). Labels are compared as they are; any int32 is allowed.
Status accuracy(Span<const std::int32_t> y_true, Span<const std::int32_t> y_pred,
                Span<const float> sample_weight, double* out) noexcept;

// Cross-entropy in nats: the weighted mean over samples of -log p, p the
// probability of the true class (log_loss with labels = 0..K-1, eps = 1e-15).
// `proba` is n x K, K >= 2, one row per sample. Each entry is clipped to
// [1e-15, 1 - 1e-15] and each row divided by its sum, so rows need not sum
// to 1, a 0 costs -log(1e-15) (about 34.5) instead of infinity, and
// entries outside [0, 1] are accepted as scikit-learn accepts them.
// Note: scikit-learn 1.2's default is eps = "auto" (the dtype's epsilon,
// 2.2e-16 for float64); the fixed 1e-15 is the default of earlier versions.
// Errors: bad_index (a label outside [0, K)), bad_value (K < 2, an entry
// not finite).
Status log_loss(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                Span<const float> sample_weight, double* out) noexcept;

// Arena bytes that roc_auc, roc_auc_ovr_macro and average_precision need
// for n samples
// (alignment padding included); SIZE_MAX if that does not fit a size_t.
std::size_t roc_auc_arena_bytes(std::size_t n) noexcept;

// Area under the ROC curve of a binary problem, in [0, 1] (roc_auc_score):
// y_true in {0, 1} (1 = positive), a higher score means more positive.
// Samples with equal scores form one threshold, so a tie between a positive
// and a negative counts one half: the trapezoidal area, exactly as
// scikit-learn. Weights scale each sample's step on the curve.
// Memory: roc_auc_arena_bytes(n) from `arena` for a sort of the indices,
// all given back before returning. The order is by score, then by index,
// so it does not depend on the sort algorithm.
// Errors: bad_index (a label other than 0 or 1), bad_value (a score not
// finite; or one class is absent or has zero total weight, where
// scikit-learn raises or returns NaN), out_of_memory.
Status roc_auc(Span<const std::int32_t> y_true, Span<const float> scores, Span<const float> sample_weight,
               Arena& arena, double* out) noexcept;

// One-vs-rest ROC AUC averaged over classes without weighting, in [0, 1]
// (roc_auc_score with multi_class="ovr", average="macro"): class k's AUC is
// roc_auc of (y_true == k) against column k of `proba` (n x K, K >= 2);
// sample weights apply inside each class's AUC. As scikit-learn requires,
// each row must sum to 1 within |sum - 1| <= 1e-8 + 1e-5 |sum| (numpy's
// allclose), and every class must be present.
// Difference: for K = 2 scikit-learn refuses a two-column score matrix;
// here the result is the mean of the two one-vs-rest AUCs.
// Memory: as roc_auc (the buffer is reused for each class).
// Errors: bad_index (a label outside [0, K)), bad_value (K < 2; an entry
// not finite; a row sum off 1; a class absent or with zero total weight),
// out_of_memory.
Status roc_auc_ovr_macro(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                         Span<const float> sample_weight, Arena& arena, double* out) noexcept;

// ---- From a confusion matrix --------------------------------------------
// The label metrics below read a K x K confusion matrix (K >= 1) so that one
// pass over the samples serves all of them. A class counts as present when
// its row or its column has a positive total (scikit-learn's labels=None
// takes the classes that appear in y_true or y_pred). Difference: a class
// whose samples all have weight 0 is present for scikit-learn, not here.
// A division by zero gives 0.0 (scikit-learn's zero_division default).
// Errors: bad_value (K = 0, a matrix that is not square, an entry negative
// or not finite), empty_input (the total is 0).

// out(i, j) = total weight of the samples of true class i predicted as
// class j (confusion_matrix with labels = 0..K-1), K = out.rows = out.cols.
// Errors: the common ones, shape_mismatch (out not square), bad_index (a
// label outside [0, K)).
Status confusion_matrix(Span<const std::int32_t> y_true, Span<const std::int32_t> y_pred,
                        Span<const float> sample_weight, MatrixView<double> out) noexcept;

// The mean over classes with a positive row total of the class's recall,
// in [0, 1] (balanced_accuracy_score, adjusted=False).
Status balanced_accuracy(MatrixView<const double> confusion, double* out) noexcept;

// How per-class precision, recall and F1 are combined
// (precision_recall_fscore_support's `average`).
enum class Average : std::uint8_t {
  binary,    // class 1 alone (pos_label=1); K must be at most 2
  macro,     // unweighted mean over the present classes
  micro,     // from the totals of true positives, predictions and truths
  weighted,  // mean over the present classes weighted by their row totals
};

// Precision, recall and F1 in [0, 1]. F1 = 2 P R / (P + R), 0 when P + R = 0.
struct PrecisionRecallF1 {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

// precision_score, recall_score and f1_score with the given average (and
// zero_division=0). Errors: as above, bad_value also for binary with K > 2.
Status precision_recall_f1(MatrixView<const double> confusion, Average average,
                           PrecisionRecallF1* out) noexcept;

// Matthews correlation coefficient in [-1, 1] (matthews_corrcoef; for K > 2
// the R_K statistic): 0 when a marginal is concentrated on one class.
Status matthews_corrcoef(MatrixView<const double> confusion, double* out) noexcept;

// ---- From scores and probabilities ---------------------------------------

// Average precision of a binary problem, in [0, 1]
// (average_precision_score): the sum over distinct score thresholds, from
// the highest, of (R_k - R_(k-1)) P_k, with P_k and R_k the precision and
// recall of predicting positive at scores >= threshold k. No interpolation;
// tied scores form one threshold. Samples of weight 0 are left out, as
// scikit-learn does. With no positive sample the result is 0.0 (scikit-
// learn warns and returns the same). Memory and order: as roc_auc.
// Errors: bad_index (a label other than 0 or 1), bad_value (a score not
// finite), out_of_memory.
Status average_precision(Span<const std::int32_t> y_true, Span<const float> scores,
                         Span<const float> sample_weight, Arena& arena, double* out) noexcept;

// Brier score, in [0, 1] for two classes, [0, 2] for more: the weighted
// mean over samples of sum_k (proba(i, k) - [y_i = k])^2, halved when
// K = 2 (scikit-learn 1.7's brier_score_loss with scale_by_half="auto";
// for two classes whose rows sum to 1 it is 1.2's mean (y - p_1)^2).
// Entries are used as given (not clipped or normalised).
// Errors: bad_index (a label outside [0, K)), bad_value (K < 2, an entry
// not finite).
Status brier_score(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                   Span<const float> sample_weight, double* out) noexcept;

// ---- Regression -------------------------------------------------------

// Root of the weighted mean squared error (mean_squared_error with
// squared=False), in the units of y.
Status rmse(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
            double* out) noexcept;

// Weighted mean absolute error (mean_absolute_error), in the units of y.
Status mae(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
           double* out) noexcept;

// Coefficient of determination (r2_score, force_finite=True): 1 - SSR/SST
// with SSR = sum w (y - pred)^2 and SST = sum w (y - weighted mean of y)^2;
// at most 1, unbounded below. When SST = 0 (y constant over the samples
// with positive weight) it is 1.0 if SSR = 0 (perfect predictions) and
// 0.0 otherwise, as scikit-learn 1.2.
// Difference: here "y constant" is decided exactly (the mean is taken
// relative to one sample, so identical values give SST = 0 exactly);
// scikit-learn's float mean can miss by an ulp and turn SST into ~1e-34,
// e.g. r2_score([0.1]*3, [0.2]*3) is -5.2e31 there and 0.0 here.
// Errors: as above, and empty_input also for n = 1 (scikit-learn returns
// NaN with a warning: R^2 is not defined for one sample).
Status r2(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
          double* out) noexcept;

// Weighted mean squared error (mean_squared_error), in squared units of y.
Status mse(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
           double* out) noexcept;

// Arena bytes that median_absolute_error needs for n samples; SIZE_MAX if
// that does not fit a size_t.
std::size_t median_absolute_error_arena_bytes(std::size_t n) noexcept;

// Median of |y_true - y_pred| (median_absolute_error), in the units of y.
// Unweighted: the median, the mean of the middle two for an even n.
// Weighted: scikit-learn's _weighted_percentile at 50, the smallest error
// whose cumulative weight (errors ascending) reaches half the total, which
// is not the unweighted median for unit weights and an even n.
// Memory: median_absolute_error_arena_bytes(n) from `arena`, given back.
// Errors: the common ones, bad_value (a value not finite), out_of_memory.
Status median_absolute_error(Span<const float> y_true, Span<const float> y_pred,
                             Span<const float> sample_weight, Arena& arena, double* out) noexcept;

// Weighted mean of |y_true - y_pred| / max(|y_true|, 2^-52)
// (mean_absolute_percentage_error): a fraction, not a percentage (0.1 is
// 10%); a y_true of 0 makes it huge rather than infinite, as scikit-learn.
Status mean_absolute_percentage_error(Span<const float> y_true, Span<const float> y_pred,
                                      Span<const float> sample_weight, double* out) noexcept;

// 1 - Var(y_true - y_pred) / Var(y_true), weighted (explained_variance_score,
// force_finite=True): at most 1; 1.0 when the residual is constant, 0.0
// when y_true is constant and the residual is not. As r2, "constant" is
// decided exactly. Unlike r2 a constant bias costs nothing.
// Errors: as r2.
Status explained_variance(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
                          double* out) noexcept;

}  // namespace ember

#endif  // EMBER_METRICS_H
