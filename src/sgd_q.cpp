#include "ember/sgd_q.h"

#include "ember/fixed_math.h"

namespace ember {

namespace {

constexpr std::int64_t kMaxStepQ32 = std::int64_t{1} << 47;  // |eta g weight| <= 32768
constexpr std::int32_t kOneQ30 = 1 << 30;
constexpr std::int64_t kMaxScore = std::int64_t{1} << 61;
constexpr std::int64_t kLinkClampQ16 = std::int64_t{32} << 16;  // sigmoid(32) = 1 - 1.3e-14

// A score in Q(frac_bits) as Q16, clamped to +-32 first (so no shift overflows).
std::int32_t to_link_q16(std::int64_t z, unsigned frac_bits) {
  const std::int64_t limit = std::int64_t{32} << frac_bits;
  z = z > limit ? limit : (z < -limit ? -limit : z);
  const std::int64_t q16 =
      frac_bits >= 16 ? round_shift(z, frac_bits - 16) : z * (std::int64_t{1} << (16 - frac_bits));
  return static_cast<std::int32_t>(q16 > kLinkClampQ16 ? kLinkClampQ16
                                                       : (q16 < -kLinkClampQ16 ? -kLinkClampQ16 : q16));
}

// Round-to-nearest signed division by a positive count.
std::int64_t divide_round(std::int64_t s, std::uint64_t n) {
  const std::uint64_t m = s < 0 ? 0u - static_cast<std::uint64_t>(s) : static_cast<std::uint64_t>(s);
  const std::int64_t q = static_cast<std::int64_t>((m + n / 2) / n);
  return s < 0 ? -q : q;
}

}  // namespace

Status SgdModelQ::init(Arena& arena, std::size_t n_features, std::uint32_t n_classes,
                       const SgdQOptions& options) noexcept {
  if (n_features == 0 || n_features > kMaxFeatures || n_classes == 1) return Status::invalid_argument;
  if ((options.loss == SgdLoss::squared) != (n_classes == 0)) return Status::invalid_argument;
  if (options.input_frac_bits > 15 || options.weight_frac_bits < 4 || options.weight_frac_bits > 24) {
    return Status::invalid_argument;
  }
  if (options.alpha_q32 == 0 || options.eta0_q32 == 0) return Status::bad_value;
  options_ = options;
  d_ = n_features;
  n_classes_ = n_classes;
  outputs_ = n_classes <= 2 ? 1u : n_classes;
  steps_ = 0;
  if (n_features + 1 > SIZE_MAX / outputs_) return Status::size_overflow;
  EMBER_TRY(arena.allocate_array(outputs_ * (d_ + 1), &sum_));
  EMBER_TRY(arena.allocate_array(outputs_, &score_));
  EMBER_TRY(arena.allocate_array(outputs_ * (d_ + 1), &w_));
  EMBER_TRY(arena.allocate_array(outputs_, &link_));
  // scikit-learn's "optimal" schedule: t0 = 1 / (typw alpha) with typw =
  // alpha^(-1/4), so alpha t0 = alpha^(1/4): two exact integer roots.
  const std::uint64_t alpha = options.alpha_q32;
  const std::uint64_t root = isqrt_u64(alpha << 32);  // alpha^(1/2) in Q32, < 2^32
  alpha_quarter_q32_ = isqrt_u64(root << 32);         // alpha^(1/4) in Q32, >= 2^24
  return Status::ok;
}

Status SgdModelQ::partial_fit(Span<const std::int16_t> x, std::int32_t target,
                              std::uint32_t weight_q16) noexcept {
  if (x.size() != d_) return Status::shape_mismatch;
  if (weight_q16 > (std::uint32_t{1} << 24)) return Status::bad_value;
  if (n_classes_ > 0 && (target < 0 || static_cast<std::uint32_t>(target) >= n_classes_))
    return Status::bad_index;
  if (steps_ >= kMaxSteps) return Status::size_overflow;
  ++steps_;
  std::uint64_t eta_q32 = 0, decay_q32 = 0;
  rates(&eta_q32, &decay_q32);
  compute_scores(x);
  compute_gradient(target);
  update(x, eta_q32, decay_q32, weight_q16);
  // ASGD: the exact sum of the iterates; |sum| <= kMaxSteps 2^31 < 2^62.
  for (std::size_t i = 0; i < w_.size(); ++i) sum_[i] += w_[i];
  return Status::ok;
}

void SgdModelQ::rates(std::uint64_t* eta_q32, std::uint64_t* decay_q32) const noexcept {
  const std::uint64_t t = steps_;  // in [1, 2^31)
  const std::uint64_t alpha = options_.alpha_q32;
  if (options_.loss == SgdLoss::log) {
    // eta = 1 / (alpha (t0 + t - 1)) = 1 / D with D = alpha^(1/4) + alpha (t - 1)
    // in Q32: D < 2^32 + 2^63, D >= 2^24, so eta < 2^40 in Q32; and
    // eta alpha = alpha / D < 1 (alpha < alpha^(1/4)).
    const std::uint64_t d = alpha_quarter_q32_ + alpha * (t - 1);
    *eta_q32 = UINT64_MAX / d;  // 2^64 / D, one unit low at most
    *decay_q32 = (alpha << 32) / d;
  } else {
    // eta = eta0 / t^(1/4): t^(1/2) and t^(1/4) in Q16 by integer roots.
    const std::uint64_t root = isqrt_u64(t << 32);                               // < 2^32
    const std::uint64_t quarter = isqrt_u64(root << 16);                         // >= 2^16
    *eta_q32 = (static_cast<std::uint64_t>(options_.eta0_q32) << 16) / quarter;  // <= eta0 < 2^32
    *decay_q32 = (*eta_q32 * alpha) >> 32;
  }
}

void SgdModelQ::compute_scores(Span<const std::int16_t> x) noexcept {
  const std::size_t row = d_ + 1;
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    const std::int32_t* w = w_.data() + k * row;
    // Each product < 2^46 and d <= 65535: the sum stays below 2^62.
    std::int64_t acc = 0;
    for (std::size_t j = 0; j < d_; ++j) acc += static_cast<std::int64_t>(w[j]) * x[j];
    // Clamped to +-2^61 so that differences of scores (softmax) fit too.
    const std::int64_t z = round_shift(acc, options_.input_frac_bits) + w[d_];
    score_[k] = z > kMaxScore ? kMaxScore : (z < -kMaxScore ? -kMaxScore : z);
  }
}

