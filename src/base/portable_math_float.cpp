// The runtime's float functions (sigmoid and softmax use them). Kept apart
// from the trainers' double functions (portable_math_double.cpp) so that a
// firmware image that only predicts links no double-precision code.
#include <cstdint>
#include <cstring>
#include <limits>

#include "ember/base/portable_math.h"

namespace ember {

namespace {
// 2^e as a float, for e in [-126, 127] (a normal number: exact).
float power_of_two(int e) {
  const std::uint32_t bits = static_cast<std::uint32_t>(e + 127) << 23;
  float v = 0.0f;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// p 2^n for p in [0.5, 2) and n in [-152, 128], rounded once, as ldexp does;
// written out because newlib's ldexp sets errno (global state).
float scale_by_power_of_two(float p, int n) {
  if (n > 127) return p * power_of_two(127) * power_of_two(n - 127);  // the first product is exact
  // Below 2^-126 the result is subnormal: scale exactly to a normal number
  // first, so that only the last multiplication rounds.
  if (n < -126) return (p * power_of_two(n + 100)) * power_of_two(-100);
  return p * power_of_two(n);
}
}  // namespace

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
  return scale_by_power_of_two(p, n);
}

float portable_sigmoid(float x) noexcept {
  if (x >= 0.0f) return 1.0f / (1.0f + portable_exp(-x));
  const float e = portable_exp(x);
  return e / (1.0f + e);
}

}  // namespace ember
