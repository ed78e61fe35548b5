#include "host/tree_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "ember/base/arena.h"
#include "ember/folds.h"
#include "ember/forest.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/writer/model_writer.h"
#include "host/heap_upstream.h"
#include "host/model_build.h"
#include "host/pipeline.h"
#include "host/text.h"
#include "host/thread_pool.h"
#include "host/training_checks.h"

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

Error fit_error(Status s) {
  return Error{"", 0, 0, std::string("fitting failed: ") + status_name(s) + ": " + status_description(s)};
}

// What the trainers share once the table is read: raw feature rows (codes
// for categories, NaN for missing), the target, weights and the bins.
struct Prepared {
  std::size_t n = 0, d = 0;
  bool classification = false;
  std::uint32_t n_classes = 0;
  std::vector<float> raw, y, weight;        // weight empty: all 1; raw: n x d, the model's input
  std::vector<std::uint32_t> n_categories;  // of the model's input
  StandardMetadata meta;
  std::vector<std::size_t> columns;  // table column of each raw feature
  // The raw schema and the steps before the model (none by default).
  std::vector<std::uint32_t> raw_categories;
  FittedPipeline pipeline;
};

// Rows `rows` of the prepared data (all of them when empty).
struct Subset {
  std::vector<float> raw, y, weight;
  std::size_t n = 0;
};

Subset take_rows(const Prepared& p, const std::vector<std::size_t>& rows) {
  Subset s;
  s.n = rows.size();
  s.raw.resize(s.n * p.d);
  s.y.resize(s.n);
  if (!p.weight.empty()) s.weight.resize(s.n);
  for (std::size_t r = 0; r < s.n; ++r) {
    const std::size_t i = rows[r];
    std::copy(p.raw.begin() + static_cast<std::ptrdiff_t>(i * p.d),
              p.raw.begin() + static_cast<std::ptrdiff_t>((i + 1) * p.d),
              s.raw.begin() + static_cast<std::ptrdiff_t>(r * p.d));
    s.y[r] = p.y[i];
    if (!p.weight.empty()) s.weight[r] = p.weight[i];
  }
  return s;
}

// The validation table's rows in the training table's terms: the same
// features by name, categories and classes by label (an unknown category is
// missing; an unknown class is an error).
bool map_validation(const Table& valid, const Table& train, const Prepared& p, Subset* out, Error* error) {
  out->n = valid.rows;
  const std::size_t d = p.raw_categories.size();
  out->raw.assign(valid.rows * d, NAN);
  out->y.assign(valid.rows, 0.0f);
  for (std::size_t k = 0; k < d; ++k) {
    const Column& tc = train.columns[p.columns[k]];
    const int at = valid.index_of(tc.name);
    if (at < 0) {
      *error = Error{"", 0, 0, "the validation file has no column '" + tc.name + "'"};
      return false;
    }
    const Column& vc = valid.columns[static_cast<std::size_t>(at)];
    if (p.raw_categories[k] > 0) {
      std::map<std::string, std::size_t> code;
      for (std::size_t c = 0; c < tc.labels.size(); ++c) code[tc.labels[c]] = c;
      for (std::size_t i = 0; i < valid.rows; ++i) {
        if (vc.type != ColumnType::categorical || vc.codes[i] < 0) continue;
        const auto it = code.find(vc.labels[static_cast<std::size_t>(vc.codes[i])]);
        if (it != code.end()) out->raw[i * d + k] = static_cast<float>(it->second);
      }
    } else if (vc.type == ColumnType::numeric) {
      for (std::size_t i = 0; i < valid.rows; ++i) out->raw[i * d + k] = vc.values[i];
    } else if (tc.type == ColumnType::numeric) {
      *error =
          Error{"", 0, 0,
                "column '" + tc.name + "' is numeric in the training file but not in the validation file"};
      return false;
    }
  }
  const Column& tt = train.columns[static_cast<std::size_t>(train.target)];
  const int vt = valid.index_of(tt.name);
  if (vt < 0) {
    *error = Error{"", 0, 0, "the validation file has no target column '" + tt.name + "'"};
    return false;
  }
  const Column& vy = valid.columns[static_cast<std::size_t>(vt)];
  // An infinite number in a column the model reads (or the target), first in row order.
  std::vector<const Column*> used;
  for (std::size_t k = 0; k < d; ++k) {
    const Column& vc =
        valid.columns[static_cast<std::size_t>(valid.index_of(train.columns[p.columns[k]].name))];
    if (vc.type == ColumnType::numeric) used.push_back(&vc);
  }
  if (vy.type == ColumnType::numeric) used.push_back(&vy);
  for (std::size_t i = 0; i < valid.rows; ++i) {
    for (const Column* c : used) {
      if (!std::isinf(c->values[i])) continue;
      *error = Error{"", 0, 0,
                     "data row " + std::to_string(i + 1) + ", column '" + c->name +
                         "': " + (c->values[i] > 0 ? "inf" : "-inf") +
                         " is not a value a model can learn from; make the cell empty (missing) or a finite "
                         "number"};
      return false;
    }
  }
  if (p.classification) {
    std::map<std::string, std::size_t> code;
    for (std::size_t c = 0; c < tt.labels.size(); ++c) code[tt.labels[c]] = c;
    for (std::size_t i = 0; i < valid.rows; ++i) {
      const bool present =
          vy.type == ColumnType::categorical ? vy.codes[i] >= 0 : vy.values[i] == vy.values[i];
      if (!present) {
        *error =
            Error{"", 0, 0,
                  "validation row " + std::to_string(i + 1) + ": the target '" + tt.name + "' is missing"};
        return false;
      }
      const std::string label = vy.type == ColumnType::categorical
                                    ? vy.labels[static_cast<std::size_t>(vy.codes[i])]
                                    : std::string();
      const auto it = code.find(label);
      if (vy.type != ColumnType::categorical || it == code.end()) {
        *error = Error{"", 0, 0,
                       "validation row " + std::to_string(i + 1) + ": class '" + label + "' of '" + tt.name +
                           "' does not occur in the training data"};
        return false;
      }
      out->y[i] = static_cast<float>(it->second);
    }
  } else {
    for (std::size_t i = 0; i < valid.rows; ++i) {
      const float v = vy.type == ColumnType::numeric ? vy.values[i] : NAN;
      if (v != v) {
        *error = Error{"", 0, 0,
                       "validation row " + std::to_string(i + 1) + ": the target '" + tt.name +
                           "' is missing or not a number"};
        return false;
      }
      out->y[i] = v;
    }
  }
  return true;
}

