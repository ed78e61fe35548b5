// predict: the pipeline steps and the models, run on a verified Model.
#include "ember/runtime/predict.h"

#include <cmath>
#include <cstring>

#include "ember/base/portable_math.h"
#include "ember/runtime/config.h"
#include "ember/runtime/predict_q.h"
#include "runtime/category_code.h"
#include "runtime/quant_layout.h"
#include "runtime/runtime_internal.h"
#include "runtime/tree_walk.h"

namespace ember {

namespace f = format;

namespace {

#if EMBER_RUNTIME_FAST
constexpr std::size_t kBatchRows = kLanes;  // rows walked in lockstep
#endif

std::size_t pipeline_floats(const Model& m) { return m.n_steps > 0 ? 2u * std::size_t{m.max_width} : 0u; }

std::size_t accumulator_floats(const Model& m) {
  std::size_t n = m.n_outputs;
  if (m.n_classes > n) n = m.n_classes;
  return n < 2 ? 2 : n;
}

// The float models' code; an integer-only build (EMBER_RUNTIME_FLOAT 0)
// compiles none of it.
#if EMBER_RUNTIME_FLOAT
#if EMBER_RUNTIME_PIPELINE
// A category code as an index, or -1 for a value that is not one of 0..n-1.
[[maybe_unused]] long category_index(float v, std::uint32_t n) {
  return detail::is_category_code(v, n) ? static_cast<long>(v) : -1;
}

Status apply_step(const f::StepHeader& h, const unsigned char* payload, const float* in, float* out) {
  const std::uint32_t n_in = h.n_in;
  (void)n_in, (void)payload, (void)in, (void)out;  // unused when EMBER_RUNTIME_STEPS leaves every kind out
  switch (static_cast<f::StepKind>(h.kind)) {
#if EMBER_RUNTIME_STEPS & (1 << 1)
    case f::StepKind::impute: {
      const auto* fill = reinterpret_cast<const float*>(payload);
      const auto* n_ind = reinterpret_cast<const std::uint32_t*>(fill + n_in);
      const std::uint32_t* cols = n_ind + 1;
      for (std::uint32_t j = 0; j < n_in; ++j) out[j] = std::isnan(in[j]) ? fill[j] : in[j];
      for (std::uint32_t k = 0; k < *n_ind; ++k) out[n_in + k] = std::isnan(in[cols[k]]) ? 1.0f : 0.0f;
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 2)
    case f::StepKind::one_hot: {
      const auto* cats = reinterpret_cast<const std::uint32_t*>(payload);
      std::uint32_t k = 0;
      for (std::uint32_t j = 0; j < n_in; ++j) {
        const std::uint32_t n = cats[j];
        if (n == 0) {
          out[k++] = in[j];
          continue;
        }
        for (std::uint32_t c = 0; c < n; ++c) out[k + c] = 0.0f;
        if (!std::isnan(in[j])) {  // missing: all zeros
          const long c = category_index(in[j], n);
          if (c >= 0) {
            out[k + static_cast<std::uint32_t>(c)] = 1.0f;
          } else if (h.flags & f::kOneHotUnknownIsError) {
            return Status::unknown_category;
          }
        }
        k += n;
      }
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 3)
    case f::StepKind::ordinal: {
      const auto* cats = reinterpret_cast<const std::uint32_t*>(payload);
      const auto* unknown = reinterpret_cast<const float*>(cats + n_in);
      const float* values = unknown + n_in;
      for (std::uint32_t j = 0; j < n_in; ++j) {
        const std::uint32_t n = cats[j];
        if (n == 0) {
          out[j] = in[j];
        } else if (std::isnan(in[j])) {
          out[j] = in[j];
        } else {
          const long c = category_index(in[j], n);
          out[j] = c >= 0 ? values[c] : unknown[j];
        }
        values += n;
      }
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 4)
    case f::StepKind::affine: {
      const auto* offset = reinterpret_cast<const float*>(payload);
      const float* scale = offset + n_in;
      for (std::uint32_t j = 0; j < n_in; ++j) out[j] = (in[j] - offset[j]) * scale[j];
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 5)
    case f::StepKind::discretize: {
      const auto* n_edges = reinterpret_cast<const std::uint32_t*>(payload);
      const auto* edges = reinterpret_cast<const float*>(n_edges + n_in);
      for (std::uint32_t j = 0; j < n_in; ++j) {
        const std::uint32_t n = n_edges[j];
        const float v = in[j];
        if (n == 0 || std::isnan(v)) {
          out[j] = v;
        } else {
          // The bin is the number of edges <= v, so v < edge goes below it.
          std::uint32_t lo = 0, hi = n;
          while (lo < hi) {
            const std::uint32_t mid = lo + (hi - lo) / 2;
            if (edges[mid] <= v) {
              lo = mid + 1;
            } else {
              hi = mid;
            }
          }
          out[j] = static_cast<float>(lo);
        }
        edges += n;
      }
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 6)
    case f::StepKind::select: {
      const auto* index = reinterpret_cast<const std::uint32_t*>(payload);
      for (std::uint32_t i = 0; i < h.n_out; ++i) out[i] = in[index[i]];
      return Status::ok;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 7)
    case f::StepKind::project: {
      const auto* w = reinterpret_cast<const float*>(payload);
      const float* bias = w + std::size_t{h.n_out} * n_in;
      for (std::uint32_t o = 0; o < h.n_out; ++o) {
        float sum = bias[o];
        const float* row = w + std::size_t{o} * n_in;
        for (std::uint32_t j = 0; j < n_in; ++j) sum += row[j] * in[j];
        out[o] = sum;
      }
      return Status::ok;
    }
#endif
    default:
      break;  // a kind this build left out: load_model refused it
  }
  return Status::unsupported_feature;  // unreachable on a verified model
}

#endif  // EMBER_RUNTIME_PIPELINE

// Runs the pipeline; *x points at the model's input afterwards (the row
// itself when there are no steps).
Status run_pipeline(const Model& m, const float* row, float* buffers, const float** x) {
  const float* in = row;
#if EMBER_RUNTIME_PIPELINE
  const unsigned char* step = m.steps;
  for (std::uint32_t s = 0; s < m.n_steps; ++s) {
    f::StepHeader h;
    std::memcpy(&h, step, sizeof h);
    float* out = buffers + (s % 2) * m.max_width;
    EMBER_TRY(apply_step(h, step + sizeof h, in, out));
    in = out;
    step += h.size;
  }
#else
  (void)m;  // load_model refused models with steps
  (void)buffers;
#endif
  *x = in;
  return Status::ok;
}

#if EMBER_RUNTIME_LINEAR
void linear_scores(const Model& m, const float* x, float* acc) {
  for (std::uint32_t o = 0; o < m.n_outputs; ++o) {
    float sum = m.intercepts[o];
    const float* w = m.weights + std::size_t{o} * m.model_features;
    for (std::uint32_t j = 0; j < m.model_features; ++j) sum += w[j] * x[j];
    acc[o] = sum;
  }
}
#endif  // EMBER_RUNTIME_LINEAR

#if EMBER_RUNTIME_TREES
#if EMBER_RUNTIME_FAST
bool has_nan(const float* x, std::uint32_t n) {
  std::uint32_t nan = 0;
  for (std::uint32_t j = 0; j < n; ++j) nan |= static_cast<std::uint32_t>(x[j] != x[j]);
  return nan != 0;
}

// Sums (or averages) the leaves that each row of xs[0, n_rows) reaches into
// acc[r * stride ...]. Trees are the outer loop and rows walk in lockstep so
// that their independent walks overlap; per row, trees add up in the same
// order as for a single row, so results are bit-identical.
template <bool kNaN, bool kCategorical, class Word>
void tree_scores(const Model& m, const float* const* xs, std::size_t n_rows, float* acc, std::size_t stride) {
  const f::TreesHeader& h = *m.trees;
  const NodeDecoder<Word> d(h);
  const auto* words = static_cast<const Word*>(m.words);
  const std::uint32_t n_trees = h.n_trees, n_outputs = h.n_outputs, leaf_width = h.leaf_width;
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (std::uint32_t o = 0; o < n_outputs; ++o) acc[r * stride + o] = 0.0f;
  }
  for (std::uint32_t t = 0; t < n_trees; ++t) {
    const std::uint32_t begin = m.node_begin[t];
    const std::uint32_t n_nodes = m.node_begin[t + 1] - begin;
    const float* leaf_values = m.leaf_values + std::size_t{m.leaf_begin[t]} * leaf_width;
    std::uint32_t leaves[kLanes];
    if (n_rows == 1) {
      leaves[0] =
          find_leaf<kNaN, kCategorical>(d, words + begin, m.thresholds + begin, m.bitsets, n_nodes, xs[0]);
    } else {
      find_leaves<kNaN, kCategorical>(d, words + begin, m.thresholds + begin, m.bitsets, n_nodes, xs, n_rows,
                                      leaves);
    }
    if (leaf_width == 1) {
      const std::uint32_t out = m.tree_output[t];
      for (std::size_t r = 0; r < n_rows; ++r) acc[r * stride + out] += leaf_values[leaves[r]];
    } else {
      for (std::size_t r = 0; r < n_rows; ++r) {
        const float* v = leaf_values + std::size_t{leaves[r]} * leaf_width;
        for (std::uint32_t o = 0; o < n_outputs; ++o) acc[r * stride + o] += v[o];
      }
    }
  }
  const bool mean = h.aggregation == static_cast<std::uint8_t>(f::Aggregation::mean);
  for (std::size_t r = 0; r < n_rows; ++r) {
    float* a = acc + r * stride;
    for (std::uint32_t o = 0; o < n_outputs; ++o) {
      if (mean) a[o] /= static_cast<float>(n_trees);
      a[o] += m.base_score[o];
    }
  }
}

// The same sums for a heap-layout model (all trees complete of depth D,
// n = 2^D - 1 nodes and n + 1 leaves each): a step is j = 2j + 1 + right
// and the walk ends at leaf j - n.
//
// kTrees consecutive trees times kRows rows walk in lockstep (compile-time
// counts, so the lanes unroll into registers) and their chains of dependent
// loads overlap; several rows per tree group also reuse the group's nodes
// while they are in L1. Lane l of a group keeps i = l n + j, an index from
// the group's first node, so that one pointer per array serves every lane:
// the child is 2i + 1 + right - l n, and the leaf is at i + l - n from the
// group's first leaf. Each row adds its leaves in tree order, as everywhere,
// so results do not depend on the blocking.
struct HeapWalk {
  std::uint32_t depth;  // D
  std::uint32_t nodes;  // n
  std::uint32_t leaf_width;
  bool one_output;
  std::size_t lane_offset[kLanes];  // l n (pointer-wide: no extension per step)
};

template <std::uint32_t kTrees, std::uint32_t kRows, bool kNaN, class Word>
void heap_block(const Model& m, const HeapWalk& hw, const NodeDecoder<Word>& d, std::uint32_t t0,
                const float* const* xs, float* acc, std::size_t stride) {
  static_assert(kTrees <= kLanes, "lane offsets cover kLanes trees");
  const std::size_t first_node = std::size_t{t0} * hw.nodes;
  const Word* words = static_cast<const Word*>(m.words) + first_node;
  const float* thresholds = m.thresholds + first_node;
  std::size_t node[kRows][kTrees];
  for (std::uint32_t r = 0; r < kRows; ++r) {
    for (std::uint32_t l = 0; l < kTrees; ++l) node[r][l] = hw.lane_offset[l];
  }
  for (std::uint32_t k = 0; k < hw.depth; ++k) {
    for (std::uint32_t r = 0; r < kRows; ++r) {
      for (std::uint32_t l = 0; l < kTrees; ++l) {
        const std::size_t i = node[r][l];
        const Word word = words[i];
        const std::uint32_t right =
            goes_right<kNaN, false>(word, d.feature(word), thresholds, nullptr, i, xs[r]);
        node[r][l] = 2 * i + 1 + right - hw.lane_offset[l];
      }
    }
  }
  // Leaf of lane l: i + l - n from the group's first leaf.
  const float* leaves = m.leaf_values + std::size_t{t0} * (hw.nodes + 1) * hw.leaf_width;
  for (std::uint32_t r = 0; r < kRows; ++r) {
    float* a = acc + r * stride;
    if (hw.one_output) {
      // Summed in a register rather than through memory: the same additions
      // in the same order.
      float sum = a[0];
      for (std::uint32_t l = 0; l < kTrees; ++l) sum += leaves[node[r][l] + l - hw.nodes];
      a[0] = sum;
      continue;
    }
    for (std::uint32_t l = 0; l < kTrees; ++l) {
      const float* v = leaves + (node[r][l] + l - hw.nodes) * hw.leaf_width;
      if (hw.leaf_width == 1) {
        a[m.tree_output[t0 + l]] += v[0];
      } else {
        for (std::uint32_t o = 0; o < hw.leaf_width; ++o) a[o] += v[o];
      }
    }
  }
}

// Heap-layout sums for rows xs[0, n_rows): tree groups outside, rows inside.
template <bool kNaN, class Word>
void uniform_tree_scores(const Model& m, const float* const* xs, std::size_t n_rows, float* acc,
                         std::size_t stride) {
  const f::TreesHeader& h = *m.trees;
  const NodeDecoder<Word> d(h);
  HeapWalk hw{};
  hw.depth = m.uniform_depth;
  hw.nodes = (1u << hw.depth) - 1u;
  hw.leaf_width = h.leaf_width;
  hw.one_output = h.n_outputs == 1;
  for (std::uint32_t l = 0; l < kLanes; ++l) hw.lane_offset[l] = l * hw.nodes;
  const std::uint32_t n_trees = h.n_trees, n_outputs = h.n_outputs;
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (std::uint32_t o = 0; o < n_outputs; ++o) acc[r * stride + o] = 0.0f;
  }
  // Shapes measured with tools/bench/bench_predict: a full block of rows
  // does best with few trees per step (the rows supply the parallelism and
  // share the trees' cache lines), a lone row with 8 trees.
  std::uint32_t t = 0;
  if (n_rows == kBatchRows) {
    constexpr std::uint32_t kBlockTrees = 2;
    for (; t + kBlockTrees <= n_trees; t += kBlockTrees) {
      heap_block<kBlockTrees, kBatchRows, kNaN>(m, hw, d, t, xs, acc, stride);
    }
  } else {
    constexpr std::uint32_t kGroup = 8;
    for (; t + kGroup <= n_trees; t += kGroup) {
      for (std::size_t r = 0; r < n_rows; ++r)
        heap_block<kGroup, 1, kNaN>(m, hw, d, t, xs + r, acc + r * stride, stride);
    }
  }
  for (; t < n_trees; ++t) {
    for (std::size_t r = 0; r < n_rows; ++r)
      heap_block<1, 1, kNaN>(m, hw, d, t, xs + r, acc + r * stride, stride);
  }
  const bool mean = h.aggregation == static_cast<std::uint8_t>(f::Aggregation::mean);
  for (std::size_t r = 0; r < n_rows; ++r) {
    float* a = acc + r * stride;
    for (std::uint32_t o = 0; o < n_outputs; ++o) {
      if (mean) a[o] /= static_cast<float>(n_trees);
      a[o] += m.base_score[o];
    }
  }
}

