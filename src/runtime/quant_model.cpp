// The loader's half for integer models: QINP, QTRE and QLIN verified as
// strictly as the float sections, with integer operations only (scales are
// checked on their bits), so that an integer-only build reads no float.
#include <cstddef>

#include "ember/runtime/config.h"
#include "runtime/quant_layout.h"

namespace ember {

namespace f = format;

namespace {

constexpr std::uint32_t kMaxWidth = 1u << 20;  // as the float loader's

template <class T>
const T* at_offset(const unsigned char* p, std::uint32_t offset) {
  return static_cast<const T*>(static_cast<const void*>(p + offset));
}

bool all_zero(const unsigned char* p, std::uint32_t n) {
  unsigned char any = 0;
  for (std::uint32_t i = 0; i < n; ++i) any |= p[i];
  return any == 0;
}

bool in_int16(std::int32_t v) { return v >= -32768 && v <= 32767; }

// The task/link/outputs combinations that mean something (as the float
// rules): regression 1 output, identity; binary 1 output with logistic,
// else 2 with softmax (or identity: probabilities); multiclass n_classes
// outputs, softmax (or identity).
Status check_outputs(const Model& m, f::Link link, std::uint32_t n_outputs, bool probabilities_allowed) {
  if (m.task > f::Task::multiclass) return Status::bad_value;
  const std::uint32_t want = m.task == f::Task::regression ? 1u
                             : m.task == f::Task::binary   ? (link == f::Link::logistic ? 1u : 2u)
                                                           : m.n_classes;
  if (n_outputs != want) return Status::shape_mismatch;
  const bool wrong_link = link == f::Link::logistic ? m.task != f::Task::binary
                          : link == f::Link::identity
                              ? m.task != f::Task::regression && !probabilities_allowed
                              : m.task == f::Task::regression;
  return wrong_link ? Status::shape_mismatch : Status::ok;
}

// Header fields common to QTRE and QLIN: outputs, link, Q format, link error.
Status check_model_header(const Model& m, std::uint32_t n_features, std::uint32_t n_outputs,
                          std::uint8_t link, std::uint8_t out_frac_bits, std::uint32_t link_error,
                          bool probabilities_allowed) {
  if (n_features != m.n_features) return Status::shape_mismatch;
  if (n_outputs == 0 || n_outputs > kMaxWidth) return Status::bad_value;
  if (link > static_cast<std::uint8_t>(f::Link::softmax)) return Status::bad_value;
  EMBER_TRY(check_outputs(m, static_cast<f::Link>(link), n_outputs, probabilities_allowed));
  // Classification outputs are Q16 logits or Q0.16 probabilities.
  if (out_frac_bits > 30 || (m.task != f::Task::regression && out_frac_bits != 16)) return Status::bad_value;
  if (link == static_cast<std::uint8_t>(f::Link::identity) && link_error != 0) return Status::bad_value;
  return Status::ok;
}

// A prefix array [0, n] of offsets: starts at 0, never decreases, ends at `total`.
Status check_prefix(const std::uint32_t* begin, std::uint32_t n, std::uint32_t total) {
  if (begin[0] != 0 || begin[n] != total) return Status::out_of_bounds;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (begin[i + 1] < begin[i]) return Status::out_of_bounds;
  }
  return Status::ok;
}

// Cut tables: per feature strictly increasing, at most kQuantMaxCuts, and
// only where a feature may have cuts: with `term` (linear models) a bins
// term, else (trees) a numeric feature.
Status check_cuts(const Model& m, const std::uint32_t* cut_begin, const std::int32_t* cuts,
                  std::uint32_t total, const std::uint8_t* term) {
  EMBER_TRY(check_prefix(cut_begin, m.n_features, total));
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    const std::uint32_t b = cut_begin[j], e = cut_begin[j + 1];
    const bool may_cut =
        term != nullptr ? term[j] == static_cast<std::uint8_t>(f::QuantTerm::bins) : m.n_categories[j] == 0;
    if (e != b && !may_cut) return Status::bad_value;
    if (e - b > kQuantMaxCuts) return Status::unsupported_feature;
    for (std::uint32_t k = b + 1; k < e; ++k) {
      if (!(cuts[k - 1] < cuts[k])) return Status::bad_value;
    }
  }
  return Status::ok;
}

