// Decision trees (CART) on binned data: classification with gini or
// entropy, regression with squared error; sample weights; missing values
// with a learned default direction; native categorical splits.
//
// Splits are searched over the bins of BinnedData (binning.h), which for a
// feature with at most max_bins distinct values is the exact CART search.
// The criterion, the impurity decrease and the stopping rules are
// scikit-learn's DecisionTree*'s:
//   decrease = N_t / N (impurity - N_L / N_t impurity_L - N_R / N_t impurity_R)
// (N weighted), a split needs decrease >= min_impurity_decrease and
// min_samples_leaf (unweighted) rows on each side. Entropy is in bits.
// With max_leaf_nodes the best split in the tree is taken first (best-first
// growth, as scikit-learn); otherwise every node is split until a rule stops it.
//
// Categorical features: categories are ordered by their mean target
// (regression), their share of the positive class (binary), or their share
// of the node's most frequent class (multiclass), and the best prefix of
// that order goes left - exact for regression and binary gini.
//
// Deterministic: ties go to the lowest feature, then the lowest bin; the
// features tried at a split (max_features) are drawn from an Rng seeded
// with `seed`.
#ifndef EMBER_DECISION_TREE_H
#define EMBER_DECISION_TREE_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/binning.h"
#include "ember/executor.h"
#include "ember/writer/model_writer.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class Criterion : std::uint8_t { gini = 0, entropy = 1, squared_error = 2 };

struct TreeOptions {
  Criterion criterion = Criterion::gini;
  std::uint32_t max_depth = 0;          // 0: no limit (trees stay below format::kMaxTreeDepth)
  std::uint32_t min_samples_split = 2;  // rows a node needs to be split
  std::uint32_t min_samples_leaf = 1;   // rows each child needs
  std::uint32_t max_leaf_nodes = 0;     // 0: no limit; else best-first growth
  double min_impurity_decrease = 0.0;
  std::uint32_t max_features = 0;  // features tried per split; 0 = all
  // Extremely randomised trees: each feature tried offers one split, at a
  // boundary drawn uniformly between the bins the node occupies (scikit-
  // learn's ExtraTrees draw a threshold uniformly between the node's minimum
  // and maximum value instead), and the best of those is taken.
  bool random_splits = false;
  std::uint64_t seed = 0;
  const Executor* executor = nullptr;  // optional: features searched in parallel; same tree either way
};

// A fitted tree in the writer's terms; its arrays live in the arena.
struct FittedTree {
  Span<TreeNodeSpec> nodes;  // node 0 is the root; empty when the tree is one leaf
  Span<float> leaf_values;   // leaf_width values per leaf
  std::uint32_t leaf_width = 1;
  std::uint32_t depth = 0;      // internal levels
  double total_decrease = 0.0;  // sum of the weighted impurity decreases of its splits

  TreeSpec spec(std::uint32_t output = 0) const noexcept {
    return TreeSpec{Span<const TreeNodeSpec>(nodes.data(), nodes.size()),
                    Span<const float>(leaf_values.data(), leaf_values.size()), output};
  }
};

// Per-feature importances accumulated over fits: the weighted impurity
// decrease of each split credited to its feature, and the split count.
struct Importance {
  Span<double> gain;
  Span<std::uint32_t> splits;
};

// Fits a tree to `target` on the rows of `data`: class codes 0..n_classes-1
// (as floats) with gini or entropy, or values with squared_error
// (n_classes 0). `sample_weight` (n, optional, >= 0) also carries bootstrap
// counts for forests; rows of weight 0 are left out. Leaves hold class
// probabilities (leaf_width n_classes) or the weighted mean. If
// `importance` has spans of n_features, it is added to.
// Errors: shape_mismatch, bad_value (criterion that does not fit n_classes,
// a NaN target, bad options), bad_index (a class code out of range),
// empty_input (no row of positive weight), out_of_memory, invalid_argument
// (the same arena passed twice).
// Working memory comes from `scratch` and is all given back; the tree is
// allocated in `result` (a different arena: a forest keeps its trees there
// while one scratch arena serves every fit).
Status fit_decision_tree(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                         Span<const float> sample_weight, const TreeOptions& options, Arena& scratch,
                         Arena& result, FittedTree* out, Importance* importance = nullptr) noexcept;

// The leaf values (leaf_width of them) that row `row` of `data` reaches in
// `tree`, a tree grown on data with the same bins (the training data, or
// data binned with bin_like). Exactly the runtime's decision on the raw
// values: a numeric bin goes left when its lower edge is below the
// threshold, a category when it is in the node's set, a missing value
// (NaN or an unknown category) to the default side.
const float* fitted_tree_leaf(const FittedTree& tree, const BinnedData& data, std::size_t row) noexcept;

}  // namespace ember

#endif  // EMBER_DECISION_TREE_H
