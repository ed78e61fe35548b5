#include "column_values.h"

#include <algorithm>
#include <cmath>

namespace ember::detail {

Status sorted_present(MatrixView<const float> x, std::size_t j, Arena& scratch, Span<float>* out) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float v = x.data[i * x.stride + j];
    if (std::isinf(v)) return Status::bad_value;
    if (v == v) ++n;
  }
  Span<float> values;
  if (n > 0) EMBER_TRY(scratch.allocate_array(n, &values));
  std::size_t k = 0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float v = x.data[i * x.stride + j];
    if (v == v) values[k++] = v;
  }
  std::sort(values.data(), values.data() + n);
  *out = values;
  return Status::ok;
}

namespace {
template <class T>
double percentile_sorted(const T* v, std::size_t n, double q) noexcept {
  const double position = q / 100.0 * static_cast<double>(n - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  if (below + 1 >= n) return v[n - 1];
  const double t = position - static_cast<double>(below);
  const double a = v[below], b = v[below + 1], diff = b - a;
  // NumPy's _lerp: from a for t < 0.5, from b otherwise (exact at t = 1).
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}
}  // namespace

double percentile(const float* v, std::size_t n, double q) noexcept { return percentile_sorted(v, n, q); }

double percentile(const double* v, std::size_t n, double q) noexcept { return percentile_sorted(v, n, q); }

}  // namespace ember::detail
