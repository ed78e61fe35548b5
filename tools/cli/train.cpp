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

namespace ember::cli {

namespace {

bool parse_double(const std::string& text, double* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && *out - *out == 0.0;
}

bool parse_count(const std::string& text, std::uint32_t* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && *out > 0;
}

bool parse_penalty(const std::string& text, Penalty* out) {
  for (Penalty p : {Penalty::none, Penalty::l2, Penalty::l1, Penalty::elasticnet}) {
    if (text == penalty_name(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

// Applies every --param KEY=VALUE to `o`; false with a usage message.
bool apply_params(const ParsedArgs& args, host::LinearTrainOptions* o, std::string* error) {
  const bool logistic = o->kind == host::LinearKind::logistic;
  const std::vector<std::string> keys =
      logistic ? std::vector<std::string>{"penalty",      "C", "l1_ratio", "max_iter", "tol", "class_weight",
                                          "fit_intercept"}
               : std::vector<std::string>{"penalty", "alpha", "l1_ratio", "max_iter", "tol", "fit_intercept"};
  for (const std::string& param : args.all("param")) {
    const auto eq = param.find('=');
    const std::string key = param.substr(0, eq), value = eq == std::string::npos ? "" : param.substr(eq + 1);
    auto bad = [&](const std::string& expected) {
      *error = "--param " + param + ": " + key + " must be " + expected;
      return false;
    };
    if (eq == std::string::npos || key.empty()) {
      *error = "--param takes KEY=VALUE, got '" + param + "'";
      return false;
    }
    double number = 0.0;
    std::uint32_t count = 0;
    if (key == "penalty") {
      Penalty p = Penalty::none;
      if (!parse_penalty(value, &p)) return bad("one of none, l2, l1, elasticnet");
      (logistic ? o->logistic.penalty : o->linear.penalty) = p;
    } else if (key == (logistic ? "C" : "alpha")) {
      if (!parse_double(value, &number) || !(number > 0.0)) return bad("a number > 0");
      (logistic ? o->logistic.c : o->linear.alpha) = number;
    } else if (key == "l1_ratio") {
      if (!parse_double(value, &number) || number < 0.0 || number > 1.0) return bad("a number in [0, 1]");
      (logistic ? o->logistic.l1_ratio : o->linear.l1_ratio) = number;
    } else if (key == "max_iter") {
      if (!parse_count(value, &count)) return bad("a whole number >= 1");
      (logistic ? o->logistic.max_iter : o->linear.max_iter) = count;
    } else if (key == "tol") {
      if (!parse_double(value, &number) || !(number > 0.0)) return bad("a number > 0");
      (logistic ? o->logistic.tol : o->linear.tol) = number;
    } else if (key == "fit_intercept") {
      if (value != "true" && value != "false") return bad("true or false");
      (logistic ? o->logistic.fit_intercept : o->linear.fit_intercept) = value == "true";
    } else if (logistic && key == "class_weight") {
      if (value != "none" && value != "balanced") return bad("none or balanced");
      o->balanced_class_weight = value == "balanced";
    } else {
      *error = "unknown parameter '" + key + "' for --model " + (logistic ? "logistic" : "linear");
      const auto close = host::close_matches(key, keys);
      if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
      *error += " (parameters: " + host::quoted_list(keys, " and ") + ")";
      return false;
    }
  }
  return true;
}

// Applies every --param KEY=VALUE for --model tree|forest.
// Applies every --param KEY=VALUE for --model gbdt (scikit-learn's
// HistGradientBoosting names where they exist, XGBoost's otherwise).
bool apply_gbdt_params(const ParsedArgs& args, host::TreeTrainOptions* o, std::string* error) {
  const std::vector<std::string> keys = {
      "n_estimators",      "learning_rate",     "max_depth",      "max_leaf_nodes",   "max_bins",
      "l2_regularization", "l1_regularization", "min_split_gain", "min_child_weight", "min_samples_leaf"};
  GbdtOptions& g = o->gbdt;
  for (const std::string& param : args.all("param")) {
    const auto eq = param.find('=');
    const std::string key = param.substr(0, eq), value = eq == std::string::npos ? "" : param.substr(eq + 1);
    auto bad = [&](const std::string& expected) {
      *error = "--param " + param + ": " + key + " must be " + expected;
      return false;
    };
    if (eq == std::string::npos || key.empty()) {
      *error = "--param takes KEY=VALUE, got '" + param + "'";
      return false;
    }
    std::uint32_t count = 0;
    double number = 0.0;
    if (key == "n_estimators") {
      if (!parse_count(value, &count)) return bad("a whole number >= 1");
      g.n_estimators = count;
    } else if (key == "learning_rate") {
      if (!parse_double(value, &number) || !(number > 0.0)) return bad("a number > 0");
      g.learning_rate = number;
    } else if (key == "max_depth") {
      if (value == "none") {
        g.max_depth = 0;
      } else if (!parse_count(value, &count) || count > 127) {
        return bad("a whole number in 1..127, or none");
      } else {
        g.max_depth = count;
      }
    } else if (key == "max_leaf_nodes") {
      if (value == "none") {
        g.max_leaves = 0;
      } else if (!parse_count(value, &count) || count < 2) {
        return bad("a whole number >= 2, or none");
      } else {
        g.max_leaves = count;
      }
    } else if (key == "max_bins") {
      if (!parse_count(value, &count) || count < 2 || count > kMaxBins)
        return bad("a whole number in 2..255");
      o->bins.max_bins = count;
    } else if (key == "l2_regularization" || key == "l1_regularization" || key == "min_split_gain" ||
               key == "min_child_weight") {
      if (!parse_double(value, &number) || number < 0.0) return bad("a number >= 0");
      double& target = key == "l2_regularization"   ? g.lambda_l2
                       : key == "l1_regularization" ? g.lambda_l1
                       : key == "min_split_gain"    ? g.min_split_gain
                                                    : g.min_child_weight;
      target = number;
    } else if (key == "min_samples_leaf") {
      if (!parse_count(value, &count)) return bad("a whole number >= 1");
      g.min_data_in_leaf = count;
    } else {
      *error = "unknown parameter '" + key + "' for --model gbdt";
      const auto close = host::close_matches(key, keys);
      if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
      *error += " (parameters: " + host::quoted_list(keys, " and ") + ")";
      return false;
    }
  }
  if (g.max_depth == 0 && g.max_leaves == 0) {
    *error = "--param max_depth=none needs --param max_leaf_nodes=N (leaf-wise growth) to bound the trees";
    return false;
  }
  return true;
}

bool apply_tree_params(const ParsedArgs& args, host::TreeTrainOptions* o, std::string* error) {
  const bool forest = o->kind != host::TreeKind::tree;
  std::vector<std::string> keys = {"criterion",        "max_depth",      "min_samples_split",
                                   "min_samples_leaf", "max_leaf_nodes", "min_impurity_decrease",
                                   "max_features",     "max_bins"};
  if (forest) {
    keys.push_back("n_estimators");
    keys.push_back("bootstrap");
  }
  for (const std::string& param : args.all("param")) {
    const auto eq = param.find('=');
    const std::string key = param.substr(0, eq), value = eq == std::string::npos ? "" : param.substr(eq + 1);
    auto bad = [&](const std::string& expected) {
      *error = "--param " + param + ": " + key + " must be " + expected;
      return false;
    };
    if (eq == std::string::npos || key.empty()) {
      *error = "--param takes KEY=VALUE, got '" + param + "'";
      return false;
    }
    std::uint32_t count = 0;
    double number = 0.0;
    if (key == "criterion") {
      if (value == "gini") {
        o->tree.criterion = Criterion::gini;
      } else if (value == "entropy") {
        o->tree.criterion = Criterion::entropy;
      } else if (value == "squared_error") {
        o->tree.criterion = Criterion::squared_error;
      } else {
        return bad("gini, entropy or squared_error");
      }
      o->criterion_given = true;
    } else if (key == "max_depth") {
      if (value == "none") {
        o->tree.max_depth = 0;
      } else if (!parse_count(value, &count) || count > 127) {
        return bad("a whole number in 1..127, or none");
      } else {
        o->tree.max_depth = count;
      }
    } else if (key == "min_samples_split") {
      if (!parse_count(value, &count) || count < 2) return bad("a whole number >= 2");
      o->tree.min_samples_split = count;
    } else if (key == "min_samples_leaf") {
      if (!parse_count(value, &count)) return bad("a whole number >= 1");
      o->tree.min_samples_leaf = count;
    } else if (key == "max_leaf_nodes") {
      if (value == "none") {
        o->tree.max_leaf_nodes = 0;
      } else if (!parse_count(value, &count) || count < 2) {
        return bad("a whole number >= 2, or none");
      } else {
        o->tree.max_leaf_nodes = count;
      }
    } else if (key == "min_impurity_decrease") {
      if (!parse_double(value, &number) || number < 0.0) return bad("a number >= 0");
      o->tree.min_impurity_decrease = number;
    } else if (key == "max_features") {
      o->max_features = 0;
      o->max_features_fraction = 0.0;
      o->max_features_sqrt = value == "sqrt";
      o->max_features_log2 = value == "log2";
      if (value == "sqrt" || value == "log2" || value == "all") {
        if (value == "all") o->max_features_fraction = 1.0;
      } else if (value.find('.') != std::string::npos) {
        if (!parse_double(value, &number) || !(number > 0.0) || number > 1.0) {
          return bad("sqrt, log2, all, a fraction in (0, 1] or a whole number >= 1");
        }
        o->max_features_fraction = number;
      } else if (!parse_count(value, &count)) {
        return bad("sqrt, log2, all, a fraction in (0, 1] or a whole number >= 1");
      } else {
        o->max_features = count;
      }
    } else if (key == "max_bins") {
      if (!parse_count(value, &count) || count < 2 || count > kMaxBins)
        return bad("a whole number in 2..255");
      o->bins.max_bins = count;
    } else if (forest && key == "n_estimators") {
      if (!parse_count(value, &count)) return bad("a whole number >= 1");
      o->n_estimators = count;
    } else if (forest && key == "bootstrap") {
      if (value != "true" && value != "false") return bad("true or false");
      o->bootstrap = value == "true";
    } else {
      *error = "unknown parameter '" + key + "' for --model " + args.get("model");
      const auto close = host::close_matches(key, keys);
      if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
      *error += " (parameters: " + host::quoted_list(keys, " and ") + ")";
      return false;
    }
  }
  return true;
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
  const bool params_ok = options.kind == host::TreeKind::gbdt
                             ? apply_gbdt_params(args, &options, &error_text)
                             : apply_tree_params(args, &options, &error_text);
  if (!params_ok) {
    std::fprintf(stderr, "ember train: %s\n", error_text.c_str());
    return kExitUsage;
  }
  csv.target = args.get("target");
  host::Table table;
  host::Error error;
  if (!host::read_csv(path, csv, &table, &error)) return fail("train", error.to_string());
  host::TrainedTrees trained;
  if (!host::train_tree_model(table, options, &trained, &error)) {
    if (error.file.empty()) error.file = path;
    return fail("train", error.to_string());
  }
  const std::string output = args.get("output");
  const std::string_view bytes(reinterpret_cast<const char*>(trained.storage.data()), trained.size);
  if (!host::write_file_atomic(output, bytes, &error)) return fail("train", error.to_string());
  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("model").value(trained.model_name);
    j.key("rows").value(static_cast<std::uint64_t>(table.rows));
    j.key("features").value(static_cast<std::uint64_t>(trained.feature_names.size()));
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("trees").value(static_cast<std::uint64_t>(trained.trees));
    j.key("internal_nodes").value(static_cast<std::uint64_t>(trained.nodes));
    j.key("leaves").value(static_cast<std::uint64_t>(trained.leaves));
    j.key("model_bytes").value(static_cast<std::uint64_t>(trained.size));
    j.key("output").value(output).key("seed").value(seed);
    j.key("feature_importance").begin_array();
    for (std::size_t f = 0; f < trained.feature_names.size(); ++f) {
      j.begin_object().key("feature").value(trained.feature_names[f]);
      j.key("gain").value(trained.importance_gain[f]);
      j.key("splits").value(static_cast<std::uint64_t>(trained.importance_splits[f])).end_object();
    }
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf(
        "trained %s on %zu rows, %zu features: %zu trees, %zu internal nodes, %zu leaves, fit %.3f s\n",
        trained.model_name.c_str(), table.rows, trained.feature_names.size(), trained.trees, trained.nodes,
        trained.leaves, trained.fit_seconds);
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
  if (args.has("seed")) {
    const std::string s = args.get("seed");
    const auto r = std::from_chars(s.data(), s.data() + s.size(), seed);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
      return usage("--seed must be a whole number, got '" + s + "'");
  }
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
  if (!apply_params(args, &options, &error_text)) return usage(error_text);
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
    j.key("rows").value(static_cast<std::uint64_t>(table.rows));
    j.key("features").value(static_cast<std::uint64_t>(n_features));
    j.key("model_features").value(static_cast<std::uint64_t>(trained.model_features));
    j.key("fit_seconds").value(trained.fit_seconds);
    j.key("iterations").value(static_cast<std::uint64_t>(trained.report.iterations));
    j.key("converged").value(trained.report.converged);
    j.key("objective").value(trained.report.objective);
    j.key("model_bytes").value(static_cast<std::uint64_t>(trained.size));
    j.key("output").value(output).key("seed").value(seed).end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    std::printf("trained %s (%s) on %zu rows, %zu features -> %zu model inputs\n", trained.model_name.c_str(),
                trained.solver.c_str(), table.rows, n_features, trained.model_features);
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
  command.spec.usage = "DATA.csv --target COL --model linear|logistic|tree|forest -o MODEL.ember [options]";
  command.spec.details =
      "The model file holds the whole pipeline, so raw rows go in on the device:\n"
      "impute (median / most frequent), one-hot encode categories (unknown ones become\n"
      "zeros), standardise numeric columns, then the model. Objectives and parameter\n"
      "names are scikit-learn's.\n"
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
      "                  max_bins=255 (DecisionTreeClassifier/Regressor)\n"
      "--model forest    the tree parameters, and n_estimators=100, bootstrap=true,\n"
      "                  max_features=sqrt (classification) or all (regression)\n"
      "                  (RandomForestClassifier/Regressor)\n"
      "--model extra_trees  as forest, with random split points and bootstrap=false\n"
      "                  (ExtraTreesClassifier/Regressor)\n"
      "--model gbdt      histogram gradient boosting: n_estimators=100, learning_rate=0.1,\n"
      "                  max_depth=6, max_leaf_nodes=none (set it for leaf-wise growth),\n"
      "                  l2_regularization=1, l1_regularization=0, min_split_gain=0,\n"
      "                  min_child_weight=1, min_samples_leaf=20, max_bins=255; squared error,\n"
      "                  binary log loss or softmax from the target\n"
      "Trees read the raw columns: no scaling, no one-hot; missing values learn a\n"
      "direction at each split, categories split natively (at most max_bins of them).\n"
      "\n"
      "The same data, parameters and --seed give the same model bytes on every platform.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"target", "COL", "the column to predict"},
      {"model", "NAME", "linear, logistic, tree, forest, extra_trees or gbdt"},
      {"param", "KEY=VALUE", "a model parameter (see above)", /*repeatable=*/true},
      {"seed", "N",
       "random seed for randomised trainers (the linear solvers are deterministic and ignore it)"},
      {"output", "MODEL.ember", "where to write the model (atomically)", false, 'o'},
      {"json", "", "print a JSON summary: fit seconds, iterations, converged, model bytes"},
  };
  add_csv_options(&command.spec);
  command.run = run_train;
  return command;
}

}  // namespace ember::cli
