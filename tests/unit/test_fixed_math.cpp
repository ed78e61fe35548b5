// The integer learners' fixed-point math against double computations:
// rounding shifts, saturation, integer roots, e^-u and the links, with
// the error bounds include/ember/fixed_math.h states.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "ember/fixed_math.h"
#include "ember/rng.h"

using namespace ember;

TEST_CASE("round_shift rounds halves away from zero, symmetrically") {
  CHECK(round_shift(5, 1) == 3);
  CHECK(round_shift(-5, 1) == -3);
  CHECK(round_shift(4, 1) == 2);
  CHECK(round_shift(7, 2) == 2);
  CHECK(round_shift(-7, 2) == -2);
  CHECK(round_shift(6, 2) == 2);  // 1.5 -> 2
  CHECK(round_shift(5, 2) == 1);  // 1.25 -> 1
  CHECK(round_shift(123, 0) == 123);
  CHECK(round_shift(INT64_MAX, 63) == 1);
  CHECK(round_shift(INT64_MIN, 63) == -1);
  CHECK(round_shift(INT64_MIN, 62) == -2);
  CHECK(round_shift(INT64_MAX, 64) == 0);
}

TEST_CASE("saturate_i32 and mul_sat clamp instead of overflowing") {
  CHECK(saturate_i32(std::int64_t{1} << 40) == INT32_MAX);
  CHECK(saturate_i32(-(std::int64_t{1} << 40)) == -INT32_MAX);
  CHECK(saturate_i32(INT32_MIN) == -INT32_MAX);
  CHECK(saturate_i32(-12345) == -12345);
  CHECK(mul_sat(std::int64_t{1} << 31, std::int64_t{1} << 31) == std::int64_t{1} << 62);
  CHECK(mul_sat(std::int64_t{1} << 32, std::int64_t{1} << 31) == INT64_MAX);
  CHECK(mul_sat(-(std::int64_t{1} << 32), std::int64_t{1} << 31) == -INT64_MAX);
  CHECK(mul_sat(INT64_MIN, -1) == INT64_MAX);
  CHECK(mul_sat(INT64_MIN, 0) == 0);
  CHECK(mul_sat(3037000499, 3037000499) == 3037000499LL * 3037000499LL);  // largest square below 2^63
  CHECK(mul_sat(3037000500, 3037000500) == INT64_MAX);
  CHECK(mul_sat(-7, 6) == -42);
}

TEST_CASE("isqrt_u64 is the exact floor of the square root") {
  CHECK(isqrt_u64(0) == 0);
  CHECK(isqrt_u64(1) == 1);
  CHECK(isqrt_u64(3) == 1);
  CHECK(isqrt_u64(4) == 2);
  CHECK(isqrt_u64(UINT64_MAX) == 4294967295u);
  CHECK(isqrt_u64(std::uint64_t{4294967295u} * 4294967295u) == 4294967295u);
  CHECK(isqrt_u64(std::uint64_t{4294967295u} * 4294967295u - 1) == 4294967294u);
  Rng rng(17);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t v = rng.next_u64() >> rng.below(64);
    const std::uint64_t r = isqrt_u64(v);
    // r^2 <= v < (r + 1)^2, checked without overflow.
    CHECK(r * r <= v);
    CHECK((r + 1 > 4294967295u || (r + 1) * (r + 1) > v));
  }
}

