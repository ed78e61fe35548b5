// ember train: fit a model on a CSV file and write the model file.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "host/file_io.h"
#include "host/golden.h"
#include "host/json_writer.h"
#include "host/linear_trainer.h"
#include "host/progress.h"
#include "host/suggest.h"
#include "host/tree_trainer.h"
#include "model_spec.h"
#include "params.h"
#include "pipeline_flags.h"
#include "tracking.h"
#include "training_start.h"

namespace ember::cli {

namespace {

// What the pipeline fitted, for people and for scripts.
void print_pipeline(const std::vector<std::string>& steps, std::size_t dropped_rows) {
  if (dropped_rows > 0) std::printf("dropped %zu training rows missing too many values\n", dropped_rows);
  for (const std::string& s : steps) std::printf("pipeline: %s\n", s.c_str());
}

void write_pipeline_json(host::JsonWriter& j, const std::vector<std::string>& steps,
                         std::size_t dropped_rows) {
  j.key("dropped_rows").value(static_cast<std::uint64_t>(dropped_rows));
  j.key("pipeline").begin_array();
  for (const std::string& s : steps) j.value(s);
  j.end_array();
}

// The N of --golden N (checked by run_train), or 0.
std::uint32_t golden_count(const ParsedArgs& args) {
  std::uint32_t n = 0;
  return args.has("golden") && parse_count(args.get("golden"), &n) ? n : 0;
}

// Checked before training: --golden N takes N of the file's rows.
std::string golden_too_many(const ParsedArgs& args, const std::string& path, const host::Table& table) {
  return path + ": --golden " + args.get("golden") + " asks for more rows than the file has (" +
         std::to_string(table.rows) + ")";
}

// With --golden N: the trained model's bytes with the first N training rows
// (as the runtime reads them) and their outputs added as golden vectors.
bool add_golden(const ParsedArgs& args, const host::Table& table, const std::string& path,
                std::string_view* bytes, std::string* storage, host::Error* error) {
  if (!args.has("golden")) return true;
  const std::uint32_t n = golden_count(args);
  std::vector<float> rows;
  if (!host::golden_rows_from_table(*bytes, table, n, &rows, error) ||
      !host::add_golden_vectors(*bytes, rows, storage, error)) {
    error->message = "--golden: " + error->message;
    if (error->file.empty()) error->file = path;
    return false;
  }
  *bytes = *storage;
  return true;
}

// The task, for people ("task: classification (why)") and for scripts.
void print_task(const TrainingData& data) {
  std::printf("task: %s (%s)\n", task_name(data.classification), data.task_reason.c_str());
}
void write_task_json(host::JsonWriter& j, const TrainingData& data) {
  j.key("task").value(task_name(data.classification)).key("task_reason").value(data.task_reason);
  const host::Column& target = data.table.columns[static_cast<std::size_t>(data.table.target)];
  if (data.classification) j.key("classes").value(static_cast<std::uint64_t>(target.labels.size()));
}

// Adds the golden rows of --golden to `bytes` (then held in *with_golden),
// writes -o atomically and records both in `run`; kExitOk or the failure.
int write_model(const ParsedArgs& args, const host::Table& table, const std::string& path,
                std::string_view* bytes, std::string* with_golden, host::RunRecord* run) {
  host::Error error;
  if (!add_golden(args, table, path, bytes, with_golden, &error)) return fail("train", error.to_string());
  if (!host::write_file_atomic(args.get("output"), *bytes, &error)) return fail("train", error.to_string());
  run->params.emplace_back("output", args.get("output"));
  if (args.has("golden")) run->params.emplace_back("golden", args.get("golden"));
  return kExitOk;
}

int run_train_trees(const ParsedArgs& args, TrainingStart& start) {
  const std::string& path = start.path;
  ModelSpec& spec = start.spec;
  host::RunRecord& run = start.run;
  host::TreeTrainOptions& options = spec.tree;
  const std::uint64_t seed = spec.seed;
  const bool gbdt = options.kind == host::TreeKind::gbdt;
  if (args.has("valid") && !gbdt) {
    return usage_error("train", "--valid applies to --model gbdt (early stopping)");
  }
  if (args.has("valid") && options.validation_fraction > 0.0) {
    return usage_error("train", "give --valid FILE or --param validation_fraction, not both");
  }
  TrainingData data;
  int rc = kExitOk;
  if (!read_training_run(args, "train", &start, {&start.spec}, &data, &rc)) return rc;
  const host::Table& table = data.table;
  host::Error error;
  if (golden_count(args) > table.rows) return fail("train", golden_too_many(args, path, table));
  host::Table valid;
  if (args.has("valid")) {
    // Read with the training file's column types, so that labels match.
    host::CsvOptions valid_csv = start.csv;
    valid_csv.target = args.get("target");
    valid_csv.column_types.clear();
    valid_csv.types_must_match_columns = false;
    for (const auto& c : table.columns) valid_csv.column_types.emplace_back(c.name, c.type);
    const std::string valid_path = args.get("valid");
    if (!host::read_csv(valid_path, valid_csv, &valid, &error)) return fail("train", error.to_string());
    options.valid = &valid;
    options.valid_name = valid_path;
  }
  // A progress bar for rounds or trees on a terminal (not with --json).
  std::unique_ptr<host::Progress> progress;
  if (host::stderr_is_terminal() && !args.has("json") && options.kind != host::TreeKind::tree) {
    options.on_progress = [&progress](std::size_t done, std::size_t total, const char* unit) {
      if (!progress) progress = std::make_unique<host::Progress>(unit, total, true);
      progress->advance(done - progress->done());
    };
  }
  host::TrainedTrees trained;
  const bool trained_ok = host::train_tree_model(table, options, &trained, &error);
  progress.reset();
  if (!trained_ok) {
    if (error.file.empty()) error.file = path;  // the trainer names the --valid file itself
    return fail("train", error.to_string());
  }
  const std::string output = args.get("output");
  std::string_view bytes(reinterpret_cast<const char*>(trained.storage.data()), trained.size);
  std::string with_golden;
  if ((rc = write_model(args, table, path, &bytes, &with_golden, &run)) != kExitOk) return rc;
  run.metrics = {{"fit_seconds", trained.fit_seconds, 0},
                 {"model_bytes", static_cast<double>(bytes.size()), 0},
                 {"trees", static_cast<double>(trained.trees), 0},
                 {"leaves", static_cast<double>(trained.leaves), 0}};
  if (trained.oob_score == trained.oob_score) run.metrics.push_back({"oob_score", trained.oob_score, 0});
  for (std::size_t r = 0; r < trained.validation_loss.size(); ++r)
    run.metrics.push_back({"validation_loss", trained.validation_loss[r], static_cast<std::int64_t>(r + 1),
                           r < trained.round_end_ms.size() ? trained.round_end_ms[r] : 0});
  run.artifacts = {{"model.ember", std::string(bytes)}};
  const std::string run_id = finish_run(args, "train", &run);
  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(trained.model_name);
    j.key("rows").value(static_cast<std::uint64_t>(table.rows - trained.dropped_rows));
    j.key("features").value(static_cast<std::uint64_t>(trained.feature_names.size()));
    write_task_json(j, data);
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("trees").value(static_cast<std::uint64_t>(trained.trees));
    j.key("internal_nodes").value(static_cast<std::uint64_t>(trained.nodes));
    j.key("leaves").value(static_cast<std::uint64_t>(trained.leaves));
    j.key("model_bytes").value(static_cast<std::uint64_t>(bytes.size()));
    if (args.has("golden")) j.key("golden_rows").value(static_cast<std::uint64_t>(golden_count(args)));
    j.key("threads").value(static_cast<std::uint64_t>(trained.threads));
    if (trained.oob_score == trained.oob_score) {
      j.key("oob_score").value(trained.oob_score);
      j.key("oob_rows").value(static_cast<std::uint64_t>(trained.oob_rows));
    }
    if (trained.validation_rows > 0) {
      j.key("validation_rows").value(static_cast<std::uint64_t>(trained.validation_rows));
      j.key("rounds").value(static_cast<std::uint64_t>(trained.rounds));
      j.key("rounds_run").value(static_cast<std::uint64_t>(trained.validation_loss.size()));
      j.key("best_validation_loss").value(trained.validation_loss[trained.rounds - 1]);
      j.key("validation_loss").begin_array();
      for (double l : trained.validation_loss) j.value(l);
      j.end_array();
    }
    j.key("output").value(output).key("seed").value(seed);
    write_run_id(j, run_id);
    write_pipeline_json(j, trained.pipeline, trained.dropped_rows);
    j.key("feature_importance").begin_array();
    for (std::size_t f = 0; f < trained.feature_names.size(); ++f) {
      j.begin_object().key("feature").value(trained.feature_names[f]);
      j.key("gain").value(trained.importance_gain[f]);
      j.key("splits").value(static_cast<std::uint64_t>(trained.importance_splits[f])).end_object();
    }
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    print_task(data);
    print_pipeline(trained.pipeline, trained.dropped_rows);
    std::printf(
        "trained %s on %zu rows, %zu features: %zu trees, %zu internal nodes, %zu leaves, fit %.3f s\n",
        trained.model_name.c_str(), table.rows - trained.dropped_rows, trained.feature_names.size(),
        trained.trees, trained.nodes, trained.leaves, trained.fit_seconds);
    if (trained.oob_score == trained.oob_score) {
      std::printf("out-of-bag %s %.6f on %zu rows\n",
                  table.columns[static_cast<std::size_t>(table.target)].type == host::ColumnType::categorical
                      ? "accuracy"
                      : "R^2",
                  trained.oob_score, trained.oob_rows);
    }
    if (trained.validation_rows > 0) {
      std::printf("validation on %zu rows: best loss %.6g after round %u of %zu%s\n", trained.validation_rows,
                  trained.validation_loss[trained.rounds - 1], trained.rounds, trained.validation_loss.size(),
                  trained.validation_loss.size() < options.gbdt.n_estimators ? " (stopped early)" : "");
    }
    std::printf("wrote %s (%zu bytes%s)\n", output.c_str(), bytes.size(),
                args.has("golden") ? (", " + args.get("golden") + " golden rows").c_str() : "");
    print_run_id(args, run_id);
  }
  return kExitOk;
}

int run_train(const ParsedArgs& args) {
  TrainingStart start;
  if (const int rc = start_training(args, "train", "MODEL.ember is required: where to write the model",
                                    {args.positional[0], args.get("valid")}, &start))
    return rc;
  std::uint32_t golden_rows = 0;
  if (args.has("golden") && !parse_count(args.get("golden"), &golden_rows))
    return usage_error("train", "--golden takes a number of rows >= 1, got '" + args.get("golden") + "'");
  if (start.spec.trees) return run_train_trees(args, start);
  const std::string& path = start.path;
  const ModelSpec& spec = start.spec;
  host::RunRecord& run = start.run;
  const host::LinearTrainOptions& options = spec.linear;
  const std::uint64_t seed = spec.seed;

  TrainingData data;
  int rc = kExitOk;
  if (!read_training_run(args, "train", &start, {&start.spec}, &data, &rc)) return rc;
  const host::Table& table = data.table;
  host::Error error;
  if (golden_count(args) > table.rows) return fail("train", golden_too_many(args, path, table));
  host::TrainedModel trained;
  if (!host::train_linear_model(table, options, &trained, &error)) {
    if (error.file.empty()) error.file = path;
    return fail("train", error.to_string());
  }
  const std::string output = args.get("output");
  std::string_view bytes(reinterpret_cast<const char*>(trained.storage.data()), trained.size);
  std::string with_golden;
  if ((rc = write_model(args, table, path, &bytes, &with_golden, &run)) != kExitOk) return rc;
  run.metrics = {{"fit_seconds", trained.fit_seconds, 0},
                 {"model_bytes", static_cast<double>(bytes.size()), 0},
                 {"iterations", static_cast<double>(trained.report.iterations), 0},
                 {"objective", trained.report.objective, 0}};
  run.artifacts = {{"model.ember", std::string(bytes)}};
  const std::string run_id = finish_run(args, "train", &run);

  const std::uint32_t max_iter =
      options.kind == host::LinearKind::logistic ? options.logistic.max_iter : options.linear.max_iter;
  if (!trained.report.converged) {
    std::fprintf(
        stderr,
        "ember train: warning: %s did not converge in %u iterations; the model was written, but raise "
        "--param max_iter=N (or tol)\n",
        trained.solver.c_str(), max_iter);
  }
  const std::size_t n_features = table.columns.size() - 1;
  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(trained.model_name).key("solver").value(trained.solver);
    j.key("rows").value(static_cast<std::uint64_t>(table.rows - trained.dropped_rows));
    j.key("features").value(static_cast<std::uint64_t>(n_features));
    j.key("model_features").value(static_cast<std::uint64_t>(trained.model_features));
    write_task_json(j, data);
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("iterations").value(static_cast<std::uint64_t>(trained.report.iterations));
    j.key("converged").value(trained.report.converged);
    j.key("objective").value(trained.report.objective);
    j.key("model_bytes").value(static_cast<std::uint64_t>(bytes.size()));
    if (args.has("golden")) j.key("golden_rows").value(static_cast<std::uint64_t>(golden_count(args)));
    j.key("output").value(output).key("seed").value(seed);
    write_run_id(j, run_id);
    write_pipeline_json(j, trained.pipeline, trained.dropped_rows);
    j.end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    print_task(data);
    print_pipeline(trained.pipeline, trained.dropped_rows);
    std::printf("trained %s (%s) on %zu rows, %zu features -> %zu model inputs\n", trained.model_name.c_str(),
                trained.solver.c_str(), table.rows - trained.dropped_rows, n_features,
                trained.model_features);
    std::printf("  %u iterations, %s, objective %.9g, fit %.3f s\n", trained.report.iterations,
                trained.report.converged ? "converged" : "NOT converged", trained.report.objective,
                trained.fit_seconds);
    std::printf("wrote %s (%zu bytes%s)\n", output.c_str(), bytes.size(),
                args.has("golden") ? (", " + args.get("golden") + " golden rows").c_str() : "");
    print_run_id(args, run_id);
  }
  return kExitOk;
}

}  // namespace

