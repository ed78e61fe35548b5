#include "ember/running_stats.h"

#include <cmath>

namespace ember {

Status RunningStats::init(Arena& arena, std::size_t n_features) noexcept {
  if (n_features == 0) return Status::invalid_argument;
  EMBER_TRY(arena.allocate_array(n_features, &count_));
  EMBER_TRY(arena.allocate_array(n_features, &mean_));
  return arena.allocate_array(n_features, &m2_);
}

Status RunningStats::add(Span<const float> row) noexcept {
  if (row.size() != count_.size()) return Status::shape_mismatch;
  for (float v : row) {
    if (std::isinf(v)) return Status::bad_value;
  }
  for (std::size_t j = 0; j < row.size(); ++j) {
    const double v = row[j];
    if (v != v) continue;  // missing
    count_[j] += 1.0;
    const double delta = v - mean_[j];
    mean_[j] += delta / count_[j];
    m2_[j] += delta * (v - mean_[j]);
  }
  return Status::ok;
}

double RunningStats::variance(std::size_t j) const noexcept {
  return count_[j] >= 2.0 ? m2_[j] / count_[j] : 0.0;
}

Status RunningStats::scaler(Span<float> offset, Span<float> scale) const noexcept {
  if (offset.size() != count_.size() || scale.size() != count_.size()) return Status::shape_mismatch;
  for (std::size_t j = 0; j < count_.size(); ++j) {
    const double sd = std::sqrt(variance(j));
    offset[j] = static_cast<float>(mean_[j]);
    scale[j] = sd > 0.0 ? static_cast<float>(1.0 / sd) : 1.0f;
  }
  return Status::ok;
}

}  // namespace ember
