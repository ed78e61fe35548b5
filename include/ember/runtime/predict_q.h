// Integer prediction: run an integer (quantized) model on integer rows.
//
// An integer model (docs/FORMAT.md, "Integer models") reads a row of
// int16 values as sensors give them: feature j's value q means
// (q - zero_point_j) x scale_j, q == missing_code_j means missing, and a
// categorical feature's q is its category code. Every operation on this
// path is an integer one: no float is read or computed, so a device
// without an FPU calls no soft-float routine.
//
// Outputs are int32:
//   Output::raw          n_outputs scores, Q out_frac_bits (value x 2^-F)
//   Output::probability  n_classes probabilities, Q0.16 in 0..65535
//   Output::label        one value: the class index (ties -> lowest), or
//                        the regression value in Q out_frac_bits
// All working memory is the caller's scratch; nothing is allocated.
//
// The float API (predict.h) also runs an integer model: predict() first
// quantizes the float row (quantize_row), then converts the integer
// outputs to float (raw x 2^-F, probability / 65536, the label).
#ifndef EMBER_PREDICT_Q_H
#define EMBER_PREDICT_Q_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"

namespace ember {

// True when `model` is an integer model (QINP with QTRE or QLIN).
bool is_integer_model(const Model& model) noexcept;

// The Q format of the raw outputs (and of a regression label): F in
// value x 2^-F. 0 for a float model.
unsigned output_frac_bits(const Model& model) noexcept;

// Scratch bytes that one predict_q() call needs (also stored in the file).
// One figure for predict_q() and predict() on an integer model (which
// also holds the quantized row): 8 + 8 n_outputs + 2 x (4 A + 2 n_features
// rounded up to 4), A = max(n_outputs, n_classes, 2). 0 for a float model.
std::size_t scratch_bytes_q(const Model& model) noexcept;

// Predicts one integer row (n_features values). `out` holds
// output_size(model, kind) values. Errors: invalid_argument (not an
// integer model, scratch too small, an output the model lacks),
// shape_mismatch (row or out of the wrong size), bad_value (a missing
// value the model cannot take: a numeric feature that reached a linear
// model without imputation).
Status predict_q(const Model& model, Span<const std::int16_t> row, Span<unsigned char> scratch, Output kind,
                 Span<std::int32_t> out) noexcept;

// The float entry point's first step: quantizes a float row (NaN =
// missing) to the model's integer inputs: q = zero_point + round(x /
// scale) (halves away from zero), clamped to the int16 range, a value
// that would equal missing_code moved one step toward zero_point.
// Categorical codes are copied (an integral code in range, else an
// unknown code). Errors: invalid_argument (not an integer model),
// shape_mismatch.
Status quantize_row(const Model& model, Span<const float> row, Span<std::int16_t> out) noexcept;

// The maximum absolute error of a link's Q0.16 probabilities against the
// exact ones, in units of 2^-32: what a quantizer stores as link_error.
// identity 0; logistic 65536 (2^-16: the clamp of 1.0 to 65535 dominates;
// elsewhere the error is below 2^-17 + 2^-28); softmax 65536 + 16 x
// n_outputs. Checked by the tests over the whole input range (every Q16
// logit up to saturation for the sigmoid, every logit difference for two
// classes, a dense random sample for more).
std::uint32_t link_error_q32(format::Link link, std::uint32_t n_outputs) noexcept;

}  // namespace ember

#endif  // EMBER_PREDICT_Q_H
