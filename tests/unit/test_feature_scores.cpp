// Feature scores (feature_scores.h), selection (feature_selection.h) and
// the special functions behind their p-values (special_functions.h),
// against scikit-learn 1.2.1 on the bundled data
// (tests/data/reference/feature_scores.txt, made by
// make_feature_scores_reference.py) and against mpmath
// (special_functions.txt, make_special_functions_reference.py), plus small
// cases worked out by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "csv_columns.h"
#include "ember/base/arena.h"
#include "ember/feature_scores.h"
#include "ember/feature_selection.h"
#include "ember/rng.h"
#include "ember/special_functions.h"
#include "heap_guard.h"
#include "reference_file.h"

using namespace ember;
using ember::test::reference_values;

namespace {

const char* const kScores = "feature_scores.txt";
const char* const kSpecial = "special_functions.txt";

// Features and target of a bundled data set, as the reference script reads
// them: the numeric columns but the target; a class target as the codes of
// its sorted labels (the CSV reader's codes) or, for digits, the numeric
// "digit" column; diabetes' "progression" as a numeric target.
struct Dataset {
  test::Numeric x;
  std::vector<float> y;
  std::uint32_t n_classes = 0;
  Span<const float> target() const { return Span<const float>(y.data(), y.size()); }
};

Dataset load(const std::string& name) {
  Dataset d;
  const test::Numeric all = test::numeric_columns(name + ".csv");
  if (name == "digits" || name == "diabetes") {
    d.x = test::without_column(all, all.cols - 1);
    d.y = test::column(all, all.cols - 1);
    d.n_classes = name == "digits" ? 10 : 0;
  } else {
    d.x = all;
    const test::Categorical c = test::categorical_columns(name + ".csv");
    REQUIRE(c.cols == 1);
    d.y = c.x;
    d.n_classes = c.n_categories[0];
  }
  REQUIRE(d.y.size() == d.x.rows);
  return d;
}

// Min-max scaled as the reference script scales: (x - min) / (max - min)
// in double (a range of 0 divides by 1), rounded to float.
test::Numeric minmax(const test::Numeric& in) {
  test::Numeric out = in;
  for (std::size_t j = 0; j < in.cols; ++j) {
    double lo = in.x[j], hi = in.x[j];
    for (std::size_t i = 0; i < in.rows; ++i) {
      lo = std::min(lo, static_cast<double>(in.x[i * in.cols + j]));
      hi = std::max(hi, static_cast<double>(in.x[i * in.cols + j]));
    }
    const double span = hi > lo ? hi - lo : 1.0;
    for (std::size_t i = 0; i < in.rows; ++i)
      out.x[i * in.cols + j] = static_cast<float>((in.x[i * in.cols + j] - lo) / span);
  }
  return out;
}

// A synthetic case of the reference file (no tied values).
Dataset synthetic() {
  Dataset d;
  d.x.rows = static_cast<std::size_t>(reference_values(kScores, "synthetic", "rows")[0]);
  d.x.cols = static_cast<std::size_t>(reference_values(kScores, "synthetic", "cols")[0]);
  for (double v : reference_values(kScores, "synthetic", "x")) d.x.x.push_back(static_cast<float>(v));
  for (double v : reference_values(kScores, "synthetic", "y")) d.y.push_back(static_cast<float>(v));
  REQUIRE(d.x.x.size() == d.x.rows * d.x.cols);
  REQUIRE(d.y.size() == d.x.rows);
  return d;
}

std::vector<float> synthetic_classes() {
  std::vector<float> c;
  for (double v : reference_values(kScores, "synthetic", "classes")) c.push_back(static_cast<float>(v));
  return c;
}

// An arena of exactly `bytes` (the library's own estimate).
struct Scratch {
  std::vector<unsigned char> buffer;
  Arena arena;
  explicit Scratch(std::size_t bytes) : buffer(bytes + 1), arena(buffer.data(), bytes) {}
};

// Largest relative error seen per quantity, reported at the end of a case.
struct Worst {
  std::string what;
  double worst = 0.0;
  explicit Worst(const char* w) : what(w) {}
  ~Worst() { MESSAGE(what << ": worst relative error " << worst); }
};

double relative_error(double got, double want) {
  if (got == want) return 0.0;
  return std::fabs(got - want) / std::fabs(want);
}

void check_relative(const std::vector<double>& got, const std::vector<double>& want, double tolerance,
                    Worst& worst) {
  REQUIRE(got.size() == want.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    CAPTURE(j);
    CAPTURE(got[j]);
    CAPTURE(want[j]);
    const double e = relative_error(got[j], want[j]);
    worst.worst = std::max(worst.worst, e);
    CHECK(e <= tolerance);
  }
}

Span<double> span(std::vector<double>& v) { return Span<double>(v.data(), v.size()); }

}  // namespace

