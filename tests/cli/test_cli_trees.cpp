// `ember train --model tree|forest` end to end: held-out quality against
// scikit-learn's default forests on the same split
// (tests/data/reference/cli_trees_reference.py, its output quoted there),
// determinism, importances, parameter errors.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
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
  // Quantized gradients meet the same floors.
  REQUIRE(run_ember("train bc_train.csv --target diagnosis --model gbdt --param use_quantized_grad=true -o "
                    "bc_gbdt_q.ember")
              .exit_code == 0);
  const auto q = run_ember("eval bc_gbdt_q.ember bc_test.csv --json");
  CHECK(json_number(q.out, "accuracy") >= 0.9577 - 0.02);
  CHECK(json_number(q.out, "auc") >= 0.9908 - 0.005);
  REQUIRE(
      run_ember("train diabetes_train.csv --target progression --model gbdt --param use_quantized_grad=true "
                "-o diabetes_gbdt_q.ember")
          .exit_code == 0);
  CHECK(json_number(run_ember("eval diabetes_gbdt_q.ember diabetes_test.csv --json").out, "r2") >=
        0.3345 - 0.03);
  const auto flag = run_ember(
      "train bc_train.csv --target diagnosis --model gbdt --param use_quantized_grad=yes -o x.ember");
  CHECK(flag.exit_code == 2);
  CHECK(contains(flag.err, "use_quantized_grad must be true or false"));
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

TEST_CASE("ember synth: the same options give the same file; options are checked") {
  REQUIRE(
      run_ember("synth -o s1.csv --rows 200 --features 5 --categorical 1 --missing 0.1 --seed 4").exit_code ==
      0);
  REQUIRE(
      run_ember("synth -o s2.csv --rows 200 --features 5 --categorical 1 --missing 0.1 --seed 4").exit_code ==
      0);
  REQUIRE(
      run_ember("synth -o s3.csv --rows 200 --features 5 --categorical 1 --missing 0.1 --seed 5").exit_code ==
      0);
  CHECK(read_text("s1.csv") == read_text("s2.csv"));
  CHECK(read_text("s1.csv") != read_text("s3.csv"));
  const std::string text = read_text("s1.csv");
  CHECK(text.rfind("f0,f1,f2,f3,f4,target\n", 0) == 0);
  CHECK(contains(text, ",c"));      // the categorical feature
  CHECK(contains(text, ",,"));      // missing values
  CHECK(contains(text, "class1"));  // binary labels
  const auto d = run_ember("describe s1.csv --target target --json");
  REQUIRE(d.exit_code == 0);
  CHECK(json_number(d.out, "rows") == 200);
  CHECK(run_ember("synth -o s4.csv --task clustering").exit_code == 2);
  CHECK(run_ember("synth -o s4.csv --task multiclass --classes 2").exit_code == 2);
  CHECK(run_ember("synth -o s4.csv --missing 1").exit_code == 2);
  CHECK(run_ember("synth --rows 10").exit_code == 2);
}

TEST_CASE("tree models: the same bytes for 1 and 2 threads") {
  // Big enough that histogram builds, partitions and binning take the
  // parallel paths (more than 2^15 row x task units at the root).
  REQUIRE(run_ember("synth -o threads.csv --rows 12000 --features 12 --categorical 2 --missing 0.05 --seed 9")
              .exit_code == 0);
  const std::string base = "train threads.csv --target target --seed 3 ";
  const std::vector<std::string> models = {
      "--model gbdt --param subsample=0.8 --param colsample_bytree=0.75 --param n_estimators=30",
      "--model gbdt --param use_quantized_grad=true --param subsample=0.8 --param n_estimators=30",
      "--model forest --param n_estimators=20 --param oob_score=true", "--model tree",
      "--model extra_trees --param n_estimators=10"};
  for (const auto& m : models) {
    INFO(m);
    const auto one = run_ember(base + m + " -o one.ember --json");
    const auto two = run_ember(base + m + " --param n_jobs=2 -o two.ember --json");
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    CHECK(json_number(two.out, "threads") == 2);
    CHECK(read_text("one.ember") == read_text("two.ember"));
  }
}

