#include "host/data_profile.h"

#include <algorithm>
#include <cmath>

#include "column_values.h"
#include "host/text.h"

namespace ember::host {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The statistics of the finite values; infinite ones are only counted.
void profile_numeric(const Column& column, ColumnProfile* p) {
  std::vector<double> x;
  x.reserve(column.values.size());
  for (float v : column.values) {
    if (std::isnan(v)) continue;
    if (std::isinf(v)) {
      ++(v > 0 ? p->pos_inf : p->neg_inf);
      continue;
    }
    x.push_back(static_cast<double>(v));
  }
  std::sort(x.begin(), x.end());
  std::size_t finite_distinct = x.empty() ? 0 : 1;
  for (std::size_t i = 1; i < x.size(); ++i) finite_distinct += x[i] != x[i - 1] ? 1u : 0u;
  p->distinct = finite_distinct + (p->pos_inf > 0 ? 1u : 0u) + (p->neg_inf > 0 ? 1u : 0u);
  if (x.empty()) return;
  const auto n = static_cast<double>(x.size());
  double sum = 0.0;
  std::size_t zeros = 0;
  for (double v : x) {
    sum += v;
    zeros += v == 0.0 ? 1u : 0u;
  }
  p->mean = sum / n;
  double m2 = 0.0, m3 = 0.0;
  for (double v : x) {
    const double d = v - p->mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  p->std_dev = x.size() > 1 ? std::sqrt(m2 / (n - 1.0)) : kNaN;
  if (x.size() > 2) {
    // G1 = sqrt(n (n - 1)) / (n - 2) * g1, g1 = (m3 / n) / (m2 / n)^1.5.
    const double g1 = (m3 / n) / std::pow(m2 / n, 1.5);
    p->skew = finite_distinct == 1 ? 0.0 : std::sqrt(n * (n - 1.0)) / (n - 2.0) * g1;
  }
  p->min = x.front();
  p->max = x.back();
  // numpy.percentile's default ("linear"), as the preprocessing fitters
  // compute it.
  p->q25 = detail::percentile(x.data(), x.size(), 25.0);
  p->median = detail::percentile(x.data(), x.size(), 50.0);
  p->q75 = detail::percentile(x.data(), x.size(), 75.0);
  p->zeros = static_cast<double>(zeros) / n;

  Histogram& h = p->histogram;
  h.lo = p->min;
  h.hi = p->max;
  h.counts.assign(kHistogramBins, 0);
  // Finite bounds (float values widened to double): a finite width, and
  // every position in [0, bins] before the cast.
  const double width = (h.hi - h.lo) / static_cast<double>(kHistogramBins);
  const auto last = static_cast<double>(kHistogramBins - 1);
  for (double v : x) {
    std::size_t bin = 0;
    if (width > 0.0) bin = static_cast<std::size_t>(std::min((v - h.lo) / width, last));
    ++h.counts[bin];
  }
}

// The categories that occur, with their counts, in label order.
std::vector<LabelCount> used_categories(const Column& column) {
  std::vector<std::size_t> counts(column.labels.size(), 0);
  for (std::int32_t code : column.codes) {
    if (code >= 0) ++counts[static_cast<std::size_t>(code)];
  }
  std::vector<LabelCount> out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0) out.push_back({column.labels[i], counts[i]});
  }
  return out;
}

ColumnProfile profile_column(const Column& column, std::size_t rows) {
  ColumnProfile p;
  p.name = column.name;
  p.type = column.type;
  p.missing = column.missing_count();
  p.present = rows - p.missing;
  p.missing_fraction = rows > 0 ? static_cast<double>(p.missing) / static_cast<double>(rows) : kNaN;
  if (column.type == ColumnType::numeric) {
    profile_numeric(column, &p);
  } else {
    p.categories = used_categories(column);
    std::stable_sort(p.categories.begin(), p.categories.end(),
                     [](const LabelCount& a, const LabelCount& b) { return a.count > b.count; });
    p.distinct = p.categories.size();
    p.top.assign(p.categories.begin(),
                 p.categories.begin() + static_cast<std::ptrdiff_t>(std::min(kTopCategories, p.distinct)));
  }
  return p;
}

// The present values of a numeric column as classes, in value order, when
// they are at most kMaxIntegerClasses distinct integers; false otherwise.
bool integer_classes(const Column& column, std::vector<LabelCount>* classes) {
  std::vector<std::pair<double, std::size_t>> values;  // sorted distinct values and counts
  for (float f : column.values) {
    if (std::isnan(f)) continue;
    const auto v = static_cast<double>(f);
    if (!std::isfinite(v) || std::floor(v) != v) return false;
    auto at = std::lower_bound(values.begin(), values.end(), std::make_pair(v, std::size_t{0}));
    if (at != values.end() && at->first == v) {
      ++at->second;
    } else {
      if (values.size() == kMaxIntegerClasses) return false;
      values.insert(at, {v, 1});
    }
  }
  for (const auto& [v, n] : values) classes->push_back({format_number("%.0f", v), n});
  return !values.empty();
}

