#include "ember/writer/model_writer.h"

#include <cmath>
#include <cstring>

#include "ember/runtime/model.h"
#include "runtime/runtime_internal.h"
#include "runtime/tree_walk.h"

namespace ember {

namespace f = format;

namespace {

constexpr std::size_t kPayloadStart =
    sizeof(f::FileHeader) + ModelWriter::kMaxSections * sizeof(f::SectionEntry);
constexpr std::uint32_t kMaxCategories = 1u << 24;

unsigned bits_for(std::uint64_t max_value) {
  unsigned b = 0;
  while (b < 64 && (max_value >> b) != 0) ++b;
  return b;
}

// Walks a TreeSpec in preorder without recursion, checking it as it goes.
// The visitor sees: enter(spec_node, preorder, heap, depth),
// left_done(preorder, left_internal_count), leaf(leaf_id), in preorder.
template <class Visitor>
Status walk_spec(const TreeSpec& t, std::uint32_t n_leaves, Visitor& v) {
  if (t.nodes.size() == 0) {
    if (n_leaves != 1) return Status::bad_tree;
    v.leaf(0);
    return Status::ok;
  }
  if (t.nodes.size() >= 0x7FFFFFFF) return Status::bad_tree;
  struct Frame {
    std::uint32_t node;
    std::uint32_t preorder;
    std::uint64_t heap;  // index in heap order (root 0, children 2h + 1 and 2h + 2)
    std::uint8_t state;  // 0 enter, 1 left done, 2 right done
  };
  Frame stack[f::kMaxTreeDepth];
  std::uint32_t top = 0;
  std::uint32_t counter = 0, leaves = 0;
  stack[top++] = Frame{0, 0, 0, 0};
  // Returns false when a child reference is malformed or too deep.
  auto descend = [&](std::int32_t child, std::uint64_t heap) -> Status {
    if (child >= 0) {
      if (static_cast<std::size_t>(child) >= t.nodes.size()) return Status::bad_index;
      if (top >= f::kMaxTreeDepth) return Status::bad_tree;
      stack[top++] = Frame{static_cast<std::uint32_t>(child), 0, heap, 0};
      return Status::ok;
    }
    const auto leaf = static_cast<std::uint32_t>(-(child + 1));
    if (leaf >= n_leaves) return Status::bad_index;
    ++leaves;
    v.leaf(leaf);
    return Status::ok;
  };
  while (top > 0) {
    Frame& fr = stack[top - 1];
    const TreeNodeSpec& node = t.nodes[fr.node];
    if (fr.state == 0) {
      if (counter >= t.nodes.size()) return Status::bad_tree;  // a cycle or a shared node
      fr.preorder = counter++;
      fr.state = 1;
      EMBER_TRY(v.enter(node, fr.preorder, fr.heap, top));
      EMBER_TRY(descend(node.left, 2 * fr.heap + 1));
    } else if (fr.state == 1) {
      fr.state = 2;
      v.left_done(fr.preorder, counter - fr.preorder - 1, node.right < 0);
      EMBER_TRY(descend(node.right, 2 * fr.heap + 2));
    } else {
      --top;
    }
  }
  if (counter != t.nodes.size() || leaves != n_leaves) return Status::bad_tree;
  return Status::ok;
}

std::uint32_t bitset_words_for(Span<const std::uint32_t> categories) {
  std::uint32_t top = 0;
  for (std::uint32_t c : categories) top = c > top ? c : top;
  return top / 32 + 1;
}

// Pass 1: sizes and the widths of the node word.
struct TreeStats {
  std::uint32_t n_features;
  std::uint32_t max_depth = 0;
  std::uint32_t max_skip = 0;
  std::uint32_t bitset_words = 0;
  std::uint32_t tree_depth = 0;  // of the tree being walked
  Status enter(const TreeNodeSpec& n, std::uint32_t, std::uint64_t, std::uint32_t depth) {
    tree_depth = depth > tree_depth ? depth : tree_depth;
    if (n.feature >= n_features) return Status::bad_index;
    if (n.categories.size() > 0) {
      for (std::uint32_t c : n.categories) {
        if (c >= kMaxCategories) return Status::bad_value;
      }
      bitset_words += 1 + bitset_words_for(n.categories);
    } else if (std::isnan(n.threshold)) {
      return Status::bad_value;
    }
    max_depth = depth > max_depth ? depth : max_depth;
    return Status::ok;
  }
  void left_done(std::uint32_t, std::uint32_t left_count, bool) {
    max_skip = left_count > max_skip ? left_count : max_skip;
  }
  void leaf(std::uint32_t) {}
};

}  // namespace

ModelWriter::ModelWriter(Span<unsigned char> out) noexcept
    : out_(out), measuring_(out.size() == 0), pos_(kPayloadStart) {
  if (!measuring_ && reinterpret_cast<std::uintptr_t>(out.data()) % f::kSectionAlignment != 0) {
    status_ = Status::misaligned;
  }
}

Status ModelWriter::fail(Status s) noexcept {
  if (status_ == Status::ok) status_ = s;
  return s;
}

Status ModelWriter::put(const void* data, std::size_t bytes) noexcept {
  if (status_ != Status::ok) return status_;
  if (!measuring_) {
    if (bytes > out_.size() || pos_ > out_.size() - bytes) return fail(Status::out_of_memory);
    if (bytes > 0) std::memcpy(out_.data() + pos_, data, bytes);
  }
  pos_ += bytes;
  return Status::ok;
}

Status ModelWriter::pad(std::size_t alignment) noexcept {
  static const unsigned char zeros[8] = {};
  const std::size_t n = (alignment - pos_ % alignment) % alignment;
  return put(zeros, n);
}

Status ModelWriter::put_floats(Span<const float> v, bool finite) noexcept {
  if (finite) {
    for (float x : v) {
      if (!std::isfinite(x)) return fail(Status::bad_value);
    }
  }
  return put(v.data(), v.size_bytes());
}

Status ModelWriter::begin_section(f::SectionKind kind, bool required) noexcept {
  if (n_sections_ == kMaxSections) return fail(Status::invalid_argument);
  EMBER_TRY(pad(f::kSectionAlignment));
  section_start_ = pos_;
  sections_[n_sections_] =
      f::SectionEntry{static_cast<std::uint32_t>(kind), required ? f::kSectionRequired : 0u,
                      static_cast<std::uint32_t>(pos_), 0};
  return Status::ok;
}

void ModelWriter::end_section() noexcept {
  sections_[n_sections_].size = static_cast<std::uint32_t>(pos_ - section_start_);
  ++n_sections_;
}

Status ModelWriter::schema(const SchemaSpec& spec) noexcept {
  if (stage_ != Stage::start || spec.n_categories.size() == 0) return fail(Status::invalid_argument);
  EMBER_TRY(begin_section(f::SectionKind::schema, true));
  f::SchemaHeader h{};
  h.n_features = static_cast<std::uint32_t>(spec.n_categories.size());
  h.n_classes = spec.n_classes;
  h.task = static_cast<std::uint8_t>(spec.task);
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put_u32s(spec.n_categories));
  end_section();
  task_ = spec.task;
  n_classes_ = spec.n_classes;
  width_ = h.n_features;
  stage_ = Stage::steps;
  return Status::ok;
}

