#include "ember/sgd.h"

#include <cmath>

#include "ember/base/portable_math.h"
#include "softmax.h"

namespace ember {

namespace {
bool finite(double v) { return v - v == 0.0; }
}  // namespace

Status SgdModel::init(Arena& arena, std::size_t n_features, std::uint32_t n_classes,
                      const SgdOptions& options) noexcept {
  if (n_features == 0 || n_classes == 1) return Status::invalid_argument;
  if ((options.loss == SgdLoss::squared) != (n_classes == 0)) return Status::invalid_argument;
  if (!(options.alpha > 0.0) || !finite(options.alpha) || !(options.eta0 > 0.0) || !finite(options.eta0)) {
    return Status::bad_value;
  }
  options_ = options;
  d_ = n_features;
  n_classes_ = n_classes;
  outputs_ = n_classes <= 2 ? 1u : n_classes;
  steps_ = 0;
  if (n_features + 1 > SIZE_MAX / outputs_) return Status::size_overflow;
  EMBER_TRY(arena.allocate_array(outputs_ * (d_ + 1), &w_));
  EMBER_TRY(arena.allocate_array(outputs_ * (d_ + 1), &avg_));
  EMBER_TRY(arena.allocate_array(outputs_, &score_));
  // scikit-learn's "optimal" schedule starts at t0 = 1 / (eta_init alpha)
  // with eta_init = typw / max(1, |dloss(-typw, 1)|), typw = alpha^(-1/4);
  // for the log loss |dloss| < 1, so eta_init = typw.
  const double typw = std::sqrt(1.0 / std::sqrt(options.alpha));
  t0_ = 1.0 / (typw * options.alpha);
  return Status::ok;
}

Status SgdModel::partial_fit(Span<const float> x, float target, float weight) noexcept {
  if (x.size() != d_) return Status::shape_mismatch;
  if (!(weight >= 0.0f) || !finite(weight) || !finite(target)) return Status::bad_value;
  for (float v : x) {
    if (!finite(v)) return Status::bad_value;
  }
  std::size_t label = 0;
  if (n_classes_ > 0) {
    if (!(target >= 0.0f) || target >= static_cast<float>(n_classes_) || target != std::floor(target)) {
      return Status::bad_index;
    }
    label = static_cast<std::size_t>(target);
  }
  ++steps_;
  const double t = static_cast<double>(steps_);
  const double eta = options_.loss == SgdLoss::log ? 1.0 / (options_.alpha * (t0_ + t - 1.0))
                                                   : options_.eta0 / std::sqrt(std::sqrt(t));
  const std::size_t row = d_ + 1;
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    const double* w = w_.data() + k * row;
    double z = w[d_];
    for (std::size_t j = 0; j < d_; ++j) z += w[j] * static_cast<double>(x[j]);
    score_[k] = z;
  }
  // d loss / d score, per output.
  if (options_.loss == SgdLoss::squared) {
    score_[0] = score_[0] - static_cast<double>(target);
  } else if (outputs_ == 1) {
    score_[0] = portable_sigmoid(score_[0]) - (label == 1 ? 1.0 : 0.0);
  } else {
    // In place: score k is read (as softmax_k) before it is overwritten,
    // and the sum is fixed before the first write.
    const detail::SoftmaxSum s = detail::softmax_sum(score_.data(), outputs_);
    for (std::uint32_t k = 0; k < outputs_; ++k) {
      score_[k] = detail::softmax(score_.data(), k, s) - (k == label ? 1.0 : 0.0);
    }
  }
  const double decay = 1.0 - eta * options_.alpha;
  const double step = eta * static_cast<double>(weight);
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    double* w = w_.data() + k * row;
    const double g = score_[k] * step;
    for (std::size_t j = 0; j < d_; ++j) w[j] = decay * w[j] - g * static_cast<double>(x[j]);
    if (options_.fit_intercept) w[d_] -= g;
  }
  // Running average of the iterates: avg += (w - avg) / t.
  for (std::size_t i = 0; i < w_.size(); ++i) avg_[i] += (w_[i] - avg_[i]) / t;
  return Status::ok;
}

Status SgdModel::coefficients(Span<float> coef, Span<float> intercept) const noexcept {
  if (coef.size() != outputs_ * d_ || intercept.size() != outputs_) return Status::shape_mismatch;
  const Span<double> source = options_.average ? avg_ : w_;
  for (std::uint32_t k = 0; k < outputs_; ++k) {
    for (std::size_t j = 0; j < d_; ++j) coef[k * d_ + j] = static_cast<float>(source[k * (d_ + 1) + j]);
    intercept[k] = static_cast<float>(source[k * (d_ + 1) + d_]);
  }
  return Status::ok;
}

}  // namespace ember
