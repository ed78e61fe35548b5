// On-device learning: Welford's running statistics against a two-pass
// computation, and SGD on a stream reaching the batch solution's quality,
// all with zero heap use.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ember/base/arena.h"
#include "ember/linear_regression.h"
#include "ember/logistic_regression.h"
#include "ember/metrics.h"
#include "ember/rng.h"
#include "ember/running_stats.h"
#include "ember/sgd.h"
#include "heap_guard.h"
#include "linear_fixtures.h"

using namespace ember;
using ember::test::Dataset;
using ember::test::load_dataset;

TEST_CASE("RunningStats agrees with a two-pass mean and variance, skipping NaN") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  std::vector<unsigned char> buffer(4096);
  Arena arena(buffer.data(), buffer.size());
  RunningStats stats;
  REQUIRE(stats.init(arena, d.cols) == Status::ok);
  std::vector<float> row(d.cols);
  {
    ember::test::HeapGuard guard;
    for (std::size_t i = 0; i < d.rows; ++i) {
      // Every 5th value of column 0 is missing.
      for (std::size_t j = 0; j < d.cols; ++j) row[j] = d.x[i * d.cols + j];
      if (i % 5 == 0) row[0] = NAN;
      REQUIRE(stats.add(Span<const float>(row.data(), row.size())) == Status::ok);
    }
    CHECK(guard.allocations() == 0);
  }
  for (std::size_t j = 0; j < d.cols; ++j) {
    double n = 0, mean = 0, m2 = 0;
    for (std::size_t i = 0; i < d.rows; ++i) {
      if (j == 0 && i % 5 == 0) continue;
      mean += d.x[i * d.cols + j];
      n += 1;
    }
    mean /= n;
    for (std::size_t i = 0; i < d.rows; ++i) {
      if (j == 0 && i % 5 == 0) continue;
      const double v = d.x[i * d.cols + j] - mean;
      m2 += v * v;
    }
    CHECK(static_cast<double>(stats.count(j)) == n);
    CHECK(stats.mean(j) == doctest::Approx(mean).epsilon(1e-12).scale(1.0));
    CHECK(stats.variance(j) == doctest::Approx(m2 / n).epsilon(1e-12));
  }
  std::vector<float> offset(d.cols), scale(d.cols);
  REQUIRE(stats.scaler(Span<float>(offset.data(), d.cols), Span<float>(scale.data(), d.cols)) == Status::ok);
  CHECK(scale[1] == doctest::Approx(1.0 / std::sqrt(stats.variance(1))));
  const float inf_row[10] = {INFINITY};
  CHECK(stats.add(Span<const float>(inf_row, 10)) == Status::bad_value);
  CHECK(stats.add(Span<const float>(inf_row, 3)) == Status::shape_mismatch);
}

namespace {

// Streams `epochs` shuffled passes of d through an SgdModel in a fixed
// arena, with no heap; returns the averaged coefficients.
void stream(const Dataset& d, std::uint32_t n_classes, const SgdOptions& o, int epochs,
            std::vector<float>* coef, std::vector<float>* intercept) {
  alignas(8) static unsigned char buffer[4096];
  Arena arena(buffer, sizeof buffer);
  SgdModel model;
  REQUIRE(model.init(arena, d.cols, n_classes, o) == Status::ok);
  std::vector<std::size_t> order(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) order[i] = i;
  Rng rng(2026);
  {
    ember::test::HeapGuard guard;
    for (int e = 0; e < epochs; ++e) {
      rng.shuffle(Span<std::size_t>(order.data(), order.size()));
      for (std::size_t i : order) {
        REQUIRE(model.partial_fit(Span<const float>(d.x.data() + i * d.cols, d.cols), d.target[i]) ==
                Status::ok);
      }
    }
    CHECK(guard.allocations() == 0);
  }
  CHECK(model.steps() == static_cast<std::uint64_t>(epochs) * d.rows);
  coef->assign(model.outputs() * d.cols, 0.0f);
  intercept->assign(model.outputs(), 0.0f);
  REQUIRE(model.coefficients(Span<float>(coef->data(), coef->size()),
                             Span<float>(intercept->data(), intercept->size())) == Status::ok);
}

double accuracy_of(const Dataset& d, const std::vector<float>& coef, const std::vector<float>& intercept) {
  const std::size_t k_out = intercept.size();
  std::size_t right = 0;
  for (std::size_t i = 0; i < d.rows; ++i) {
    std::size_t best = 0;
    double best_score = -INFINITY;
    for (std::size_t k = 0; k < k_out; ++k) {
      double z = intercept[k];
      for (std::size_t j = 0; j < d.cols; ++j) z += coef[k * d.cols + j] * d.x[i * d.cols + j];
      if (k_out == 1) {
        best = z > 0 ? 1 : 0;
      } else if (z > best_score) {
        best_score = z;
        best = k;
      }
    }
    right += static_cast<std::int32_t>(best) == d.classes[i] ? 1 : 0;
  }
  return static_cast<double>(right) / static_cast<double>(d.rows);
}

}  // namespace

