#include "ember/decision_tree.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ember/model_format.h"
#include "ember/portable_math.h"
#include "ember/rng.h"

namespace ember {

namespace {

constexpr std::size_t kSlots = kMaxBins + 1;  // value bins, then the missing bin
constexpr double kLn2 = 0.69314718055994530942;

// What a node's rows add up to: per-class weights (classification) or
// w, w y, w y^2 (regression), and the row count.
struct Stats {
  std::size_t width = 0;  // doubles per stats vector
  bool classification = true;
};

struct Split {
  bool found = false;
  std::uint32_t feature = 0;
  std::uint32_t prefix = 0;  // order[0..prefix] goes left
  bool missing_left = false;
  double decrease = -1.0;
  double left_weight = 0.0, right_weight = 0.0;
};

struct Open {
  std::uint32_t begin = 0, end = 0;  // rows[begin, end)
  std::uint32_t depth = 0;
  std::int32_t parent = -1;  // node index, or -1 for the root
  bool is_left = false;
  Split split;
  std::uint8_t order[kSlots];  // the bin order the split refers to
};

class Builder {
 public:
  Builder(const BinnedData& data, Span<const float> target, std::uint32_t n_classes, Span<const float> weight,
          const TreeOptions& o)
      : data_(data), target_(target), k_(n_classes), weight_(weight), o_(o), rng_(o.seed) {
    width_ = k_ > 0 ? k_ : 3;
  }

  Status run(Arena& scratch, Arena& result, FittedTree* out, Importance* importance);

 private:
  double w(std::uint32_t row) const { return weight_.empty() ? 1.0 : static_cast<double>(weight_[row]); }

  void add(double* s, std::uint32_t row) const {
    const double wr = w(row);
    if (k_ > 0) {
      s[static_cast<std::size_t>(target_[row])] += wr;
    } else {
      const double y = target_[row];
      s[0] += wr;
      s[1] += wr * y;
      s[2] += wr * y * y;
    }
  }
  double weight_of(const double* s) const {
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
    double out = o_.criterion == Criterion::gini ? 1.0 : 0.0;
    for (std::size_t c = 0; c < k_; ++c) {
      const double p = s[c] / total;
      if (o_.criterion == Criterion::gini) {
        out -= p * p;
      } else if (p > 0.0) {
        out -= p * portable_log(p) / kLn2;
      }
    }
    return out;
  }

  void totals(std::uint32_t begin, std::uint32_t end, double* s) const {
    for (std::size_t c = 0; c < width_; ++c) s[c] = 0.0;
    for (std::uint32_t r = begin; r < end; ++r) add(s, rows_[r]);
  }
  void find_split(Open* node);
  void choose_features();
  void leaf_value(const Open& node, float* out) const;

  const BinnedData& data_;
  Span<const float> target_;
  std::size_t k_;
  Span<const float> weight_;
  const TreeOptions& o_;
  Rng rng_;
  std::size_t width_ = 3;
  double root_weight_ = 0.0;

