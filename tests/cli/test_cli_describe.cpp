// `ember describe`: the text report's warnings on data made to trigger them,
// --json, the self-contained --html report, and failures that write nothing.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;

namespace {

// 100 rows: income 41% missing, k constant, s skewed, x3 and x7 nearly
// equal, y 5 "yes" to 95 "no" (1:19).
std::string warning_data() {
  std::string text = "income,k,s,x3,x7,y\n";
  for (int i = 0; i < 100; ++i) {
    const std::string income = i % 100 < 41 ? "" : std::to_string(1000 + (i * 37) % 500);
    const std::string s = i < 2 ? "500" : std::to_string(i % 3);
    const int x3 = (i * 13) % 50;
    const int x7 = x3 + (i % 2);
    text += income + ",7," + s + "," + std::to_string(x3) + "," + std::to_string(x7) + "," +
            (i % 20 == 0 ? "yes" : "no") + "\n";
  }
  return text;
}

bool exists(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f != nullptr) std::fclose(f);
  return f != nullptr;
}

}  // namespace

TEST_CASE("describe prints the statistics and the warnings") {
  write_text("describe_warn.csv", warning_data());
  const auto r = run_ember("describe describe_warn.csv --target y");
  std::remove("describe_warn.csv");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "describe_warn.csv: 100 rows, 6 columns (target: y)\n"));
  CHECK(contains(r.out, "Warnings:\n"));
  CHECK(contains(r.out, "  - income: 41% missing\n"));
  CHECK(contains(r.out, "  - k: constant\n"));
  CHECK(contains(r.out, "  - s: skewed (skew = "));
  CHECK(contains(r.out, "  - class imbalance 1:19\n"));
  CHECK(contains(r.out, "  - x3 and x7 correlated (r = 1.00)\n"));
  CHECK(contains(r.out, "Target y: 2 classes\n"));
  CHECK(contains(r.out, "Variance inflation factors (59 complete rows):\n"));
}

TEST_CASE("describe --warn moves the thresholds") {
  write_text("describe_warn2.csv", warning_data());
  // Each threshold just above the data's value: those warnings go, the
  // constant column (no threshold) stays.
  const auto r = run_ember(
      "describe describe_warn2.csv --target y --warn "
      "missing=0.42,skew=100,imbalance=19,correlation=1,vif=1e300");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(!contains(r.out, "missing\n"));
  CHECK(!contains(r.out, "skewed"));
  CHECK(!contains(r.out, "class imbalance"));  // 1:19 is not above 19
  CHECK(!contains(r.out, "correlated (r = "));
  CHECK(contains(r.out, "  - k: constant\n"));
  // Lower ones add warnings.
  const auto low = run_ember("describe describe_warn2.csv --target y --warn missing=0.4,imbalance=18.9");
  CHECK(contains(low.out, "  - income: 41% missing\n"));
  CHECK(contains(low.out, "  - class imbalance 1:19\n"));
  std::remove("describe_warn2.csv");
  const auto bad = run_ember("describe " + data("iris.csv") + " --warn correlation=1.5");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "--warn correlation=1.5: correlation must be a number in [0, 1]"));
  const auto typo = run_ember("describe " + data("iris.csv") + " --warn vfi=3");
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "did you mean 'vif'?"));
}

TEST_CASE("describe reports VIF inf for collinear features and multicollinear warnings") {
  std::string text = "a,b,c\n";
  for (int i = 0; i < 30; ++i) {
    const int a = (i * 7) % 11, b = (i * 5) % 13;
    text += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(a + b) + "\n";
  }
  write_text("describe_vif.csv", text);
  const auto r = run_ember("describe describe_vif.csv");
  std::remove("describe_vif.csv");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "  a: inf\n"));
  CHECK(contains(r.out, "  - c: VIF inf (multicollinear)\n"));
  CHECK(contains(r.out, "Warnings:\n"));
}

TEST_CASE("describe on breast_cancer: the class balance and multicollinear features") {
  const auto r = run_ember("describe " + data("breast_cancer.csv") + " --target diagnosis");
  CHECK(r.exit_code == 0);
  // 357 benign, 212 malignant (sklearn.datasets.load_breast_cancer).
  CHECK(contains(r.out, "  benign         357   62.7%\n"));
  CHECK(contains(r.out, "  malignant      212   37.3%\n"));
  CHECK(contains(r.out, "Correlation: a 30 x 30 matrix (in --json and --html)\n"));
  CHECK(contains(r.out, "  mean_radius and mean_perimeter: 0.9979\n"));
  CHECK(contains(r.out, "  - mean_radius: VIF 3806.1 (multicollinear)\n"));
  CHECK(!contains(r.out, "class imbalance"));
}