TEST_CASE("gbdt early stopping on a validation file") {
  // The validation rows follow another concept (another seed), so the
  // validation loss is lowest after a round or two and then rises: training
  // stops 10 rounds (the default) after the best one and keeps the best.
  REQUIRE(run_ember("synth -o es_train.csv --rows 3000 --features 6 --seed 1").exit_code == 0);
  REQUIRE(run_ember("synth -o es_other.csv --rows 1000 --features 6 --seed 2").exit_code == 0);
  const auto t = run_ember(
      "train es_train.csv --target target --model gbdt --valid es_other.csv --param n_estimators=200 -o "
      "es.ember "
      "--json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  const double rounds = json_number(t.out, "rounds"), run = json_number(t.out, "rounds_run");
  CHECK(run < 200);
  CHECK(run == rounds + 10);
  CHECK(json_number(t.out, "trees") == rounds);
  CHECK(json_number(t.out, "validation_rows") == 1000);
  // The same concept keeps improving: no early stop within 30 rounds.
  REQUIRE(run_ember("synth -o es_same.csv --rows 1000 --features 6 --seed 1 --task binary").exit_code == 0);
  const auto same = run_ember(
      "train es_train.csv --target target --model gbdt --valid es_same.csv --param n_estimators=30 -o "
      "es2.ember "
      "--json");
  REQUIRE(same.exit_code == 0);
  CHECK(json_number(same.out, "rounds_run") == 30);
  // A held-out fraction instead of a file; early_stopping_rounds=0 only reports.
  const auto frac = run_ember(
      "train es_train.csv --target target --model gbdt --param validation_fraction=0.2 --param "
      "early_stopping_rounds=0 --param n_estimators=15 -o es3.ember --json");
  REQUIRE(frac.exit_code == 0);
  CHECK(json_number(frac.out, "validation_rows") == 600);
  CHECK(json_number(frac.out, "rounds_run") == 15);
  CHECK(json_number(frac.out, "trees") == 15);
  // Misuse.
  CHECK(run_ember("train es_train.csv --target target --model forest --valid es_other.csv -o x.ember")
            .exit_code == 2);
  CHECK(run_ember("train es_train.csv --target target --model gbdt --valid es_other.csv --param "
                  "validation_fraction=0.1 -o x.ember")
            .exit_code == 2);
  write_text("es_bad.csv", "f0,f1,target\n1,2,class0\n");
  const auto bad = run_ember("train es_train.csv --target target --model gbdt --valid es_bad.csv -o x.ember");
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "no column 'f2'"));
  write_text("es_class.csv", "f0,f1,f2,f3,f4,f5,target\n1,2,3,4,5,6,class7\n");
  const auto cls =
      run_ember("train es_train.csv --target target --model gbdt --valid es_class.csv -o x.ember");
  CHECK(cls.exit_code == 1);
  CHECK(contains(cls.err, "class 'class7'"));
}

TEST_CASE("forest out-of-bag score, class weights, gbdt losses, importances in inspect") {
  // scikit-learn 1.2.1 RandomForestClassifier(oob_score=True) on the whole
  // breast cancer file, random_state 0..4: oob_score_ 0.970, 0.958, 0.963,
  // 0.963, 0.961 (mean 0.963).
  const auto f = run_ember("train " + data("breast_cancer.csv") +
                           " --target diagnosis --model forest --param oob_score=true -o oob.ember --json");
  REQUIRE(f.exit_code == 0);
  CHECK(json_number(f.out, "oob_score") > 0.945);
  CHECK(json_number(f.out, "oob_score") < 0.985);
  CHECK(json_number(f.out, "oob_rows") == 569);
  CHECK(run_ember("train " + data("breast_cancer.csv") +
                  " --target diagnosis --model extra_trees --param oob_score=true -o x.ember")
            .exit_code == 1);  // no bootstrap, no out-of-bag rows
  CHECK(run_ember("train " + data("breast_cancer.csv") +
                  " --target diagnosis --model forest --param class_weight=balanced -o cw.ember")
            .exit_code == 0);
  CHECK(read_text("cw.ember") != read_text("oob.ember"));
  // Losses for numeric targets only.
  for (const char* loss : {"absolute_error", "huber"}) {
    INFO(loss);
    CHECK(run_ember("train " + data("diabetes.csv") +
                    " --target progression --model gbdt --param loss=" + loss + " -o loss.ember")
              .exit_code == 0);
    const auto e = run_ember("eval loss.ember " + data("diabetes.csv") + " --json");
    REQUIRE(e.exit_code == 0);
    CHECK(json_number(e.out, "r2") > 0.5);  // training fit of 100 boosted trees
  }
  const auto wrong = run_ember("train " + data("breast_cancer.csv") +
                               " --target diagnosis --model gbdt --param loss=huber -o x.ember");
  CHECK(wrong.exit_code == 1);
  CHECK(contains(wrong.err, "numeric target"));
  const auto typo = run_ember("train " + data("breast_cancer.csv") +
                              " --target diagnosis --model gbdt --param subsampel=0.5 -o x.ember");
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "did you mean 'subsample'"));
  CHECK(run_ember("train " + data("breast_cancer.csv") +
                  " --target diagnosis --model gbdt --param subsample=0 -o x.ember")
            .exit_code == 2);
  // Importances travel in the model file.
  const auto t =
      run_ember("train " + data("breast_cancer.csv") + " --target diagnosis --model gbdt -o imp.ember");
  REQUIRE(t.exit_code == 0);
  const auto i = run_ember("inspect imp.ember --json");
  REQUIRE(i.exit_code == 0);
  // Per model input (here the raw features, as there are no steps).
  double total = 0.0;
  std::size_t at = i.out.find("\"model_inputs\":"), count = 0;
  const std::size_t end = i.out.find("\"model\":", at);
  REQUIRE(at != std::string::npos);
  while ((at = i.out.find("\"importance_gain\":", at)) < end) {
    total += std::strtod(i.out.c_str() + at + 18, nullptr);
    ++count;
    ++at;
  }
  CHECK(count == 30);
  CHECK(total == doctest::Approx(1.0).epsilon(1e-5));
  CHECK(contains(run_ember("inspect imp.ember").out, "gain share"));
}

