// ember eval: score a model on a labelled CSV file.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "ember/base/arena.h"
#include "ember/metrics.h"
#include "ember/runtime/predict_q.h"
#include "host/evaluation.h"
#include "host/heap_upstream.h"
#include "host/json_writer.h"
#include "host/model_input.h"
#include "host/quant_report.h"
#include "host/suggest.h"
#include "host/text.h"

namespace ember::cli {

namespace {

// The confusion matrix takes classes^2 doubles: 128 MiB at this bound,
// where the 2^20 classes a model file may declare would take 8 TiB.
constexpr std::uint32_t kMaxEvalClasses = 4096;

// A cell of the confusion matrix: a count (unweighted rows, so whole).
std::string count_text(double x) { return host::format_number("%.0f", x); }

// The confusion matrix as a table: true classes down, predicted across.
void print_confusion(const std::vector<std::string>& labels, const std::vector<std::vector<double>>& c) {
  std::size_t width = 4;
  for (const std::string& l : labels) width = std::max(width, l.size());
  for (const auto& row : c) {
    for (double x : row) width = std::max(width, count_text(x).size());
  }
  const int w = static_cast<int>(width);
  std::printf("\nconfusion matrix (rows: true class, columns: predicted)\n  %*s", w, "");
  for (const std::string& l : labels) std::printf("  %*s", w, l.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::printf("  %*s", w, labels[i].c_str());
    for (double x : c[i]) std::printf("  %*s", w, count_text(x).c_str());
    std::printf("\n");
  }
}

int run_eval(const ParsedArgs& args) {
  const std::string model_path = args.positional[0], data_path = args.positional[1];
  host::CsvOptions options;
  if (const int rc = csv_options_or_usage(args, "eval", &options)) return rc;
  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(model_path, &lm, &error)) return fail("eval", error.to_string());
  const Model& m = lm.model;
  if (lm.target.empty()) {
    return fail("eval", model_path + ": the model does not name its target column (no 'target' metadata)");
  }
  const bool classifier = m.n_classes > 0;
  if (m.n_classes > kMaxEvalClasses) {
    return fail("eval", model_path + ": the model has " + std::to_string(m.n_classes) +
                            " classes; eval supports at most " + std::to_string(kMaxEvalClasses) +
                            " (its confusion matrix is classes x classes)");
  }
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

  host::Evaluation ev;
  if (classifier) {
    std::vector<std::int32_t> y;
    std::size_t row = 0;
    std::string label;
    if (!host::class_indices(target, n, lm, &y, &row, &label)) {
      return fail("eval", data_path + ": data row " + std::to_string(row + 1) + ": the target label '" +
                              label + "' is not one of the model's classes (" +
                              host::quoted_list(lm.class_labels) + ")");
    }
    std::vector<float> proba;
    if (!host::predict_rows(data_path, lm, in, Output::probability, &proba, &error)) {
      return fail("eval", error.to_string());
    }
    if (is_integer_model(m)) host::renormalize_probabilities(&proba, m.n_classes);  // Q0.16 rows
    if (!host::evaluate_classes(y, proba, m.n_classes, &ev, &error)) return fail("eval", error.to_string());
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isinf(target.values[i])) {
        return fail("eval", data_path + ": row " + std::to_string(i + 1) + ": the target '" + target.name +
                                "' is " + (target.values[i] < 0 ? "-inf" : "inf") +
                                "; infinite values are refused");
      }
    }
    std::vector<float> predicted;
    if (!host::predict_rows(data_path, lm, in, Output::label, &predicted, &error)) {
      return fail("eval", error.to_string());
    }
    const std::vector<float> y(target.values.begin(), target.values.begin() + static_cast<std::ptrdiff_t>(n));
    if (!host::evaluate_numbers(y, predicted, &ev, &error)) return fail("eval", error.to_string());
  }
  // Undefined metrics are said once, on stderr, in both modes.
  for (const std::string& why : ev.skipped)
    std::fprintf(stderr, "ember eval: not computed: %s\n", why.c_str());

  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(model_path).key("data").value(data_path);
    j.key("target").value(lm.target).key("rows").value(static_cast<std::uint64_t>(n));
    j.key("task").value(classifier ? (m.n_classes == 2 ? "binary" : "multiclass") : "regression");
    if (classifier) {
      j.key("classes").begin_array();
      for (const std::string& label : lm.class_labels) j.value(label);
      j.end_array();
    }
    j.key("metrics").begin_object();
    for (const auto& [name, value] : ev.metrics) j.key(name).value(value);
    if (classifier) {
      // Rows are the true classes, columns the predicted, in "classes" order.
      j.key("confusion_matrix").begin_array();
      for (const auto& row : ev.confusion) {
        j.begin_array();
        for (double x : row) j.value(x);
        j.end_array();
      }
      j.end_array();
    }
    j.end_object().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("%s on %s: %zu rows, target '%s'\n", model_path.c_str(), data_path.c_str(), n,
                lm.target.c_str());
    for (const auto& [name, value] : ev.metrics) std::printf("  %-19s %.6f\n", name.c_str(), value);
    if (classifier) print_confusion(lm.class_labels, ev.confusion);
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
      "Classification: accuracy, balanced_accuracy, precision / recall / f1 (_macro and\n"
      "_weighted; for two classes also of class 1, the second in the model's class\n"
      "order), logloss, brier, mcc, average_precision (two classes), auc (two classes)\n"
      "or auc_ovr_macro, and the confusion matrix. The predicted class is the most\n"
      "probable. Regression: rmse, mse, mae, median_ae, r2, mape (a fraction),\n"
      "explained_variance. Definitions are scikit-learn's (include/ember/metrics.h).\n"
      "Features are matched by name as in 'ember predict'. An empty cell is a missing\n"
      "value; inf or -inf in a feature or the target is an error naming the row and column\n"
      "(exit 1), as is a row whose scores overflow to inf or NaN. At most 4096 classes.";
  command.spec.min_positional = 2;
  command.spec.max_positional = 2;
  command.spec.options = {{"json", "", "print one JSON object on stdout"}};
  add_csv_options(&command.spec);
  command.run = run_eval;
  return command;
}

}  // namespace ember::cli
