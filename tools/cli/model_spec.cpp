#include "model_spec.h"

#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "host/suggest.h"
#include "host/task_rule.h"
#include "host/training_checks.h"
#include "params.h"
#include "pipeline_flags.h"
#include "split_flags.h"
#include "tracking.h"

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
  return {"n_jobs", "a whole number in 1.." + std::to_string(kMaxThreads) + ", or -1 for every core",
          [target](const std::string& v) {
            std::uint32_t x = 0;
            if (v == "-1") {
              *target = 0;
              return true;
            }
            if (!parse_count(v, &x) || x > kMaxThreads) return false;
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
      count("n_estimators", &g.n_estimators, 1, host::kMaxEstimators),
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
      {"early_stopping_rounds", "a whole number in 0..1000000 (0: no early stopping)",
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
    specs.push_back(count("n_estimators", &o->n_estimators, 1, host::kMaxEstimators));
    specs.push_back(flag("bootstrap", &o->bootstrap));
    specs.push_back(flag("oob_score", &o->oob_score));
  }
  return specs;
}

}  // namespace

const char* const kModelNames = "linear, logistic, tree, forest, extra_trees or gbdt";

bool model_spec_from_args(const ParsedArgs& args, const std::vector<std::string>& extra, ModelSpec* out,
                          std::string* error) {
  ModelSpec& spec = *out;
  spec = ModelSpec{};
  spec.model = args.get("model");
  if (args.has("seed") && !parse_u64(args.get("seed"), &spec.seed)) {
    *error = "--seed must be a whole number in 0..18446744073709551615, got '" + args.get("seed") + "'";
    return false;
  }
  std::vector<std::string> params = args.all("param");
  params.insert(params.end(), extra.begin(), extra.end());
  const std::string& model = spec.model;
  if (args.has("task")) {
    const std::string task = args.get("task");
    if (task == "classification") {
      spec.task = TaskFlag::classification;
    } else if (task == "regression") {
      spec.task = TaskFlag::regression;
    } else if (task == "auto") {
      spec.task = TaskFlag::auto_task;
    } else {
      *error = "--task must be classification, regression or auto, got '" + task + "'";
      return false;
    }
    if (model == "linear" && spec.task == TaskFlag::classification) {
      *error = "--task classification: --model linear fits a number; use --model logistic or a tree model";
      return false;
    }
    if (model == "logistic" && spec.task == TaskFlag::regression) {
      *error = "--task regression: --model logistic predicts classes; use --model linear or a tree model";
      return false;
    }
  }
  if (model == "tree" || model == "forest" || model == "extra_trees" || model == "gbdt") {
    spec.trees = true;
    host::TreeTrainOptions& o = spec.tree;
    o.kind = model == "forest"        ? host::TreeKind::forest
             : model == "extra_trees" ? host::TreeKind::extra_trees
             : model == "gbdt"        ? host::TreeKind::gbdt
                                      : host::TreeKind::tree;
    o.bootstrap = o.kind == host::TreeKind::forest;  // scikit-learn's defaults
    o.gbdt.min_data_in_leaf = 20;                    // HistGradientBoosting's default
    o.seed = spec.seed;
    const bool gbdt = o.kind == host::TreeKind::gbdt;
    if (!apply_key_values(params, gbdt ? gbdt_params(&o) : tree_params(&o), "--param", "--model " + model,
                          error) ||
        !pipeline_from_args(args, /*linear=*/false, &o.pipeline, error))
      return false;
    if (gbdt && o.gbdt.max_depth == 0 && o.gbdt.max_leaves == 0) {
      *error = "--param max_depth=none needs --param max_leaf_nodes=N (leaf-wise growth) to bound the trees";
      return false;
    }
    return true;
  }
  host::LinearTrainOptions& o = spec.linear;
  if (model == "linear") {
    o.kind = host::LinearKind::linear;
  } else if (model == "logistic") {
    o.kind = host::LinearKind::logistic;
  } else {
    *error = std::string("--model must be ") + kModelNames + (model.empty() ? "" : ", got '" + model + "'");
    return false;
  }
  if (!apply_key_values(params, linear_params(&o), "--param", "--model " + model, error) ||
      !pipeline_from_args(args, /*linear=*/true, &o.pipeline, error))
    return false;
  o.pipeline.seed = spec.seed;
  const bool needs_ratio =
      (o.kind == host::LinearKind::logistic ? o.logistic.penalty : o.linear.penalty) == Penalty::elasticnet;
  bool gave_ratio = false;
  for (const auto& p : params) gave_ratio = gave_ratio || p.rfind("l1_ratio=", 0) == 0;
  if (gave_ratio && !needs_ratio) {
    *error = "--param l1_ratio applies only with penalty=elasticnet";
    return false;
  }
  return true;
}

