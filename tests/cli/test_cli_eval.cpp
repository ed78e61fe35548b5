// `ember eval`: every metric of the task, end to end. The models are
// scikit-learn's (standardise, then the model) fitted by ember; expected
// values come from scikit-learn 1.2.1 fitting the same pipelines:
// tests/data/reference/cli_train_reference.py, whose output is quoted here.
// Probability metrics are compared to 1e-4 (the coefficients agree to
// about that), label metrics exactly (the predictions are the same).
#include <doctest/doctest.h>

#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

const char* const kLogistic = " --model logistic --param tol=1e-8 --param max_iter=1000";

}  // namespace

TEST_CASE("eval: multiclass metrics and the confusion matrix (iris)") {
  REQUIRE(run_ember("train " + data("iris.csv") + " --target species" + kLogistic + " -o eval_iris.ember")
              .exit_code == 0);
  const auto e = run_ember("eval eval_iris.ember " + data("iris.csv") + " --json");
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  // iris.csv balanced_accuracy=0.9733333333333333 mcc=0.9602561024455323
  // precision_macro=0.9738247863247862 recall_macro=0.9733333333333333
  // f1_macro=0.9733226623982927 precision_weighted=0.9738247863247864
  // recall_weighted=0.9733333333333334 f1_weighted=0.9733226623982927
  // brier=0.0560076048528321; confusion [[50, 0, 0], [0, 47, 3], [0, 1, 49]]
  CHECK(json_number(e.out, "balanced_accuracy") == doctest::Approx(0.9733333333333333).epsilon(1e-12));
  CHECK(json_number(e.out, "mcc") == doctest::Approx(0.9602561024455323).epsilon(1e-12));
  CHECK(json_number(e.out, "precision_macro") == doctest::Approx(0.9738247863247862).epsilon(1e-12));
  CHECK(json_number(e.out, "recall_macro") == doctest::Approx(0.9733333333333333).epsilon(1e-12));
  CHECK(json_number(e.out, "f1_macro") == doctest::Approx(0.9733226623982927).epsilon(1e-12));
  CHECK(json_number(e.out, "precision_weighted") == doctest::Approx(0.9738247863247864).epsilon(1e-12));
  CHECK(json_number(e.out, "f1_weighted") == doctest::Approx(0.9733226623982927).epsilon(1e-12));
  CHECK(json_number(e.out, "brier") == doctest::Approx(0.0560076048528321).epsilon(1e-4));
  CHECK(contains(e.out, "\"classes\":[\"setosa\",\"versicolor\",\"virginica\"]"));
  CHECK(contains(e.out, "\"confusion_matrix\":[[50,0,0],[0,47,3],[0,1,49]]"));
  CHECK(contains(e.out, "\"auc_ovr_macro\":"));
  CHECK(!contains(e.out, "\"auc\":"));
  CHECK(!contains(e.out, "\"average_precision\":"));  // two classes only

  const auto t = run_ember("eval eval_iris.ember " + data("iris.csv"));
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "  balanced_accuracy   0.973333\n"));
  CHECK(contains(t.out,
                 "confusion matrix (rows: true class, columns: predicted)\n"
                 "                  setosa  versicolor   virginica\n"
                 "      setosa          50           0           0\n"
                 "  versicolor           0          47           3\n"
                 "   virginica           0           1          49\n"));
}

