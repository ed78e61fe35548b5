// Fixed-point exp, sigmoid and softmax for the links of integer models.
//
// exp(-a) = 2^-(a log2 e): the exponent's integer part is a shift, its
// fraction f in [0, 1) splits into a 4-bit table index (2^-i/16) and a
// remainder r < 1/16, for which exp(-r ln 2) is a quartic Taylor polynomial
// (error < (r ln 2)^5 / 120 < 1.3e-9 relative). Everything is unsigned
// 64-bit arithmetic with no intermediate above 2^63, so no overflow and no
// undefined behaviour for any input.
#include "ember/runtime/fixed_point.h"

namespace ember::fixed {

namespace {

// 2^(-i/16) in Q0.31, i = 0..15 (rounded to nearest).
constexpr std::uint32_t kExp2Table[16] = {
    2147483648u, 2056437387u, 1969251188u, 1885761398u, 1805811301u, 1729250827u, 1655936265u, 1585730000u,
    1518500250u, 1454120821u, 1392470869u, 1333434672u, 1276901417u, 1222764986u, 1170923762u, 1121280436u,
};

constexpr std::uint64_t kLog2eQ30 = 1549082005u;   // log2(e) x 2^30, rounded
constexpr std::uint64_t kLn2Q32 = 2977044472u;     // ln(2) x 2^32, rounded
constexpr std::uint32_t kExpZeroFrom = 22u << 16;  // exp(-22) < 2^-31: below Q0.30's half unit
// floor(v / 6) and floor(v / 24) as (v x M) >> 32, M = ceil(2^32 / d): exact
// for v < 2^31 (resp. 2^29), since M d - 2^32 is 2 (resp. 8); the terms
// divided are below 2^20. (No division routine on a core without one.)
constexpr std::uint64_t kDiv6 = 715827883u, kDiv24 = 178956971u;

// floor(n / d) for a quotient below 2^17 (both callers': at most 65536),
// by shift and subtract, so that no 64-bit division routine is linked. The
// remainder stays below 2 d.
[[gnu::noinline]] std::uint32_t divide_small(std::uint64_t n, std::uint64_t d) {
  std::uint64_t r = n >> 17;  // < d, as the quotient is below 2^17
  const auto low = static_cast<std::uint32_t>(n) & 0x1FFFFu;
  std::uint32_t q = 0;
  for (int b = 16; b >= 0; --b) {
    r = r << 1 | ((low >> b) & 1u);
    q <<= 1;
    if (r >= d) {
      r -= d;
      q |= 1u;
    }
  }
  return q;
}

}  // namespace

std::uint32_t exp_neg_q30(std::uint32_t a) noexcept {
  if (a >= kExpZeroFrom) return 0;
  // t = a log2(e) in Q32: Q16 x Q30 = Q46, shifted down 14 (a < 22 x 2^16,
  // so the product stays below 2^52).
  const std::uint64_t t = (std::uint64_t{a} * kLog2eQ30) >> 14;
  const auto n = static_cast<std::uint32_t>(t >> 32);  // < 32
  const auto frac = static_cast<std::uint32_t>(t);
  const std::uint32_t hi = frac >> 28;
  const std::uint64_t lo = frac & 0x0FFFFFFFu;   // Q32, < 2^28
  const std::uint64_t y = (lo * kLn2Q32) >> 32;  // r ln 2 in Q32, < 2^28
  const std::uint64_t y2 = (y * y) >> 32;
  const std::uint64_t y3 = (y2 * y) >> 32;
  const std::uint64_t y4 = (y3 * y) >> 32;
  // 1 - y + y^2/2 - y^3/6 + y^4/24 in Q32 (at most 2^32, and never below
  // 0: each term is smaller than the one before).
  const std::uint64_t poly =
      (std::uint64_t{1} << 32) - y + (y2 >> 1) - ((y3 * kDiv6) >> 32) + ((y4 * kDiv24) >> 32);
  // Q0.31 x Q32 = Q63; down to Q0.30 with rounding, then the shift by n.
  // (The product is below 2^63, so q30 <= 2^30: the shift needs 32 bits.)
  const auto q30 = static_cast<std::uint32_t>((kExp2Table[hi] * poly + (std::uint64_t{1} << 32)) >> 33);
  if (n == 0) return q30;
  return (q30 + (1u << (n - 1))) >> n;
}

std::uint32_t sigmoid_q16(std::int32_t x) noexcept {
  // |x| as unsigned without negating INT32_MIN in int.
  const std::uint32_t a = x < 0 ? 0u - static_cast<std::uint32_t>(x) : static_cast<std::uint32_t>(x);
  const std::uint64_t e = exp_neg_q30(a);
  // 1 / (1 + e) in Q0.16, rounded to nearest: 2^46 / (2^30 + e).
  const std::uint64_t d = (std::uint64_t{1} << 30) + e;
  const std::uint32_t upper = divide_small((std::uint64_t{1} << 46) + d / 2, d);  // <= 65536
  return x < 0 ? 65536u - upper : upper;
}

void logistic_probabilities(std::int32_t logit, std::int32_t* p) noexcept {
  const std::uint32_t s = sigmoid_q16(logit);
  const std::uint32_t q = 65536u - s;
  p[0] = static_cast<std::int32_t>(q > 65535u ? 65535u : q);
  p[1] = static_cast<std::int32_t>(s > 65535u ? 65535u : s);
}

void softmax_q16(const std::int32_t* logits, std::uint32_t n, std::int32_t* p) noexcept {
  std::int32_t top = logits[0];
  for (std::uint32_t c = 1; c < n; ++c) top = logits[c] > top ? logits[c] : top;
  // exp(x_c - top) in Q0.30; the largest is 2^30, so the sum lies in
  // [2^30, n 2^30] and each quotient below needs no more than 64 bits.
  std::uint64_t sum = 0;
  for (std::uint32_t c = 0; c < n; ++c) {
    const std::uint32_t a = static_cast<std::uint32_t>(top) - static_cast<std::uint32_t>(logits[c]);
    const std::uint32_t e = exp_neg_q30(a);  // (top - x_c, exact modulo 2^32, as top >= x_c)
    p[c] = static_cast<std::int32_t>(e);
    sum += e;
  }
  for (std::uint32_t c = 0; c < n; ++c) {
    // e_c <= sum, so the quotient is at most 65536.
    const std::uint32_t q =
        divide_small((std::uint64_t{static_cast<std::uint32_t>(p[c])} << 16) + sum / 2, sum);
    p[c] = static_cast<std::int32_t>(q > 65535u ? 65535u : q);
  }
}

}  // namespace ember::fixed