// Balanced class weights: n / (classes x count of the class), per row.
std::vector<float> balanced_weights(const std::vector<float>& y, std::uint32_t n_classes) {
  std::vector<double> count(n_classes, 0.0);
  for (float v : y) count[static_cast<std::size_t>(v)] += 1.0;
  std::vector<float> w(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    w[i] = static_cast<float>(static_cast<double>(y.size()) /
                              (static_cast<double>(n_classes) * count[static_cast<std::size_t>(y[i])]));
  }
  return w;
}

// The importances as the metadata stores them: gain shares and split counts.
void set_importance(const std::vector<double>& gain, const std::vector<std::uint32_t>& splits,
                    StandardMetadata* meta) {
  double total = 0.0;
  for (double g : gain) total += g;
  meta->importance_gain.clear();
  meta->importance_splits.clear();
  for (std::size_t j = 0; j < gain.size(); ++j) {
    meta->importance_gain.push_back(static_cast<float>(total > 0.0 ? gain[j] / total : 0.0));
    meta->importance_splits.push_back(static_cast<float>(splits[j]));
  }
}

bool write_trees(Prepared& p, const std::vector<double>& gain, const std::vector<std::uint32_t>& splits,
                 const std::vector<TreeSpec>& specs, std::uint32_t outputs, std::uint32_t leaf_width,
                 f::Aggregation aggregation, f::Link link, const std::vector<float>& base, TrainedTrees* out,
                 Error* error) {
  set_importance(gain, splits, &p.meta);
  const f::Task task =
      !p.classification ? f::Task::regression : (p.n_classes == 2 ? f::Task::binary : f::Task::multiclass);
  return build_model(
      [&](ModelWriter& w) {
        EMBER_TRY(w.schema({task, p.n_classes,
                            Span<const std::uint32_t>(p.raw_categories.data(), p.raw_categories.size())}));
        EMBER_TRY(p.pipeline.write_steps(w));
        EMBER_TRY(w.trees({static_cast<std::uint32_t>(p.d), outputs, leaf_width, aggregation, link,
                           Span<const float>(base.data(), base.size()),
                           Span<const TreeSpec>(specs.data(), specs.size())}));
        return write_metadata(w, p.meta);
      },
      &out->storage, &out->size, error);
}

