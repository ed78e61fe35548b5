// The statistics of `ember describe` (host/data_profile.h) against NumPy
// 1.24 / SciPy 1.10 on the bundled data (tests/data/reference/describe.txt,
// made by make_describe_reference.py from the float32 values ember reads,
// widened to float64), plus small cases worked out by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "host/csv.h"
#include "host/data_profile.h"
#include "reference_file.h"

using namespace ember;
using ember::test::reference_file;
using ember::test::reference_values;

namespace {

host::DataProfile profile_file(const std::string& name, const std::string& target) {
  host::CsvOptions options;
  options.target = target;
  host::Table t;
  host::Error e;
  const bool ok = host::read_csv(std::string(EMBER_TEST_DATA_DIR) + "/" + name + ".csv", options, &t, &e);
  INFO(e.to_string());
  REQUIRE(ok);
  return host::profile_table(t);
}

host::DataProfile profile_text(const std::string& text, const std::string& target = "") {
  host::CsvOptions options;
  options.target = target;
  host::Table t;
  host::Error e;
  const bool ok = host::parse_csv(text, "test.csv", options, &t, &e);
  INFO(e.to_string());
  REQUIRE(ok);
  return host::profile_table(t);
}

// Relative tolerance with an absolute floor near zero.
void check_close(double actual, double expected, const std::string& what, double rel = 1e-9) {
  INFO(what << ": " << actual << " vs " << expected);
  CHECK(std::fabs(actual - expected) <= rel * std::max(1.0, std::fabs(expected)));
}

bool has_warning(const host::DataProfile& p, const std::string& text) {
  for (const auto& w : p.warnings) {
    if (w == text) return true;
  }
  return false;
}

void check_against_reference(const std::string& name, const std::string& target) {
  const host::DataProfile p = profile_file(name, target);
  const auto& ref = reference_file("describe.txt").at(name);
  CHECK(static_cast<double>(p.rows) == reference_values("describe.txt", name, "rows")[0]);
  for (std::size_t j = 0; j < p.columns.size(); ++j) {
    const host::ColumnProfile& c = p.columns[j];
    INFO(name << " column " << c.name);
    if (c.type == host::ColumnType::numeric) {
      const auto& r = ref.at("col" + std::to_string(j));
      REQUIRE(r.size() == 11);
      CHECK(static_cast<double>(c.missing) == r[0]);
      CHECK(static_cast<double>(c.distinct) == r[1]);
      const double stats[] = {c.mean, c.std_dev, c.min, c.q25, c.median, c.q75, c.max, c.skew, c.zeros};
      const char* names[] = {"mean", "std", "min", "q25", "median", "q75", "max", "skew", "zeros"};
      for (std::size_t s = 0; s < 9; ++s) check_close(stats[s], r[s + 2], names[s]);
      CHECK(std::fabs(c.missing_fraction - r[0] / static_cast<double>(p.rows)) < 1e-15);
    } else {
      const auto& r = ref.at("cat" + std::to_string(j));
      CHECK(static_cast<double>(c.missing) == r[0]);
      CHECK(static_cast<double>(c.distinct) == r[1]);
      REQUIRE(c.top.size() == r.size() - 2);
      for (std::size_t i = 0; i < c.top.size(); ++i) CHECK(static_cast<double>(c.top[i].count) == r[i + 2]);
    }
  }
  // Class balance (classification targets only).
  const auto classes = ref.find("classes");
  if (classes != ref.end()) {
    REQUIRE(p.target.kind == host::TargetKind::classes);
    REQUIRE(p.target.classes.size() == classes->second.size());
    for (std::size_t i = 0; i < p.target.classes.size(); ++i) {
      CHECK(static_cast<double>(p.target.classes[i].count) == classes->second[i]);
    }
  } else {
    CHECK(p.target.kind == host::TargetKind::numeric);
  }
  // Pairwise correlation, the top pairs, VIF.
  const auto& corr = ref.at("corr");
  REQUIRE(p.correlation.size() == corr.size());
  for (std::size_t i = 0; i < corr.size(); ++i) check_close(p.correlation[i], corr[i], "r", 1e-12);
  const auto& pairs = ref.at("pairs");
  REQUIRE(p.top_pairs.size() * 3 == pairs.size());
  for (std::size_t i = 0; i < p.top_pairs.size(); ++i) {
    CHECK(static_cast<double>(p.top_pairs[i].a) == pairs[3 * i]);
    CHECK(static_cast<double>(p.top_pairs[i].b) == pairs[3 * i + 1]);
    check_close(p.top_pairs[i].r, pairs[3 * i + 2], "pair r", 1e-12);
  }
  CHECK(static_cast<double>(p.vif_rows) == reference_values("describe.txt", name, "vif_rows")[0]);
  const auto& vif = ref.at("vif");
  REQUIRE(p.vif.size() == vif.size());
  // The inverse loses digits in proportion to its condition (VIF ~ 4e3 on
  // breast_cancer).
  for (std::size_t i = 0; i < vif.size(); ++i) check_close(p.vif[i], vif[i], "vif", 1e-8);
}

}  // namespace

