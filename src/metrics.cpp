#include "ember/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ember/portable_math.h"

namespace ember {

namespace {

// scikit-learn's former log_loss default; see metrics.h.
constexpr double kLogLossEps = 1e-15;

bool finite(double v) { return v - v == 0.0; }

double weight_of(Span<const float> w, std::size_t i) { return w.empty() ? 1.0 : static_cast<double>(w[i]); }

// The checks every metric shares; *total receives the sum of the weights.
Status check_weights(std::size_t n, Span<const float> w, double* total) {
  if (!w.empty() && w.size() != n) return Status::shape_mismatch;
  if (n == 0) return Status::empty_input;
  if (w.empty()) {
    *total = static_cast<double>(n);
    return Status::ok;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w[i];
    if (!(wi >= 0.0) || !finite(wi)) return Status::bad_value;
    sum += wi;
  }
  if (!(sum > 0.0)) return Status::empty_input;
  *total = sum;
  return Status::ok;
}

Status check_regression(Span<const float> y_true, Span<const float> y_pred, Span<const float> w,
                        double* total) {
  if (y_pred.size() != y_true.size()) return Status::shape_mismatch;
  EMBER_TRY(check_weights(y_true.size(), w, total));
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (!finite(y_true[i]) || !finite(y_pred[i])) return Status::bad_value;
  }
  return Status::ok;
}

// Labels in [0, k) and finite entries: the checks of the n x K metrics.
Status check_labels_and_matrix(Span<const std::int32_t> y, MatrixView<const float> m) {
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0 || static_cast<std::size_t>(y[i]) >= m.cols) return Status::bad_index;
  }
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.cols; ++j) {
      if (!finite(m(i, j))) return Status::bad_value;
    }
  }
  return Status::ok;
}

// Scores descending, then index ascending: a strict total order on the
// indices, so every correct sort produces the same permutation.
struct ByScoreDescending {
  const float* scores;
  std::size_t stride;
  bool operator()(std::size_t a, std::size_t b) const {
    const float sa = scores[a * stride];
    const float sb = scores[b * stride];
    if (sa != sb) return sa > sb;
    return a < b;
  }
};

// ROC AUC of (y == positive) against scores[i * stride] (finite, checked by
// the caller), using `order` (n indices of scratch) for the sort.
//
// Walking down the thresholds, each group of equal scores moves the curve
// from (fp_prev, tp_prev) to (fp, tp) in weight units; the trapezoid under
// that step is (fp - fp_prev) (tp + tp_prev) / 2. The AUC is the sum over
// the groups divided by P N, the area of the whole plot, which is
// scikit-learn's trapezoid on the normalised curve without dividing each
// point first. Unweighted, every quantity is an integer (exact below 2^53),
// so the result is the correctly rounded ratio whatever the input order.
Status binary_auc(Span<const std::int32_t> y, std::int32_t positive, const float* scores, std::size_t stride,
                  Span<const float> w, Span<std::size_t> order, double* out) {
  const std::size_t n = y.size();
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), ByScoreDescending{scores, stride});
  double tp = 0.0;
  double fp = 0.0;
  double tp_prev = 0.0;
  double fp_prev = 0.0;
  double twice_area = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    const double wi = weight_of(w, i);
    if (y[i] == positive) {
      tp += wi;
    } else {
      fp += wi;
    }
    if (k + 1 == n || scores[order[k + 1] * stride] != scores[i * stride]) {
      twice_area += (fp - fp_prev) * (tp + tp_prev);
      tp_prev = tp;
      fp_prev = fp;
    }
  }
  if (!(tp > 0.0) || !(fp > 0.0)) return Status::bad_value;
  *out = twice_area / (2.0 * tp * fp);
  return Status::ok;
}

}  // namespace

Status accuracy(Span<const std::int32_t> y_true, Span<const std::int32_t> y_pred,
                Span<const float> sample_weight, double* out) noexcept {
  if (y_pred.size() != y_true.size()) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  double correct = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] == y_pred[i]) correct += weight_of(sample_weight, i);
  }
  *out = correct / total;
  return Status::ok;
}

