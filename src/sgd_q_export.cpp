#include "ember/sgd_q_export.h"

#include <cmath>

namespace ember {

Status sgd_q_coefficients_to_float(Span<const std::int32_t> coef_q, Span<const std::int32_t> intercept_q,
                                   unsigned weight_frac_bits, Span<float> coef,
                                   Span<float> intercept) noexcept {
  if (coef_q.size() != coef.size() || intercept_q.size() != intercept.size()) return Status::shape_mismatch;
  if (weight_frac_bits > 30) return Status::invalid_argument;
  const double unit = std::ldexp(1.0, -static_cast<int>(weight_frac_bits));
  for (std::size_t i = 0; i < coef.size(); ++i) coef[i] = static_cast<float>(coef_q[i] * unit);
  for (std::size_t i = 0; i < intercept.size(); ++i) intercept[i] = static_cast<float>(intercept_q[i] * unit);
  return Status::ok;
}

Status scale_q_to_float(Span<const ScaleQ> steps, Span<float> offset, Span<float> scale) noexcept {
  if (offset.size() != steps.size() || scale.size() != steps.size()) return Status::shape_mismatch;
  for (std::size_t j = 0; j < steps.size(); ++j) {
    offset[j] = static_cast<float>(std::ldexp(static_cast<double>(steps[j].offset_q16), -16));
    scale[j] = static_cast<float>(std::ldexp(static_cast<double>(steps[j].multiplier), steps[j].shift - 31));
  }
  return Status::ok;
}

}  // namespace ember
