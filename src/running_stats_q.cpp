#include "ember/running_stats_q.h"

#include "ember/fixed_math.h"

namespace ember {

namespace {

// floor(s / n) and s - n floor(s / n) in [0, n), for n > 0.
void floor_divide(std::int64_t s, std::uint32_t n, std::int64_t* q, std::uint64_t* rem) {
  const std::int64_t d = static_cast<std::int64_t>(n);
  std::int64_t quotient = s / d, r = s % d;
  if (r < 0) {
    quotient -= 1;
    r += d;
  }
  *q = quotient;
  *rem = static_cast<std::uint64_t>(r);
}

}  // namespace

Status RunningStatsQ::init(Arena& arena, std::size_t n_features) noexcept {
  if (n_features == 0) return Status::invalid_argument;
  EMBER_TRY(arena.allocate_array(n_features, &sum_));
  EMBER_TRY(arena.allocate_array(n_features, &sum2_));
  return arena.allocate_array(n_features, &count_);
}

Status RunningStatsQ::add(Span<const std::int16_t> row) noexcept {
  if (row.size() != count_.size()) return Status::shape_mismatch;
  // All or nothing: check every count before changing any.
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (row[j] != kMissingQ16 && count_[j] == kMaxCount) return Status::size_overflow;
  }
  for (std::size_t j = 0; j < row.size(); ++j) {
    const std::int32_t v = row[j];
    if (v == kMissingQ16) continue;
    count_[j] += 1;
    sum_[j] += v;
    sum2_[j] += static_cast<std::uint64_t>(v * v);  // v * v <= 2^30
  }
  return Status::ok;
}

Status RunningStatsQ::restore(std::size_t j, std::uint32_t count, std::int64_t sum,
                              std::uint64_t sum_squares) noexcept {
  if (j >= count_.size()) return Status::bad_index;
  const std::int64_t n = count;
  if (sum > 32767 * n || sum < -32767 * n || sum_squares > std::uint64_t{32767 * 32767} * count) {
    return Status::bad_value;
  }
  if (count > 0) {
    // Cauchy-Schwarz, n sum2 >= sum^2, without a 128-bit product: with
    // sum = q n + rem it reads n A >= rem^2 (A as in variance_q32()).
    std::int64_t q = 0;
    std::uint64_t rem = 0;
    floor_divide(sum, count, &q, &rem);
    const std::int64_t a =
        static_cast<std::int64_t>(sum_squares) - q * q * n - 2 * q * static_cast<std::int64_t>(rem);
    if (a < 0) return Status::bad_value;
    const std::uint64_t ua = static_cast<std::uint64_t>(a);
    if (ua < count && ua * count < rem * rem) return Status::bad_value;
  }
  count_[j] = count;
  sum_[j] = sum;
  sum2_[j] = sum_squares;
  return Status::ok;
}

std::int32_t RunningStatsQ::mean_q16(std::size_t j) const noexcept {
  const std::uint32_t n = count_[j];
  if (n == 0) return 0;
  // sum * 2^16 could need 64 bits; split into whole part and remainder.
  std::int64_t q = 0;
  std::uint64_t rem = 0;
  floor_divide(sum_[j], n, &q, &rem);
  const std::uint64_t fraction = ((rem << 16) + n / 2) / n;  // rem < 2^32: fits
  // q in [-32767, 32767]; q = 32767 only when every value is 32767 (rem 0).
  return static_cast<std::int32_t>(q * 65536 + static_cast<std::int64_t>(fraction));
}

std::uint64_t RunningStatsQ::variance_q32(std::size_t j) const noexcept {
  const std::uint32_t n = count_[j];
  if (n < 2) return 0;
  // With sum = q n + rem (0 <= rem < n):
  //   n^2 var = n sum2 - sum^2 = n A - rem^2,  A = sum2 - q^2 n - 2 q rem,
  // so var = A / n - (rem / n)^2, where every term fits 64 bits:
  // sum2 and q^2 n are below 2^62, |2 q rem| below 2^48, A / n <= 2^30 + 1.
  std::int64_t q = 0;
  std::uint64_t rem = 0;
  floor_divide(sum_[j], n, &q, &rem);
  const std::int64_t a = static_cast<std::int64_t>(sum2_[j]) - q * q * static_cast<std::int64_t>(n) -
                         2 * q * static_cast<std::int64_t>(rem);
  if (a <= 0) return 0;  // all values equal
  const std::uint64_t ua = static_cast<std::uint64_t>(a);
  const std::uint64_t whole = ua / n, part = ua % n;
  const std::uint64_t a_over_n = (whole << 32) + (part << 32) / n;  // part < n < 2^32
  const std::uint64_t f = (rem << 32) / n;                          // rem / n in Q32, < 2^32
  const std::uint64_t f2 = (f * f) >> 32;
  return a_over_n > f2 ? a_over_n - f2 : 0;
}

std::uint32_t RunningStatsQ::std_q16(std::size_t j) const noexcept {
  // variance_q32 <= 2^62, so the root is below 2^31.
  return static_cast<std::uint32_t>(isqrt_u64(variance_q32(j)));
}

Status RunningStatsQ::scaler(Span<ScaleQ> out) const noexcept {
  if (out.size() != count_.size()) return Status::shape_mismatch;
  for (std::size_t j = 0; j < count_.size(); ++j) {
    ScaleQ step{mean_q16(j), 1 << 30, 1};  // scale 1 unless there is a spread
    const std::uint64_t sd = std_q16(j);
    if (sd > 0) {
      // 1 / std = 2^16 / sd_q16 = multiplier 2^(shift - 31), with the
      // multiplier normalised into [2^30, 2^31): for sd in [2^(b-1), 2^b),
      // 2^(30 + b) / sd lies in (2^30, 2^31].
      unsigned b = 0;
      while ((sd >> b) != 0) ++b;  // b in [1, 31]
      std::uint64_t m = ((std::uint64_t{1} << (30 + b)) + sd / 2) / sd;
      int shift = 17 - static_cast<int>(b);
      if (m >= (std::uint64_t{1} << 31)) {
        m >>= 1;
        shift += 1;
      }
      step.multiplier = static_cast<std::int32_t>(m);
      step.shift = static_cast<std::int8_t>(shift);
    }
    out[j] = step;
  }
  return Status::ok;
}

Status standardize_q(Span<const ScaleQ> steps, Span<const std::int16_t> raw, unsigned out_frac_bits,
                     Span<std::int16_t> out) noexcept {
  if (raw.size() != steps.size() || out.size() != steps.size()) return Status::shape_mismatch;
  if (out_frac_bits > 15) return Status::invalid_argument;
  for (const ScaleQ& s : steps) {
    if (s.shift < -15 || s.shift > 18 || s.multiplier < (1 << 30)) return Status::invalid_argument;
  }
  for (std::size_t j = 0; j < steps.size(); ++j) {
    if (raw[j] == kMissingQ16) {
      out[j] = 0;
      continue;
    }
    // |x 2^16 - offset| < 2^32 and multiplier < 2^31: the product fits.
    const std::int64_t diff = static_cast<std::int64_t>(raw[j]) * 65536 - steps[j].offset_q16;
    const unsigned right = static_cast<unsigned>(47 - static_cast<int>(out_frac_bits) - steps[j].shift);
    const std::int64_t z = round_shift(diff * steps[j].multiplier, right);  // right in [14, 62]
    out[j] = static_cast<std::int16_t>(z > 32767 ? 32767 : (z < -32767 ? -32767 : z));
  }
  return Status::ok;
}

}  // namespace ember