Status log_loss(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                Span<const float> sample_weight, double* out) noexcept {
  if (proba.rows != y_true.size()) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  if (proba.cols < 2) return Status::bad_value;
  EMBER_TRY(check_labels_and_matrix(y_true, proba));
  double loss = 0.0;
  for (std::size_t i = 0; i < proba.rows; ++i) {
    double row_sum = 0.0;
    for (std::size_t j = 0; j < proba.cols; ++j) {
      row_sum += std::min(std::max(static_cast<double>(proba(i, j)), kLogLossEps), 1.0 - kLogLossEps);
    }
    const double p_true =
        std::min(std::max(static_cast<double>(proba(i, static_cast<std::size_t>(y_true[i]))), kLogLossEps),
                 1.0 - kLogLossEps);
    loss += weight_of(sample_weight, i) * -portable_log(p_true / row_sum);
  }
  *out = loss / total;
  return Status::ok;
}

std::size_t roc_auc_arena_bytes(std::size_t n) noexcept {
  constexpr std::size_t kPadding = alignof(std::size_t);
  if (n > (SIZE_MAX - kPadding) / sizeof(std::size_t)) return SIZE_MAX;
  return n * sizeof(std::size_t) + kPadding;
}

Status roc_auc(Span<const std::int32_t> y_true, Span<const float> scores, Span<const float> sample_weight,
               Arena& arena, double* out) noexcept {
  if (scores.size() != y_true.size()) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] != 0 && y_true[i] != 1) return Status::bad_index;
    if (!finite(scores[i])) return Status::bad_value;
  }
  ArenaScope scope(arena);
  Span<std::size_t> order;
  EMBER_TRY(arena.allocate_array(y_true.size(), &order));
  return binary_auc(y_true, 1, scores.data(), 1, sample_weight, order, out);
}

Status roc_auc_ovr_macro(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                         Span<const float> sample_weight, Arena& arena, double* out) noexcept {
  if (proba.rows != y_true.size()) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  if (proba.cols < 2) return Status::bad_value;
  EMBER_TRY(check_labels_and_matrix(y_true, proba));
  // scikit-learn's np.allclose(1, row sums): |1 - s| <= atol + rtol |s|.
  for (std::size_t i = 0; i < proba.rows; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < proba.cols; ++j) s += proba(i, j);
    if (!(std::fabs(1.0 - s) <= 1e-8 + 1e-5 * std::fabs(s))) return Status::bad_value;
  }
  ArenaScope scope(arena);
  Span<std::size_t> order;
  EMBER_TRY(arena.allocate_array(y_true.size(), &order));
  double sum = 0.0;
  for (std::size_t k = 0; k < proba.cols; ++k) {
    double auc = 0.0;
    EMBER_TRY(binary_auc(y_true, static_cast<std::int32_t>(k), proba.data + k, proba.stride, sample_weight,
                         order, &auc));
    sum += auc;
  }
  *out = sum / static_cast<double>(proba.cols);
  return Status::ok;
}

Status rmse(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
            double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  double sum = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double d = static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]);
    sum += weight_of(sample_weight, i) * (d * d);
  }
  *out = std::sqrt(sum / total);
  return Status::ok;
}

Status mae(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
           double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  double sum = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    sum += weight_of(sample_weight, i) *
           std::fabs(static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]));
  }
  *out = sum / total;
  return Status::ok;
}

Status r2(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
          double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  const std::size_t n = y_true.size();
  if (n < 2) return Status::empty_input;
  // The mean relative to the first sample that counts: identical values
  // then give a mean equal to them, and SST exactly 0.
  std::size_t first = 0;
  while (!(weight_of(sample_weight, first) > 0.0)) ++first;
  const double origin = y_true[first];
  double shift = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    shift += weight_of(sample_weight, i) * (static_cast<double>(y_true[i]) - origin);
  }
  const double mean = origin + shift / total;
  double ssr = 0.0;
  double sst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = weight_of(sample_weight, i);
    const double r = static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]);
    const double c = static_cast<double>(y_true[i]) - mean;
    ssr += wi * (r * r);
    sst += wi * (c * c);
  }
  if (ssr == 0.0) {
    *out = 1.0;
  } else if (sst == 0.0) {
    *out = 0.0;
  } else {
    *out = 1.0 - ssr / sst;
  }
  return Status::ok;
}

}  // namespace ember