TEST_CASE("data profile matches NumPy/SciPy on the bundled data") {
  SUBCASE("iris") { check_against_reference("iris", "species"); }
  SUBCASE("breast_cancer") { check_against_reference("breast_cancer", "diagnosis"); }
  SUBCASE("airquality: missing values, a numeric target with 5 integer classes") {
    check_against_reference("airquality", "Month");
  }
  SUBCASE("penguins: categoricals and missing values") { check_against_reference("penguins", "species"); }
  SUBCASE("diabetes: a regression target") { check_against_reference("diabetes", "progression"); }
}

TEST_CASE("data profile: labels of top categories and classes") {
  const host::DataProfile p = profile_file("penguins", "species");
  REQUIRE(p.columns[1].top.size() == 3);
  CHECK(p.columns[1].top[0].label == "Biscoe");
  CHECK(p.columns[1].top[2].label == "Torgersen");
  REQUIRE(p.target.classes.size() == 3);
  CHECK(p.target.classes[1].label == "Chinstrap");
  const host::DataProfile a = profile_file("airquality", "Month");
  REQUIRE(a.target.classes.size() == 5);
  CHECK(a.target.classes[0].label == "5");
  CHECK(a.target.classes[4].label == "9");
}

TEST_CASE("data profile: small cases by hand") {
  // x = 0, 1, 2, 3 (one missing): mean 1.5, std sqrt(5/3), quartiles by
  // linear interpolation 0.75, 1.5, 2.25; a quarter zeros; symmetric.
  const host::DataProfile p = profile_text("x,c\n0,a\n1,a\n,b\n2,a\n3,a\n");
  const host::ColumnProfile& x = p.columns[0];
  CHECK(x.missing == 1);
  CHECK(x.missing_fraction == doctest::Approx(0.2));
  CHECK(x.distinct == 4);
  CHECK(x.mean == doctest::Approx(1.5));
  CHECK(x.std_dev == doctest::Approx(std::sqrt(5.0 / 3.0)));
  CHECK(x.q25 == doctest::Approx(0.75));
  CHECK(x.median == doctest::Approx(1.5));
  CHECK(x.q75 == doctest::Approx(2.25));
  CHECK(x.zeros == doctest::Approx(0.25));
  CHECK(x.skew == doctest::Approx(0.0));
  CHECK(x.histogram.counts.size() == host::kHistogramBins);
  CHECK(x.histogram.counts.back() == 1);  // the maximum is in the last bin
  const host::ColumnProfile& c = p.columns[1];
  CHECK(std::isnan(c.mean));
  REQUIRE(c.top.size() == 2);
  CHECK(c.top[0].label == "a");
  CHECK(c.top[0].count == 4);
  CHECK(has_warning(p, "x: 20% missing"));
}

