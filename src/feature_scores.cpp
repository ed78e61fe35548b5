#include "ember/feature_scores.h"

#include <cfloat>
#include <cmath>

#include "correlation.h"
#include "ember/special_functions.h"
#include "feature_scores_internal.h"
#include "runtime/category_code.h"

namespace ember {

namespace detail {

Status check_features(MatrixView<const float> x, bool nonnegative) noexcept {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float* row = x.data + i * x.stride;
    for (std::size_t j = 0; j < x.cols; ++j) {
      if (!std::isfinite(row[j]) || (nonnegative && row[j] < 0.0f)) return Status::bad_value;
    }
  }
  return Status::ok;
}

Status check_classes(Span<const float> target, std::uint32_t n_classes) noexcept {
  if (n_classes == 0) return Status::bad_value;
  for (std::size_t i = 0; i < target.size(); ++i) {
    const float y = target[i];
    if (!std::isfinite(y)) return Status::bad_value;
    if (!is_category_code(y, n_classes)) return Status::bad_index;
  }
  return Status::ok;
}

Status check_numeric_target(Span<const float> target) noexcept {
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (!std::isfinite(target[i])) return Status::bad_value;
  }
  return Status::ok;
}

}  // namespace detail

namespace {

constexpr std::size_t kPadding = alignof(std::max_align_t);

bool optional_size_ok(Span<double> s, std::size_t n) { return s.empty() || s.size() == n; }

// The checks shared by the class scores, in the order the header lists.
Status check_class_input(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes,
                         bool nonnegative, Span<double> scores, Span<double> p_values) {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (target.size() != x.rows || scores.size() != x.cols || !optional_size_ok(p_values, x.cols))
    return Status::shape_mismatch;
  EMBER_TRY(detail::check_features(x, nonnegative));
  return detail::check_classes(target, n_classes);
}

// Per-class row counts and a buffer for per-class sums, from `scratch`.
struct ClassTotals {
  Span<double> count, sum;
  std::uint32_t present = 0;
};

Status class_totals(Span<const float> target, std::uint32_t n_classes, Arena& scratch, ClassTotals* out) {
  EMBER_TRY(scratch.allocate_array(n_classes, &out->count));
  EMBER_TRY(scratch.allocate_array(n_classes, &out->sum));
  for (std::size_t i = 0; i < target.size(); ++i) out->count[static_cast<std::uint32_t>(target[i])] += 1.0;
  out->present = 0;
  for (std::uint32_t k = 0; k < n_classes; ++k) out->present += out->count[k] > 0.0 ? 1u : 0u;
  return Status::ok;
}

// Column j's per-class sums into t->sum; returns the column total.
double class_sums(MatrixView<const float> x, std::size_t j, Span<const float> target, ClassTotals* t) {
  for (std::size_t k = 0; k < t->sum.size(); ++k) t->sum[k] = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double v = x.data[i * x.stride + j];
    t->sum[static_cast<std::uint32_t>(target[i])] += v;
    total += v;
  }
  return total;
}

// Between-class and within-class sums of squares of column j, about the
// class means (two passes). t->sum ends up holding the class means.
void sums_of_squares(MatrixView<const float> x, std::size_t j, Span<const float> target, ClassTotals* t,
                     double* between, double* within) {
  const double mean = class_sums(x, j, target, t) / static_cast<double>(x.rows);
  double ssb = 0.0;
  for (std::size_t k = 0; k < t->sum.size(); ++k) {
    if (t->count[k] == 0.0) continue;
    t->sum[k] /= t->count[k];
    ssb += t->count[k] * ((t->sum[k] - mean) * (t->sum[k] - mean));
  }
  double ssw = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double d = x.data[i * x.stride + j] - t->sum[static_cast<std::uint32_t>(target[i])];
    ssw += d * d;
  }
  *between = ssb;
  *within = ssw;
}

}  // namespace

std::size_t class_scores_arena_bytes(std::uint32_t n_classes) noexcept {
  return 2 * (static_cast<std::size_t>(n_classes) * sizeof(double) + kPadding);
}

Status chi2_scores(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes,
                   Arena& scratch, Span<double> scores, Span<double> p_values) noexcept {
  EMBER_TRY(check_class_input(x, target, n_classes, true, scores, p_values));
  const ArenaScope scope(scratch);
  ClassTotals t;
  EMBER_TRY(class_totals(target, n_classes, scratch, &t));
  if (t.present < 2) return Status::bad_value;
  const double n = static_cast<double>(x.rows);
  for (std::size_t j = 0; j < x.cols; ++j) {
    const double total = class_sums(x, j, target, &t);
    double chi2 = 0.0;
    if (total > 0.0) {
      for (std::uint32_t k = 0; k < n_classes; ++k) {
        if (t.count[k] == 0.0) continue;
        // scikit-learn's order: the class share times the column total.
        const double expected = t.count[k] / n * total;
        const double d = t.sum[k] - expected;
        chi2 += d * d / expected;
      }
    }
    scores[j] = chi2;
    if (!p_values.empty()) p_values[j] = chi2_sf(chi2, static_cast<double>(t.present - 1));
  }
  return Status::ok;
}