TEST_CASE("eval: binary metrics (breast cancer)") {
  REQUIRE(run_ember("train " + data("breast_cancer.csv") + " --target diagnosis" + kLogistic +
                    " -o eval_bc.ember")
              .exit_code == 0);
  const auto e = run_ember("eval eval_bc.ember " + data("breast_cancer.csv") + " --json");
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  // breast_cancer.csv balanced_accuracy=0.985406426721632 mcc=0.9736730798565391
  // precision=0.9904306220095693 recall=0.9764150943396226 f1=0.9833729216152018
  // f1_macro=0.9868050103194559 brier=0.0127997067934687
  // average_precision=0.9968189907414227; confusion [[355, 2], [5, 207]]
  CHECK(json_number(e.out, "balanced_accuracy") == doctest::Approx(0.985406426721632).epsilon(1e-12));
  CHECK(json_number(e.out, "mcc") == doctest::Approx(0.9736730798565391).epsilon(1e-12));
  CHECK(json_number(e.out, "precision") == doctest::Approx(0.9904306220095693).epsilon(1e-12));
  CHECK(json_number(e.out, "recall") == doctest::Approx(0.9764150943396226).epsilon(1e-12));
  CHECK(json_number(e.out, "f1") == doctest::Approx(0.9833729216152018).epsilon(1e-12));
  CHECK(json_number(e.out, "f1_macro") == doctest::Approx(0.9868050103194559).epsilon(1e-12));
  CHECK(json_number(e.out, "brier") == doctest::Approx(0.0127997067934687).epsilon(1e-4));
  CHECK(json_number(e.out, "average_precision") == doctest::Approx(0.9968189907414227).epsilon(1e-4));
  CHECK(contains(e.out, "\"task\":\"binary\",\"classes\":[\"benign\",\"malignant\"]"));
  CHECK(contains(e.out, "\"confusion_matrix\":[[355,2],[5,207]]"));
  CHECK(contains(e.out, "\"auc\":"));
}

TEST_CASE("eval: regression metrics (diabetes, lasso)") {
  REQUIRE(run_ember("train " + data("diabetes.csv") +
                    " --target progression --model linear --param penalty=l1 --param alpha=0.5"
                    " --param tol=1e-10 --param max_iter=100000 -o eval_diabetes.ember")
              .exit_code == 0);
  const auto e = run_ember("eval eval_diabetes.ember " + data("diabetes.csv") + " --json");
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  // diab mse=2876.36249303754 median_ae=38.962181628694054
  // mape=0.38860651648202227 explained_variance=0.5149378878270983
  CHECK(json_number(e.out, "mse") == doctest::Approx(2876.36249303754).epsilon(1e-5));
  CHECK(json_number(e.out, "median_ae") == doctest::Approx(38.962181628694054).epsilon(1e-5));
  CHECK(json_number(e.out, "mape") == doctest::Approx(0.38860651648202227).epsilon(1e-5));
  CHECK(json_number(e.out, "explained_variance") == doctest::Approx(0.5149378878270983).epsilon(1e-5));
  CHECK(json_number(e.out, "rmse") == doctest::Approx(53.631730281965915).epsilon(1e-5));
  CHECK(!contains(e.out, "confusion_matrix"));
}

TEST_CASE("eval: a class absent from the evaluation rows") {
  // Only setosa rows: AUC is undefined and is left out with a note on
  // stderr; the label metrics still follow scikit-learn (the classes that
  // appear in the truth or the predictions).
  REQUIRE(run_ember("train " + data("iris.csv") + " --target species" + kLogistic + " -o eval_iris1.ember")
              .exit_code == 0);
  write_text("eval_setosa.csv",
             "sepal_length,sepal_width,petal_length,petal_width,species\n"
             "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n4.7,3.2,1.3,0.2,setosa\n");
  const auto e = run_ember("eval eval_iris1.ember eval_setosa.csv --json");
  INFO(e.out << e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(contains(e.err, "not computed: auc_ovr_macro: a class of the model has no row in the data"));
  CHECK(!contains(e.out, "auc"));
  CHECK(json_number(e.out, "accuracy") == 1.0);
  CHECK(json_number(e.out, "f1_macro") == 1.0);
  CHECK(json_number(e.out, "mcc") == 0.0);  // one class in truth and predictions: 0 by definition
  CHECK(contains(e.out, "\"confusion_matrix\":[[3,0,0],[0,0,0],[0,0,0]]"));
}