template <class Word>
void tree_scores_for(const Model& m, bool nan, const float* const* xs, std::size_t n_rows, float* acc,
                     std::size_t stride) {
  const bool categorical = m.trees->bitset_words > 0;
  if (m.uniform_depth > 0) {
    if (nan) {
      uniform_tree_scores<true, Word>(m, xs, n_rows, acc, stride);
    } else {
      uniform_tree_scores<false, Word>(m, xs, n_rows, acc, stride);
    }
    return;
  }
  if (nan) {
    if (categorical) {
      tree_scores<true, true, Word>(m, xs, n_rows, acc, stride);
    } else {
      tree_scores<true, false, Word>(m, xs, n_rows, acc, stride);
    }
  } else if (categorical) {
    tree_scores<false, true, Word>(m, xs, n_rows, acc, stride);
  } else {
    tree_scores<false, false, Word>(m, xs, n_rows, acc, stride);
  }
}

void tree_scores_any(const Model& m, const float* const* xs, std::size_t n_rows, float* acc,
                     std::size_t stride) {
  bool nan = false;
  for (std::size_t r = 0; r < n_rows; ++r) nan = nan || has_nan(xs[r], m.model_features);
  switch (m.trees->word_bytes) {  // load_model refused widths this build left out
#if EMBER_RUNTIME_WORDS & 2
    case 2:
      tree_scores_for<std::uint16_t>(m, nan, xs, n_rows, acc, stride);
      break;
#endif
#if EMBER_RUNTIME_WORDS & 4
    case 4:
      tree_scores_for<std::uint32_t>(m, nan, xs, n_rows, acc, stride);
      break;
#endif
#if EMBER_RUNTIME_WORDS & 8
    case 8:
      tree_scores_for<std::uint64_t>(m, nan, xs, n_rows, acc, stride);
      break;
#endif
    default:
      break;
  }
}

