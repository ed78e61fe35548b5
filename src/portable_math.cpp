#include "ember/portable_math.h"

#include <cmath>
#include <limits>

namespace ember {

double portable_log(double x) noexcept {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); frexp is exact.
  int e = 0;
  double m = std::frexp(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, so the odd
  // series 2 (s + s^3/3 + s^5/5 + ...) reaches double precision in 12 terms.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double series = 1.0 / 25.0;
  for (int k = 11; k >= 0; --k) series = 1.0 / (2.0 * k + 1.0) + s2 * series;
  const double log_m = 2.0 * s * series;
  // ln 2 split so that e * ln2_hi is exact for |e| < 2^11.
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (log_m + de * kLn2Lo);
}

float portable_exp(float x) noexcept {
  if (x != x) return x;
  if (x > 88.72283935546875f) return std::numeric_limits<float>::infinity();
  if (x < -103.972084045410156f) return 0.0f;
  // x = n ln2 + r with |r| <= ln2 / 2. ln2_hi has 16 significant bits and
  // |n| <= 150, so n * ln2_hi is exact.
  const float t = x * 1.44269502162933349609f;
  const int n = static_cast<int>(t >= 0.0f ? t + 0.5f : t - 0.5f);
  const float fn = static_cast<float>(n);
  constexpr float kLn2Hi = 0.693145751953125f;
  constexpr float kLn2Lo = 1.428606765330187045e-06f;
  const float r = (x - fn * kLn2Hi) - fn * kLn2Lo;
  // Taylor series of e^r to r^7: the remainder is below 2^-26 for |r| <= 0.347.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  return std::ldexp(p, n);
}

float portable_sigmoid(float x) noexcept {
  if (x >= 0.0f) return 1.0f / (1.0f + portable_exp(-x));
  const float e = portable_exp(x);
  return e / (1.0f + e);
}

}  // namespace ember
