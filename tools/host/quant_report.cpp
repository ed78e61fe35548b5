#include "host/quant_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "host/evaluation.h"

namespace ember::host {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The calibration rows' target as class indices (false when the rows do
// not hold it, or hold a missing or unknown label).
bool target_classes(const LoadedModel& lm, const ModelInput& in, std::vector<std::int32_t>* y) {
  const int t = in.table.index_of(lm.target);
  if (lm.target.empty() || t < 0) return false;
  const Column& c = in.table.columns[static_cast<std::size_t>(t)];
  if (c.type != ColumnType::categorical || c.missing_count() != 0) return false;
  std::size_t bad_row = 0;
  std::string bad_label;
  return class_indices(c, in.table.rows, lm, y, &bad_row, &bad_label);
}

bool target_numbers(const LoadedModel& lm, const ModelInput& in, std::vector<float>* y) {
  const int t = in.table.index_of(lm.target);
  if (lm.target.empty() || t < 0) return false;
  const Column& c = in.table.columns[static_cast<std::size_t>(t)];
  if (c.type != ColumnType::numeric) return false;
  for (std::size_t r = 0; r < in.table.rows; ++r) {
    if (!std::isfinite(c.values[r])) return false;
  }
  y->assign(c.values.begin(), c.values.begin() + static_cast<std::ptrdiff_t>(in.table.rows));
  return true;
}

bool compare_classes(const LoadedModel& fm, const LoadedModel& qm, const ModelInput& in,
                     const std::string& path, QuantComparison* out, Error* error) {
  const std::size_t k = fm.model.n_classes, n = in.table.rows;
  std::vector<float> pf, pq, lf, lq;
  if (!predict_rows(path, fm, in, Output::probability, &pf, error) ||
      !predict_rows(path, qm, in, Output::probability, &pq, error) ||
      !predict_rows(path, fm, in, Output::label, &lf, error) ||
      !predict_rows(path, qm, in, Output::label, &lq, error))
    return false;
  std::size_t agree = 0;
  for (std::size_t r = 0; r < n; ++r) agree += lf[r] == lq[r];
  out->agreement = static_cast<double>(agree) / static_cast<double>(n);
  for (std::size_t i = 0; i < pf.size(); ++i)
    out->max_probability_error = std::max(out->max_probability_error, std::fabs(double{pf[i]} - pq[i]));
  std::vector<std::int32_t> y;
  out->has_target = target_classes(fm, in, &y);
  out->accuracy_float = out->accuracy_integer = out->auc_float = out->auc_integer = kNaN;
  if (!out->has_target) return true;
  std::vector<float> pn = pq;
  renormalize_probabilities(&pn, k);
  Evaluation ef, eq;
  if (!evaluate_classes(y, pf, k, &ef, error) || !evaluate_classes(y, pn, k, &eq, error)) return false;
  out->accuracy_float = ef.get("accuracy");
  out->accuracy_integer = eq.get("accuracy");
  out->auc_float = ef.get(k == 2 ? "auc" : "auc_ovr_macro");
  out->auc_integer = eq.get(k == 2 ? "auc" : "auc_ovr_macro");
  return true;
}

bool compare_numbers(const LoadedModel& fm, const LoadedModel& qm, const ModelInput& in,
                     const std::string& path, QuantComparison* out, Error* error) {
  std::vector<float> vf, vq;
  if (!predict_rows(path, fm, in, Output::label, &vf, error) ||
      !predict_rows(path, qm, in, Output::label, &vq, error))
    return false;
  for (std::size_t r = 0; r < vf.size(); ++r)
    out->max_abs_error = std::max(out->max_abs_error, std::fabs(double{vf[r]} - vq[r]));
  std::vector<float> y;
  out->has_target = target_numbers(fm, in, &y);
  out->rmse_float = out->rmse_integer = kNaN;
  if (!out->has_target) return true;
  double sf = 0, sq = 0;
  for (std::size_t r = 0; r < y.size(); ++r) {
    sf += (double{vf[r]} - y[r]) * (double{vf[r]} - y[r]);
    sq += (double{vq[r]} - y[r]) * (double{vq[r]} - y[r]);
  }
  out->rmse_float = std::sqrt(sf / static_cast<double>(y.size()));
  out->rmse_integer = std::sqrt(sq / static_cast<double>(y.size()));
  return true;
}

}  // namespace

void renormalize_probabilities(std::vector<float>* proba, std::size_t k) {
  for (std::size_t r = 0; r + k <= proba->size(); r += k) {
    double sum = 0;
    for (std::size_t c = 0; c < k; ++c) sum += (*proba)[r + c];
    for (std::size_t c = 0; c < k && sum > 0; ++c)
      (*proba)[r + c] = static_cast<float>((*proba)[r + c] / sum);
  }
}

bool compare_models(const LoadedModel& fm, const LoadedModel& qm, const ModelInput& in,
                    const std::string& path, QuantComparison* out, Error* error) {
  *out = QuantComparison{};
  out->rows = in.table.rows;
  out->classification = fm.model.n_classes > 0;
  return out->classification ? compare_classes(fm, qm, in, path, out, error)
                             : compare_numbers(fm, qm, in, path, out, error);
}

}  // namespace ember::host
