// host/evaluation.h: which metrics a task gets, which it skips, and its
// refusals. The values themselves are the core metrics' (test_metrics).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "host/evaluation.h"

using namespace ember::host;

TEST_CASE("evaluate_classes: the binary metrics, a skipped AUC, bad codes") {
  Evaluation ev;
  Error error;
  // Two rows of class 1 predicted right and one of class 0 predicted as 1.
  const std::vector<std::int32_t> y = {1, 1, 0};
  const std::vector<float> p = {0.2f, 0.8f, 0.1f, 0.9f, 0.4f, 0.6f};
  REQUIRE(evaluate_classes(y, p, 2, &ev, &error));
  CHECK(ev.get("accuracy") == doctest::Approx(2.0 / 3.0));
  CHECK(ev.get("precision") == doctest::Approx(2.0 / 3.0));  // 2 of 3 predicted 1
  CHECK(ev.get("recall") == 1.0);
  CHECK(ev.get("auc") == 1.0);  // positives scored 0.8 and 0.9, the negative 0.6
  CHECK(ev.confusion == std::vector<std::vector<double>>{{0, 1}, {0, 2}});
  CHECK(ev.skipped.empty());
  // One class only: no AUC, said in `skipped`.
  REQUIRE(evaluate_classes({1, 1}, {0.2f, 0.8f, 0.1f, 0.9f}, 2, &ev, &error));
  CHECK(ev.get("auc") != ev.get("auc"));  // NaN: not there
  REQUIRE(ev.skipped.size() == 1);
  CHECK(ev.skipped[0] == "auc: a single class in the data");
  CHECK_FALSE(evaluate_classes({0, 2}, {0.5f, 0.5f, 0.5f, 0.5f}, 2, &ev, &error));
  CHECK(error.message == "evaluation: class code 2 outside [0, 2)");
  CHECK_FALSE(evaluate_classes({0, 1}, {0.5f, 0.5f}, 2, &ev, &error));
}

TEST_CASE("evaluate_numbers: one row has no R^2") {
  Evaluation ev;
  Error error;
  REQUIRE(evaluate_numbers({1.0f, 2.0f, 4.0f}, {1.0f, 3.0f, 4.0f}, &ev, &error));
  CHECK(ev.get("mse") == doctest::Approx(1.0 / 3.0));
  CHECK(ev.get("median_ae") == 0.0);
  REQUIRE(evaluate_numbers({2.0f}, {1.0f}, &ev, &error));
  CHECK(ev.get("rmse") == 1.0);
  CHECK(ev.skipped == std::vector<std::string>{"r2: one row", "explained_variance: one row"});
  CHECK_FALSE(evaluate_numbers({1.0f, 2.0f}, {1.0f}, &ev, &error));
  bool higher = false;
  CHECK((metric_known("logloss", &higher) && !higher));
  CHECK((metric_known("balanced_accuracy", &higher) && higher));
  CHECK_FALSE(metric_known("speed", &higher));
}
