// load_model: the one pass that verifies a model file before anything trusts it.
#include "ember/runtime/model.h"

#include <cmath>
#include <cstring>

#include "ember/runtime/config.h"
#include "runtime/cursor.h"
#include "runtime/quant_layout.h"
#include "runtime/runtime_internal.h"
#include "runtime/tree_walk.h"

namespace ember {

namespace f = format;

namespace {

// Inputs wider than this are refused: it bounds scratch sizes and keeps
// every width product far from overflow.
constexpr std::uint32_t kMaxWidth = 1u << 20;
// Category codes travel as floats; beyond 2^24 they would not be exact.
constexpr std::uint32_t kMaxCategories = 1u << 24;

// Reserved fields must be zero, so that a later version may give them a
// meaning (and a crafted file cannot hide bytes in them).
bool all_zero(const void* p, std::uint32_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  unsigned char any = 0;
  for (std::uint32_t i = 0; i < n; ++i) any |= b[i];
  return any == 0;
}

// The loader's recurring checks, one body each (they keep the loader small
// on a device): `n` floats, each finite (or, with nan_allowed, not
// infinite); `n` counts, each at most kMaxCategories, and their sum; `n`
// indices, each below `limit`.
#if EMBER_RUNTIME_FLOAT
Status take_floats(Cursor& c, std::uint64_t n, const float** out, bool nan_allowed = false) {
  EMBER_TRY(c.take_array(n, out));
  for (std::uint64_t i = 0; i < n; ++i) {
    const float v = (*out)[i];
    if (std::isinf(v) || (!nan_allowed && std::isnan(v))) return Status::bad_value;
  }
  return Status::ok;
}

#endif  // EMBER_RUNTIME_FLOAT

[[maybe_unused]] Status take_counts(Cursor& c, std::uint32_t n, const std::uint32_t** out,
                                    std::uint64_t* total) {
  EMBER_TRY(c.take_array(n, out));
  *total = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if ((*out)[i] > kMaxCategories) return Status::bad_value;
    *total += (*out)[i];
  }
  return Status::ok;
}

[[maybe_unused]] Status take_indices(Cursor& c, std::uint32_t n, std::uint32_t limit,
                                     const std::uint32_t** out) {
  EMBER_TRY(c.take_array(n, out));
  for (std::uint32_t i = 0; i < n; ++i) {
    if ((*out)[i] >= limit) return Status::bad_index;
  }
  return Status::ok;
}

// (Read without a Cursor, so that an integer-only build needs none: the
// section is 8-byte aligned and every figure is checked against its size.)
Status check_schema(const unsigned char* p, std::uint32_t size, Model* m) {
  if (size < sizeof(f::SchemaHeader)) return Status::out_of_bounds;
  const auto* h = static_cast<const f::SchemaHeader*>(static_cast<const void*>(p));
  if (h->n_features == 0 || h->n_features > kMaxWidth || !all_zero(h->reserved, sizeof h->reserved))
    return Status::bad_value;
  switch (static_cast<f::Task>(h->task)) {
    case f::Task::regression:
      if (h->n_classes != 0) return Status::bad_value;
      break;
    case f::Task::binary:
      if (h->n_classes != 2) return Status::bad_value;
      break;
    case f::Task::multiclass:
      if (h->n_classes < 3 || h->n_classes > kMaxWidth) return Status::bad_value;
      break;
    default:
      return Status::bad_value;
  }
  // u32 n_categories[n_features] (n_features <= 2^20: no wrap), each at
  // most kMaxCategories, and nothing after.
  const std::uint32_t counts = 4 * h->n_features, rest = size - static_cast<std::uint32_t>(sizeof *h);
  if (counts > rest) return Status::out_of_bounds;
  const auto* k = static_cast<const std::uint32_t*>(static_cast<const void*>(p + sizeof *h));
  for (std::uint32_t i = 0; i < h->n_features; ++i) {
    if (k[i] > kMaxCategories) return Status::bad_value;
  }
  if (counts < rest) return Status::bad_section;
  m->n_categories = k;
  m->task = static_cast<f::Task>(h->task);
  m->n_features = h->n_features;
  m->n_classes = h->n_classes;
  return Status::ok;
}

#if EMBER_RUNTIME_FLOAT
#if EMBER_RUNTIME_PIPELINE
// Checks one pipeline step's payload against its header; returns its output width.
Status check_step(const f::StepHeader& h, Cursor& c, std::uint32_t* n_out) {
  const std::uint32_t n_in = h.n_in;
  (void)n_in, (void)c, (void)n_out;  // unused when EMBER_RUNTIME_STEPS leaves every kind out
  switch (static_cast<f::StepKind>(h.kind)) {
#if EMBER_RUNTIME_STEPS & (1 << 1)
    case f::StepKind::impute: {
      const float* fill = nullptr;
      const std::uint32_t* n_ind = nullptr;
      const std::uint32_t* cols = nullptr;
      EMBER_TRY(take_floats(c, n_in, &fill));
      EMBER_TRY(c.take(&n_ind));
      EMBER_TRY(take_indices(c, *n_ind, n_in, &cols));
      *n_out = n_in + *n_ind;
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 2)
    case f::StepKind::one_hot: {
      const std::uint32_t* cats = nullptr;
      std::uint64_t width = 0;
      EMBER_TRY(take_counts(c, n_in, &cats, &width));
      for (std::uint32_t i = 0; i < n_in; ++i) width += cats[i] == 0;  // a numeric column passes through
      if (width > kMaxWidth) return Status::bad_value;
      *n_out = static_cast<std::uint32_t>(width);
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 3)
    case f::StepKind::ordinal: {
      const std::uint32_t* cats = nullptr;
      const float* unknown = nullptr;
      const float* values = nullptr;
      std::uint64_t total = 0;
      EMBER_TRY(take_counts(c, n_in, &cats, &total));
      // NaN is allowed: it maps a category (or an unknown one) to "missing".
      EMBER_TRY(take_floats(c, n_in, &unknown, /*nan_allowed=*/true));
      EMBER_TRY(take_floats(c, total, &values, /*nan_allowed=*/true));
      *n_out = n_in;
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 4)
    case f::StepKind::affine: {
      const float* offset = nullptr;
      const float* scale = nullptr;
      EMBER_TRY(take_floats(c, n_in, &offset));
      EMBER_TRY(take_floats(c, n_in, &scale));
      *n_out = n_in;
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 5)
    case f::StepKind::discretize: {
      const std::uint32_t* n_edges = nullptr;
      const float* edges = nullptr;
      std::uint64_t total = 0;
      EMBER_TRY(take_counts(c, n_in, &n_edges, &total));
      EMBER_TRY(take_floats(c, total, &edges));
      std::uint64_t k = 0;
      for (std::uint32_t i = 0; i < n_in; ++i) {
        for (std::uint32_t e = 1; e < n_edges[i]; ++e) {
          if (!(edges[k + e - 1] < edges[k + e])) return Status::bad_value;
        }
        k += n_edges[i];
      }
      *n_out = n_in;
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 6)
    case f::StepKind::select: {
      const std::uint32_t* index = nullptr;
      EMBER_TRY(take_indices(c, h.n_out, n_in, &index));
      *n_out = h.n_out;
      break;
    }
#endif
#if EMBER_RUNTIME_STEPS & (1 << 7)
    case f::StepKind::project: {
      const float* weights = nullptr;
      const float* bias = nullptr;
      if (h.n_out == 0 || h.n_out > kMaxWidth) return Status::bad_value;
      EMBER_TRY(take_floats(c, std::uint64_t{h.n_out} * n_in, &weights));
      EMBER_TRY(take_floats(c, h.n_out, &bias));
      *n_out = h.n_out;
      break;
    }
#endif
    default:
      return Status::unsupported_feature;
  }
  return Status::ok;
}

Status check_pipeline(const unsigned char* p, std::uint32_t size, Model* m, std::uint32_t* width) {
  Cursor c(p, size);
  const f::PipelineHeader* h = nullptr;
  EMBER_TRY(c.take(&h));
  if (h->n_steps > 1024 || h->reserved != 0) return Status::bad_value;
  m->steps = p + c.position();
  m->n_steps = h->n_steps;
  for (std::uint32_t s = 0; s < h->n_steps; ++s) {
    const unsigned char* step = nullptr;
    const f::StepHeader* sh = nullptr;
    Cursor peek(p + c.position(), size - c.position());
    EMBER_TRY(peek.take(&sh));
    if (sh->size < sizeof(f::StepHeader) || sh->size % 4 != 0) return Status::bad_section;
    EMBER_TRY(c.take_bytes(sh->size, &step));
    if (sh->n_in != *width) return Status::shape_mismatch;
    Cursor payload(step + sizeof(f::StepHeader),
                   sh->size - static_cast<std::uint32_t>(sizeof(f::StepHeader)));
    std::uint32_t n_out = 0;
    EMBER_TRY(check_step(*sh, payload, &n_out));
    if (!payload.at_end()) return Status::bad_section;
    if (n_out != sh->n_out || n_out == 0 || n_out > kMaxWidth) return Status::shape_mismatch;
    if (sh->flags != 0 && !(sh->kind == static_cast<std::uint16_t>(f::StepKind::one_hot) &&
                            sh->flags == f::kOneHotUnknownIsError)) {
      return Status::unsupported_feature;
    }
    *width = n_out;
    if (n_out > m->max_width) m->max_width = n_out;
  }
  if (!c.at_end()) return Status::bad_section;
  return Status::ok;
}
#endif  // EMBER_RUNTIME_PIPELINE

// The combinations of task, link and outputs that mean something.
Status check_outputs(const Model& m, f::Link link, std::uint32_t n_outputs, bool probabilities_allowed) {
  switch (m.task) {
    case f::Task::regression:
      return link == f::Link::identity && n_outputs == 1 ? Status::ok : Status::shape_mismatch;
    case f::Task::binary:
      if (link == f::Link::logistic && n_outputs == 1) return Status::ok;
      if (link == f::Link::softmax && n_outputs == 2) return Status::ok;
      return probabilities_allowed && link == f::Link::identity && n_outputs == 2 ? Status::ok
                                                                                  : Status::shape_mismatch;
    case f::Task::multiclass:
      if (n_outputs != m.n_classes) return Status::shape_mismatch;
      return link == f::Link::softmax || (probabilities_allowed && link == f::Link::identity)
                 ? Status::ok
                 : Status::shape_mismatch;
  }
  return Status::bad_value;
}

Status check_linear(const unsigned char* p, std::uint32_t size, Model* m, std::uint32_t width) {
  Cursor c(p, size);
  const f::LinearHeader* h = nullptr;
  EMBER_TRY(c.take(&h));
  if (h->n_features != width) return Status::shape_mismatch;
  if (h->n_outputs == 0 || h->n_outputs > kMaxWidth || !all_zero(h->reserved, sizeof h->reserved))
    return Status::bad_value;
  if (h->link > static_cast<std::uint8_t>(f::Link::softmax)) return Status::bad_value;
  const auto link = static_cast<f::Link>(h->link);
  EMBER_TRY(check_outputs(*m, link, h->n_outputs, /*probabilities_allowed=*/false));
  const std::uint64_t n_weights = std::uint64_t{h->n_outputs} * h->n_features;
  EMBER_TRY(take_floats(c, n_weights, &m->weights));
  EMBER_TRY(take_floats(c, h->n_outputs, &m->intercepts));
  if (!c.at_end()) return Status::bad_section;
  m->kind = ModelKind::linear;
  m->link = link;
  m->model_features = width;
  m->n_outputs = h->n_outputs;
  return Status::ok;
}

// Checks that the words of one tree, [0, n_nodes) of `w`, form a full
// binary tree in preorder whose skips are exact, with `n_leaves` leaves
// numbered left to right, and reports its depth (internal levels). The
// stack holds one 4-byte frame per level (node index and depth packed, so a
// tree holds at most 2^24 internal nodes): EMBER_RUNTIME_MAX_TREE_DEPTH
// frames bound it; deeper trees are refused.
Status verify_tree_shape(const NodeWords& w, std::size_t first, std::uint32_t n_nodes, std::uint32_t n_leaves,
                         std::uint32_t* depth_out) {
  *depth_out = 0;
  if (n_nodes == 0) return n_leaves == 1 ? Status::ok : Status::bad_tree;
  if (n_nodes >= (1u << 24)) return Status::unsupported_feature;
  constexpr std::uint32_t kLevels = EMBER_RUNTIME_MAX_TREE_DEPTH;
  std::uint32_t stack[kLevels];  // node << 8 | (depth - 1): ancestors whose left subtree we are in
  std::uint32_t top = 0;
  std::uint32_t next = 0;    // the preorder index the next internal node must have
  std::uint32_t leaves = 0;  // leaves seen so far
  std::uint32_t node = 0, depth = 1, max_depth = 0;
  for (;;) {
    // Enter `node`.
    if (node != next || node >= n_nodes) return Status::bad_tree;
    if (depth > kLevels) return Status::bad_tree;  // deeper than the header's max_depth, which is <= kLevels
    ++next;
    if (depth > max_depth) max_depth = depth;
    if (w.skip(w.at(first + node)) != 0) {
      stack[top++] = node << 8 | (depth - 1);
      node = node + 1;
      depth = depth + 1;
      continue;
    }
    ++leaves;  // the left child is a leaf
    // Walk up through finished subtrees until a right child is to be entered.
    std::uint32_t at = node, at_depth = depth;
    for (;;) {
      const AnyWord word = w.at(first + at);
      // The left subtree's size.
      if (std::uint64_t{next} != std::uint64_t{at} + 1 + w.skip(word)) return Status::bad_tree;
      if ((word & 1u) == 0) {  // the right child is internal
        node = next;
        depth = at_depth + 1;
        break;
      }
      ++leaves;
      if (top == 0) {
        if (next != n_nodes || leaves != n_leaves) return Status::bad_tree;
        *depth_out = max_depth;
        return Status::ok;
      }
      --top;
      at = stack[top] >> 8;
      at_depth = (stack[top] & 0xFFu) + 1;
    }
  }
}

// Every node: feature in range, a finite threshold or a bitset in bounds;
// then each tree's shape.
Status check_tree_nodes(const Model& m, const f::TreesHeader& h) {
  const NodeWords words(m.words, h);
  for (std::uint32_t t = 0; t < h.n_trees; ++t) {
    const std::uint32_t begin = m.node_begin[t], end = m.node_begin[t + 1];
    for (std::uint32_t i = begin; i < end; ++i) {
      const AnyWord w = words.at(i);
      if (words.feature(w) >= h.n_features) return Status::bad_index;
      if (w & 4u) {  // categorical
        std::uint32_t offset = 0;
        std::memcpy(&offset, &m.thresholds[i], sizeof offset);
        if (offset >= h.bitset_words) return Status::out_of_bounds;
        const std::uint32_t n_words = m.bitsets[offset];
        if (n_words == 0 || n_words > h.bitset_words - offset - 1) return Status::out_of_bounds;
      } else if (std::isnan(m.thresholds[i])) {
        return Status::bad_value;
      }
    }
    std::uint32_t depth = 0;
    EMBER_TRY(verify_tree_shape(words, begin, end - begin, m.leaf_begin[t + 1] - m.leaf_begin[t], &depth));
    if (depth > h.max_depth) return Status::bad_tree;
  }
  return Status::ok;
}

// Heap layout: every tree complete of depth max_depth, numeric splits, no
// skips and no leaf flags; the shape is implicit, so only values are checked.
Status check_heap_nodes(const Model& m, const f::TreesHeader& h) {
  const NodeWords words(m.words, h);
  const std::uint32_t depth = h.max_depth;
  if (depth == 0 || depth > 24 || h.skip_bits != 0 || h.bitset_words != 0) return Status::bad_tree;
  const std::uint32_t nodes = (1u << depth) - 1u;
  for (std::uint32_t t = 0; t < h.n_trees; ++t) {
    if (m.node_begin[t + 1] - m.node_begin[t] != nodes) return Status::bad_tree;
  }
  for (std::uint32_t i = 0; i < h.total_nodes; ++i) {
    const AnyWord w = words.at(i);
    if ((w & 5u) != 0) return Status::bad_tree;  // right_leaf and categorical are meaningless here
    if (words.feature(w) >= h.n_features) return Status::bad_index;
    if (std::isnan(m.thresholds[i])) return Status::bad_value;
  }
  return Status::ok;
}

Status check_trees(const unsigned char* p, std::uint32_t size, Model* m, std::uint32_t width) {
  Cursor c(p, size);
  const f::TreesHeader* h = nullptr;
  EMBER_TRY(c.take(&h));
  if (h->n_features != width) return Status::shape_mismatch;
  if (h->n_outputs == 0 || h->n_outputs > kMaxWidth) return Status::bad_value;
  if (h->n_trees == 0) return Status::bad_value;
  if (h->leaf_width != 1 && h->leaf_width != h->n_outputs) return Status::shape_mismatch;
  if (h->aggregation > static_cast<std::uint8_t>(f::Aggregation::mean)) return Status::bad_value;
  if (h->link > static_cast<std::uint8_t>(f::Link::softmax)) return Status::bad_value;
  if (h->word_bytes != 2 && h->word_bytes != 4 && h->word_bytes != 8) return Status::unsupported_feature;
  if ((EMBER_RUNTIME_WORDS & h->word_bytes) == 0)
    return Status::unsupported_feature;  // left out of this build
  if (h->feature_bits == 0 || h->feature_bits > 32 || h->skip_bits > 32 ||
      h->feature_bits + h->skip_bits + f::kNodeFlagBits > 8u * h->word_bytes) {
    return Status::bad_value;
  }
  if (h->max_depth > f::kMaxTreeDepth) return Status::bad_tree;
  if (h->max_depth > EMBER_RUNTIME_MAX_TREE_DEPTH) return Status::unsupported_feature;
  // Averaging is over all trees, which is meaningful only when every tree
  // predicts every output.
  if (h->aggregation == static_cast<std::uint8_t>(f::Aggregation::mean) && h->leaf_width != h->n_outputs) {
    return Status::shape_mismatch;
  }
  const auto link = static_cast<f::Link>(h->link);
  EMBER_TRY(check_outputs(*m, link, h->n_outputs, /*probabilities_allowed=*/true));

  EMBER_TRY(take_floats(c, h->n_outputs, &m->base_score));
  EMBER_TRY(c.take_array(std::uint64_t{h->n_trees} + 1, &m->node_begin));
  EMBER_TRY(c.take_array(std::uint64_t{h->n_trees} + 1, &m->leaf_begin));
  EMBER_TRY(c.take_array(h->n_trees, &m->tree_output));
  EMBER_TRY(c.take_array(h->total_nodes, &m->thresholds));
  const unsigned char* words = nullptr;
  EMBER_TRY(c.align(8));
  EMBER_TRY(c.take_bytes((std::uint64_t{h->total_nodes} * h->word_bytes + 3) & ~std::uint64_t{3}, &words));
  m->words = words;
  const std::uint64_t n_leaf_values = std::uint64_t{h->total_leaves} * h->leaf_width;
  EMBER_TRY(take_floats(c, n_leaf_values, &m->leaf_values));
  EMBER_TRY(c.take_array(h->bitset_words, &m->bitsets));
  if (!c.at_end()) return Status::bad_section;
  if (m->node_begin[0] != 0 || m->leaf_begin[0] != 0 || m->node_begin[h->n_trees] != h->total_nodes ||
      m->leaf_begin[h->n_trees] != h->total_leaves) {
    return Status::out_of_bounds;
  }
  for (std::uint32_t t = 0; t < h->n_trees; ++t) {
    if (m->node_begin[t + 1] < m->node_begin[t] || m->leaf_begin[t + 1] < m->leaf_begin[t]) {
      return Status::out_of_bounds;
    }
    // A full binary tree has one leaf more than internal nodes.
    if (m->leaf_begin[t + 1] - m->leaf_begin[t] != m->node_begin[t + 1] - m->node_begin[t] + 1) {
      return Status::bad_tree;
    }
    if (h->leaf_width == 1 ? m->tree_output[t] >= h->n_outputs : m->tree_output[t] != 0)
      return Status::bad_index;
  }
  m->trees = h;
  if (h->layout == static_cast<std::uint8_t>(f::TreeLayout::heap)) {
    EMBER_TRY(check_heap_nodes(*m, *h));
    m->uniform_depth = h->max_depth;
  } else if (h->layout == static_cast<std::uint8_t>(f::TreeLayout::preorder)) {
    EMBER_TRY(check_tree_nodes(*m, *h));
  } else {
    return Status::unsupported_feature;
  }
  if (h->reserved != 0) return Status::bad_value;
  m->kind = ModelKind::trees;
  m->link = link;
  m->model_features = width;
  m->n_outputs = h->n_outputs;
  return Status::ok;
}

#endif  // EMBER_RUNTIME_FLOAT

#if EMBER_RUNTIME_METADATA
Status check_metadata(const unsigned char* p, std::uint32_t size) {
  Cursor c(p, size);
  const f::MetadataHeader* h = nullptr;
  EMBER_TRY(c.take(&h));
  if (h->reserved != 0) return Status::bad_value;
  for (std::uint32_t r = 0; r < h->n_records; ++r) {
    const f::MetadataRecord* rec = nullptr;
    const char* key = nullptr;
    const unsigned char* payload = nullptr;
    EMBER_TRY(c.take(&rec));
    if (rec->key_bytes == 0 || rec->key_bytes > 256 || rec->payload_bytes % 4 != 0) return Status::bad_value;
    EMBER_TRY(c.take_array(rec->key_bytes, &key));
    EMBER_TRY(c.take_bytes(rec->payload_bytes, &payload));
    Cursor body(payload, rec->payload_bytes);
    switch (static_cast<f::MetadataType>(rec->type)) {
      case f::MetadataType::string: {
        const char* text = nullptr;
        EMBER_TRY(body.take_array(rec->count, &text));  // count = bytes of text
        break;
      }
      case f::MetadataType::string_list:
        for (std::uint32_t i = 0; i < rec->count; ++i) {
          const std::uint32_t* length = nullptr;
          const char* text = nullptr;
          EMBER_TRY(body.take(&length));
          EMBER_TRY(body.take_array(*length, &text));
        }
        break;
      case f::MetadataType::f32_list: {
        const float* values = nullptr;
        EMBER_TRY(body.take_array(rec->count, &values));
        break;
      }
      default:
        return Status::unsupported_feature;
    }
    if (!body.at_end()) return Status::bad_section;
  }
  if (!c.at_end()) return Status::bad_section;
  return Status::ok;
}

#endif  // EMBER_RUNTIME_METADATA

#if EMBER_RUNTIME_FLOAT
// The pipeline and the float model of a float file.
Status verify_float_model(const unsigned char* bytes, const f::SectionEntry* found_pipeline,
                          const f::SectionEntry* found_model, Model& m) {
  std::uint32_t width = m.n_features;
  if (found_pipeline != nullptr) {
#if EMBER_RUNTIME_PIPELINE
    EMBER_TRY(check_pipeline(bytes + found_pipeline->offset, found_pipeline->size, &m, &width));
#else
    return Status::unsupported_feature;  // this build runs no pipeline steps
#endif
  }
  if (found_model->kind == static_cast<std::uint32_t>(f::SectionKind::linear)) {
    if (!EMBER_RUNTIME_LINEAR) return Status::unsupported_feature;  // left out of this build
    EMBER_TRY(check_linear(bytes + found_model->offset, found_model->size, &m, width));
  } else {
    if (!EMBER_RUNTIME_TREES) return Status::unsupported_feature;
    EMBER_TRY(check_trees(bytes + found_model->offset, found_model->size, &m, width));
  }
  return Status::ok;
}
#endif  // EMBER_RUNTIME_FLOAT

// The sections load_model reads, and where each goes: schema, pipeline,
// float model (LINR or TREE), metadata, integer inputs, integer model (QTRE
// or QLIN); at most one of each. Any other section is skipped (GOLD and
// QGLD are read by self_test) unless it is flagged required.
enum Slot : std::uint8_t { kSchema, kPipeline, kModel, kMetadata, kQinp, kQmodel, kSlots };
constexpr std::uint32_t kKnownSections = 8;
constexpr f::SectionKind kKnownKinds[kKnownSections] = {
    f::SectionKind::schema,      f::SectionKind::pipeline,    f::SectionKind::linear,
    f::SectionKind::trees,       f::SectionKind::metadata,    f::SectionKind::quant_inputs,
    f::SectionKind::quant_trees, f::SectionKind::quant_linear};
constexpr Slot kKnownSlots[kKnownSections] = {kSchema,   kPipeline, kModel,  kModel,
                                              kMetadata, kQinp,     kQmodel, kQmodel};

// The whole check, filling `m` (zeroed by the caller) as it goes.
Status verify_file(const void* data, std::size_t size, Model& m) {
  if (data == nullptr) return Status::invalid_argument;
  if (reinterpret_cast<std::uintptr_t>(data) % f::kSectionAlignment != 0) return Status::misaligned;
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (size < sizeof(f::FileHeader)) return Status::truncated;
  f::FileHeader h;
  std::memcpy(&h, bytes, sizeof h);
  // (Read as a little-endian u32, as every field of the format.)
  std::uint32_t magic = 0;
  std::memcpy(&magic, h.magic, sizeof magic);
  if (magic != f::fourcc(static_cast<char>(f::kMagic[0]), static_cast<char>(f::kMagic[1]),
                         static_cast<char>(f::kMagic[2]), static_cast<char>(f::kMagic[3])))
    return Status::bad_magic;
  if (h.version_major != f::kVersionMajor) return Status::unsupported_version;
  if (h.file_size > size) return Status::truncated;
  if (h.file_size < sizeof(f::FileHeader)) return Status::bad_value;
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  // (Fuzzing builds skip the checksum so that mutated files reach the
  // structural checks behind it.)
  if (model_file_crc(bytes, h.file_size) != h.crc32) return Status::checksum_mismatch;
#endif
  if (h.flags != 0) return Status::unsupported_feature;
  if (h.reserved != 0) return Status::bad_value;
  if (h.section_count == 0 || h.section_count > 64) return Status::bad_section;
  // (At most 64 entries, and every offset and size below is checked
  // against file_size first: 32 bits suffice.)
  const std::uint32_t table_end =
      static_cast<std::uint32_t>(sizeof(f::FileHeader) + h.section_count * sizeof(f::SectionEntry));
  if (table_end > h.file_size) return Status::truncated;

  m.bytes = bytes;
  m.file_size = h.file_size;
  m.version_minor = h.version_minor;
  const auto* table = reinterpret_cast<const f::SectionEntry*>(bytes + sizeof(f::FileHeader));
  const f::SectionEntry* found[kSlots] = {};
  std::uint32_t previous_end = table_end;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    const f::SectionEntry& s = table[i];
    if (s.offset % f::kSectionAlignment != 0 || s.offset < previous_end) return Status::bad_section;
    if (s.offset > h.file_size || s.size > h.file_size - s.offset) return Status::out_of_bounds;
    if ((s.flags & ~f::kSectionRequired) != 0) return Status::bad_section;
    previous_end = s.offset + s.size;
    std::uint32_t k = 0;
    while (k < kKnownSections && s.kind != static_cast<std::uint32_t>(kKnownKinds[k])) ++k;
    if (k == kKnownSections) {
      if (s.flags & f::kSectionRequired) return Status::unknown_required_section;
      continue;  // an optional section from a newer minor version
    }
    const f::SectionEntry** slot = &found[kKnownSlots[k]];
    if (*slot != nullptr) return Status::bad_section;  // at most one of each
    *slot = &s;
  }
  if (found[kSchema] == nullptr) return Status::bad_section;
  EMBER_TRY(check_schema(bytes + found[kSchema]->offset, found[kSchema]->size, &m));
  if (found[kQinp] != nullptr || found[kQmodel] != nullptr) {  // an integer model (1.2)
    if (found[kPipeline] != nullptr || found[kModel] != nullptr) return Status::bad_section;  // no mixing
    EMBER_TRY(check_integer_model(bytes, h.version_minor, found[kQinp], found[kQmodel], &m));
  } else {
#if EMBER_RUNTIME_FLOAT
    if (found[kModel] == nullptr) return Status::bad_section;
    EMBER_TRY(verify_float_model(bytes, found[kPipeline], found[kModel], m));
#else
    return Status::unsupported_feature;  // this build runs integer models only
#endif
  }
#if EMBER_RUNTIME_METADATA
  if (const f::SectionEntry* meta = found[kMetadata]; meta != nullptr) {
    EMBER_TRY(check_metadata(bytes + meta->offset, meta->size));
    m.metadata = bytes + meta->offset;
    m.metadata_size = meta->size;
  }
#endif
  m.scratch_bytes = predict_scratch_bytes(m);
  if (h.scratch_bytes != m.scratch_bytes) return Status::bad_value;
  return Status::ok;
}

}  // namespace

Status load_model(const void* data, std::size_t size, Model* out) noexcept {
  // Filled in place (no copy of the Model), and zeroed again on failure so
  // that a refused file leaves nothing half-set.
  *out = Model{};
  const Status s = verify_file(data, size, *out);
  if (s != Status::ok) *out = Model{};
  return s;
}

}  // namespace ember