#else   // !EMBER_RUNTIME_FAST
// The compact walk: one function for every word width, layout and split
// kind, with the same decisions as the specialised paths (x < threshold
// goes left, NaN by the default flag, in-set categories left), so results
// are bit-identical to theirs.
std::uint32_t goes_right(const Model& m, AnyWord w, std::uint32_t feature, std::size_t i, const float* row) {
  const float x = row[feature];
  if (x != x) return (w & 2u) ? 0u : 1u;
  if ((w & 4u) == 0) return x >= m.thresholds[i] ? 1u : 0u;
  return categorical_goes_right(m.thresholds[i], m.bitsets, x);
}

// The index (within tree t) of the leaf that `row` reaches.
std::uint32_t leaf_of(const Model& m, const NodeWords& words, std::uint32_t t, const float* row) {
  const std::uint32_t begin = m.node_begin[t];
  if (m.uniform_depth > 0) {  // heap layout: node j's children are 2j + 1 and 2j + 2
    std::uint32_t j = 0;
    for (std::uint32_t k = 0; k < m.uniform_depth; ++k) {
      const AnyWord w = words.at(begin + j);
      j = 2 * j + 1 + goes_right(m, w, words.feature(w), begin + j, row);
    }
    return j - ((1u << m.uniform_depth) - 1u);
  }
  if (m.node_begin[t + 1] == begin) return 0;  // a lone leaf
  std::uint32_t i = 0, leaf = 0;
  for (;;) {  // preorder: left is the next node, right `skip` nodes later
    const AnyWord w = words.at(begin + i);
    const std::uint32_t skip = words.skip(w);
    if (goes_right(m, w, words.feature(w), begin + i, row)) {
      leaf += skip + 1;
      if (w & 1u) return leaf;
      i += 1 + skip;
    } else {
      if (skip == 0) return leaf;
      i += 1;
    }
  }
}

