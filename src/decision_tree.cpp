#include "ember/decision_tree.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/category_code.h"
#include "ember/runtime/model_format.h"
#include "ember/base/portable_math.h"
#include "ember/rng.h"
#include "tree_grower.h"

namespace ember {

namespace {

constexpr double kLn2 = 0.69314718055994530942;

// CART's statistics: per-class weights (classification) or w, w y, w y^2
// (regression); the gain is scikit-learn's weighted impurity decrease.
class CartPolicy {
 public:
  struct Record {
    float y;  // class code or value
    float w;
  };
  static constexpr std::size_t kFixedWidth = 0;  // n_classes, or 3
  static constexpr bool kPacked = false;

  CartPolicy(std::uint32_t n_classes, Criterion criterion, double root_weight, double min_impurity_decrease)
      : k_(n_classes),
        criterion_(criterion),
        root_weight_(root_weight),
        min_decrease_(min_impurity_decrease) {}

  std::size_t width() const { return k_ > 0 ? k_ : 3; }
  std::size_t leaf_width() const { return k_ > 0 ? k_ : 1; }
  void add(double* s, const Record& r) const {
    const double w = r.w;
    if (k_ > 0) {
      s[static_cast<std::size_t>(r.y)] += w;
    } else {
      const double y = r.y;
      s[0] += w;
      s[1] += w * y;
      s[2] += w * y * y;
    }
  }
  double mass(const double* s) const {
    if (k_ == 0) return s[0];
    double t = 0.0;
    for (std::size_t c = 0; c < k_; ++c) t += s[c];
    return t;
  }
  double impurity(const double* s, double total) const {
    if (total <= 0.0) return 0.0;
    if (k_ == 0) {
      const double mean = s[1] / total;
      const double v = s[2] / total - mean * mean;
      return v > 0.0 ? v : 0.0;
    }
    double out = criterion_ == Criterion::gini ? 1.0 : 0.0;
    for (std::size_t c = 0; c < k_; ++c) {
      const double p = s[c] / total;
      if (criterion_ == Criterion::gini) {
        out -= p * p;
      } else if (p > 0.0) {
        out -= p * portable_log(p) / kLn2;
      }
    }
    return out;
  }
  double node_score(const double* s) const { return impurity(s, mass(s)); }
  bool splittable(const double* s) const { return node_score(s) > 1e-12; }
  bool admissible(const double* left, const double* right) const {
    return mass(left) > 0.0 && mass(right) > 0.0;
  }
  double gain(const double* left, const double* right, const double* parent, double parent_impurity) const {
    const double total = mass(parent), wl = mass(left), wr = mass(right);
    return total / root_weight_ *
           (parent_impurity - wl / total * impurity(left, wl) - wr / total * impurity(right, wr));
  }
  double initial_best() const { return -1.0; }
  bool accept(double decrease) const { return decrease + 1e-12 >= min_decrease_; }
  // Categories are ordered by the mean target (regression), the share of
  // the positive class (binary) or of the node's most frequent class.
  double category_key(const double* bin, const double* node) const {
    const double hw = mass(bin);
    if (hw <= 0.0) return 0.0;
    if (k_ == 0) return bin[1] / hw;
    std::size_t key_class = 1;
    if (k_ > 2) {
      key_class = 0;
      for (std::size_t c = 1; c < k_; ++c) key_class = node[c] > node[key_class] ? c : key_class;
    }
    return bin[key_class] / hw;
  }
  void leaf(const double* s, float* out) const {
    const double total = mass(s);
    if (k_ == 0) {
      out[0] = static_cast<float>(total > 0.0 ? s[1] / total : 0.0);
    } else {
      for (std::size_t c = 0; c < k_; ++c) out[c] = static_cast<float>(total > 0.0 ? s[c] / total : 0.0);
    }
  }