// One node of a tree with n_nodes nodes and n_leaves leaves, at index i.
Status check_node(const Model& m, const QuantTreesView& v, const f::QuantNode& n, std::uint32_t i,
                  std::uint32_t n_nodes, std::uint32_t n_leaves) {
  constexpr std::uint8_t kKnown = f::kQNodeDefaultLeft | f::kQNodeCategorical | f::kQNodeUnknownLeft |
                                  f::kQNodeLeftIsLeaf | f::kQNodeRightIsLeaf;
  if ((n.flags & ~kKnown) != 0 || n.reserved != 0) return Status::bad_value;
  if (n.feature >= m.n_features) return Status::bad_index;
  const std::uint32_t k = m.n_categories[n.feature];
  if (n.flags & f::kQNodeCategorical) {
    if (k == 0) return Status::bad_value;  // a bitset on a numeric feature
    const std::uint32_t words = v.h().bitset_words;
    if (n.split >= words) return Status::out_of_bounds;
    const std::uint32_t n_words = v.bitsets()[n.split];
    if (n_words == 0 || n_words > words - n.split - 1) return Status::out_of_bounds;
    if (n_words > (k + 31) / 32) return Status::bad_value;  // bits past the last category
  } else {
    if (k != 0 || (n.flags & f::kQNodeUnknownLeft)) return Status::bad_value;
    const std::uint32_t* cut_begin = v.cut_begin();
    if (n.split >= cut_begin[n.feature + 1] - cut_begin[n.feature]) return Status::bad_index;
  }
  // Children: a leaf of the tree, or a later node (so that every walk ends).
  std::uint32_t child = n.left;
  for (std::uint8_t leaf_flag = f::kQNodeLeftIsLeaf; leaf_flag <= f::kQNodeRightIsLeaf; leaf_flag <<= 1) {
    if (n.flags & leaf_flag) {
      if (child >= n_leaves) return Status::bad_index;
    } else if (child <= i || child >= n_nodes) {
      return Status::bad_tree;
    }
    child = n.right;
  }
  return Status::ok;
}

Status check_tree_arrays(const Model& m, const QuantTreesView& v) {
  const f::QuantTreesHeader& h = v.h();
  const std::uint32_t* node_begin = v.node_begin();
  const std::uint32_t* leaf_begin = v.leaf_begin();
  EMBER_TRY(check_cuts(m, v.cut_begin(), v.cuts(), h.total_cuts, nullptr));
  EMBER_TRY(check_prefix(node_begin, h.n_trees, h.total_nodes));
  EMBER_TRY(check_prefix(leaf_begin, h.n_trees, h.total_leaves));
  for (std::uint32_t t = 0; t < h.n_trees; ++t) {
    const std::uint32_t n_nodes = node_begin[t + 1] - node_begin[t];
    const std::uint32_t n_leaves = leaf_begin[t + 1] - leaf_begin[t];
    // A binary tree has one leaf more than internal nodes (16 bytes a node
    // within the section: n_nodes + 1 cannot wrap).
    if (n_leaves != n_nodes + 1) return Status::bad_tree;
    const std::uint32_t output = v.tree_output()[t];
    if (h.leaf_width == 1 ? output >= h.n_outputs : output != 0) return Status::bad_index;
    const f::QuantNode* nodes = v.nodes() + node_begin[t];
    for (std::uint32_t i = 0; i < n_nodes; ++i) EMBER_TRY(check_node(m, v, nodes[i], i, n_nodes, n_leaves));
  }
  return Status::ok;
}

// The section is exactly `need` bytes.
Status check_size(std::uint64_t need, std::uint32_t size) {
  if (need > size) return Status::out_of_bounds;
  return need < size ? Status::bad_section : Status::ok;
}

// Which entries a QLIN term owns per output (table_begin's steps), from the
// feature's cut count or category count k: none 0, linear 1, bins
// n_cuts + 2, category k + 2; ~0u for a term the feature cannot take
// (linear and bins need a numeric feature, category a categorical one).
std::uint32_t term_entries(std::uint32_t term, std::uint32_t k, std::uint32_t n_cuts) {
  constexpr auto kCategory = static_cast<std::uint32_t>(f::QuantTerm::category);
  if (term > kCategory || (term != 0 && (term == kCategory) != (k != 0))) return ~0u;
  return term < 2 ? term : (term == kCategory ? k : n_cuts) + 2;
}

// |v| of an int32 (2^31 for INT32_MIN).
std::uint32_t magnitude(std::int32_t v) {
  return v < 0 ? 0u - static_cast<std::uint32_t>(v) : static_cast<std::uint32_t>(v);
}

