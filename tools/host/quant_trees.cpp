#include "host/quant_trees.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "ember/runtime/predict.h"
#include "host/float_trees.h"
#include "host/quant_probe.h"
#include "host/text.h"

namespace ember::host {

namespace {

namespace f = format;

constexpr std::size_t kSpan = 65535;                 // q = kQuantMin .. kQuantMax
constexpr std::int32_t kAlwaysLeft = kQuantMax + 1;  // a cut no present value reaches
constexpr std::int32_t kAlwaysRight = kQuantMin;     // a cut every present value reaches
constexpr std::size_t kNoSlot = ~std::size_t{0};

std::size_t at(std::int32_t q) { return static_cast<std::size_t>(q - kQuantMin); }

// The values of the swept columns for every q, for missing, and for an
// unknown code of their (categorical) raw feature.
struct Sweep {
  std::vector<std::size_t> slot;  // per model column: its slot, or kNoSlot
  std::vector<std::vector<float>> values;
  std::vector<float> missing, unknown;
  std::vector<char> unknown_ok;  // 0 when the pipeline refuses an unknown code (one-hot "error")
};

std::string node_name(const LoadedModel& lm, std::size_t t, std::size_t i, const FloatNode& n) {
  std::string s = "tree " + std::to_string(t) + " node " + std::to_string(i) + " (on '" +
                  lm.model_input_names[n.column] + "'";
  if (!n.categorical) s += " < " + format_number("%.9g", static_cast<double>(n.threshold));
  return s + ")";
}

bool check_sources(const LoadedModel& lm, const std::vector<FloatTree>& trees, const ColumnSources& src,
                   Error* error) {
  for (std::size_t t = 0; t < trees.size(); ++t) {
    for (std::size_t i = 0; i < trees[t].nodes.size(); ++i) {
      const FloatNode& n = trees[t].nodes[i];
      const auto& s = src.of_column[n.column];
      if (s.size() == 1) continue;
      if (s.empty()) {
        error->message = node_name(lm, t, i, n) + " splits a column that no raw feature reaches";
      } else {
        error->message = node_name(lm, t, i, n) + " splits a column that pipeline step " +
                         std::to_string(src.mixing_project + 1) + " (project) computes from " +
                         std::to_string(s.size()) + " raw features (" + lm.feature_names[s[0]] + ", " +
                         lm.feature_names[s[1]] + (s.size() > 2 ? ", ..." : "") +
                         "); an integer tree splits on one raw feature, so trees after a project step"
                         " cannot be quantized exactly (train them without --project)";
      }
      return false;
    }
  }
  return true;
}

bool build_sweep(const LoadedModel& lm, const QuantInputScales& in, const std::vector<FloatTree>& trees,
                 const ColumnSources& src, Sweep* sw, Error* error) {
  const Model& m = lm.model;
  PipelineProbe probe(m);
  sw->slot.assign(m.model_features, kNoSlot);
  std::vector<std::uint32_t> columns;
  for (const FloatTree& t : trees) {
    for (const FloatNode& n : t.nodes) {
      if (sw->slot[n.column] != kNoSlot) continue;
      sw->slot[n.column] = columns.size();
      columns.push_back(n.column);
    }
  }
  sw->values.assign(columns.size(), std::vector<float>(kSpan));
  std::vector<float> row(m.n_features), x(probe.width());
  for (std::int32_t q = kQuantMin; q <= kQuantMax; ++q) {
    for (std::uint32_t j = 0; j < m.n_features; ++j) {
      const std::uint32_t k = m.n_categories[j];
      row[j] = k == 0 ? in.real(j, q)
                      : (q >= 0 && static_cast<std::uint32_t>(q) < k ? static_cast<float>(q) : 0.0f);
    }
    const Status s = probe.transform(row.data(), x.data());
    if (s != Status::ok) {
      error->message =
          std::string("the pipeline refuses the integer input ") + std::to_string(q) + ": " + status_name(s);
      return false;
    }
    for (std::size_t c = 0; c < columns.size(); ++c) sw->values[c][at(q)] = x[columns[c]];
  }
  std::fill(row.begin(), row.end(), std::numeric_limits<float>::quiet_NaN());
  if (probe.transform(row.data(), x.data()) != Status::ok) {
    error->message = "the pipeline refuses a row of missing values";
    return false;
  }
  for (std::uint32_t c : columns) sw->missing.push_back(x[c]);
  sw->unknown.assign(columns.size(), 0.0f);
  sw->unknown_ok.assign(columns.size(), 1);
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    if (m.n_categories[j] == 0) continue;
    for (std::uint32_t i = 0; i < m.n_features; ++i) row[i] = m.n_categories[i] ? 0.0f : in.real(i, 0);
    row[j] = static_cast<float>(m.n_categories[j]);
    const Status s = probe.transform(row.data(), x.data());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (src.of_column[columns[c]][0] != j) continue;
      sw->unknown[c] = x[columns[c]];
      sw->unknown_ok[c] = s == Status::ok;
    }
  }
  return true;
}