// Issue 16, item 17: problems in the --valid file are blamed on it, with
// the place; upper bounds are stated.
TEST_CASE("gbdt --valid: the validation file's problems name that file") {
  write_text("vb_train.csv", "a,b,y\n1,2,x\n2,3,y\n3,1,x\n4,2,y\n5,3,x\n6,1,y\n");
  write_text("vb_nocol.csv", "a,y\n1,x\n");
  write_text("vb_class.csv", "a,b,y\n1,2,z\n");
  write_text("vb_inf.csv", "a,b,y\n1,2,x\n1,inf,x\n");
  const std::string base =
      "train vb_train.csv --target y --model gbdt --param min_samples_leaf=1 -o vb.ember ";
  const auto nocol = run_ember(base + "--valid vb_nocol.csv");
  CHECK(nocol.exit_code == 1);
  CHECK(contains(nocol.err, "ember train: vb_nocol.csv: the validation file has no column 'b'"));
  const auto cls = run_ember(base + "--valid vb_class.csv");
  CHECK(cls.exit_code == 1);
  CHECK(contains(cls.err, "ember train: vb_class.csv: validation row 1: class 'z' of 'y'"));
  const auto inf = run_ember(base + "--valid vb_inf.csv");
  CHECK(inf.exit_code == 1);
  CHECK(contains(inf.err, "ember train: vb_inf.csv: data row 2, column 'b': inf is not a value"));
  const auto piped = run_ember(base + "--valid vb_inf.csv --impute mean");
  CHECK(piped.exit_code == 1);
  CHECK(contains(piped.err, "ember train: vb_inf.csv: data row 2, column 'b': inf is not a value"));
  for (const char* f : {"vb_train.csv", "vb_nocol.csv", "vb_class.csv", "vb_inf.csv"}) std::remove(f);
}

TEST_CASE("tree parameters state their upper bounds") {
  const std::string iris = "train " + data("iris.csv") + " --target species -o x.ember ";
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {"--model forest --param n_jobs=100000",
       "--param n_jobs=100000: n_jobs must be a whole number in 1..1024, or -1 for every core"},
      {"--model forest --param n_estimators=99999999999",
       "--param n_estimators=99999999999: n_estimators must be a whole number in 1..100000"},
      // Refused before anything is allocated (7.8 GB of per-tree vectors).
      {"--model forest --param n_estimators=1000000000", "n_estimators must be a whole number in 1..100000"},
      {"--model gbdt --param n_estimators=1000000000", "n_estimators must be a whole number in 1..100000"},
      {"--model tree --param min_samples_leaf=99999999999",
       "min_samples_leaf must be a whole number in 1..4294967295"},
      {"--model gbdt --param early_stopping_rounds=2000000",
       "early_stopping_rounds must be a whole number in 0..1000000"},
      {"--model tree --seed 99999999999999999999",
       "--seed must be a whole number in 0..18446744073709551615, got '99999999999999999999'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    const auto r = run_ember(iris + c.args);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, c.message));
  }
}

// Issue 16, item 18: a model's size is estimated before the fit.
TEST_CASE("forests: a model estimated over the format's 4 GiB is refused before the fit; a large one warns") {
  // 1,000 classes on 3,000 rows: every leaf holds 1,000 probabilities.
  std::string many = "x,y\n";
  for (int i = 0; i < 3000; ++i) many += std::to_string(i) + ",c" + std::to_string(i % 1000) + "\n";
  write_text("size_classes.csv", many);
  const auto refused =
      run_ember("train size_classes.csv --target y --model forest --param n_estimators=10000 -o size.ember");
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err,
                 "ember train: size_classes.csv: the model would take up to 76.0 GB (10000 trees x "
                 "up to 1897 leaves x 1000 classes x 4 bytes, and the nodes), more than a model "
                 "file can hold (4 GiB); lower n_estimators, set max_depth or max_leaf_nodes, or "
                 "raise min_samples_leaf"));
  CHECK(read_text("size.ember").empty());
  // 2 classes on 20,000 rows, 2,000 trees: up to 12,643 leaves a tree (the rows a bootstrap draws).
  std::string rows = "x,y\n";
  for (int i = 0; i < 20000; ++i) rows += std::to_string(i) + "," + (i < 10000 ? "a" : "b") + "\n";
  write_text("size_rows.csv", rows);
  const auto warned = run_ember(
      "train size_rows.csv --target y --model forest --param n_estimators=2000 "
      "--param max_features=all -o size.ember");
  INFO(warned.err);
  CHECK(warned.exit_code == 0);
  CHECK(contains(warned.err,
                 "ember train: warning: the model may take up to 404.6 MB (2000 trees x up to "
                 "12643 leaves x 2 classes x 4 bytes, and the nodes); lower n_estimators, set "
                 "max_depth or max_leaf_nodes, or raise min_samples_leaf for a smaller one"));
  std::remove("size_classes.csv");
  std::remove("size_rows.csv");
  std::remove("size.ember");
}
