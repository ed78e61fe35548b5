// `ember train` and `ember eval` end to end. Expected metrics come from
// scikit-learn pipelines doing the same (standardise, then the model):
// tests/data/reference/cli_train_reference.py, its output quoted there.
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

// Issue 16, item 12: the task (classes or a number) follows --task, or in
// auto one rule that describe shares, and train says which and why.
namespace {

// Rows x = 0..rows-1 and y = x % k (k distinct whole numbers).
std::string modulo_csv(int rows, int k) {
  std::string s = "x,y\n";
  for (int i = 0; i < rows; ++i) s += std::to_string(i) + "," + std::to_string(i % k) + "\n";
  return s;
}

}  // namespace

TEST_CASE("--task auto: at most 20 distinct whole numbers make classes; train says the task and why") {
  const auto t = run_ember("train " + data("digits.csv") +
                           " --target digit --model tree --param max_depth=4 -o task_digits.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "\"task\":\"classification\""));
  CHECK(contains(t.out,
                 "\"task_reason\":\"auto: 'digit' holds 10 distinct whole numbers (at most 20 make "
                 "classes; --task regression fits a number)\""));
  const auto e = run_ember("eval task_digits.ember " + data("digits.csv") + " --json");
  CHECK(contains(e.out, "\"task\":\"multiclass\""));
  const auto d = run_ember("describe " + data("digits.csv") + " --target digit --json");
  CHECK(contains(d.out, "\"kind\":\"classes\""));

  // A 0/1 label column with gbdt: classes, said in the text output.
  ember::test::write_text("task_01.csv", "x,y\n1,0\n2,0\n3,1\n4,1\n5,0\n6,1\n7,0\n8,1\n");
  const auto g = run_ember(
      "train task_01.csv --target y --model gbdt --param min_samples_leaf=1 "
      "--param n_estimators=5 -o task_01.ember");
  INFO(g.err);
  REQUIRE(g.exit_code == 0);
  CHECK(contains(g.out,
                 "task: classification (auto: 'y' holds 2 distinct whole numbers (at most 20 make "
                 "classes; --task regression fits a number))\n"));
  // Numbers that are not whole: regression, and why.
  ember::test::write_text("task_real.csv", "x,y\n1,0.5\n2,1\n3,1.5\n4,2\n");
  const auto r = run_ember("train task_real.csv --target y --model tree -o task_real.ember --json");
  INFO(r.err);
  CHECK(contains(r.out, "\"task\":\"regression\""));
  CHECK(
      contains(r.out, "\"task_reason\":\"auto: 'y' holds numbers that are not whole (0.5 in data row 1)\""));
  std::remove("task_digits.ember");
  std::remove("task_01.ember");
  std::remove("task_real.ember");
}

TEST_CASE("--task auto: describe and train agree at 20 and 21 distinct whole numbers") {
  for (int k : {2, 11, 20, 21, 40}) {
    CAPTURE(k);
    const std::string file = "task_mod" + std::to_string(k) + ".csv";
    ember::test::write_text(file, modulo_csv(84, k));
    const bool classes = k <= 20;
    const auto t = run_ember("train " + file + " --target y --model tree -o task_mod.ember --json");
    INFO(t.err);
    REQUIRE(t.exit_code == 0);
    CHECK(contains(t.out, classes ? "\"task\":\"classification\"" : "\"task\":\"regression\""));
    const auto d = run_ember("describe " + file + " --target y --json");
    REQUIRE(d.exit_code == 0);
    CHECK(contains(d.out, classes ? "\"kind\":\"classes\"" : "\"kind\":\"numeric\""));
    std::remove(file.c_str());
  }
  std::remove("task_mod.ember");
}

TEST_CASE("--task classification|regression overrides the rule; contradictions are refused") {
  ember::test::write_text("task_mod40.csv", modulo_csv(80, 40));
  const auto c =
      run_ember("train task_mod40.csv --target y --model tree --task classification -o task_c.ember --json");
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  CHECK(contains(c.out,
                 "\"task\":\"classification\",\"task_reason\":\"--task classification\",\"classes\":40"));
  const auto r =
      run_ember("train " + data("digits.csv") +
                " --target digit --model tree --param max_depth=3 --task regression -o task_r.ember");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "task: regression (--task regression)"));
  CHECK(contains(run_ember("eval task_r.ember " + data("digits.csv") + " --json").out,
                 "\"task\":\"regression\""));

  struct Case {
    std::string args, message;
    int code;
  };
  const std::string iris = "train " + data("iris.csv") + " --target species -o task_x.ember ";
  const std::vector<Case> cases = {
      {iris + "--model tree --task classes",
       "--task must be classification, regression or auto, got 'classes'", 2},
      {iris + "--model linear --task classification",
       "--task classification: --model linear fits a number; use --model logistic or a tree model", 2},
      {iris + "--model logistic --task regression",
       "--task regression: --model logistic predicts classes; use --model linear or a tree model", 2},
      {iris + "--model tree --task regression",
       "iris.csv:2:17: column 'species' is declared numeric but 'setosa' is not a number", 1},
      {iris + "--model tree --task classification --type species=numeric",
       "--task classification reads the target 'species' as class labels; --type species=numeric contradicts "
       "it",
       2},
  };
  for (const Case& k : cases) {
    CAPTURE(k.args);
    const auto x = run_ember(k.args);
    CHECK(x.exit_code == k.code);
    CHECK(contains(x.err, k.message));
  }
  std::remove("task_mod40.csv");
  std::remove("task_c.ember");
  std::remove("task_r.ember");
}

