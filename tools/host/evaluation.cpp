#include "host/evaluation.h"

#include <cmath>
#include <limits>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/metrics.h"
#include "ember/base/span.h"
#include "host/heap_upstream.h"

namespace ember::host {

namespace {

// Records a metric, or turns its Status into an error naming it.
class Recorder {
 public:
  Recorder(Evaluation* out, Error* error) : out_(out), error_(error) {}

  // Runs `metric(&value)` and records the value under `name`. (Taking the
  // Status and the value as two arguments would read the value before the
  // call that writes it: argument order is unspecified.)
  template <class Metric>
  bool add(const char* name, Metric metric) {
    double value = 0.0;
    const Status s = metric(&value);
    return add_value(name, s, value);
  }

  bool add_value(const char* name, Status s, double value) {
    if (s != Status::ok) {
      error_->message = std::string(name) + ": " + status_name(s) + ": " + status_description(s);
      return false;
    }
    out_->metrics.emplace_back(name, value);
    return true;
  }

 private:
  Evaluation* out_;
  Error* error_;
};

}  // namespace

double Evaluation::get(const std::string& name) const {
  for (const auto& [n, v] : metrics) {
    if (n == name) return v;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

bool evaluate_classes(const std::vector<std::int32_t>& y, const std::vector<float>& proba, std::size_t k,
                      Evaluation* out, Error* error) {
  *out = Evaluation{};
  const std::size_t n = y.size();
  if (k < 2 || proba.size() != n * k) {
    error->message =
        "evaluation: expected " + std::to_string(n) + " x " + std::to_string(k) + " probabilities";
    return false;
  }
  for (std::int32_t label : y) {
    if (label < 0 || static_cast<std::size_t>(label) >= k) {
      error->message =
          "evaluation: class code " + std::to_string(label) + " outside [0, " + std::to_string(k) + ")";
      return false;
    }
  }
  std::vector<std::int32_t> predicted(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < k; ++c) best = proba[i * k + c] > proba[i * k + best] ? c : best;
    predicted[i] = static_cast<std::int32_t>(best);
  }
  const Span<const std::int32_t> ys(y.data(), n), ps(predicted.data(), n);
  const MatrixView<const float> pv{proba.data(), n, k, k};
  std::vector<double> cells(k * k);
  const MatrixView<double> c{cells.data(), k, k, k};
  Recorder r(out, error);
  if (!r.add("accuracy", [&](double* v) { return accuracy(ys, ps, {}, v); })) return false;
  Status s = confusion_matrix(ys, ps, {}, c);
  if (s != Status::ok) return r.add_value("confusion_matrix", s, 0.0);
  if (!r.add("balanced_accuracy", [&](double* v) { return balanced_accuracy(c, v); })) return false;
  PrecisionRecallF1 prf;
  if (k == 2) {
    s = precision_recall_f1(c, Average::binary, &prf);
    if (!r.add_value("precision", s, prf.precision) || !r.add_value("recall", s, prf.recall) ||
        !r.add_value("f1", s, prf.f1))
      return false;
  }
  s = precision_recall_f1(c, Average::macro, &prf);
  if (!r.add_value("precision_macro", s, prf.precision) || !r.add_value("recall_macro", s, prf.recall) ||
      !r.add_value("f1_macro", s, prf.f1))
    return false;
  s = precision_recall_f1(c, Average::weighted, &prf);
  if (!r.add_value("precision_weighted", s, prf.precision) ||
      !r.add_value("recall_weighted", s, prf.recall) || !r.add_value("f1_weighted", s, prf.f1))
    return false;
  if (!r.add("logloss", [&](double* v) { return log_loss(ys, pv, {}, v); })) return false;
  if (!r.add("brier", [&](double* v) { return brier_score(ys, pv, {}, v); })) return false;
  if (!r.add("mcc", [&](double* v) { return matthews_corrcoef(c, v); })) return false;

  // AUC and average precision are undefined without both sides of a class.
  std::vector<std::size_t> count(k, 0);
  for (std::int32_t label : y) ++count[static_cast<std::size_t>(label)];
  bool all_present = true;
  for (std::size_t x : count) all_present = all_present && x > 0;
  Arena arena(nullptr, 0, heap_upstream());
  if (k == 2) {
    std::vector<float> positive(n);
    for (std::size_t i = 0; i < n; ++i) positive[i] = proba[i * 2 + 1];
    const Span<const float> pos(positive.data(), n);
    if (count[1] > 0) {
      if (!r.add("average_precision", [&](double* v) { return average_precision(ys, pos, {}, arena, v); }))
        return false;
    } else {
      out->skipped.push_back("average_precision: no row of the positive class");
    }
    if (all_present) {
      if (!r.add("auc", [&](double* v) { return roc_auc(ys, pos, {}, arena, v); })) return false;
    } else {
      out->skipped.push_back("auc: a single class in the data");
    }
  } else if (all_present) {
    // The model's probabilities sum to 1 up to float rounding, which the
    // check allows.
    if (!r.add("auc_ovr_macro", [&](double* v) { return roc_auc_ovr_macro(ys, pv, {}, arena, v); }))
      return false;
  } else {
    out->skipped.push_back("auc_ovr_macro: a class of the model has no row in the data");
  }
  out->confusion.assign(k, std::vector<double>(k));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) out->confusion[i][j] = c(i, j);
  }
  return true;
}

