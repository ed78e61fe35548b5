// ember train: fit a model on a CSV file and write the model file.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "command.h"
#include "host/file_io.h"
#include "host/json_writer.h"
#include "host/linear_trainer.h"
#include "host/suggest.h"
#include "host/tree_trainer.h"
#include "params.h"
#include "pipeline_flags.h"

namespace ember::cli {

namespace {

bool parse_penalty(const std::string& text, Penalty* out) {
  for (Penalty p : {Penalty::none, Penalty::l2, Penalty::l1, Penalty::elasticnet}) {
    if (text == penalty_name(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

ParamSpec class_weight(bool* balanced) {
  return {"class_weight", "none or balanced", [balanced](const std::string& v) {
            if (v != "none" && v != "balanced") return false;
            *balanced = v == "balanced";
            return true;
          }};
}
// n_jobs: threads; -1 (or 0) for one per core, as scikit-learn.
ParamSpec n_jobs(unsigned* target) {
  return {"n_jobs", "a whole number >= 1, or -1 for every core", [target](const std::string& v) {
            std::uint32_t x = 0;
            if (v == "-1") {
              *target = 0;
              return true;
            }
            if (!parse_count(v, &x) || x > 1024) return false;
            *target = x;
            return true;
          }};
}

std::vector<ParamSpec> linear_params(host::LinearTrainOptions* o) {
  const bool logistic = o->kind == host::LinearKind::logistic;
  Penalty* penalty = logistic ? &o->logistic.penalty : &o->linear.penalty;
  std::vector<ParamSpec> specs = {
      {"penalty", "one of none, l2, l1, elasticnet",
       [penalty](const std::string& v) { return parse_penalty(v, penalty); }},
      positive_number(logistic ? "C" : "alpha", logistic ? &o->logistic.c : &o->linear.alpha),
      {"l1_ratio", "a number in [0, 1]",
       [o, logistic](const std::string& v) {
         double x = 0.0;
         if (!parse_double(v, &x) || x < 0.0 || x > 1.0) return false;
         (logistic ? o->logistic.l1_ratio : o->linear.l1_ratio) = x;
         return true;
       }},
      count("max_iter", logistic ? &o->logistic.max_iter : &o->linear.max_iter),
      positive_number("tol", logistic ? &o->logistic.tol : &o->linear.tol),
      flag("fit_intercept", logistic ? &o->logistic.fit_intercept : &o->linear.fit_intercept),
  };
  if (logistic) specs.push_back(class_weight(&o->balanced_class_weight));
  return specs;
}

// --model gbdt: scikit-learn's HistGradientBoosting names where they
// exist, XGBoost's otherwise.
std::vector<ParamSpec> gbdt_params(host::TreeTrainOptions* o) {
  GbdtOptions& g = o->gbdt;
  return {
      count("n_estimators", &g.n_estimators),
      positive_number("learning_rate", &g.learning_rate),
      count_or_none("max_depth", &g.max_depth, 1, 127),
      count_or_none("max_leaf_nodes", &g.max_leaves, 2, 0),
      count("max_bins", &o->bins.max_bins, 2, kMaxBins),
      non_negative_number("l2_regularization", &g.lambda_l2),
      non_negative_number("l1_regularization", &g.lambda_l1),
      non_negative_number("min_split_gain", &g.min_split_gain),
      non_negative_number("min_child_weight", &g.min_child_weight),
      count("min_samples_leaf", &g.min_data_in_leaf),
      {"loss", "squared_error, absolute_error or huber (numeric targets)",
       [o](const std::string& v) {
         if (v == "squared_error") {
           o->gbdt_loss = GbdtObjective::squared_error;
         } else if (v == "absolute_error") {
           o->gbdt_loss = GbdtObjective::absolute_error;
         } else if (v == "huber") {
           o->gbdt_loss = GbdtObjective::huber;
         } else {
           return false;
         }
         return true;
       }},
      {"huber_delta", "a number > 0, or quantile (0.9 of the absolute residuals, each round)",
       [o](const std::string& v) {
         if (v == "quantile") {
           o->gbdt.huber_delta = 0.0;
           return true;
         }
         double x = 0.0;
         if (!parse_double(v, &x) || !(x > 0.0)) return false;
         o->gbdt.huber_delta = x;
         return true;
       }},
      fraction("subsample", &g.subsample),
      fraction("colsample_bytree", &g.colsample_bytree),
      fraction("max_features", &g.colsample_bynode),
      {"early_stopping_rounds", "a whole number >= 0 (0: no early stopping)",
       [o](const std::string& v) {
         std::uint64_t x = 0;
         if (!parse_u64(v, &x) || x > 1000000) return false;
         o->gbdt.early_stopping_rounds = static_cast<std::uint32_t>(x);
         o->early_stopping_given = true;
         return true;
       }},
      {"validation_fraction", "a number in (0, 1)",
       [o](const std::string& v) {
         double x = 0.0;
         if (!parse_double(v, &x) || !(x > 0.0 && x < 1.0)) return false;
         o->validation_fraction = x;
         return true;
       }},
      class_weight(&o->balanced_class_weight),
      n_jobs(&o->n_jobs),
      flag("use_quantized_grad", &g.quantized_gradients),  // LightGBM's name: scikit-learn has none
  };
}

// --model tree|forest|extra_trees: scikit-learn's names.
std::vector<ParamSpec> tree_params(host::TreeTrainOptions* o) {
  std::vector<ParamSpec> specs = {
      {"criterion", "gini, entropy or squared_error",
       [o](const std::string& v) {
         if (v == "gini") {
           o->tree.criterion = Criterion::gini;
         } else if (v == "entropy") {
           o->tree.criterion = Criterion::entropy;
         } else if (v == "squared_error") {
           o->tree.criterion = Criterion::squared_error;
         } else {
           return false;
         }
         o->criterion_given = true;
         return true;
       }},
      count_or_none("max_depth", &o->tree.max_depth, 1, 127),
      count("min_samples_split", &o->tree.min_samples_split, 2),
      count("min_samples_leaf", &o->tree.min_samples_leaf),
      count_or_none("max_leaf_nodes", &o->tree.max_leaf_nodes, 2, 0),
      non_negative_number("min_impurity_decrease", &o->tree.min_impurity_decrease),
      {"max_features", "sqrt, log2, all, a fraction in (0, 1] or a whole number >= 1",
       [o](const std::string& v) {
         o->max_features = 0;
         o->max_features_fraction = 0.0;
         o->max_features_sqrt = v == "sqrt";
         o->max_features_log2 = v == "log2";
         if (v == "sqrt" || v == "log2") return true;
         if (v == "all") {
           o->max_features_fraction = 1.0;
           return true;
         }
         if (v.find('.') != std::string::npos) {
           double x = 0.0;
           if (!parse_double(v, &x) || !(x > 0.0) || x > 1.0) return false;
           o->max_features_fraction = x;
           return true;
         }
         return parse_count(v, &o->max_features);
       }},
      count("max_bins", &o->bins.max_bins, 2, kMaxBins),
      class_weight(&o->balanced_class_weight),
      n_jobs(&o->n_jobs),
  };
  if (o->kind != host::TreeKind::tree) {
    specs.push_back(count("n_estimators", &o->n_estimators));
    specs.push_back(flag("bootstrap", &o->bootstrap));
    specs.push_back(flag("oob_score", &o->oob_score));
  }
  return specs;
}

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

int run_train_trees(const ParsedArgs& args, const std::string& path, host::CsvOptions csv,
                    std::uint64_t seed) {
  host::TreeTrainOptions options;
  const std::string model = args.get("model");
  options.kind = model == "forest"        ? host::TreeKind::forest
                 : model == "extra_trees" ? host::TreeKind::extra_trees
                 : model == "gbdt"        ? host::TreeKind::gbdt
                                          : host::TreeKind::tree;
  options.bootstrap = options.kind == host::TreeKind::forest;  // scikit-learn's defaults
  options.gbdt.min_data_in_leaf = 20;                          // HistGradientBoosting's default
  options.seed = seed;
  std::string error_text;
  const bool gbdt = options.kind == host::TreeKind::gbdt;
  if (!apply_params(args, gbdt ? gbdt_params(&options) : tree_params(&options), model, &error_text) ||
      !pipeline_from_args(args, /*linear=*/false, &options.pipeline, &error_text)) {
    std::fprintf(stderr, "ember train: %s\n", error_text.c_str());
    return kExitUsage;
  }
  if (gbdt && options.gbdt.max_depth == 0 && options.gbdt.max_leaves == 0) {
    std::fprintf(stderr,
                 "ember train: --param max_depth=none needs --param max_leaf_nodes=N (leaf-wise growth) to "
                 "bound the trees\n");
    return kExitUsage;
  }
  if (args.has("valid") && !gbdt) {
    std::fprintf(stderr, "ember train: --valid applies to --model gbdt (early stopping)\n");
    return kExitUsage;
  }
  if (args.has("valid") && options.validation_fraction > 0.0) {
    std::fprintf(stderr, "ember train: give --valid FILE or --param validation_fraction, not both\n");
    return kExitUsage;
  }
  csv.target = args.get("target");
  host::Table table;
  host::Error error;
  if (!host::read_csv(path, csv, &table, &error)) return fail("train", error.to_string());
  host::Table valid;
  if (args.has("valid")) {
    // Read with the training file's column types, so that labels match.
    host::CsvOptions valid_csv = csv;
    valid_csv.column_types.clear();
    valid_csv.types_must_match_columns = false;
    for (const auto& c : table.columns) valid_csv.column_types.emplace_back(c.name, c.type);
    const std::string valid_path = args.get("valid");
    if (!host::read_csv(valid_path, valid_csv, &valid, &error)) return fail("train", error.to_string());
    options.valid = &valid;
  }
  host::TrainedTrees trained;
  if (!host::train_tree_model(table, options, &trained, &error)) {
    if (error.file.empty()) error.file = error.message.rfind("validation", 0) == 0 ? args.get("valid") : path;
    return fail("train", error.to_string());
  }
  const std::string output = args.get("output");
  const std::string_view bytes(reinterpret_cast<const char*>(trained.storage.data()), trained.size);
  if (!host::write_file_atomic(output, bytes, &error)) return fail("train", error.to_string());
  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(trained.model_name);
    j.key("rows").value(static_cast<std::uint64_t>(table.rows - trained.dropped_rows));
    j.key("features").value(static_cast<std::uint64_t>(trained.feature_names.size()));
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("trees").value(static_cast<std::uint64_t>(trained.trees));
    j.key("internal_nodes").value(static_cast<std::uint64_t>(trained.nodes));
    j.key("leaves").value(static_cast<std::uint64_t>(trained.leaves));
    j.key("model_bytes").value(static_cast<std::uint64_t>(trained.size));
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
    std::printf("wrote %s (%zu bytes)\n", output.c_str(), trained.size);
  }
  return kExitOk;
}

int run_train(const ParsedArgs& args) {
  const std::string path = args.positional[0];
  auto usage = [](const std::string& message) {
    std::fprintf(stderr, "ember train: %s\n", message.c_str());
    return kExitUsage;
  };
  host::CsvOptions csv;
  std::string error_text;
  if (!csv_options_from_args(args, &csv, &error_text)) return usage(error_text);
  if (!args.has("target")) return usage("--target COL is required: the column to predict");
  if (!args.has("output")) return usage("-o MODEL.ember is required: where to write the model");
  const std::string model = args.get("model");
  std::uint64_t seed = 0;
  if (args.has("seed") && !parse_u64(args.get("seed"), &seed))
    return usage("--seed must be a whole number, got '" + args.get("seed") + "'");
  if (model == "tree" || model == "forest" || model == "extra_trees" || model == "gbdt") {
    return run_train_trees(args, path, csv, seed);
  }
  host::LinearTrainOptions options;
  if (model == "linear") {
    options.kind = host::LinearKind::linear;
  } else if (model == "logistic") {
    options.kind = host::LinearKind::logistic;
  } else {
    return usage("--model must be linear, logistic, tree, forest, extra_trees or gbdt" +
                 (model.empty() ? std::string() : ", got '" + model + "'"));
  }
  if (!apply_params(args, linear_params(&options), model, &error_text) ||
      !pipeline_from_args(args, /*linear=*/true, &options.pipeline, &error_text)) {
    return usage(error_text);
  }
  options.pipeline.seed = seed;
  const bool needs_ratio =
      (options.kind == host::LinearKind::logistic ? options.logistic.penalty : options.linear.penalty) ==
      Penalty::elasticnet;
  bool gave_ratio = false;
  for (const auto& p : args.all("param")) gave_ratio = gave_ratio || p.rfind("l1_ratio=", 0) == 0;
  if (gave_ratio && !needs_ratio) return usage("--param l1_ratio applies only with penalty=elasticnet");

  csv.target = args.get("target");
  host::Table table;
  host::Error error;
  if (!host::read_csv(path, csv, &table, &error)) return fail("train", error.to_string());
  host::TrainedModel trained;
  if (!host::train_linear_model(table, options, &trained, &error)) {
    if (error.file.empty()) error.file = path;
    return fail("train", error.to_string());
  }
  const std::string output = args.get("output");
  const std::string_view bytes(reinterpret_cast<const char*>(trained.storage.data()), trained.size);
  if (!host::write_file_atomic(output, bytes, &error)) return fail("train", error.to_string());

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
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("iterations").value(static_cast<std::uint64_t>(trained.report.iterations));
    j.key("converged").value(trained.report.converged);
    j.key("objective").value(trained.report.objective);
    j.key("model_bytes").value(static_cast<std::uint64_t>(trained.size));
    j.key("output").value(output).key("seed").value(seed);
    write_pipeline_json(j, trained.pipeline, trained.dropped_rows);
    j.end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    print_pipeline(trained.pipeline, trained.dropped_rows);
    std::printf("trained %s (%s) on %zu rows, %zu features -> %zu model inputs\n", trained.model_name.c_str(),
                trained.solver.c_str(), table.rows - trained.dropped_rows, n_features,
                trained.model_features);
    std::printf("  %u iterations, %s, objective %.9g, fit %.3f s\n", trained.report.iterations,
                trained.report.converged ? "converged" : "NOT converged", trained.report.objective,
                trained.fit_seconds);
    std::printf("wrote %s (%zu bytes)\n", output.c_str(), trained.size);
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
      "\n"
      "--model linear    penalty=none|l2|l1|elasticnet (LinearRegression, Ridge, Lasso,\n"
      "                  ElasticNet; default none), alpha=1.0, l1_ratio=0.5 (elasticnet),\n"
      "                  max_iter=1000, tol=1e-4 (l1, elasticnet), fit_intercept=true\n"
      "--model logistic  penalty=l2|l1|elasticnet|none (default l2), C=1.0, l1_ratio=0.5,\n"
      "                  max_iter=100, tol=1e-4, class_weight=none|balanced,\n"
      "                  fit_intercept=true; two classes give one logistic output,\n"
      "                  more give multinomial (softmax)\n"
      "--model tree      criterion=gini|entropy|squared_error (from the target),\n"
      "                  max_depth=none, min_samples_split=2, min_samples_leaf=1,\n"
      "                  max_leaf_nodes=none, min_impurity_decrease=0, max_features=all,\n"
      "                  max_bins=255, class_weight=none|balanced, n_jobs=1\n"
      "                  (DecisionTreeClassifier/Regressor)\n"
      "--model forest    the tree parameters, and n_estimators=100, bootstrap=true,\n"
      "                  oob_score=false, n_jobs=1 (trees fitted in parallel),\n"
      "                  max_features=sqrt (classification) or all (regression)\n"
      "                  (RandomForestClassifier/Regressor)\n"
      "--model extra_trees  as forest, with random split points and bootstrap=false\n"
      "                  (ExtraTreesClassifier/Regressor)\n"
      "--model gbdt      histogram gradient boosting: n_estimators=100, learning_rate=0.1,\n"
      "                  max_depth=6, max_leaf_nodes=none (set it for leaf-wise growth),\n"
      "                  l2_regularization=1, l1_regularization=0, min_split_gain=0,\n"
      "                  min_child_weight=1, min_samples_leaf=20, max_bins=255,\n"
      "                  loss=squared_error|absolute_error|huber (numeric target; classes\n"
      "                  use log loss or softmax), huber_delta=quantile|D, subsample=1,\n"
      "                  colsample_bytree=1, max_features=1 (share tried per split),\n"
      "                  class_weight=none|balanced, n_jobs=1 (-1: every core);\n"
      "                  early stopping: --valid FILE or validation_fraction=F (stratified,\n"
      "                  from --seed), then early_stopping_rounds=10 (0: only report the loss);\n"
      "                  use_quantized_grad=true: splits found on gradients rounded to 7 bits\n"
      "                  (LightGBM's option; faster, leaves still from exact gradients)\n"
      "Trees read the raw columns unless asked otherwise: missing values learn a\n"
      "direction at each split, categories split natively (at most max_bins of them).\n"
      "\n" +
      pipeline_help() +
      "\n\n"
      "The same data, parameters and --seed give the same model bytes on every platform,\n"
      "for any n_jobs.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"target", "COL", "the column to predict"},
      {"model", "NAME", "linear, logistic, tree, forest, extra_trees or gbdt"},
      {"param", "KEY=VALUE", "a model parameter (see above)", /*repeatable=*/true},
      {"valid", "FILE.csv",
       "gbdt: a validation file (same columns) for early stopping; see early_stopping_rounds"},
      {"seed", "N",
       "random seed for randomised trainers (the linear solvers are deterministic and ignore it)"},
      {"output", "MODEL.ember", "where to write the model (atomically)", false, 'o'},
      {"json", "", "print a JSON summary: fit seconds, iterations, converged, model bytes"},
  };
  add_pipeline_options(&command.spec);
  add_csv_options(&command.spec);
  command.run = run_train;
  return command;
}

}  // namespace ember::cli
