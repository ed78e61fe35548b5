// `ember train --model tree|forest` end to end: held-out quality against
// scikit-learn's default forests on the same split
// (tests/data/reference/cli_trees_reference.py, its output quoted there),
// determinism, importances, parameter errors.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

// Writes NAME_train.csv and NAME_test.csv: data row i goes to test when
// i % 4 == 3 (the bundled files have no line breaks inside fields).
void split(const std::string& file, const std::string& name) {
  std::istringstream in(read_text(data(file)));
  std::string line, header, train, test;
  std::getline(in, header);
  train = test = header + "\n";
  for (int i = 0; std::getline(in, line); ++i) (i % 4 == 3 ? test : train) += line + "\n";
  write_text(name + "_train.csv", train);
  write_text(name + "_test.csv", test);
}

double json_number(const std::string& json, const std::string& key) {
  const std::size_t at = json.find("\"" + key + "\":");
  REQUIRE_MESSAGE(at != std::string::npos, key << " in " << json);
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

}  // namespace

TEST_CASE("a decision tree fits iris exactly") {
  // scikit-learn's DecisionTreeClassifier: training accuracy 1.0.
  REQUIRE(run_ember("train " + data("iris.csv") + " --target species --model tree -o tree.ember").exit_code ==
          0);
  const auto e = run_ember("eval tree.ember " + data("iris.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "accuracy") == 1.0);
}

TEST_CASE("random forests match scikit-learn's held-out quality (within noise)") {
  SUBCASE("breast cancer") {
    split("breast_cancer.csv", "bc");
    const auto t =
        run_ember("train bc_train.csv --target diagnosis --model forest --seed 1 -o bc_forest.ember --json");
    INFO(t.err);
    REQUIRE(t.exit_code == 0);
    CHECK(json_number(t.out, "trees") == 100);
    const auto e = run_ember("eval bc_forest.ember bc_test.csv --json");
    REQUIRE(e.exit_code == 0);
    // scikit-learn: accuracy 0.9704 (0.9648 at worst over 5 seeds), auc 0.9843.
    CHECK(json_number(e.out, "accuracy") >= 0.9704 - 0.02);
    CHECK(json_number(e.out, "auc") >= 0.9843 - 0.01);
  }
  SUBCASE("wine (multiclass)") {
    split("wine.csv", "wine");
    REQUIRE(run_ember("train wine_train.csv --target cultivar --model forest --seed 1 -o wine_forest.ember")
                .exit_code == 0);
    const auto e = run_ember("eval wine_forest.ember wine_test.csv --json");
    REQUIRE(e.exit_code == 0);
    // scikit-learn: accuracy 0.9682 (0.9545 at worst), auc_ovr_macro 0.9976.
    CHECK(json_number(e.out, "accuracy") >= 0.9682 - 0.03);
    CHECK(json_number(e.out, "auc_ovr_macro") >= 0.9976 - 0.01);
  }
  SUBCASE("diabetes (regression)") {
    split("diabetes.csv", "diabetes");
    REQUIRE(
        run_ember(
            "train diabetes_train.csv --target progression --model forest --seed 1 -o diabetes_forest.ember")
            .exit_code == 0);
    const auto e = run_ember("eval diabetes_forest.ember diabetes_test.csv --json");
    REQUIRE(e.exit_code == 0);
    // scikit-learn: r2 0.3717 (0.3575 at worst over 5 seeds).
    CHECK(json_number(e.out, "r2") >= 0.3717 - 0.05);
  }
}

TEST_CASE("extra trees match scikit-learn's held-out quality (within noise)") {
  split("breast_cancer.csv", "bc");
  split("diabetes.csv", "diabetes");
  REQUIRE(run_ember("train bc_train.csv --target diagnosis --model extra_trees --seed 1 -o bc_et.ember")
              .exit_code == 0);
  const auto e = run_ember("eval bc_et.ember bc_test.csv --json");
  REQUIRE(e.exit_code == 0);
  // scikit-learn's ExtraTreesClassifier: accuracy 0.9634 (0.9507 at worst), auc 0.9904.
  CHECK(json_number(e.out, "accuracy") >= 0.9634 - 0.02);
  CHECK(json_number(e.out, "auc") >= 0.9904 - 0.01);
  REQUIRE(
      run_ember(
          "train diabetes_train.csv --target progression --model extra_trees --seed 1 -o diabetes_et.ember")
          .exit_code == 0);
  const auto r = run_ember("eval diabetes_et.ember diabetes_test.csv --json");
  REQUIRE(r.exit_code == 0);
  // scikit-learn's ExtraTreesRegressor: r2 0.3709 (0.3509 at worst).
  CHECK(json_number(r.out, "r2") >= 0.3709 - 0.05);
}

TEST_CASE("gradient boosting matches scikit-learn's HistGradientBoosting on held-out data") {
  // scikit-learn 1.2.1 HistGradientBoosting*(random_state=0) on the same split:
  //   breast_cancer accuracy 0.9577 auc 0.9908; wine accuracy 0.9545 auc 0.9993;
  //   diabetes r2 0.3345 (tests/data/reference/cli_trees_reference.py).
  split("breast_cancer.csv", "bc");
  split("wine.csv", "wine");
  split("diabetes.csv", "diabetes");
  REQUIRE(run_ember("train bc_train.csv --target diagnosis --model gbdt -o bc_gbdt.ember").exit_code == 0);
  const auto b = run_ember("eval bc_gbdt.ember bc_test.csv --json");
  CHECK(json_number(b.out, "accuracy") >= 0.9577 - 0.02);
  CHECK(json_number(b.out, "auc") >= 0.9908 - 0.005);
  REQUIRE(run_ember("train wine_train.csv --target cultivar --model gbdt -o wine_gbdt.ember").exit_code == 0);
  const auto w = run_ember("eval wine_gbdt.ember wine_test.csv --json");
  CHECK(json_number(w.out, "accuracy") >= 0.9545 - 0.03);
  CHECK(json_number(w.out, "auc_ovr_macro") >= 0.9993 - 0.005);
  REQUIRE(run_ember("train diabetes_train.csv --target progression --model gbdt -o diabetes_gbdt.ember")
              .exit_code == 0);
  const auto r = run_ember("eval diabetes_gbdt.ember diabetes_test.csv --json");
  CHECK(json_number(r.out, "r2") >= 0.3345 - 0.03);
  // Same data, same bytes.
  REQUIRE(run_ember("train bc_train.csv --target diagnosis --model gbdt -o bc_gbdt2.ember").exit_code == 0);
  CHECK(read_text("bc_gbdt.ember") == read_text("bc_gbdt2.ember"));
  const auto typo =
      run_ember("train bc_train.csv --target diagnosis --model gbdt --param learning_rat=0.3 -o x.ember");
  CHECK(typo.exit_code == 2);
  CHECK(
      contains(typo.err, "unknown parameter 'learning_rat' for --model gbdt; did you mean 'learning_rate'?"));
}

TEST_CASE("forests: the same seed gives the same bytes; importances sum to 1") {
  const std::string args =
      "train " + data("penguins.csv") + " --target species --model forest --param n_estimators=20";
  const auto a = run_ember(args + " --seed 7 -o a.ember --json");
  REQUIRE(a.exit_code == 0);
  REQUIRE(run_ember(args + " --seed 7 -o b.ember").exit_code == 0);
  REQUIRE(run_ember(args + " --seed 8 -o c.ember").exit_code == 0);
  CHECK(read_text("a.ember") == read_text("b.ember"));
  CHECK(read_text("a.ember") != read_text("c.ember"));
  double sum = 0.0;
  for (std::size_t at = a.out.find("\"gain\":"); at != std::string::npos;
       at = a.out.find("\"gain\":", at + 1)) {
    sum += std::strtod(a.out.c_str() + at + 7, nullptr);
  }
  CHECK(sum == doctest::Approx(1.0));
  CHECK(contains(a.out, "\"feature_importance\":[{\"feature\":\"island\""));
  for (const char* f : {"a.ember", "b.ember", "c.ember"}) std::remove(f);
}

TEST_CASE("tree parameters are checked") {
  const auto typo = run_ember("train " + data("iris.csv") +
                              " --target species --model forest --param n_estimator=5 -o x.ember");
  CHECK(typo.exit_code == 2);
  CHECK(
      contains(typo.err, "unknown parameter 'n_estimator' for --model forest; did you mean 'n_estimators'?"));
  const auto depth = run_ember("train " + data("iris.csv") +
                               " --target species --model tree --param max_depth=0 -o x.ember");
  CHECK(depth.exit_code == 2);
  CHECK(contains(depth.err, "max_depth must be a whole number in 1..127, or none"));
  const auto criterion = run_ember("train " + data("diabetes.csv") +
                                   " --target progression --model tree --param criterion=gini -o x.ember");
  CHECK(criterion.exit_code == 1);
  CHECK(contains(criterion.err, "criterion gini/entropy needs class labels; 'progression' is numeric"));
  const auto not_forest = run_ember("train " + data("iris.csv") +
                                    " --target species --model tree --param n_estimators=5 -o x.ember");
  CHECK(not_forest.exit_code == 2);
  CHECK(contains(not_forest.err, "unknown parameter 'n_estimators' for --model tree"));
}