// A numeric node: its cut T and whether its children swap ("left iff
// q < T" on the integer side).
bool numeric_cut(const Model& m, const FloatNode& n, const std::vector<float>& v, std::int32_t* cut,
                 bool* swap, const std::string& name, Error* error) {
  const bool first = float_goes_left(m, n, v[0]);
  int changes = 0;
  std::int32_t t = first ? kAlwaysLeft : kAlwaysRight;
  for (std::int32_t q = kQuantMin + 1; q <= kQuantMax; ++q) {
    if (float_goes_left(m, n, v[at(q)]) == float_goes_left(m, n, v[at(q - 1)])) continue;
    if (++changes > 1) {
      error->message =
          name + ": the float decision is not one step in the integer input (it changes at q = " +
          std::to_string(t) + " and again at q = " + std::to_string(q) + "), so no cut reproduces it";
      return false;
    }
    t = q;
  }
  // One change: left below T when the first value goes left, else swapped.
  // None: one way for every value (a cut outside the present range).
  *swap = changes == 1 && !first;
  *cut = t;
  return true;
}

void set_children(const FloatNode& n, bool swap, f::QuantNode* qn) {
  const std::int32_t l = swap ? n.right : n.left, r = swap ? n.left : n.right;
  qn->left = static_cast<std::uint32_t>(l >= 0 ? l : -(l + 1));
  qn->right = static_cast<std::uint32_t>(r >= 0 ? r : -(r + 1));
  if (l < 0) qn->flags |= f::kQNodeLeftIsLeaf;
  if (r < 0) qn->flags |= f::kQNodeRightIsLeaf;
}

// A categorical node: the codes that go left as a bitset (codes past the
// categories, up to the last word, follow the unknown direction).
void categorical_bits(const Model& m, const FloatNode& n, const Sweep& sw, std::size_t slot, std::uint32_t k,
                      QuantTreesModel* out, f::QuantNode* qn) {
  const bool unknown_left = sw.unknown_ok[slot] && float_goes_left(m, n, sw.unknown[slot]);
  const std::uint32_t words = (k + 31) / 32;
  qn->split = static_cast<std::uint32_t>(out->bitsets.size());
  out->bitsets.push_back(words);
  const std::size_t first = out->bitsets.size();
  out->bitsets.resize(first + words, 0);
  for (std::uint32_t c = 0; c < 32 * words; ++c) {
    const bool left =
        c < k ? float_goes_left(m, n, sw.values[slot][at(static_cast<std::int32_t>(c))]) : unknown_left;
    if (left) out->bitsets[first + c / 32] |= 1u << (c % 32);
  }
  qn->flags |= f::kQNodeCategorical | (unknown_left ? f::kQNodeUnknownLeft : 0);
  if (float_goes_left(m, n, sw.missing[slot])) qn->flags |= f::kQNodeDefaultLeft;
}

}  // namespace