bool evaluate_numbers(const std::vector<float>& y, const std::vector<float>& predicted, Evaluation* out,
                      Error* error) {
  *out = Evaluation{};
  const std::size_t n = y.size();
  if (predicted.size() != n) {
    error->message =
        "evaluation: " + std::to_string(predicted.size()) + " predictions for " + std::to_string(n) + " rows";
    return false;
  }
  const Span<const float> ys(y.data(), n), ps(predicted.data(), n);
  Recorder r(out, error);
  Arena arena(nullptr, 0, heap_upstream());
  if (!r.add("rmse", [&](double* v) { return rmse(ys, ps, {}, v); }) ||
      !r.add("mse", [&](double* v) { return mse(ys, ps, {}, v); }) ||
      !r.add("mae", [&](double* v) { return mae(ys, ps, {}, v); }) ||
      !r.add("median_ae", [&](double* v) { return median_absolute_error(ys, ps, {}, arena, v); }))
    return false;
  if (n >= 2) {
    if (!r.add("r2", [&](double* v) { return r2(ys, ps, {}, v); })) return false;
  } else {
    out->skipped.push_back("r2: one row");
  }
  if (!r.add("mape", [&](double* v) { return mean_absolute_percentage_error(ys, ps, {}, v); })) return false;
  if (n >= 2) {
    if (!r.add("explained_variance", [&](double* v) { return explained_variance(ys, ps, {}, v); }))
      return false;
  } else {
    out->skipped.push_back("explained_variance: one row");
  }
  return true;
}

bool metric_known(const std::string& name, bool* higher_is_better) {
  static const char* const higher[] = {"accuracy",
                                       "balanced_accuracy",
                                       "precision",
                                       "recall",
                                       "f1",
                                       "precision_macro",
                                       "recall_macro",
                                       "f1_macro",
                                       "precision_weighted",
                                       "recall_weighted",
                                       "f1_weighted",
                                       "mcc",
                                       "average_precision",
                                       "auc",
                                       "auc_ovr_macro",
                                       "r2",
                                       "explained_variance"};
  static const char* const lower[] = {"logloss", "brier", "rmse", "mse", "mae", "median_ae", "mape"};
  for (const char* h : higher) {
    if (name == h) return *higher_is_better = true, true;
  }
  for (const char* l : lower) {
    if (name == l) return *higher_is_better = false, true;
  }
  return false;
}

}  // namespace ember::host
