// `ember search` end to end. Mean scores per candidate are compared with
// scikit-learn's GridSearchCV over the same pipelines and unshuffled folds:
// tests/data/reference/cli_search_reference.py, whose output is quoted.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::read_text;
using ember::test::run_ember;

namespace {

// Every "mean" of the trials array, in trial order.
std::vector<double> trial_means(const std::string& json) {
  std::vector<double> v;
  const std::size_t end = json.find("\"best\":");
  for (std::size_t at = json.find("\"mean\":"); at != std::string::npos && at < end;
       at = json.find("\"mean\":", at + 1))
    v.push_back(std::strtod(json.c_str() + at + 7, nullptr));
  return v;
}

// The JSON without the parts that vary between runs (timings, threads,
// the tracked run's id).
std::string stable(std::string json) {
  for (const std::string key : {"\"fit_seconds\":", "\"threads\":", "\"run_id\":"}) {
    for (std::size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + 1)) {
      const std::size_t end = json.find_first_of(",}", at);
      json.erase(at, end - at);
    }
  }
  return json;
}

}  // namespace

TEST_CASE("search: grid over C matches GridSearchCV (breast cancer, logistic)") {
  const std::string cmd = "search " + data("breast_cancer.csv") +
                          " --target diagnosis --model logistic --param tol=1e-8 --param max_iter=1000"
                          " --grid 'C=0.01,0.1,1,10' -o search_bc.ember --json";
  const auto r = run_ember(cmd);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // bc logistic C=0.01,0.1,1,10 accuracy 0.9490607048594939 0.9771619313771154
  //   0.9806862288464524 0.9701599130569788 best {'logisticregression__C': 1}
  const std::vector<double> acc = trial_means(r.out);
  const double want[] = {0.9490607048594939, 0.9771619313771154, 0.9806862288464524, 0.9701599130569788};
  REQUIRE(acc.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(acc[i] == doctest::Approx(want[i]).epsilon(1e-12));
  CHECK(contains(r.out, "\"best\":{\"trial\":3,\"params\":{\"C\":\"1\"}"));
  CHECK(contains(r.out, "\"metric\":\"accuracy\",\"higher_is_better\":true"));
  // The file is the best candidate refitted on every row: the same bytes
  // as training it directly.
  REQUIRE(run_ember("train " + data("breast_cancer.csv") +
                    " --target diagnosis --model logistic --param tol=1e-8 --param max_iter=1000 --param C=1"
                    " -o search_bc_direct.ember")
              .exit_code == 0);
  CHECK(read_text("search_bc.ember") == read_text("search_bc_direct.ember"));

  // A lower-is-better metric is minimised.
  // bc logistic C=0.01,0.1,1,10 logloss 0.1800771782922494 0.09790542341239196
  //   0.08114965488489499 0.13242556463625885
  const auto l = run_ember(cmd + " --metric logloss");
  REQUIRE(l.exit_code == 0);
  const std::vector<double> ll = trial_means(l.out);
  const double want_ll[] = {0.1800771782922494, 0.09790542341239196, 0.08114965488489499,
                            0.13242556463625885};
  REQUIRE(ll.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(ll[i] == doctest::Approx(want_ll[i]).epsilon(1e-4));
  CHECK(contains(l.out, "\"higher_is_better\":false"));
  CHECK(contains(l.out, "\"best\":{\"trial\":3"));
}

TEST_CASE("search: lasso alpha by R^2, text report (diabetes)") {
  const auto r = run_ember("search " + data("diabetes.csv") +
                           " --target progression --model linear --param penalty=l1 --param tol=1e-10"
                           " --param max_iter=100000 --grid 'alpha=0.1,1,3,10' -o search_diabetes.ember");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // diabetes lasso alpha=0.1,1,3,10 r2 0.48247369915957716 0.4819718742883022
  //   0.47592630008838677 0.4389953121899495 std 0.04845483307011822 ...
  //   best {'lasso__alpha': 0.1}
  CHECK(contains(r.out, "     1      1     0.482474   0.048455  alpha=0.1  <- best\n"));
  CHECK(contains(r.out, "     4      1     0.438995   0.037970  alpha=10\n"));
  CHECK(contains(r.out, "best: alpha=0.1, r2 0.482474 +- 0.048455; refitted on 442 rows"));
}

TEST_CASE("search: random draws and halving are deterministic and independent of the threads") {
  const std::string base =
      "search " + data("wine.csv") +
      " --target cultivar --model gbdt --param n_estimators=20 --random 6"
      " --space 'learning_rate=loguniform(0.05,0.5) max_depth=int(2,4)' --halving --seed 3"
      " --json -o search_wine";
  const auto one = run_ember(base + "1.ember --jobs 1");
  const auto two = run_ember(base + "2.ember --jobs 2");
  INFO(one.out << one.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  CHECK(stable(one.out).replace(stable(one.out).find("search_wine1"), 12, "search_wineN") ==
        stable(two.out).replace(stable(two.out).find("search_wine2"), 12, "search_wineN"));
  CHECK(read_text("search_wine1.ember") == read_text("search_wine2.ember"));
  // 6 candidates, 3 classes, 5 folds: min rows max(2 x 5 x 3, 178 / 3) = 59,
  // then 177; 6 -> 2 candidates.
  CHECK(contains(one.out, "\"search\":\"halving random\""));
  CHECK(contains(one.out, "\"rounds\":[59,177]"));
  CHECK(contains(one.out, "\"round\":2,\"rows\":177"));
  const auto other = run_ember("search " + data("wine.csv") +
                               " --target cultivar --model gbdt --param n_estimators=20 --random 6"
                               " --space 'learning_rate=loguniform(0.05,0.5) max_depth=int(2,4)' --seed 4"
                               " --json -o search_wine3.ember");
  REQUIRE(other.exit_code == 0);
  CHECK(trial_means(other.out) != trial_means(one.out));
}

TEST_CASE("search: bad requests are refused and nothing is written") {
  const std::string bc = "search " + data("breast_cancer.csv") + " --target diagnosis --model logistic";
  const std::string iris = "search " + data("iris.csv") + " --target species --model tree";
  struct Case {
    std::string args, message;
    int code;
  };
  const std::vector<Case> cases = {
      {bc + " -o s_bad.ember", "give --grid 'K=V1,V2 ...' or --random N --space '...', one of them", 2},
      {bc + " --grid 'C=1' --random 3 -o s_bad.ember", "one of them", 2},
      {bc + " --grid 'C=1,x' -o s_bad.ember", "candidate C=x: --param C=x: C must be a number > 0", 2},
      {bc + " --grid 'depth=1,2' -o s_bad.ember", "unknown", 2},
      {bc + " --random 3 --space 'C=normal(0,1)' -o s_bad.ember", "unknown distribution 'normal'", 2},
      {bc + " --random 0 --space 'C=uniform(0.1,1)' -o s_bad.ember", "--random must be a whole number", 2},
      {bc + " --random 2 -o s_bad.ember", "--random N needs --space", 2},
      {bc + " --grid 'C=1' --metric rmse -o s_bad.ember", "--metric rmse is for numeric targets", 2},
      {iris + " --grid 'max_depth=2' --metric auc -o s_bad.ember", "use auc_ovr_macro", 2},
      {iris + " --grid 'max_depth=2' --metric speed -o s_bad.ember", "--metric 'speed' is not a metric", 2},
      {iris + " --grid 'max_depth=2' --factor 2 -o s_bad.ember", "--factor applies to --halving", 2},
      {iris + " --grid 'max_depth=2' --jobs 0 -o s_bad.ember", "--jobs must be", 2},
      {iris + " --grid 'max_depth=2' --jobs 100000 -o s_bad.ember",
       "--jobs must be a whole number in 1..1024, or -1 for every core, got '100000'", 2},
      {"search " + data("iris.csv") +
           " --target species --model forest --grid 'n_estimators=5,99999999999' -o "
           "s_bad.ember",
       "n_estimators must be a whole number in 1..100000", 2},
      {iris + " --grid 'max_depth=2' --task regression -o s_bad.ember",
       "column 'species' is declared numeric but 'setosa' is not a number", 1},
      {iris + " --grid 'max_depth=2'", "-o BEST.ember is required", 2},
      // 10^6 combinations: refused before they are built.
      {iris + " --grid 'a=1,2,3,4,5,6,7,8,9,10 b=1,2,3,4,5,6,7,8,9,10 c=1,2,3,4,5,6,7,8,9,10"
              " d=1,2,3,4,5,6,7,8,9,10 e=1,2,3,4,5,6,7,8,9,10 f=1,2,3,4,5,6,7,8,9,10' -o s_bad.ember",
       "--grid has more than 100000 candidates", 2},
      {iris + " --grid 'max_depth=2' --folds 80 -o s_bad.ember", "every class has fewer rows than folds", 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const auto r = run_ember(c.args);
    CHECK(r.exit_code == c.code);
    CHECK(contains(r.err, c.message));
  }
  CHECK(read_text("s_bad.ember").empty());
}

TEST_CASE("search: a candidate whose fit fails is reported and ranked last") {
  // validation_fraction=0.999 holds out every training row of each fold.
  const auto r = run_ember("search " + data("iris.csv") +
                           " --target species --model gbdt --param n_estimators=5"
                           " --grid 'validation_fraction=0.999,0.2' -o search_fail.ember");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(
      contains(r.out, "validation_fraction=0.999  (fold 1: validation_fraction leaves no rows to train on"));
  CHECK(contains(r.out, "validation_fraction=0.2  <- best"));
}

// Issue 16: --task (item 12) and inf with its place (item 17).
TEST_CASE("search: --task decides the task and the default metric") {
  const auto r = run_ember("search " + data("digits.csv") +
                           " --target digit --model tree --folds 3 --grid 'max_depth=2,3' --task regression "
                           "-o s_task.ember --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"task\":\"regression\",\"task_reason\":\"--task regression\""));
  CHECK(contains(r.out, "\"metric\":\"r2\""));
  const auto a = run_ember("search " + data("digits.csv") +
                           " --target digit --model tree --folds 3 --grid 'max_depth=2,3' -o s_task.ember");
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(contains(a.out, "task: classification (auto: 'digit' holds 10 distinct whole numbers"));
  CHECK(contains(a.out, "metric accuracy"));
  std::remove("s_task.ember");
  ember::test::write_text("s_inf.csv", "a,b,y\n1,2,3\n2,3,4\n3,-inf,5\n4,2,6\n5,3,7\n6,1,8\n");
  const auto i =
      run_ember("search s_inf.csv --target y --model linear --folds 2 --grid 'alpha=1,2' -o s_inf.ember");
  CHECK(i.exit_code == 1);
  CHECK(contains(i.err, "ember search: s_inf.csv: data row 3, column 'b': -inf is not a value"));
  CHECK(read_text("s_inf.ember").empty());
  std::remove("s_inf.csv");
}
