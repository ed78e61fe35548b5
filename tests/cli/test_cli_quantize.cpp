// `ember quantize` end to end: the quality of 16-bit and 8-bit integer
// models against their float models on the bundled data (float figures
// from `ember eval` and `ember predict` on the float model: the float
// runtime, not the quantizer's report), refusals, and `inspect`, `eval`,
// `predict` and `export-c` on integer models.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <cmath>
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

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

struct Case {
  const char* name;
  const char* data;
  const char* target;
  const char* model;
  const char* flags;  // extra train flags
  bool classification;
};

// Every model kind, with and without pipelines (logistic and linear get
// impute + one-hot + standardize by default; one case discretizes).
const Case kCases[] = {
    {"iris_logistic", "iris.csv", "species", "logistic", "", true},
    {"penguins_logistic", "penguins.csv", "species", "logistic", "", true},
    {"breast_cancer_logistic", "breast_cancer.csv", "diagnosis", "logistic", "", true},
    {"wine_logistic", "wine.csv", "cultivar", "logistic", "", true},
    {"credit_logistic", "credit_german.csv", "class", "logistic", "", true},
    {"digits_logistic", "digits.csv", "digit", "logistic", "", true},  // constant pixels: not read
    {"penguins_logistic_binned", "penguins.csv", "species", "logistic", "--discretize quantile", true},
    {"diabetes_linear", "diabetes.csv", "progression", "linear", "", false},
    {"airquality_linear", "airquality.csv", "Temp", "linear", "", false},
    {"iris_tree", "iris.csv", "species", "tree", "", true},
    {"penguins_forest", "penguins.csv", "species", "forest", "--param n_estimators=20", true},
    {"wine_extra_trees", "wine.csv", "cultivar", "extra_trees", "--param n_estimators=20", true},
    {"breast_cancer_gbdt", "breast_cancer.csv", "diagnosis", "gbdt", "", true},
    {"digits_gbdt", "digits.csv", "digit", "gbdt", "--param n_estimators=20", true},
    {"credit_gbdt", "credit_german.csv", "class", "gbdt", "", true},
    {"penguins_gbdt_binned", "penguins.csv", "species", "gbdt", "--discretize quantile", true},
    {"diabetes_gbdt", "diabetes.csv", "progression", "gbdt", "", false},
    {"diabetes_forest", "diabetes.csv", "progression", "forest", "--param n_estimators=20", false},
};

std::string train(const Case& c) {
  const std::string path = std::string("quantize_") + c.name + ".ember";
  const auto r = run_ember("train " + data(c.data) + " --target " + c.target + " --model " + c.model + " " +
                           c.flags + " --no-track -o " + path);
  REQUIRE_MESSAGE(r.exit_code == 0, c.name << ": " << r.err);
  return path;
}

// The numbers of `ember predict` CSV output (one or more per line).
std::vector<std::vector<double>> predictions(const std::string& model, const std::string& csv, bool proba) {
  const auto r = run_ember("predict " + model + " " + csv + (proba ? " --proba" : ""));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::vector<std::vector<double>> rows;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> v;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) v.push_back(std::strtod(cell.c_str(), nullptr));
    rows.push_back(v);
  }
  return rows;
}