TEST_CASE("describe --json holds every part of the report") {
  const auto r = run_ember("describe " + data("iris.csv") + " --json --target species");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::string& o = r.out;
  CHECK(o.rfind("{\"file\":\"" + data("iris.csv") + "\",\"rows\":150,\"n_columns\":5,", 0) == 0);
  CHECK(contains(
      o,
      "\"target\":{\"name\":\"species\",\"kind\":\"classes\",\"classes\":[{\"label\":\"setosa\","
      "\"count\":50},{\"label\":\"versicolor\",\"count\":50},{\"label\":\"virginica\",\"count\":50}]}"));
  CHECK(contains(o,
                 "{\"name\":\"sepal_length\",\"type\":\"numeric\",\"missing\":0,\"missing_fraction\":0,"
                 "\"distinct\":35,\"mean\":5.8433333"));
  CHECK(contains(o,
                 "\"q25\":5.099999904632568,\"median\":5.800000190734863,\"q75\":6.400000095367432,"
                 "\"max\":7.900000095367432,\"skew\":0.3149109"));
  CHECK(contains(o, "\"zeros\":0,\"top\":[]}"));
  CHECK(contains(o,
                 "{\"name\":\"species\",\"type\":\"categorical\",\"missing\":0,\"missing_fraction\":0,"
                 "\"distinct\":3,\"mean\":null,"));
  CHECK(contains(o, "\"top\":[{\"label\":\"setosa\",\"count\":50},"));
  CHECK(contains(o,
                 "\"correlation\":{\"columns\":[\"sepal_length\",\"sepal_width\",\"petal_length\","
                 "\"petal_width\"],\"matrix\":[[1,-0.11756981"));
  CHECK(contains(o, "\"top_pairs\":[{\"a\":\"petal_length\",\"b\":\"petal_width\",\"r\":0.96286542"));
  CHECK(contains(o, "\"vif\":[{\"column\":\"sepal_length\",\"vif\":7.0727224"));
  CHECK(
      contains(o,
               "\"warnings\":[\"petal_length and petal_width correlated (r = 0.96)\","
               "\"petal_length: VIF 31.3 (multicollinear)\",\"petal_width: VIF 16.1 (multicollinear)\"]}\n"));
}

TEST_CASE("describe --json: a regression target's summary, no target, missing values") {
  const auto d = run_ember("describe " + data("diabetes.csv") + " --json --target progression");
  CHECK(d.exit_code == 0);
  CHECK(contains(d.out,
                 "\"target\":{\"name\":\"progression\",\"kind\":\"numeric\",\"summary\":{\"mean\":152.13"));
  // Reference counts from Python's csv module: 344 rows; 2 missing in each
  // of the four measurements, 11 in sex.
  const auto p = run_ember("describe " + data("penguins.csv") + " --json");
  CHECK(p.exit_code == 0);
  CHECK(contains(p.out, "\"rows\":344"));
  CHECK(contains(p.out, "\"target\":null"));
  CHECK(contains(p.out, "{\"name\":\"body_mass_g\",\"type\":\"numeric\",\"missing\":2,"));
  CHECK(contains(p.out, "{\"name\":\"sex\",\"type\":\"categorical\",\"missing\":11,"));
  CHECK(contains(p.out, "\"top\":[{\"label\":\"male\",\"count\":168},{\"label\":\"female\",\"count\":165}]"));
}

TEST_CASE("describe --html writes one self-contained report") {
  std::string text = warning_data();
  text.replace(0, 6, "<b>&x");  // a column name that must be escaped
  write_text("describe_html.csv", text);
  std::remove("describe_report.html");
  const auto r = run_ember("describe describe_html.csv --target y --html describe_report.html");
  std::remove("describe_html.csv");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "Warnings:"));
  const std::string html = read_text("describe_report.html");
  std::remove("describe_report.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<svg"));
  CHECK(contains(html, "&lt;b&gt;&amp;x"));
  CHECK(!contains(html, "<b>&x"));
  CHECK(contains(html, "class imbalance 1:19"));
  CHECK(contains(html, "Correlation"));
  CHECK(!contains(html, "http://"));
  CHECK(!contains(html, "https://"));
  CHECK(!contains(html, "<script"));
  CHECK(contains(html, "</html>"));
}

TEST_CASE("describe fails cleanly and writes nothing") {
  SUBCASE("an unwritable --html path") {
    const auto r = run_ember("describe " + data("iris.csv") + " --html no_such_dir/report.html");
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "ember describe: no_such_dir/report.html: cannot create"));
    CHECK(!exists("no_such_dir/report.html"));
  }
  SUBCASE("a missing file with --html") {
    const auto r = run_ember("describe " + data("no_such_file.csv") + " --html describe_none.html");
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(!exists("describe_none.html"));
  }
  SUBCASE("an unknown target with --html") {
    const auto r = run_ember("describe " + data("iris.csv") + " --target specis --html describe_none.html");
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "unknown target column 'specis'; did you mean 'species'?"));
    CHECK(!exists("describe_none.html"));
  }
}
