// The linear trainers against scikit-learn 1.2.1 on bundled data: the
// reference coefficients, intercepts and objectives were made once by
// tests/data/reference/make_linear_reference.py (the command is at the top
// of tests/data/reference/linear_models.txt). Both sides standardise the
// numeric columns the same way, so they fit the same float32 matrix.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ember/base/arena.h"
#include "ember/linear_regression.h"
#include "ember/logistic_regression.h"
#include "heap_guard.h"
#include "host/csv.h"
#include "linear_fixtures.h"

using namespace ember;
using ember::test::Dataset;
using ember::test::load_dataset;
using ember::test::reference;

namespace {

std::vector<float> weights_1_2_3(std::size_t n) {  // the script's weights(): 1 + (i % 3)
  std::vector<float> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(1 + i % 3);
  return w;
}

struct Fit {
  Status status;
  std::vector<float> coef;
  float intercept = 0.0f;
  FitReport report;
};

Fit fit(const Dataset& d, const LinearRegressionOptions& o, const std::vector<float>& w = {}) {
  static std::vector<unsigned char> buffer(1 << 20);
  Arena arena(buffer.data(), buffer.size());
  Fit f;
  f.coef.assign(d.cols, 0.0f);
  f.status = fit_linear_regression(d.view(), Span<const float>(d.target.data(), d.target.size()),
                                   Span<const float>(w.data(), w.size()), o, arena,
                                   Span<float>(f.coef.data(), f.coef.size()), &f.intercept, &f.report);
  CHECK(arena.used() == 0);  // every scratch byte went back
  return f;
}

void check_against(const Fit& f, const std::string& name, double coef_tol = 1e-4) {
  const auto& ref = reference(name);
  REQUIRE(f.status == Status::ok);
  CHECK(f.report.converged);
  REQUIRE(f.coef.size() == ref.coef.size());
  for (std::size_t j = 0; j < f.coef.size(); ++j) {
    INFO(name << " coef " << j);
    CHECK(f.coef[j] == doctest::Approx(ref.coef[j]).epsilon(coef_tol).scale(1.0));
  }
  CHECK(f.intercept == doctest::Approx(ref.intercept[0]).epsilon(coef_tol));
  INFO(name << " objective " << f.report.objective << " vs " << ref.objective);
  CHECK(std::fabs(f.report.objective - ref.objective) <= 1e-6 * std::fabs(ref.objective));
}

}  // namespace

TEST_CASE("ordinary least squares, ridge, lasso and elastic net match scikit-learn (diabetes)") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  const auto w = weights_1_2_3(d.rows);
  LinearRegressionOptions o;
  SUBCASE("LinearRegression") { check_against(fit(d, o), "diabetes_ols"); }
  SUBCASE("Ridge(alpha=10) with sample weights") {
    o.penalty = Penalty::l2;
    o.alpha = 10.0;
    check_against(fit(d, o, w), "diabetes_ridge_weighted");
  }
  SUBCASE("Lasso(alpha=1)") {
    o.penalty = Penalty::l1;
    o.alpha = 1.0;
    o.tol = 1e-12;
    o.max_iter = 100000;
    const Fit f = fit(d, o);
    check_against(f, "diabetes_lasso");
    // The same coefficients are exactly zero.
    const auto& ref = reference("diabetes_lasso");
    for (std::size_t j = 0; j < f.coef.size(); ++j) CHECK((f.coef[j] == 0.0f) == (ref.coef[j] == 0.0));
  }
  SUBCASE("ElasticNet(alpha=0.5, l1_ratio=0.7) with sample weights") {
    o.penalty = Penalty::elasticnet;
    o.alpha = 0.5;
    o.l1_ratio = 0.7;
    o.tol = 1e-12;
    o.max_iter = 100000;
    check_against(fit(d, o, w), "diabetes_enet_weighted");
  }
  SUBCASE("Ridge(alpha=3, fit_intercept=False)") {
    o.penalty = Penalty::l2;
    o.alpha = 3.0;
    o.fit_intercept = false;
    const Fit f = fit(d, o);
    check_against(f, "diabetes_ridge_no_intercept");
    CHECK(f.intercept == 0.0f);
  }
}

