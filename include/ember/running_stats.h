// RunningStats: streaming mean and variance per feature (Welford's update),
// for fitting a standard scaler on a device one row at a time.
//
// Memory: 3 doubles per feature from the arena at init; add() allocates
// nothing. Missing values (NaN) are skipped per feature, so each feature
// has its own count. The update is numerically stable (no sum of squares
// minus square of sums).
#ifndef EMBER_RUNNING_STATS_H
#define EMBER_RUNNING_STATS_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

class RunningStats {
 public:
  // Takes memory for n_features features from `arena` (which must outlive
  // this object). Errors: invalid_argument (n_features = 0), out_of_memory.
  Status init(Arena& arena, std::size_t n_features) noexcept;

  // Adds one row of n_features values. Errors: shape_mismatch, bad_value
  // (an infinite value; nothing is added then).
  Status add(Span<const float> row) noexcept;

  std::size_t n_features() const noexcept { return count_.size(); }
  std::uint64_t count(std::size_t j) const noexcept { return static_cast<std::uint64_t>(count_[j]); }
  double mean(std::size_t j) const noexcept { return mean_[j]; }
  // Population variance (divided by count), as scikit-learn's StandardScaler;
  // 0 for fewer than two values.
  double variance(std::size_t j) const noexcept;

  // The affine step of a standard scaler: offset = mean, scale = 1 / std
  // (1 where the std is 0 or no value was seen, as scikit-learn).
  // Errors: shape_mismatch.
  Status scaler(Span<float> offset, Span<float> scale) const noexcept;

 private:
  Span<double> count_, mean_, m2_;
};

}  // namespace ember

#endif  // EMBER_RUNNING_STATS_H