// Per feature: its term fits its type and its table has exactly its
// entries. Then per output: its requantization, INT32_MIN ("cannot take
// this case") only at the missing and unknown slots, weights only on linear
// terms, and the accumulator bound: the largest |acc| any row can reach,
// |bias| + per feature its largest contribution (each at most 2^31:
// |weight| <= 2^15 times |q - zero_point| < 2^16; n_features <= 2^20, so
// the 64-bit sum cannot wrap).
Status check_linear_terms(const Model& m, const QuantLinearView& v) {
  const f::QuantLinearHeader& h = v.h();
  const std::uint32_t n_out = h.n_outputs, n_features = h.n_features;
  const std::uint8_t* term = v.term();
  const std::uint32_t* cut_begin = v.cut_begin();
  const std::uint32_t* table_begin = v.table_begin();
  const std::int32_t* table = v.table();
  for (std::uint32_t j = 0; j < n_features; ++j) {
    const std::uint32_t entries = term_entries(term[j], m.n_categories[j], cut_begin[j + 1] - cut_begin[j]);
    if (entries == ~0u) return Status::bad_value;
    if (std::uint64_t{table_begin[j + 1]} - table_begin[j] != std::uint64_t{entries} * n_out)
      return Status::shape_mismatch;
  }
  const auto* w8 = static_cast<const std::int8_t*>(v.weights());
  const auto* w16 = static_cast<const std::int16_t*>(v.weights());
  for (std::uint32_t o = 0; o < n_out; ++o) {
    if (v.multiplier()[o] < (1 << 14) || v.multiplier()[o] >= (1 << 15) || v.shift()[o] > 62)
      return Status::bad_value;
    std::uint64_t bound = magnitude(v.bias()[o]);
    for (std::uint32_t j = 0; j < n_features; ++j) {
      const std::uint32_t e = table_begin[j + 1];
      // The slots that may say "cannot take": missing (the last), and a
      // category's unknown one (the one before).
      const std::uint32_t specials = term[j] == static_cast<std::uint8_t>(f::QuantTerm::category) ? 2 : 1;
      std::uint32_t worst = 0;
      for (std::uint32_t k = table_begin[j] + o; k < e; k += n_out) {
        if (table[k] == INT32_MIN) {
          if (k + specials * n_out < e) return Status::bad_value;
        } else if (magnitude(table[k]) > worst) {
          worst = magnitude(table[k]);
        }
      }
      const std::size_t at = std::size_t{o} * n_features + j;
      const std::int32_t weight = h.weight_bits == 8 ? w8[at] : w16[at];
      if (term[j] == static_cast<std::uint8_t>(f::QuantTerm::linear)) {
        // The largest |q - zero_point| over the int16 inputs.
        const std::int32_t zero_point = m.quant_inputs[j].zero_point;
        const std::uint32_t centered =
            static_cast<std::uint32_t>(zero_point < 0 ? 32767 - zero_point : zero_point + 32768);
        const std::uint32_t most = magnitude(weight) * centered;
        worst = most > worst ? most : worst;
      } else if (weight != 0) {
        return Status::bad_value;
      }
      bound += worst;
    }
    if (bound >= kQuantAccLimit) return Status::bad_value;
  }
  return Status::ok;
}

// One array of a section, from its header's u32 words: word `count` (+ 1
// with plus_one) elements, times word `times` unless kOne, of 2^shift bytes
// (kWeights: the QLIN weights' width).
struct ArraySpec {
  std::uint8_t count, times, plus_one, shift;
};
constexpr std::uint8_t kOne = 0xFF, kWeights = 0xFF;
// QTRE words: 0 n_features, 1 n_outputs, 2 n_trees, 3 leaf_width,
// 4 total_nodes, 5 total_leaves, 6 total_cuts, 7 bitset_words.
constexpr ArraySpec kTreeArrays[kQuantArrays] = {
    {1, kOne, 0, 2},  // i32 base_score[n_outputs]
    {0, kOne, 1, 2},  // u32 cut_begin[n_features + 1]
    {6, kOne, 0, 2},  // i32 cuts[total_cuts]
    {2, kOne, 1, 2},  // u32 node_begin[n_trees + 1]
    {2, kOne, 1, 2},  // u32 leaf_begin[n_trees + 1]
    {2, kOne, 0, 2},  // u32 tree_output[n_trees]
    {4, kOne, 0, 4},  // QuantNode nodes[total_nodes]
    {5, 3, 0, 2},     // i32 leaf_value[total_leaves x leaf_width]
    {7, kOne, 0, 2},  // u32 bitsets[bitset_words]
};
// QLIN words: 0 n_features, 1 n_outputs, 2 total_cuts, 3 total_table.
constexpr ArraySpec kLinearArrays[kQuantArrays] = {
    {0, kOne, 0, 0},     // u8 term[n_features]
    {0, kOne, 1, 2},     // u32 cut_begin[n_features + 1]
    {2, kOne, 0, 2},     // i32 cuts[total_cuts]
    {0, kOne, 1, 2},     // u32 table_begin[n_features + 1]
    {3, kOne, 0, 2},     // i32 table[total_table]
    {1, kOne, 0, 2},     // i32 bias[n_outputs]
    {1, kOne, 0, 2},     // i32 multiplier[n_outputs]
    {1, kOne, 0, 2},     // u32 shift[n_outputs]
    {1, 0, 0, kWeights}  // i8 or i16 weight[n_outputs x n_features]
};

}  // namespace

