// The node-word codec and tree walks shared by the loader, the predictor and
// the writer: one piece of code for the tree encoding of model_format.h.
#ifndef EMBER_SRC_TREE_WALK_H
#define EMBER_SRC_TREE_WALK_H

#include <cstdint>
#include <cstring>

#include "ember/model_format.h"
#include "ember/status.h"

namespace ember {

template <class Word>
struct NodeDecoder {
  unsigned feature_bits;
  unsigned skip_bits;
  Word feature_mask;
  Word skip_mask;

  explicit NodeDecoder(const format::TreesHeader& h)
      : feature_bits(h.feature_bits),
        skip_bits(h.skip_bits),
        feature_mask(static_cast<Word>((std::uint64_t{1} << h.feature_bits) - 1)),
        skip_mask(static_cast<Word>((std::uint64_t{1} << h.skip_bits) - 1)) {}

  std::uint32_t feature(Word w) const { return static_cast<std::uint32_t>(w & feature_mask); }
  std::uint32_t skip(Word w) const { return static_cast<std::uint32_t>((w >> feature_bits) & skip_mask); }
  unsigned flags(Word w) const { return static_cast<unsigned>(w >> (feature_bits + skip_bits)); }
  bool right_leaf(Word w) const { return (flags(w) & 1u) != 0; }
  bool default_left(Word w) const { return (flags(w) & 2u) != 0; }
  bool categorical(Word w) const { return (flags(w) & 4u) != 0; }
};

// The inverse of NodeDecoder; fields must fit their widths.
inline std::uint64_t encode_node_word(std::uint32_t feature, std::uint32_t skip, bool right_leaf,
                                      bool default_left, bool categorical, unsigned feature_bits,
                                      unsigned skip_bits) {
  const std::uint64_t flags = (right_leaf ? 1u : 0u) | (default_left ? 2u : 0u) | (categorical ? 4u : 0u);
  return std::uint64_t{feature} | std::uint64_t{skip} << feature_bits | flags << (feature_bits + skip_bits);
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

// The index (within its tree) of the leaf that `row` reaches. Trusts the
// tree: call only on verified models.
template <class Word>
inline std::uint32_t find_leaf(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                               const std::uint32_t* bitsets, std::uint32_t n_nodes, const float* row) {
  if (n_nodes == 0) return 0;
  std::uint32_t i = 0, leaf = 0;
  for (;;) {
    const Word w = words[i];
    const float x = row[d.feature(w)];
    const unsigned flags = d.flags(w);
    bool left;
    if (x != x) {
      left = (flags & 2u) != 0;
    } else if ((flags & 4u) == 0) {
      left = x < thresholds[i];
    } else {
      std::uint32_t offset;
      std::memcpy(&offset, &thresholds[i], sizeof offset);
      const std::uint32_t n_words = bitsets[offset];
      // In-set categories go left; any other value (negative, fractional,
      // beyond the set: an unknown category) goes right.
      left = false;
      if (x >= 0.0f && x < static_cast<float>(n_words) * 32.0f) {
        const auto c = static_cast<std::uint32_t>(x);
        left = static_cast<float>(c) == x && ((bitsets[offset + 1 + (c >> 5)] >> (c & 31u)) & 1u) != 0;
      }
    }
    const std::uint32_t skip = d.skip(w);
    if (left) {
      if (skip == 0) return leaf;
      i += 1;
    } else {
      if (flags & 1u) return leaf + skip + 1;
      leaf += skip + 1;
      i += skip + 1;
    }
  }
}

}  // namespace ember

#endif  // EMBER_SRC_TREE_WALK_H