TEST_CASE("a rank-deficient design gets the minimum-norm least-squares solution") {
  // y = 1 + 2 a exactly, with column b a copy of a: every w with
  // w_a + w_b = 2 fits; the minimum-norm one is w_a = w_b = 1.
  Dataset d;
  d.rows = 5;
  d.cols = 2;
  for (float a : {0.0f, 1.0f, 2.0f, 3.0f, 5.0f}) {
    d.x.push_back(a);
    d.x.push_back(a);
    d.target.push_back(1.0f + 2.0f * a);
  }
  const Fit f = fit(d, LinearRegressionOptions{});
  REQUIRE(f.status == Status::ok);
  CHECK(f.coef[0] == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(f.coef[1] == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(f.intercept == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(f.report.objective == doctest::Approx(0.0).scale(1.0).epsilon(1e-9));
}

TEST_CASE("coordinate descent stops at max_iter and says so") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  LinearRegressionOptions o;
  o.penalty = Penalty::l1;
  o.alpha = 0.01;
  o.tol = 1e-15;
  o.max_iter = 3;
  const Fit f = fit(d, o);
  CHECK(f.status == Status::ok);
  CHECK_FALSE(f.report.converged);
  CHECK(f.report.iterations == 3);
}

TEST_CASE("fitting uses no heap, only the arena") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  std::vector<unsigned char> buffer(1 << 16);
  std::vector<float> coef(d.cols);
  float intercept = 0.0f;
  FitReport report;
  for (Penalty p : {Penalty::none, Penalty::l2, Penalty::l1, Penalty::elasticnet}) {
    LinearRegressionOptions o;
    o.penalty = p;
    Arena arena(buffer.data(), buffer.size());
    ember::test::HeapGuard guard;
    const Status s =
        fit_linear_regression(d.view(), Span<const float>(d.target.data(), d.target.size()), {}, o, arena,
                              Span<float>(coef.data(), coef.size()), &intercept, &report);
    CHECK(guard.allocations() == 0);
    CHECK(s == Status::ok);
  }
}

TEST_CASE("bad arguments are refused with a status") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  std::vector<unsigned char> buffer(1 << 16);
  Arena arena(buffer.data(), buffer.size());
  std::vector<float> coef(d.cols), short_coef(d.cols - 1), w(d.rows, 1.0f);
  float intercept = 0.0f;
  FitReport report;
  const Span<const float> y(d.target.data(), d.target.size());
  auto run = [&](const LinearRegressionOptions& o, Span<const float> weights = {}, Span<float> c = {}) {
    if (c.empty()) c = Span<float>(coef.data(), coef.size());
    return fit_linear_regression(d.view(), y, weights, o, arena, c, &intercept, &report);
  };
  LinearRegressionOptions o;
  CHECK(run(o, {}, Span<float>(short_coef.data(), short_coef.size())) == Status::shape_mismatch);
  CHECK(run(o, Span<const float>(w.data(), 3)) == Status::shape_mismatch);
  o.penalty = Penalty::l2;
  o.alpha = 0.0;
  CHECK(run(o) == Status::bad_value);
  o.penalty = Penalty::elasticnet;
  o.alpha = 1.0;
  o.l1_ratio = 1.5;
  CHECK(run(o) == Status::bad_value);
  o = LinearRegressionOptions{};
  w[7] = -1.0f;
  CHECK(run(o, Span<const float>(w.data(), w.size())) == Status::bad_value);
  std::fill(w.begin(), w.end(), 0.0f);
  CHECK(run(o, Span<const float>(w.data(), w.size())) == Status::empty_input);
  Dataset nan = d;
  nan.x[5] = NAN;
  CHECK(fit_linear_regression(nan.view(), y, {}, o, arena, Span<float>(coef.data(), coef.size()), &intercept,
                              &report) == Status::bad_value);
  std::vector<unsigned char> tiny(64);
  Arena small(tiny.data(), tiny.size());
  CHECK(fit_linear_regression(d.view(), y, {}, o, small, Span<float>(coef.data(), coef.size()), &intercept,
                              &report) == Status::out_of_memory);
}