std::vector<std::string> labels(const std::string& model, const std::string& csv) {
  const auto r = run_ember("predict " + model + " " + csv);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

struct Quality {
  double metric_float = 0, metric_integer = 0;  // accuracy or rmse, by ember eval
  double auc_float = NAN, auc_integer = NAN;
  double agreement = 1, max_error = 0;  // labels; max |probability| or |value| difference
};

Quality measure(const Case& c, const std::string& float_model, const std::string& int_model) {
  Quality q;
  const std::string csv = data(c.data);
  const auto ef = run_ember("eval " + float_model + " " + csv + " --json");
  const auto eq = run_ember("eval " + int_model + " " + csv + " --json");
  REQUIRE_MESSAGE(ef.exit_code == 0, ef.err);
  REQUIRE_MESSAGE(eq.exit_code == 0, eq.err);
  const std::string metric = c.classification ? "accuracy" : "rmse";
  q.metric_float = json_number(ef.out, metric);
  q.metric_integer = json_number(eq.out, metric);
  if (c.classification) {
    const std::string auc = contains(ef.out, "\"auc\":") ? "auc" : "auc_ovr_macro";
    q.auc_float = json_number(ef.out, auc);
    q.auc_integer = json_number(eq.out, auc);
    const auto lf = labels(float_model, csv), lq = labels(int_model, csv);
    REQUIRE(lf.size() == lq.size());
    std::size_t same = 0;
    for (std::size_t i = 0; i < lf.size(); ++i) same += lf[i] == lq[i];
    q.agreement = static_cast<double>(same) / static_cast<double>(lf.size());
  }
  const auto pf = predictions(float_model, csv, c.classification),
             pq = predictions(int_model, csv, c.classification);
  REQUIRE(pf.size() == pq.size());
  for (std::size_t i = 0; i < pf.size(); ++i) {
    for (std::size_t k = 0; k < pf[i].size(); ++k)
      q.max_error = std::max(q.max_error, std::fabs(pf[i][k] - pq[i][k]));
  }
  return q;
}

void report(const Case& c, unsigned bits, const Quality& q) {
  MESSAGE(
      std::string(c.name) << " int" << bits << ": " << std::string(c.classification ? "accuracy " : "rmse ")
                          << q.metric_float << " -> " << q.metric_integer << ", auc " << q.auc_float << " -> "
                          << q.auc_integer << ", agreement " << q.agreement << ", max error " << q.max_error);
}

}  // namespace

