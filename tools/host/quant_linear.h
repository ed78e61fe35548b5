// Quantizing a float linear model (linear, logistic, multinomial) with its
// whole pipeline folded in.
//
// With per-column and linear steps only (impute, one-hot, ordinal, affine,
// discretize, select, project), the score is a sum of one term per raw
// feature. Each term is measured from the float model itself: its
// contribution f_j(v) = score(base row with feature j = v) - score(base
// row), the base row holding 0 for numbers and code 0 for categories (the
// sum is checked against the float score on calibration rows). Then per
// raw feature:
// - numeric, f_j affine in the real value: a `linear` term, weight
//   c_oj per unit of q, stored as round(c_oj / S_o) with the symmetric
//   per-output scale S_o = max_j |c_oj| / 32767 (--bits 16) or / 127 (8);
//   a missing value takes its table entry (the imputed value's
//   contribution, indicators included), or INT32_MIN without imputation;
// - numeric, f_j piecewise constant (discretized): a `bins` term, its
//   cuts in q found exactly by running every int16 value, and a table
//   entry per bin and for missing;
// - categorical: a `category` term, a table entry per code, unknown and
//   missing (INT32_MIN where the float pipeline refuses: a one-hot
//   "error" policy);
// - anything else is refused, naming the feature.
// Tables and the bias are in accumulator units of S_o; the int64
// accumulator is requantized by a multiplier in [2^14, 2^15) and a shift
// to Q out_frac_bits: 16 with a link, else the largest F <= 30 for which
// the largest score any int16 row can reach fits in int32.
#ifndef EMBER_HOST_QUANT_LINEAR_H
#define EMBER_HOST_QUANT_LINEAR_H

#include "host/error.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quant_inputs.h"
#include "host/quant_model.h"

namespace ember::host {

struct LinearQuantStats {
  std::uint32_t linear = 0, bins = 0, category = 0, none = 0;
  double max_additivity_error = 0.0;  // on the calibration rows checked, in score units
};

bool quantize_linear(const LoadedModel& lm, const ModelInput& calibration, const QuantInputScales& in,
                     unsigned bits, QuantLinearModel* out, LinearQuantStats* stats, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_LINEAR_H