namespace {

// The integer nodes of every tree and, per node, the cut its split needs
// (numeric nodes; categorical ones get their bitsets here).
bool quantize_nodes(const LoadedModel& lm, const std::vector<FloatTree>& trees, const ColumnSources& src,
                    const Sweep& sw, QuantTreesModel* out, std::vector<std::vector<std::int32_t>>* node_cut,
                    TreeQuantStats* stats, Error* error) {
  const Model& m = lm.model;
  out->trees.resize(trees.size());
  node_cut->resize(trees.size());
  for (std::size_t t = 0; t < trees.size(); ++t) {
    for (std::size_t i = 0; i < trees[t].nodes.size(); ++i) {
      const FloatNode& n = trees[t].nodes[i];
      const std::uint32_t j = src.of_column[n.column][0];
      const std::size_t slot = sw.slot[n.column];
      f::QuantNode qn{};
      qn.feature = static_cast<std::uint16_t>(j);
      std::int32_t cut = 0;
      bool swap = false;
      if (m.n_categories[j] != 0) {
        categorical_bits(m, n, sw, slot, m.n_categories[j], out, &qn);
        ++stats->categorical;
      } else {
        if (!numeric_cut(m, n, sw.values[slot], &cut, &swap, node_name(lm, t, i, n), error)) return false;
        if (float_goes_left(m, n, sw.missing[slot]) != swap) qn.flags |= f::kQNodeDefaultLeft;
        stats->reversed += swap;
        stats->constant += cut == kAlwaysLeft || cut == kAlwaysRight;
      }
      set_children(n, swap, &qn);
      out->trees[t].nodes.push_back(qn);
      (*node_cut)[t].push_back(cut);
      ++stats->nodes;
    }
    out->trees[t].output = trees[t].output;
  }
  return true;
}

// Per feature the distinct cuts, sorted, and each numeric node's split =
// the index of its cut.
void assign_cuts(const Model& m, const std::vector<std::vector<std::int32_t>>& node_cut,
                 QuantTreesModel* out) {
  std::vector<std::set<std::int32_t>> cuts(m.n_features);
  for (std::size_t t = 0; t < out->trees.size(); ++t) {
    for (std::size_t i = 0; i < out->trees[t].nodes.size(); ++i) {
      const f::QuantNode& n = out->trees[t].nodes[i];
      if (!(n.flags & f::kQNodeCategorical)) cuts[n.feature].insert(node_cut[t][i]);
    }
  }
  out->cut_begin.assign(1, 0);
  for (const auto& c : cuts) {
    out->cuts.insert(out->cuts.end(), c.begin(), c.end());
    out->cut_begin.push_back(static_cast<std::uint32_t>(out->cuts.size()));
  }
  for (std::size_t t = 0; t < out->trees.size(); ++t) {
    for (std::size_t i = 0; i < out->trees[t].nodes.size(); ++i) {
      f::QuantNode& n = out->trees[t].nodes[i];
      if (n.flags & f::kQNodeCategorical) continue;
      const auto first = out->cuts.begin() + static_cast<std::ptrdiff_t>(out->cut_begin[n.feature]);
      const auto last = out->cuts.begin() + static_cast<std::ptrdiff_t>(out->cut_begin[n.feature + 1u]);
      n.split = static_cast<std::uint32_t>(std::lower_bound(first, last, node_cut[t][i]) - first);
    }
  }
}

// Leaves and base score in Q F; a forest's mean folded into the leaves.
bool quantize_leaves(const Model& m, const std::vector<FloatTree>& trees, QuantTreesModel* out,
                     Error* error) {
  const f::TreesHeader& h = *m.trees;
  const double divisor = h.aggregation == static_cast<std::uint8_t>(f::Aggregation::mean) ? h.n_trees : 1.0;
  unsigned frac = 16;
  if (m.n_classes == 0) {
    // The largest |score| any row can reach, per output.
    std::vector<double> bound(m.n_outputs);
    for (std::uint32_t o = 0; o < m.n_outputs; ++o)
      bound[o] = std::fabs(static_cast<double>(m.base_score[o]));
    for (const FloatTree& t : trees) {
      std::vector<double> most(m.n_outputs, 0.0);
      for (std::uint32_t l = 0; l < t.n_leaves; ++l) {
        for (std::uint32_t k = 0; k < h.leaf_width; ++k) {
          const double v =
              std::fabs(static_cast<double>(m.leaf_values[(t.first_leaf + l) * h.leaf_width + k]));
          const std::uint32_t o = h.leaf_width == 1 ? t.output : k;
          most[o] = std::max(most[o], v / divisor);
        }
      }
      for (std::uint32_t o = 0; o < m.n_outputs; ++o) bound[o] += most[o];
    }
    const double worst = *std::max_element(bound.begin(), bound.end()) + 1e-30;
    // Each rounded leaf may add half a unit: keep that inside int32 too.
    const double room = 2147483647.0 - static_cast<double>(trees.size() + 1);
    frac = 30;
    while (frac > 0 && worst * std::ldexp(1.0, static_cast<int>(frac)) >= room) --frac;
    if (worst * std::ldexp(1.0, static_cast<int>(frac)) >= room) {
      error->message =
          "the model's scores reach " + format_number("%.6g", worst) + ", more than an int32 score holds";
      return false;
    }
  }
  const double unit = std::ldexp(1.0, static_cast<int>(frac));
  bool fits = true;  // a leaf or base beyond int32 at Q16 (|value| >= 32768)
  const auto fixed = [&](double v) {
    const double x = std::round(v * unit);
    fits = fits && std::fabs(x) <= 2147483647.0;
    return fits ? static_cast<std::int32_t>(x) : 0;
  };
  out->out_frac_bits = static_cast<std::uint8_t>(frac);
  out->base_score.clear();
  for (std::uint32_t o = 0; o < m.n_outputs; ++o) out->base_score.push_back(fixed(m.base_score[o]));
  for (std::size_t t = 0; t < trees.size(); ++t) {
    auto& leaves = out->trees[t].leaves;
    leaves.clear();
    const std::size_t first = std::size_t{trees[t].first_leaf} * h.leaf_width;
    for (std::size_t v = 0; v < std::size_t{trees[t].n_leaves} * h.leaf_width; ++v)
      leaves.push_back(fixed(static_cast<double>(m.leaf_values[first + v]) / divisor));
  }
  if (!fits)
    error->message = "a leaf or the base score is beyond what an int32 holds at Q" + std::to_string(frac);
  return fits;
}

}  // namespace