Status ModelWriter::check_width(std::uint32_t n_in) const noexcept {
  return n_in == width_ ? Status::ok : Status::shape_mismatch;
}

Status ModelWriter::begin_step(f::StepKind kind, std::uint16_t flags, std::uint32_t n_in,
                               std::uint32_t n_out) noexcept {
  if (stage_ != Stage::steps || quant_kind_ != 0) return fail(Status::invalid_argument);
  if (n_in != width_ || n_out == 0) return fail(Status::shape_mismatch);
  if (n_steps_ == 0) {
    EMBER_TRY(begin_section(f::SectionKind::pipeline, true));
    pipeline_start_ = pos_;
    const f::PipelineHeader ph{0, 0};
    EMBER_TRY(put(&ph, sizeof ph));
  }
  step_start_ = pos_;
  const f::StepHeader h{static_cast<std::uint16_t>(kind), flags, 0, n_in, n_out};
  EMBER_TRY(put(&h, sizeof h));
  width_ = n_out;
  max_width_ = n_out > max_width_ ? n_out : max_width_;
  return Status::ok;
}

void ModelWriter::end_step() noexcept {
  ++n_steps_;
  if (measuring_ || status_ != Status::ok) return;
  const auto size = static_cast<std::uint32_t>(pos_ - step_start_);
  std::memcpy(out_.data() + step_start_ + offsetof(f::StepHeader, size), &size, 4);
  std::memcpy(out_.data() + pipeline_start_, &n_steps_, 4);
}

