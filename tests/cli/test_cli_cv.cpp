// `ember cv` end to end. With unshuffled splits ember and scikit-learn
// validate the same rows, so the per-fold scores are compared with
// scikit-learn's cross_validate on the same pipelines:
// tests/data/reference/cli_cv_reference.py, whose output is quoted here.
// Matching log loss per fold also shows that the scaler is fitted inside
// each fold (fitted on every row, the folds' scores would differ).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

const char* const kLogistic = " --model logistic --param tol=1e-8 --param max_iter=1000";

// The value of `key` in each fold's metrics, in fold order.
std::vector<double> per_fold(const std::string& json, const std::string& key) {
  std::vector<double> v;
  const std::string needle = "\"" + key + "\":";
  const std::size_t end = json.find("\"mean\":");
  for (std::size_t at = json.find(needle); at != std::string::npos && at < end;
       at = json.find(needle, at + 1))
    v.push_back(std::strtod(json.c_str() + at + needle.size(), nullptr));
  return v;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double eps) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(eps));
  }
}

}  // namespace

TEST_CASE("cv: stratified 5-fold logistic regression matches scikit-learn's cross_validate (iris)") {
  const auto r = run_ember("cv " + data("iris.csv") + " --target species" + kLogistic + " --json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"split\":\"5-fold stratified, not shuffled\""));
  // iris stratified5 accuracy 0.9666666666666667 1.0 0.9333333333333333 0.9 1.0
  check_close(per_fold(r.out, "accuracy"), {0.9666666666666667, 1.0, 0.9333333333333333, 0.9, 1.0}, 1e-12);
  // iris stratified5 neg_log_loss -0.156230363450833 -0.11336516787798989
  //   -0.1966290168840783 -0.18051549495125765 -0.1048345181954526
  check_close(
      per_fold(r.out, "logloss"),
      {0.156230363450833, 0.11336516787798989, 0.1966290168840783, 0.18051549495125765, 0.1048345181954526},
      1e-4);
  // iris stratified5 f1_macro 0.9665831244778613 1.0 0.9326599326599326 0.899749373433584 1.0
  check_close(per_fold(r.out, "f1_macro"),
              {0.9665831244778613, 1.0, 0.9326599326599326, 0.899749373433584, 1.0}, 1e-12);
  CHECK(std::strtod(r.out.c_str() + r.out.find("\"accuracy\":", r.out.find("\"mean\":")) + 11, nullptr) ==
        doctest::Approx(0.96));
  CHECK(contains(r.out, "\"train_rows\":120,\"test_rows\":30"));

  const auto text = run_ember("cv " + data("iris.csv") + " --target species" + kLogistic);
  REQUIRE(text.exit_code == 0);
  CHECK(contains(text.out, "cv logistic on "));
  CHECK(contains(text.out, "     4     120     30      0.900000"));
  CHECK(contains(text.out, "  accuracy            0.960000 +- 0.038873\n"));  // std of the five above, ddof=0
}

TEST_CASE("cv: group k-fold keeps groups together and drops the group column (iris)") {
  // Row i gets group i % 7, as in the reference script.
  std::ifstream in(data("iris.csv"));
  std::string line, csv;
  std::getline(in, line);
  csv = line + ",batch\n";
  for (int i = 0; std::getline(in, line); ++i) csv += line + ",g" + std::to_string(i % 7) + "\n";
  write_text("cv_iris_groups.csv", csv);
  const auto r = run_ember("cv cv_iris_groups.csv --target species" + std::string(kLogistic) +
                           " --split group --groups batch --folds 3 --json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"split\":\"3-fold by group ('batch', 7 groups)\""));
  // iris group3 accuracy 0.984375 0.9534883720930233 0.9069767441860465
  check_close(per_fold(r.out, "accuracy"), {0.984375, 0.9534883720930233, 0.9069767441860465}, 1e-12);
  // iris group3 neg_log_loss -0.15131635610104657 -0.1749852518197197 -0.19727169166089994
  check_close(per_fold(r.out, "logloss"), {0.15131635610104657, 0.1749852518197197, 0.19727169166089994},
              1e-4);
}