void tree_scores_any(const Model& m, const float* const* xs, std::size_t n_rows, float* acc,
                     std::size_t stride) {
  const f::TreesHeader& h = *m.trees;
  const NodeWords words(m.words, h);
  for (std::size_t r = 0; r < n_rows; ++r) {
    float* a = acc + r * stride;
    for (std::uint32_t o = 0; o < h.n_outputs; ++o) a[o] = 0.0f;
    for (std::uint32_t t = 0; t < h.n_trees; ++t) {
      const std::uint32_t leaf = m.leaf_begin[t] + leaf_of(m, words, t, xs[r]);
      if (h.leaf_width == 1) {
        a[m.tree_output[t]] += m.leaf_values[leaf];
      } else {
        const float* v = m.leaf_values + std::size_t{leaf} * h.leaf_width;
        for (std::uint32_t o = 0; o < h.n_outputs; ++o) a[o] += v[o];
      }
    }
    for (std::uint32_t o = 0; o < h.n_outputs; ++o) {
      if (h.aggregation == static_cast<std::uint8_t>(f::Aggregation::mean))
        a[o] /= static_cast<float>(h.n_trees);
      a[o] += m.base_score[o];
    }
  }
}
#endif  // EMBER_RUNTIME_FAST
#endif  // EMBER_RUNTIME_TREES

