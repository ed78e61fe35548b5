// Pearson's r as scikit-learn's r_regression computes it, for the feature
// scores (f_regression) and the correlation filter. Internal to the core.
//
// The host's `describe` (tools/host/data_profile.cpp) computes r as
// pandas' DataFrame.corr does instead: over the rows where both columns
// are finite, dividing by the square root of the product of the two sums
// of squares. Its figures are checked against pandas, these against
// scikit-learn, and the two differ in the last bits; hence two.
#ifndef EMBER_SRC_CORRELATION_H
#define EMBER_SRC_CORRELATION_H

#include <cmath>
#include <cstddef>

namespace ember::detail {

// The mean of v[i * stride] (i < n, n > 0) and the square root of the sum
// of squared deviations from it.
struct Centered {
  double mean, norm;
};

inline Centered centered(const float* v, std::size_t n, std::size_t stride) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += v[i * stride];
  const double mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = v[i * stride] - mean;
    ss += d * d;
  }
  return {mean, std::sqrt(ss)};
}

// sum_i (a_i - mean_a) (b_i - mean_b), in row order.
inline double co_deviation(const float* a, std::size_t stride_a, const float* b, std::size_t stride_b,
                           std::size_t n, double mean_a, double mean_b) noexcept {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += (a[i * stride_a] - mean_a) * (b[i * stride_b] - mean_b);
  return s;
}

// r from the co-deviation and the two norms (both > 0), divided by each
// norm in turn as scikit-learn does, and clipped to [-1, 1].
inline double pearson_r(double co, double norm_a, double norm_b) noexcept {
  const double r = co / norm_a / norm_b;
  return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

}  // namespace ember::detail

#endif  // EMBER_SRC_CORRELATION_H
