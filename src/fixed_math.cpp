#include "ember/fixed_math.h"

#include "ember/runtime/fixed_point.h"

namespace ember {

namespace {

constexpr std::int64_t kInt64Max = INT64_MAX;

std::uint64_t magnitude(std::int64_t v) {
  // Negating in unsigned arithmetic is defined for INT64_MIN too.
  return v < 0 ? 0u - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

unsigned bit_length(std::uint64_t v) {
  unsigned n = 0;
  for (unsigned step = 32; step > 0; step /= 2) {
    if (v >> step) {
      v >>= step;
      n += step;
    }
  }
  return n + (v != 0 ? 1u : 0u);
}

}  // namespace

std::int64_t round_shift(std::int64_t v, unsigned shift) noexcept {
  if (shift == 0) return v;
  if (shift > 63) return 0;
  // Round the magnitude, so that halves go away from zero on both sides
  // and no right shift of a negative number is needed.
  const std::uint64_t m = magnitude(v);
  const std::uint64_t r = (m >> shift) + ((m >> (shift - 1)) & 1u);
  const std::int64_t out = static_cast<std::int64_t>(r);  // r <= 2^62
  return v < 0 ? -out : out;
}

std::int32_t saturate_i32(std::int64_t v) noexcept {
  if (v > INT32_MAX) return INT32_MAX;
  if (v < -INT32_MAX) return -INT32_MAX;
  return static_cast<std::int32_t>(v);
}

std::int64_t mul_sat(std::int64_t a, std::int64_t b) noexcept {
  const std::uint64_t ma = magnitude(a), mb = magnitude(b);
  if (ma == 0 || mb == 0) return 0;
  const bool negative = (a < 0) != (b < 0);
  // Products of at most 63 bits fit; only larger ones need the division.
  if (bit_length(ma) + bit_length(mb) > 63 && ma > static_cast<std::uint64_t>(kInt64Max) / mb) {
    return negative ? -kInt64Max : kInt64Max;
  }
  const std::uint64_t m = ma * mb;
  if (m > static_cast<std::uint64_t>(kInt64Max)) return negative ? -kInt64Max : kInt64Max;
  const std::int64_t out = static_cast<std::int64_t>(m);
  return negative ? -out : out;
}

std::uint64_t isqrt_u64(std::uint64_t v) noexcept {
  // Digit-by-digit (base 4) square root: exact, 32 iterations, no division.
  std::uint64_t result = 0;
  std::uint64_t bit = std::uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= result + bit) {
      v -= result + bit;
      result = (result >> 1) + bit;
    } else {
      result >>= 1;
    }
    bit >>= 2;
  }
  return result;
}

std::int64_t mul_shift_sat(std::int32_t a, std::uint64_t b, unsigned shift) noexcept {
  if (shift > 32) return 0;
  // a b = a hi 2^32 + a lo, each partial product below 2^63.
  const std::int64_t hi = a * static_cast<std::int64_t>(b >> 32);
  const std::int64_t lo = a * static_cast<std::int64_t>(b & 0xFFFFFFFFu);
  // The high part is a whole multiple of 2^(32 - shift), so rounding the
  // low part alone rounds the sum.
  const std::int64_t high = mul_sat(hi, std::int64_t{1} << (32 - shift));
  const std::int64_t low = round_shift(lo, shift);
  if (low > 0 && high > kInt64Max - low) return kInt64Max;
  if (low < 0 && high < -kInt64Max - low) return -kInt64Max;
  return high + low;
}

std::int32_t sigmoid_q30(std::int32_t z_q16) noexcept {
  const bool negative = z_q16 < 0;
  const std::uint32_t u =
      negative ? 0u - static_cast<std::uint32_t>(z_q16) : static_cast<std::uint32_t>(z_q16);
  const std::uint64_t e = fixed::exp_neg_q30(u);  // e^-|z| in Q30
  const std::uint64_t den = (std::uint64_t{1} << 30) + e;
  // The larger side as 1 / (1 + e), the smaller as e / (1 + e): both
  // numerators below 2^61, the results in [0, 2^30].
  const std::uint64_t num = negative ? e << 30 : std::uint64_t{1} << 60;
  return static_cast<std::int32_t>((num + den / 2) / den);
}

void softmax_q30(Span<const std::int32_t> z, Span<std::int32_t> p) noexcept {
  if (z.size() != p.size() || z.size() == 0) return;
  std::int32_t top = z[0];
  for (std::int32_t v : z) top = v > top ? v : top;
  // Each z[k] is read before p[k] is written, so z and p may alias.
  std::uint64_t sum = 0;
  for (std::size_t k = 0; k < z.size(); ++k) {
    const std::int64_t gap = static_cast<std::int64_t>(top) - z[k];  // in [0, 2^32)
    const std::uint32_t e = fixed::exp_neg_q30(static_cast<std::uint32_t>(gap));
    p[k] = static_cast<std::int32_t>(e);  // <= 2^30
    sum += e;
  }
  // sum >= 2^30 (the top score's term); e << 30 <= 2^60.
  for (std::size_t k = 0; k < p.size(); ++k) {
    const std::uint64_t e = static_cast<std::uint64_t>(p[k]);
    p[k] = static_cast<std::int32_t>(((e << 30) + sum / 2) / sum);
  }
}

}  // namespace ember