// The class balance of a categorical target (label order) or of a numeric
// one with integer classes (value order); a regression target otherwise.
TargetProfile profile_target(const Table& table) {
  TargetProfile t;
  t.column = table.target;
  if (table.target < 0) return t;
  const Column& c = table.columns[static_cast<std::size_t>(table.target)];
  if (c.type == ColumnType::categorical) {
    t.kind = TargetKind::classes;
    t.classes = used_categories(c);
  } else {
    t.kind = auto_task(c).classification && integer_classes(c, &t.classes) ? TargetKind::classes
                                                                           : TargetKind::numeric;
  }
  return t;
}

// Pearson r of columns a and b over the rows where both are finite; NaN
// with fewer than 2 such rows or a constant side (as pandas' corr()).
// (pandas' form, one square root of the product: the core's r for feature
// scores, src/correlation.h, is scikit-learn's and differs in the last bits.)
double pearson(const std::vector<float>& a, const std::vector<float>& b) {
  double sa = 0.0, sb = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    sa += static_cast<double>(a[i]);
    sb += static_cast<double>(b[i]);
    ++n;
  }
  if (n < 2) return kNaN;
  const double ma = sa / static_cast<double>(n), mb = sb / static_cast<double>(n);
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    const double da = static_cast<double>(a[i]) - ma, db = static_cast<double>(b[i]) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  const double divisor = std::sqrt(saa * sbb);
  return divisor > 0.0 ? sab / divisor : kNaN;
}

// VIFs by the sweep operator on the correlation matrix `r` (k x k): a
// feature whose residual variance given the features swept before it is
// below `tolerance` is aliased (VIF inf) and not swept; the features its
// regression on the swept ones uses are collinear with it (inf too). The
// others get the diagonal of the inverse over the swept set, which equals
// the full inverse's where that exists.
std::vector<double> vif_by_sweep(std::vector<double> r, std::size_t k) {
  constexpr double kTolerance = 1e-10;
  std::vector<bool> swept(k, false), aliased(k, false), usable(k, true);
  for (std::size_t j = 0; j < k; ++j) usable[j] = !std::isnan(r[j * k + j]);
  for (std::size_t p = 0; p < k; ++p) {
    if (!usable[p]) continue;
    const double d = r[p * k + p];
    if (!(d > kTolerance)) {
      aliased[p] = true;
      continue;
    }
    for (std::size_t j = 0; j < k; ++j) r[p * k + j] /= d;
    for (std::size_t i = 0; i < k; ++i) {
      if (i == p || !usable[i]) continue;
      const double b = r[i * k + p];
      for (std::size_t j = 0; j < k; ++j) r[i * k + j] -= b * r[p * k + j];
      r[i * k + p] = -b / d;
    }
    r[p * k + p] = 1.0 / d;
    swept[p] = true;
  }
  std::vector<double> vif(k, kNaN);
  for (std::size_t j = 0; j < k; ++j) {
    if (swept[j]) vif[j] = r[j * k + j];
  }
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t a = 0; a < k; ++a) {
    if (!aliased[a]) continue;
    vif[a] = inf;
    for (std::size_t j = 0; j < k; ++j) {
      if (swept[j] && std::fabs(r[j * k + a]) > 1e-8) vif[j] = inf;
    }
  }
  return vif;
}

void profile_correlation(const Table& table, const WarningThresholds& warn, DataProfile* p) {
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    if (table.columns[j].type != ColumnType::numeric) continue;
    if (static_cast<int>(j) != table.target && ++p->numeric_features > kMaxCorrelationColumns) continue;
    p->correlation_columns.push_back(j);
  }
  if (p->numeric_features > kMaxCorrelationColumns) {
    p->correlation_capped = true;
    p->notes.push_back("correlation, pairs and VIF cover the first " +
                       std::to_string(kMaxCorrelationColumns) + " of " + std::to_string(p->numeric_features) +
                       " numeric columns (describe's limit for these parts, whose cost grows with the square "
                       "of the columns)");
  }
  const std::size_t k = p->correlation_columns.size();
  p->correlation.assign(k * k, kNaN);
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a; b < k; ++b) {
      const double r = pearson(table.columns[p->correlation_columns[a]].values,
                               table.columns[p->correlation_columns[b]].values);
      p->correlation[a * k + b] = p->correlation[b * k + a] = r;
    }
  }
  const auto is_target = [&](std::size_t column) { return static_cast<int>(column) == table.target; };
  std::vector<CorrelatedPair> pairs;
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a + 1; b < k; ++b) {
      const double r = p->correlation[a * k + b];
      const std::size_t ca = p->correlation_columns[a], cb = p->correlation_columns[b];
      if (!std::isnan(r) && !is_target(ca) && !is_target(cb)) pairs.push_back({ca, cb, r});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const CorrelatedPair& x, const CorrelatedPair& y) {
    return std::fabs(x.r) > std::fabs(y.r);
  });
  for (const CorrelatedPair& pair : pairs) {
    if (std::fabs(pair.r) < warn.abs_correlation) break;
    p->warnings.push_back(p->columns[pair.a].name + " and " + p->columns[pair.b].name +
                          " correlated (r = " + format_number("%.2f", pair.r) + ")");
  }
  if (pairs.size() > kTopPairs) pairs.resize(kTopPairs);
  p->top_pairs = pairs;
}