TEST_CASE("cv: time-series splits with a gap (diabetes, linear regression)") {
  const auto r = run_ember("cv " + data("diabetes.csv") +
                           " --target progression --model linear --split time --folds 4 --gap 10 --json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // diabetes time4 gap10 r2 0.4097420902918195 0.4873973239253081 0.4101770037571938 0.5486175854213153
  check_close(per_fold(r.out, "r2"),
              {0.4097420902918195, 0.4873973239253081, 0.4101770037571938, 0.5486175854213153}, 1e-6);
  // neg_root_mean_squared_error -61.394119608416844 -56.64068506801358 -55.62705777911655 -54.044100570046986
  check_close(per_fold(r.out, "rmse"),
              {61.394119608416844, 56.64068506801358, 55.62705777911655, 54.044100570046986}, 1e-6);
  CHECK(contains(r.out, "\"train_rows\":80,\"test_rows\":88"));  // 442 - 4 x 88 - 10 rows to train on first
}

TEST_CASE("cv: shuffled and repeated splits follow --seed") {
  const std::string base =
      "cv " + data("wine.csv") + " --target cultivar --model tree --param max_depth=3 --json";
  const auto a = run_ember(base + " --shuffle --seed 1");
  const auto b = run_ember(base + " --shuffle --seed 1");
  const auto c = run_ember(base + " --shuffle --seed 2");
  REQUIRE(a.exit_code == 0);
  REQUIRE(c.exit_code == 0);
  // fit_seconds differ from run to run; the scores may not.
  CHECK(per_fold(a.out, "accuracy") == per_fold(b.out, "accuracy"));
  CHECK(per_fold(a.out, "logloss") == per_fold(b.out, "logloss"));
  CHECK(per_fold(a.out, "logloss") != per_fold(c.out, "logloss"));
  const auto rep = run_ember(base + " --split repeated --repeats 3 --folds 4");
  INFO(rep.err);
  REQUIRE(rep.exit_code == 0);
  CHECK(per_fold(rep.out, "accuracy").size() == 12);
  CHECK(contains(rep.out, "\"split\":\"3 x 4-fold stratified, shuffled (seed 0)\""));
}

TEST_CASE("cv: bad flags and data are refused with the cause") {
  const std::string iris = "cv " + data("iris.csv") + " --target species --model logistic";
  struct Case {
    std::string args, message;
    int code;
  };
  const std::vector<Case> cases = {
      {"cv " + data("diabetes.csv") + " --target progression --model linear --split stratified",
       "--split stratified needs a categorical target; 'progression' is numeric (use kfold)", 2},
      {iris + " --groups species", "--groups applies to --split group", 2},
      {iris + " --split group", "--split group needs --groups COL", 2},
      {iris + " --split group --groups nope", "--groups: no column 'nope'", 1},
      {iris + " --split group --groups sepal_length --folds 50", "folds need at least as many groups", 1},
      {iris + " --folds 1", "--folds must be a whole number in 2..1000, got '1'", 2},
      {iris + " --folds 1001", "--folds must be a whole number in 2..1000, got '1001'", 2},
      {iris + " --split repeated --repeats 1e8", "--repeats must be a whole number in 1..1000, got '1e8'", 2},
      {iris + " --split time --gap 99999999999",
       "--gap must be a whole number in 0..4294967295, got '99999999999'", 2},
      {iris + " --folds 60", "every class has fewer rows than folds", 1},
      {iris + " --split weekly",
       "--split must be kfold, stratified, group, time, repeated or holdout, got 'weekly'", 2},
      {iris + " --gap 3", "--gap and --test-size apply to --split time", 2},
      {iris + " --split time --folds 10 --test-size 20", "do not fit 150 rows", 1},
      {iris + " --split time --shuffle", "--shuffle applies to --split kfold or stratified", 2},
      {iris + " --param C=-1", "C must be", 2},
      {"cv " + data("iris.csv") + " --model logistic", "--target COL is required", 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const auto r = run_ember(c.args);
    CHECK(r.exit_code == c.code);
    CHECK(contains(r.err, c.message));
  }
}

TEST_CASE("cv: a progress bar on a terminal only") {
  // script(1) runs the command on a pseudo-terminal.
  REQUIRE(std::system("command -v script >/dev/null") == 0);
  const std::string cmd =
      std::string(EMBER_CLI) + " cv " + data("iris.csv") + " --target species --model tree --no-track";
  const auto tty = ember::test::run_shell("script -qec '" + cmd + "' /dev/null");
  CHECK(contains(tty, "5/5 folds [####################]"));
  const auto tty_json = ember::test::run_shell("script -qec '" + cmd + " --json' /dev/null");
  CHECK(!contains(tty_json, "folds ["));
  const auto piped = run_ember("cv " + data("iris.csv") + " --target species --model tree --no-track");
  CHECK(!contains(piped.err, "folds ["));
  CHECK(!contains(piped.out, "folds ["));
}

TEST_CASE("cv: a stratified hold-out split") {
  const std::string base =
      "cv " + data("iris.csv") + " --target species --model tree --split holdout --no-track --json";
  const auto a = run_ember(base + " --seed 5");
  INFO(a.out << a.err);
  REQUIRE(a.exit_code == 0);
  // ceil(0.25 x 50) = 13 rows of each of the three classes.
  CHECK(contains(a.out, "\"train_rows\":111,\"test_rows\":39"));
  CHECK(contains(a.out, "\"split\":\"hold-out of 39 rows (stratified), seed 5\""));
  CHECK(per_fold(a.out, "logloss") == per_fold(run_ember(base + " --seed 5").out, "logloss"));
  const auto b = run_ember(base + " --test-fraction 0.1");
  REQUIRE(b.exit_code == 0);
  CHECK(contains(b.out, "\"train_rows\":135,\"test_rows\":15"));
  const auto bad = run_ember(base + " --test-fraction 0.999");
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "leaves no rows to train on"));
  CHECK(run_ember(base + " --test-fraction 1").exit_code == 2);
  CHECK(run_ember(base + " --folds 3").exit_code == 2);
}