std::vector<std::vector<float>> raw_thresholds(const LoadedModel& lm) {
  const Model& m = lm.model;
  const ColumnSources src = column_sources(m);
  PipelineProbe probe(m);
  // Per column: 1 when it is its raw feature's present value, unchanged.
  std::vector<int> identity(m.model_features, -1);
  const auto passes = [&](std::uint32_t c) {
    if (identity[c] >= 0) return identity[c] == 1;
    bool same = src.of_column[c].size() == 1 && m.n_categories[src.of_column[c][0]] == 0;
    std::vector<float> row(m.n_features, 0.0f), x(probe.width());
    for (float v : {-2.5f, 0.0f, 1.0f, 7.25f, 1000.0f}) {
      if (!same) break;
      row[src.of_column[c][0]] = v;
      same = probe.transform(row.data(), x.data()) == Status::ok && x[c] == v;
    }
    identity[c] = same ? 1 : 0;
    return same;
  };
  std::vector<std::vector<float>> out(m.n_features);
  for (const FloatTree& t : decode_float_trees(m)) {
    for (const FloatNode& n : t.nodes) {
      if (!n.categorical && passes(n.column)) out[src.of_column[n.column][0]].push_back(n.threshold);
    }
  }
  for (auto& v : out) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  return out;
}

bool quantize_trees(const LoadedModel& lm, const QuantInputScales& in, QuantTreesModel* out,
                    TreeQuantStats* stats, Error* error) {
  const Model& m = lm.model;
  const std::vector<FloatTree> trees = decode_float_trees(m);
  const ColumnSources src = column_sources(m);
  if (!check_sources(lm, trees, src, error)) return false;
  Sweep sw;
  if (!build_sweep(lm, in, trees, src, &sw, error)) return false;
  QuantTreesModel q;
  q.n_outputs = m.n_outputs;
  q.leaf_width = m.trees->leaf_width;
  q.link = m.link;
  std::vector<std::vector<std::int32_t>> node_cut;
  if (!quantize_nodes(lm, trees, src, sw, &q, &node_cut, stats, error)) return false;
  assign_cuts(m, node_cut, &q);
  stats->cuts = q.cuts.size();
  if (!quantize_leaves(m, trees, &q, error)) return false;
  *out = std::move(q);
  return true;
}

