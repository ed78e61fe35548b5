#include "host/float_trees.h"

#include <cmath>

#include "runtime/tree_walk.h"

namespace ember::host {

namespace {

constexpr std::int32_t leaf_ref(std::uint32_t leaf) { return -static_cast<std::int32_t>(leaf) - 1; }

FloatNode node_at(const Model& m, const NodeWords& words, std::size_t i) {
  const AnyWord w = words.at(i);
  FloatNode n;
  n.column = words.feature(w);
  n.default_left = (w & 2u) != 0;
  n.categorical = (w & 4u) != 0;
  n.threshold = m.thresholds[i];
  return n;
}

// Preorder: node i's left child is node i + 1 (skip > 0) or the next leaf;
// its right child is node i + 1 + skip, or the leaf after the left
// subtree's skip + 1 leaves. Depth is at most kMaxTreeDepth.
void decode_preorder(const Model& m, const NodeWords& words, std::size_t base, std::uint32_t i,
                     std::uint32_t leaf, FloatTree* t) {
  const AnyWord w = words.at(base + i);
  const std::uint32_t skip = words.skip(w);
  FloatNode n = node_at(m, words, base + i);
  n.left = skip == 0 ? leaf_ref(leaf) : static_cast<std::int32_t>(i + 1);
  n.right = (w & 1u) ? leaf_ref(leaf + skip + 1) : static_cast<std::int32_t>(i + 1 + skip);
  t->nodes[i] = n;
  if (skip != 0) decode_preorder(m, words, base, i + 1, leaf, t);
  if (!(w & 1u)) decode_preorder(m, words, base, i + 1 + skip, leaf + skip + 1, t);
}

}  // namespace

std::vector<FloatTree> decode_float_trees(const Model& m) {
  const format::TreesHeader& h = *m.trees;
  const NodeWords words(m.words, h);
  std::vector<FloatTree> trees(h.n_trees);
  for (std::uint32_t t = 0; t < h.n_trees; ++t) {
    FloatTree& tree = trees[t];
    const std::uint32_t base = m.node_begin[t], n_nodes = m.node_begin[t + 1] - base;
    tree.first_leaf = m.leaf_begin[t];
    tree.n_leaves = m.leaf_begin[t + 1] - m.leaf_begin[t];
    tree.output = m.tree_output[t];
    tree.nodes.resize(n_nodes);
    if (n_nodes == 0) continue;
    if (h.layout == static_cast<std::uint8_t>(format::TreeLayout::heap)) {
      for (std::uint32_t i = 0; i < n_nodes; ++i) {
        FloatNode n = node_at(m, words, base + i);
        const std::uint32_t l = 2 * i + 1, r = 2 * i + 2;
        n.left = l < n_nodes ? static_cast<std::int32_t>(l) : leaf_ref(l - n_nodes);
        n.right = r < n_nodes ? static_cast<std::int32_t>(r) : leaf_ref(r - n_nodes);
        tree.nodes[i] = n;
      }
    } else {
      decode_preorder(m, words, base, 0, 0, &tree);
    }
  }
  return trees;
}

bool float_goes_left(const Model& m, const FloatNode& node, float x) {
  if (std::isnan(x)) return node.default_left;
  if (node.categorical) return categorical_goes_right(node.threshold, m.bitsets, x) == 0;
  return x < node.threshold;
}

}  // namespace ember::host