// Raw scores of rows xs[0, n_rows) into acc + r * stride, by the model's kind.
void model_scores(const Model& m, const float* const* xs, std::size_t n_rows, float* acc,
                  std::size_t stride) {
#if EMBER_RUNTIME_LINEAR
  if (m.kind == ModelKind::linear) {
    for (std::size_t r = 0; r < n_rows; ++r) linear_scores(m, xs[r], acc + r * stride);
    return;
  }
#endif
#if EMBER_RUNTIME_TREES
  tree_scores_any(m, xs, n_rows, acc, stride);  // load_model refused the kinds this build left out
#endif
}

// Turns raw scores (in `acc`, which it may overwrite) into the requested output.
void finish_output(const Model& m, float* acc, Output kind, float* out) {
  if (kind == Output::raw) {
    for (std::uint32_t o = 0; o < m.n_outputs; ++o) out[o] = acc[o];
    return;
  }
  if (m.task == f::Task::regression) {
    out[0] = acc[0];
    return;
  }
  // Class probabilities into acc[0, n_classes).
  const std::uint32_t k = m.n_classes;
  if (m.link == f::Link::logistic) {
    const float p = portable_sigmoid(acc[0]);
    acc[0] = 1.0f - p;
    acc[1] = p;
  } else if (m.link == f::Link::softmax) {
    float top = acc[0];
    for (std::uint32_t c = 1; c < k; ++c) top = acc[c] > top ? acc[c] : top;
    float sum = 0.0f;
    for (std::uint32_t c = 0; c < k; ++c) {
      acc[c] = portable_exp(acc[c] - top);
      sum += acc[c];
    }
    for (std::uint32_t c = 0; c < k; ++c) acc[c] /= sum;
  }
  if (kind == Output::probability) {
    for (std::uint32_t c = 0; c < k; ++c) out[c] = acc[c];
    return;
  }
  std::uint32_t best = 0;
  for (std::uint32_t c = 1; c < k; ++c) best = acc[c] > acc[best] ? c : best;
  out[0] = static_cast<float>(best);
}

