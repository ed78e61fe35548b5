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

#include "ember/arena.h"
#include "ember/matrix_view.h"
#include "ember/span.h"
#include "ember/status.h"

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

// Arena bytes that roc_auc and roc_auc_ovr_macro need for n samples
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

}  // namespace ember

#endif  // EMBER_METRICS_H