TEST_CASE("data profile: warnings") {
  // 20 rows: m is 45% missing, k constant, s skewed, y 1:19, b = 2a.
  std::string text = "m,k,s,a,b,n,y\n";
  for (int i = 0; i < 20; ++i) {
    const std::string m = i < 9 ? "" : std::to_string(i);
    const std::string s = i == 0 ? "100" : "1";
    const int noise = (i * 7) % 5;
    text += m + ",3," + s + "," + std::to_string(i) + "," + std::to_string(2 * i) + "," +
            std::to_string(noise) + "," + (i == 0 ? "yes" : "no") + "\n";
  }
  const host::DataProfile p = profile_text(text, "y");
  CHECK(has_warning(p, "m: 45% missing"));
  CHECK(has_warning(p, "k: constant"));
  CHECK(has_warning(p, "s: skewed (skew = 4.5)"));
  CHECK(has_warning(p, "class imbalance 1:19"));
  CHECK(has_warning(p, "a and b correlated (r = 1.00)"));
  CHECK(has_warning(p, "a: VIF inf (multicollinear)"));
  CHECK(has_warning(p, "b: VIF inf (multicollinear)"));
  // k is constant: no correlation and no VIF; n is not collinear.
  REQUIRE(p.vif_columns.size() == 6);
  CHECK(std::isnan(p.vif[1]));
  CHECK(std::isfinite(p.vif[5]));
  CHECK(std::isnan(p.correlation[1 * 6 + 2]));
}