  Span<std::uint32_t> rows_;
  Span<double> hist_;           // kSlots x width
  Span<std::uint32_t> counts_;  // kSlots
  Span<double> node_totals_, left_, right_, missing_;
  Span<std::uint32_t> features_;  // candidate order for max_features
  Span<float> keys_;
  Span<double> leaf_stats_;
};

void Builder::choose_features() {
  // A partial Fisher-Yates shuffle: the first max_features entries are the draw.
  const std::size_t d = features_.size();
  const std::size_t m = o_.max_features == 0 || o_.max_features >= d ? d : o_.max_features;
  for (std::size_t i = 0; i < d; ++i) features_[i] = static_cast<std::uint32_t>(i);
  if (m == d) return;
  for (std::size_t i = 0; i < m; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng_.below64(d - i));
    std::swap(features_[i], features_[j]);
  }
  std::sort(features_.data(), features_.data() + m);  // ties then go to the lowest feature
}

void Builder::find_split(Open* node) {
  node->split = Split{};
  const std::uint32_t n_rows = node->end - node->begin;
  double* t = node_totals_.data();
  totals(node->begin, node->end, t);
  const double total = weight_of(t);
  const double parent_impurity = impurity(t, total);
  const std::uint32_t max_depth = o_.max_depth == 0 ? format::kMaxTreeDepth - 1 : o_.max_depth;
  if (n_rows < o_.min_samples_split || n_rows < 2 * o_.min_samples_leaf || node->depth >= max_depth ||
      parent_impurity <= 1e-12) {
    return;
  }
  choose_features();
  const std::size_t d = features_.size();
  const std::size_t m = o_.max_features == 0 || o_.max_features >= d ? d : o_.max_features;
  const std::size_t wd = width_;
  for (std::size_t fi = 0; fi < m; ++fi) {
    const std::uint32_t j = features_[fi];
    const FeatureBins& fb = data_.features[j];
    if (fb.n_bins < 2 && !fb.categorical) continue;
    const std::uint32_t nb = fb.n_bins;
    // Only the feature's bins and the missing slot (at nb) are used.
    std::fill(hist_.data(), hist_.data() + (std::size_t{nb} + 1) * wd, 0.0);
    std::fill(counts_.data(), counts_.data() + nb + 1, 0u);
    const std::uint8_t* codes = data_.column(j);
    for (std::uint32_t r = node->begin; r < node->end; ++r) {
      const std::uint32_t row = rows_[r];
      const std::uint8_t b = codes[row];
      const std::size_t slot = b == kMissingBin ? nb : b;
      add(hist_.data() + slot * wd, row);
      ++counts_[slot];
    }
    // The bin order: numeric bins as they are; categories by a key.
    std::uint8_t order[kSlots];
    std::uint32_t n_order = 0;
    if (!fb.categorical) {
      // Occupied bins only: a split between two of them is the same
      // partition wherever it falls among the empty ones.
      for (std::uint32_t b = 0; b < nb; ++b) {
        if (counts_[b] > 0) order[n_order++] = static_cast<std::uint8_t>(b);
      }
    } else {
      std::size_t major = 0;  // the node's most frequent class
      for (std::size_t c = 1; c < k_; ++c) major = t[c] > t[major] ? c : major;
      const std::size_t key_class = k_ == 2 ? 1 : major;
      for (std::uint32_t b = 0; b < nb; ++b) {
        if (counts_[b] == 0) continue;
        const double* h = hist_.data() + std::size_t{b} * wd;
        const double hw = weight_of(h);
        keys_[b] =
            static_cast<float>(k_ == 0 ? (hw > 0 ? h[1] / hw : 0.0) : (hw > 0 ? h[key_class] / hw : 0.0));
        order[n_order++] = static_cast<std::uint8_t>(b);
      }
      // Insertion sort: stable, and no buffer (std::stable_sort may allocate).
      for (std::uint32_t a = 1; a < n_order; ++a) {
        const std::uint8_t v = order[a];
        std::uint32_t b = a;
        for (; b > 0 && keys_[v] < keys_[order[b - 1]]; --b) order[b] = order[b - 1];
        order[b] = v;
      }
    }
    if (n_order < 2) continue;
    const double* miss = hist_.data() + std::size_t{nb} * wd;
    const std::uint32_t miss_count = counts_[nb];
    std::fill(left_.data(), left_.data() + wd, 0.0);
    std::uint32_t left_count = 0;
    // Extra trees: one boundary per feature, drawn at random.
    const std::uint32_t only = o_.random_splits ? static_cast<std::uint32_t>(rng_.below(n_order - 1)) : 0u;
    for (std::uint32_t p = 0; p + 1 < n_order; ++p) {
      const double* h = hist_.data() + std::size_t{order[p]} * wd;
      for (std::size_t c = 0; c < wd; ++c) left_[c] += h[c];
      left_count += counts_[order[p]];
      if (o_.random_splits && p != only) continue;
      for (int missing_left = 0; missing_left < 2; ++missing_left) {
        if (missing_left == 1 && miss_count == 0) break;
        const std::uint32_t lc = left_count + (missing_left ? miss_count : 0u);
        const std::uint32_t rc = n_rows - lc;
        if (lc < o_.min_samples_leaf || rc < o_.min_samples_leaf) continue;
        for (std::size_t c = 0; c < wd; ++c) {
          const double l = left_[c] + (missing_left ? miss[c] : 0.0);
          missing_[c] = l;
          right_[c] = t[c] - l;
        }
        const double wl = weight_of(missing_.data()), wr = total - wl;
        if (wl <= 0.0 || wr <= 0.0) continue;
        const double decrease = total / root_weight_ *
                                (parent_impurity - wl / total * impurity(missing_.data(), wl) -
                                 wr / total * impurity(right_.data(), wr));
        if (decrease > node->split.decrease + 1e-12 * std::fabs(node->split.decrease)) {
          Split& s = node->split;
          s.found = true;
          s.feature = j;
          s.prefix = p;
          // Without missing rows here, NaN follows the heavier side.
          s.missing_left = miss_count > 0 ? missing_left == 1 : wl >= wr;
          s.decrease = decrease;
          s.left_weight = wl;
          s.right_weight = wr;
          std::memcpy(node->order, order, n_order);
        }
      }
    }
  }
  if (node->split.found && node->split.decrease + 1e-12 < o_.min_impurity_decrease) node->split.found = false;
}

void Builder::leaf_value(const Open& node, float* out) const {
  double* t = leaf_stats_.data();
  for (std::size_t c = 0; c < width_; ++c) t[c] = 0.0;
  for (std::uint32_t r = node.begin; r < node.end; ++r) add(t, rows_[r]);
  const double total = weight_of(t);
  if (k_ == 0) {
    out[0] = static_cast<float>(total > 0.0 ? t[1] / total : 0.0);
  } else {
    for (std::size_t c = 0; c < k_; ++c) out[c] = static_cast<float>(total > 0.0 ? t[c] / total : 0.0);
  }
}

Status Builder::run(Arena& scratch, Arena& result, FittedTree* out, Importance* importance) {
  const std::size_t n = data_.n_rows, d = data_.n_features;
  // Row indices are u32: more than 2^32 rows is refused (the double shift
  // keeps this well-defined, and quiet, where size_t has 32 bits).
  if (n > 0 && ((n - 1) >> 31) >> 1 != 0) return Status::size_overflow;
  EMBER_TRY(scratch.allocate_array(n, &rows_));
  std::size_t n_pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (w(static_cast<std::uint32_t>(i)) > 0.0) {
      rows_[n_pos++] = static_cast<std::uint32_t>(i);
      root_weight_ += w(static_cast<std::uint32_t>(i));
    }
  }
  if (n_pos == 0) return Status::empty_input;
  EMBER_TRY(scratch.allocate_array(kSlots * width_, &hist_));
  EMBER_TRY(scratch.allocate_array(kSlots, &counts_));
  EMBER_TRY(scratch.allocate_array(width_, &node_totals_));
  EMBER_TRY(scratch.allocate_array(width_, &left_));
  EMBER_TRY(scratch.allocate_array(width_, &right_));
  EMBER_TRY(scratch.allocate_array(width_, &missing_));
  EMBER_TRY(scratch.allocate_array(d, &features_));
  EMBER_TRY(scratch.allocate_array(kSlots, &keys_));
  EMBER_TRY(scratch.allocate_array(width_, &leaf_stats_));
  // Every split sends rows both ways, so a tree has fewer than n_pos nodes.
  std::size_t cap = n_pos;
  if (o_.max_leaf_nodes > 0 && o_.max_leaf_nodes < cap) cap = o_.max_leaf_nodes;
  const std::size_t lw = k_ > 0 ? k_ : 1;
  Span<TreeNodeSpec> nodes;
  Span<float> leaves;
  Span<Open> open;
  EMBER_TRY(scratch.allocate_objects(cap, &nodes));
  EMBER_TRY(scratch.allocate_array((cap + 1) * lw, &leaves));
  // Open nodes: depth-first keeps at most one pending sibling per level;
  // best-first at most the leaf budget.
  const std::size_t open_cap = o_.max_leaf_nodes > 0 ? cap + 1 : std::size_t{format::kMaxTreeDepth} + 2;
  EMBER_TRY(scratch.allocate_objects(open_cap, &open));
  Span<std::uint32_t> category_pool;  // left categories of every categorical split, in node order
  std::size_t pool_used = 0;
  std::size_t categorical_bins = 0;
  for (std::size_t j = 0; j < d; ++j) {
    if (data_.features[j].categorical)
      categorical_bins = std::max<std::size_t>(categorical_bins, data_.features[j].n_bins);
  }
  if (categorical_bins > 0) EMBER_TRY(scratch.allocate_array(cap * categorical_bins, &category_pool));
  Span<std::size_t> category_at;  // pool offset of node i's categories
  EMBER_TRY(scratch.allocate_array(cap, &category_at));

