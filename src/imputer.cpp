#include "ember/imputer.h"

#include <cmath>

#include "runtime/category_code.h"
#include "column_values.h"

namespace ember {

namespace {

// The smallest of the most frequent values of sorted v (n > 0).
float most_frequent_sorted(const float* v, std::size_t n) {
  float best = v[0];
  std::size_t best_run = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t e = i + 1;
    while (e < n && v[e] == v[i]) ++e;
    if (e - i > best_run) {  // strictly more: ties keep the smaller value
      best_run = e - i;
      best = v[i];
    }
    i = e;
  }
  return best;
}

}  // namespace

Status fit_imputer(MatrixView<const float> x, Span<const std::uint32_t> n_categories, const ImputerOptions& o,
                   Arena& scratch, Arena& result, FittedImputer* out) noexcept {
  if (out == nullptr) return Status::invalid_argument;
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (!n_categories.empty() && n_categories.size() != x.cols) return Status::shape_mismatch;
  if (static_cast<unsigned>(o.strategy) > static_cast<unsigned>(ImputeStrategy::constant) ||
      !std::isfinite(o.fill_value))
    return Status::bad_value;
  const std::size_t d = x.cols;
  FittedImputer f;
  EMBER_TRY(result.allocate_array(d, &f.fill));
  EMBER_TRY(result.allocate_array(d, &f.missing_fraction));
  std::size_t n_indicators = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const Arena::Marker mark = scratch.mark();
    Span<float> v;
    EMBER_TRY(detail::sorted_present(x, j, scratch, &v));
    const std::size_t n = v.size();
    const std::uint32_t k = n_categories.empty() ? 0u : n_categories[j];
    for (std::size_t i = 0; i < n; ++i) {
      if (k > 0 && !detail::is_category_code(v[i], k)) {
        scratch.rewind(mark);
        return Status::bad_index;
      }
    }
    f.missing_fraction[j] = static_cast<double>(x.rows - n) / static_cast<double>(x.rows);
    if (n < x.rows && o.add_indicator) ++n_indicators;
    float fill = 0.0f;
    if (o.strategy == ImputeStrategy::constant) {
      fill = o.fill_value;
    } else if (n == 0) {
      fill = 0.0f;
    } else if (k > 0 || o.strategy == ImputeStrategy::most_frequent) {
      fill = most_frequent_sorted(v.data(), n);
    } else if (o.strategy == ImputeStrategy::median) {
      fill = static_cast<float>(detail::percentile(v.data(), n, 50.0));
    } else {
      // A double sum of the sorted values: a fixed order, small ones first.
      double sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) sum += v[i];
      fill = static_cast<float>(sum / static_cast<double>(n));
    }
    f.fill[j] = fill;
    scratch.rewind(mark);
  }
  if (n_indicators > 0) {
    EMBER_TRY(result.allocate_array(n_indicators, &f.indicators));
    std::size_t at = 0;
    for (std::size_t j = 0; j < d; ++j) {
      if (f.missing_fraction[j] > 0.0) f.indicators[at++] = static_cast<std::uint32_t>(j);
    }
  }
  *out = f;
  return Status::ok;
}

}  // namespace ember
