#include "ember/lda.h"

#include <cmath>

#include "runtime/category_code.h"
#include "linalg.h"

namespace ember {

namespace {

// The order of `values` from the largest down (insertion sort: d is small
// and the order of equal values must not depend on a library's sort).
void descending_order(const double* values, std::size_t d, std::size_t* order) noexcept {
  for (std::size_t i = 0; i < d; ++i) {
    std::size_t j = i;
    while (j > 0 && values[order[j - 1]] < values[i]) {
      order[j] = order[j - 1];
      --j;
    }
    order[j] = i;
  }
}

}  // namespace

Status fit_lda(MatrixView<const float> x, Span<const float> y, std::uint32_t n_classes,
               std::uint32_t n_components, Arena& scratch, Span<float> weights, Span<float> bias) noexcept {
  const std::size_t n = x.rows, d = x.cols, k_classes = n_classes;
  if (n == 0 || d == 0) return Status::empty_input;
  if (y.size() != n || weights.size() != std::size_t{n_components} * d || bias.size() != n_components)
    return Status::shape_mismatch;
  if (n_classes < 2 || n_components == 0 || n_components > n_classes - 1 || n_components > d ||
      n <= k_classes)
    return Status::bad_value;
  for (std::size_t i = 0; i < n; ++i) {
    if (!detail::is_category_code(y[i], n_classes)) return Status::bad_index;
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(x.data[i * x.stride + j])) return Status::bad_value;
    }
  }
  const ArenaScope scope(scratch);
  Span<double> means, count, xbar, spread, r, v, lambda, w1, m, b, u, mu;
  Span<std::size_t> order;
  EMBER_TRY(scratch.allocate_array(k_classes * d, &means));
  EMBER_TRY(scratch.allocate_array(k_classes, &count));
  EMBER_TRY(scratch.allocate_array(d, &xbar));
  EMBER_TRY(scratch.allocate_array(d, &spread));
  EMBER_TRY(scratch.allocate_array(d * d, &r));
  EMBER_TRY(scratch.allocate_array(d * d, &v));
  EMBER_TRY(scratch.allocate_array(d, &lambda));
  EMBER_TRY(scratch.allocate_array(d * d, &w1));
  EMBER_TRY(scratch.allocate_array(k_classes * d, &m));
  EMBER_TRY(scratch.allocate_array(d * d, &b));
  EMBER_TRY(scratch.allocate_array(d * d, &u));
  EMBER_TRY(scratch.allocate_array(d, &mu));
  EMBER_TRY(scratch.allocate_array(d, &order));
  for (double& e : means) e = 0.0;
  for (double& e : count) e = 0.0;
  for (double& e : r) e = 0.0;
  for (double& e : spread) e = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(y[i]);
    count[k] += 1.0;
    for (std::size_t j = 0; j < d; ++j) means[k * d + j] += static_cast<double>(x.data[i * x.stride + j]);
  }
  for (std::size_t k = 0; k < k_classes; ++k) {
    if (count[k] == 0.0) return Status::bad_value;
    for (std::size_t j = 0; j < d; ++j) means[k * d + j] /= count[k];
  }
  // The overall mean as the class priors weigh the class means.
  for (std::size_t j = 0; j < d; ++j) {
    double s = 0.0;
    for (std::size_t k = 0; k < k_classes; ++k) s += count[k] / static_cast<double>(n) * means[k * d + j];
    xbar[j] = s;
  }
  // Within-class scatter of the rows about their class means, and each
  // column's spread, which scikit-learn divides out before its SVD.
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(y[i]);
    for (std::size_t j = 0; j < d; ++j)
      mu[j] = static_cast<double>(x.data[i * x.stride + j]) - means[k * d + j];
    for (std::size_t a = 0; a < d; ++a) {
      spread[a] += mu[a] * mu[a];
      for (std::size_t c = 0; c <= a; ++c) r[a * d + c] += mu[a] * mu[c];
    }
  }
  const double fac = 1.0 / static_cast<double>(n - k_classes);
  for (std::size_t j = 0; j < d; ++j) {
    const double s = std::sqrt(spread[j] / static_cast<double>(n));
    spread[j] = s == 0.0 ? 1.0 : s;
  }
  for (std::size_t a = 0; a < d; ++a) {
    for (std::size_t c = 0; c <= a; ++c) {
      const double e = fac * r[a * d + c] / (spread[a] * spread[c]);
      r[a * d + c] = e;
      r[c * d + a] = e;
    }
  }
  // Whitening: singular values of the scaled within-class data above 1e-4,
  // that is eigenvalues above 1e-8.
  linalg::symmetric_eigen(r.data(), d, v.data(), lambda.data());
  descending_order(lambda.data(), d, order.data());
  std::size_t rank = 0;
  while (rank < d && lambda[order[rank]] > 1e-8) ++rank;
  if (rank == 0) return Status::bad_value;
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t c = 0; c < rank; ++c) {
      const std::size_t e = order[c];
      w1[j * rank + c] = v[j * d + e] / spread[j] / std::sqrt(lambda[e]);
    }
  }
  // The class centres in the whitened space, weighted by sqrt(n_k / (K - 1)).
  const double between = 1.0 / static_cast<double>(k_classes - 1);
  for (std::size_t k = 0; k < k_classes; ++k) {
    const double wk = std::sqrt(count[k] * between);
    for (std::size_t c = 0; c < rank; ++c) {
      double s = 0.0;
      for (std::size_t j = 0; j < d; ++j) s += (means[k * d + j] - xbar[j]) * w1[j * rank + c];
      m[k * rank + c] = wk * s;
    }
  }
  for (std::size_t a = 0; a < rank; ++a) {
    for (std::size_t c = 0; c < rank; ++c) {
      double s = 0.0;
      for (std::size_t k = 0; k < k_classes; ++k) s += m[k * rank + a] * m[k * rank + c];
      b[a * rank + c] = s;
    }
  }
  linalg::symmetric_eigen(b.data(), rank, u.data(), lambda.data());
  descending_order(lambda.data(), rank, order.data());
  // scikit-learn keeps singular values above 1e-4 of the largest.
  std::size_t kept = 0;
  while (kept < rank && lambda[order[kept]] > 1e-8 * lambda[order[0]] && lambda[order[kept]] > 0.0) ++kept;
  if (n_components > kept) return Status::bad_value;
  for (std::size_t c = 0; c < n_components; ++c) {
    const std::size_t e = order[c];
    double largest = 0.0, offset = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      double s = 0.0;
      for (std::size_t a = 0; a < rank; ++a) s += w1[j * rank + a] * u[a * rank + e];
      mu[j] = s;
      if (std::fabs(s) > std::fabs(largest)) largest = s;
    }
    const double sign = largest < 0.0 ? -1.0 : 1.0;
    for (std::size_t j = 0; j < d; ++j) {
      weights[c * d + j] = static_cast<float>(sign * mu[j]);
      offset += sign * mu[j] * xbar[j];
    }
    bias[c] = static_cast<float>(-offset);
  }
  return Status::ok;
}

}  // namespace ember