  std::size_t n_open = 0, n_nodes = 0, n_leaves = 0;
  std::uint32_t depth = 0;
  double total_decrease = 0.0;
  auto link = [&](const Open& node, std::int32_t child) {
    if (node.parent < 0) return;
    TreeNodeSpec& p = nodes[static_cast<std::size_t>(node.parent)];
    (node.is_left ? p.left : p.right) = child;
  };
  auto make_leaf = [&](const Open& node) {
    leaf_value(node, leaves.data() + n_leaves * lw);
    link(node, -static_cast<std::int32_t>(n_leaves) - 1);
    ++n_leaves;
  };
  Open& root = open[0];
  root = Open{};
  root.end = static_cast<std::uint32_t>(n_pos);
  find_split(&root);
  n_open = 1;
  while (n_open > 0) {
    // Best-first with max_leaf_nodes (the largest decrease; the oldest on
    // ties), otherwise depth-first (the newest).
    std::size_t pick = n_open - 1;
    if (o_.max_leaf_nodes > 0) {
      pick = n_open;
      for (std::size_t i = 0; i < n_open; ++i) {
        if (open[i].split.found && (pick == n_open || open[i].split.decrease > open[pick].split.decrease))
          pick = i;
      }
      if (pick == n_open || n_nodes + 1 >= o_.max_leaf_nodes) {
        // Nothing left to split, or the leaf budget is spent: the rest are leaves.
        for (std::size_t i = 0; i < n_open; ++i) make_leaf(open[i]);
        break;
      }
    }
    const Open node = open[pick];
    open[pick] = open[n_open - 1];
    --n_open;
    if (!node.split.found) {
      make_leaf(node);
      continue;
    }
    // Partition rows[begin, end) by the split.
    const Split& s = node.split;
    const FeatureBins& fb = data_.features[s.feature];
    bool left_bin[kSlots] = {};
    for (std::uint32_t p = 0; p <= s.prefix; ++p) left_bin[node.order[p]] = true;
    const std::uint8_t* codes = data_.column(s.feature);
    std::uint32_t mid = node.begin;
    for (std::uint32_t r = node.begin; r < node.end; ++r) {
      const std::uint8_t b = codes[rows_[r]];
      const bool goes_left = b == kMissingBin ? s.missing_left : left_bin[b];
      if (goes_left) std::swap(rows_[r], rows_[mid++]);
    }
    const std::size_t index = n_nodes++;
    TreeNodeSpec& spec = nodes[index];
    spec = TreeNodeSpec{};
    spec.feature = s.feature;
    spec.default_left = s.missing_left;
    category_at[index] = pool_used;
    if (fb.categorical) {
      std::uint32_t* cats = category_pool.data() + pool_used;
      for (std::uint32_t p = 0; p <= s.prefix; ++p) cats[p] = node.order[p];
      std::sort(cats, cats + s.prefix + 1);
      pool_used += s.prefix + 1;
      spec.categories = Span<const std::uint32_t>(cats, s.prefix + 1);
    } else {
      spec.threshold = data_.threshold(s.feature, node.order[s.prefix]);
    }
    link(node, static_cast<std::int32_t>(index));
    total_decrease += s.decrease;
    if (importance != nullptr && importance->gain.size() == d) {
      importance->gain[s.feature] += s.decrease;
      importance->splits[s.feature] += 1;
    }
    depth = std::max(depth, node.depth + 1);
    // Children: right pushed first so that depth-first visits left first.
    Open right{}, left{};
    left.begin = node.begin;
    left.end = mid;
    right.begin = mid;
    right.end = node.end;
    left.depth = right.depth = node.depth + 1;
    left.parent = right.parent = static_cast<std::int32_t>(index);
    left.is_left = true;
    find_split(&right);
    open[n_open++] = right;
    find_split(&left);
    open[n_open++] = left;
  }

