// `ember train --select` and `--project lda`, end to end. The expected
// column sets and metrics come from scikit-learn (1.2.1) run once:
// tests/data/reference/cli_pipeline_reference.py, whose output is quoted
// next to each check. Where scikit-learn has no equivalent, the data are
// built so that the answer is known by construction.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

// The model inputs `ember inspect --json` lists, space separated.
std::string model_inputs(const std::string& model) {
  const auto r = run_ember("inspect " + model + " --json");
  REQUIRE(r.exit_code == 0);
  const std::string key = "\"model_inputs\":[";
  std::size_t at = r.out.find(key);
  REQUIRE(at != std::string::npos);
  const std::size_t end = r.out.find(']', at);
  std::string names;
  const std::string name_key = "{\"name\":\"";
  while ((at = r.out.find(name_key, at)) != std::string::npos && at < end) {
    at += name_key.size();
    const std::size_t close = r.out.find('"', at);
    if (!names.empty()) names += ' ';
    names += r.out.substr(at, close - at);
  }
  return names;
}

// Trains and returns the kept columns ("" if training failed).
std::string kept(const std::string& file, const std::string& flags) {
  const auto t = run_ember("train " + data(file) + " " + flags + " -o select.ember");
  INFO(flags << " -> " << t.err);
  CHECK(t.exit_code == 0);
  if (t.exit_code != 0) return "";
  return model_inputs("select.ember");
}

const char* const kBreastCancerAll =
    "mean_radius mean_texture mean_perimeter mean_area mean_smoothness mean_compactness mean_concavity "
    "mean_concave_points mean_symmetry mean_fractal_dimension radius_error texture_error perimeter_error "
    "area_error smoothness_error compactness_error concavity_error concave_points_error symmetry_error "
    "fractal_dimension_error worst_radius worst_texture worst_perimeter worst_area worst_smoothness "
    "worst_compactness worst_concavity worst_concave_points worst_symmetry worst_fractal_dimension";

// A uniform number in [0, 1) from a fixed LCG (Knuth's MMIX constants), so
// the constructed files are the same everywhere.
double lcg(std::uint64_t* state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<double>(*state >> 11) / 9007199254740992.0;
}

}  // namespace

TEST_CASE("filters keep scikit-learn's columns (breast_cancer, diabetes)") {
  const std::string bc = "--target diagnosis --model logistic --scale standard --select ";
  // SelectPercentile(f_classif, percentile=20) on StandardScaler output.
  CHECK(kept("breast_cancer.csv", bc + "anova:percentile=20") ==
        "mean_perimeter mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points");
  // The Fisher score is F (K - 1) / (n - K): the same order as anova.
  CHECK(kept("breast_cancer.csv", bc + "fisher:k=6") ==
        "mean_perimeter mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points");
  // SelectKBest(chi2, k=5) on MinMaxScaler output.
  CHECK(kept("breast_cancer.csv", "--target diagnosis --model logistic --scale minmax --select chi2:k=5") ==
        "mean_concavity mean_concave_points worst_perimeter worst_area worst_concave_points");
  // SelectKBest(mutual_info_classif, k=5): the same set for random_state 0..4.
  CHECK(kept("breast_cancer.csv", bc + "mutual_info:k=5") ==
        "mean_concave_points worst_radius worst_perimeter worst_area worst_concave_points");
  // SelectKBest(f_regression, k=4) on StandardScaler output.
  CHECK(kept("diabetes.csv", "--target progression --model linear --select f_regression:k=4") ==
        "bmi bp s4 s5");
}