TEST_CASE("train: boosting rounds and forest trees show progress on a terminal") {
  REQUIRE(std::system("command -v script >/dev/null") == 0);
  const std::string base =
      std::string(EMBER_CLI) + " train " + data("iris.csv") + " --target species --no-track";
  const auto gbdt = ember::test::run_shell(
      "script -qec '" + base + " --model gbdt --param n_estimators=7 -o progress_gbdt.ember' /dev/null");
  CHECK(contains(gbdt, "7/7 rounds [####################]"));
  const auto forest = ember::test::run_shell(
      "script -qec '" + base + " --model forest --param n_estimators=9 -o progress_forest.ember' /dev/null");
  CHECK(contains(forest, "9/9 trees [####################]"));
}

TEST_CASE("cv and search: a groups column before the target") {
  // The group column comes first, so taking it out moves the target.
  std::ifstream in(data("iris.csv"));
  std::string line, csv;
  std::getline(in, line);
  csv = "batch," + line + "\n";
  for (int i = 0; std::getline(in, line); ++i) csv += "g" + std::to_string(i % 7) + "," + line + "\n";
  write_text("cv_iris_groups_first.csv", csv);
  const auto r = run_ember("cv cv_iris_groups_first.csv --target species" + std::string(kLogistic) +
                           " --split group --groups batch --folds 3 --no-track --json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"target\":\"species\""));
  // The same folds and scores as with the column last (reference above).
  check_close(per_fold(r.out, "accuracy"), {0.984375, 0.9534883720930233, 0.9069767441860465}, 1e-12);
  const auto text = run_ember("cv cv_iris_groups_first.csv --target species" + std::string(kLogistic) +
                              " --split group --groups batch --folds 3 --no-track");
  CHECK(contains(text.out, "target 'species'"));
  CHECK(contains(text.out, "auc_ovr_macro"));
  const auto s =
      run_ember("search cv_iris_groups_first.csv --target species" + std::string(kLogistic) +
                " --split group --groups batch --folds 3 --no-track --grid 'C=1' -o cv_groups_best.ember");
  INFO(s.out << s.err);
  CHECK(s.exit_code == 0);
  CHECK(contains(s.out, "target 'species'"));
}

// Issue 16: --task (item 12); inf, a target-only file and stated bounds (item 17).
TEST_CASE("cv: --task decides the task; the text and JSON say which and why") {
  const auto r =
      run_ember("cv " + data("digits.csv") +
                " --target digit --model tree --param max_depth=3 --folds 3 --task regression --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"task\":\"regression\",\"task_reason\":\"--task regression\""));
  CHECK(contains(r.out, "\"r2\":"));
  const auto a =
      run_ember("cv " + data("digits.csv") + " --target digit --model tree --param max_depth=3 --folds 3");
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(contains(a.out, "task: classification (auto: 'digit' holds 10 distinct whole numbers"));
  CHECK(contains(a.out, "3-fold stratified"));
  const auto bad =
      run_ember("cv " + data("iris.csv") + " --target species --model linear --task classification");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "--task classification: --model linear fits a number"));
}

TEST_CASE("cv: inf names the data row and column, before any fold; a target-only file has no features") {
  write_text("cv_inf.csv", "a,b,y\n1,2,3\n2,3,4\n3,1,5\n4,2,6\n5,3,7\n6,inf,8\n");
  const auto r = run_ember("cv cv_inf.csv --target y --model linear --folds 2");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err,
                 "ember cv: cv_inf.csv: data row 6, column 'b': inf is not a value a model can learn from"));
  CHECK(!contains(r.err, "fold"));
  write_text("cv_only.csv", "y\n1\n2\n3\n4\n");
  const auto o = run_ember("cv cv_only.csv --target y --model linear --folds 2");
  CHECK(o.exit_code == 1);
  CHECK(contains(o.err, "ember cv: cv_only.csv: no feature columns: the file has only the target 'y'"));
  std::remove("cv_inf.csv");
  std::remove("cv_only.csv");
}