TEST_CASE("chi2: scikit-learn's scores and p-values on min-max scaled iris, wine and digits") {
  Worst score_error("chi2 score"), p_error("chi2 p-value");
  for (const char* name : {"iris", "wine", "digits"}) {
    CAPTURE(name);
    const Dataset d = load(name);
    const test::Numeric x = minmax(d.x);
    std::vector<double> score(x.cols), p(x.cols);
    Scratch s(class_scores_arena_bytes(d.n_classes));
    {
      test::HeapGuard guard;
      REQUIRE(chi2_scores(x.view(), d.target(), d.n_classes, s.arena, span(score), span(p)) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    CHECK(s.arena.used() == 0);
    const std::string c = std::string(name) + "_chi2";
    check_relative(score, reference_values(kScores, c, "score"), 1e-12, score_error);
    check_relative(p, reference_values(kScores, c, "p"), 1e-10, p_error);
    // Columns that are zero everywhere (scikit-learn: NaN): score 0, p 1.
    for (double j : reference_values(kScores, c, "nan_columns")) {
      CHECK(score[static_cast<std::size_t>(j)] == 0.0);
      CHECK(p[static_cast<std::size_t>(j)] == 1.0);
    }
  }
}

TEST_CASE("f_classif and Fisher score: scikit-learn's F, p-values and the hand-computed Fisher score") {
  Worst f_error("f_classif F"), p_error("f_classif p-value"), fisher_error("Fisher score"),
      variance_error("variance");
  for (const char* name : {"iris", "wine", "breast_cancer"}) {
    CAPTURE(name);
    const Dataset d = load(name);
    std::vector<double> f(d.x.cols), p(d.x.cols), fisher(d.x.cols), variance(d.x.cols);
    Scratch s(class_scores_arena_bytes(d.n_classes));
    {
      test::HeapGuard guard;
      REQUIRE(f_classif(d.x.view(), d.target(), d.n_classes, s.arena, span(f), span(p)) == Status::ok);
      REQUIRE(fisher_score(d.x.view(), d.target(), d.n_classes, s.arena, span(fisher)) == Status::ok);
      REQUIRE(column_variance(d.x.view(), span(variance)) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    CHECK(s.arena.used() == 0);
    const std::string n(name);
    // scikit-learn sums raw squares, so on a column whose spread is small
    // beside its mean (breast_cancer's fractal dimension) it is the less
    // accurate one: 1.2e-10 apart there.
    check_relative(f, reference_values(kScores, n + "_f_classif", "f"), 5e-10, f_error);
    check_relative(p, reference_values(kScores, n + "_f_classif", "p"), 1e-9, p_error);
    check_relative(fisher, reference_values(kScores, n + "_fisher", "score"), 1e-11, fisher_error);
    check_relative(variance, reference_values(kScores, n + "_variance", "variance"), 1e-12, variance_error);
    // Fisher = F (K - 1) / (n - K), as the header says.
    const double k = static_cast<double>(d.n_classes), rows = static_cast<double>(d.x.rows);
    for (std::size_t j = 0; j < d.x.cols; ++j)
      CHECK(fisher[j] == doctest::Approx(f[j] * (k - 1) / (rows - k)));
  }
}

TEST_CASE("f_regression: scikit-learn's F, p-values and r on diabetes") {
  Worst f_error("f_regression F"), p_error("f_regression p-value"), r_error("r_regression"),
      variance_error("variance");
  const Dataset d = load("diabetes");
  std::vector<double> f(d.x.cols), p(d.x.cols), r(d.x.cols), variance(d.x.cols);
  {
    test::HeapGuard guard;
    REQUIRE(f_regression(d.x.view(), d.target(), span(f), span(p), span(r)) == Status::ok);
    REQUIRE(column_variance(d.x.view(), span(variance)) == Status::ok);
    CHECK(guard.allocations() == 0);
  }
  check_relative(f, reference_values(kScores, "diabetes_f_regression", "f"), 1e-11, f_error);
  check_relative(p, reference_values(kScores, "diabetes_f_regression", "p"), 1e-9, p_error);
  check_relative(r, reference_values(kScores, "diabetes_f_regression", "r"), 1e-12, r_error);
  check_relative(variance, reference_values(kScores, "diabetes_variance", "variance"), 1e-12, variance_error);
  // Optional outputs may be skipped.
  std::vector<double> f2(d.x.cols);
  REQUIRE(f_regression(d.x.view(), d.target(), span(f2), Span<double>(), Span<double>()) == Status::ok);
  CHECK(f2 == f);
}

TEST_CASE("scores: constant columns, perfect separation and refusals, by hand") {
  // Column 0 constant, column 1 constant within each class, column 2 ordinary.
  const std::vector<float> x = {1, 0, 1, 1, 0, 2, 1, 5, 3, 1, 5, 7};
  const std::vector<float> y = {0, 0, 1, 1};
  const MatrixView<const float> v{x.data(), 4, 3, 3};
  const Span<const float> t(y.data(), 4);
  std::vector<double> f(3), p(3), fisher(3), chi(3), chi_p(3);
  Scratch s(class_scores_arena_bytes(2));
  REQUIRE(f_classif(v, t, 2, s.arena, span(f), span(p)) == Status::ok);
  CHECK(f[0] == 0.0);
  CHECK(p[0] == 1.0);
  CHECK(f[1] == DBL_MAX);
  CHECK(p[1] == 0.0);
  // Column 2: class means 1.5 and 5, mean 3.25; SSB = 4 * 1.75^2 = 12.25,
  // SSW = 4 * 0.5^2 + 4 * 2^2 ... = 0.5 + 8 = 8.5; F = 12.25 / (8.5 / 2).
  CHECK(f[2] == doctest::Approx(12.25 / (8.5 / 2.0)));
  REQUIRE(fisher_score(v, t, 2, s.arena, span(fisher)) == Status::ok);
  CHECK(fisher[0] == 0.0);
  CHECK(fisher[1] == DBL_MAX);
  CHECK(fisher[2] == doctest::Approx(12.25 / 8.5));
  // chi2 of column 2: O = (3, 10), E = (6.5, 6.5): 2 * 3.5^2 / 6.5.
  REQUIRE(chi2_scores(v, t, 2, s.arena, span(chi), span(chi_p)) == Status::ok);
  CHECK(chi[2] == doctest::Approx(2 * 3.5 * 3.5 / 6.5));
  CHECK(chi_p[2] == doctest::Approx(chi2_sf(2 * 3.5 * 3.5 / 6.5, 1.0)));
  // An all-zero column for chi2.
  const std::vector<float> zeros = {0, 1, 0, 2, 0, 3, 0, 4};
  REQUIRE(chi2_scores(MatrixView<const float>{zeros.data(), 4, 2, 2}, t, 2, s.arena,
                      Span<double>(chi.data(), 2), Span<double>(chi_p.data(), 2)) == Status::ok);
  CHECK(chi[0] == 0.0);
  CHECK(chi_p[0] == 1.0);
  // f_regression: a constant column gives 0 / 1, a perfect line F = DBL_MAX.
  const std::vector<float> line = {3, 2, 3, 4, 3, 6, 3, 8};
  const std::vector<float> ty = {1, 2, 3, 4};
  std::vector<double> r(2);
  REQUIRE(f_regression(MatrixView<const float>{line.data(), 4, 2, 2}, Span<const float>(ty.data(), 4),
                       Span<double>(f.data(), 2), Span<double>(p.data(), 2), span(r)) == Status::ok);
  CHECK(f[0] == 0.0);
  CHECK(p[0] == 1.0);
  CHECK(r[0] == 0.0);
  CHECK(f[1] == DBL_MAX);
  CHECK(p[1] == 0.0);
  CHECK(r[1] == 1.0);
}

TEST_CASE("scores: refusals leave the outputs alone") {
  const float nan = NAN;
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<float> y = {0, 1, 0, 1};
  const MatrixView<const float> v{x.data(), 4, 2, 2};
  const Span<const float> t(y.data(), 4);
  std::vector<double> out(2, -7.0), p(2, -7.0);
  Scratch s(1 << 16);
  // (No heap guard here: the cases build their inputs as they go; the
  // successful calls above and below prove there is no heap use.)
  auto untouched = [&] {
    CHECK(out[0] == -7.0);
    CHECK(out[1] == -7.0);
    CHECK(p[0] == -7.0);
    CHECK(s.arena.used() == 0);
  };
  // Shape mismatches: outputs, target, discrete mask.
  CHECK(chi2_scores(v, t, 2, s.arena, Span<double>(out.data(), 1), span(p)) == Status::shape_mismatch);
  CHECK(f_classif(v, t, 2, s.arena, span(out), Span<double>(p.data(), 1)) == Status::shape_mismatch);
  CHECK(fisher_score(v, Span<const float>(y.data(), 3), 2, s.arena, span(out)) == Status::shape_mismatch);
  CHECK(f_regression(v, Span<const float>(y.data(), 3), span(out), span(p), Span<double>()) ==
        Status::shape_mismatch);
  CHECK(column_variance(v, Span<double>(out.data(), 1)) == Status::shape_mismatch);
  const std::vector<std::uint8_t> mask = {0};
  MutualInfoOptions mo;
  CHECK(mutual_info_classif(v, Span<const std::uint8_t>(mask.data(), 1), t, 2, mo, s.arena, span(out)) ==
        Status::shape_mismatch);
  CHECK(mutual_info_regression(v, {}, t, mo, s.arena, Span<double>(out.data(), 3)) == Status::shape_mismatch);
  untouched();
  // Empty input.
  const MatrixView<const float> none{x.data(), 0, 2, 2};
  CHECK(chi2_scores(none, Span<const float>(), 2, s.arena, span(out), span(p)) == Status::empty_input);
  CHECK(f_classif(none, Span<const float>(), 2, s.arena, span(out), span(p)) == Status::empty_input);
  CHECK(fisher_score(none, Span<const float>(), 2, s.arena, span(out)) == Status::empty_input);
  CHECK(f_regression(none, Span<const float>(), span(out), span(p), Span<double>()) == Status::empty_input);
  CHECK(column_variance(MatrixView<const float>{x.data(), 4, 0, 2}, Span<double>()) == Status::empty_input);
  CHECK(mutual_info_classif(none, {}, Span<const float>(), 2, mo, s.arena, span(out)) == Status::empty_input);
  CHECK(mutual_info_regression(none, {}, Span<const float>(), mo, s.arena, span(out)) == Status::empty_input);
  untouched();
  // NaN or infinite entries, in the features or the target; the bad entry
  // is the last one, so everything before it would have been scored.
  std::vector<float> holes = x;
  holes[7] = nan;
  const MatrixView<const float> h{holes.data(), 4, 2, 2};
  CHECK(chi2_scores(h, t, 2, s.arena, span(out), span(p)) == Status::bad_value);
  CHECK(f_classif(h, t, 2, s.arena, span(out), span(p)) == Status::bad_value);
  CHECK(fisher_score(h, t, 2, s.arena, span(out)) == Status::bad_value);
  CHECK(f_regression(h, t, span(out), span(p), Span<double>()) == Status::bad_value);
  CHECK(column_variance(h, span(out)) == Status::bad_value);
  CHECK(mutual_info_classif(h, {}, t, 2, mo, s.arena, span(out)) == Status::bad_value);
  CHECK(mutual_info_regression(h, {}, t, mo, s.arena, span(out)) == Status::bad_value);
  holes[7] = INFINITY;
  CHECK(f_classif(h, t, 2, s.arena, span(out), span(p)) == Status::bad_value);
  const std::vector<float> bad_y = {0, 1, 0, nan};
  const Span<const float> bt(bad_y.data(), 4);
  CHECK(f_classif(v, bt, 2, s.arena, span(out), span(p)) == Status::bad_value);
  CHECK(f_regression(v, bt, span(out), span(p), Span<double>()) == Status::bad_value);
  CHECK(mutual_info_regression(v, {}, bt, mo, s.arena, span(out)) == Status::bad_value);
  untouched();
  // Negative entries for chi2 only.
  std::vector<float> negative = x;
  negative[5] = -1.0f;
  CHECK(chi2_scores(MatrixView<const float>{negative.data(), 4, 2, 2}, t, 2, s.arena, span(out), span(p)) ==
        Status::bad_value);
  untouched();
  CHECK(f_classif(MatrixView<const float>{negative.data(), 4, 2, 2}, t, 2, s.arena, span(out), span(p)) ==
        Status::ok);
  out.assign(2, -7.0);
  p.assign(2, -7.0);
  // Class codes: not a code (bad_index), n_classes 0, a single class present.
  const std::vector<float> two = {0, 2, 0, 1};
  CHECK(chi2_scores(v, Span<const float>(two.data(), 4), 2, s.arena, span(out), span(p)) ==
        Status::bad_index);
  const std::vector<float> half = {0, 0.5f, 0, 1};
  CHECK(f_classif(v, Span<const float>(half.data(), 4), 2, s.arena, span(out), span(p)) == Status::bad_index);
  CHECK(f_classif(v, t, 0, s.arena, span(out), span(p)) == Status::bad_value);
  const std::vector<float> one = {1, 1, 1, 1};
  CHECK(chi2_scores(v, Span<const float>(one.data(), 4), 2, s.arena, span(out), span(p)) ==
        Status::bad_value);
  CHECK(f_classif(v, Span<const float>(one.data(), 4), 2, s.arena, span(out), span(p)) == Status::bad_value);
  // f_classif needs more rows than classes; f_regression three rows.
  const std::vector<float> four = {0, 1, 2, 3};
  CHECK(f_classif(v, Span<const float>(four.data(), 4), 4, s.arena, span(out), span(p)) == Status::bad_value);
  CHECK(f_regression(MatrixView<const float>{x.data(), 2, 2, 2}, Span<const float>(y.data(), 2), span(out),
                     span(p), Span<double>()) == Status::bad_value);
  // Mutual information: n_neighbors 0, or (regression) not below the rows.
  mo.n_neighbors = 0;
  CHECK(mutual_info_classif(v, {}, t, 2, mo, s.arena, span(out)) == Status::bad_value);
  mo.n_neighbors = 4;
  CHECK(mutual_info_regression(v, {}, t, mo, s.arena, span(out)) == Status::bad_value);
  untouched();
  // Too little memory: out_of_memory, not a crash.
  Scratch tiny(8);
  CHECK(chi2_scores(v, t, 2, tiny.arena, span(out), span(p)) == Status::out_of_memory);
  mo.n_neighbors = 1;
  CHECK(mutual_info_regression(v, {}, t, mo, tiny.arena, span(out)) == Status::out_of_memory);
}

namespace {

// ember's estimate against scikit-learn's mean over ten random_state
// values: within `spread_factor` times their observed spread (max - min)
// plus `slack`, and, for every pair of columns whose means differ by more
// than both spreads, in the same order.
void check_mutual_info(const std::vector<double>& got, const std::string& name, double spread_factor,
                       double slack, Worst& worst) {
  const auto& mean = reference_values(kScores, name, "mean");
  const auto& spread = reference_values(kScores, name, "spread");
  REQUIRE(got.size() == mean.size());
  for (std::size_t j = 0; j < mean.size(); ++j) {
    CAPTURE(j);
    CAPTURE(got[j]);
    CAPTURE(mean[j]);
    CAPTURE(spread[j]);
    CHECK(got[j] >= 0.0);
    const double e = std::fabs(got[j] - mean[j]);
    worst.worst = std::max(worst.worst, e);
    CHECK(e <= spread_factor * spread[j] + slack);
    for (std::size_t i = 0; i < mean.size(); ++i) {
      if (mean[i] - mean[j] > spread[i] + spread[j]) {
        CAPTURE(i);
        CHECK(got[i] > got[j]);
      }
    }
  }
}

std::vector<double> mi_classif(const Dataset& d, Span<const std::uint8_t> discrete,
                               MutualInfoOptions o = {}) {
  std::vector<double> mi(d.x.cols, -1.0);
  Scratch s(mutual_info_arena_bytes(d.x.rows, d.n_classes, o));
  test::HeapGuard guard;
  REQUIRE(mutual_info_classif(d.x.view(), discrete, d.target(), d.n_classes, o, s.arena, span(mi)) ==
          Status::ok);
  CHECK(guard.allocations() == 0);
  CHECK(s.arena.used() == 0);
  return mi;
}

std::vector<double> mi_regression(const Dataset& d, Span<const std::uint8_t> discrete,
                                  MutualInfoOptions o = {}) {
  std::vector<double> mi(d.x.cols, -1.0);
  Scratch s(mutual_info_arena_bytes(d.x.rows, 0, o));
  test::HeapGuard guard;
  REQUIRE(mutual_info_regression(d.x.view(), discrete, d.target(), o, s.arena, span(mi)) == Status::ok);
  CHECK(guard.allocations() == 0);
  CHECK(s.arena.used() == 0);
  return mi;
}

}  // namespace

TEST_CASE("mutual information: scikit-learn's estimates on data without ties, to rounding") {
  // Without tied values scikit-learn's 1e-10 noise changes no neighbour
  // relation, so every random_state gives the same estimate (spread 0)
  // and so must ember's noise.
  Worst error("mutual information without ties (absolute)");
  const Dataset d = synthetic();
  for (std::uint32_t k : {1u, 3u, 10u}) {
    CAPTURE(k);
    MutualInfoOptions o;
    o.n_neighbors = k;
    const std::string name =
        k == 3 ? "synthetic_mi_regression" : "synthetic_mi_regression_k" + std::to_string(k);
    check_mutual_info(mi_regression(d, {}, o), name, 0.0, 1e-12, error);
  }
  Dataset c = d;
  c.y = synthetic_classes();
  c.n_classes = 3;
  check_mutual_info(mi_classif(c, {}), "synthetic_mi_classif", 0.0, 1e-12, error);
  // Another seed changes nothing here either.
  MutualInfoOptions seeded;
  seeded.seed = 12345;
  check_mutual_info(mi_regression(d, {}, seeded), "synthetic_mi_regression", 0.0, 1e-12, error);
}

TEST_CASE("mutual information: scikit-learn's estimates on data with ties, within their spread") {
  Worst error("mutual information with ties (absolute)");
  for (const char* name : {"iris", "wine", "breast_cancer"}) {
    CAPTURE(name);
    check_mutual_info(mi_classif(load(name), {}), std::string(name) + "_mi_classif", 1.0, 5e-3, error);
  }
  const Dataset diabetes = load("diabetes");
  check_mutual_info(mi_regression(diabetes, {}), "diabetes_mi_regression", 1.0, 5e-3, error);
  // "sex" (two values) as labels against the (noised) target.
  Dataset sex;
  sex.x.rows = diabetes.x.rows;
  sex.x.cols = 1;
  sex.x.x = test::column(diabetes.x, 1);
  sex.y = diabetes.y;
  const std::vector<std::uint8_t> discrete = {1};
  check_mutual_info(mi_regression(sex, Span<const std::uint8_t>(discrete.data(), 1)),
                    "diabetes_mi_regression_sex_discrete", 1.0, 5e-3, error);
}

TEST_CASE("mutual information: discrete columns against classes are exact (digits)") {
  Worst error("discrete mutual information");
  const Dataset d = load("digits");
  const std::vector<std::uint8_t> discrete(d.x.cols, 1);
  const std::vector<double> got = mi_classif(d, Span<const std::uint8_t>(discrete.data(), discrete.size()));
  const auto& want = reference_values(kScores, "digits_mi_classif_discrete", "mi");
  REQUIRE(got.size() == want.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    CAPTURE(j);
    const double e = std::fabs(got[j] - want[j]);
    error.worst = std::max(error.worst, e);
    CHECK(e <= 1e-13);
  }
}

namespace {

// mutual_info_regression's preparation of a variable, as documented in
// feature_scores.h (and done in src/mutual_info.cpp): divided by its
// population standard deviation, then 1e-10 * max(1, mean |x|) * N(0, 1)
// noise from `rng`.
std::vector<double> scaled_with_noise(const std::vector<float>& v, Rng rng) {
  const std::size_t n = v.size();
  const double count = static_cast<double>(n);
  double mean = 0.0;
  for (float t : v) mean += t;
  mean /= count;
  double ss = 0.0;
  for (float t : v) ss += (t - mean) * (t - mean);
  double sd = std::sqrt(ss / count);
  if (sd < 10.0 * DBL_EPSILON) sd = 1.0;
  std::vector<double> out(n);
  double abs_mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = v[i] / sd;
    abs_mean += std::fabs(out[i]);
  }
  abs_mean /= count;
  const double amplitude = 1e-10 * (abs_mean > 1.0 ? abs_mean : 1.0);
  for (std::size_t i = 0; i < n; ++i) out[i] += amplitude * rng.normal();
  return out;
}

// Kraskov et al.'s estimate by brute force (every pair), as scikit-learn's
// _compute_mi_cc: the k-th smallest max-norm distance to the other points,
// then the points within just below it in x and in y (the point included).
double brute_force_ksg(const std::vector<double>& x, const std::vector<double>& y, std::size_t k) {
  const std::size_t n = x.size();
  std::vector<double> d;
  double sum_x = 0.0, sum_y = 0.0;
  for (std::size_t q = 0; q < n; ++q) {
    d.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j != q) d.push_back(std::max(std::fabs(x[j] - x[q]), std::fabs(y[j] - y[q])));
    }
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(k - 1), d.end());
    const double radius = std::nextafter(d[k - 1], 0.0);
    std::size_t nx = 0, ny = 0;
    for (std::size_t j = 0; j < n; ++j) {
      nx += std::fabs(x[j] - x[q]) <= radius ? 1u : 0u;
      ny += std::fabs(y[j] - y[q]) <= radius ? 1u : 0u;
    }
    sum_x += digamma(static_cast<double>(nx));
    sum_y += digamma(static_cast<double>(ny));
  }
  const double count = static_cast<double>(n);
  const double mi = digamma(count) + digamma(static_cast<double>(k)) - sum_x / count - sum_y / count;
  return mi > 0.0 ? mi : 0.0;
}

void check_against_brute_force(const Dataset& d, std::uint32_t k, std::uint64_t seed) {
  MutualInfoOptions o;
  o.n_neighbors = k;
  o.seed = seed;
  const std::vector<double> got = mi_regression(d, {}, o);
  const std::vector<double> y = scaled_with_noise(d.y, Rng(seed, 0));
  for (std::size_t j = 0; j < d.x.cols; ++j) {
    CAPTURE(j);
    const std::vector<double> x = scaled_with_noise(test::column(d.x, j), Rng(seed, 1 + j));
    CHECK(got[j] == doctest::Approx(brute_force_ksg(x, y, k)).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("mutual information: the 2-d tree finds the same neighbours as a search of every pair") {
  // On the same scaled and noised values, so ties (broken by 1e-10 noise)
  // and exact coincidences of distances are exercised too.
  const Dataset diabetes = load("diabetes");
  for (std::uint32_t k : {1u, 3u, 7u}) {
    CAPTURE(k);
    check_against_brute_force(diabetes, k, 0);
  }
  check_against_brute_force(synthetic(), 3, 5);
  // Heavily tied: a few distinct values per column, points stacked on a grid.
  Dataset grid;
  grid.x.rows = 400;
  grid.x.cols = 3;
  for (std::size_t i = 0; i < grid.x.rows; ++i) {
    grid.x.x.push_back(static_cast<float>(i % 5));
    grid.x.x.push_back(static_cast<float>((i * 7) % 3));
    grid.x.x.push_back(static_cast<float>(i / 100));
    grid.y.push_back(static_cast<float>((i % 5) + (i / 100) % 2));
  }
  for (std::uint32_t k : {1u, 3u, 12u}) {
    CAPTURE(k);
    check_against_brute_force(grid, k, 1);
  }
}

namespace {

std::vector<std::uint8_t> select(const std::vector<double>& scores, const SelectOptions& o) {
  std::vector<std::uint8_t> keep(scores.size(), 7);
  Scratch s(select_arena_bytes(scores.size()));
  test::HeapGuard guard;
  REQUIRE(select_features(Span<const double>(scores.data(), scores.size()), o, s.arena,
                          Span<std::uint8_t>(keep.data(), keep.size())) == Status::ok);
  CHECK(guard.allocations() == 0);
  CHECK(s.arena.used() == 0);
  return keep;
}

std::vector<std::uint8_t> mask(const std::vector<double>& want) {
  std::vector<std::uint8_t> m;
  for (double v : want) m.push_back(v != 0.0 ? 1 : 0);
  return m;
}

// The scores of a selection case (NaN restored).
std::vector<double> case_scores(const std::string& name) {
  std::vector<double> scores = reference_values(kScores, name, "scores");
  for (double j : reference_values(kScores, name, "nan_scores")) scores[static_cast<std::size_t>(j)] = NAN;
  return scores;
}

}  // namespace

TEST_CASE("selection: scikit-learn's SelectKBest and SelectPercentile on the same scores") {
  for (const char* name : {"select_ties", "select_all_tied", "select_wine_f_classif", "select_digits_chi2"}) {
    CAPTURE(name);
    const std::vector<double> scores = case_scores(name);
    for (std::uint32_t k : {0u, 1u, 3u, static_cast<std::uint32_t>(scores.size())}) {
      CAPTURE(k);
      SelectOptions o;
      o.mode = SelectMode::k_best;
      o.k = k;
      CHECK(select(scores, o) == mask(reference_values(kScores, name, "k" + std::to_string(k))));
    }
    for (int q : {0, 10, 25, 33, 50, 90, 100}) {
      CAPTURE(q);
      SelectOptions o;
      o.mode = SelectMode::percentile;
      o.percentile = q;
      CHECK(select(scores, o) == mask(reference_values(kScores, name, "percentile" + std::to_string(q))));
    }
  }
}

TEST_CASE("selection: ember's own scores select what scikit-learn's select") {
  // wine's f_classif and digits' chi2 (zero columns: ember 0, scikit-learn
  // NaN; both rank below every positive score).
  const Dataset wine = load("wine");
  std::vector<double> f(wine.x.cols);
  Scratch s(class_scores_arena_bytes(wine.n_classes));
  REQUIRE(f_classif(wine.x.view(), wine.target(), wine.n_classes, s.arena, span(f), Span<double>()) ==
          Status::ok);
  const Dataset digits = load("digits");
  const test::Numeric scaled = minmax(digits.x);
  std::vector<double> chi(scaled.cols);
  Scratch s10(class_scores_arena_bytes(digits.n_classes));
  REQUIRE(chi2_scores(scaled.view(), digits.target(), digits.n_classes, s10.arena, span(chi),
                      Span<double>()) == Status::ok);
  for (const auto& c :
       {std::make_pair("select_wine_f_classif", &f), std::make_pair("select_digits_chi2", &chi)}) {
    CAPTURE(c.first);
    SelectOptions o;
    o.k = 3;
    CHECK(select(*c.second, o) == mask(reference_values(kScores, c.first, "k3")));
    o.mode = SelectMode::percentile;
    o.percentile = 25;
    CHECK(select(*c.second, o) == mask(reference_values(kScores, c.first, "percentile25")));
  }
}

TEST_CASE("selection: thresholds, ties, NaN and refusals, by hand") {
  const std::vector<double> scores = {1.0, 2.0, NAN, 2.0, -INFINITY, 0.5};
  SelectOptions o;
  o.mode = SelectMode::at_least;
  o.threshold = 1.0;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{1, 1, 0, 1, 0, 0});
  o.mode = SelectMode::above;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{0, 1, 0, 1, 0, 0});
  o.threshold = -INFINITY;  // NaN never passes; -infinity is not above itself
  CHECK(select(scores, o) == std::vector<std::uint8_t>{1, 1, 0, 1, 0, 1});
  o.mode = SelectMode::at_least;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{1, 1, 0, 1, 1, 1});
  // k best: of the tied 2.0s the later is kept; NaN counts as -DBL_MAX,
  // above -infinity.
  o.mode = SelectMode::k_best;
  o.k = 1;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{0, 0, 0, 1, 0, 0});
  o.k = 5;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{1, 1, 1, 1, 0, 1});
  o.k = 6;
  CHECK(select(scores, o) == std::vector<std::uint8_t>{1, 1, 1, 1, 1, 1});

  std::vector<std::uint8_t> keep(6, 7);
  Scratch s(select_arena_bytes(6));
  const Span<const double> sc(scores.data(), 6);
  const Span<std::uint8_t> k(keep.data(), 6);
  o.k = 7;  // more than the columns: scikit-learn raises
  CHECK(select_features(sc, o, s.arena, k) == Status::bad_value);
  o = SelectOptions{};
  o.mode = SelectMode::percentile;
  for (double bad : {-1.0, 100.5, static_cast<double>(NAN)}) {
    o.percentile = bad;
    CHECK(select_features(sc, o, s.arena, k) == Status::bad_value);
  }
  o.mode = SelectMode::at_least;
  o.threshold = NAN;
  CHECK(select_features(sc, o, s.arena, k) == Status::bad_value);
  o.mode = static_cast<SelectMode>(9);
  o.threshold = 0.0;
  CHECK(select_features(sc, o, s.arena, k) == Status::bad_value);
  CHECK(keep == std::vector<std::uint8_t>(6, 7));  // nothing written
  o = SelectOptions{};
  CHECK(select_features(Span<const double>(), o, s.arena, Span<std::uint8_t>()) == Status::empty_input);
  CHECK(select_features(sc, o, s.arena, Span<std::uint8_t>(keep.data(), 5)) == Status::shape_mismatch);
  o.k = 2;
  Scratch tiny(4);
  CHECK(select_features(sc, o, tiny.arena, k) == Status::out_of_memory);

  // kept_columns.
  const std::vector<std::uint8_t> m = {0, 1, 1, 0, 1};
  std::vector<std::uint32_t> idx(3, 99);
  std::size_t count = 0;
  CHECK(kept_columns(Span<const std::uint8_t>(m.data(), 5), Span<std::uint32_t>(idx.data(), 3), &count) ==
        Status::ok);
  CHECK(count == 3);
  CHECK(idx == std::vector<std::uint32_t>{1, 2, 4});
  idx.assign(3, 99);
  CHECK(kept_columns(Span<const std::uint8_t>(m.data(), 5), Span<std::uint32_t>(idx.data(), 2), &count) ==
        Status::shape_mismatch);
  CHECK(count == 3);
  CHECK(idx == std::vector<std::uint32_t>(3, 99));
}

