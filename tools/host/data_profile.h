// DataProfile: the exploratory statistics of a Table, as `ember describe`
// reports them.
//
// Definitions follow pandas/NumPy/SciPy, computed in double over the
// float32 values the CSV reader holds:
//   std       sample standard deviation (ddof = 1)
//   quartiles NumPy's default linear interpolation (numpy.percentile)
//   skew      bias-corrected adjusted Fisher-Pearson G1 (pandas .skew(),
//             scipy.stats.skew(bias=False)); 0 for a constant column
//   zeros     the share of present values equal to 0
//   correlation  Pearson, pairwise over the rows where both are present
//   VIF       the diagonal of the inverse of the correlation matrix of the
//             numeric features over their complete rows; +inf for a
//             feature in an exactly (numerically) collinear group, as
//             every feature is with fewer complete rows than features + 1
// Missing values never enter a statistic; a statistic that is undefined
// (too few values, a categorical column) is NaN. Infinite values (inf,
// -inf) are counted apart (`pos_inf`, `neg_inf`, with a warning) and left
// out of every statistic, histogram, correlation and VIF, as missing
// values are; they count as present and as distinct values.
//
// Cost: the per-column parts are linear in rows x columns. Correlation,
// pairs and VIF grow with the square (the VIF with the cube) of the
// columns, so they cover the first kMaxCorrelationColumns numeric features
// (and a numeric target), with a note saying so.
#ifndef EMBER_HOST_DATA_PROFILE_H
#define EMBER_HOST_DATA_PROFILE_H

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "host/table.h"
#include "host/task_rule.h"

namespace ember::host {

// When a warning is raised (ember describe --warn changes them).
struct WarningThresholds {
  double missing_fraction = 0.20;  // at least this share of a column missing
  double abs_skew = 2.0;           // |skew| at least this
  double class_ratio = 3.0;        // majority / minority count above this
  double abs_correlation = 0.9;    // |r| between two features at least this
  double vif = 10.0;               // VIF at least this
};
constexpr std::size_t kTopCategories = 5;                    // categories listed per column
constexpr std::size_t kTopPairs = 10;                        // correlated pairs listed
constexpr std::size_t kMaxIntegerClasses = kAutoMaxClasses;  // train's --task auto rule (host/task_rule.h)
constexpr std::size_t kHistogramBins = 20;
// Correlation, pairs and VIF take at most this many numeric features.
constexpr std::size_t kMaxCorrelationColumns = 500;

struct LabelCount {
  std::string label;
  std::size_t count = 0;
};

// Equal-width bins from min to max of the finite values (the last bin
// includes max, as numpy.histogram does); empty when the column has no
// finite value.
struct Histogram {
  double lo = 0.0, hi = 0.0;
  std::vector<std::size_t> counts;
};

struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::numeric;
  std::size_t present = 0;  // not missing (infinite values included)
  std::size_t missing = 0;
  std::size_t pos_inf = 0, neg_inf = 0;  // numeric: present values that are inf, -inf
  double missing_fraction = 0.0;         // of all rows (NaN for a table without rows)
  std::size_t distinct = 0;              // distinct present values
  // Numeric columns only (NaN otherwise, or when undefined).
  static constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
  double mean = kUndefined, std_dev = kUndefined, min = kUndefined, q25 = kUndefined, median = kUndefined,
         q75 = kUndefined, max = kUndefined, skew = kUndefined, zeros = kUndefined;
  Histogram histogram;
  // Categorical: every used category by count, most frequent first (ties by
  // label order). `top` is its first kTopCategories.
  std::vector<LabelCount> categories;
  std::vector<LabelCount> top;
};

enum class TargetKind { none, classes, numeric };

struct TargetProfile {
  TargetKind kind = TargetKind::none;
  int column = -1;                  // index into DataProfile::columns
  std::vector<LabelCount> classes;  // kind == classes: in label (or value) order
};

struct CorrelatedPair {
  std::size_t a = 0, b = 0;  // indices into DataProfile::columns
  double r = 0.0;
};

struct DataProfile {
  std::size_t rows = 0;
  std::vector<ColumnProfile> columns;
  TargetProfile target;
  // The numeric columns (target included; the first
  // kMaxCorrelationColumns features when there are more) and their k x k
  // row-major pairwise Pearson correlation (NaN where fewer than 2 shared
  // rows or a constant side).
  std::vector<std::size_t> correlation_columns;
  // Every numeric feature (target excluded), and whether correlation, pairs
  // and VIF left some out.
  std::size_t numeric_features = 0;
  bool correlation_capped = false;
  std::vector<double> correlation;
  // Pairs of numeric features (target excluded), largest |r| first, at most
  // kTopPairs.
  std::vector<CorrelatedPair> top_pairs;
  // VIF of the numeric features (target excluded) over `vif_rows` complete
  // rows; NaN for a constant feature or with fewer than 2 complete rows.
  std::vector<std::size_t> vif_columns;
  std::vector<double> vif;
  std::size_t vif_rows = 0;
  // Plain-text warnings: "income: 41% missing", "x: constant",
  // "x: skewed (skew = 3.2)", "class imbalance 1:19",
  // "x3 and x7 correlated (r = 0.98)", "x: VIF 12.3 (multicollinear)",
  // "x: 2 infinite values (1 inf, 1 -inf) left out of the statistics".
  std::vector<std::string> warnings;
  // What the report leaves out and why (the column cap).
  std::vector<std::string> notes;
};

// Every statistic of `table` (its `target`, when set, gets the class
// balance or a numeric summary), with warnings at `warn`.
DataProfile profile_table(const Table& table, const WarningThresholds& warn = WarningThresholds{});

// How reports print one statistic: 4 significant digits, "inf"/"-inf", and
// "-" for NaN.
std::string format_statistic(double v);

// A share in percent with one decimal: 0.2417 -> "24.2%"; "-" for NaN.
std::string format_percent(double fraction);

}  // namespace ember::host

#endif  // EMBER_HOST_DATA_PROFILE_H
