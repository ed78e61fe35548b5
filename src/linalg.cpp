#include "linalg.h"

#include <cmath>

namespace ember::linalg {

bool cholesky_solve(double* a, std::size_t d, double* b) noexcept {
  // A = L L^T, L stored in the lower triangle of a.
  for (std::size_t j = 0; j < d; ++j) {
    double diag = a[j * d + j];
    for (std::size_t k = 0; k < j; ++k) diag -= a[j * d + k] * a[j * d + k];
    if (!(diag > 0.0)) return false;
    const double l_jj = std::sqrt(diag);
    a[j * d + j] = l_jj;
    for (std::size_t i = j + 1; i < d; ++i) {
      double sum = a[i * d + j];
      for (std::size_t k = 0; k < j; ++k) sum -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = sum / l_jj;
    }
  }
  // L y = b, then L^T x = y.
  for (std::size_t i = 0; i < d; ++i) {
    double sum = b[i];
    for (std::size_t k = 0; k < i; ++k) sum -= a[i * d + k] * b[k];
    b[i] = sum / a[i * d + i];
  }
  for (std::size_t i = d; i-- > 0;) {
    double sum = b[i];
    for (std::size_t k = i + 1; k < d; ++k) sum -= a[k * d + i] * b[k];
    b[i] = sum / a[i * d + i];
  }
  return true;
}

void symmetric_eigen(double* a, std::size_t d, double* v, double* values) noexcept {
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j < d; ++j) v[i * d + j] = i == j ? 1.0 : 0.0;
  }
  double total = 0.0;
  for (std::size_t i = 0; i < d * d; ++i) total += a[i] * a[i];
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < d; ++p) {
      for (std::size_t q = p + 1; q < d; ++q) off += a[p * d + q] * a[p * d + q];
    }
    if (off <= 1e-30 * total) break;
    for (std::size_t p = 0; p < d; ++p) {
      for (std::size_t q = p + 1; q < d; ++q) {
        const double apq = a[p * d + q];
        if (apq == 0.0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, 8.4.2).
        const double theta = (a[q * d + q] - a[p * d + p]) / (2.0 * apq);
        const double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0);
        const double s = t * c;
        for (std::size_t k = 0; k < d; ++k) {  // columns p and q
          const double akp = a[k * d + p], akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < d; ++k) {  // rows p and q
          const double apk = a[p * d + k], aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < d; ++k) {
          const double vkp = v[k * d + p], vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (std::size_t i = 0; i < d; ++i) values[i] = a[i * d + i];
}

void pseudo_inverse_solve(const double* v, const double* values, std::size_t d, const double* b,
                          double relative_cutoff, double* work, double* x) noexcept {
  double largest = 0.0;
  for (std::size_t i = 0; i < d; ++i) largest = std::fmax(largest, values[i]);
  const double cutoff = largest * relative_cutoff;
  // work = diag(1/values) V^T b over the kept eigenvalues; x = V work.
  for (std::size_t k = 0; k < d; ++k) {
    double proj = 0.0;
    for (std::size_t i = 0; i < d; ++i) proj += v[i * d + k] * b[i];
    work[k] = values[k] > cutoff ? proj / values[k] : 0.0;
  }
  for (std::size_t i = 0; i < d; ++i) {
    double sum = 0.0;
    for (std::size_t k = 0; k < d; ++k) sum += v[i * d + k] * work[k];
    x[i] = sum;
  }
}

}  // namespace ember::linalg