namespace {

struct LogisticFit {
  Status status;
  std::vector<float> coef, intercept;
  FitReport report;
};

LogisticFit fit_logistic(const Dataset& d, const LogisticRegressionOptions& o,
                         const std::vector<float>& sw = {}, const std::vector<float>& cw = {}) {
  static std::vector<unsigned char> buffer(1 << 20);
  Arena arena(buffer.data(), buffer.size());
  LogisticFit f;
  const std::uint32_t k = logistic_outputs(d.n_classes);
  f.coef.assign(k * d.cols, 0.0f);
  f.intercept.assign(k, 0.0f);
  f.status = fit_logistic_regression(d.view(), Span<const std::int32_t>(d.classes.data(), d.classes.size()),
                                     d.n_classes, Span<const float>(sw.data(), sw.size()),
                                     Span<const float>(cw.data(), cw.size()), o, arena,
                                     Span<float>(f.coef.data(), f.coef.size()),
                                     Span<float>(f.intercept.data(), f.intercept.size()), &f.report);
  CHECK(arena.used() == 0);
  return f;
}

void check_logistic(const LogisticFit& f, const std::string& name, double coef_tol = 1e-4) {
  const auto& ref = reference(name);
  REQUIRE(f.status == Status::ok);
  CHECK(f.report.converged);
  REQUIRE(f.coef.size() == ref.coef.size());
  REQUIRE(f.intercept.size() == ref.intercept.size());
  for (std::size_t j = 0; j < f.coef.size(); ++j) {
    INFO(name << " coef " << j << " = " << f.coef[j] << " vs " << ref.coef[j]);
    CHECK(std::fabs(f.coef[j] - ref.coef[j]) <= coef_tol * std::fmax(1.0, std::fabs(ref.coef[j])));
  }
  for (std::size_t k = 0; k < f.intercept.size(); ++k) {
    INFO(name << " intercept " << k);
    CHECK(std::fabs(f.intercept[k] - ref.intercept[k]) <=
          coef_tol * std::fmax(1.0, std::fabs(ref.intercept[k])));
  }
  INFO(name << " objective " << f.report.objective << " (ours - reference: "
            << f.report.objective - ref.objective << ") in " << f.report.iterations << " iterations");
  CHECK(std::fabs(f.report.objective - ref.objective) <= 1e-6 * std::fabs(ref.objective));
}

}  // namespace

