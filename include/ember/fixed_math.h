// Integer fixed-point math for the integer learners (RunningStatsQ,
// SgdModelQ): rounding shifts, square roots and the logistic and softmax
// links in Q30 (on the runtime's e^-u, fixed::exp_neg_q30 in
// ember/runtime/fixed_point.h), in integer arithmetic only, so that a device without an
// FPU calls no soft-float routine.
//
// Notation: a value "in Qn" is the integer round(real * 2^n). Every
// function is total (no UB for any argument) and deterministic: the same
// bits on every platform.
#ifndef EMBER_FIXED_MATH_H
#define EMBER_FIXED_MATH_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"

namespace ember {

// v / 2^shift rounded to nearest, halves away from zero (symmetric, so a
// sign flip of v flips the result). shift in [0, 63]; larger gives 0.
std::int64_t round_shift(std::int64_t v, unsigned shift) noexcept;

// Clamps to [-(2^31 - 1), 2^31 - 1] (symmetric: INT32_MIN is never made).
std::int32_t saturate_i32(std::int64_t v) noexcept;

// a * b, clamped to [-(2^63 - 1), 2^63 - 1] instead of overflowing.
std::int64_t mul_sat(std::int64_t a, std::int64_t b) noexcept;

// floor(sqrt(v)), exact for every v.
std::uint64_t isqrt_u64(std::uint64_t v) noexcept;

// round(a * b / 2^shift) for shift in [0, 32], clamped to
// [-(2^63 - 1), 2^63 - 1]: a 32 x 64-bit product without 128-bit
// arithmetic (b is split in 32-bit halves). Larger shifts give 0.
std::int64_t mul_shift_sat(std::int32_t a, std::uint64_t b, unsigned shift) noexcept;

// The logistic function 1 / (1 + e^-z) for z = z_q16 / 2^16, in Q30
// ([0, 2^30]): p = 1 / (1 + e^-|z|) or e^-|z| / (1 + e^-|z|), so that the
// small side keeps its relative precision (the gradient of the log loss
// is p - y, and many examples have p close to y). Error: |result -
// 2^30 p| <= 1e-5 * 2^30 p (1 - p) + 1 over the whole int32 range.
std::int32_t sigmoid_q30(std::int32_t z_q16) noexcept;

// Softmax of scores z (Q16) into p (Q30, each in [0, 2^30]): each
// |p_k - exact| <= 1e-5 * 2^30 p_k (1 - p_k) + 2 units (a relative error
// of e^-u, on each term and on the sum). z and p have the same size
// (>= 1); they may be the same span. Sizes that differ leave p untouched.
void softmax_q30(Span<const std::int32_t> z, Span<std::int32_t> p) noexcept;

}  // namespace ember

#endif  // EMBER_FIXED_MATH_H