TEST_CASE("quantize: 16-bit integer models keep the float model's quality, every kind") {
  for (const Case& c : kCases) {
    const std::string name = c.name;
    CAPTURE(name);
    const std::string float_model = train(c), int_model = std::string("quantize_") + c.name + "_q16.ember";
    const auto r = run_ember("quantize " + float_model + " --calibration " + data(c.data) + " -o " +
                             int_model + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const Quality q = measure(c, float_model, int_model);
    report(c, 16, q);
    if (c.classification) {
      CHECK(std::fabs(q.metric_float - q.metric_integer) <= 0.005);
      CHECK(std::fabs(q.auc_float - q.auc_integer) <= 0.005);
      CHECK(q.agreement >= 0.99);
      CHECK(q.max_error <= 0.01);
      // The report states the same (computed by the quantizer on its own).
      CHECK(json_number(r.out, "agreement") == doctest::Approx(q.agreement));
    } else {
      CHECK(std::fabs(q.metric_integer - q.metric_float) <= 0.01 * q.metric_float);
      CHECK(json_number(r.out, "rmse_float") == doctest::Approx(q.metric_float).epsilon(1e-5));
    }
  }
}

TEST_CASE("quantize: what 8-bit weights cost (loose bounds)") {
  for (const Case& c : kCases) {
    if (std::string(c.model) != "logistic" && std::string(c.model) != "linear")
      continue;  // trees take no weights
    const std::string name = c.name;
    CAPTURE(name);
    const std::string float_model = train(c), int_model = std::string("quantize_") + c.name + "_q8.ember";
    const auto r = run_ember("quantize " + float_model + " --calibration " + data(c.data) + " --bits 8 -o " +
                             int_model + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const Quality q = measure(c, float_model, int_model);
    report(c, 8, q);
    if (c.classification) {
      CHECK(std::fabs(q.metric_float - q.metric_integer) <= 0.05);
      CHECK(q.agreement >= 0.9);
    } else {
      CHECK(q.metric_integer <= 1.1 * q.metric_float);
    }
  }
}

namespace {

// A copy of iris.csv with column `column` (0-based) replaced by `value` in
// every row, or its cell in data row `row` only (row >= 1).
std::string iris_with(const std::string& name, int column, const std::string& value, int row = 0) {
  std::istringstream in(read_text(data("iris.csv")));
  std::string line, out;
  for (int r = 0; std::getline(in, line); ++r) {
    if (r > 0 && (row == 0 || r == row)) {
      std::vector<std::string> cells;
      std::istringstream cs(line);
      std::string cell;
      while (std::getline(cs, cell, ',')) cells.push_back(cell);
      cells[static_cast<std::size_t>(column)] = value;
      line.clear();
      for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
    }
    out += line + "\n";
  }
  write_text(name, out);
  return name;
}

std::string iris_model() {
  const auto r =
      run_ember("train " + data("iris.csv") + " --target species --model gbdt --param n_estimators=5 " +
                "--no-track -o quantize_iris_small.ember");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return "quantize_iris_small.ember";
}

// Runs quantize, expecting failure with `exit_code`, a message holding
// `needle`, and no output file.
void refused(const std::string& args, int exit_code, const std::string& needle) {
  std::remove("quantize_refused.ember");
  const auto r = run_ember("quantize " + args + " -o quantize_refused.ember");
  CHECK_MESSAGE(r.exit_code == exit_code, r.err);
  CHECK_MESSAGE(contains(r.err, needle), r.err);
  CHECK(!exists("quantize_refused.ember"));
}

}  // namespace

TEST_CASE("quantize: bad calibration data is refused naming the column and row; nothing is written") {
  const std::string model = iris_model();
  write_text("quantize_no_petal.csv", "sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n");
  refused(model + " --calibration quantize_no_petal.csv", 1, "missing column 'petal_width'");
  // A constant or empty column that the model reads says nothing about its
  // range (a logistic regression reads every column); one it does not
  // read gets scale 1.
  const auto lr = run_ember("train " + data("iris.csv") +
                            " --target species --model logistic --no-track -o quantize_iris_lr.ember");
  REQUIRE_MESSAGE(lr.exit_code == 0, lr.err);
  refused("quantize_iris_lr.ember --calibration " + iris_with("quantize_const.csv", 0, "5"), 1,
          "column 'sepal_length' is constant");
  refused("quantize_iris_lr.ember --calibration " + iris_with("quantize_empty.csv", 1, ""), 1,
          "column 'sepal_width' has no value");
  const auto unread =
      run_ember("train " + data("iris.csv") +
                " --target species --model tree --param max_depth=1 --no-track -o quantize_stump.ember");
  REQUIRE_MESSAGE(unread.exit_code == 0, unread.err);
  const auto stump = run_ember(
      "quantize quantize_stump.ember --calibration quantize_empty.csv -o quantize_stump_q.ember --json");
  CHECK_MESSAGE(stump.exit_code == 0, stump.err);
  CHECK(contains(stump.out, "not read by the model (scale 1)"));
  refused(model + " --calibration " + iris_with("quantize_inf.csv", 2, "inf", 3), 1,
          "data row 3, column 'petal_length': inf");
  // --inputs int16: every numeric column needs its scale; values must fit.
  refused(model + " --calibration " + data("iris.csv") + " --inputs int16", 1,
          "--input-scale sepal_length=S");
  refused(model + " --calibration " + data("iris.csv") +
              " --inputs int16 --input-scale sepal_length=0.0001 --input-scale sepal_width=0.001"
              " --input-scale petal_length=0.001 --input-scale petal_width=0.001",
          1, "data row 1, column 'sepal_length': 5.1 is outside the int16 range");
  refused(model + " --calibration " + data("iris.csv") + " --input-scale nope=1", 1, "no numeric feature");
  // An integer model cannot be quantized again.
  const auto ok =
      run_ember("quantize " + model + " --calibration " + data("iris.csv") + " -o quantize_iris_q.ember");
  REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  refused("quantize_iris_q.ember --calibration " + data("iris.csv"), 1, "already an integer model");
}

TEST_CASE("quantize: usage errors exit 2; an output that is an input is refused") {
  const std::string model = iris_model();
  refused(model + " --calibration " + data("iris.csv") + " --bits 4", 2, "--bits must be 8 or 16");
  refused(model + " --calibration " + data("iris.csv") + " --inputs double", 2,
          "--inputs must be float or int16");
  refused(model + " --calibration " + data("iris.csv") + " --range percentile:70", 2, "percentile:P");
  refused(model + " --calibration " + data("iris.csv") + " --input-scale sepal_length=-1", 2,
          "--input-scale");
  refused(model, 2, "--calibration");
  const auto same = run_ember("quantize " + model + " --calibration " + data("iris.csv") + " -o " + model);
  CHECK(same.exit_code == 2);
  CHECK(contains(same.err, "is the same file as the input"));
  const auto no_out = run_ember("quantize " + model + " --calibration " + data("iris.csv"));
  CHECK(no_out.exit_code == 2);
}

TEST_CASE("quantize: extra and reordered calibration columns are matched by name; stated scales") {
  const std::string model = iris_model();
  write_text("quantize_reordered.csv",
             "extra,petal_width,species,petal_length,sepal_width,sepal_length\n"
             "x,0.2,setosa,1.4,3.5,5.1\ny,1.3,versicolor,4.1,2.8,5.7\nz,2.3,virginica,5.9,3.0,6.8\n");
  const auto r = run_ember("quantize " + model +
                           " --calibration quantize_reordered.csv -o quantize_reordered_q.ember --json");
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(json_number(r.out, "agreement") == 1.0);
  // Percentile ranges: values beyond them clamp.
  const auto p = run_ember("quantize " + model + " --calibration " + data("iris.csv") +
                           " --range percentile:1 -o quantize_pct_q.ember --json");
  REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  CHECK(contains(p.out, "\"rule\":\"percentile 1, aligned to the split thresholds\""));
  CHECK(json_number(p.out, "agreement") >= 0.99);
  // Sensor units: every numeric column stated (mm -> q = 100 x cm).
  const auto n = run_ember("quantize " + model + " --calibration " + data("iris.csv") +
                           " --inputs int16 --input-scale sepal_length=0.01 --input-scale sepal_width=0.01"
                           " --input-scale petal_length=0.01 --input-scale petal_width=0.01,-10"
                           " -o quantize_native_q.ember --json");
  REQUIRE_MESSAGE(n.exit_code == 0, n.err);
  CHECK(contains(n.out, "\"rule\":\"stated\""));
  const auto inspect = run_ember("inspect quantize_native_q.ember");
  CHECK(contains(inspect.out, "rows come from sensors as int16"));
  CHECK(contains(inspect.out, "-10"));
}

TEST_CASE("quantize: inspect, eval, predict and export-c work on integer models") {
  const std::string model = iris_model();
  const auto q =
      run_ember("quantize " + model + " --calibration " + data("iris.csv") + " -o quantize_iris_q.ember");
  REQUIRE_MESSAGE(q.exit_code == 0, q.err);
  CHECK(contains(q.out, "every decision equal to the float one"));
  const auto text = run_ember("inspect quantize_iris_q.ember");
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(contains(text.out, "integer tree ensemble"));
  CHECK(contains(text.out, "raw outputs Q16"));
  CHECK(contains(text.out, "link error 1.5e-05"));
  CHECK(contains(text.out, "zero point"));
  CHECK(contains(text.out, "-32768"));
  const auto json = run_ember("inspect quantize_iris_q.ember --json");
  CHECK(json_number(json.out, "out_frac_bits") == 16);
  CHECK(json_number(json.out, "missing_code") == -32768);
  const auto ev = run_ember("eval quantize_iris_q.ember " + data("iris.csv") + " --json");
  REQUIRE_MESSAGE(ev.exit_code == 0, ev.err);
  CHECK(json_number(ev.out, "accuracy") > 0.9);
  const auto pr = run_ember("predict quantize_iris_q.ember " + data("iris.csv") + " --proba");
  REQUIRE_MESSAGE(pr.exit_code == 0, pr.err);
  CHECK(contains(pr.out, "proba_setosa"));
  // Golden vectors of an integer model are integer ones (QGLD), replayed
  // by the self-test with predict_q.
  const auto ex =
      run_ember("export-c quantize_iris_q.ember -o quantize_iris_q.h --golden 7 " + data("iris.csv"));
  REQUIRE_MESSAGE(ex.exit_code == 0, ex.err);
  CHECK(contains(ex.out, "7 golden rows"));
  const std::string header = read_text("quantize_iris_q.h");
  CHECK(contains(header, "#define QUANTIZE_IRIS_Q_GOLDEN_ROWS 7u"));
}