std::uint64_t quant_layout(bool trees, QuantView* v) noexcept {
  trees = EMBER_RUNTIME_TREES && (trees || !EMBER_RUNTIME_LINEAR);  // only the kinds this build carries
  const auto* word = at_offset<std::uint32_t>(v->p, 0);
  const ArraySpec* spec = trees ? kTreeArrays : kLinearArrays;
  std::uint64_t at = trees ? sizeof(f::QuantTreesHeader) : sizeof(f::QuantLinearHeader);
  const unsigned weight_shift = trees || v->header<f::QuantLinearHeader>()->weight_bits == 8 ? 0 : 1;
  for (unsigned i = 0; i < kQuantArrays; ++i) {
    const ArraySpec& a = spec[i];
    std::uint64_t count = std::uint64_t{word[a.count]} + a.plus_one;
    if (a.times != kOne) count *= word[a.times];
    v->offset[i] = static_cast<std::uint32_t>(at);
    at += ((count << (a.shift == kWeights ? weight_shift : a.shift)) + 3) & ~std::uint64_t{3};
  }
  return at;
}

Status check_quant_inputs(const unsigned char* p, std::uint32_t size, Model* m) noexcept {
  if (size < sizeof(f::QuantInputsHeader)) return Status::out_of_bounds;
  const auto* h = at_offset<f::QuantInputsHeader>(p, 0);
  if (h->n_features != m->n_features) return Status::shape_mismatch;
  if (h->input_type != static_cast<std::uint8_t>(f::QuantInputType::int16))
    return Status::unsupported_feature;
  if ((h->flags & ~f::kQuantInputsNative) != 0 || h->reserved[0] != 0 || h->reserved[1] != 0)
    return Status::bad_value;
  // (n_features is the schema's, at most 2^20: no wrap.)
  EMBER_TRY(check_size(sizeof(f::QuantInputsHeader) + h->n_features * sizeof(f::QuantInput), size));
  const auto* in = at_offset<f::QuantInput>(p, sizeof(f::QuantInputsHeader));
  for (std::uint32_t j = 0; j < h->n_features; ++j) {
    const f::QuantInput& q = in[j];
    if (!in_int16(q.zero_point) || !in_int16(q.missing_code)) return Status::bad_value;
    // Finite and > 0, on the bits: sign clear, exponent not all ones, not zero.
    if ((q.scale_bits >> 31) != 0 || (q.scale_bits >> 23) == 0xFFu || q.scale_bits == 0)
      return Status::bad_value;
    const std::uint32_t k = m->n_categories[j];
    if (k == 0) continue;
    if (k > kQuantMaxCategories) return Status::unsupported_feature;
    // A category code is q itself, and missing_code is none of them.
    if (q.zero_point != 0 || q.scale_bits != 0x3F800000u) return Status::bad_value;
    if (q.missing_code >= 0 && static_cast<std::uint32_t>(q.missing_code) < k) return Status::bad_value;
  }
  m->quant_inputs = in;
  return Status::ok;
}

