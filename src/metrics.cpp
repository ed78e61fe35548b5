#include "ember/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ember/base/portable_math.h"

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

// The checks of the metrics that read n x K probabilities: shapes,
// weights, K >= 2, labels in [0, K) and finite entries.
Status check_probabilities(Span<const std::int32_t> y, MatrixView<const float> proba, Span<const float> w,
                           double* total) {
  if (proba.rows != y.size()) return Status::shape_mismatch;
  EMBER_TRY(check_weights(y.size(), w, total));
  if (proba.cols < 2) return Status::bad_value;
  return check_labels_and_matrix(y, proba);
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

// A confusion matrix's checks; *total receives the sum of its entries.
Status check_confusion(MatrixView<const double> c, double* total) {
  if (c.rows == 0 || c.rows != c.cols) return Status::bad_value;
  double sum = 0.0;
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (std::size_t j = 0; j < c.cols; ++j) {
      const double v = c(i, j);
      if (!(v >= 0.0) || !finite(v)) return Status::bad_value;
      sum += v;
    }
  }
  if (!(sum > 0.0)) return Status::empty_input;
  *total = sum;
  return Status::ok;
}

// Row k's total (the class's true weight) and column k's (its predictions).
double row_total(MatrixView<const double> c, std::size_t k) {
  double s = 0.0;
  for (std::size_t j = 0; j < c.cols; ++j) s += c(k, j);
  return s;
}
double column_total(MatrixView<const double> c, std::size_t k) {
  double s = 0.0;
  for (std::size_t i = 0; i < c.rows; ++i) s += c(i, k);
  return s;
}

// a / b, or 0 when b is 0 (zero_division=0).
double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }

PrecisionRecallF1 class_scores(double tp, double predicted, double truth) {
  PrecisionRecallF1 r;
  r.precision = ratio(tp, predicted);
  r.recall = ratio(tp, truth);
  const double sum = r.precision + r.recall;
  r.f1 = sum > 0.0 ? 2.0 * r.precision * r.recall / sum : 0.0;
  return r;
}

// The weighted mean of v relative to its first sample of positive weight:
// identical values then give a mean equal to them, so their spread is
// exactly 0. `v(i)` is a double.
template <class Value>
double exact_mean(std::size_t n, Span<const float> w, double total, Value v) {
  std::size_t first = 0;
  while (!(weight_of(w, first) > 0.0)) ++first;
  const double origin = v(first);
  double shift = 0.0;
  for (std::size_t i = 0; i < n; ++i) shift += weight_of(w, i) * (v(i) - origin);
  return origin + shift / total;
}

// 1 - num / den with scikit-learn's force_finite rule.
double finite_score(double num, double den) {
  if (num == 0.0) return 1.0;
  if (den == 0.0) return 0.0;
  return 1.0 - num / den;
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
  double total = 0.0;
  EMBER_TRY(check_probabilities(y_true, proba, sample_weight, &total));
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
  double total = 0.0;
  EMBER_TRY(check_probabilities(y_true, proba, sample_weight, &total));
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

Status confusion_matrix(Span<const std::int32_t> y_true, Span<const std::int32_t> y_pred,
                        Span<const float> sample_weight, MatrixView<double> out) noexcept {
  if (y_pred.size() != y_true.size() || out.rows != out.cols) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  const std::size_t k = out.rows;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] < 0 || static_cast<std::size_t>(y_true[i]) >= k || y_pred[i] < 0 ||
        static_cast<std::size_t>(y_pred[i]) >= k)
      return Status::bad_index;
  }
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) out(i, j) = 0.0;
  }
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    out(static_cast<std::size_t>(y_true[i]), static_cast<std::size_t>(y_pred[i])) +=
        weight_of(sample_weight, i);
  }
  return Status::ok;
}

Status balanced_accuracy(MatrixView<const double> confusion, double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_confusion(confusion, &total));
  double sum = 0.0;
  std::size_t classes = 0;
  for (std::size_t k = 0; k < confusion.rows; ++k) {
    const double truth = row_total(confusion, k);
    if (truth > 0.0) {
      sum += confusion(k, k) / truth;
      ++classes;
    }
  }
  *out = sum / static_cast<double>(classes);  // classes >= 1: the total is positive
  return Status::ok;
}

