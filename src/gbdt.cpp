#include "ember/gbdt.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ember/model_format.h"
#include "ember/portable_math.h"

namespace ember {

namespace {

constexpr std::size_t kSlots = kMaxBins + 1;

struct GSplit {
  bool found = false;
  std::uint32_t feature = 0;
  std::uint32_t prefix = 0;
  bool missing_left = false;
  double gain = 0.0;
};

struct GOpen {
  std::uint32_t begin = 0, end = 0, depth = 0;
  std::int32_t parent = -1;
  bool is_left = false;
  double g = 0.0, h = 0.0;
  GSplit split;
  std::uint8_t order[kSlots];
};

class TreeGrower {
 public:
  TreeGrower(const BinnedData& data, const GbdtOptions& o, Span<std::uint32_t> rows, const double* g,
             const double* h)
      : data_(data), o_(o), rows_(rows), g_(g), h_(h) {}

  // Grows one tree on rows_ (all of them) into `result`; adds each leaf's
  // value to scores[row * stride + output].
  Status grow(Arena& scratch, Arena& result, FittedTree* out, double* scores, std::size_t stride,
              std::size_t output, Importance* importance);

 private:
  double threshold_l1(double g) const {
    if (g > o_.lambda_l1) return g - o_.lambda_l1;
    if (g < -o_.lambda_l1) return g + o_.lambda_l1;
    return 0.0;
  }
  double score(double g, double h) const {
    const double t = threshold_l1(g);
    return t * t / (h + o_.lambda_l2);
  }
  void find_split(GOpen* node);