Status ModelWriter::impute(Span<const float> fill, Span<const std::uint32_t> indicator_columns) noexcept {
  const auto n_in = static_cast<std::uint32_t>(fill.size());
  for (std::uint32_t c : indicator_columns) {
    if (c >= n_in) return fail(Status::bad_index);
  }
  EMBER_TRY(
      begin_step(f::StepKind::impute, 0, n_in, n_in + static_cast<std::uint32_t>(indicator_columns.size())));
  EMBER_TRY(put_floats(fill, true));
  EMBER_TRY(put_u32(static_cast<std::uint32_t>(indicator_columns.size())));
  EMBER_TRY(put_u32s(indicator_columns));
  end_step();
  return Status::ok;
}

Status ModelWriter::one_hot(Span<const std::uint32_t> n_categories, bool unknown_is_error) noexcept {
  std::uint64_t width = 0;
  for (std::uint32_t n : n_categories) {
    if (n > kMaxCategories) return fail(Status::bad_value);
    width += n == 0 ? 1 : n;
  }
  if (width > 0xFFFFFFFFull) return fail(Status::bad_value);
  EMBER_TRY(begin_step(f::StepKind::one_hot, unknown_is_error ? f::kOneHotUnknownIsError : 0,
                       static_cast<std::uint32_t>(n_categories.size()), static_cast<std::uint32_t>(width)));
  EMBER_TRY(put_u32s(n_categories));
  end_step();
  return Status::ok;
}

Status ModelWriter::ordinal(Span<const std::uint32_t> n_categories, Span<const float> unknown_value,
                            Span<const float> values) noexcept {
  std::uint64_t total = 0;
  for (std::uint32_t n : n_categories) total += n;
  if (unknown_value.size() != n_categories.size() || values.size() != total)
    return fail(Status::shape_mismatch);
  for (float v : values) {
    if (std::isinf(v)) return fail(Status::bad_value);
  }
  for (float v : unknown_value) {
    if (std::isinf(v)) return fail(Status::bad_value);
  }
  const auto n = static_cast<std::uint32_t>(n_categories.size());
  EMBER_TRY(begin_step(f::StepKind::ordinal, 0, n, n));
  EMBER_TRY(put_u32s(n_categories));
  EMBER_TRY(put_floats(unknown_value, false));
  EMBER_TRY(put_floats(values, false));
  end_step();
  return Status::ok;
}

Status ModelWriter::affine(Span<const float> offset, Span<const float> scale) noexcept {
  if (offset.size() != scale.size()) return fail(Status::shape_mismatch);
  const auto n = static_cast<std::uint32_t>(offset.size());
  EMBER_TRY(begin_step(f::StepKind::affine, 0, n, n));
  EMBER_TRY(put_floats(offset, true));
  EMBER_TRY(put_floats(scale, true));
  end_step();
  return Status::ok;
}

Status ModelWriter::discretize(Span<const std::uint32_t> n_edges, Span<const float> edges) noexcept {
  std::uint64_t total = 0;
  for (std::uint32_t n : n_edges) total += n;
  if (edges.size() != total) return fail(Status::shape_mismatch);
  std::size_t k = 0;
  for (std::uint32_t n : n_edges) {
    for (std::uint32_t e = 1; e < n; ++e) {
      if (!(edges[k + e - 1] < edges[k + e])) return fail(Status::bad_value);
    }
    k += n;
  }
  const auto n = static_cast<std::uint32_t>(n_edges.size());
  EMBER_TRY(begin_step(f::StepKind::discretize, 0, n, n));
  EMBER_TRY(put_u32s(n_edges));
  EMBER_TRY(put_floats(edges, true));
  end_step();
  return Status::ok;
}

