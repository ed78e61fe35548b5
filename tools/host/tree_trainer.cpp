#include "host/tree_trainer.h"

#include <chrono>
#include <cmath>

#include "ember/arena.h"
#include "ember/model_writer.h"
#include "ember/rng.h"
#include "host/heap_upstream.h"
#include "host/model_build.h"

namespace ember::host {

namespace {

namespace f = format;

std::uint32_t forest_max_features(const TreeTrainOptions& o, std::size_t d, bool classification) {
  double m = 0.0;
  if (o.max_features > 0) {
    m = o.max_features;
  } else if (o.max_features_fraction > 0.0) {
    m = std::floor(o.max_features_fraction * static_cast<double>(d));
  } else if (o.max_features_log2) {
    m = std::floor(std::log2(static_cast<double>(d)));
  } else if (o.max_features_sqrt || (o.kind != TreeKind::tree && classification)) {
    m = std::floor(std::sqrt(static_cast<double>(d)));
  } else {
    return 0;  // every feature
  }
  if (m < 1.0) m = 1.0;
  return m >= static_cast<double>(d) ? 0u : static_cast<std::uint32_t>(m);
}

}  // namespace

bool train_forest(const TreeTrainOptions& options, TreeOptions tree, const BinnedData& binned,
                  const std::vector<float>& y, std::uint32_t n_classes, bool classification, std::size_t d,
                  const std::vector<std::uint32_t>& n_categories, const StandardMetadata& meta,
                  Arena& scratch, Arena& result, Importance& importance,
                  std::chrono::steady_clock::time_point start, TrainedTrees* out, Error* error);

bool train_tree_model(const Table& table, const TreeTrainOptions& options, TrainedTrees* out, Error* error) {
  if (table.target < 0) {
    *error = Error{"", 0, 0, "no target column: choose one with --target"};
    return false;
  }
  const Column& target = table.columns[static_cast<std::size_t>(table.target)];
  const bool classification = target.type == ColumnType::categorical;
  const std::size_t n = table.rows;
  std::string message;
  if (!check_training_target(target, n, classification, &message)) {
    *error = Error{"", 0, 0, message};
    return false;
  }
  TreeOptions tree = options.tree;
  if (!options.criterion_given) tree.criterion = classification ? Criterion::gini : Criterion::squared_error;
  if (classification == (tree.criterion == Criterion::squared_error)) {
    *error = Error{"", 0, 0,
                   classification ? "criterion squared_error is for a numeric target; '" + target.name +
                                        "' holds class labels (use gini or entropy)"
                                  : "criterion gini/entropy needs class labels; '" + target.name +
                                        "' is numeric (use squared_error)"};
    return false;
  }

  // Raw rows: numbers, category codes, NaN. No pipeline.
  StandardMetadata meta;
  std::vector<std::uint32_t> n_categories;
  std::vector<std::size_t> features;
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    if (static_cast<int>(j) != table.target) features.push_back(j);
  }
  const std::size_t d = features.size();
  std::vector<float> raw(n * d);
  for (std::size_t k = 0; k < d; ++k) {
    const Column& c = table.columns[features[k]];
    meta.feature_names.push_back(c.name);
    const bool categorical = c.type == ColumnType::categorical && !c.labels.empty();
    if (categorical && c.labels.size() > options.bins.max_bins) {
      *error = Error{"", 0, 0,
                     "column '" + c.name + "' has " + std::to_string(c.labels.size()) +
                         " categories, more than max_bins (" + std::to_string(options.bins.max_bins) +
                         "); raise --param max_bins (at most 255) or group rare categories"};
      return false;
    }
    n_categories.push_back(categorical ? static_cast<std::uint32_t>(c.labels.size()) : 0u);
    meta.categories.push_back(categorical ? c.labels : std::vector<std::string>{});
    for (std::size_t i = 0; i < n; ++i) {
      if (categorical) {
        raw[i * d + k] = c.codes[i] < 0 ? NAN : static_cast<float>(c.codes[i]);
      } else {
        raw[i * d + k] = c.type == ColumnType::numeric ? c.values[i] : NAN;
      }
    }
  }
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i)
    y[i] = classification ? static_cast<float>(target.codes[i]) : target.values[i];
  const std::uint32_t n_classes = classification ? static_cast<std::uint32_t>(target.labels.size()) : 0u;
  meta.target = target.name;
  meta.classes = classification ? target.labels : std::vector<std::string>{};
  meta.model_name = options.kind == TreeKind::forest        ? "forest"
                    : options.kind == TreeKind::extra_trees ? "extra_trees"
                    : options.kind == TreeKind::gbdt        ? "gbdt"
                                                            : "tree";

  const auto start = std::chrono::steady_clock::now();
  Arena data_arena(nullptr, 0, heap_upstream());
  Arena scratch(nullptr, 0, heap_upstream());
  Arena result(nullptr, 0, heap_upstream());
  BinnedData binned;
  Status s = bin_data(MatrixView<const float>{raw.data(), n, d, d},
                      Span<const std::uint32_t>(n_categories.data(), n_categories.size()), options.bins,
                      data_arena, &binned);
  if (s != Status::ok) {
    *error =
        Error{"", 0, 0, std::string("cannot bin the data: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  std::vector<double> gain(d, 0.0);
  std::vector<std::uint32_t> splits(d, 0);
  Importance importance{Span<double>(gain.data(), d), Span<std::uint32_t>(splits.data(), d)};
  if (options.kind == TreeKind::gbdt) {
    GbdtOptions go = options.gbdt;
    go.objective = !classification  ? GbdtObjective::squared_error
                   : n_classes == 2 ? GbdtObjective::binary_logloss
                                    : GbdtObjective::softmax;
    GbdtModel gm;
    s = fit_gbdt(binned, Span<const float>(y.data(), n), n_classes, {}, go, scratch, result, &gm,
                 &importance);
    out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s != Status::ok) {
      *error =
          Error{"", 0, 0, std::string("fitting failed: ") + status_name(s) + ": " + status_description(s)};
      return false;
    }
    std::vector<TreeSpec> specs;
    out->trees = gm.trees.size();
    out->nodes = out->leaves = 0;
    for (std::size_t t = 0; t < gm.trees.size(); ++t) {
      specs.push_back(gm.trees[t].spec(gm.output[t]));
      out->nodes += gm.trees[t].nodes.size();
      out->leaves += gm.trees[t].leaf_values.size();
    }
    const f::Task task =
        !classification ? f::Task::regression : (n_classes == 2 ? f::Task::binary : f::Task::multiclass);
    const f::Link link =
        !classification ? f::Link::identity : (n_classes == 2 ? f::Link::logistic : f::Link::softmax);
    const bool ok = build_model(
        [&](ModelWriter& w) {
          EMBER_TRY(w.schema(
              {task, n_classes, Span<const std::uint32_t>(n_categories.data(), n_categories.size())}));
          EMBER_TRY(w.trees({static_cast<std::uint32_t>(d), gm.outputs, 1, f::Aggregation::sum, link,
                             Span<const float>(gm.base_score.data(), gm.base_score.size()),
                             Span<const TreeSpec>(specs.data(), specs.size())}));
          return write_metadata(w, meta);
        },
        &out->storage, &out->size, error);
    if (!ok) return false;
  } else if (!train_forest(options, tree, binned, y, n_classes, classification, d, n_categories, meta,
                           scratch, result, importance, start, out, error)) {
    return false;
  }
  double total = 0.0;
  for (double g : gain) total += g;
  out->importance_gain.resize(d);
  for (std::size_t j = 0; j < d; ++j) out->importance_gain[j] = total > 0.0 ? gain[j] / total : 0.0;
  out->importance_splits = splits;
  out->feature_names = meta.feature_names;
  out->model_name = meta.model_name;
  return true;
}

bool train_forest(const TreeTrainOptions& options, TreeOptions tree, const BinnedData& binned,
                  const std::vector<float>& y, std::uint32_t n_classes, bool classification, std::size_t d,
                  const std::vector<std::uint32_t>& n_categories, const StandardMetadata& meta,
                  Arena& scratch, Arena& result, Importance& importance,
                  std::chrono::steady_clock::time_point start, TrainedTrees* out, Error* error) {
  const std::size_t n = y.size();
  Status s = Status::ok;
  const bool ensemble = options.kind != TreeKind::tree;
  const std::size_t n_trees = ensemble ? options.n_estimators : 1;
  tree.random_splits = options.kind == TreeKind::extra_trees;
  std::vector<FittedTree> fitted(n_trees);
  std::vector<float> weights;
  Rng rng(options.seed);
  tree.max_features = forest_max_features(options, d, classification);
  for (std::size_t t = 0; t < n_trees && s == Status::ok; ++t) {
    TreeOptions o = tree;
    o.seed = rng.next_u64();
    if (ensemble && options.bootstrap) {
      // n draws with replacement, as counts.
      weights.assign(n, 0.0f);
      for (std::size_t i = 0; i < n; ++i) weights[static_cast<std::size_t>(rng.below64(n))] += 1.0f;
    }
    s = fit_decision_tree(binned, Span<const float>(y.data(), n), n_classes,
                          Span<const float>(weights.data(), weights.size()), o, scratch, result, &fitted[t],
                          &importance);
  }
  out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s != Status::ok) {
    *error = Error{"", 0, 0, std::string("fitting failed: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }

  std::vector<TreeSpec> specs;
  out->trees = n_trees;
  out->nodes = out->leaves = 0;
  for (const FittedTree& ft : fitted) {
    specs.push_back(ft.spec());
    out->nodes += ft.nodes.size();
    out->leaves += ft.leaf_values.size() / ft.leaf_width;
  }
  const std::uint32_t outputs = classification ? n_classes : 1u;
  const std::vector<float> base(outputs, 0.0f);
  const f::Task task =
      !classification ? f::Task::regression : (n_classes == 2 ? f::Task::binary : f::Task::multiclass);
  const bool ok = build_model(
      [&](ModelWriter& w) {
        EMBER_TRY(
            w.schema({task, n_classes, Span<const std::uint32_t>(n_categories.data(), n_categories.size())}));
        EMBER_TRY(w.trees({static_cast<std::uint32_t>(d), outputs, outputs, f::Aggregation::mean,
                           f::Link::identity, Span<const float>(base.data(), base.size()),
                           Span<const TreeSpec>(specs.data(), specs.size())}));
        return write_metadata(w, meta);
      },
      &out->storage, &out->size, error);
  if (!ok) return false;
  return true;
}

}  // namespace ember::host