TEST_CASE("correlation filter: the later of each pair above |r| goes, dropped columns drop nothing") {
  // a and b are orthogonal with zero mean and equal norm, so
  // r(a, a + b / 3) = 0.949, r(a + b / 3, a + 2b / 3) = 0.965 and
  // r(a, a + 2b / 3) = 0.832.
  const float a[8] = {1, -1, 1, -1, 1, -1, 1, -1};
  const float b[8] = {1, 1, -1, -1, 1, 1, -1, -1};
  const std::size_t cols = 6;
  std::vector<float> x;
  for (std::size_t i = 0; i < 8; ++i) {
    x.push_back(a[i]);
    x.push_back(a[i] + b[i] / 3.0f);
    x.push_back(a[i] + 2.0f * b[i] / 3.0f);
    x.push_back(4.0f);          // constant: never dropped here
    x.push_back(-2.0f * a[i]);  // r = -1 with column 0
    x.push_back(b[i]);          // uncorrelated with column 0
  }
  const MatrixView<const float> v{x.data(), 8, cols, cols};
  std::vector<std::uint8_t> keep(cols, 7);
  const Span<std::uint8_t> k(keep.data(), cols);
  Scratch s(correlation_filter_arena_bytes(cols));
  {
    test::HeapGuard guard;
    // Column 1 goes (0.949 with column 0); column 2 stays (0.832 with
    // column 0, and column 1 is gone); column 4 goes (|r| = 1).
    REQUIRE(correlation_filter(v, 0.9, s.arena, k) == Status::ok);
    CHECK(guard.allocations() == 0);
  }
  CHECK(s.arena.used() == 0);
  CHECK(keep == std::vector<std::uint8_t>{1, 0, 1, 1, 0, 1});
  // 0.96: column 1 stays, so column 2 goes (0.965 with column 1).
  REQUIRE(correlation_filter(v, 0.96, s.arena, k) == Status::ok);
  CHECK(keep == std::vector<std::uint8_t>{1, 1, 0, 1, 0, 1});
  // 0.8: columns 1 and 2 both go for column 0; column 5 (r(b, a + b/3) =
  // 0.316 would not matter: those are gone) stays.
  REQUIRE(correlation_filter(v, 0.8, s.arena, k) == Status::ok);
  CHECK(keep == std::vector<std::uint8_t>{1, 0, 0, 1, 0, 1});
  REQUIRE(correlation_filter(v, 1.0, s.arena, k) == Status::ok);
  CHECK(keep == std::vector<std::uint8_t>(cols, 1));
  // 0: any correlation drops; column 5 has r exactly 0 with column 0.
  REQUIRE(correlation_filter(v, 0.0, s.arena, k) == Status::ok);
  CHECK(keep == std::vector<std::uint8_t>{1, 0, 0, 1, 0, 1});

  keep.assign(cols, 7);
  CHECK(correlation_filter(v, 1.5, s.arena, k) == Status::bad_value);
  CHECK(correlation_filter(v, NAN, s.arena, k) == Status::bad_value);
  CHECK(correlation_filter(v, 0.5, s.arena, Span<std::uint8_t>(keep.data(), 5)) == Status::shape_mismatch);
  CHECK(correlation_filter(MatrixView<const float>{x.data(), 0, cols, cols}, 0.5, s.arena, k) ==
        Status::empty_input);
  std::vector<float> holes = x;
  holes[20] = NAN;
  CHECK(correlation_filter(MatrixView<const float>{holes.data(), 8, cols, cols}, 0.5, s.arena, k) ==
        Status::bad_value);
  CHECK(keep == std::vector<std::uint8_t>(cols, 7));
  Scratch tiny(4);
  CHECK(correlation_filter(v, 0.5, tiny.arena, k) == Status::out_of_memory);
}