void profile_vif(const Table& table, const WarningThresholds& warn, DataProfile* p) {
  std::vector<const std::vector<float>*> features;
  for (std::size_t j : p->correlation_columns) {
    if (static_cast<int>(j) == table.target) continue;
    p->vif_columns.push_back(j);
    features.push_back(&table.columns[j].values);
  }
  const std::size_t k = features.size();
  if (k == 0) return;
  // The complete rows (every feature finite), column by column.
  std::vector<std::vector<float>> complete(k);
  for (std::size_t i = 0; i < table.rows; ++i) {
    bool present = true;
    for (const auto* f : features) present = present && std::isfinite((*f)[i]);
    if (!present) continue;
    for (std::size_t j = 0; j < k; ++j) complete[j].push_back((*features[j])[i]);
    ++p->vif_rows;
  }
  // With fewer rows than features + 1 the correlation matrix is singular:
  // the sweep finds the collinear features (inf) as with any other.
  if (p->vif_rows < 2) {
    p->vif.assign(k, kNaN);
    return;
  }
  std::vector<double> r(k * k);
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a; b < k; ++b) r[a * k + b] = r[b * k + a] = pearson(complete[a], complete[b]);
  }
  p->vif = vif_by_sweep(std::move(r), k);
  for (std::size_t j = 0; j < k; ++j) {
    if (p->vif[j] >= warn.vif) {
      const std::string vif = std::isinf(p->vif[j]) ? "inf" : format_number("%.1f", p->vif[j]);
      p->warnings.push_back(p->columns[p->vif_columns[j]].name + ": VIF " + vif + " (multicollinear)");
    }
  }
}

void column_warnings(const ColumnProfile& c, const WarningThresholds& warn,
                     std::vector<std::string>* warnings) {
  if (c.missing_fraction >= warn.missing_fraction) {
    warnings->push_back(c.name + ": " + format_number("%.0f", 100.0 * c.missing_fraction) + "% missing");
  }
  const std::size_t infinite = c.pos_inf + c.neg_inf;
  if (infinite > 0) {
    std::string kinds;
    if (c.pos_inf > 0 && c.neg_inf > 0) {
      kinds = std::to_string(c.pos_inf) + " inf, " + std::to_string(c.neg_inf) + " -inf";
    } else {
      kinds = c.pos_inf > 0 ? "inf" : "-inf";
    }
    warnings->push_back(c.name + ": " + std::to_string(infinite) +
                        (infinite == 1 ? " infinite value (" : " infinite values (") + kinds +
                        ") left out of the statistics");
  }
  if (c.distinct == 1) warnings->push_back(c.name + ": constant");
  if (std::fabs(c.skew) >= warn.abs_skew) {
    warnings->push_back(c.name + ": skewed (skew = " + format_number("%.1f", c.skew) + ")");
  }
}

void class_warning(const TargetProfile& t, const WarningThresholds& warn,
                   std::vector<std::string>* warnings) {
  if (t.kind != TargetKind::classes || t.classes.size() < 2) return;
  std::size_t lo = t.classes[0].count, hi = lo;
  for (const LabelCount& c : t.classes) {
    lo = std::min(lo, c.count);
    hi = std::max(hi, c.count);
  }
  const double ratio = static_cast<double>(hi) / static_cast<double>(lo);
  if (ratio <= warn.class_ratio) return;
  std::string text = format_number("%.1f", ratio);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  warnings->push_back("class imbalance 1:" + text);
}

}  // namespace

DataProfile profile_table(const Table& table, const WarningThresholds& warn) {
  DataProfile p;
  p.rows = table.rows;
  for (const Column& c : table.columns) {
    p.columns.push_back(profile_column(c, table.rows));
    column_warnings(p.columns.back(), warn, &p.warnings);
  }
  p.target = profile_target(table);
  class_warning(p.target, warn, &p.warnings);
  profile_correlation(table, warn, &p);
  profile_vif(table, warn, &p);
  return p;
}

std::string format_statistic(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return format_number("%.4g", v);
}

std::string format_percent(double fraction) {
  return std::isnan(fraction) ? "-" : format_number("%.1f%%", 100.0 * fraction);
}

}  // namespace ember::host
