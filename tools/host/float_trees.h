// The trees of a verified float model as explicit nodes (children by
// index), decoded from the node words of either layout, and the float
// split rule the runtime applies at a node: for the quantizer, which must
// reproduce every decision in integers.
#ifndef EMBER_HOST_FLOAT_TREES_H
#define EMBER_HOST_FLOAT_TREES_H

#include <cstdint>
#include <vector>

#include "ember/runtime/model.h"

namespace ember::host {

struct FloatNode {
  std::uint32_t column = 0;  // the model input the split reads
  bool categorical = false;
  bool default_left = false;
  float threshold = 0.0f;  // numeric: x < threshold goes left; categorical: the bitset offset's bits
  // A child is a node index within the tree (>= 0, always greater than the
  // parent's) or a leaf within the tree, written -(leaf + 1).
  std::int32_t left = 0, right = 0;
};

struct FloatTree {
  std::vector<FloatNode> nodes;  // as stored: node 0 is the root (none: the tree is leaf 0)
  std::uint32_t n_leaves = 1;
  std::uint32_t first_leaf = 0;  // leaf_begin[t]
  std::uint32_t output = 0;      // tree_output[t]
};

// Every tree of a verified tree model.
std::vector<FloatTree> decode_float_trees(const Model& m);

// The runtime's rule at `node` for the value `x` of its column: true when
// the row goes left (x < threshold; NaN by default_left; a categorical
// split through categorical_goes_right, the function both tree walks use).
bool float_goes_left(const Model& m, const FloatNode& node, float x);

}  // namespace ember::host

#endif  // EMBER_HOST_FLOAT_TREES_H