Status ModelWriter::select(std::uint32_t n_in, Span<const std::uint32_t> index) noexcept {
  for (std::uint32_t i : index) {
    if (i >= n_in) return fail(Status::bad_index);
  }
  EMBER_TRY(begin_step(f::StepKind::select, 0, n_in, static_cast<std::uint32_t>(index.size())));
  EMBER_TRY(put_u32s(index));
  end_step();
  return Status::ok;
}

Status ModelWriter::project(std::uint32_t n_in, std::uint32_t n_out, Span<const float> weights,
                            Span<const float> bias) noexcept {
  if (weights.size() != std::size_t{n_in} * n_out || bias.size() != n_out)
    return fail(Status::shape_mismatch);
  EMBER_TRY(begin_step(f::StepKind::project, 0, n_in, n_out));
  EMBER_TRY(put_floats(weights, true));
  EMBER_TRY(put_floats(bias, true));
  end_step();
  return Status::ok;
}

Status ModelWriter::linear(const LinearSpec& spec) noexcept {
  if (stage_ != Stage::steps || quant_kind_ != 0) return fail(Status::invalid_argument);
  if (spec.n_features != width_ || spec.n_outputs == 0 ||
      spec.weights.size() != std::size_t{spec.n_outputs} * spec.n_features ||
      spec.intercepts.size() != spec.n_outputs) {
    return fail(Status::shape_mismatch);
  }
  if (n_steps_ > 0) end_section();
  EMBER_TRY(begin_section(f::SectionKind::linear, true));
  f::LinearHeader h{};
  h.n_features = spec.n_features;
  h.n_outputs = spec.n_outputs;
  h.link = static_cast<std::uint8_t>(spec.link);
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put_floats(spec.weights, true));
  EMBER_TRY(put_floats(spec.intercepts, true));
  end_section();
  n_outputs_ = spec.n_outputs;
  stage_ = Stage::model;
  return Status::ok;
}

