// A quantized (integer) model on the host, as the arrays the file stores
// (model_format.h, "Integer models"): what the quantizer builds, checks and
// hands to ModelWriter::quant_trees / quant_linear.
#ifndef EMBER_HOST_QUANT_MODEL_H
#define EMBER_HOST_QUANT_MODEL_H

#include <cstdint>
#include <vector>

#include "ember/runtime/model_format.h"

namespace ember::host {

struct QuantTreesModel {
  struct Tree {
    std::vector<format::QuantNode> nodes;
    std::vector<std::int32_t> leaves;  // leaf_width values per leaf, Q out_frac_bits
    std::uint32_t output = 0;
  };
  std::uint32_t n_outputs = 1;
  std::uint32_t leaf_width = 1;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 0;
  std::uint32_t link_error = 0;
  std::vector<std::int32_t> base_score;  // n_outputs, Q out_frac_bits
  std::vector<std::uint32_t> cut_begin;  // n_features + 1
  std::vector<std::int32_t> cuts;
  std::vector<Tree> trees;
  std::vector<std::uint32_t> bitsets;  // per categorical split: n_words, then the words
};

struct QuantLinearModel {
  std::uint32_t n_outputs = 1;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 0;
  std::uint8_t weight_bits = 16;
  std::uint32_t link_error = 0;
  std::vector<std::uint8_t> terms;       // a format::QuantTerm per raw feature
  std::vector<std::uint32_t> cut_begin;  // n_features + 1
  std::vector<std::int32_t> cuts;
  std::vector<std::uint32_t> table_begin;  // n_features + 1, in entries x n_outputs
  std::vector<std::int32_t> table;         // accumulator units; INT32_MIN: the model cannot take it
  std::vector<std::int32_t> bias;          // n_outputs, accumulator units
  std::vector<std::int32_t> multiplier;    // n_outputs, [2^14, 2^15)
  std::vector<std::uint32_t> shift;        // n_outputs
  std::vector<std::int16_t> weights;       // n_outputs x n_features
  std::vector<double> weight_scale;        // n_outputs: S_o, the real score of one accumulator unit
};

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_MODEL_H