const char* task_name(bool classification) { return classification ? "classification" : "regression"; }

bool read_training_data(const ParsedArgs& args, const std::string& path, host::CsvOptions csv,
                        const ModelSpec& spec, TrainingData* out, host::Error* error, bool* usage) {
  *usage = false;
  *out = TrainingData{};
  const std::string target = args.get("target");
  csv.target = target;
  // A --type given for the target: -1 none, else its type.
  int forced = -1;
  for (const auto& [name, type] : csv.column_types) {
    if (name == target) forced = type == host::ColumnType::categorical ? 1 : 0;
  }
  const bool classes_asked = spec.task == TaskFlag::classification;
  if (spec.task != TaskFlag::auto_task) {
    if (forced == (classes_asked ? 0 : 1)) {
      *usage = true;
      *error =
          host::Error{"", 0, 0,
                      std::string("--task ") + task_name(classes_asked) + " reads the target '" + target +
                          "' as " + (classes_asked ? "class labels" : "numbers") + "; --type " + target +
                          "=" + (classes_asked ? "numeric" : "categorical") + " contradicts it"};
      return false;
    }
    csv.column_types.emplace_back(target,
                                  classes_asked ? host::ColumnType::categorical : host::ColumnType::numeric);
  }
  host::Table& table = out->table;
  if (!host::read_csv(path, csv, &table, error)) return false;
  const host::Column* column = &table.columns[static_cast<std::size_t>(table.target)];
  if (spec.task != TaskFlag::auto_task) {
    out->classification = classes_asked;
    out->task_reason = std::string("--task ") + task_name(classes_asked);
  } else if (forced >= 0) {
    out->classification = forced == 1;
    out->task_reason = "--type " + target + "=" + (forced == 1 ? "categorical" : "numeric");
  } else {
    const host::TaskRule rule = host::auto_task(*column);
    out->classification = rule.classification;
    out->task_reason = rule.reason;
    if (column->type == host::ColumnType::numeric && spec.model == "linear") {
      out->classification = false;
      out->task_reason = "--model linear fits a number";
      if (rule.classification) {
        out->warnings.push_back("note: '" + target + "' holds " + std::to_string(rule.distinct) +
                                " distinct whole number" + (rule.distinct == 1 ? "" : "s") +
                                ", which --task auto makes classes for the other models; use --model "
                                "logistic if they are classes");
      }
    } else if (column->type == host::ColumnType::numeric && rule.classification) {
      // The cells again, as the labels they are.
      csv.column_types.emplace_back(target, host::ColumnType::categorical);
      if (!host::read_csv(path, csv, &table, error)) return false;
      column = &table.columns[static_cast<std::size_t>(table.target)];
    }
  }
  if (out->classification) {
    for (const std::vector<std::string>& same : host::same_number_labels(*column)) {
      out->warnings.push_back("warning: labels " + host::quoted_list(same, " and ") + " of '" + target +
                              "' are the same number written differently; class labels are text, so they "
                              "are " +
                              std::to_string(same.size()) + " classes (write them one way to make them one)");
    }
  }
  std::string message;
  if (!host::check_has_features(table, &message) || !host::check_finite_cells(table, &message)) {
    *error = host::Error{path, 0, 0, message};
    return false;
  }
  return true;
}