Status ModelWriter::trees(const TreeEnsembleSpec& spec) noexcept {
  if (stage_ != Stage::steps || quant_kind_ != 0) return fail(Status::invalid_argument);
  if (spec.n_features != width_ || spec.n_outputs == 0 || spec.trees.size() == 0 ||
      (spec.leaf_width != 1 && spec.leaf_width != spec.n_outputs) ||
      spec.base_score.size() != spec.n_outputs) {
    return fail(Status::shape_mismatch);
  }
  // Pass 1: check every tree, and measure.
  TreeStats stats{spec.n_features};
  std::uint64_t total_nodes = 0, total_leaves = 0;
  // Heap layout when every tree is complete at one depth (and numeric).
  bool complete = true;
  std::uint32_t complete_depth = 0;
  for (const TreeSpec& t : spec.trees) {
    if (t.leaf_values.size() % spec.leaf_width != 0) return fail(Status::shape_mismatch);
    if (spec.leaf_width == 1 ? t.output >= spec.n_outputs : t.output != 0) return fail(Status::bad_index);
    const auto n_leaves = static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width);
    stats.tree_depth = 0;
    const Status s = walk_spec(t, n_leaves, stats);
    if (s != Status::ok) return fail(s);
    if (&t == spec.trees.begin()) complete_depth = stats.tree_depth;
    complete = complete && stats.tree_depth == complete_depth && complete_depth >= 1 &&
               complete_depth <= 24 && t.nodes.size() == (std::size_t{1} << complete_depth) - 1;
    for (float v : t.leaf_values) {
      if (!std::isfinite(v)) return fail(Status::bad_value);
    }
    total_nodes += t.nodes.size();
    total_leaves += n_leaves;
  }
  // Everything must fit the format's 32-bit offsets (and a 32-bit size_t).
  if (total_nodes * 12 + total_leaves * 4 * spec.leaf_width + std::uint64_t{stats.bitset_words} * 4 >
      0xF0000000ull) {
    return fail(Status::size_overflow);
  }
  const bool heap = complete && stats.bitset_words == 0;
  const unsigned feature_bits = spec.n_features > 1 ? bits_for(spec.n_features - 1) : 1;
  const unsigned skip_bits = heap ? 0 : bits_for(stats.max_skip);
  unsigned word_bytes = 2;
  while (feature_bits + skip_bits + f::kNodeFlagBits > 8 * word_bytes) word_bytes *= 2;

  if (n_steps_ > 0) end_section();
  EMBER_TRY(begin_section(f::SectionKind::trees, true));
  f::TreesHeader h{};
  h.n_features = spec.n_features;
  h.n_outputs = spec.n_outputs;
  h.n_trees = static_cast<std::uint32_t>(spec.trees.size());
  h.leaf_width = spec.leaf_width;
  h.total_nodes = static_cast<std::uint32_t>(total_nodes);
  h.total_leaves = static_cast<std::uint32_t>(total_leaves);
  h.bitset_words = stats.bitset_words;
  h.aggregation = static_cast<std::uint8_t>(spec.aggregation);
  h.link = static_cast<std::uint8_t>(spec.link);
  h.word_bytes = static_cast<std::uint8_t>(word_bytes);
  h.feature_bits = static_cast<std::uint8_t>(feature_bits);
  h.skip_bits = static_cast<std::uint8_t>(skip_bits);
  h.max_depth = static_cast<std::uint8_t>(stats.max_depth);
  h.layout = static_cast<std::uint8_t>(heap ? f::TreeLayout::heap : f::TreeLayout::preorder);
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put_floats(spec.base_score, true));
  // Prefix offsets: a tree has as many internal nodes as its spec, and one leaf more.
  std::uint32_t nodes = 0, leaves = 0;
  EMBER_TRY(put_u32(0));
  for (const TreeSpec& t : spec.trees)
    EMBER_TRY(put_u32(nodes += static_cast<std::uint32_t>(t.nodes.size())));
  EMBER_TRY(put_u32(0));
  for (const TreeSpec& t : spec.trees)
    EMBER_TRY(put_u32(leaves += static_cast<std::uint32_t>(t.nodes.size() + 1)));
  for (const TreeSpec& t : spec.trees) EMBER_TRY(put_u32(t.output));

  // Thresholds (or bitset offsets) and node words. In preorder they are
  // written as the walk enters each node; in heap order the arrays are
  // reserved first and each node lands at its heap index.
  struct Thresholds {
    ModelWriter* w;
    bool heap;
    std::size_t tree_start = 0;
    std::uint32_t bitset_offset = 0;
    Status enter(const TreeNodeSpec& n, std::uint32_t, std::uint64_t heap_index, std::uint32_t) {
      if (heap) {
        if (!w->measuring_ && w->status_ == Status::ok) {
          std::memcpy(w->out_.data() + tree_start + 4 * heap_index, &n.threshold, 4);
        }
        return Status::ok;
      }
      if (n.categories.size() == 0) return w->put(&n.threshold, 4);
      const std::uint32_t offset = bitset_offset;
      bitset_offset += 1 + bitset_words_for(n.categories);
      return w->put(&offset, 4);
    }
    void left_done(std::uint32_t, std::uint32_t, bool) {}
    void leaf(std::uint32_t) {}
  } thresholds{this, heap};
  // Node words: in preorder written at entry, their skip patched once the
  // left subtree is known.
  struct Words {
    ModelWriter* w;
    unsigned skip_bits, word_bytes;
    bool heap;
    std::size_t tree_start = 0;
    Status enter(const TreeNodeSpec& n, std::uint32_t, std::uint64_t heap_index, std::uint32_t) {
      const bool right_leaf = !heap && n.right < 0;
      const bool categorical = n.categories.size() > 0;
      const std::uint64_t word =
          encode_node_word(n.feature, 0, right_leaf, n.default_left, categorical, skip_bits);
      if (heap) {
        if (!w->measuring_ && w->status_ == Status::ok) {
          std::memcpy(w->out_.data() + tree_start + word_bytes * heap_index, &word, word_bytes);
        }
        return Status::ok;
      }
      return w->put(&word, word_bytes);  // little-endian: the low bytes are the word
    }
    void left_done(std::uint32_t preorder, std::uint32_t left_count, bool) {
      if (heap || w->measuring_ || w->status_ != Status::ok) return;
      unsigned char* at = w->out_.data() + tree_start + std::size_t{preorder} * word_bytes;
      std::uint64_t word = 0;
      std::memcpy(&word, at, word_bytes);
      word |= std::uint64_t{left_count} << f::kNodeFlagBits;
      std::memcpy(at, &word, word_bytes);
    }
    void leaf(std::uint32_t) {}
  } words{this, skip_bits, word_bytes, heap};
  struct Leaves {
    ModelWriter* w;
    const TreeSpec* tree = nullptr;
    std::uint32_t width;
    Status status = Status::ok;
    Status enter(const TreeNodeSpec&, std::uint32_t, std::uint64_t, std::uint32_t) { return Status::ok; }
    void left_done(std::uint32_t, std::uint32_t, bool) {}
    void leaf(std::uint32_t id) {
      const Status s = w->put(tree->leaf_values.data() + std::size_t{id} * width, sizeof(float) * width);
      if (status == Status::ok) status = s;
    }
  } leaf_writer{this, nullptr, spec.leaf_width};
  struct Bitsets {
    ModelWriter* w;
    Status enter(const TreeNodeSpec& n, std::uint32_t, std::uint64_t, std::uint32_t) {
      if (n.categories.size() == 0) return Status::ok;
      const std::uint32_t n_words = bitset_words_for(n.categories);
      EMBER_TRY(w->put_u32(n_words));
      std::uint32_t chunk[8];
      for (std::uint32_t base = 0; base < n_words; base += 8) {
        const std::uint32_t m = n_words - base < 8 ? n_words - base : 8;
        for (std::uint32_t k = 0; k < m; ++k) chunk[k] = 0;
        for (std::uint32_t c : n.categories) {
          const std::uint32_t word = c / 32;
          if (word >= base && word < base + m) chunk[word - base] |= 1u << (c % 32);
        }
        EMBER_TRY(w->put(chunk, 4 * m));
      }
      return Status::ok;
    }
    void left_done(std::uint32_t, std::uint32_t, bool) {}
    void leaf(std::uint32_t) {}
  } bitsets{this};

  static const unsigned char kZeros[64] = {};
  auto reserve = [&](std::size_t bytes) -> Status {
    for (; bytes > 0; bytes -= bytes < sizeof kZeros ? bytes : sizeof kZeros) {
      EMBER_TRY(put(kZeros, bytes < sizeof kZeros ? bytes : sizeof kZeros));
    }
    return Status::ok;
  };
  const std::size_t thresholds_start = pos_;
  if (heap) EMBER_TRY(reserve(static_cast<std::size_t>(4 * total_nodes)));
  for (std::size_t k = 0; k < spec.trees.size(); ++k) {
    const TreeSpec& t = spec.trees[k];
    thresholds.tree_start = thresholds_start + 4 * k * t.nodes.size();  // heap: every tree has the same size
    EMBER_TRY(walk_spec(t, static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width), thresholds));
  }
  EMBER_TRY(pad(8));
  const std::size_t words_start = pos_;
  if (heap) EMBER_TRY(reserve(static_cast<std::size_t>(word_bytes * total_nodes)));
  for (std::size_t k = 0; k < spec.trees.size(); ++k) {
    const TreeSpec& t = spec.trees[k];
    words.tree_start = heap ? words_start + word_bytes * k * t.nodes.size() : pos_;
    EMBER_TRY(walk_spec(t, static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width), words));
  }
  EMBER_TRY(pad(4));
  for (const TreeSpec& t : spec.trees) {
    leaf_writer.tree = &t;
    EMBER_TRY(walk_spec(t, static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width), leaf_writer));
    EMBER_TRY(leaf_writer.status);
  }
  for (const TreeSpec& t : spec.trees) {
    EMBER_TRY(walk_spec(t, static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width), bitsets));
  }
  end_section();
  n_outputs_ = spec.n_outputs;
  stage_ = Stage::model;
  return Status::ok;
}

