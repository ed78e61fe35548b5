// The node-word codec and tree walks shared by the loader, the predictor and
// the writer: one piece of code for the tree encoding of model_format.h.
#ifndef EMBER_SRC_TREE_WALK_H
#define EMBER_SRC_TREE_WALK_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ember/runtime/model_format.h"
#include "ember/base/status.h"

namespace ember {

template <class Word>
struct NodeDecoder {
  unsigned feature_shift;  // kNodeFlagBits + skip_bits
  Word skip_mask;

  explicit NodeDecoder(const format::TreesHeader& h)
      : feature_shift(format::kNodeFlagBits + h.skip_bits),
        skip_mask(static_cast<Word>((std::uint64_t{1} << h.skip_bits) - 1)) {}

  // (Shifted as an unsigned 32/64-bit value: a promoted int would shift
  // arithmetically and cost a sign extension per step.)
  std::uint32_t feature(Word w) const {
    using Wide = std::conditional_t<(sizeof(Word) > 4), std::uint64_t, std::uint32_t>;
    return static_cast<std::uint32_t>(static_cast<Wide>(w) >> feature_shift);
  }
  std::uint32_t skip(Word w) const {
    return static_cast<std::uint32_t>((w >> format::kNodeFlagBits) & skip_mask);
  }
  unsigned flags(Word w) const { return static_cast<unsigned>(w & 7u); }
  bool right_leaf(Word w) const { return (w & 1u) != 0; }
  bool default_left(Word w) const { return (w & 2u) != 0; }
  bool categorical(Word w) const { return (w & 4u) != 0; }
};

// The inverse of NodeDecoder; fields must fit their widths.
inline std::uint64_t encode_node_word(std::uint32_t feature, std::uint32_t skip, bool right_leaf,
                                      bool default_left, bool categorical, unsigned skip_bits) {
  const std::uint64_t flags = (right_leaf ? 1u : 0u) | (default_left ? 2u : 0u) | (categorical ? 4u : 0u);
  return flags | std::uint64_t{skip} << format::kNodeFlagBits |
         std::uint64_t{feature} << (format::kNodeFlagBits + skip_bits);
}

// Checks that `words[0, n_nodes)` is a full binary tree in preorder whose
// skips are exact, with `n_leaves` leaves numbered left to right, and
// reports its depth (internal levels). Uses a fixed stack of
// kMaxTreeDepth frames; deeper trees are bad_tree.
template <class Word>
Status verify_tree_shape(const NodeDecoder<Word>& d, const Word* words, std::uint32_t n_nodes,
                         std::uint32_t n_leaves, std::uint32_t* depth_out) {
  *depth_out = 0;
  if (n_nodes == 0) return n_leaves == 1 ? Status::ok : Status::bad_tree;
  struct Frame {
    std::uint32_t node;
    std::uint32_t depth;
  };
  Frame stack[format::kMaxTreeDepth];
  std::uint32_t top = 0;     // frames in use: ancestors whose left subtree we are in
  std::uint32_t next = 0;    // the preorder index the next internal node must have
  std::uint32_t leaves = 0;  // leaves seen so far
  std::uint32_t node = 0, depth = 1;
  std::uint32_t max_depth = 0;
  for (;;) {
    // Enter `node`.
    if (node != next || node >= n_nodes || depth > format::kMaxTreeDepth) return Status::bad_tree;
    ++next;
    if (depth > max_depth) max_depth = depth;
    if (d.skip(words[node]) != 0) {
      stack[top++] = Frame{node, depth};
      node = node + 1;
      depth = depth + 1;
      continue;
    }
    ++leaves;  // the left child is a leaf
    // Walk up through finished subtrees until a right child is to be entered.
    std::uint32_t at = node, at_depth = depth;
    for (;;) {
      const Word w = words[at];
      if (std::uint64_t{next} != std::uint64_t{at} + 1 + d.skip(w))
        return Status::bad_tree;  // the left subtree's size
      if (!d.right_leaf(w)) {
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
      at = stack[top].node;
      at_depth = stack[top].depth;
    }
  }
}

// 1 when `row` goes right at node i, else 0. Numeric splits: x < threshold
// goes left, NaN by the default flag. Categorical: in-set codes go left,
// anything else right. Specialised at compile time on whether the rows may
// hold NaN and the model has categorical splits, so that the common case
// pays for neither.
template <bool kNaN, bool kCategorical, class Word>
inline std::uint32_t goes_right(Word w, std::uint32_t feature, const float* thresholds,
                                const std::uint32_t* bitsets, std::size_t i, const float* row) {
  const float x = row[feature];
  if (!kCategorical || __builtin_expect((w & 4u) == 0, 1)) {
    const float t = thresholds[i];
    if (!kNaN) return static_cast<std::uint32_t>(x >= t);
    // !(x < t) is "right, or NaN"; x >= t is "right, not NaN". The default
    // flag picks one. Written as integer selects: a mispredicted branch here
    // would cost more than the whole test.
    const auto not_less = static_cast<std::uint32_t>(!(x < t));
    const auto at_least = static_cast<std::uint32_t>(x >= t);
    const auto default_left = static_cast<std::uint32_t>((w >> 1) & 1u);
    return (at_least & (0u - default_left)) | (not_less & (default_left - 1u));
  }
  if (kNaN && x != x) return (w & 2u) ? 0u : 1u;
  std::uint32_t offset;
  std::memcpy(&offset, &thresholds[i], sizeof offset);
  const std::uint32_t n_words = bitsets[offset];
  if (!(x >= 0.0f && x < static_cast<float>(n_words) * 32.0f)) return 1u;
  const auto c = static_cast<std::uint32_t>(x);
  const bool in_set = static_cast<float>(c) == x && ((bitsets[offset + 1 + (c >> 5)] >> (c & 31u)) & 1u) != 0;
  return in_set ? 0u : 1u;
}

// One step down from node *i: advances *i and *leaf and returns whether a
// leaf was reached (then *leaf is its index within the tree). Going left
// leads to node i + 1, or to leaf `leaf` when skip is 0; going right leads
// to node i + 1 + skip, or to leaf `leaf + skip + 1`.
template <bool kNaN, bool kCategorical, class Word>
inline bool step_down(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                      const std::uint32_t* bitsets, const float* row, std::uint32_t* i, std::uint32_t* leaf) {
  const Word w = words[*i];
  const std::uint32_t skip = d.skip(w);
  const std::uint32_t right = goes_right<kNaN, kCategorical>(w, d.feature(w), thresholds, bitsets, *i, row);
  const std::uint32_t right_mask = 0u - right;
  const auto right_leaf = static_cast<std::uint32_t>(w & 1u);
  const auto left_leaf = static_cast<std::uint32_t>(skip == 0);
  const std::uint32_t done = (right_leaf & right_mask) | (left_leaf & ~right_mask);
  *leaf += (skip + 1) & right_mask;
  *i += 1 + (skip & right_mask);
  return done != 0;
}

// The index (within its tree) of the leaf that `row` reaches. Trusts the
// tree: call only on verified models.
template <bool kNaN, bool kCategorical, class Word>
inline std::uint32_t find_leaf(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                               const std::uint32_t* bitsets, std::uint32_t n_nodes, const float* row) {
  if (n_nodes == 0) return 0;
  std::uint32_t i = 0, leaf = 0;
  while (!step_down<kNaN, kCategorical>(d, words, thresholds, bitsets, row, &i, &leaf)) {
  }
  return leaf;
}

// find_leaf for n rows (n <= kLanes) at once, in lockstep: the rows'
// independent walks overlap in the CPU instead of waiting on each other.
constexpr std::size_t kLanes = 8;

template <bool kNaN, bool kCategorical, class Word>
inline void find_leaves(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                        const std::uint32_t* bitsets, std::uint32_t n_nodes, const float* const* rows,
                        std::size_t n, std::uint32_t* leaves) {
  std::uint32_t node[kLanes] = {}, done_mask = 0;
  for (std::size_t r = 0; r < n; ++r) leaves[r] = 0;
  if (n_nodes == 0) return;
  const std::uint32_t all = (1u << n) - 1u;
  while (done_mask != all) {
    for (std::size_t r = 0; r < n; ++r) {
      if (done_mask & (1u << r)) continue;
      if (step_down<kNaN, kCategorical>(d, words, thresholds, bitsets, rows[r], &node[r], &leaves[r])) {
        done_mask |= 1u << r;
      }
    }
  }
}

}  // namespace ember

#endif  // EMBER_SRC_TREE_WALK_H