void SgdModelQ::compute_gradient(std::int32_t target) noexcept {
  const unsigned wf = options_.weight_frac_bits;
  if (options_.loss == SgdLoss::squared) {
    // d loss / d score = score - target, in Q(wf), clamped to int32.
    score_[0] = saturate_i32(score_[0] - target);
    return;
  }
  if (outputs_ == 1) {
    const std::int32_t p = sigmoid_q30(to_link_q16(score_[0], wf));
    score_[0] = p - (target == 1 ? kOneQ30 : 0);
    return;
  }
  // Softmax is shift-invariant: give it the gaps to the top score, each
  // in [-32, 0] (clamping each score on its own would merge large ones).
  std::int64_t top = score_[0];
  for (std::uint32_t k = 1; k < outputs_; ++k) top = score_[k] > top ? score_[k] : top;
  for (std::uint32_t k = 0; k < outputs_; ++k) link_[k] = to_link_q16(score_[k] - top, wf);
  softmax_q30(Span<const std::int32_t>(link_.data(), outputs_), link_);
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    score_[k] = link_[k] - (static_cast<std::int32_t>(k) == target ? kOneQ30 : 0);
  }
}

void SgdModelQ::update(Span<const std::int16_t> x, std::uint64_t eta_q32, std::uint64_t decay_q32,
                       std::uint32_t weight_q16) noexcept {
  const unsigned xf = options_.input_frac_bits, wf = options_.weight_frac_bits;
  const unsigned gradient_frac = options_.loss == SgdLoss::log ? 30u : wf;
  const std::int64_t decay = static_cast<std::int64_t>(decay_q32);  // < 2^32
  const std::size_t row = d_ + 1;
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    // step = eta g weight in Q32, clamped to +-2^47 so that step x fits;
    // the gradient is an int32 (compute_gradient).
    std::int64_t step = mul_shift_sat(static_cast<std::int32_t>(score_[k]), eta_q32, gradient_frac);
    if (weight_q16 != 65536) step = round_shift(mul_sat(step, weight_q16), 16);
    step = step > kMaxStepQ32 ? kMaxStepQ32 : (step < -kMaxStepQ32 ? -kMaxStepQ32 : step);
    std::int32_t* w = w_.data() + k * row;
    for (std::size_t j = 0; j < d_; ++j) {
      // |w| < 2^31 and decay < 2^32; |step| <= 2^47 and |x| <= 2^15.
      const std::int64_t shrink = round_shift(w[j] * decay, 32);
      const std::int64_t move = round_shift(step * x[j], 32 + xf - wf);
      w[j] = saturate_i32(static_cast<std::int64_t>(w[j]) - shrink - move);
    }
    if (options_.fit_intercept) w[d_] = saturate_i32(w[d_] - round_shift(step, 32 - wf));
  }
}

