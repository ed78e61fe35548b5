// Quantizing a float model file into an integer one (`ember quantize`):
// input scales from calibration rows (host/quant_inputs.h), the trees
// (host/quant_trees.h) or the linear model (host/quant_linear.h) with the
// pipeline folded in, written with ModelWriter (schema, QINP, QTRE or
// QLIN, then the float model's names and labels and `quant.*` records that
// describe the quantization), and loaded back through the runtime's
// verifier. Tree models are always proved: every node decision equals the
// float one for every int16 input (verify_tree_decisions).
#ifndef EMBER_HOST_QUANTIZE_H
#define EMBER_HOST_QUANTIZE_H

#include <cstdint>
#include <string>
#include <vector>

#include "host/error.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quant_inputs.h"
#include "host/quant_linear.h"
#include "host/quant_trees.h"

namespace ember::host {

struct QuantizeOptions {
  InputScaleOptions inputs;
  unsigned bits = 16;  // linear models' weights: 8 or 16
};

struct QuantizeResult {
  std::vector<std::uint64_t> storage;  // the integer model file, 8-aligned
  std::size_t size = 0;
  QuantInputScales scales;
  bool trees = false;
  TreeQuantStats tree_stats;
  std::size_t unaligned_thresholds = 0;  // trees: thresholds align_scales_to_thresholds left
  LinearQuantStats linear_stats;
  unsigned out_frac_bits = 0;
  std::uint32_t link_error = 0;  // units of 2^-32
};

// `calibration` holds the rows of `calibration_path` as read_model_input
// reads them for `lm`. Refuses an integer model, a calibration row with an
// infinite value, and a model that cannot be quantized exactly (the
// quantizers' messages, naming the column, row or node).
bool quantize_model(const LoadedModel& lm, const ModelInput& calibration, const std::string& calibration_path,
                    const QuantizeOptions& options, QuantizeResult* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_QUANTIZE_H
