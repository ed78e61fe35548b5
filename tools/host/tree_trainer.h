// Trains a decision tree, a random forest, extra trees or gradient-boosted
// trees on a table and writes it as a model file. Trees need no scaling or one-hot encoding: the model reads
// the raw columns, missing values and categories included.
#ifndef EMBER_HOST_TREE_TRAINER_H
#define EMBER_HOST_TREE_TRAINER_H

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/gbdt.h"
#include "host/error.h"
#include "host/pipeline.h"
#include "host/table.h"

namespace ember::host {

enum class TreeKind { tree, forest, extra_trees, gbdt };

// Forests and boosting fit at most this many trees (rounds) each.
constexpr std::uint32_t kMaxEstimators = 100000;
// A model file holds at most this many bytes (the header's u32 file_size).
constexpr std::uint64_t kMaxModelBytes = 0xFFFFFFFFu;
// train, cv and search warn before fitting a model estimated above this.
constexpr std::uint64_t kWarnModelBytes = std::uint64_t{256} << 20;

struct TreeTrainOptions {
  TreeKind kind = TreeKind::tree;
  TreeOptions tree;  // criterion is set from the target unless given
  bool criterion_given = false;
  BinOptions bins;
  std::uint32_t n_estimators = 100;  // forest
  bool bootstrap = true;             // forest: rows drawn with replacement (extra_trees: false)
  // max_features for a forest: 0 = scikit-learn's default ("sqrt" for
  // classification, all features for regression); otherwise as given.
  std::uint32_t max_features = 0;
  double max_features_fraction = 0.0;  // > 0: this fraction of the features
  bool max_features_log2 = false;
  bool max_features_sqrt = false;
  std::uint64_t seed = 0;
  GbdtOptions gbdt;  // gbdt: the objective is chosen from the target (and gbdt_loss)
  GbdtObjective gbdt_loss = GbdtObjective::squared_error;  // for a numeric target
  // gbdt validation: rows of `valid` (same columns as the training table),
  // or else this share of the training rows (stratified by class, drawn
  // from the seed) held out. With a validation set, early stopping is on
  // with gbdt.early_stopping_rounds, or 10 rounds unless that was given.
  const Table* valid = nullptr;
  std::string valid_name;  // the file `valid` came from: errors about its rows name it
  double validation_fraction = 0.0;
  bool early_stopping_given = false;
  bool balanced_class_weight = false;  // weights n / (classes x class count), as scikit-learn
  bool oob_score = false;              // forest with bootstrap: score on the rows each tree left out
  unsigned n_jobs = 1;                 // threads; 0 = one per core. The model bytes do not depend on it
  // Steps before the trees; none by default (trees read raw columns).
  PipelineOptions pipeline;
  // Optional: told (units done, total, unit name) as boosting rounds or
  // forest trees finish, from any thread; for a progress bar.
  std::function<void(std::size_t done, std::size_t total, const char* unit)> on_progress;
};

struct TrainedTrees {
  std::vector<std::uint64_t> storage;  // the model file, 8-byte aligned
  std::size_t size = 0;
  double fit_seconds = 0.0;
  std::size_t trees = 0, leaves = 0, nodes = 0;
  std::vector<std::string> feature_names;  // the model's inputs: raw columns, or the pipeline's outputs
  std::vector<double> importance_gain;     // normalised to sum 1 (0s when no split)
  std::vector<std::uint32_t> importance_splits;
  std::string model_name;  // "tree", "forest", "extra_trees" or "gbdt"
  // Out-of-bag score (accuracy, or R^2 for regression) when asked for;
  // NaN otherwise. Rows no tree left out are not counted.
  double oob_score = NAN;
  std::size_t oob_rows = 0;
  // gbdt with a validation set: the loss after every round trained, the
  // rounds kept and the rows held out.
  std::vector<double> validation_loss;
  std::vector<std::int64_t> round_end_ms;  // when each round ended (Unix ms), for the runs store
  std::uint32_t rounds = 0;
  std::size_t validation_rows = 0;
  unsigned threads = 1;
  std::size_t dropped_rows = 0;       // --drop-missing rows
  std::vector<std::string> pipeline;  // a description per fitted step
};

// An upper bound of the model file's size, from the options, the training
// rows and the classes (0 for a number) alone, before any fit: trees x
// leaves a tree can have (the distinct rows a bootstrap draws, about 63%,
// or every row; fewer with max_depth, max_leaf_nodes or min_samples_leaf)
// x values a leaf holds (the classes for a forest's leaves) x 4 bytes, plus
// 8 bytes a node and 12 a tree.
struct ModelSizeEstimate {
  double bytes = 0.0;
  std::string how;  // "100 trees x up to 1897 leaves x 1000 classes x 4 bytes, and the nodes"
};
ModelSizeEstimate estimate_tree_model_size(const TreeTrainOptions& options, std::size_t rows,
                                           std::uint32_t n_classes);

// Errors name the cause: the target, no feature, an infinite cell (its row
// and column), a validation column that is missing or holds an unknown
// class (error->file is then options.valid_name), parameters that do not
// fit the data, a model estimated above kMaxModelBytes (refused before the
// fit).
bool train_tree_model(const Table& table, const TreeTrainOptions& options, TrainedTrees* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_TREE_TRAINER_H
