// The trainers' double-precision functions (the runtime's float ones are in
// portable_math_float.cpp).
#include "ember/base/portable_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace ember {

namespace {
// 1/k! for k = 0..12, the Taylor coefficients of e^r.
constexpr double kInverseFactorial[13] = {1.0,
                                          1.0,
                                          1.0 / 2.0,
                                          1.0 / 6.0,
                                          1.0 / 24.0,
                                          1.0 / 120.0,
                                          1.0 / 720.0,
                                          1.0 / 5040.0,
                                          1.0 / 40320.0,
                                          1.0 / 362880.0,
                                          1.0 / 3628800.0,
                                          1.0 / 39916800.0,
                                          1.0 / 479001600.0};

// log(m) for m in [sqrt(1/2), sqrt(2)] given s = (m - 1) / (m + 1): 2 atanh(s)
// = 2 (s + s^3/3 + s^5/5 + ...); |s| <= 0.1716, so 12 terms reach double
// precision.
constexpr double kInverseOdd[13] = {1.0,        1.0 / 3.0,  1.0 / 5.0,  1.0 / 7.0,  1.0 / 9.0,
                                    1.0 / 11.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0,
                                    1.0 / 21.0, 1.0 / 23.0, 1.0 / 25.0};  // 1 / (2k + 1)

double log_from_atanh_arg(double s) {
  const double s2 = s * s;
  double series = kInverseOdd[12];
  for (int k = 11; k >= 0; --k) series = kInverseOdd[k] + s2 * series;
  return 2.0 * s * series;
}

// x = m 2^e with m in [0.5, 1), for finite x > 0; the same as std::frexp,
// read from the bits (subnormals are scaled up first).
double split_exponent(double x, int* e) {
  int bias = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984.0;  // 2^54
    bias = -54;
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  *e = static_cast<int>((bits >> 52) & 0x7FF) - 1022 + bias;
  bits = (bits & ~(std::uint64_t{0x7FF} << 52)) | (std::uint64_t{1022} << 52);
  double m = 0.0;
  std::memcpy(&m, &bits, sizeof m);
  return m;
}

// 2^e as a double, for e in [-1022, 1023] (a normal number: exact).
double power_of_two(int e) {
  const std::uint64_t bits = static_cast<std::uint64_t>(e + 1023) << 52;
  double v = 0.0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
}  // namespace

double portable_log(double x) noexcept {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); the split is exact.
  int e = 0;
  double m = split_exponent(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double log_m = log_from_atanh_arg((m - 1.0) / (m + 1.0));
  // ln 2 split so that e * ln2_hi is exact for |e| < 2^11.
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (log_m + de * kLn2Lo);
}

double portable_exp(double x) noexcept {
  if (x != x) return x;
  if (x > 709.782712893383973096) return std::numeric_limits<double>::infinity();
  if (x < -745.133219101941108420) return 0.0;
  // x = n ln2 + r, |r| <= ln2 / 2. ln2_hi has 32 significant bits and
  // |n| <= 1075, so n * ln2_hi is exact.
  const double t = x * 1.44269504088896338700;
  const int n = static_cast<int>(t >= 0.0 ? t + 0.5 : t - 0.5);
  const double dn = static_cast<double>(n);
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  const double r = (x - dn * kLn2Hi) - dn * kLn2Lo;
  // Taylor series to r^13 (the remainder is below 2^-56 for |r| <= 0.3466),
  // evaluated by Estrin's scheme: pairs, then powers r^2, r^4, r^8, so the
  // multiplications overlap instead of forming one long chain.
  const double* c = kInverseFactorial;
  constexpr double c13 = 1.0 / 6227020800.0;  // 1/13!
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double q0 = c[0] + c[1] * r, q1 = c[2] + c[3] * r, q2 = c[4] + c[5] * r, q3 = c[6] + c[7] * r;
  const double q4 = c[8] + c[9] * r, q5 = c[10] + c[11] * r, q6 = c[12] + c13 * r;
  const double t0 = q0 + q1 * r2, t1 = q2 + q3 * r2, t2 = q4 + q5 * r2;
  const double p = (t0 + t1 * r4) + (t2 + q6 * r4) * r8;
  // p 2^n: for a normal 2^n one multiplication (rounded once, as ldexp
  // would). Beyond the normal exponents, first an exact scaling into range,
  // so that again only the last multiplication rounds. (Not ldexp: newlib's
  // sets errno, which is global state.)
  if (n < -1000) return (p * power_of_two(n + 1000)) * power_of_two(-1000);
  if (n > 1023) return (p * power_of_two(1023)) * power_of_two(n - 1023);
  return p * power_of_two(n);
}

double portable_log1p(double x) noexcept {
  if (x != x || x < -1.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == -1.0) return -std::numeric_limits<double>::infinity();
  // For 1 + x in [sqrt(1/2), sqrt(2)], s = x / (2 + x) keeps x's precision.
  if (x > -0.29289321881345247560 && x < 0.41421356237309504880) return log_from_atanh_arg(x / (2.0 + x));
  return portable_log(1.0 + x);
}

double portable_softplus(double x) noexcept {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|).
  const double a = x >= 0.0 ? x : -x;
  return (x > 0.0 ? x : 0.0) + portable_log1p(portable_exp(-a));
}

double portable_sigmoid(double x) noexcept {
  if (x >= 0.0) return 1.0 / (1.0 + portable_exp(-x));
  const double e = portable_exp(x);
  return e / (1.0 + e);
}

}  // namespace ember