TEST_CASE("wrappers and embedded selection keep scikit-learn's columns") {
  const std::string bc = "--target diagnosis --model logistic --select ";
  const std::string db = "--target progression --model linear --select ";
  // RFE(LogisticRegression(), n_features_to_select=5).
  CHECK(kept("breast_cancer.csv", bc + "rfe:k=5") ==
        "radius_error worst_radius worst_texture worst_area worst_concave_points");
  // RFE(LinearRegression(), n_features_to_select=4).
  CHECK(kept("diabetes.csv", db + "rfe:k=4") == "bmi s1 s2 s5");
  // RFECV(..., cv=5): all 30 on breast_cancer, 6 on diabetes.
  CHECK(kept("breast_cancer.csv", bc + "rfecv") == kBreastCancerAll);
  CHECK(kept("diabetes.csv", db + "rfecv") == "sex bmi bp s1 s2 s5");
  // SelectFromModel(Lasso(alpha)).
  CHECK(kept("diabetes.csv", db + "l1:alpha=1") == "sex bmi bp s1 s3 s5 s6");
  CHECK(kept("diabetes.csv", db + "l1:alpha=5") == "sex bmi bp s3 s5");
  // SelectFromModel(LogisticRegression(penalty="l1", C=1/(alpha*569))).
  CHECK(kept("breast_cancer.csv", bc + "l1:alpha=0.01") ==
        "mean_texture mean_concave_points radius_error worst_radius worst_texture worst_smoothness "
        "worst_concavity worst_concave_points worst_symmetry");
  CHECK(kept("breast_cancer.csv", bc + "l1:alpha=0.05") ==
        "mean_concave_points worst_radius worst_texture worst_concave_points");
  // A cap on top of the threshold keeps the largest |coefficients|.
  const std::string capped = kept("breast_cancer.csv", bc + "l1:alpha=0.01,k=3");
  CHECK(std::count(capped.begin(), capped.end(), ' ') == 2);
}

TEST_CASE("variance, correlation and importance selection on data built for them") {
  // x0 and x1 decide the class; n0..n5 are noise; c is constant; d is
  // 2 * x0 plus a little noise (r > 0.99 with x0); small varies by 0.01.
  std::string csv = "x0,n0,x1,n1,c,n2,d,n3,small,n4,n5,y\n";
  std::uint64_t s = 42;
  for (int i = 0; i < 600; ++i) {
    const double x0 = lcg(&s), x1 = lcg(&s);
    csv += std::to_string(x0) + "," + std::to_string(lcg(&s)) + "," + std::to_string(x1) + "," +
           std::to_string(lcg(&s)) + ",7," + std::to_string(lcg(&s)) + "," +
           std::to_string(2 * x0 + 0.01 * lcg(&s)) + "," + std::to_string(lcg(&s)) + "," +
           std::to_string(0.01 * lcg(&s)) + "," + std::to_string(lcg(&s)) + "," + std::to_string(lcg(&s)) +
           "," + (x0 + x1 > 1 ? "yes" : "no") + "\n";
  }
  write_text("select_built.csv", csv);
  const auto train = [](const std::string& flags) {
    const auto t = run_ember("train select_built.csv --target y " + flags + " -o built.ember");
    INFO(flags << " -> " << t.err);
    CHECK(t.exit_code == 0);
    return t.exit_code == 0 ? model_inputs("built.ember") : std::string();
  };
  // VarianceThreshold(0) drops the constant; 0.001 also drops 'small'
  // (variance 0.01^2 / 12 = 8.3e-6) but no uniform [0, 1) column (1/12).
  CHECK(train("--model logistic --scale none --select variance") == "x0 n0 x1 n1 n2 d n3 small n4 n5");
  CHECK(train("--model logistic --scale none --select variance:threshold=0.001") ==
        "x0 n0 x1 n1 n2 d n3 n4 n5");
  // d follows x0 (the later column of the pair goes); the constant has no
  // correlation and stays for this filter.
  CHECK(train("--model logistic --select correlation:threshold=0.9") == "x0 n0 x1 n1 c n2 n3 small n4 n5");
  // The importances of x0, x1 and d (which carries x0) are far above the
  // mean importance; those of the noise columns far below.
  const std::string forest = train("--model forest --param n_estimators=30 --select model");
  CHECK((forest == "x0 x1 d" || forest == "x0 x1"));
  // A linear model splits x0's weight between x0 and d (collinear): the two
  // largest |coefficients| are x1's and one of theirs.
  const std::string linear = train("--model logistic --select model:k=2,threshold=0");
  CHECK((linear == "x0 x1" || linear == "x1 d"));
  // And a tree's selected model still predicts from the whole raw row.
  const auto p = run_ember("predict built.ember select_built.csv");
  CHECK(p.exit_code == 0);
}

TEST_CASE("inspect lists the selection step and what it kept") {
  const auto t = run_ember("train " + data("diabetes.csv") +
                           " --target progression --model linear --select f_regression:k=4 -o sel_db.ember");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.err + t.out, "select 4 of 10 columns by f_regression, the 4 best: bmi, bp, s4, s5"));
  const auto i = run_ember("inspect sel_db.ember");
  REQUIRE(i.exit_code == 0);
  CHECK(contains(i.out, "select         10 -> 4    select 4 of 10 columns by f_regression"));
  CHECK(contains(i.out, "model inputs 4"));
}

