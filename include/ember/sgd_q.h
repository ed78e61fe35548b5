// SgdModelQ: the integer twin of SgdModel. A linear or logistic model
// learned one example at a time in fixed point, for training on devices
// without an FPU: integer arithmetic only (no float, no soft-float call),
// memory from a fixed arena, no UB (every step that could overflow
// saturates, as stated below).
//
// The same objective and schedules as SgdModel (scikit-learn's SGD):
// squared loss with the "invscaling" rate eta0 / t^(1/4); log loss (binary
// logistic, or softmax over K classes) with the "optimal" rate
// 1 / (alpha (t0 + t)) and scikit-learn's t0 = alpha^(-3/4); L2 decay of the
// weights (not the intercept) by (1 - eta alpha); with `average`, the
// coefficients are the mean of the iterates (ASGD), kept exactly as an
// int64 sum of every iterate.
//
// Formats (Qn: the integer round(real * 2^n)):
//   inputs x          int16 in Q(input_frac_bits)  (default Q11: +-16, e.g.
//                     standardised by RunningStatsQ / standardize_q)
//   weights, intercept int32 in Q(weight_frac_bits) (default Q20: +-2048,
//                     steps of 1e-6; Q16 rounds each step coarsely enough
//                     that the log loss's early large rates (eta = 5.6 at
//                     alpha 1e-3) move the coefficients some percent)
//   scores, regression targets   Q(weight_frac_bits); scores int64 (+-2^61)
//   alpha, eta0       uint32 in Q32 (so both are in (0, 1))
//   rates             eta in Q32 (uint64), eta alpha in Q32
//   link              sigmoid / softmax of the scores in Q16 (clamped to
//                     +-32), probabilities in Q30 (include/ember/fixed_math.h)
//   gradient          log loss: p - y in Q30 (Q16 would lose the many small
//                     p of well-classified rows, a bias on the intercept);
//                     squared loss: score - target in Q(weight_frac_bits),
//                     clamped to int32
// Rounding: every product is rounded to nearest (halves away from zero);
// the L2 decay w eta alpha too, so below half a unit of a weight it does
// nothing (the squared loss's eta alpha of about 1e-7: as ridge's tiny
// penalty there, no measurable effect).
// Saturation: the step eta * gradient * weight is clamped to +-2^47 in Q32
// (+-32768); weights are clamped to +-(2^31 - 1). Neither is reached by a
// model whose coefficients fit the format.
//
// Limits: n_features <= 65535 (so a score's int64 sum cannot overflow);
// at most kMaxSteps steps (partial_fit refuses more).
//
// Memory: outputs (d + 1) (4 + 8) bytes plus 12 per output, from the arena
// at init; partial_fit allocates nothing.
#ifndef EMBER_SGD_Q_H
#define EMBER_SGD_Q_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/sgd_loss.h"

namespace ember {

struct SgdQOptions {
  SgdLoss loss = SgdLoss::log;
  std::uint32_t alpha_q32 = 429497;    // L2 strength alpha = alpha_q32 / 2^32 (1e-4), > 0
  std::uint32_t eta0_q32 = 42949673;   // squared loss: eta0 = eta0_q32 / 2^32 (0.01), > 0
  std::uint8_t input_frac_bits = 11;   // [0, 15]
  std::uint8_t weight_frac_bits = 20;  // [4, 24]
  bool fit_intercept = true;
  bool average = true;
};

class SgdModelQ {
 public:
  static constexpr std::uint64_t kMaxSteps = (std::uint64_t{1} << 31) - 1;
  static constexpr std::size_t kMaxFeatures = 65535;

  // n_classes: 0 for regression (squared loss), 2 for binary (one output),
  // more for multinomial (one output per class; log loss).
  // Errors: invalid_argument (n_features 0 or above kMaxFeatures, a loss
  // that does not fit n_classes, n_classes 1, frac bits out of range),
  // bad_value (alpha_q32 or eta0_q32 = 0), out_of_memory, size_overflow.
  Status init(Arena& arena, std::size_t n_features, std::uint32_t n_classes,
              const SgdQOptions& options) noexcept;

  // One step on example (x, target): x in Q(input_frac_bits); target is
  // the value in Q(weight_frac_bits) for regression, the class code for
  // classification. weight_q16 (Q16, default 1.0, at most 2^24 = 256.0)
  // scales the step. Errors: shape_mismatch, bad_index (a class code out
  // of range), bad_value (weight above 2^24), size_overflow (kMaxSteps
  // steps done). On an error nothing changes.
  Status partial_fit(Span<const std::int16_t> x, std::int32_t target,
                     std::uint32_t weight_q16 = 65536) noexcept;

  // The current (or averaged, rounded to nearest) coefficients in
  // Q(weight_frac_bits): coef is outputs() x n_features, row-major;
  // intercept has outputs() values. Errors: shape_mismatch.
  Status coefficients(Span<std::int32_t> coef, Span<std::int32_t> intercept) const noexcept;

  // The state a device saves to go on training after a power cycle: the
  // iterates (outputs() x (n_features + 1), each row's last entry the
  // intercept, Q(weight_frac_bits)), their sums over the steps, and
  // steps(). restore() sets them back into a model initialised with the
  // same shape and options. Errors: shape_mismatch, bad_value (steps above
  // kMaxSteps, a sum whose magnitude exceeds steps 2^31); nothing changes then.
  Span<const std::int32_t> iterates() const noexcept { return w_; }
  Span<const std::int64_t> iterate_sums() const noexcept { return sum_; }
  Status restore(std::uint64_t steps, Span<const std::int32_t> iterates,
                 Span<const std::int64_t> sums) noexcept;

  std::uint32_t outputs() const noexcept { return outputs_; }
  std::size_t n_features() const noexcept { return d_; }
  std::uint64_t steps() const noexcept { return steps_; }
  const SgdQOptions& options() const noexcept { return options_; }

 private:
  void compute_scores(Span<const std::int16_t> x) noexcept;
  void compute_gradient(std::int32_t target) noexcept;
  void rates(std::uint64_t* eta_q32, std::uint64_t* decay_q32) const noexcept;
  void update(Span<const std::int16_t> x, std::uint64_t eta_q32, std::uint64_t decay_q32,
              std::uint32_t weight_q16) noexcept;

  SgdQOptions options_;
  std::size_t d_ = 0;
  std::uint32_t outputs_ = 0;
  std::uint32_t n_classes_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t alpha_quarter_q32_ = 0;  // alpha^(1/4) = alpha t0, in Q32
  Span<std::int32_t> w_;                 // outputs x (d + 1): each row's last entry is the intercept
  Span<std::int64_t> sum_;               // the sum of w over the steps (ASGD)
  Span<std::int64_t> score_;             // outputs: scores, then gradients
  Span<std::int32_t> link_;              // outputs: scores and probabilities in Q16
};

// The scores of x (Q(input_frac_bits), as the model was fitted) under
// coefficients from SgdModelQ::coefficients(), in Q(weight_frac_bits) of
// the same model, saturated to +-(2^31 - 1): out[k] = intercept[k] +
// sum_j coef[k d + j] x[j] (an exact int64 sum, then one rounding). The
// class is the argmax, or score > 0 with one output. Errors:
// shape_mismatch, invalid_argument (input_frac_bits > 15, or more than
// SgdModelQ::kMaxFeatures features).
Status linear_scores_q(Span<const std::int32_t> coef, Span<const std::int32_t> intercept,
                       Span<const std::int16_t> x, unsigned input_frac_bits, Span<std::int32_t> out) noexcept;

}  // namespace ember

#endif  // EMBER_SGD_Q_H