namespace {

// The integer runtime's rule (model_format.h, QuantNode): a numeric code is
// the number of cuts <= q and goes left when it is <= split; a categorical
// code goes left when its bit is set, an unknown one by the flag.
bool integer_goes_left(const QuantTreesModel& q, const f::QuantNode& n, std::uint32_t k, std::int32_t v,
                       const std::vector<std::uint32_t>& codes) {
  if (v == kQuantMissing) return (n.flags & f::kQNodeDefaultLeft) != 0;
  if (!(n.flags & f::kQNodeCategorical)) return codes[at(v)] <= n.split;
  const std::uint32_t words = q.bitsets[n.split];
  if (v < 0 || static_cast<std::uint32_t>(v) >= k || static_cast<std::uint32_t>(v) >= 32 * words)
    return (n.flags & f::kQNodeUnknownLeft) != 0;
  const auto c = static_cast<std::uint32_t>(v);
  return ((q.bitsets[n.split + 1 + c / 32] >> (c % 32)) & 1u) != 0;
}

std::int32_t child_ref(const f::QuantNode& n, bool left) {
  const bool leaf = (n.flags & (left ? f::kQNodeLeftIsLeaf : f::kQNodeRightIsLeaf)) != 0;
  const auto i = static_cast<std::int32_t>(left ? n.left : n.right);
  return leaf ? -i - 1 : i;
}

}  // namespace

bool verify_tree_decisions(const LoadedModel& lm, const QuantInputScales& in, const QuantTreesModel& q,
                           std::uint64_t* checked, Error* error) {
  const Model& m = lm.model;
  const std::vector<FloatTree> trees = decode_float_trees(m);
  const ColumnSources src = column_sources(m);
  Sweep sw;
  if (!check_sources(lm, trees, src, error) || !build_sweep(lm, in, trees, src, &sw, error)) return false;
  // Per numeric feature, the code of every q (the number of cuts <= q).
  std::vector<std::vector<std::uint32_t>> codes(m.n_features);
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    if (m.n_categories[j] != 0) continue;
    codes[j].resize(kSpan);
    const auto first = q.cuts.begin() + static_cast<std::ptrdiff_t>(q.cut_begin[j]);
    const auto last = q.cuts.begin() + static_cast<std::ptrdiff_t>(q.cut_begin[j + 1]);
    for (std::int32_t v = kQuantMin; v <= kQuantMax; ++v)
      codes[j][at(v)] = static_cast<std::uint32_t>(std::upper_bound(first, last, v) - first);
  }
  *checked = 0;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    for (std::size_t i = 0; i < trees[t].nodes.size(); ++i) {
      const FloatNode& fn = trees[t].nodes[i];
      const f::QuantNode& qn = q.trees[t].nodes[i];
      const std::uint32_t j = qn.feature, k = m.n_categories[j];
      const std::size_t slot = sw.slot[fn.column];
      const auto compare = [&](std::int32_t v, float x) {
        const bool fl = float_goes_left(m, fn, x);
        ++*checked;
        if (child_ref(qn, integer_goes_left(q, qn, k, v, codes[j])) == (fl ? fn.left : fn.right)) return true;
        error->message = node_name(lm, t, i, fn) + ": the integer decision for q = " + std::to_string(v) +
                         " differs from the float one";
        return false;
      };
      if (j != src.of_column[fn.column][0]) {
        error->message = node_name(lm, t, i, fn) + ": the integer node reads another feature";
        return false;
      }
      if (!compare(kQuantMissing, sw.missing[slot])) return false;
      if (k == 0) {
        for (std::int32_t v = kQuantMin; v <= kQuantMax; ++v)
          if (!compare(v, sw.values[slot][at(v)])) return false;
        continue;
      }
      for (std::uint32_t c = 0; c < k; ++c)
        if (!compare(static_cast<std::int32_t>(c), sw.values[slot][at(static_cast<std::int32_t>(c))]))
          return false;
      if (sw.unknown_ok[slot] && !compare(static_cast<std::int32_t>(k), sw.unknown[slot])) return false;
      if (sw.unknown_ok[slot] && !compare(-1, sw.unknown[slot])) return false;
    }
  }
  return true;
}

}  // namespace ember::host