Status check_kind(const Model& m, Output kind, std::size_t out_size) {
  const std::size_t n = output_size(m, kind);
  if (n == 0) return Status::invalid_argument;
  return out_size == n ? Status::ok : Status::shape_mismatch;
}

// A loop rather than memcpy, so that the runtime does not pull in the C
// library's memcpy (about 300 bytes on Cortex-M).
void copy_floats(const float* from, std::size_t n, float* to) {
  for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

float* aligned_floats(Span<unsigned char> scratch) {
  // Scratch is documented as needing float alignment; round up defensively.
  const auto address = reinterpret_cast<std::uintptr_t>(scratch.data());
  return reinterpret_cast<float*>(scratch.data() + ((4 - (address & 3u)) & 3u));
}

#endif  // EMBER_RUNTIME_FLOAT

}  // namespace

std::uint32_t predict_scratch_bytes(const Model& m) noexcept {
  if (integer_model(m)) return quant_scratch_bytes(m);
  return static_cast<std::uint32_t>(4 * (pipeline_floats(m) + accumulator_floats(m)) + 4);
}

std::size_t scratch_bytes(const Model& m) noexcept { return m.scratch_bytes; }

std::size_t batch_scratch_bytes(const Model& m) noexcept {
  if (integer_model(m)) return m.scratch_bytes;  // predict_batch runs predict() row by row
#if !EMBER_RUNTIME_FAST
  return m.scratch_bytes;  // predict_batch runs predict() row by row
#else
  const std::size_t block = m.n_steps > 0 ? kBatchRows * std::size_t{m.model_features} : 0;
  return 4 * (pipeline_floats(m) + block + kBatchRows * accumulator_floats(m)) + 4;
#endif
}