namespace {

// Relative error of `fn` at every point of a special_functions.txt case
// (argument keys then "value"), worst reported; exact zeros must be hit.
// The evaluation itself must not touch the heap.
template <class Fn>
void check_special(const char* name, std::initializer_list<const char*> args, double tolerance, Fn fn) {
  Worst worst(name);
  std::vector<const std::vector<double>*> columns;
  for (const char* a : args) columns.push_back(&reference_values(kSpecial, name, a));
  const auto& want = reference_values(kSpecial, name, "value");
  REQUIRE(!want.empty());
  std::vector<double> got(want.size());
  {
    test::HeapGuard guard;
    for (std::size_t t = 0; t < want.size(); ++t) {
      double a[3] = {0, 0, 0};
      for (std::size_t c = 0; c < columns.size(); ++c) a[c] = (*columns[c])[t];
      got[t] = fn(a[0], a[1], a[2]);
    }
    CHECK(guard.allocations() == 0);
  }
  for (std::size_t t = 0; t < want.size(); ++t) {
    CAPTURE(t);
    for (const auto* c : columns) CAPTURE((*c)[t]);
    CAPTURE(got[t]);
    CAPTURE(want[t]);
    if (want[t] == 0.0) {
      CHECK(got[t] == 0.0);
      continue;
    }
    const double e = relative_error(got[t], want[t]);
    worst.worst = std::max(worst.worst, e);
    CHECK(e <= tolerance);
  }
}

}  // namespace