Status f_classif(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes, Arena& scratch,
                 Span<double> scores, Span<double> p_values) noexcept {
  EMBER_TRY(check_class_input(x, target, n_classes, false, scores, p_values));
  const ArenaScope scope(scratch);
  ClassTotals t;
  EMBER_TRY(class_totals(target, n_classes, scratch, &t));
  if (t.present < 2 || x.rows <= t.present) return Status::bad_value;
  const double df_between = static_cast<double>(t.present - 1);
  const double df_within = static_cast<double>(x.rows - t.present);
  for (std::size_t j = 0; j < x.cols; ++j) {
    double ssb = 0.0, ssw = 0.0;
    sums_of_squares(x, j, target, &t, &ssb, &ssw);
    const double between = ssb / df_between, within = ssw / df_within;
    double f = 0.0, p = 1.0;
    if (within > 0.0) {
      f = between / within;
      p = f_sf(f, df_between, df_within);
    } else if (between > 0.0) {
      f = DBL_MAX;
      p = 0.0;
    }
    scores[j] = f;
    if (!p_values.empty()) p_values[j] = p;
  }
  return Status::ok;
}

Status fisher_score(MatrixView<const float> x, Span<const float> target, std::uint32_t n_classes,
                    Arena& scratch, Span<double> scores) noexcept {
  EMBER_TRY(check_class_input(x, target, n_classes, false, scores, Span<double>()));
  const ArenaScope scope(scratch);
  ClassTotals t;
  EMBER_TRY(class_totals(target, n_classes, scratch, &t));
  for (std::size_t j = 0; j < x.cols; ++j) {
    double ssb = 0.0, ssw = 0.0;
    sums_of_squares(x, j, target, &t, &ssb, &ssw);
    scores[j] = ssw > 0.0 ? ssb / ssw : (ssb > 0.0 ? DBL_MAX : 0.0);
  }
  return Status::ok;
}

Status f_regression(MatrixView<const float> x, Span<const float> target, Span<double> scores,
                    Span<double> p_values, Span<double> correlation) noexcept {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (target.size() != x.rows || scores.size() != x.cols || !optional_size_ok(p_values, x.cols) ||
      !optional_size_ok(correlation, x.cols))
    return Status::shape_mismatch;
  EMBER_TRY(detail::check_features(x, false));
  EMBER_TRY(detail::check_numeric_target(target));
  if (x.rows < 3) return Status::bad_value;
  const std::size_t n = x.rows;
  const detail::Centered y = detail::centered(target.data(), n, 1);
  const double dof = static_cast<double>(n - 2);
  for (std::size_t j = 0; j < x.cols; ++j) {
    const detail::Centered c = detail::centered(x.data + j, n, x.stride);
    double r = 0.0;
    if (c.norm > 0.0 && y.norm > 0.0) {
      r = detail::pearson_r(detail::co_deviation(x.data + j, x.stride, target.data(), 1, n, c.mean, y.mean),
                            c.norm, y.norm);
    }
    const double r2 = r * r;
    double f = DBL_MAX, p = 0.0;
    if (r2 < 1.0) {
      f = r2 / (1.0 - r2) * dof;
      p = f_sf(f, 1.0, dof);
    }
    scores[j] = f;
    if (!p_values.empty()) p_values[j] = p;
    if (!correlation.empty()) correlation[j] = r;
  }
  return Status::ok;
}

Status column_variance(MatrixView<const float> x, Span<double> variance) noexcept {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (variance.size() != x.cols) return Status::shape_mismatch;
  EMBER_TRY(detail::check_features(x, false));
  const double n = static_cast<double>(x.rows);
  for (std::size_t j = 0; j < x.cols; ++j) {
    double mean = 0.0;
    for (std::size_t i = 0; i < x.rows; ++i) mean += x.data[i * x.stride + j];
    mean /= n;
    double ss = 0.0;
    for (std::size_t i = 0; i < x.rows; ++i) {
      const double d = x.data[i * x.stride + j] - mean;
      ss += d * d;
    }
    variance[j] = ss / n;
  }
  return Status::ok;
}

}  // namespace ember