TEST_CASE("--task auto with linear and logistic models; labels spelled as different numbers") {
  ember::test::write_text("task_01b.csv", "x,y\n1,0\n2,0\n3,1\n4,1\n5,0\n6,1\n7,0\n8,1\n");
  // linear fits a number; the note says the rule would make classes.
  const auto l = run_ember("train task_01b.csv --target y --model linear -o task_l.ember");
  INFO(l.err);
  REQUIRE(l.exit_code == 0);
  CHECK(contains(l.out, "task: regression (--model linear fits a number)"));
  CHECK(contains(l.err,
                 "ember train: note: 'y' holds 2 distinct whole numbers, which --task auto makes "
                 "classes for the other models; use --model logistic if they are classes"));
  // logistic on 0/1 numbers: classes (it used to be refused).
  const auto g = run_ember("train task_01b.csv --target y --model logistic -o task_g.ember --json");
  INFO(g.err);
  REQUIRE(g.exit_code == 0);
  CHECK(contains(g.out, "\"task\":\"classification\""));
  // Class labels are text: 01, 1 and 1.0 are three classes, and a warning says so.
  ember::test::write_text("task_spell.csv", "x,y\n1,1\n2,01\n3,1.0\n4,2\n5,1\n6,2\n7,01\n8,1.0\n");
  const auto s = run_ember("train task_spell.csv --target y --model tree -o task_s.ember");
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(contains(s.err,
                 "ember train: warning: labels '01', '1' and '1.0' of 'y' are the same number written "
                 "differently; class labels are text, so they are 3 classes (write them one way to "
                 "make them one)"));
  CHECK(contains(s.out, "task: classification (auto: 'y' holds 2 distinct whole numbers"));
  const auto sj = run_ember("train task_spell.csv --target y --model tree -o task_s.ember --json");
  CHECK(contains(sj.out, "\"classes\":4"));
  CHECK(run_ember("eval task_s.ember task_spell.csv").exit_code == 0);
  for (const char* f : {"task_01b.csv", "task_spell.csv", "task_l.ember", "task_g.ember", "task_s.ember"})
    std::remove(f);
}

// Issue 16, item 17: messages name the place.
TEST_CASE("train: inf in the data names the row and the column") {
  ember::test::write_text("inf_feature.csv", "a,b,y\n1,2,3\n2,inf,4\n3,1,5\n4,2,6\n5,3,7\n");
  ember::test::write_text("inf_target.csv", "a,b,y\n1,2,3.5\n2,3,-inf\n3,1,5\n4,2,6\n5,3,7\n");
  for (const char* model : {"linear", "tree", "forest", "gbdt"}) {
    CAPTURE(model);
    const auto f =
        run_ember(std::string("train inf_feature.csv --target y --model ") + model + " -o inf.ember");
    CHECK(f.exit_code == 1);
    CHECK(contains(f.err,
                   "ember train: inf_feature.csv: data row 2, column 'b': inf is not a value a model can "
                   "learn from; make the cell empty (missing) or a finite number"));
    const auto t =
        run_ember(std::string("train inf_target.csv --target y --model ") + model + " -o inf.ember");
    CHECK(t.exit_code == 1);
    CHECK(contains(t.err, "ember train: inf_target.csv: data row 2, column 'y': -inf is not a value"));
  }
  std::remove("inf_feature.csv");
  std::remove("inf_target.csv");
}

TEST_CASE("train: a file with only the target says there are no features; one without rows says so") {
  ember::test::write_text("only_target.csv", "y\n1\n2\n3\n4\n");
  ember::test::write_text("no_rows.csv", "a,y\n");
  for (const char* model : {"linear", "tree", "gbdt"}) {
    CAPTURE(model);
    const auto o =
        run_ember(std::string("train only_target.csv --target y --model ") + model + " -o x.ember");
    CHECK(o.exit_code == 1);
    CHECK(contains(o.err,
                   "ember train: only_target.csv: no feature columns: the file has only the target 'y'"));
    const auto n = run_ember(std::string("train no_rows.csv --target y --model ") + model + " -o x.ember");
    CHECK(n.exit_code == 1);
    CHECK(contains(n.err, "ember train: no_rows.csv: no rows to train on"));
  }
  std::remove("only_target.csv");
  std::remove("no_rows.csv");
}

// Issue 16, item 5: sizes known up front are checked before allocating.
TEST_CASE("train: a one-hot wider than 4096 columns is refused with the way out") {
  std::string ids = "id,x,y\n";
  for (int i = 0; i < 5000; ++i)
    ids += "u" + std::to_string(i) + "," + std::to_string(i % 7) + "," + (i % 3 == 0 ? "yes" : "no") + "\n";
  ember::test::write_text("onehot_ids.csv", ids);
  const auto r = run_ember("train onehot_ids.csv --target y --model logistic -o onehot.ember");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err,
                 "ember train: onehot_ids.csv: the one-hot encoding (--encode onehot) would make 5000 "
                 "columns (id: 5000 categories), more than 4096; give --encode onehot:max_categories=N "
                 "(rare categories share a column) or --encode target"));
  const auto capped = run_ember(
      "train onehot_ids.csv --target y --model logistic --encode onehot:max_categories=20 -o onehot.ember");
  INFO(capped.err);
  CHECK(capped.exit_code == 0);
  const auto target =
      run_ember("train onehot_ids.csv --target y --model logistic --encode target -o onehot.ember");
  INFO(target.err);
  CHECK(target.exit_code == 0);
  std::remove("onehot_ids.csv");
  std::remove("onehot.ember");
}
