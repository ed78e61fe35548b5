// Float views of the integer learners' results, for hosts and devices with
// an FPU that write a float model file: the integer coefficients of
// SgdModelQ and the integer scaler steps of RunningStatsQ as the float
// parameters ModelWriter::linear() and an affine pipeline step take.
//
// Kept apart from sgd_q.h / running_stats_q.h on purpose: those files hold
// no float at all, so an FPU-less device that only trains links no
// soft-float routine; it links this file only if it calls it.
#ifndef EMBER_SGD_Q_EXPORT_H
#define EMBER_SGD_Q_EXPORT_H

#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/running_stats_q.h"

namespace ember {

// coef[i] = coef_q[i] / 2^weight_frac_bits and the same for the intercept:
// coefficients of the model on real inputs x_q / 2^input_frac_bits (the
// standardised values). Errors: shape_mismatch (sizes differ),
// invalid_argument (weight_frac_bits > 30).
Status sgd_q_coefficients_to_float(Span<const std::int32_t> coef_q, Span<const std::int32_t> intercept_q,
                                   unsigned weight_frac_bits, Span<float> coef,
                                   Span<float> intercept) noexcept;

// The affine step (x - offset) * scale of each ScaleQ, in the raw input's
// units: offset = offset_q16 / 2^16, scale = multiplier 2^(shift - 31).
// Errors: shape_mismatch.
Status scale_q_to_float(Span<const ScaleQ> steps, Span<float> offset, Span<float> scale) noexcept;

}  // namespace ember

#endif  // EMBER_SGD_Q_EXPORT_H
