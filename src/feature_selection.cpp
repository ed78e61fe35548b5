#include "ember/feature_selection.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "column_values.h"
#include "correlation.h"
#include "feature_scores_internal.h"

namespace ember {

namespace {

constexpr std::size_t kPadding = alignof(std::max_align_t);

// scikit-learn's _clean_nans: NaN becomes the most negative finite double.
double cleaned(double s) { return s != s ? -DBL_MAX : s; }

// Ascending cleaned score, then ascending index: the order of NumPy's
// stable argsort (kind="mergesort"), from any sort.
struct ByCleanedScore {
  const double* s;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    const double ca = cleaned(s[a]), cb = cleaned(s[b]);
    return ca < cb || (ca == cb && a < b);
  }
};

Status select_k_best(Span<const double> scores, std::uint32_t k, Arena& scratch, Span<std::uint8_t> keep) {
  const std::size_t n = scores.size();
  if (k == 0) return Status::ok;
  const ArenaScope scope(scratch);
  Span<std::uint32_t> order;
  EMBER_TRY(scratch.allocate_array(n, &order));
  for (std::size_t j = 0; j < n; ++j) order[j] = static_cast<std::uint32_t>(j);
  std::sort(order.begin(), order.end(), ByCleanedScore{scores.data()});
  for (std::size_t t = n - k; t < n; ++t) keep[order[t]] = 1;
  return Status::ok;
}

Status select_percentile(Span<const double> scores, double percentile, Arena& scratch,
                         Span<std::uint8_t> keep) {
  const std::size_t n = scores.size();
  if (percentile == 100.0) {
    for (std::size_t j = 0; j < n; ++j) keep[j] = 1;
    return Status::ok;
  }
  if (percentile == 0.0) return Status::ok;
  const ArenaScope scope(scratch);
  Span<double> sorted;
  EMBER_TRY(scratch.allocate_array(n, &sorted));
  for (std::size_t j = 0; j < n; ++j) sorted[j] = cleaned(scores[j]);
  std::sort(sorted.begin(), sorted.end());
  const double threshold = detail::percentile(sorted.data(), n, 100.0 - percentile);
  std::size_t above = 0, ties = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double s = cleaned(scores[j]);
    if (s > threshold) {
      keep[j] = 1;
      ++above;
    }
    ties += s == threshold ? 1u : 0u;
  }
  // int(len(scores) * percentile / 100), then ties[:max_feats - mask.sum()]
  // with Python's slice rules: a negative bound drops ties from the end.
  const auto max_feats = static_cast<std::size_t>(static_cast<double>(n) * percentile / 100.0);
  std::size_t take = 0;
  if (max_feats >= above) {
    take = std::min(max_feats - above, ties);
  } else {
    const std::size_t drop = above - max_feats;
    take = ties > drop ? ties - drop : 0;
  }
  for (std::size_t j = 0; j < n && take > 0; ++j) {
    if (cleaned(scores[j]) == threshold) {
      keep[j] = 1;
      --take;
    }
  }
  return Status::ok;
}

}  // namespace

std::size_t select_arena_bytes(std::size_t n) noexcept {
  if (n > (SIZE_MAX - kPadding) / sizeof(double)) return SIZE_MAX;
  return n * sizeof(double) + kPadding;
}

Status select_features(Span<const double> scores, const SelectOptions& o, Arena& scratch,
                       Span<std::uint8_t> keep) noexcept {
  const std::size_t n = scores.size();
  if (n == 0) return Status::empty_input;
  if (keep.size() != n) return Status::shape_mismatch;
  switch (o.mode) {
    case SelectMode::k_best:
      if (o.k > n) return Status::bad_value;
      break;
    case SelectMode::percentile:
      if (!(o.percentile >= 0.0 && o.percentile <= 100.0)) return Status::bad_value;
      break;
    case SelectMode::at_least:
    case SelectMode::above:
      if (o.threshold != o.threshold) return Status::bad_value;
      break;
    default:
      return Status::bad_value;
  }
  for (std::size_t j = 0; j < n; ++j) keep[j] = 0;
  switch (o.mode) {
    case SelectMode::k_best:
      return select_k_best(scores, o.k, scratch, keep);
    case SelectMode::percentile:
      return select_percentile(scores, o.percentile, scratch, keep);
    case SelectMode::at_least:
      for (std::size_t j = 0; j < n; ++j) keep[j] = scores[j] >= o.threshold ? 1 : 0;
      return Status::ok;
    case SelectMode::above:
      for (std::size_t j = 0; j < n; ++j) keep[j] = scores[j] > o.threshold ? 1 : 0;
      return Status::ok;
  }
  return Status::bad_value;
}

Status kept_columns(Span<const std::uint8_t> keep, Span<std::uint32_t> indices, std::size_t* count) noexcept {
  std::size_t kept = 0;
  for (std::size_t j = 0; j < keep.size(); ++j) kept += keep[j] != 0 ? 1u : 0u;
  *count = kept;
  if (indices.size() < kept) return Status::shape_mismatch;
  for (std::size_t j = 0, t = 0; j < keep.size(); ++j) {
    if (keep[j] != 0) indices[t++] = static_cast<std::uint32_t>(j);
  }
  return Status::ok;
}

std::size_t correlation_filter_arena_bytes(std::size_t cols) noexcept {
  if (cols > (SIZE_MAX / 2 - kPadding) / sizeof(double)) return SIZE_MAX;
  return 2 * (cols * sizeof(double) + kPadding);
}

Status correlation_filter(MatrixView<const float> x, double threshold, Arena& scratch,
                          Span<std::uint8_t> keep) noexcept {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (keep.size() != x.cols) return Status::shape_mismatch;
  if (!(threshold >= 0.0 && threshold <= 1.0)) return Status::bad_value;
  EMBER_TRY(detail::check_features(x, false));
  const ArenaScope scope(scratch);
  Span<double> mean, norm;
  EMBER_TRY(scratch.allocate_array(x.cols, &mean));
  EMBER_TRY(scratch.allocate_array(x.cols, &norm));
  const std::size_t n = x.rows;
  for (std::size_t j = 0; j < x.cols; ++j) {
    const detail::Centered c = detail::centered(x.data + j, n, x.stride);
    mean[j] = c.mean;
    norm[j] = c.norm;
  }
  for (std::size_t j = 0; j < x.cols; ++j) {
    keep[j] = 1;
    if (norm[j] == 0.0) continue;
    for (std::size_t i = 0; i < j; ++i) {
      if (keep[i] == 0 || norm[i] == 0.0) continue;
      const double sxy =
          detail::co_deviation(x.data + i, x.stride, x.data + j, x.stride, n, mean[i], mean[j]);
      if (std::fabs(detail::pearson_r(sxy, norm[i], norm[j])) > threshold) {
        keep[j] = 0;
        break;
      }
    }
  }
  return Status::ok;
}

}  // namespace ember
