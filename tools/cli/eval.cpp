// ember eval: score a model on a labelled CSV file.
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "ember/arena.h"
#include "ember/metrics.h"
#include "host/heap_upstream.h"
#include "host/json_writer.h"
#include "host/model_input.h"
#include "host/suggest.h"

namespace ember::cli {

namespace {

std::string status_text(Status s) { return std::string(status_name(s)) + ": " + status_description(s); }

int run_eval(const ParsedArgs& args) {
  const std::string model_path = args.positional[0], data_path = args.positional[1];
  host::CsvOptions options;
  std::string usage_error;
  if (!csv_options_from_args(args, &options, &usage_error)) {
    std::fprintf(stderr, "ember eval: %s\n", usage_error.c_str());
    return kExitUsage;
  }
  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(model_path, &lm, &error)) return fail("eval", error.to_string());
  const Model& m = lm.model;
  if (lm.target.empty()) {
    return fail("eval", model_path + ": the model does not name its target column (no 'target' metadata)");
  }
  const bool classifier = m.n_classes > 0;
  options.target = lm.target;
  options.column_types.emplace_back(lm.target,
                                    classifier ? host::ColumnType::categorical : host::ColumnType::numeric);
  host::ModelInput in;
  if (!host::read_model_input(data_path, lm, options, &in, &error)) return fail("eval", error.to_string());
  const host::Column& target = in.table.columns[static_cast<std::size_t>(in.table.target)];
  const std::size_t n = in.table.rows;
  if (n == 0) return fail("eval", data_path + ": no rows to evaluate");
  for (std::size_t i = 0; i < n; ++i) {
    if (target.is_missing(i)) {
      return fail("eval", data_path + ": the target '" + target.name + "' is missing in " +
                              std::to_string(target.missing_count()) + " rows (the first is data row " +
                              std::to_string(i + 1) + ")");
    }
  }

  std::vector<std::pair<std::string, double>> metrics;
  Arena arena(nullptr, 0, host::heap_upstream());
  if (classifier) {
    // CSV label -> the model's class index.
    std::map<std::string, std::int32_t> index;
    for (std::size_t k = 0; k < lm.class_labels.size(); ++k)
      index[lm.class_labels[k]] = static_cast<std::int32_t>(k);
    std::vector<std::int32_t> y(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& label = target.labels[static_cast<std::size_t>(target.codes[i])];
      const auto it = index.find(label);
      if (it == index.end()) {
        return fail("eval", data_path + ": data row " + std::to_string(i + 1) + ": the target label '" +
                                label + "' is not one of the model's classes (" +
                                host::quoted_list(lm.class_labels) + ")");
      }
      y[i] = it->second;
    }
    std::vector<float> proba;
    if (!host::predict_rows(data_path, lm, in, Output::probability, &proba, &error)) {
      return fail("eval", error.to_string());
    }
    const std::size_t k = m.n_classes;
    std::vector<std::int32_t> predicted(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < k; ++c) best = proba[i * k + c] > proba[i * k + best] ? c : best;
      predicted[i] = static_cast<std::int32_t>(best);
    }
    const Span<const std::int32_t> ys(y.data(), n);
    const MatrixView<const float> pv{proba.data(), n, k, k};
    double accuracy_value = 0.0, logloss_value = 0.0, auc_value = 0.0;
    Status s = accuracy(ys, Span<const std::int32_t>(predicted.data(), n), {}, &accuracy_value);
    if (s == Status::ok) s = log_loss(ys, pv, {}, &logloss_value);
    if (s != Status::ok) return fail("eval", status_text(s));
    metrics = {{"accuracy", accuracy_value}, {"logloss", logloss_value}};
    std::vector<float> positive(n);
    for (std::size_t i = 0; i < n; ++i) positive[i] = proba[i * k + (k - 1)];
    s = k == 2 ? roc_auc(ys, Span<const float>(positive.data(), n), {}, arena, &auc_value)
               : roc_auc_ovr_macro(ys, pv, {}, arena, &auc_value);
    if (s == Status::ok) {
      metrics.emplace_back(k == 2 ? "auc" : "auc_ovr_macro", auc_value);
    } else {
      // AUC is undefined when the data holds a single class.
      std::fprintf(stderr, "ember eval: warning: %s not computed (%s)\n", k == 2 ? "auc" : "auc_ovr_macro",
                   status_text(s).c_str());
    }
  } else {
    std::vector<float> predicted;
    if (!host::predict_rows(data_path, lm, in, Output::label, &predicted, &error)) {
      return fail("eval", error.to_string());
    }
    const Span<const float> ys(target.values.data(), n), ps(predicted.data(), n);
    double rmse_value = 0.0, mae_value = 0.0, r2_value = 0.0;
    Status s = rmse(ys, ps, {}, &rmse_value);
    if (s == Status::ok) s = mae(ys, ps, {}, &mae_value);
    if (s == Status::ok) s = r2(ys, ps, {}, &r2_value);
    if (s != Status::ok) return fail("eval", status_text(s));
    metrics = {{"rmse", rmse_value}, {"mae", mae_value}, {"r2", r2_value}};
  }

  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(model_path).key("data").value(data_path);
    j.key("target").value(lm.target).key("rows").value(static_cast<std::uint64_t>(n));
    j.key("task").value(classifier ? (m.n_classes == 2 ? "binary" : "multiclass") : "regression");
    j.key("metrics").begin_object();
    for (const auto& [name, value] : metrics) j.key(name).value(value);
    j.end_object().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("%s on %s: %zu rows, target '%s'\n", model_path.c_str(), data_path.c_str(), n,
                lm.target.c_str());
    for (const auto& [name, value] : metrics) std::printf("  %-14s %.6f\n", name.c_str(), value);
  }
  return kExitOk;
}

}  // namespace

Command eval_command() {
  Command command;
  command.spec.name = "eval";
  command.spec.summary = "Score a model on a labelled CSV file (the target column named in the model).";
  command.spec.usage = "MODEL.ember DATA.csv [options]";
  command.spec.details =
      "Classification: accuracy, logloss, and auc (binary) or auc_ovr_macro (multiclass).\n"
      "Regression: rmse, mae, r2. Definitions are scikit-learn's. Features are matched\n"
      "by name as in 'ember predict'.";
  command.spec.min_positional = 2;
  command.spec.max_positional = 2;
  command.spec.options = {{"json", "", "print one JSON object on stdout"}};
  add_csv_options(&command.spec);
  command.run = run_eval;
  return command;
}

}  // namespace ember::cli