// gbdt's training rows and validation rows: a held-out share of the
// training table, or another file's rows.
struct Holdout {
  std::vector<std::size_t> train_rows, valid_rows;  // of the training table; valid_rows: held out
  Subset valid;
  bool has_valid = false;
};

bool hold_out(const TreeTrainOptions& options, const Table& table, const Prepared& p, Holdout* h,
              Error* error) {
  std::vector<std::size_t>& train_rows = h->train_rows;
  std::vector<std::size_t>& valid_rows = h->valid_rows;
  h->has_valid =
      options.kind == TreeKind::gbdt && (options.valid != nullptr || options.validation_fraction > 0.0);
  if (options.kind == TreeKind::gbdt && options.valid == nullptr && options.validation_fraction > 0.0) {
    // Stratified by class (one stratum for regression), drawn from the seed.
    std::vector<std::int32_t> y;
    if (p.classification) {
      y.resize(p.n);
      for (std::size_t i = 0; i < p.n; ++i) y[i] = static_cast<std::int32_t>(p.y[i]);
    }
    std::vector<std::uint8_t> held(p.n, 0);
    Arena scratch(nullptr, 0, heap_upstream());
    const Status s = holdout(p.n, Span<const std::int32_t>(y.data(), y.size()),
                             p.classification ? p.n_classes : 0u, options.validation_fraction, options.seed,
                             3, scratch, Span<std::uint8_t>(held.data(), held.size()));
    if (s != Status::ok) {
      *error = Error{"", 0, 0, std::string("validation_fraction: ") + status_description(s)};
      return false;
    }
    for (std::size_t i = 0; i < p.n; ++i) (held[i] ? valid_rows : train_rows).push_back(i);
    if (train_rows.empty() || valid_rows.empty()) {
      *error = Error{"", 0, 0, "validation_fraction leaves no rows to train on or to validate with"};
      return false;
    }
    return true;
  }
  for (std::size_t i = 0; i < p.n; ++i) train_rows.push_back(i);
  if (options.kind != TreeKind::gbdt || options.valid == nullptr) return true;
  Subset& valid = h->valid;
  if (!map_validation(*options.valid, table, p, &valid, error)) {
    error->file = options.valid_name;
    return false;
  }
  if (options.balanced_class_weight) {
    // The training data's class weights, applied to the validation rows.
    const std::vector<float> w = balanced_weights(p.y, p.n_classes);
    std::vector<float> per_class(p.n_classes, 1.0f);
    for (std::size_t i = 0; i < p.n; ++i) per_class[static_cast<std::size_t>(p.y[i])] = w[i];
    valid.weight.resize(valid.n);
    for (std::size_t i = 0; i < valid.n; ++i)
      valid.weight[i] = per_class[static_cast<std::size_t>(valid.y[i])];
  }
  return true;
}