void print_training_warnings(const std::string& command, const TrainingData& data,
                             const std::vector<const ModelSpec*>& specs) {
  for (const std::string& w : data.warnings)
    std::fprintf(stderr, "ember %s: %s\n", command.c_str(), w.c_str());
  const host::Column& target = data.table.columns[static_cast<std::size_t>(data.table.target)];
  const auto n_classes =
      static_cast<std::uint32_t>(target.type == host::ColumnType::categorical ? target.labels.size() : 0);
  host::ModelSizeEstimate largest;
  for (const ModelSpec* spec : specs) {
    if (!spec->trees) continue;
    const host::ModelSizeEstimate e = host::estimate_tree_model_size(spec->tree, data.table.rows, n_classes);
    if (e.bytes > largest.bytes) largest = e;
  }
  // Above the file format's limit the trainer refuses, with the estimate.
  if (largest.bytes <= static_cast<double>(host::kWarnModelBytes) ||
      largest.bytes > static_cast<double>(host::kMaxModelBytes))
    return;
  std::fprintf(stderr,
               "ember %s: warning: the model may take up to %s (%s); lower n_estimators, set max_depth or "
               "max_leaf_nodes, or raise min_samples_leaf for a smaller one\n",
               command.c_str(), host::format_bytes(largest.bytes).c_str(), largest.how.c_str());
}

bool fit_model(const host::Table& table, const ModelSpec& spec, FittedModel* out, host::Error* error) {
  // Both trainers report the same fields under the same names.
  auto take = [out](const auto& t) {
    out->storage = t.storage;
    out->size = t.size;
    out->fit_seconds = t.fit_seconds;
    out->dropped_rows = t.dropped_rows;
    out->pipeline = t.pipeline;
    return true;
  };
  if (spec.trees) return host::train_tree_model(table, spec.tree, &out->trees, error) && take(out->trees);
  return host::train_linear_model(table, spec.linear, &out->linear, error) && take(out->linear);
}

host::FitFunction fit_function(const ModelSpec& spec) {
  return [&spec](const host::Table& train, std::vector<std::uint64_t>* storage, std::size_t* size,
                 double* seconds, host::Error* error) {
    FittedModel fitted;
    if (!fit_model(train, spec, &fitted, error)) return false;
    *storage = std::move(fitted.storage);
    *size = fitted.size;
    *seconds = fitted.fit_seconds;
    return true;
  };
}

void add_cross_validation_options(CommandSpec* spec, const std::string& param_help) {
  spec->options.insert(spec->options.begin(),
                       {{"target", "COL", "the column to predict"},
                        {"model", "NAME", kModelNames},
                        {"param", "KEY=VALUE", param_help, /*repeatable=*/true},
                        task_option(),
                        {"seed", "N", "random seed for the models, shuffled splits and draws"}});
  add_split_options(spec);
  add_pipeline_options(spec);
  add_tracking_options(spec);
  add_csv_options(spec);
}

OptionSpec task_option() {
  return {"task", "T",
          "classification, regression or auto (default): auto makes a text target, or one of at most 20 "
          "distinct whole numbers, classes"};
}

std::string task_help() {
  return "--task auto (the default) decides from the target: text labels, or at most 20 distinct\n"
         "whole numbers (0/1, digits), are classes; other numbers are a regression target.\n"
         "--model linear always fits a number, --model logistic classes. --task classification\n"
         "reads the target's cells as labels (text: 01, 1 and 1.0 are three classes, with a\n"
         "warning), --task regression as numbers. train, cv and search print the task and why.\n";
}

std::string model_params_help() {
  return "--model linear    penalty=none|l2|l1|elasticnet (LinearRegression, Ridge, Lasso,\n"
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
         "Limits, checked before the fit: n_estimators at most 100000, n_jobs at most 1024;\n"
         "a tree model's size is estimated first (trees x leaves a tree can have x values\n"
         "a leaf holds x 4 bytes): above 256 MiB train, cv and search warn with the\n"
         "estimate, above 4 GiB (what a model file can hold) the fit is refused.\n"
         "An inf in a numeric column is refused with its row and column.\n";
}

}  // namespace ember::cli
