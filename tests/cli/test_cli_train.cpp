// `ember train` and `ember eval` end to end. Expected metrics come from
// scikit-learn pipelines doing the same (standardise, then the model):
// tests/data/reference/cli_train_reference.py, its output quoted there.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::read_text;
using ember::test::run_ember;

TEST_CASE("train and eval a multinomial logistic regression (iris)") {
  const auto t = run_ember(
      "train " + data("iris.csv") +
      " --target species --model logistic --param tol=1e-8 --param max_iter=1000 -o iris.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(
      t.out, "\"model\":\"logistic\",\"solver\":\"lbfgs\",\"rows\":150,\"features\":4,\"model_features\":4"));
  CHECK(contains(t.out, "\"converged\":true"));
  CHECK(json_number(t.out, "model_bytes") == static_cast<double>(read_text("iris.ember").size()));
  const auto e = run_ember("eval iris.ember " + data("iris.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(contains(e.out, "\"target\":\"species\",\"rows\":150,\"task\":\"multiclass\""));
  // scikit-learn: 0.9733333333333334 0.12954221543871705 0.9984666666666667
  CHECK(json_number(e.out, "accuracy") == doctest::Approx(146.0 / 150.0));
  CHECK(json_number(e.out, "logloss") == doctest::Approx(0.12954221543871705).epsilon(1e-4));
  CHECK(json_number(e.out, "auc_ovr_macro") == doctest::Approx(0.9984666666666667).epsilon(5e-4));
}

