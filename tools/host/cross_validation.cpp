#include "host/cross_validation.h"

#include <cmath>

#include "ember/runtime/predict.h"
#include "host/model_file.h"
#include "host/model_input.h"

namespace ember::host {

Table table_rows(const Table& table, const std::vector<std::size_t>& rows) {
  Table out;
  out.rows = rows.size();
  out.target = table.target;
  out.columns.reserve(table.columns.size());
  for (const Column& c : table.columns) {
    Column d;
    d.name = c.name;
    d.type = c.type;
    if (c.type == ColumnType::numeric) {
      d.values.reserve(rows.size());
      for (std::size_t r : rows) d.values.push_back(c.values[r]);
    } else {
      // Labels stay sorted: keep the used ones in their order, renumbered.
      std::vector<std::int32_t> remap(c.labels.size(), -1);
      for (std::size_t r : rows) {
        if (c.codes[r] >= 0) remap[static_cast<std::size_t>(c.codes[r])] = 0;
      }
      for (std::size_t k = 0; k < c.labels.size(); ++k) {
        if (remap[k] < 0) continue;
        remap[k] = static_cast<std::int32_t>(d.labels.size());
        d.labels.push_back(c.labels[k]);
      }
      d.codes.reserve(rows.size());
      for (std::size_t r : rows)
        d.codes.push_back(c.codes[r] < 0 ? -1 : remap[static_cast<std::size_t>(c.codes[r])]);
    }
    out.columns.push_back(std::move(d));
  }
  return out;
}

std::vector<Split> splits_of_folds(const std::vector<std::uint32_t>& fold, std::uint32_t folds) {
  std::vector<Split> splits(folds);
  for (std::size_t i = 0; i < fold.size(); ++i) {
    for (std::uint32_t f = 0; f < folds; ++f) (fold[i] == f ? splits[f].test : splits[f].train).push_back(i);
  }
  return splits;
}

bool score_split(const Table& table, const Split& split, const FitFunction& fit, SplitScore* out,
                 Error* error) {
  *out = SplitScore{};
  out->train_rows = split.train.size();
  out->test_rows = split.test.size();
  const Table train = table_rows(table, split.train);
  LoadedModel lm;
  if (!fit(train, &lm.storage, &lm.size, &out->fit_seconds, error)) return false;
  if (!load_model_storage(&lm, error)) return false;
  const Table test = table_rows(table, split.test);
  ModelInput in;
  if (!model_input_from_table(test, lm, &in, error)) return false;
  const Column& target = test.columns[static_cast<std::size_t>(test.target)];
  const std::size_t n = test.rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (target.is_missing(i)) {
      *error = Error{"", 0, 0, "the target '" + target.name + "' is missing in a validation row"};
      return false;
    }
  }
  const Model& m = lm.model;
  if (m.n_classes > 0) {
    std::vector<std::int32_t> y;
    std::size_t row = 0;
    std::string label;
    if (!class_indices(target, n, lm, &y, &row, &label)) {
      *error =
          Error{"", 0, 0,
                "class '" + label + "' has validation rows but no training rows in this split; use fewer " +
                    "folds or a stratified split"};
      return false;
    }
    std::vector<float> proba;
    if (!predict_rows("", lm, in, Output::probability, &proba, error)) return false;
    return evaluate_classes(y, proba, m.n_classes, &out->evaluation, error);
  }
  std::vector<float> predicted;
  if (!predict_rows("", lm, in, Output::label, &predicted, error)) return false;
  return evaluate_numbers(target.values, predicted, &out->evaluation, error);
}

void mean_and_std(const std::vector<double>& values, double* mean, double* std) {
  double m = 0.0;
  for (double x : values) m += x;
  m /= static_cast<double>(values.size());
  double var = 0.0;
  for (double x : values) var += (x - m) * (x - m);
  *mean = m;
  *std = std::sqrt(var / static_cast<double>(values.size()));
}

ScoreSummary summarize(const std::vector<SplitScore>& scores) {
  ScoreSummary s;
  if (scores.empty()) return s;
  for (const auto& [name, value] : scores[0].evaluation.metrics) {
    (void)value;
    std::vector<double> v;
    for (const SplitScore& sc : scores) {
      const double x = sc.evaluation.get(name);
      if (x == x) v.push_back(x);
    }
    if (v.size() != scores.size()) continue;
    double mean = 0.0, std = 0.0;
    mean_and_std(v, &mean, &std);
    s.names.push_back(name);
    s.mean.push_back(mean);
    s.std.push_back(std);
  }
  return s;
}

}  // namespace ember::host