Status ModelWriter::metadata_record(StringView key, f::MetadataType type, std::uint32_t count,
                                    std::size_t payload_bytes) noexcept {
  if (stage_ != Stage::model && stage_ != Stage::metadata) return fail(Status::invalid_argument);
  if (key.size == 0 || key.size > 256 || payload_bytes > 0x7FFFFFFF) return fail(Status::invalid_argument);
  if (stage_ == Stage::model) {
    EMBER_TRY(begin_section(f::SectionKind::metadata, false));
    metadata_start_ = pos_;
    const f::MetadataHeader mh{0, 0};
    EMBER_TRY(put(&mh, sizeof mh));
    stage_ = Stage::metadata;
  }
  const f::MetadataRecord r{static_cast<std::uint32_t>(key.size), static_cast<std::uint32_t>(type), count,
                            static_cast<std::uint32_t>(payload_bytes)};
  EMBER_TRY(put(&r, sizeof r));
  EMBER_TRY(put(key.data, key.size));
  EMBER_TRY(pad(4));
  ++n_records_;
  if (!measuring_ && status_ == Status::ok) std::memcpy(out_.data() + metadata_start_, &n_records_, 4);
  return Status::ok;
}

Status ModelWriter::metadata_string(StringView key, StringView value) noexcept {
  if (value.size > 0x7FFFFFFF) return fail(Status::invalid_argument);
  EMBER_TRY(metadata_record(key, f::MetadataType::string, static_cast<std::uint32_t>(value.size),
                            (value.size + 3) & ~std::size_t{3}));
  EMBER_TRY(put(value.data, value.size));
  return pad(4);
}

