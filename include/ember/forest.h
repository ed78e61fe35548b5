// Random forests and extremely randomised trees on binned data, as
// scikit-learn's RandomForest* and ExtraTrees*: n_estimators CART trees
// (decision_tree.h), each on a bootstrap sample of the rows (optional),
// each split trying max_features features (TreeOptions::max_features), with
// random thresholds for extra trees (TreeOptions::random_splits). The model
// averages the trees' leaves (class probabilities, or values).
//
// Randomness: seeds[t] is the t-th next_u64() of Rng(options.seed), drawn up
// front; tree t grows with TreeOptions::seed = seeds[t] and, with bootstrap,
// its rows are n draws of Rng(seeds[t], 1).below64(n), as counts that
// multiply the sample weights. So tree t does not depend on which task,
// thread or lane fits it, nor on how many trees there are after it.
//
// Out-of-bag score (oob_score, needs bootstrap): each row's leaves summed
// over the trees whose bootstrap did not draw it (in tree order), averaged;
// accuracy (the largest summed probability, the lowest class on ties) or
// R^2 = 1 - SSE / SST over the rows some tree left out (SST about their
// mean; R^2 is 0 when SST is 0). Rows every tree drew are not counted.
//
// Memory and threads: no heap, no thread. `scratch` and `result` are lane
// 0; options.lanes adds lanes, each its own pair of arenas. Lane l fits
// trees l, l + k, l + 2k, ... (k lanes in all) one after another, reusing
// its scratch, and keeps them in its result arena. A device passes one pair
// and no executor: the trees are fitted one after another in one scratch.
// A host with an executor passes a lane per tree (one task per tree, which
// the executor hands to whichever worker is free) or per worker: the lanes
// are the executor's tasks, each writing only its own trees' slots, and
// every sum (importances, out-of-bag votes) is taken afterwards in tree
// order, so the trees, importances and score are bit-identical for any
// number of lanes and workers, or none.
#ifndef EMBER_FOREST_H
#define EMBER_FOREST_H

#include <cstddef>
#include <cstdint>
#include <limits>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/executor.h"

namespace ember {

// A lane's memory: trees are fitted with `scratch` (given back after each
// tree) and kept in `result`. Two distinct arenas, shared with no other lane.
struct ForestLane {
  Arena* scratch = nullptr;
  Arena* result = nullptr;
};

struct ForestOptions {
  // Every tree's options. `seed` and `executor` are ignored: each tree gets
  // its own seed (above), and the executor as below.
  TreeOptions tree;
  std::uint32_t n_estimators = 100;  // trees, >= 1
  bool bootstrap = true;             // rows drawn with replacement per tree; false: every row
  bool oob_score = false;            // needs bootstrap
  std::uint64_t seed = 0;
  // Optional. With more than one lane and an executor of more than one
  // worker, the lanes run as its tasks; otherwise the trees are fitted in
  // one task and each tree's split search gets the executor. The out-of-bag
  // votes are counted through it in blocks of rows. Results do not depend
  // on it.
  const Executor* executor = nullptr;
  // Lanes besides (scratch, result); used only with an executor as above.
  // The arenas must outlive the model.
  Span<const ForestLane> lanes;
  // Optional: called with (context, t) once tree t is fitted, from the task
  // that fitted it, so possibly from several threads at once and in any
  // tree order (the callee counts and synchronises); e.g. for a progress
  // bar. It cannot change the fit. A plain function pointer, so C and
  // firmware can pass one; it must not throw.
  void (*on_tree)(void* context, std::uint32_t tree) = nullptr;
  void* on_tree_context = nullptr;
};

struct ForestModel {
  // n_estimators trees in tree order; the list is in `result`, each tree's
  // arrays in the result arena of the lane that fitted it.
  Span<FittedTree> trees;
  // oob_score: accuracy (classes) or R^2 (values) on oob_rows rows; NaN
  // when not asked for or when every tree drew every row (oob_rows 0).
  double oob_score = std::numeric_limits<double>::quiet_NaN();
  std::size_t oob_rows = 0;
};

// Fits a forest to `target` on the rows of `data`, with fit_decision_tree's
// conventions: class codes 0..n_classes-1 (as floats) with gini or entropy,
// or values with squared_error (n_classes 0); `sample_weight` optional (n,
// >= 0; balanced class weights go here). If `importance` has spans of
// n_features, every tree's gain and split counts are added to it in tree
// order.
// Errors: invalid_argument (out null, an arena null or passed twice),
// shape_mismatch, bad_value (n_estimators 0, oob_score without bootstrap, and
// fit_decision_tree's: a criterion that does not fit n_classes, a NaN
// target, bad tree options), bad_index (a class code out of range),
// empty_input (no rows, or a tree with no row of positive weight),
// out_of_memory. When a tree fails, the error of the lowest-numbered tree
// that failed is returned, *out is left as it was and every lane's result
// arena is rewound to where it stood (the importances may then hold part of
// the trees).
// Memory, besides each tree's own (decision_tree.h): in `result`,
// n_estimators FittedTree (48 bytes each on 64-bit hosts); in `scratch`,
// given back before returning: 8 bytes a tree (seeds), 12 bytes a feature
// for the importances (per tree with several lanes, once with one), a bit
// per row and tree with oob_score, then for the out-of-bag score 8 bytes a
// row per class (one for values) and 4 a row. Each lane's scratch also
// holds 4 bytes a row during a tree with bootstrap.
Status fit_forest(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                  Span<const float> sample_weight, const ForestOptions& options, Arena& scratch,
                  Arena& result, ForestModel* out, Importance* importance = nullptr) noexcept;

}  // namespace ember

#endif  // EMBER_FOREST_H