 private:
  std::size_t k_;
  Criterion criterion_;
  double root_weight_;
  double min_decrease_;
};

}  // namespace

const float* fitted_tree_leaf(const FittedTree& tree, const BinnedData& data, std::size_t row) noexcept {
  std::int32_t at = 0;
  while (at >= 0 && static_cast<std::size_t>(at) < tree.nodes.size()) {
    const TreeNodeSpec& node = tree.nodes[static_cast<std::size_t>(at)];
    const std::uint8_t code = data.column(node.feature)[row];
    bool left = node.default_left;
    if (code != kMissingBin) {
      if (!node.categories.empty()) {
        left = std::binary_search(node.categories.begin(), node.categories.end(), std::uint32_t{code});
      } else {
        // Bin b holds [edges[b-1], edges[b]): all of it is below the
        // threshold (an edge) exactly when its lower edge is.
        left = code == 0 || data.features[node.feature].edges[code - 1] < node.threshold;
      }
    }
    at = left ? node.left : node.right;
  }
  const std::size_t leaf = tree.nodes.empty() ? 0 : static_cast<std::size_t>(-at - 1);
  return tree.leaf_values.data() + leaf * tree.leaf_width;
}

Status fit_decision_tree(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                         Span<const float> sample_weight, const TreeOptions& options, Arena& scratch,
                         Arena& result, FittedTree* out, Importance* importance) noexcept {
  if (out == nullptr || &scratch == &result) return Status::invalid_argument;
  if (target.size() != data.n_rows || (!sample_weight.empty() && sample_weight.size() != data.n_rows)) {
    return Status::shape_mismatch;
  }
  if (importance != nullptr &&
      (importance->gain.size() != data.n_features || importance->splits.size() != data.n_features)) {
    return Status::shape_mismatch;
  }
  const bool regression = options.criterion == Criterion::squared_error;
  if (regression != (n_classes == 0) || n_classes == 1 || static_cast<unsigned>(options.criterion) > 2) {
    return Status::bad_value;
  }
  if (options.min_samples_leaf == 0 || options.min_samples_split < 2 ||
      !(options.min_impurity_decrease >= 0.0)) {
    return Status::bad_value;
  }
  for (std::size_t i = 0; i < data.n_rows; ++i) {
    const float y = target[i];
    if (y != y || std::isinf(y)) return Status::bad_value;
    if (!regression && !detail::is_category_code(y, n_classes)) return Status::bad_index;
    if (!sample_weight.empty() && !(sample_weight[i] >= 0.0f && !std::isinf(sample_weight[i])))
      return Status::bad_value;
  }
  const std::size_t n = data.n_rows;
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
  const Arena::Marker start = scratch.mark();
  Status s = Status::ok;
  Span<std::uint32_t> rows;
  Span<CartPolicy::Record> records;
  if (s == Status::ok) s = scratch.allocate_array(n, &rows);
  if (s == Status::ok) s = scratch.allocate_array(n, &records);
  std::size_t n_pos = 0;
  double root_weight = 0.0;
  if (s == Status::ok) {
    for (std::size_t i = 0; i < n; ++i) {
      const float w = sample_weight.empty() ? 1.0f : sample_weight[i];
      if (w > 0.0f) {
        rows[n_pos] = static_cast<std::uint32_t>(i);
        records[n_pos++] = CartPolicy::Record{target[i], w};
        root_weight += w;
      }
    }
    if (n_pos == 0) s = Status::empty_input;
  }
  if (s == Status::ok) {
    const CartPolicy policy(n_classes, options.criterion, root_weight, options.min_impurity_decrease);
    detail::GrowOptions g;
    g.max_depth = options.max_depth;
    g.max_leaves = options.max_leaf_nodes;
    g.min_samples_split = options.min_samples_split;
    g.min_samples_leaf = options.min_samples_leaf;
    g.max_features = options.max_features;
    g.random_splits = options.random_splits;
    g.seed = options.seed;
    g.executor = options.executor;
    detail::Grower<CartPolicy> grower(data, policy, g);
    s = grower.grow(Span<std::uint32_t>(rows.data(), n_pos), Span<CartPolicy::Record>(records.data(), n_pos),
                    scratch, result, out, importance);
  }
  scratch.rewind(start);
  return s;
}

}  // namespace ember