TEST_CASE("data profile: VIF of a collinear group leaves the other features finite") {
  // c = a + b exactly; d unrelated.
  std::string text = "a,b,c,d\n";
  const int a[] = {1, 4, 2, 8, 5, 7, 3, 9, 6, 0};
  const int b[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  const int d[] = {2, 7, 1, 8, 2, 8, 1, 8, 2, 8};
  for (int i = 0; i < 10; ++i) {
    text += std::to_string(a[i]) + "," + std::to_string(b[i]) + "," + std::to_string(a[i] + b[i]) + "," +
            std::to_string(d[i]) + "\n";
  }
  const host::DataProfile p = profile_text(text);
  REQUIRE(p.vif.size() == 4);
  CHECK(std::isinf(p.vif[0]));
  CHECK(std::isinf(p.vif[1]));
  CHECK(std::isinf(p.vif[2]));
  CHECK(std::isfinite(p.vif[3]));
  CHECK(p.vif[3] >= 1.0);
}

TEST_CASE("data profile: a numeric target with non-integer or many values is a regression target") {
  CHECK(profile_text("x,y\n1,0.5\n2,1\n3,0\n", "y").target.kind == host::TargetKind::numeric);
  std::string many = "x,y\n";
  for (int i = 0; i < 21; ++i) many += "1," + std::to_string(i) + "\n";  // above --task auto's 20
  CHECK(profile_text(many, "y").target.kind == host::TargetKind::numeric);
  CHECK(profile_text("x,y\n1,0\n2,1\n3,1\n", "y").target.kind == host::TargetKind::classes);
  CHECK(profile_text("x,y\n1,0\n2,1\n3,1\n").target.kind == host::TargetKind::none);
}

TEST_CASE("format_statistic") {
  CHECK(host::format_statistic(3.14159) == "3.142");
  CHECK(host::format_statistic(std::numeric_limits<double>::quiet_NaN()) == "-");
  CHECK(host::format_statistic(std::numeric_limits<double>::infinity()) == "inf");
}

TEST_CASE("data profile: no rows, or a column with no present value") {
  const host::DataProfile empty = profile_text("a,b\n");
  CHECK(empty.rows == 0);
  CHECK(std::isnan(empty.columns[0].mean));
  CHECK(std::isnan(empty.columns[0].missing_fraction));
  CHECK(empty.columns[0].histogram.counts.empty());
  CHECK(std::isnan(empty.correlation[1]));
  const host::DataProfile gaps = profile_text("a,b\n1,\n2,\n3,\n", "a");
  CHECK(gaps.columns[1].present == 0);
  CHECK(std::isnan(gaps.columns[1].mean));
  CHECK(has_warning(gaps, "b: 100% missing"));
  CHECK(gaps.vif_rows == 0);
  CHECK(gaps.target.kind == host::TargetKind::classes);
}

// ---------------------------------------------------------------------------
// Hardening (issue 16).

TEST_CASE("data profile: infinite values are counted apart, left out of statistics and histograms") {
  // Before: min -inf, NaN statistics, a NaN cast to size_t for the bin.
  const host::DataProfile p = profile_text("x,y\n1,1\n-inf,2\n2,3\ninf,5\n3,4\ninf,6\n");
  const host::ColumnProfile& x = p.columns[0];
  CHECK(x.present == 6);
  CHECK(x.pos_inf == 2);
  CHECK(x.neg_inf == 1);
  CHECK(x.distinct == 5);
  CHECK(x.mean == doctest::Approx(2.0));
  CHECK(x.std_dev == doctest::Approx(1.0));
  CHECK(x.min == 1.0);
  CHECK(x.max == 3.0);
  CHECK(x.median == 2.0);
  CHECK(x.skew == doctest::Approx(0.0));
  CHECK(x.zeros == 0.0);
  REQUIRE(x.histogram.counts.size() == host::kHistogramBins);
  CHECK(x.histogram.lo == 1.0);
  CHECK(x.histogram.hi == 3.0);
  std::size_t total = 0;
  for (std::size_t n : x.histogram.counts) total += n;
  CHECK(total == 3);
  CHECK(x.histogram.counts.front() == 1);
  CHECK(x.histogram.counts.back() == 1);
  CHECK(has_warning(p, "x: 3 infinite values (2 inf, 1 -inf) left out of the statistics"));
  // Correlation over the rows where both are finite: x = 1, 2, 3 against
  // y = 1, 3, 4.
  CHECK(p.correlation[1] == doctest::Approx(0.9819805060619657));
  // Only infinite values: no statistic, no histogram.
  const host::DataProfile q = profile_text("x\ninf\n-inf\n");
  CHECK(std::isnan(q.columns[0].mean));
  CHECK(std::isnan(q.columns[0].min));
  CHECK(q.columns[0].histogram.counts.empty());
  CHECK(has_warning(q, "x: 2 infinite values (1 inf, 1 -inf) left out of the statistics"));
  const host::DataProfile one = profile_text("x\n1\n-inf\n2\n");
  CHECK(has_warning(one, "x: 1 infinite value (-inf) left out of the statistics"));
}

TEST_CASE("data profile: with fewer complete rows than features + 1 the VIF is inf, not undefined") {
  // 4 rows, 4 features: the correlation matrix is singular.
  const host::DataProfile p = profile_text("a,b,c,d\n1,5,2,9\n2,3,7,1\n4,4,1,3\n3,9,8,2\n");
  REQUIRE(p.vif.size() == 4);
  CHECK(p.vif_rows == 4);
  for (double v : p.vif) CHECK(std::isinf(v));
  CHECK(has_warning(p, "a: VIF inf (multicollinear)"));
  // A constant feature stays undefined; one complete row defines nothing.
  const host::DataProfile k = profile_text("a,b,c\n1,5,7\n2,3,7\n");
  CHECK(std::isinf(k.vif[0]));
  CHECK(std::isinf(k.vif[1]));
  CHECK(std::isnan(k.vif[2]));
  const host::DataProfile r = profile_text("a,b\n1,5\n");
  CHECK(std::isnan(r.vif[0]));
}

TEST_CASE("data profile: above the column limit, correlation, pairs and VIF take the first columns") {
  const std::size_t n = host::kMaxCorrelationColumns + 7;
  std::string text;
  for (std::size_t j = 0; j < n; ++j) text += (j ? ",c" : "c") + std::to_string(j);
  text += ",y\n";
  for (int i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      text += std::to_string((static_cast<std::size_t>(i) * 7 + j * 3) % 11) + ",";
    text += std::to_string(i) + "\n";
  }
  const host::DataProfile p = profile_text(text, "y");
  CHECK(p.numeric_features == n);
  // The first kMaxCorrelationColumns features and the target.
  REQUIRE(p.correlation_columns.size() == host::kMaxCorrelationColumns + 1);
  CHECK(p.correlation_columns[host::kMaxCorrelationColumns - 1] == host::kMaxCorrelationColumns - 1);
  CHECK(p.correlation_columns.back() == n);
  CHECK(p.vif_columns.size() == host::kMaxCorrelationColumns);
  REQUIRE(p.notes.size() == 1);
  CHECK(p.notes[0] == "correlation, pairs and VIF cover the first " +
                          std::to_string(host::kMaxCorrelationColumns) + " of " + std::to_string(n) +
                          " numeric columns (describe's limit for these parts, whose cost grows with the "
                          "square of the columns)");
}