Status ModelWriter::metadata_strings(StringView key, Span<const StringView> values) noexcept {
  std::size_t payload = 0;
  for (const StringView& v : values) payload += 4 + ((v.size + 3) & ~std::size_t{3});
  EMBER_TRY(
      metadata_record(key, f::MetadataType::string_list, static_cast<std::uint32_t>(values.size()), payload));
  for (const StringView& v : values) {
    EMBER_TRY(put_u32(static_cast<std::uint32_t>(v.size)));
    EMBER_TRY(put(v.data, v.size));
    EMBER_TRY(pad(4));
  }
  return Status::ok;
}

Status ModelWriter::metadata_floats(StringView key, Span<const float> values) noexcept {
  EMBER_TRY(metadata_record(key, f::MetadataType::f32_list, static_cast<std::uint32_t>(values.size()),
                            values.size_bytes()));
  return put_floats(values, false);
}

Status ModelWriter::finish(std::size_t* size) noexcept {
  *size = 0;
  if (status_ != Status::ok) return status_;
  if (stage_ != Stage::model && stage_ != Stage::metadata) return fail(Status::invalid_argument);
  if (stage_ == Stage::metadata) end_section();
  stage_ = Stage::done;
  // The table was reserved for kMaxSections entries; close the gap.
  const std::size_t gap = (kMaxSections - n_sections_) * sizeof(f::SectionEntry);
  const std::size_t file_size = pos_ - gap;
  if ((file_size >> 16 >> 16) != 0) return fail(Status::size_overflow);  // > 4 GiB (64-bit hosts)
  if (measuring_) {
    *size = pos_;
    return Status::ok;
  }
  *size = file_size;

  unsigned char* out = out_.data();
  std::memmove(out + kPayloadStart - gap, out + kPayloadStart, pos_ - kPayloadStart);
  for (std::uint32_t i = 0; i < n_sections_; ++i) sections_[i].offset -= static_cast<std::uint32_t>(gap);
  std::memcpy(out + sizeof(f::FileHeader), sections_, n_sections_ * sizeof(f::SectionEntry));

  Model shape;
  shape.n_steps = n_steps_;
  shape.max_width = max_width_;
  shape.n_outputs = n_outputs_;
  shape.n_classes = n_classes_;
  shape.task = task_;
  shape.kind = quant_kind_ != 0 ? static_cast<ModelKind>(quant_kind_) : ModelKind::linear;
  shape.n_features = width_;
  f::FileHeader h{};
  std::memcpy(h.magic, f::kMagic, 4);
  h.version_major = f::kVersionMajor;
  h.version_minor = quant_kind_ != 0 ? f::kVersionMinorInteger : f::kVersionMinor;
  h.file_size = static_cast<std::uint32_t>(file_size);
  h.section_count = n_sections_;
  h.scratch_bytes = predict_scratch_bytes(shape);
  std::memcpy(out, &h, sizeof h);
  h.crc32 = model_file_crc(out, file_size);
  std::memcpy(out + 8, &h.crc32, 4);
  return Status::ok;
}

}  // namespace ember