namespace {

// The fields that QTRE and QLIN headers share at their ends: link,
// out_frac_bits, two bytes of their own (QTRE: reserved; QLIN: weight_bits,
// reserved) and link_error. (Both begin with n_features and n_outputs.)
struct HeaderTail {
  std::uint8_t link, out_frac_bits, own[2];
  std::uint32_t link_error;
};
static_assert(offsetof(f::QuantTreesHeader, link) + sizeof(HeaderTail) == sizeof(f::QuantTreesHeader) &&
                  offsetof(f::QuantLinearHeader, link) + sizeof(HeaderTail) == sizeof(f::QuantLinearHeader),
              "QTRE and QLIN headers end alike");

Status check_trees_section(const unsigned char* p, std::uint32_t size, const Model& m) {
  const auto* h = at_offset<f::QuantTreesHeader>(p, 0);
  if (h->n_trees == 0) return Status::bad_value;
  if (h->leaf_width != 1 && h->leaf_width != h->n_outputs) return Status::shape_mismatch;
  if (h->reserved[0] != 0 || h->reserved[1] != 0) return Status::bad_value;
  QuantTreesView v(p);
  EMBER_TRY(check_size(quant_layout(true, &v), size));
  return check_tree_arrays(m, v);
}

Status check_linear_section(const unsigned char* p, std::uint32_t size, const Model& m) {
  const auto* h = at_offset<f::QuantLinearHeader>(p, 0);
  if (h->weight_bits != 8 && h->weight_bits != 16) return Status::unsupported_feature;
  if (h->reserved != 0) return Status::bad_value;
  QuantLinearView v(p);
  EMBER_TRY(check_size(quant_layout(false, &v), size));
  // Padding after the terms and after the weights is zero (every figure
  // below is within the section: 32 bits suffice).
  const std::uint32_t term_end = sizeof(f::QuantLinearHeader) + h->n_features;
  const std::uint32_t weight_end = v.offset[8] + h->n_outputs * h->n_features * (h->weight_bits / 8u);
  if (!all_zero(p + term_end, v.offset[1] - term_end) || !all_zero(p + weight_end, size - weight_end))
    return Status::bad_value;
  EMBER_TRY(check_cuts(m, v.cut_begin(), v.cuts(), h->total_cuts, v.term()));
  EMBER_TRY(check_prefix(v.table_begin(), h->n_features, h->total_table));
  return check_linear_terms(m, v);
}

// QTRE (`trees`) or QLIN: the shared header fields, the section's own, then
// the model's fields in `m`. A kind this build leaves out is refused first
// (so that the compiler drops its checks).
Status check_quant_model(bool trees, const unsigned char* p, std::uint32_t size, Model* m) {
  if (trees ? !EMBER_RUNTIME_TREES : !EMBER_RUNTIME_LINEAR) return Status::unsupported_feature;
  const std::uint32_t header = trees ? sizeof(f::QuantTreesHeader) : sizeof(f::QuantLinearHeader);
  if (size < header) return Status::out_of_bounds;
  const auto* word = at_offset<std::uint32_t>(p, 0);
  const auto* tail = at_offset<HeaderTail>(p, header - static_cast<std::uint32_t>(sizeof(HeaderTail)));
  EMBER_TRY(check_model_header(*m, word[0], word[1], tail->link, tail->out_frac_bits, tail->link_error,
                               /*probabilities_allowed=*/trees));
  EMBER_TRY(trees ? check_trees_section(p, size, *m) : check_linear_section(p, size, *m));
  m->kind = trees ? ModelKind::quant_trees : ModelKind::quant_linear;
  m->link = static_cast<f::Link>(tail->link);
  m->out_frac_bits = tail->out_frac_bits;
  m->model_features = word[0];
  m->n_outputs = word[1];
  m->quant_model = p;
  return Status::ok;
}

}  // namespace

Status check_quant_trees(const unsigned char* p, std::uint32_t size, Model* m) noexcept {
  return check_quant_model(true, p, size, m);
}

Status check_quant_linear(const unsigned char* p, std::uint32_t size, Model* m) noexcept {
  return check_quant_model(false, p, size, m);
}

Status check_integer_model(const unsigned char* bytes, std::uint16_t version_minor,
                           const f::SectionEntry* qinp, const f::SectionEntry* qmodel, Model* m) noexcept {
  if (qinp == nullptr || qmodel == nullptr) return Status::bad_section;
  if (version_minor < f::kVersionMinorInteger) return Status::bad_value;
  if (!EMBER_RUNTIME_INTEGER) return Status::unsupported_feature;  // left out of this build
  EMBER_TRY(check_quant_inputs(bytes + qinp->offset, qinp->size, m));
  const bool trees = qmodel->kind == static_cast<std::uint32_t>(f::SectionKind::quant_trees);
  return check_quant_model(trees, bytes + qmodel->offset, qmodel->size, m);
}

}  // namespace ember