TEST_CASE("special functions: mpmath's values, tails down to 1e-300 included") {
  // special_functions.h promises 5e-12 relative above 1e-300 at these
  // points; the worst seen is 2.5e-12 (beta_inc, a = 1e6, x near 1).
  const double tolerance = 5e-12;
  check_special("log_gamma", {"x"}, tolerance, [](double x, double, double) { return log_gamma(x); });
  check_special("digamma", {"x"}, tolerance, [](double x, double, double) { return digamma(x); });
  check_special("gamma_q", {"a", "x"}, tolerance, [](double a, double x, double) { return gamma_q(a, x); });
  check_special("gamma_p", {"a", "x"}, tolerance, [](double a, double x, double) { return gamma_p(a, x); });
  check_special("beta_inc", {"a", "b", "x"}, tolerance,
                [](double a, double b, double x) { return beta_inc(a, b, x); });
  check_special("chi2_sf", {"x", "dof"}, tolerance,
                [](double x, double dof, double) { return chi2_sf(x, dof); });
  check_special("f_sf", {"f", "d1", "d2"}, tolerance,
                [](double f, double d1, double d2) { return f_sf(f, d1, d2); });
}

TEST_CASE("special functions: edges of the domain") {
  CHECK(chi2_sf(0.0, 3.0) == 1.0);
  CHECK(chi2_sf(-1.0, 3.0) == 1.0);
  CHECK(chi2_sf(INFINITY, 3.0) == 0.0);
  CHECK(std::isnan(chi2_sf(1.0, 0.0)));
  CHECK(std::isnan(chi2_sf(NAN, 2.0)));
  CHECK(f_sf(0.0, 2.0, 3.0) == 1.0);
  CHECK(f_sf(INFINITY, 2.0, 3.0) == 0.0);
  CHECK(std::isnan(f_sf(1.0, 0.0, 3.0)));
  CHECK(std::isnan(f_sf(1.0, 2.0, -1.0)));
  CHECK(std::isnan(f_sf(NAN, 2.0, 3.0)));
  CHECK(gamma_p(2.0, INFINITY) == 1.0);
  CHECK(gamma_q(2.0, INFINITY) == 0.0);
  CHECK(gamma_p(2.0, 0.0) == 0.0);
  CHECK(gamma_q(2.0, 0.0) == 1.0);
  CHECK(std::isnan(gamma_q(0.0, 1.0)));
  CHECK(std::isnan(gamma_q(1.0, -1.0)));
  CHECK(beta_inc(2.0, 3.0, 0.0) == 0.0);
  CHECK(beta_inc(2.0, 3.0, 1.0) == 1.0);
  CHECK(std::isnan(beta_inc(2.0, 3.0, 1.5)));
  CHECK(std::isnan(beta_inc(INFINITY, 3.0, 0.5)));
  // Closed forms: Q(1, x) = e^-x, chi2 with 2 dof: e^(-x/2); I_x(1, 1) = x.
  CHECK(gamma_q(1.0, 3.0) == doctest::Approx(std::exp(-3.0)).epsilon(1e-14));
  CHECK(chi2_sf(10.0, 2.0) == doctest::Approx(std::exp(-5.0)).epsilon(1e-14));
  CHECK(beta_inc(1.0, 1.0, 0.3) == doctest::Approx(0.3).epsilon(1e-15));
}