bool train_gbdt(const TreeTrainOptions& options, Prepared& p, const Holdout& h, ThreadPool* pool,
                std::vector<double>* gain, std::vector<std::uint32_t>* splits, TrainedTrees* out,
                Error* error) {
  const std::vector<std::size_t>& train_rows = h.train_rows;
  const Subset& valid = h.valid;
  const bool has_valid = h.has_valid;
  GbdtOptions go = options.gbdt;
  go.objective = !p.classification  ? options.gbdt_loss
                 : p.n_classes == 2 ? GbdtObjective::binary_logloss
                                    : GbdtObjective::softmax;
  go.seed = options.seed;
  go.executor = pool != nullptr ? &pool->executor() : nullptr;
  if (has_valid && !options.early_stopping_given)
    go.early_stopping_rounds = 10;  // scikit-learn's n_iter_no_change
  // Each round's end time (a tracked run records every validation loss at
  // its own time), and the progress line.
  struct Rounds {
    const TreeTrainOptions* options;
    std::vector<std::int64_t>* end_ms;
  } rounds{&options, &out->round_end_ms};
  out->round_end_ms.clear();
  go.on_round = [](void* context, std::uint32_t done, std::uint32_t total) {
    auto* r = static_cast<Rounds*>(context);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    r->end_ms->resize(done, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    if (r->options->on_progress) r->options->on_progress(done, total, "rounds");
  };
  go.on_round_context = &rounds;
  const Subset train = take_rows(p, train_rows);

  const auto start = std::chrono::steady_clock::now();
  Arena data_arena(nullptr, 0, heap_upstream());
  Arena scratch(nullptr, 0, heap_upstream());
  Arena result(nullptr, 0, heap_upstream());
  BinnedData binned, valid_binned;
  BinOptions bins = options.bins;
  bins.seed = options.seed;
  bins.executor = go.executor;
  Status s = bin_data(MatrixView<const float>{train.raw.data(), train.n, p.d, p.d},
                      Span<const std::uint32_t>(p.n_categories.data(), p.n_categories.size()), bins,
                      data_arena, &binned);
  if (s == Status::ok && has_valid) {
    s = bin_like(binned, MatrixView<const float>{valid.raw.data(), valid.n, p.d, p.d}, data_arena,
                 &valid_binned);
  }
  if (s != Status::ok) {
    *error =
        Error{"", 0, 0, std::string("cannot bin the data: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  GbdtValidation gv;
  gv.data = &valid_binned;
  gv.target = Span<const float>(valid.y.data(), valid.y.size());
  gv.sample_weight = Span<const float>(valid.weight.data(), valid.weight.size());
  Importance importance{Span<double>(gain->data(), p.d), Span<std::uint32_t>(splits->data(), p.d)};
  GbdtModel gm;
  s = fit_gbdt(binned, Span<const float>(train.y.data(), train.n), p.n_classes,
               Span<const float>(train.weight.data(), train.weight.size()), go, scratch, result, &gm,
               &importance, has_valid ? &gv : nullptr);
  out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s != Status::ok) {
    *error = fit_error(s);
    return false;
  }
  out->validation_loss.assign(gm.validation_loss.begin(), gm.validation_loss.end());
  out->rounds = gm.rounds;
  out->validation_rows = has_valid ? valid.n : 0;
  std::vector<TreeSpec> specs;
  out->trees = gm.trees.size();
  out->nodes = out->leaves = 0;
  for (std::size_t t = 0; t < gm.trees.size(); ++t) {
    specs.push_back(gm.trees[t].spec(gm.output[t]));
    out->nodes += gm.trees[t].nodes.size();
    out->leaves += gm.trees[t].leaf_values.size();
  }
  const f::Link link =
      !p.classification ? f::Link::identity : (p.n_classes == 2 ? f::Link::logistic : f::Link::softmax);
  const std::vector<float> base(gm.base_score.begin(), gm.base_score.end());
  return write_trees(p, *gain, *splits, specs, gm.outputs, 1, f::Aggregation::sum, link, base, out, error);
}

// The forest's trees reported to options.on_progress as they finish. The
// core calls on_tree from the task that fitted the tree, and the progress
// bar is not thread-safe, so the count and the call are under a lock; what
// the callback throws (bad_alloc) is kept for the calling thread, since it
// must not cross the core.
struct TreeProgress {
  const TreeTrainOptions* options = nullptr;
  std::size_t total = 0;
  std::mutex mutex;
  std::size_t done = 0;  // guarded by mutex
  TaskFailure failure;

  static void on_tree(void* context, std::uint32_t) {
    auto* p = static_cast<TreeProgress*>(context);
    p->failure.run([p] {
      std::lock_guard<std::mutex> lock(p->mutex);
      p->options->on_progress(++p->done, p->total, "trees");
    });
  }
};

// A tree, a random forest or extra trees: the options in the core's terms,
// the data binned, then fit_forest (one tree without bootstrap for `tree`).
bool train_forest(const TreeTrainOptions& options, Prepared& p, ThreadPool* pool, std::vector<double>* gain,
                  std::vector<std::uint32_t>* splits, TrainedTrees* out, Error* error) {
  const std::size_t n = p.n, d = p.d;
  const bool ensemble = options.kind != TreeKind::tree;
  ForestOptions forest;
  forest.tree = options.tree;
  if (!options.criterion_given)
    forest.tree.criterion = p.classification ? Criterion::gini : Criterion::squared_error;
  forest.tree.random_splits = options.kind == TreeKind::extra_trees;
  forest.tree.max_features = forest_max_features(options, d, p.classification);
  forest.n_estimators = ensemble ? options.n_estimators : 1;
  forest.bootstrap = ensemble && options.bootstrap;
  forest.oob_score = options.oob_score;
  forest.seed = options.seed;
  if (options.oob_score && !forest.bootstrap) {
    *error = Error{"", 0, 0, "oob_score needs bootstrap=true: without it no row is left out of a tree"};
    return false;
  }

  const auto start = std::chrono::steady_clock::now();
  Arena data_arena(nullptr, 0, heap_upstream());
  BinnedData binned;
  BinOptions bins = options.bins;
  bins.seed = options.seed;
  bins.executor = pool != nullptr ? &pool->executor() : nullptr;
  Status s = bin_data(MatrixView<const float>{p.raw.data(), n, d, d},
                      Span<const std::uint32_t>(p.n_categories.data(), p.n_categories.size()), bins,
                      data_arena, &binned);
  if (s != Status::ok) {
    *error =
        Error{"", 0, 0, std::string("cannot bin the data: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  // With threads, a lane (scratch and result arenas) per tree: each tree is
  // a task of its own, which the pool gives to whichever thread is free.
  // (A scratch arena gives its blocks back after every tree, so a lane per
  // tree costs no more than one per thread.) Without, one lane fits them all.
  forest.executor = bins.executor;
  const std::size_t n_lanes = pool != nullptr && pool->threads() > 1 ? forest.n_estimators : 1;
  std::deque<Arena> arenas;
  for (std::size_t i = 0; i < 2 * n_lanes; ++i) arenas.emplace_back(nullptr, 0, heap_upstream());
  std::vector<ForestLane> lanes;
  for (std::size_t l = 1; l < n_lanes; ++l) lanes.push_back(ForestLane{&arenas[2 * l], &arenas[2 * l + 1]});
  forest.lanes = Span<const ForestLane>(lanes.data(), lanes.size());
  TreeProgress progress;
  progress.options = &options;
  progress.total = forest.n_estimators;
  if (ensemble && options.on_progress) {
    forest.on_tree = &TreeProgress::on_tree;
    forest.on_tree_context = &progress;
  }
  Importance importance{Span<double>(gain->data(), d), Span<std::uint32_t>(splits->data(), d)};
  ForestModel model;
  s = fit_forest(binned, Span<const float>(p.y.data(), n), p.n_classes,
                 Span<const float>(p.weight.data(), p.weight.size()), forest, arenas[0], arenas[1], &model,
                 &importance);
  progress.failure.rethrow();
  if (s != Status::ok) {
    *error = fit_error(s);
    return false;
  }
  out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.oob_score) {
    out->oob_rows = model.oob_rows;
    if (model.oob_rows > 0) out->oob_score = model.oob_score;
  }

  std::vector<TreeSpec> specs;
  out->trees = model.trees.size();
  out->nodes = out->leaves = 0;
  for (const FittedTree& ft : model.trees) {
    specs.push_back(ft.spec());
    out->nodes += ft.nodes.size();
    out->leaves += ft.leaf_values.size() / ft.leaf_width;
  }
  const std::uint32_t outputs = p.classification ? p.n_classes : 1u;
  const std::vector<float> base(outputs, 0.0f);
  return write_trees(p, *gain, *splits, specs, outputs, outputs, f::Aggregation::mean, f::Link::identity,
                     base, out, error);
}

// The model being trained as a selection model: fitted on the selection's
// columns, its gain shares are the importances; with test rows, its
// accuracy or R^2 on them.
bool tree_importance(const TreeTrainOptions& options, bool classification, std::uint32_t n_classes,
                     const SelectionData& train, const SelectionData* test, std::vector<double>* importance,
                     double* score, Error* error) {
  Prepared q;
  q.classification = classification;
  q.n_classes = n_classes;
  q.n = train.rows;
  q.d = train.cols;
  q.raw.assign(train.x, train.x + train.rows * train.cols);
  q.y.assign(train.y, train.y + train.rows);
  if (options.balanced_class_weight) q.weight = balanced_weights(q.y, q.n_classes);
  q.n_categories = train.categories;
  q.raw_categories = train.categories;
  q.meta.feature_names.resize(q.d);
  q.meta.categories.resize(q.d);
  q.meta.classes.resize(n_classes);
  Holdout none;
  for (std::size_t i = 0; i < q.n; ++i) none.train_rows.push_back(i);
  std::vector<double> gain(q.d, 0.0);
  std::vector<std::uint32_t> splits(q.d, 0);
  TrainedTrees fitted;
  std::unique_ptr<ThreadPool> pool;
  if (options.n_jobs != 1) pool = std::make_unique<ThreadPool>(options.n_jobs);
  TreeTrainOptions inner = options;
  inner.oob_score = false;
  const bool ok = options.kind == TreeKind::gbdt
                      ? train_gbdt(inner, q, none, pool.get(), &gain, &splits, &fitted, error)
                      : train_forest(inner, q, pool.get(), &gain, &splits, &fitted, error);
  if (!ok) return false;
  importance->assign(q.meta.importance_gain.begin(), q.meta.importance_gain.end());
  if (test == nullptr) return true;
  Model m;
  Status s = load_model(fitted.storage.data(), fitted.size, &m);
  std::vector<unsigned char> scratch(s == Status::ok ? scratch_bytes(m) : 0);
  double hits = 0.0, sse = 0.0, sst = 0.0, mean = 0.0;
  for (std::size_t i = 0; i < test->rows; ++i) mean += static_cast<double>(test->y[i]);
  mean /= static_cast<double>(test->rows);
  for (std::size_t i = 0; i < test->rows && s == Status::ok; ++i) {
    float out = 0.0f;
    s = predict(m, Span<const float>(test->x + i * test->cols, test->cols),
                Span<unsigned char>(scratch.data(), scratch.size()),
                classification ? Output::label : Output::raw, Span<float>(&out, 1));
    const double y = test->y[i];
    hits += out == test->y[i] ? 1.0 : 0.0;
    sse += (y - out) * (y - out);
    sst += (y - mean) * (y - mean);
  }
  if (s != Status::ok) {
    *error =
        Error{"", 0, 0, std::string("internal: the selection model does not predict: ") + status_name(s)};
    return false;
  }
  *score = classification ? hits / static_cast<double>(test->rows) : (sst > 0.0 ? 1.0 - sse / sst : 0.0);
  return true;
}

}  // namespace

ModelSizeEstimate estimate_tree_model_size(const TreeTrainOptions& options, std::size_t rows,
                                           std::uint32_t n_classes) {
  const bool gbdt = options.kind == TreeKind::gbdt;
  const double n = static_cast<double>(rows);
  // Leaves a tree can have: one per distinct row it sees, at most.
  double leaves = n;
  if (!gbdt && options.kind != TreeKind::tree && options.bootstrap && rows > 0)
    leaves = std::ceil(n * (1.0 - std::pow(1.0 - 1.0 / n, n)));  // expected distinct rows of a bootstrap
  const std::uint32_t min_leaf = gbdt ? options.gbdt.min_data_in_leaf : options.tree.min_samples_leaf;
  const std::uint32_t depth = gbdt ? options.gbdt.max_depth : options.tree.max_depth;
  const std::uint32_t max_leaves = gbdt ? options.gbdt.max_leaves : options.tree.max_leaf_nodes;
  if (min_leaf > 1) leaves = std::min(leaves, std::floor(n / min_leaf));
  if (depth > 0 && depth < 64) leaves = std::min(leaves, std::ldexp(1.0, static_cast<int>(depth)));
  if (max_leaves > 0) leaves = std::min(leaves, static_cast<double>(max_leaves));
  leaves = std::max(leaves, 1.0);
  double trees = 1.0;
  if (gbdt) {
    trees = static_cast<double>(options.gbdt.n_estimators) * (n_classes > 2 ? n_classes : 1);
  } else if (options.kind != TreeKind::tree) {
    trees = options.n_estimators;
  }
  const double width = !gbdt && n_classes > 0 ? n_classes : 1.0;
  ModelSizeEstimate e;
  e.bytes = trees * (12.0 + leaves * width * 4.0 + (leaves - 1.0) * 8.0) + 1024.0;
  auto whole = [](double v) { return format_number("%.0f", v); };
  e.how = whole(trees) + (trees == 1.0 ? " tree" : " trees") + " x up to " + whole(leaves) + " leaves x " +
          (width > 1.0 ? whole(width) + " classes x " : "") + "4 bytes, and the nodes";
  return e;
}

bool train_tree_model(const Table& table, const TreeTrainOptions& options, TrainedTrees* out, Error* error) {
  if (table.target < 0) {
    *error = Error{"", 0, 0, "no target column: choose one with --target"};
    return false;
  }
  const Column& target = table.columns[static_cast<std::size_t>(table.target)];
  Prepared p;
  p.classification = target.type == ColumnType::categorical;
  p.n = table.rows;
  std::string message;
  if (!check_training_target(target, p.n, p.classification, &message) ||
      !check_has_features(table, &message) || !check_finite_cells(table, &message)) {
    *error = Error{"", 0, 0, message};
    return false;
  }
  const std::uint32_t n_estimators =
      options.kind == TreeKind::gbdt ? options.gbdt.n_estimators : options.n_estimators;
  if (options.kind != TreeKind::tree && n_estimators > kMaxEstimators) {
    *error = Error{
        "", 0, 0,
        "n_estimators is " + std::to_string(n_estimators) + ", more than " + std::to_string(kMaxEstimators)};
    return false;
  }
  {
    // Before anything is allocated for the trees: a model that cannot be written is not fitted.
    const ModelSizeEstimate size = estimate_tree_model_size(
        options, p.n, p.classification ? static_cast<std::uint32_t>(target.labels.size()) : 0u);
    if (size.bytes > static_cast<double>(kMaxModelBytes)) {
      *error = Error{"", 0, 0,
                     "the model would take up to " + format_bytes(size.bytes) + " (" + size.how +
                         "), more than a model file can hold (4 GiB); lower n_estimators, set max_depth or "
                         "max_leaf_nodes, or raise min_samples_leaf"};
      return false;
    }
  }
  if (options.kind != TreeKind::gbdt && options.criterion_given &&
      p.classification == (options.tree.criterion == Criterion::squared_error)) {
    *error = Error{"", 0, 0,
                   p.classification ? "criterion squared_error is for a numeric target; '" + target.name +
                                          "' holds class labels (use gini or entropy)"
                                    : "criterion gini/entropy needs class labels; '" + target.name +
                                          "' is numeric (use squared_error)"};
    return false;
  }
  if (options.kind == TreeKind::gbdt && p.classification &&
      options.gbdt_loss != GbdtObjective::squared_error) {
    *error = Error{"", 0, 0,
                   "loss absolute_error and huber are for a numeric target; '" + target.name +
                       "' holds class labels (its loss is the log loss)"};
    return false;
  }
  if (options.balanced_class_weight && !p.classification) {
    *error = Error{"", 0, 0, "class_weight=balanced needs class labels; '" + target.name + "' is numeric"};
    return false;
  }

  // Raw rows: numbers, category codes, NaN; rows with too many missing
  // features left out.
  RawFeatures raw = raw_features(table);
  const std::vector<std::size_t> sparse = sparse_rows(raw, options.pipeline.drop_row_missing);
  out->dropped_rows = sparse.size();
  std::vector<std::size_t> kept;
  for (std::size_t i = 0, s = 0; i < raw.n; ++i) {
    if (s < sparse.size() && sparse[s] == i) {
      ++s;
    } else {
      kept.push_back(i);
    }
  }
  if (kept.empty()) {
    *error = Error{"", 0, 0, "--drop-missing rows=... drops every training row"};
    return false;
  }
  p.n = kept.size();
  p.d = raw.d;
  p.columns = raw.columns;
  p.raw_categories = raw.n_categories;
  p.n_categories = raw.n_categories;
  p.meta.feature_names = raw.names;
  p.meta.categories = raw.labels;
  p.raw.resize(p.n * p.d);
  p.y.resize(p.n);
  for (std::size_t r = 0; r < p.n; ++r) {
    const std::size_t i = kept[r];
    std::copy(raw.x.begin() + static_cast<std::ptrdiff_t>(i * p.d),
              raw.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * p.d),
              p.raw.begin() + static_cast<std::ptrdiff_t>(r * p.d));
    p.y[r] = p.classification ? static_cast<float>(target.codes[i]) : target.values[i];
  }
  p.n_classes = p.classification ? static_cast<std::uint32_t>(target.labels.size()) : 0u;
  if (options.balanced_class_weight) p.weight = balanced_weights(p.y, p.n_classes);
  p.meta.target = target.name;
  p.meta.classes = p.classification ? target.labels : std::vector<std::string>{};
  p.meta.model_name = options.kind == TreeKind::forest        ? "forest"
                      : options.kind == TreeKind::extra_trees ? "extra_trees"
                      : options.kind == TreeKind::gbdt        ? "gbdt"
                                                              : "tree";
  Holdout holdout;
  if (!hold_out(options, table, p, &holdout, error)) return false;
  std::vector<std::string> model_names = raw.names;
  if (options.pipeline.requested()) {
    // Fitted on the training rows only: held-out rows and the validation
    // file go through the fitted steps as the device would run them.
    raw = RawFeatures{};
    std::vector<float> y_fit, x_fit, x_held;
    for (std::size_t i : holdout.train_rows) y_fit.push_back(p.y[i]);
    RawFeatures view;  // the kept rows, in the pipeline's terms
    view.n = p.n;
    view.d = p.d;
    view.x.swap(p.raw);
    view.n_categories = p.raw_categories;
    view.names = p.meta.feature_names;
    view.labels = p.meta.categories;
    PipelineOptions po = options.pipeline;
    po.seed = options.seed;
    const SelectionModel model = [&](const SelectionData& train, const SelectionData* test,
                                     std::vector<double>* importance, double* score, Error* e) {
      return tree_importance(options, p.classification, p.n_classes, train, test, importance, score, e);
    };
    if (!fit_pipeline(view, holdout.train_rows, y_fit, p.n_classes, po, model, &p.pipeline, &x_fit, error))
      return false;
    const std::size_t w = p.pipeline.width();
    std::vector<float> held_raw;
    for (std::size_t i : holdout.valid_rows) {
      held_raw.insert(held_raw.end(), view.x.begin() + static_cast<std::ptrdiff_t>(i * p.d),
                      view.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * p.d));
    }
    if (!apply_pipeline(p.pipeline, held_raw.data(), holdout.valid_rows.size(), &x_held, error)) return false;
    p.raw.assign(p.n * w, 0.0f);
    for (std::size_t r = 0; r < holdout.train_rows.size(); ++r) {
      std::copy(x_fit.begin() + static_cast<std::ptrdiff_t>(r * w),
                x_fit.begin() + static_cast<std::ptrdiff_t>((r + 1) * w),
                p.raw.begin() + static_cast<std::ptrdiff_t>(holdout.train_rows[r] * w));
    }
    for (std::size_t r = 0; r < holdout.valid_rows.size(); ++r) {
      std::copy(x_held.begin() + static_cast<std::ptrdiff_t>(r * w),
                x_held.begin() + static_cast<std::ptrdiff_t>((r + 1) * w),
                p.raw.begin() + static_cast<std::ptrdiff_t>(holdout.valid_rows[r] * w));
    }
    if (holdout.valid.n > 0) {
      std::vector<float> x_valid;
      if (!apply_pipeline(p.pipeline, holdout.valid.raw.data(), holdout.valid.n, &x_valid, error)) {
        error->message = "validation " + error->message;
        error->file = options.valid_name;
        return false;
      }
      holdout.valid.raw.swap(x_valid);
    }
    p.d = w;
    p.n_categories = p.pipeline.out_categories;
    model_names = p.pipeline.out_names;
    p.meta.model_features = model_names;
    p.meta.steps = p.pipeline.descriptions();
  }
  if (!holdout.valid_rows.empty()) holdout.valid = take_rows(p, holdout.valid_rows);
  for (std::size_t k = 0; k < p.d; ++k) {
    if (p.n_categories[k] > options.bins.max_bins) {
      *error = Error{"", 0, 0,
                     "column '" + model_names[k] + "' has " + std::to_string(p.n_categories[k]) +
                         " categories, more than max_bins (" + std::to_string(options.bins.max_bins) +
                         "); raise --param max_bins (at most 255), or group rare categories with --encode "
                         "onehot:max_categories=N, or use --encode target"};
      return false;
    }
  }

  std::unique_ptr<ThreadPool> pool;
  if (options.n_jobs != 1) pool = std::make_unique<ThreadPool>(options.n_jobs);
  out->threads = pool ? pool->threads() : 1u;
  std::vector<double> gain(p.d, 0.0);
  std::vector<std::uint32_t> splits(p.d, 0);
  const bool ok = options.kind == TreeKind::gbdt
                      ? train_gbdt(options, p, holdout, pool.get(), &gain, &splits, out, error)
                      : train_forest(options, p, pool.get(), &gain, &splits, out, error);
  if (!ok) return false;
  // As the model file stores them.
  out->importance_gain.assign(p.meta.importance_gain.begin(), p.meta.importance_gain.end());
  out->importance_splits = splits;
  out->feature_names = model_names;
  out->pipeline = p.meta.steps;
  out->model_name = p.meta.model_name;
  return true;
}

}  // namespace ember::host