Status SgdModelQ::restore(std::uint64_t steps, Span<const std::int32_t> iterates,
                          Span<const std::int64_t> sums) noexcept {
  if (iterates.size() != w_.size() || sums.size() != sum_.size()) return Status::shape_mismatch;
  if (steps > kMaxSteps) return Status::bad_value;
  // Bounded so that the sums cannot overflow before kMaxSteps (< 2^62).
  const std::int64_t limit = static_cast<std::int64_t>(steps) * (std::int64_t{1} << 31);
  for (std::int64_t v : sums) {
    if (v > limit || v < -limit) return Status::bad_value;
  }
  steps_ = steps;
  for (std::size_t i = 0; i < w_.size(); ++i) {
    w_[i] = iterates[i];
    sum_[i] = sums[i];
  }
  return Status::ok;
}

Status SgdModelQ::coefficients(Span<std::int32_t> coef, Span<std::int32_t> intercept) const noexcept {
  if (coef.size() != outputs_ * d_ || intercept.size() != outputs_) return Status::shape_mismatch;
  const bool averaged = options_.average && steps_ > 0;
  const std::size_t row = d_ + 1;
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    for (std::size_t j = 0; j <= d_; ++j) {
      const std::size_t i = k * row + j;
      const std::int32_t v = averaged ? saturate_i32(divide_round(sum_[i], steps_)) : w_[i];
      if (j < d_) {
        coef[k * d_ + j] = v;
      } else {
        intercept[k] = v;
      }
    }
  }
  return Status::ok;
}

Status linear_scores_q(Span<const std::int32_t> coef, Span<const std::int32_t> intercept,
                       Span<const std::int16_t> x, unsigned input_frac_bits,
                       Span<std::int32_t> out) noexcept {
  const std::size_t d = x.size(), k_out = intercept.size();
  if (out.size() != k_out || coef.size() != k_out * d) return Status::shape_mismatch;
  if (input_frac_bits > 15 || d > SgdModelQ::kMaxFeatures) return Status::invalid_argument;
  for (std::size_t k = 0; k < k_out; ++k) {
    std::int64_t acc = 0;  // < 65535 * 2^46
    for (std::size_t j = 0; j < d; ++j) acc += static_cast<std::int64_t>(coef[k * d + j]) * x[j];
    out[k] = saturate_i32(round_shift(acc, input_frac_bits) + intercept[k]);
  }
  return Status::ok;
}

}  // namespace ember