Command train_command() {
  Command command;
  command.spec.name = "train";
  command.spec.summary = "Fit a model on a CSV file and write the model file (pipeline included).";
  command.spec.usage =
      "DATA.csv --target COL --model linear|logistic|tree|forest|extra_trees|gbdt -o MODEL.ember [options]";
  command.spec.details =
      "The model file holds the whole pipeline, so raw rows go in on the device.\n"
      "Objectives and parameter names are scikit-learn's.\n"
      "\n" +
      task_help() + "\n" + model_params_help() + "\n" + pipeline_help() +
      "\n\n"
      "The same data, parameters and --seed give the same model bytes on every platform,\n"
      "for any n_jobs.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"target", "COL", "the column to predict"},
      {"model", "NAME", "linear, logistic, tree, forest, extra_trees or gbdt"},
      task_option(),
      {"param", "KEY=VALUE", "a model parameter (see above)", /*repeatable=*/true},
      {"valid", "FILE.csv",
       "gbdt: a validation file (same columns) for early stopping; see early_stopping_rounds"},
      {"seed", "N",
       "random seed for randomised trainers (the linear solvers are deterministic and ignore it)"},
      {"output", "MODEL.ember", "where to write the model (atomically)", false, 'o'},
      {"golden", "N",
       "store the first N training rows and their outputs in the model (GOLD) for a device self-test"},
      {"json", "", "print a JSON summary: fit seconds, iterations, converged, model bytes"},
  };
  add_pipeline_options(&command.spec);
  add_tracking_options(&command.spec);
  add_csv_options(&command.spec);
  command.run = run_train;
  return command;
}

}  // namespace ember::cli