TEST_CASE("train and eval a binary logistic regression (breast cancer) and a lasso (diabetes)") {
  const auto t =
      run_ember("train " + data("breast_cancer.csv") +
                " --target diagnosis --model logistic --param tol=1e-8 --param max_iter=1000 -o bc.ember");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "trained logistic (lbfgs) on 569 rows, 30 features -> 30 model inputs"));
  const auto e = run_ember("eval bc.ember " + data("breast_cancer.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  // scikit-learn: 0.9876977152899824 0.0533920401073509 0.9974499233655727
  CHECK(json_number(e.out, "accuracy") == doctest::Approx(562.0 / 569.0));
  CHECK(json_number(e.out, "logloss") == doctest::Approx(0.0533920401073509).epsilon(1e-4));
  CHECK(json_number(e.out, "auc") == doctest::Approx(0.9974499233655727).epsilon(1e-4));

  const auto l = run_ember("train " + data("diabetes.csv") +
                           " --target progression --model linear --param penalty=l1 --param alpha=0.5"
                           " --param tol=1e-10 --param max_iter=100000 -o diabetes.ember");
  INFO(l.err);
  REQUIRE(l.exit_code == 0);
  CHECK(contains(l.out, "trained lasso (coordinate descent)"));
  const auto r = run_ember("eval diabetes.ember " + data("diabetes.csv"));
  REQUIRE(r.exit_code == 0);
  // scikit-learn: rmse 53.631730281965915, mae 43.47232163207802, r2 0.5149378878270983
  CHECK(contains(r.out, "  rmse                53.6317"));
  CHECK(contains(r.out, "  mae                 43.4723"));
  CHECK(contains(r.out, "  r2                  0.51493"));
}

TEST_CASE("raw rows with missing values and categories go through the stored pipeline (penguins)") {
  const auto t =
      run_ember("train " + data("penguins.csv") + " --target species --model logistic -o penguins.ember");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  // 2 islands... 3 islands + 2 sexes one-hot, 4 numbers: 9 model inputs.
  CHECK(contains(t.out, "on 344 rows, 6 features -> 9 model inputs"));
  const auto p = run_ember("predict penguins.ember " + data("penguins.csv"));
  REQUIRE(p.exit_code == 0);
  CHECK(p.out.rfind("prediction\nAdelie\n", 0) == 0);  // the first penguin is an Adelie
  const auto e = run_ember("eval penguins.ember " + data("penguins.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "accuracy") > 0.98);
}

TEST_CASE("training is deterministic: the same bytes twice") {
  REQUIRE(
      run_ember("train " + data("wine.csv") + " --target cultivar --model logistic -o a.ember").exit_code ==
      0);
  REQUIRE(
      run_ember("train " + data("wine.csv") + " --target cultivar --model logistic -o b.ember").exit_code ==
      0);
  CHECK(read_text("a.ember") == read_text("b.ember"));
  std::remove("a.ember");
  std::remove("b.ember");
}

TEST_CASE("train refuses the wrong model for the target, bad parameters and missing options") {
  const auto linear_on_labels =
      run_ember("train " + data("iris.csv") + " --target species --model linear -o x.ember");
  CHECK(linear_on_labels.exit_code == 1);
  CHECK(contains(linear_on_labels.err, "target 'species' holds class labels: use --model logistic"));
  const auto logistic_on_numbers =
      run_ember("train " + data("diabetes.csv") + " --target progression --model logistic -o x.ember");
  CHECK(logistic_on_numbers.exit_code == 1);
  CHECK(contains(logistic_on_numbers.err,
                 "target 'progression' is numeric: logistic regression predicts classes"));
  const auto typo =
      run_ember("train " + data("iris.csv") + " --target species --model logistic --param c=2 -o x.ember");
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "unknown parameter 'c' for --model logistic; did you mean 'C'?"));
  const auto negative = run_ember("train " + data("diabetes.csv") +
                                  " --target progression --model linear --param alpha=-1 -o x.ember");
  CHECK(negative.exit_code == 2);
  CHECK(contains(negative.err, "--param alpha=-1: alpha must be a number > 0"));
  const auto ratio = run_ember("train " + data("diabetes.csv") +
                               " --target progression --model linear --param l1_ratio=0.3 -o x.ember");
  CHECK(ratio.exit_code == 2);
  CHECK(contains(ratio.err, "l1_ratio applies only with penalty=elasticnet"));
  CHECK(run_ember("train " + data("iris.csv") + " --model logistic -o x.ember").exit_code == 2);
  CHECK(run_ember("train " + data("iris.csv") + " --target species --model logistic").exit_code == 2);
  const auto model = run_ember("train " + data("iris.csv") + " --target species --model boosted -o x.ember");
  CHECK(model.exit_code == 2);
  CHECK(contains(model.err,
                 "--model must be linear, logistic, tree, forest, extra_trees or gbdt, got 'boosted'"));
  const auto target = run_ember("train " + data("iris.csv") + " --target specis --model logistic -o x.ember");
  CHECK(target.exit_code == 1);
  CHECK(contains(target.err, "unknown target column 'specis'; did you mean 'species'?"));
}

TEST_CASE("a fit that stops at max_iter warns but writes the model") {
  const auto t = run_ember("train " + data("breast_cancer.csv") +
                           " --target diagnosis --model logistic --param max_iter=2 -o short.ember");
  CHECK(t.exit_code == 0);
  CHECK(contains(t.err, "ember train: warning: lbfgs did not converge in 2 iterations"));
  CHECK(!read_text("short.ember").empty());
  std::remove("short.ember");
}

TEST_CASE("eval: the target column is required and its labels must be the model's") {
  REQUIRE(
      run_ember("train " + data("iris.csv") + " --target species --model logistic -o iris.ember").exit_code ==
      0);
  ember::test::write_text("no_target.csv", "sepal_length,sepal_width,petal_length,petal_width\n5,3,1,0.2\n");
  const auto missing = run_ember("eval iris.ember no_target.csv");
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.err, "unknown target column 'species'"));
  ember::test::write_text(
      "new_label.csv",
      "sepal_length,sepal_width,petal_length,petal_width,species\n5,3,1,0.2,setosa\n6,3,5,2,iris_x\n");
  const auto unknown = run_ember("eval iris.ember new_label.csv");
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.err, "data row 2: the target label 'iris_x' is not one of the model's classes"));
  std::remove("no_target.csv");
  std::remove("new_label.csv");
}
