// RunningStatsQ: the integer twin of RunningStats. Streaming mean and
// variance per feature of int16 inputs (raw sensor counts), in integer
// arithmetic only, giving a standard scaler as an integer multiplier and
// shift per feature, so that a device without an FPU can fit and apply
// its own scaler.
//
// Exact sums: per feature a count (uint32), the sum of x (int64) and the
// sum of x^2 (uint64). With |x| <= 32767 and at most 2^32 - 1 values,
// neither sum can overflow (|sum x| < 2^47, sum x^2 < 2^62), so the
// statistics are exact; the mean and variance are derived from them with
// 64-bit integer division only (no 128-bit product).
//
// Missing values: INT16_MIN (-32768) is the missing code; it is skipped
// per feature, so each feature has its own count (as RunningStats skips
// NaN).
//
// Memory: 20 bytes per feature (plus alignment) from the arena at init;
// add() allocates nothing.
#ifndef EMBER_RUNNING_STATS_Q_H
#define EMBER_RUNNING_STATS_Q_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// The reserved code of a missing int16 input.
constexpr std::int16_t kMissingQ16 = INT16_MIN;

// One feature's standard-scaler step in integers:
//   z = (x - offset_q16 / 2^16) * multiplier * 2^(shift - 31)
// offset_q16 is the mean in Q16 of the input's units; multiplier in
// [2^30, 2^31) and shift in [-15, 18] give 1 / std with a relative error
// below 2^-30 (on top of the std's own, see variance_q32()).
// Plain data (no initialisers), so that an arena can hold an array of it;
// {0, 1 << 30, 1} is the identity.
struct ScaleQ {
  std::int32_t offset_q16;
  std::int32_t multiplier;
  std::int8_t shift;
};

class RunningStatsQ {
 public:
  // The most values a feature can count; add() refuses more.
  static constexpr std::uint32_t kMaxCount = UINT32_MAX;

  // Takes memory for n_features features from `arena` (which must outlive
  // this object). Errors: invalid_argument (n_features = 0), out_of_memory,
  // size_overflow.
  Status init(Arena& arena, std::size_t n_features) noexcept;

  // Adds one row of n_features values (kMissingQ16 = missing). Errors:
  // shape_mismatch; size_overflow when a feature would count more than
  // kMaxCount values. On an error nothing is added.
  Status add(Span<const std::int16_t> row) noexcept;

  // Sets feature j's sums, e.g. saved to flash by count() / sum() /
  // sum_squares() before a power cycle. Errors: bad_index (j out of
  // range), bad_value (sums no set of int16 values can have: |sum| >
  // 32767 count, sum_squares > 32767^2 count, or count sum_squares <
  // sum^2); nothing changes then.
  Status restore(std::size_t j, std::uint32_t count, std::int64_t sum, std::uint64_t sum_squares) noexcept;

  std::size_t n_features() const noexcept { return count_.size(); }
  std::uint32_t count(std::size_t j) const noexcept { return count_[j]; }
  std::int64_t sum(std::size_t j) const noexcept { return sum_[j]; }
  std::uint64_t sum_squares(std::size_t j) const noexcept { return sum2_[j]; }

  // The mean in Q16 of the input's units, rounded to nearest (|error| <=
  // 2^-17); 0 when no value was seen.
  std::int32_t mean_q16(std::size_t j) const noexcept;

  // The population variance (divided by count, as RunningStats) in Q32 of
  // the input's units squared, within 4 units (4 * 2^-32) of the exact
  // value of the integer sums; 0 for fewer than two values.
  std::uint64_t variance_q32(std::size_t j) const noexcept;

  // The standard deviation in Q16: floor(sqrt(variance_q32)).
  std::uint32_t std_q16(std::size_t j) const noexcept;

  // The scaler step of every feature: offset = mean, scale = 1 / std (1
  // where the std is 0 or fewer than two values were seen, as
  // RunningStats). Errors: shape_mismatch.
  Status scaler(Span<ScaleQ> out) const noexcept;

 private:
  Span<std::uint32_t> count_;
  Span<std::int64_t> sum_;
  Span<std::uint64_t> sum2_;
};

// Applies the scaler to one raw row: out[j] = z_j in Q(out_frac_bits),
// rounded to nearest and saturated to [-32767, 32767] (so Q11 holds
// +-16 standard deviations). A missing input (kMissingQ16) gives 0, the
// mean (mean imputation). out_frac_bits in [0, 15]. Errors: shape_mismatch,
// invalid_argument (out_frac_bits out of range, or a step whose shift is
// outside [-15, 18] or multiplier outside [2^30, 2^31)).
Status standardize_q(Span<const ScaleQ> steps, Span<const std::int16_t> raw, unsigned out_frac_bits,
                     Span<std::int16_t> out) noexcept;

}  // namespace ember

#endif  // EMBER_RUNNING_STATS_Q_H
