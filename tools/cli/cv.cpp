// ember cv: cross-validate a model and its pipeline on a CSV file.
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "host/cross_validation.h"
#include "host/json_writer.h"
#include "host/progress.h"
#include "model_spec.h"
#include "pipeline_flags.h"
#include "split_flags.h"
#include "tracking.h"
#include "training_start.h"

namespace ember::cli {

namespace {

// The metrics shown per fold in the text table (all are in the summary).
std::vector<std::string> headline(bool classes, std::size_t n_classes) {
  if (!classes) return {"rmse", "mae", "r2"};
  return {"accuracy", "f1_macro", "logloss", n_classes == 2 ? "auc" : "auc_ovr_macro"};
}

int run_cv(const ParsedArgs& args) {
  const Usage usage{"cv"};
  TrainingStart start;
  if (const int rc = start_training(args, "cv", nullptr, {}, &start)) return rc;
  const std::string& path = start.path;
  const ModelSpec& spec = start.spec;
  host::RunRecord& run = start.run;
  TrainingData data;
  int rc = kExitOk;
  if (!read_training_run(args, "cv", &start, {&spec}, &data, &rc)) return rc;
  std::string error_text;
  host::Error error;
  host::Table& table = data.table;
  // Copied out: taking a --groups column out of the table moves the columns.
  const host::Column& target = table.columns[static_cast<std::size_t>(table.target)];
  const bool classes = target.type == host::ColumnType::categorical;
  const std::string target_name = target.name;
  const std::size_t n_classes = target.labels.size();
  if (!host::check_training_target(target, table.rows, classes, &error_text))
    return fail("cv", path + ": " + error_text);
  std::vector<host::Split> splits;
  std::string description;
  bool usage_error = false;
  if (!splits_from_args(args, spec.seed, &table, &splits, &description, &error_text, &usage_error)) {
    return usage_error ? usage(error_text) : fail("cv", path + ": " + error_text);
  }

  const host::FitFunction fit = fit_function(spec);
  std::vector<host::SplitScore> scores(splits.size());
  std::vector<std::int64_t> fold_end_ms(splits.size());  // each fold's metrics are tracked at its own time
  {
    host::Progress progress("folds", splits.size(), host::stderr_is_terminal() && !args.has("json"));
    for (std::size_t f = 0; f < splits.size(); ++f) {
      if (!host::score_split(table, splits[f], fit, &scores[f], &error)) {
        return fail("cv", path + ": fold " + std::to_string(f + 1) + " of " + std::to_string(splits.size()) +
                              ": " + error.to_string());
      }
      fold_end_ms[f] = host::now_ms();
      progress.advance();
    }
  }
  const host::ScoreSummary summary = host::summarize(scores);
  run.params.emplace_back("split", description);
  run.params.emplace_back("folds", std::to_string(scores.size()));
  for (std::size_t k = 0; k < summary.names.size(); ++k) {
    run.metrics.push_back({summary.names[k], summary.mean[k], 0});
    run.metrics.push_back({summary.names[k] + "_std", summary.std[k], 0});
  }
  for (std::size_t f = 0; f < scores.size(); ++f) {
    for (const auto& [name, value] : scores[f].evaluation.metrics)
      run.metrics.push_back({"fold_" + name, value, static_cast<std::int64_t>(f + 1), fold_end_ms[f]});
  }
  const std::string run_id = finish_run(args, "cv", &run);

  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("data").value(path).key("target").value(target_name);
    j.key("task").value(task_name(classes)).key("task_reason").value(data.task_reason);
    j.key("model").value(spec.model).key("rows").value(static_cast<std::uint64_t>(table.rows));
    j.key("split").value(description).key("seed").value(spec.seed);
    j.key("folds").begin_array();
    for (std::size_t f = 0; f < scores.size(); ++f) {
      const host::SplitScore& s = scores[f];
      j.begin_object().key("fold").value(static_cast<std::uint64_t>(f + 1));
      j.key("train_rows").value(static_cast<std::uint64_t>(s.train_rows));
      j.key("test_rows").value(static_cast<std::uint64_t>(s.test_rows));
      j.key("fit_seconds").value(s.fit_seconds);
      j.key("metrics").begin_object();
      for (const auto& [name, value] : s.evaluation.metrics) j.key(name).value(value);
      j.end_object().end_object();
    }
    j.end_array();
    j.key("mean").begin_object();
    for (std::size_t k = 0; k < summary.names.size(); ++k) j.key(summary.names[k]).value(summary.mean[k]);
    j.end_object().key("std").begin_object();
    for (std::size_t k = 0; k < summary.names.size(); ++k) j.key(summary.names[k]).value(summary.std[k]);
    j.end_object();
    write_run_id(j, run_id);
    j.end_object();
    std::printf("%s\n", j.str().c_str());
    return kExitOk;
  }
  std::printf("cv %s on %s: %zu rows, target '%s', %s\n", spec.model.c_str(), path.c_str(), table.rows,
              target_name.c_str(), description.c_str());
  std::printf("task: %s (%s)\n", task_name(classes), data.task_reason.c_str());
  const std::vector<std::string> shown = headline(classes, n_classes);
  std::printf("%6s %7s %6s", "fold", "train", "test");
  for (const std::string& m : shown) std::printf(" %13s", m.c_str());
  std::printf("\n");
  for (std::size_t f = 0; f < scores.size(); ++f) {
    std::printf("%6zu %7zu %6zu", f + 1, scores[f].train_rows, scores[f].test_rows);
    for (const std::string& m : shown) {
      const double v = scores[f].evaluation.get(m);
      if (v == v) {
        std::printf(" %13.6f", v);
      } else {
        std::printf(" %13s", "-");
      }
    }
    std::printf("\n");
  }
  std::printf("\nmean +- std over %zu folds (std: population, ddof=0)\n", scores.size());
  for (std::size_t k = 0; k < summary.names.size(); ++k) {
    std::printf("  %-19s %.6f +- %.6f\n", summary.names[k].c_str(), summary.mean[k], summary.std[k]);
  }
  print_run_id(args, run_id);
  return kExitOk;
}

}  // namespace

Command cv_command() {
  Command command;
  command.spec.name = "cv";
  command.spec.summary = "Cross-validate a model and its pipeline on a CSV file.";
  command.spec.usage = "DATA.csv --target COL --model NAME [--folds K] [--split KIND] [options]";
  command.spec.details =
      "The whole pipeline and the model are fitted on each fold's training rows only and\n"
      "scored on its held-out rows through the model file, with every metric of\n"
      "'ember eval'; then the mean and standard deviation over the folds. A categorical\n"
      "column's categories come from the training rows of the fold alone.\n"
      "\n" +
      split_help() + "\n\n" + task_help() + "\n" + model_params_help() + "\n" + pipeline_help();
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"json", "", "print per-fold metrics, their mean and std as one JSON object"},
  };
  add_cross_validation_options(&command.spec, "a model parameter (see ember train --help)");
  command.run = run_cv;
  return command;
}

}  // namespace ember::cli