TEST_CASE("mul_shift_sat rounds a 32 x 64-bit product without 128-bit arithmetic") {
  CHECK(mul_shift_sat(3, 5, 1) == 8);  // 7.5 -> 8
  CHECK(mul_shift_sat(-3, 5, 1) == -8);
  CHECK(mul_shift_sat(1 << 30, std::uint64_t{1} << 40, 30) == std::int64_t{1} << 40);
  // (2^31 - 1)(2^64 - 1) / 2^32 = (2^31 - 1) 2^32 - 0.49..., which fits.
  CHECK(mul_shift_sat(INT32_MAX, UINT64_MAX, 32) == std::int64_t{INT32_MAX} << 32);
  CHECK(mul_shift_sat(-INT32_MAX, UINT64_MAX, 32) == -(std::int64_t{INT32_MAX} << 32));
  CHECK(mul_shift_sat(INT32_MAX, UINT64_MAX, 30) == INT64_MAX);
  CHECK(mul_shift_sat(-INT32_MAX, UINT64_MAX, 31) == -INT64_MAX);
  CHECK(mul_shift_sat(INT32_MIN, UINT64_MAX, 0) == -INT64_MAX);
  CHECK(mul_shift_sat(5, 7, 33) == 0);
  Rng rng(3);
  for (int i = 0; i < 20000; ++i) {
    const std::int32_t a = static_cast<std::int32_t>(rng.next_u32());
    const std::uint64_t b = rng.next_u64() >> (24 + rng.below(40));
    const unsigned shift = rng.below(33);
    const long double exact =
        static_cast<long double>(a) * static_cast<long double>(b) / std::ldexp(1.0L, shift);
    if (std::fabs(exact) > 9e18L) continue;
    // long double holds 64 bits of mantissa on x86; elsewhere a looser check.
    REQUIRE(std::fabs(static_cast<long double>(mul_shift_sat(a, b, shift)) - exact) <=
            0.5L + std::fabs(exact) * 1e-15L);
  }
}

TEST_CASE("sigmoid_q30 is within 1e-5 p (1 - p) plus one unit of the logistic function") {
  double worst = 0.0;
  for (std::int64_t z = -(std::int64_t{40} << 16); z <= (std::int64_t{40} << 16); z += 7) {
    const std::int32_t zi = static_cast<std::int32_t>(z);
    const double p = 1.0 / (1.0 + std::exp(-std::ldexp(static_cast<double>(z), -16)));
    const double exact = std::ldexp(p, 30);
    const double err = std::fabs(sigmoid_q30(zi) - exact);
    REQUIRE(err <= 1e-5 * exact * (1.0 - p) + 1.0);
    if (exact * (1.0 - p) >= 0x1p20 && err / (exact * (1.0 - p)) > worst) worst = err / (exact * (1.0 - p));
    // Both sides: p(-z) + p(z) = 1 within the same bound.
    REQUIRE(std::fabs(sigmoid_q30(zi) + sigmoid_q30(-zi) - std::ldexp(1.0, 30)) <=
            2e-5 * exact * (1.0 - p) + 2.0);
  }
  MESSAGE("sigmoid_q30: worst error / (2^30 p (1 - p)) where that is >= 2^20: " << worst);
  CHECK(sigmoid_q30(0) == 1 << 29);
  CHECK(sigmoid_q30(INT32_MAX) == 1 << 30);
  CHECK(sigmoid_q30(INT32_MIN) == 0);
}

TEST_CASE("softmax_q30 is within 1e-5 p (1 - p) plus two units of the softmax") {
  Rng rng(5);
  std::vector<std::int32_t> z(10), p(10);
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t k = 2 + rng.below(9);
    const double spread = trial % 3 == 0 ? 1.0 : (trial % 3 == 1 ? 8.0 : 40.0);
    for (std::size_t i = 0; i < k; ++i)
      z[i] = static_cast<std::int32_t>(rng.uniform(-spread, spread) * 65536.0);
    softmax_q30(Span<const std::int32_t>(z.data(), k), Span<std::int32_t>(p.data(), k));
    double top = -1e300;
    for (std::size_t i = 0; i < k; ++i) top = z[i] / 65536.0 > top ? z[i] / 65536.0 : top;
    double sum = 0.0;
    for (std::size_t i = 0; i < k; ++i) sum += std::exp(z[i] / 65536.0 - top);
    for (std::size_t i = 0; i < k; ++i) {
      const double exact = std::exp(z[i] / 65536.0 - top) / sum;
      REQUIRE(std::fabs(p[i] - std::ldexp(exact, 30)) <= 1e-5 * std::ldexp(exact, 30) * (1.0 - exact) + 2.0);
    }
  }
  // In place, as SgdModelQ calls it.
  std::int32_t same[3] = {0, 0, 0};
  softmax_q30(Span<const std::int32_t>(same, 3), Span<std::int32_t>(same, 3));
  CHECK(same[0] == 357913941);  // 2^30 / 3
  CHECK(same[2] == 357913941);
}