  // Copy the tree out of the scratch space into `result`.
  FittedTree t;
  t.leaf_width = static_cast<std::uint32_t>(lw);
  t.depth = depth;
  t.total_decrease = total_decrease;
  Span<std::uint32_t> kept_categories;
  if (pool_used > 0) {
    EMBER_TRY(result.allocate_array(pool_used, &kept_categories));
    std::memcpy(kept_categories.data(), category_pool.data(), pool_used * sizeof(std::uint32_t));
  }
  EMBER_TRY(result.allocate_objects(n_nodes, &t.nodes));
  EMBER_TRY(result.allocate_array(n_leaves * lw, &t.leaf_values));
  for (std::size_t i = 0; i < n_nodes; ++i) {
    t.nodes[i] = nodes[i];
    if (!nodes[i].categories.empty()) {
      t.nodes[i].categories =
          Span<const std::uint32_t>(kept_categories.data() + category_at[i], nodes[i].categories.size());
    }
  }
  std::memcpy(t.leaf_values.data(), leaves.data(), n_leaves * lw * sizeof(float));
  *out = t;
  return Status::ok;
}

}  // namespace

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
    if (!regression && !(y >= 0.0f && y < static_cast<float>(n_classes) && y == std::floor(y)))
      return Status::bad_index;
    if (!sample_weight.empty() && !(sample_weight[i] >= 0.0f && !std::isinf(sample_weight[i])))
      return Status::bad_value;
  }
  const Arena::Marker start = scratch.mark();
  Builder builder(data, target, n_classes, sample_weight, options);
  const Status s = builder.run(scratch, result, out, importance);
  scratch.rewind(start);
  return s;
}

}  // namespace ember
