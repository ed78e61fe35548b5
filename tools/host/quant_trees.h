// Quantizing a float tree ensemble (tree, forest, extra_trees, gbdt) with
// its whole pipeline folded in, exactly.
//
// Every float node reads one column the pipeline makes; that column must
// depend on a single raw feature (a project step mixing features before
// the trees is refused). The node's float decision is computed for every
// int16 value q of that feature (the pipeline run on float(q - zero_point)
// x scale), for missing, and for a categorical feature for every code and
// an unknown one. A numeric decision must be one step in q: it becomes a
// cut T, "left iff q < T" (the children are swapped when the pipeline
// reverses the order); anything else is refused naming the node. A
// categorical decision becomes a bitset and an unknown-goes-left flag.
// Leaves: Q16 for classification (a forest's probability leaves divided by
// the number of trees); regression at the largest F <= 30 for which
// |base| + the sum over trees of the largest |leaf| stays below 2^31, so
// the integer sum never saturates.
#ifndef EMBER_HOST_QUANT_TREES_H
#define EMBER_HOST_QUANT_TREES_H

#include <cstdint>
#include <string>
#include <vector>

#include "host/error.h"
#include "host/model_file.h"
#include "host/quant_inputs.h"
#include "host/quant_model.h"

namespace ember::host {

struct TreeQuantStats {
  std::uint64_t nodes = 0;
  std::uint64_t reversed = 0;  // numeric splits whose children were swapped
  std::uint64_t constant = 0;  // numeric splits that go one way for every present value
  std::uint64_t categorical = 0;
  std::uint64_t cuts = 0;
  std::uint64_t decisions_checked = 0;  // by verify_tree_decisions
};

// Per raw feature, the thresholds of the numeric splits that read its
// value unchanged (no step, or steps that pass present values through),
// sorted and unique: what align_scales_to_thresholds aligns.
std::vector<std::vector<float>> raw_thresholds(const LoadedModel& lm);

bool quantize_trees(const LoadedModel& lm, const QuantInputScales& in, QuantTreesModel* out,
                    TreeQuantStats* stats, Error* error);

// The proof, run by the quantizer on every model it writes (and by the
// tests): for every node, the integer decision (cut table and split, or
// bitset and flags, as the integer runtime reads them) sends every int16
// value of the node's feature, the missing code and, for a categorical
// feature, every code and an unknown one, to the same child as the float
// node sends the value it stands for. Counts the decisions it compared.
bool verify_tree_decisions(const LoadedModel& lm, const QuantInputScales& in, const QuantTreesModel& q,
                           std::uint64_t* checked, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_TREES_H