std::size_t output_size(const Model& m, Output kind) noexcept {
  switch (kind) {
    case Output::raw:
      return m.n_outputs;
    case Output::probability:
      return m.task == f::Task::regression ? 0 : m.n_classes;
    case Output::label:
      return 1;
  }
  return 0;
}

// (An integer-only build defines the three entry points below in
// predict_q.cpp, as refusals.)
#if EMBER_RUNTIME_FLOAT
Status predict(const Model& m, Span<const float> row, Span<unsigned char> scratch, Output kind,
               Span<float> out) noexcept {
  if (integer_model(m)) return predict_integer(m, row, scratch, kind, out);
  if (row.size() != m.n_features) return Status::shape_mismatch;
  EMBER_TRY(check_kind(m, kind, out.size()));
  if (scratch.size() < m.scratch_bytes) return Status::invalid_argument;
  float* buffers = aligned_floats(scratch);
  float* acc = buffers + pipeline_floats(m);
  const float* x = nullptr;
  EMBER_TRY(run_pipeline(m, row.data(), buffers, &x));
  model_scores(m, &x, 1, acc, accumulator_floats(m));
  finish_output(m, acc, kind, out.data());
  return Status::ok;
}

// An integer model has no float pipeline to run: unsupported_feature.
Status transform(const Model& m, Span<const float> row, Span<unsigned char> scratch,
                 Span<float> out) noexcept {
  if (integer_model(m)) return Status::unsupported_feature;
  if (row.size() != m.n_features || out.size() != m.model_features) return Status::shape_mismatch;
  if (scratch.size() < m.scratch_bytes) return Status::invalid_argument;
  const float* x = nullptr;
  EMBER_TRY(run_pipeline(m, row.data(), aligned_floats(scratch), &x));
  copy_floats(x, m.model_features, out.data());
  return Status::ok;
}

Status predict_batch(const Model& m, MatrixView<const float> rows, Span<unsigned char> scratch, Output kind,
                     MatrixView<float> out) noexcept {
  if (rows.cols != m.n_features || out.rows != rows.rows) return Status::shape_mismatch;
  EMBER_TRY(check_kind(m, kind, out.cols));
  if (integer_model(m)) {
    for (std::size_t r = 0; r < rows.rows; ++r) EMBER_TRY(predict(m, rows.row(r), scratch, kind, out.row(r)));
    return Status::ok;
  }
#if !EMBER_RUNTIME_FAST
  // The compact walk gains nothing from blocks of rows: one row at a time.
  for (std::size_t r = 0; r < rows.rows; ++r) EMBER_TRY(predict(m, rows.row(r), scratch, kind, out.row(r)));
  return Status::ok;
#else
  if (scratch.size() < batch_scratch_bytes(m)) return Status::invalid_argument;
  float* buffers = aligned_floats(scratch);
  float* block = buffers + pipeline_floats(m);
  const std::size_t stride = accumulator_floats(m);
  float* acc = block + (m.n_steps > 0 ? kBatchRows * std::size_t{m.model_features} : 0);
  for (std::size_t first = 0; first < rows.rows; first += kBatchRows) {
    const std::size_t n = rows.rows - first < kBatchRows ? rows.rows - first : kBatchRows;
    const float* xs[kBatchRows];
    for (std::size_t r = 0; r < n; ++r) {
      const float* x = nullptr;
      EMBER_TRY(run_pipeline(m, rows.row(first + r).data(), buffers, &x));
      if (m.n_steps > 0) {
        float* keep = block + r * m.model_features;
        copy_floats(x, m.model_features, keep);
        x = keep;
      }
      xs[r] = x;
    }
    model_scores(m, xs, n, acc, stride);
    for (std::size_t r = 0; r < n; ++r) finish_output(m, acc + r * stride, kind, out.row(first + r).data());
  }
  return Status::ok;
#endif
}
#endif  // EMBER_RUNTIME_FLOAT

}  // namespace ember