  const BinnedData& data_;
  const GbdtOptions& o_;
  Span<std::uint32_t> rows_;
  const double* g_;
  const double* h_;
  Span<double> hist_;  // kSlots x (G, H, count)
  float keys_[kSlots];
};

void TreeGrower::find_split(GOpen* node) {
  node->split = GSplit{};
  const std::uint32_t n_rows = node->end - node->begin;
  const std::uint32_t max_depth = o_.max_depth == 0 ? format::kMaxTreeDepth - 1 : o_.max_depth;
  if (node->depth >= max_depth || n_rows < 2 * o_.min_data_in_leaf || node->h < 2.0 * o_.min_child_weight)
    return;
  const double parent = score(node->g, node->h);
  for (std::uint32_t j = 0; j < data_.n_features; ++j) {
    const FeatureBins& fb = data_.features[j];
    const std::uint32_t nb = fb.n_bins;
    if (nb < 2 && !fb.categorical) continue;
    std::fill(hist_.data(), hist_.data() + (std::size_t{nb} + 1) * 3, 0.0);
    const std::uint8_t* codes = data_.column(j);
    for (std::uint32_t r = node->begin; r < node->end; ++r) {
      const std::uint32_t row = rows_[r];
      const std::uint8_t b = codes[row];
      double* slot = hist_.data() + std::size_t{b == kMissingBin ? nb : b} * 3;
      slot[0] += g_[row];
      slot[1] += h_[row];
      slot[2] += 1.0;
    }
    std::uint8_t order[kSlots];
    std::uint32_t n_order = 0;
    for (std::uint32_t b = 0; b < nb; ++b) {
      if (hist_[std::size_t{b} * 3 + 2] > 0.0) order[n_order++] = static_cast<std::uint8_t>(b);
    }
    if (fb.categorical) {
      // Categories by G / H (the leaf value each would get alone), stably.
      for (std::uint32_t p = 0; p < n_order; ++p) {
        const double* s = hist_.data() + std::size_t{order[p]} * 3;
        keys_[order[p]] = static_cast<float>(s[0] / (s[1] + o_.lambda_l2));
      }
      for (std::uint32_t a = 1; a < n_order; ++a) {
        const std::uint8_t v = order[a];
        std::uint32_t b = a;
        for (; b > 0 && keys_[v] < keys_[order[b - 1]]; --b) order[b] = order[b - 1];
        order[b] = v;
      }
    }
    if (n_order < 2) continue;
    const double* miss = hist_.data() + std::size_t{nb} * 3;
    double gl = 0.0, hl = 0.0, cl = 0.0;
    for (std::uint32_t p = 0; p + 1 < n_order; ++p) {
      const double* s = hist_.data() + std::size_t{order[p]} * 3;
      gl += s[0];
      hl += s[1];
      cl += s[2];
      for (int missing_left = 0; missing_left < 2; ++missing_left) {
        if (missing_left == 1 && miss[2] == 0.0) break;
        const double lg = gl + (missing_left ? miss[0] : 0.0), lh = hl + (missing_left ? miss[1] : 0.0);
        const double lc = cl + (missing_left ? miss[2] : 0.0);
        const double rg = node->g - lg, rh = node->h - lh, rc = static_cast<double>(n_rows) - lc;
        if (lc < o_.min_data_in_leaf || rc < o_.min_data_in_leaf) continue;
        if (lh < o_.min_child_weight || rh < o_.min_child_weight) continue;
        const double gain = 0.5 * (score(lg, lh) + score(rg, rh) - parent) - o_.min_split_gain;
        if (gain > node->split.gain + 1e-12 * std::fabs(node->split.gain)) {
          GSplit& s2 = node->split;
          s2.found = true;
          s2.feature = j;
          s2.prefix = p;
          // Without missing rows here, NaN follows the side with more hessian.
          s2.missing_left = miss[2] > 0.0 ? missing_left == 1 : lh >= rh;
          s2.gain = gain;
          std::memcpy(node->order, order, n_order);
        }
      }
    }
  }
}

Status TreeGrower::grow(Arena& scratch, Arena& result, FittedTree* out, double* scores, std::size_t stride,
                        std::size_t output, Importance* importance) {
  const std::size_t n_pos = rows_.size();
  const Arena::Marker start = scratch.mark();
  EMBER_TRY(scratch.allocate_array(kSlots * 3, &hist_));
  std::size_t cap = n_pos;
  if (o_.max_leaves > 0 && o_.max_leaves < cap) cap = o_.max_leaves;
  if (o_.max_depth > 0 && o_.max_depth < 31 && (std::size_t{1} << o_.max_depth) < cap)
    cap = std::size_t{1} << o_.max_depth;
  Span<TreeNodeSpec> nodes;
  Span<float> leaves;
  Span<GOpen> open;
  Span<std::uint32_t> categories;
  Span<std::size_t> category_at;
  EMBER_TRY(scratch.allocate_objects(cap, &nodes));
  EMBER_TRY(scratch.allocate_array(cap + 1, &leaves));
  const std::size_t open_cap = o_.max_leaves > 0 ? cap + 1 : std::size_t{format::kMaxTreeDepth} + 2;
  EMBER_TRY(scratch.allocate_objects(open_cap, &open));
  std::size_t max_categories = 0;
  for (std::size_t j = 0; j < data_.n_features; ++j) {
    if (data_.features[j].categorical && data_.features[j].n_bins > max_categories) {
      max_categories = data_.features[j].n_bins;
    }
  }
  if (max_categories > 0) EMBER_TRY(scratch.allocate_array(cap * max_categories, &categories));
  EMBER_TRY(scratch.allocate_array(cap, &category_at));
  std::size_t pool = 0, n_nodes = 0, n_leaves = 0, n_open = 1;
  std::uint32_t depth = 0;
  auto link = [&](const GOpen& node, std::int32_t child) {
    if (node.parent < 0) return;
    TreeNodeSpec& p = nodes[static_cast<std::size_t>(node.parent)];
    (node.is_left ? p.left : p.right) = child;
  };
  auto make_leaf = [&](const GOpen& node) {
    const double value = -o_.learning_rate * threshold_l1(node.g) / (node.h + o_.lambda_l2);
    leaves[n_leaves] = static_cast<float>(value);
    for (std::uint32_t r = node.begin; r < node.end; ++r) {
      scores[std::size_t{rows_[r]} * stride + output] += static_cast<double>(leaves[n_leaves]);
    }
    link(node, -static_cast<std::int32_t>(n_leaves) - 1);
    ++n_leaves;
  };
  GOpen& root = open[0];
  root = GOpen{};
  root.end = static_cast<std::uint32_t>(n_pos);
  for (std::size_t r = 0; r < n_pos; ++r) {
    root.g += g_[rows_[r]];
    root.h += h_[rows_[r]];
  }
  find_split(&root);
  while (n_open > 0) {
    std::size_t pick = n_open - 1;
    if (o_.max_leaves > 0) {
      pick = n_open;
      for (std::size_t i = 0; i < n_open; ++i) {
        if (open[i].split.found && (pick == n_open || open[i].split.gain > open[pick].split.gain)) pick = i;
      }
      if (pick == n_open || n_nodes + 1 >= o_.max_leaves) {
        for (std::size_t i = 0; i < n_open; ++i) make_leaf(open[i]);
        break;
      }
    }
    const GOpen node = open[pick];
    open[pick] = open[n_open - 1];
    --n_open;
    if (!node.split.found || n_nodes >= cap) {
      make_leaf(node);
      continue;
    }
    const GSplit& s = node.split;
    bool left_bin[kSlots] = {};
    for (std::uint32_t p = 0; p <= s.prefix; ++p) left_bin[node.order[p]] = true;
    const std::uint8_t* codes = data_.column(s.feature);
    std::uint32_t mid = node.begin;
    GOpen left{}, right{};
    for (std::uint32_t r = node.begin; r < node.end; ++r) {
      const std::uint8_t b = codes[rows_[r]];
      if (b == kMissingBin ? s.missing_left : left_bin[b]) {
        const std::uint32_t row = rows_[r];
        left.g += g_[row];
        left.h += h_[row];
        rows_[r] = rows_[mid];
        rows_[mid++] = row;
      }
    }
    right.g = node.g - left.g;
    right.h = node.h - left.h;
    const std::size_t index = n_nodes++;
    TreeNodeSpec& spec = nodes[index];
    spec = TreeNodeSpec{};
    spec.feature = s.feature;
    spec.default_left = s.missing_left;
    category_at[index] = pool;
    if (data_.features[s.feature].categorical) {
      std::uint32_t* cats = categories.data() + pool;
      for (std::uint32_t p = 0; p <= s.prefix; ++p) cats[p] = node.order[p];
      std::sort(cats, cats + s.prefix + 1);
      pool += s.prefix + 1;
      spec.categories = Span<const std::uint32_t>(cats, s.prefix + 1);
    } else {
      spec.threshold = data_.threshold(s.feature, node.order[s.prefix]);
    }
    link(node, static_cast<std::int32_t>(index));
    if (importance != nullptr) {
      importance->gain[s.feature] += s.gain;
      importance->splits[s.feature] += 1;
    }
    depth = node.depth + 1 > depth ? node.depth + 1 : depth;
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
  FittedTree t;
  t.leaf_width = 1;
  t.depth = depth;
  Span<std::uint32_t> kept;
  Status st = Status::ok;
  if (pool > 0) st = result.allocate_array(pool, &kept);
  if (st == Status::ok) st = result.allocate_objects(n_nodes, &t.nodes);
  if (st == Status::ok) st = result.allocate_array(n_leaves, &t.leaf_values);
  if (st == Status::ok) {
    if (pool > 0) std::memcpy(kept.data(), categories.data(), pool * sizeof(std::uint32_t));
    for (std::size_t i = 0; i < n_nodes; ++i) {
      t.nodes[i] = nodes[i];
      if (!nodes[i].categories.empty()) {
        t.nodes[i].categories =
            Span<const std::uint32_t>(kept.data() + category_at[i], nodes[i].categories.size());
      }
    }
    std::memcpy(t.leaf_values.data(), leaves.data(), n_leaves * sizeof(float));
    *out = t;
  }
  scratch.rewind(start);
  return st;
}

double clip_probability(double p) { return p < 1e-15 ? 1e-15 : (p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p); }

}  // namespace

Status fit_gbdt(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                Span<const float> sample_weight, const GbdtOptions& o, Arena& scratch, Arena& result,
                GbdtModel* out, Importance* importance) noexcept {
  if (out == nullptr || &scratch == &result) return Status::invalid_argument;
  const std::size_t n = data.n_rows, d = data.n_features;
  if (target.size() != n || (!sample_weight.empty() && sample_weight.size() != n))
    return Status::shape_mismatch;
  if (importance != nullptr && (importance->gain.size() != d || importance->splits.size() != d)) {
    return Status::shape_mismatch;
  }
  const bool ok_objective = (o.objective == GbdtObjective::squared_error && n_classes == 0) ||
                            (o.objective == GbdtObjective::binary_logloss && n_classes == 2) ||
                            (o.objective == GbdtObjective::softmax && n_classes >= 3);
  if (!ok_objective || o.n_estimators == 0 || !(o.learning_rate > 0.0) || !(o.lambda_l2 >= 0.0) ||
      !(o.lambda_l1 >= 0.0) || !(o.min_split_gain >= 0.0) || !(o.min_child_weight >= 0.0) ||
      o.min_data_in_leaf == 0 || o.max_depth >= format::kMaxTreeDepth || o.max_leaves == 1) {
    return Status::bad_value;
  }
  if (n > 0 && ((n - 1) >> 31) >> 1 != 0) return Status::size_overflow;
  for (std::size_t i = 0; i < n; ++i) {
    const float y = target[i];
    if (y != y || std::isinf(y)) return Status::bad_value;
    if (n_classes > 0 && !(y >= 0.0f && y < static_cast<float>(n_classes) && y == std::floor(y)))
      return Status::bad_index;
    if (!sample_weight.empty() && !(sample_weight[i] >= 0.0f && !std::isinf(sample_weight[i])))
      return Status::bad_value;
  }
  const std::uint32_t k_out = o.objective == GbdtObjective::softmax ? n_classes : 1u;
  GbdtModel m;
  m.outputs = k_out;
  EMBER_TRY(result.allocate_array(k_out, &m.base_score));
  EMBER_TRY(result.allocate_objects(std::size_t{o.n_estimators} * k_out, &m.trees));
  EMBER_TRY(result.allocate_array(std::size_t{o.n_estimators} * k_out, &m.output));

  const Arena::Marker start = scratch.mark();
  Status s = Status::ok;
  Span<std::uint32_t> rows;
  Span<double> scores, g, h, p;
  s = scratch.allocate_array(n, &rows);
  if (s == Status::ok) s = scratch.allocate_array(n * k_out, &scores);
  if (s == Status::ok) s = scratch.allocate_array(n * k_out, &g);
  if (s == Status::ok) s = scratch.allocate_array(n * k_out, &h);
  if (s == Status::ok) s = scratch.allocate_array(k_out, &p);
  std::size_t n_pos = 0;
  double total_w = 0.0;
  auto w = [&](std::size_t i) { return sample_weight.empty() ? 1.0 : static_cast<double>(sample_weight[i]); };
  if (s == Status::ok) {
    for (std::size_t i = 0; i < n; ++i) {
      if (w(i) > 0.0) {
        rows[n_pos++] = static_cast<std::uint32_t>(i);
        total_w += w(i);
      }
    }
    if (n_pos == 0) s = Status::empty_input;
  }
  if (s == Status::ok) {
    // Start from the weighted average.
    for (std::uint32_t k = 0; k < k_out; ++k) {
      double acc = 0.0;
      for (std::size_t r = 0; r < n_pos; ++r) {
        const std::size_t i = rows[r];
        acc += w(i) * (o.objective == GbdtObjective::squared_error
                           ? static_cast<double>(target[i])
                           : (target[i] == static_cast<float>(k_out == 1 ? 1 : k) ? 1.0 : 0.0));
      }
      const double mean = acc / total_w;
      double base = mean;
      if (o.objective == GbdtObjective::binary_logloss) {
        const double q = clip_probability(mean);
        base = portable_log(q / (1.0 - q));
      } else if (o.objective == GbdtObjective::softmax) {
        base = portable_log(clip_probability(mean));
      }
      m.base_score[k] = static_cast<float>(base);
    }
    for (std::size_t i = 0; i < n; ++i) {
      for (std::uint32_t k = 0; k < k_out; ++k) scores[i * k_out + k] = m.base_score[k];
    }
  }
  const Span<std::uint32_t> active(rows.data(), n_pos);
  for (std::uint32_t round = 0; round < o.n_estimators && s == Status::ok; ++round) {
    // Gradients and hessians at the current scores, for every output.
    for (std::size_t r = 0; r < n_pos; ++r) {
      const std::size_t i = rows[r];
      const double wi = w(i);
      const double* f = scores.data() + i * k_out;
      if (o.objective == GbdtObjective::squared_error) {
        g[i] = wi * (f[0] - static_cast<double>(target[i]));
        h[i] = wi;
      } else if (o.objective == GbdtObjective::binary_logloss) {
        const double q = portable_sigmoid(f[0]);
        g[i] = wi * (q - static_cast<double>(target[i]));
        const double hv = q * (1.0 - q);
        h[i] = wi * (hv > 1e-16 ? hv : 1e-16);
      } else {
        double top = f[0];
        for (std::uint32_t k = 1; k < k_out; ++k) top = f[k] > top ? f[k] : top;
        double sum = 0.0;
        for (std::uint32_t k = 0; k < k_out; ++k) {
          p[k] = portable_exp(f[k] - top);
          sum += p[k];
        }
        const auto label = static_cast<std::uint32_t>(target[i]);
        for (std::uint32_t k = 0; k < k_out; ++k) {
          const double q = p[k] / sum;
          g[i * k_out + k] = wi * (q - (k == label ? 1.0 : 0.0));
          const double hv = 2.0 * q * (1.0 - q);
          h[i * k_out + k] = wi * (hv > 1e-16 ? hv : 1e-16);
        }
      }
    }
    for (std::uint32_t k = 0; k < k_out && s == Status::ok; ++k) {
      // The class-k gradients as a contiguous view (softmax stores them interleaved).
      const double* gk = g.data();
      const double* hk = h.data();
      Span<double> gcol, hcol;
      const Arena::Marker round_start = scratch.mark();
      if (k_out > 1) {
        s = scratch.allocate_array(n, &gcol);
        if (s == Status::ok) s = scratch.allocate_array(n, &hcol);
        if (s == Status::ok) {
          for (std::size_t r = 0; r < n_pos; ++r) {
            const std::size_t i = rows[r];
            gcol[i] = g[i * k_out + k];
            hcol[i] = h[i * k_out + k];
          }
          gk = gcol.data();
          hk = hcol.data();
        }
      }
      if (s == Status::ok) {
        TreeGrower grower(data, o, active, gk, hk);
        const std::size_t at = std::size_t{round} * k_out + k;
        s = grower.grow(scratch, result, &m.trees[at], scores.data(), k_out, k, importance);
        m.output[at] = k;
      }
      scratch.rewind(round_start);
    }
  }
  scratch.rewind(start);
  if (s == Status::ok) *out = m;
  return s;
}

}  // namespace ember