Status precision_recall_f1(MatrixView<const double> confusion, Average average,
                           PrecisionRecallF1* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_confusion(confusion, &total));
  const std::size_t k = confusion.rows;
  if (average == Average::binary) {
    if (k > 2) return Status::bad_value;
    // Class 1, or for a single class (no class 1) nothing predicted or true.
    *out = k == 2 ? class_scores(confusion(1, 1), column_total(confusion, 1), row_total(confusion, 1))
                  : PrecisionRecallF1{};
    return Status::ok;
  }
  double tp = 0.0, predicted = 0.0, truth = 0.0;
  PrecisionRecallF1 sum;
  double weight_sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    const double ctp = confusion(c, c), cpred = column_total(confusion, c), ctruth = row_total(confusion, c);
    if (!(cpred > 0.0) && !(ctruth > 0.0)) continue;
    tp += ctp;
    predicted += cpred;
    truth += ctruth;
    const PrecisionRecallF1 r = class_scores(ctp, cpred, ctruth);
    const double w = average == Average::weighted ? ctruth : 1.0;
    sum.precision += w * r.precision;
    sum.recall += w * r.recall;
    sum.f1 += w * r.f1;
    weight_sum += w;
  }
  if (average == Average::micro) {
    *out = class_scores(tp, predicted, truth);
    return Status::ok;
  }
  *out = PrecisionRecallF1{ratio(sum.precision, weight_sum), ratio(sum.recall, weight_sum),
                           ratio(sum.f1, weight_sum)};
  return Status::ok;
}

Status matthews_corrcoef(MatrixView<const double> confusion, double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_confusion(confusion, &total));
  double correct = 0.0, tp_dot = 0.0, pp_dot = 0.0, tt_dot = 0.0;
  for (std::size_t k = 0; k < confusion.rows; ++k) {
    const double t = row_total(confusion, k), p = column_total(confusion, k);
    correct += confusion(k, k);
    tp_dot += t * p;
    pp_dot += p * p;
    tt_dot += t * t;
  }
  const double cov_tp = correct * total - tp_dot;
  const double cov_pp = total * total - pp_dot;
  const double cov_tt = total * total - tt_dot;
  *out = cov_pp * cov_tt == 0.0 ? 0.0 : cov_tp / std::sqrt(cov_tt * cov_pp);
  return Status::ok;
}

Status average_precision(Span<const std::int32_t> y_true, Span<const float> scores,
                         Span<const float> sample_weight, Arena& arena, double* out) noexcept {
  if (scores.size() != y_true.size()) return Status::shape_mismatch;
  double total = 0.0;
  EMBER_TRY(check_weights(y_true.size(), sample_weight, &total));
  const std::size_t n = y_true.size();
  double positives = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (y_true[i] != 0 && y_true[i] != 1) return Status::bad_index;
    if (!finite(scores[i])) return Status::bad_value;
    if (y_true[i] == 1) positives += weight_of(sample_weight, i);
  }
  if (!(positives > 0.0)) {
    *out = 0.0;
    return Status::ok;
  }
  ArenaScope scope(arena);
  Span<std::size_t> order;
  EMBER_TRY(arena.allocate_array(n, &order));
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), ByScoreDescending{scores.data(), 1});
  // Zero-weight samples move neither count, so they add nothing to the sum.
  double tp = 0.0, fp = 0.0, tp_prev = 0.0, sum = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    (y_true[i] == 1 ? tp : fp) += weight_of(sample_weight, i);
    if (k + 1 == n || scores[order[k + 1]] != scores[i]) {
      if (tp > tp_prev) sum += (tp - tp_prev) * (tp / (tp + fp));
      tp_prev = tp;
    }
  }
  *out = sum / positives;
  return Status::ok;
}

Status brier_score(Span<const std::int32_t> y_true, MatrixView<const float> proba,
                   Span<const float> sample_weight, double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_probabilities(y_true, proba, sample_weight, &total));
  double sum = 0.0;
  for (std::size_t i = 0; i < proba.rows; ++i) {
    double row = 0.0;
    for (std::size_t j = 0; j < proba.cols; ++j) {
      const double d =
          static_cast<double>(proba(i, j)) - (static_cast<std::size_t>(y_true[i]) == j ? 1.0 : 0.0);
      row += d * d;
    }
    sum += weight_of(sample_weight, i) * row;
  }
  *out = sum / total / (proba.cols == 2 ? 2.0 : 1.0);
  return Status::ok;
}

