// The links of integer models in fixed point: exp, sigmoid and softmax on
// Q16 logits (value x 2^-16), probabilities in Q0.16 (p x 2^-16). Integer
// operations only (no float, no libm); the one division per probability is
// an exact integer one, by shift and subtract (no 64-bit division routine).
// predict_q uses these; they are public so that a host tool computes
// exactly what the device does. Their maximum errors are link_error_q32
// (predict_q.h).
#ifndef EMBER_FIXED_POINT_H
#define EMBER_FIXED_POINT_H

#include <cstdint>

namespace ember::fixed {

// exp(-a) for a Q16 argument a >= 0 (a x 2^-16), in Q0.30: 2^30 at a = 0,
// 0 once exp(-a) < 2^-31 (a >= 22). Error below 2^-28 absolute (measured
// in the tests), far under the 2^-16 of the probabilities built on it.
std::uint32_t exp_neg_q30(std::uint32_t a) noexcept;

// sigmoid(x) of a Q16 logit, as Q0.16 before the clamp to 65535: 0..65536.
// Symmetric: sigmoid_q16(-x) == 65536 - sigmoid_q16(x).
std::uint32_t sigmoid_q16(std::int32_t x) noexcept;

// Q0.16 probabilities of a binary model from its Q16 logit:
// p[1] = min(65535, sigmoid), p[0] = min(65535, 65536 - sigmoid).
void logistic_probabilities(std::int32_t logit, std::int32_t* p) noexcept;

// softmax of n >= 1 Q16 logits into Q0.16 probabilities (each clamped to
// 65535). `logits` and `p` may be the same array.
void softmax_q16(const std::int32_t* logits, std::uint32_t n, std::int32_t* p) noexcept;

}  // namespace ember::fixed

#endif  // EMBER_FIXED_POINT_H