TEST_CASE("--project lda gives scikit-learn's LDA + LogisticRegression fit (iris, wine)") {
  // make_pipeline(StandardScaler(), LinearDiscriminantAnalysis(n_components=N),
  // LogisticRegression()): training accuracy and log loss. The sign of an
  // LDA direction does not change a logistic fit.
  struct Case {
    const char* file;
    const char* target;
    const char* project;
    std::size_t inputs;
    double accuracy, logloss;
  };
  const Case cases[] = {
      {"iris.csv", "species", "lda", 2, 0.98, 0.05375036337432553},
      {"iris.csv", "species", "lda:components=1", 1, 0.9866666666666667, 0.05656421762573778},
      {"wine.csv", "cultivar", "lda", 2, 1.0, 0.0180844935268496},
      {"wine.csv", "cultivar", "lda:components=1", 1, 0.9438202247191011, 0.13180231181562707},
  };
  for (const Case& c : cases) {
    const auto t = run_ember("train " + data(c.file) + " --target " + c.target +
                             " --model logistic --scale standard --param tol=1e-10 --project " + c.project +
                             " -o lda.ember");
    INFO(c.file << " " << c.project << " -> " << t.err);
    REQUIRE(t.exit_code == 0);
    const std::string inputs = model_inputs("lda.ember");
    CHECK(static_cast<std::size_t>(std::count(inputs.begin(), inputs.end(), ' ')) + 1 == c.inputs);
    const auto e = run_ember("eval lda.ember " + data(c.file) + " --json");
    REQUIRE(e.exit_code == 0);
    CHECK(json_number(e.out, "accuracy") == doctest::Approx(c.accuracy));
    CHECK(json_number(e.out, "logloss") == doctest::Approx(c.logloss).epsilon(1e-4));
  }
}

TEST_CASE("--select and --project refuse bad values with the reason") {
  struct Case {
    std::string file_and_target, flags, message;
  };
  const std::string bc = "breast_cancer.csv --target diagnosis --model logistic";
  const std::string db = "diabetes.csv --target progression --model linear";
  const Case cases[] = {
      {bc, "--select chi2:k=5",
       "--select chi2: needs non-negative values (counts, frequencies, one-hot columns), but 'mean_texture' "
       "is"},
      {bc, "--select anova:k=40", "--select anova: k=40 is more than the 30 columns"},
      {bc, "--select f_regression", "--select f_regression: is for a numeric target; this one holds classes"},
      {db, "--select anova", "--select anova: scores columns against classes; this target is numeric"},
      {db, "--select chi2", "--select chi2: scores columns against classes; this target is numeric"},
      {bc, "--select bogus", "--select must be 'variance', 'correlation', 'chi2', 'anova', 'f_regression'"},
      {bc, "--select anova:k=0", "--select anova:k=0: k must be a whole number in 1..4294967295"},
      {bc, "--select anova:k=two", "--select anova:k=two: k must be a whole number in 1..4294967295"},
      {bc, "--select anova:percentile=0",
       "--select anova:percentile=0: percentile must be a number in (0, 100]"},
      {bc, "--select anova:percentile=101", "percentile must be a number in (0, 100]"},
      {bc, "--select rfe:step=0", "--select rfe:step=0: step must be a whole number in 1..4294967295"},
      {bc, "--select rfe:percentile=5",
       "unknown parameter 'percentile' for --select rfe (parameters: 'k' and 'step')"},
      {bc, "--select rfecv:folds=1", "--select rfecv:folds=1: folds must be a whole number in 2..100"},
      {bc, "--select l1:alpha=0", "--select l1:alpha=0: alpha must be a number > 0"},
      {bc, "--select correlation:threshold=2",
       "--select correlation:threshold=2: threshold must be a number in [0, 1]"},
      {bc, "--select variance:threshold=1e9", "--select variance: keeps no column (variance > 1e+09)"},
      {bc, "--select anova:threshold=1e12", "--select anova: keeps no column"},
      {bc, "--project lda:components=2",
       "--project lda:components=2 is more than min(classes - 1, columns) = 1"},
      {bc, "--project pca", "--project must be 'lda' or 'none', got 'pca'; did you mean 'lda'?"},
      {db, "--project lda", "--project lda needs classes; this target is numeric"},
  };
  for (const Case& c : cases) {
    std::remove("refused.ember");
    const auto r = run_ember("train " + data(c.file_and_target) + " " + c.flags + " -o refused.ember");
    INFO(c.flags << " -> " << r.err);
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, c.message));
    CHECK(ember::test::read_text("refused.ember").empty());  // nothing written
  }
}