Status rmse(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
            double* out) noexcept {
  double squared = 0.0;
  EMBER_TRY(mse(y_true, y_pred, sample_weight, &squared));
  *out = std::sqrt(squared);
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
  const double mean =
      exact_mean(n, sample_weight, total, [&](std::size_t i) { return static_cast<double>(y_true[i]); });
  double ssr = 0.0;
  double sst = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = weight_of(sample_weight, i);
    const double r = static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]);
    const double c = static_cast<double>(y_true[i]) - mean;
    ssr += wi * (r * r);
    sst += wi * (c * c);
  }
  *out = finite_score(ssr, sst);
  return Status::ok;
}

Status mse(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
           double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  double sum = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double d = static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]);
    sum += weight_of(sample_weight, i) * (d * d);
  }
  *out = sum / total;
  return Status::ok;
}

std::size_t median_absolute_error_arena_bytes(std::size_t n) noexcept {
  // The errors, and for weights the sort order.
  constexpr std::size_t kPadding = alignof(double) + alignof(std::size_t);
  if (n > (SIZE_MAX - kPadding) / (sizeof(double) + sizeof(std::size_t))) return SIZE_MAX;
  return n * (sizeof(double) + sizeof(std::size_t)) + kPadding;
}

Status median_absolute_error(Span<const float> y_true, Span<const float> y_pred,
                             Span<const float> sample_weight, Arena& arena, double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  const std::size_t n = y_true.size();
  ArenaScope scope(arena);
  Span<double> err;
  EMBER_TRY(arena.allocate_array(n, &err));
  for (std::size_t i = 0; i < n; ++i) {
    err[i] = std::fabs(static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]));
  }
  if (sample_weight.empty()) {
    // numpy's median: the middle value, or the mean of the middle two.
    double* mid = err.data() + n / 2;
    std::nth_element(err.begin(), mid, err.end());
    double value = *mid;
    if (n % 2 == 0) value = (*std::max_element(err.begin(), mid) + value) / 2.0;
    *out = value;
    return Status::ok;
  }
  Span<std::size_t> order;
  EMBER_TRY(arena.allocate_array(n, &order));
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return err[a] != err[b] ? err[a] < err[b] : a < b; });
  // _weighted_percentile(err, w, 50): the first sorted position whose
  // cumulative weight reaches half the total.
  const double half = 0.5 * total;
  double cumulative = 0.0;
  std::size_t k = 0;
  for (; k < n; ++k) {
    cumulative += weight_of(sample_weight, order[k]);
    if (cumulative >= half) break;
  }
  *out = err[order[k < n ? k : n - 1]];
  return Status::ok;
}

Status mean_absolute_percentage_error(Span<const float> y_true, Span<const float> y_pred,
                                      Span<const float> sample_weight, double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  constexpr double kEps = 2.220446049250313e-16;  // numpy.finfo(float64).eps
  double sum = 0.0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double t = y_true[i];
    sum += weight_of(sample_weight, i) *
           (std::fabs(t - static_cast<double>(y_pred[i])) / std::max(std::fabs(t), kEps));
  }
  *out = sum / total;
  return Status::ok;
}

Status explained_variance(Span<const float> y_true, Span<const float> y_pred, Span<const float> sample_weight,
                          double* out) noexcept {
  double total = 0.0;
  EMBER_TRY(check_regression(y_true, y_pred, sample_weight, &total));
  const std::size_t n = y_true.size();
  if (n < 2) return Status::empty_input;
  const auto residual = [&](std::size_t i) {
    return static_cast<double>(y_true[i]) - static_cast<double>(y_pred[i]);
  };
  const double residual_mean = exact_mean(n, sample_weight, total, residual);
  const double mean =
      exact_mean(n, sample_weight, total, [&](std::size_t i) { return static_cast<double>(y_true[i]); });
  double num = 0.0;
  double den = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = weight_of(sample_weight, i);
    const double r = residual(i) - residual_mean;
    const double c = static_cast<double>(y_true[i]) - mean;
    num += wi * (r * r);
    den += wi * (c * c);
  }
  *out = finite_score(num / total, den / total);
  return Status::ok;
}

}  // namespace ember