TEST_CASE("logistic regression matches scikit-learn: binary, multinomial, every penalty, weights") {
  LogisticRegressionOptions o;
  o.tol = 1e-10;
  o.ftol = 0.0;  // to the optimum, not to scipy's early stop
  o.max_iter = 10000;
  SUBCASE("breast cancer, l2, C=1 (lbfgs)") {
    check_logistic(fit_logistic(load_dataset("breast_cancer.csv", "diagnosis"), o), "breast_cancer_l2");
  }
  SUBCASE("breast cancer, l1, C=0.5 (saga)") {
    o.penalty = Penalty::l1;
    o.c = 0.5;
    const LogisticFit f = fit_logistic(load_dataset("breast_cancer.csv", "diagnosis"), o);
    check_logistic(f, "breast_cancer_l1");
    const auto& ref = reference("breast_cancer_l1");
    for (std::size_t j = 0; j < f.coef.size(); ++j) CHECK((f.coef[j] == 0.0f) == (ref.coef[j] == 0.0));
  }
  SUBCASE("wine, multinomial, l2, C=0.5, sample weights") {
    const Dataset d = load_dataset("wine.csv", "cultivar");
    o.c = 0.5;
    check_logistic(fit_logistic(d, o, weights_1_2_3(d.rows)), "wine_multinomial_l2_weighted");
  }
  SUBCASE("iris, multinomial, elastic net (l1_ratio 0.5), C=1 (saga)") {
    o.penalty = Penalty::elasticnet;
    o.l1_ratio = 0.5;
    check_logistic(fit_logistic(load_dataset("iris.csv", "species"), o), "iris_multinomial_enet");
  }
  SUBCASE("credit (numeric columns), balanced class weights, l2, C=0.1") {
    const Dataset d = load_dataset("credit_german.csv", "class");
    std::vector<float> cw(d.n_classes);
    REQUIRE(balanced_class_weights(Span<const std::int32_t>(d.classes.data(), d.classes.size()), d.n_classes,
                                   Span<float>(cw.data(), cw.size())) == Status::ok);
    // 300 bad, 700 good (OpenML credit-g): 1000 / (2 x 300), 1000 / (2 x 700).
    CHECK(cw[0] == doctest::Approx(1000.0 / 600.0));
    CHECK(cw[1] == doctest::Approx(1000.0 / 1400.0));
    o.c = 0.1;
    check_logistic(fit_logistic(d, o, {}, cw), "credit_balanced_l2");
  }
  SUBCASE("credit (numeric columns), no penalty") {
    o.penalty = Penalty::none;
    check_logistic(fit_logistic(load_dataset("credit_german.csv", "class"), o), "credit_none");
  }
}

TEST_CASE("logistic regression: max_iter, zero heap, refusals") {
  const Dataset d = load_dataset("breast_cancer.csv", "diagnosis");
  LogisticRegressionOptions o;
  o.max_iter = 2;
  o.tol = 1e-12;
  const LogisticFit short_run = fit_logistic(d, o);
  CHECK(short_run.status == Status::ok);
  CHECK_FALSE(short_run.report.converged);
  CHECK(short_run.report.iterations == 2);

  std::vector<unsigned char> buffer(1 << 16);
  std::vector<float> coef(d.cols), intercept(1);
  FitReport report;
  const Span<const std::int32_t> y(d.classes.data(), d.classes.size());
  for (Penalty p : {Penalty::none, Penalty::l2, Penalty::l1, Penalty::elasticnet}) {
    LogisticRegressionOptions q;
    q.penalty = p;
    Arena arena(buffer.data(), buffer.size());
    ember::test::HeapGuard guard;
    const Status s =
        fit_logistic_regression(d.view(), y, 2, {}, {}, q, arena, Span<float>(coef.data(), coef.size()),
                                Span<float>(intercept.data(), 1), &report);
    CHECK(guard.allocations() == 0);
    CHECK(s == Status::ok);
  }
  Arena arena(buffer.data(), buffer.size());
  auto run = [&](std::uint32_t k, const LogisticRegressionOptions& q, Span<const std::int32_t> labels) {
    return fit_logistic_regression(d.view(), labels, k, {}, {}, q, arena,
                                   Span<float>(coef.data(), coef.size()), Span<float>(intercept.data(), 1),
                                   &report);
  };
  LogisticRegressionOptions q;
  CHECK(run(1, q, y) == Status::bad_value);
  CHECK(run(3, q, y) == Status::shape_mismatch);  // 3 classes need 3 coefficient vectors
  q.c = 0.0;
  CHECK(run(2, q, y) == Status::bad_value);
  q = LogisticRegressionOptions{};
  std::vector<std::int32_t> bad(d.classes);
  bad[3] = 2;
  CHECK(run(2, q, Span<const std::int32_t>(bad.data(), bad.size())) == Status::bad_index);
  std::vector<float> cw(2);
  std::vector<std::int32_t> one_class(d.rows, 0);
  CHECK(balanced_class_weights(Span<const std::int32_t>(one_class.data(), one_class.size()), 2,
                               Span<float>(cw.data(), 2)) == Status::empty_input);
}