TEST_CASE("SGD on a stream reaches the batch logistic regression's accuracy (within 1 point)") {
  // Batch: the same L2 objective, alpha = 1 / (C n).
  const std::pair<const char*, const char*> sets[] = {{"breast_cancer.csv", "diagnosis"},
                                                      {"wine.csv", "cultivar"}};
  for (const auto& set : sets) {
    const std::string file = set.first, target = set.second;
    INFO(file);
    const Dataset d = load_dataset(file, target);
    SgdOptions o;
    o.alpha = 1e-3;
    std::vector<float> coef, intercept;
    stream(d, d.n_classes, o, 30, &coef, &intercept);
    std::vector<unsigned char> buffer(1 << 18);
    Arena arena(buffer.data(), buffer.size());
    LogisticRegressionOptions batch;
    batch.c = 1.0 / (o.alpha * static_cast<double>(d.rows));
    const std::uint32_t k_out = logistic_outputs(d.n_classes);
    std::vector<float> bc(k_out * d.cols), bi(k_out);
    FitReport report;
    REQUIRE(fit_logistic_regression(d.view(), Span<const std::int32_t>(d.classes.data(), d.rows), d.n_classes,
                                    {}, {}, batch, arena, Span<float>(bc.data(), bc.size()),
                                    Span<float>(bi.data(), bi.size()), &report) == Status::ok);
    const double batch_accuracy = accuracy_of(d, bc, bi), stream_accuracy = accuracy_of(d, coef, intercept);
    INFO("batch " << batch_accuracy << " stream " << stream_accuracy);
    CHECK(stream_accuracy >= batch_accuracy - 0.01);
  }
}

TEST_CASE("SGD with squared loss on a stream reaches ridge regression's R2 (within 0.01)") {
  const Dataset d = load_dataset("diabetes.csv", "progression");
  SgdOptions o;
  o.loss = SgdLoss::squared;
  o.alpha = 1e-4;
  o.eta0 = 0.01;
  std::vector<float> coef, intercept;
  stream(d, 0, o, 50, &coef, &intercept);
  auto r2_of = [&](const std::vector<float>& c, float b) {
    std::vector<float> pred(d.rows);
    for (std::size_t i = 0; i < d.rows; ++i) {
      double z = b;
      for (std::size_t j = 0; j < d.cols; ++j) z += c[j] * d.x[i * d.cols + j];
      pred[i] = static_cast<float>(z);
    }
    double out = 0.0;
    REQUIRE(r2(Span<const float>(d.target.data(), d.rows), Span<const float>(pred.data(), d.rows), {},
               &out) == Status::ok);
    return out;
  };
  std::vector<unsigned char> buffer(1 << 16);
  Arena arena(buffer.data(), buffer.size());
  LinearRegressionOptions ridge;
  ridge.penalty = Penalty::l2;
  ridge.alpha = o.alpha * static_cast<double>(d.rows);  // sum-of-squares scaling
  std::vector<float> rc(d.cols);
  float ri = 0.0f;
  FitReport report;
  REQUIRE(fit_linear_regression(d.view(), Span<const float>(d.target.data(), d.rows), {}, ridge, arena,
                                Span<float>(rc.data(), rc.size()), &ri, &report) == Status::ok);
  const double batch = r2_of(rc, ri), streamed = r2_of(coef, intercept[0]);
  INFO("batch " << batch << " stream " << streamed);
  CHECK(streamed >= batch - 0.01);
}

TEST_CASE("SgdModel refuses bad setups and examples") {
  alignas(8) unsigned char buffer[1024];
  Arena arena(buffer, sizeof buffer);
  SgdModel m;
  SgdOptions o;
  CHECK(m.init(arena, 0, 2, o) == Status::invalid_argument);
  CHECK(m.init(arena, 3, 0, o) == Status::invalid_argument);  // log loss needs classes
  o.alpha = 0.0;
  CHECK(m.init(arena, 3, 2, o) == Status::bad_value);
  o = SgdOptions{};
  REQUIRE(m.init(arena, 3, 3, o) == Status::ok);
  const float x[3] = {1, 2, 3};
  CHECK(m.partial_fit(Span<const float>(x, 2), 0.0f) == Status::shape_mismatch);
  CHECK(m.partial_fit(Span<const float>(x, 3), 3.0f) == Status::bad_index);
  CHECK(m.partial_fit(Span<const float>(x, 3), 1.5f) == Status::bad_index);
  CHECK(m.partial_fit(Span<const float>(x, 3), 1.0f, -1.0f) == Status::bad_value);
  CHECK(m.partial_fit(Span<const float>(x, 3), 1.0f) == Status::ok);
  std::vector<float> c(9), b(3);
  CHECK(m.coefficients(Span<float>(c.data(), 8), Span<float>(b.data(), 3)) == Status::shape_mismatch);
}
