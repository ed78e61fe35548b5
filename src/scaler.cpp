#include "ember/scaler.h"

#include <cmath>

#include "column_values.h"

namespace ember {

Status fit_scaler(MatrixView<const float> x, Span<const std::uint8_t> skip, const ScalerOptions& o,
                  Arena& scratch, Span<float> offset, Span<float> scale) noexcept {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  const std::size_t d = x.cols;
  if ((!skip.empty() && skip.size() != d) || offset.size() != d || scale.size() != d)
    return Status::shape_mismatch;
  if (static_cast<unsigned>(o.kind) > static_cast<unsigned>(ScalerKind::maxabs)) return Status::bad_value;
  if (o.kind == ScalerKind::minmax &&
      !(std::isfinite(o.range_min) && std::isfinite(o.range_max) && o.range_min < o.range_max))
    return Status::bad_value;
  if (o.kind == ScalerKind::robust &&
      !(o.quantile_low >= 0.0 && o.quantile_low < o.quantile_high && o.quantile_high <= 100.0))
    return Status::bad_value;
  for (std::size_t j = 0; j < d; ++j) {
    offset[j] = 0.0f;
    scale[j] = 1.0f;
    if (!skip.empty() && skip[j] != 0) continue;
    // Sums in row order, in double.
    std::size_t n = 0;
    double sum = 0.0, lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < x.rows; ++i) {
      const double v = x.data[i * x.stride + j];
      if (std::isinf(v)) return Status::bad_value;
      if (v != v) continue;
      ++n;
      sum += v;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    if (n == 0) continue;
    double center = 0.0, spread = 1.0;
    switch (o.kind) {
      case ScalerKind::standard: {
        center = sum / static_cast<double>(n);
        double ss = 0.0;
        for (std::size_t i = 0; i < x.rows; ++i) {
          const double v = x.data[i * x.stride + j];
          if (v == v) ss += (v - center) * (v - center);
        }
        spread = std::sqrt(ss / static_cast<double>(n));
        break;
      }
      case ScalerKind::minmax: {
        // x * s + (a - lo * s) with s = (b - a) / (hi - lo), as (x - offset) * s.
        const double range = hi - lo;
        const double s = (o.range_max - o.range_min) / (range > 0.0 ? range : 1.0);
        offset[j] = static_cast<float>(lo - o.range_min / s);
        scale[j] = static_cast<float>(s);
        continue;
      }
      case ScalerKind::robust: {
        const Arena::Marker mark = scratch.mark();
        Span<float> v;
        EMBER_TRY(detail::sorted_present(x, j, scratch, &v));
        center = detail::percentile(v.data(), n, 50.0);
        spread = detail::percentile(v.data(), n, o.quantile_high) -
                 detail::percentile(v.data(), n, o.quantile_low);
        scratch.rewind(mark);
        break;
      }
      case ScalerKind::maxabs:
        spread = std::fabs(lo) > std::fabs(hi) ? std::fabs(lo) : std::fabs(hi);
        break;
    }
    // scikit-learn's _handle_zeros_in_scale: a spread within rounding of 0 is 1.
    if (spread < 10.0 * 2.220446049250313e-16) spread = 1.0;
    offset[j] = static_cast<float>(center);
    scale[j] = static_cast<float>(1.0 / spread);
  }
  return Status::ok;
}

}  // namespace ember
