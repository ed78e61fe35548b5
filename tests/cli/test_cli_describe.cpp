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
                 "\"pos_inf\":0,\"neg_inf\":0,\"distinct\":35,\"mean\":5.8433333"));
  CHECK(contains(o,
                 "\"q25\":5.099999904632568,\"median\":5.800000190734863,\"q75\":6.400000095367432,"
                 "\"max\":7.900000095367432,\"skew\":0.3149109"));
  CHECK(contains(o, "\"zeros\":0,\"top\":[]}"));
  CHECK(contains(o,
                 "{\"name\":\"species\",\"type\":\"categorical\",\"missing\":0,\"missing_fraction\":0,"
                 "\"pos_inf\":0,\"neg_inf\":0,\"distinct\":3,\"mean\":null,"));
  CHECK(contains(o, "\"top\":[{\"label\":\"setosa\",\"count\":50},"));
  CHECK(contains(o,
                 "\"correlation\":{\"columns\":[\"sepal_length\",\"sepal_width\",\"petal_length\","
                 "\"petal_width\"],\"matrix\":[[1,-0.11756981"));
  CHECK(contains(o, "]],\"numeric_features\":4,\"capped\":false},"));
  CHECK(contains(o, "\"top_pairs\":[{\"a\":\"petal_length\",\"b\":\"petal_width\",\"r\":0.96286542"));
  CHECK(contains(o, "\"vif\":[{\"column\":\"sepal_length\",\"vif\":7.0727224"));
  CHECK(contains(o,
                 "\"warnings\":[\"petal_length and petal_width correlated (r = 0.96)\","
                 "\"petal_length: VIF 31.3 (multicollinear)\",\"petal_width: VIF 16.1 (multicollinear)\"],"
                 "\"notes\":[]}\n"));
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

// ---------------------------------------------------------------------------
// Hardening (issue 16).

TEST_CASE("describe: infinite values are counted apart and left out of the statistics") {
  write_text("describe_inf.csv", "x,y\n1,2\n-inf,3\n2,5\n3,7\ninf,4\ninf,6\n");
  const auto r = run_ember("describe describe_inf.csv");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  // x: mean of 1, 2, 3; its min and max finite; 5 distinct values.
  CHECK(
      contains(r.out, "   1  x       numeric           0 (0.0%)         5          2          1          1"));
  CHECK(contains(r.out, "  - x: 3 infinite values (2 inf, 1 -inf) left out of the statistics\n"));
  const auto j = run_ember("describe describe_inf.csv --json");
  CHECK(j.exit_code == 0);
  CHECK(contains(j.out,
                 "{\"name\":\"x\",\"type\":\"numeric\",\"missing\":0,\"missing_fraction\":0,\"pos_inf\":2,"
                 "\"neg_inf\":1,\"distinct\":5,\"mean\":2,\"std\":1,\"min\":1,"));
  CHECK(contains(j.out, "\"x: 3 infinite values (2 inf, 1 -inf) left out of the statistics\""));
  std::remove("describe_inf_report.html");
  REQUIRE(run_ember("describe describe_inf.csv --html describe_inf_report.html").exit_code == 0);
  const std::string html = read_text("describe_inf_report.html");
  std::remove("describe_inf_report.html");
  std::remove("describe_inf.csv");
  CHECK(contains(html, "<th>infinite</th>"));
  CHECK(contains(html, "3 infinite values (2 inf, 1 -inf) left out of the statistics"));
  CHECK(contains(html, "numeric, 0 missing, 3 infinite, 5 distinct"));
  // x's histogram spans 1..3 and holds the three finite values, one each
  // in bins 1, 11 and 20 (not every value in the last bin).
  const std::size_t from = html.find("<h3>x</h3>"), to = html.find("<h3>y</h3>");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string card = html.substr(from, to - from);
  std::size_t ones = 0, zeros = 0;
  for (std::size_t at = card.find("<title>1</title>"); at != std::string::npos;
       at = card.find("<title>1</title>", at + 1))
    ++ones;
  for (std::size_t at = card.find("<title>0</title>"); at != std::string::npos;
       at = card.find("<title>0</title>", at + 1))
    ++zeros;
  CHECK(ones == 3);
  CHECK(zeros == 17);
  CHECK(contains(card, ">1</text><text x=\"320.0\""));
  CHECK(contains(card, ">3</text></svg>"));
}

namespace {

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

TEST_CASE("describe cuts and pads names by characters, not bytes") {
  // 13 characters in 26 bytes, and a short name.
  const std::string long_name =
      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
      "\xC3\xA9\xC3\xA9\xC3\xA9";
  std::string text = long_name + ",b\n";
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + "," + std::to_string((i * 7) % 10) + "\n";
  write_text("describe_utf8.csv", text);
  const auto r = run_ember("describe describe_utf8.csv");
  std::remove("describe_utf8.csv");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "   1  " + long_name + "  numeric"));
  CHECK(contains(r.out, "   2  b" + std::string(12, ' ') + "  numeric"));
  // The correlation header: 10 characters of the name, never half a one.
  const std::string ten = long_name.substr(0, 20);
  CHECK(contains(r.out, std::string(12, ' ') + "  " + ten + "           b\n"));
  CHECK(contains(r.out, "\n  " + ten + "           1"));
  CHECK(valid_utf8(r.out));
}

TEST_CASE("describe on wide data: the column-pair parts are capped, and the VIF says inf") {
  // 200 rows x 2000 columns: more features than rows, so every feature is
  // collinear with the others (VIF inf), and above the cap of 500.
  std::string text;
  for (int j = 0; j < 2000; ++j) text += (j ? ",c" : "c") + std::to_string(j);
  text += "\n";
  std::uint32_t state = 12345;
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < 2000; ++j) {
      state = state * 1664525u + 1013904223u;
      text += (j ? "," : "") + std::to_string(state >> 22);
    }
    text += "\n";
  }
  write_text("describe_wide.csv", text);
  const auto r = run_ember("describe describe_wide.csv");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(
      r.out,
      "Note: correlation, pairs and VIF cover the first 500 of 2000 numeric columns (describe's limit "
      "for these parts, whose cost grows with the square of the columns)\n"));
  CHECK(contains(r.out, "Correlation: a 500 x 500 matrix (in --json and --html)\n"));
  CHECK(contains(r.out, "Variance inflation factors (200 complete rows):\n  c0: inf\n  c1: inf\n"));
  CHECK(contains(r.out, "  c499: inf\n"));
  CHECK(!contains(r.out, "  c500: "));
  const auto j = run_ember("describe describe_wide.csv --json");
  CHECK(j.exit_code == 0);
  CHECK(contains(j.out, "\"numeric_features\":2000,\"capped\":true}"));
  CHECK(
      contains(j.out, "\"notes\":[\"correlation, pairs and VIF cover the first 500 of 2000 numeric columns"));
  std::remove("describe_wide.html");
  REQUIRE(run_ember("describe describe_wide.csv --html describe_wide.html").exit_code == 0);
  const std::string html = read_text("describe_wide.html");
  std::remove("describe_wide.html");
  std::remove("describe_wide.csv");
  CHECK(contains(html, "correlation, pairs and VIF cover the first 500 of 2000 numeric columns"));
  CHECK(contains(html, "The heatmap shows the first 100 of these 500 columns"));
  CHECK(html.size() < 20u * 1024 * 1024);
}

TEST_CASE("describe reads a pipe once, even when a column needs a second look") {
  // v turns from numbers to text on its third row: read again as text.
  write_text("describe_pipe.csv", "v,w\n1,2\n2,3\nlow,4\n");
  const std::string out = ember::test::run_shell("cat describe_pipe.csv | " EMBER_CLI
                                                 " describe /dev/stdin --json; echo \"exit=$?\"");
  std::remove("describe_pipe.csv");
  CHECK(contains(out, "exit=0"));
  CHECK(contains(out, "{\"file\":\"/dev/stdin\",\"rows\":3,\"n_columns\":2,"));
  CHECK(contains(out, "{\"name\":\"v\",\"type\":\"categorical\",\"missing\":0,"));
}

TEST_CASE("describe reads old Mac files (CR line ends) and names an empty header cell truly") {
  write_text("describe_cr.csv", "a,b\r1,x\r2,y\r3,x\r");
  const auto r = run_ember("describe describe_cr.csv");
  std::remove("describe_cr.csv");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "describe_cr.csv: 3 rows, 2 columns\n"));
  write_text("describe_empty_name.csv", "a,,column_2\n1,2,3\n4,5,6\n");
  const auto e = run_ember("describe describe_empty_name.csv");
  std::remove("describe_empty_name.csv");
  INFO(e.err);
  CHECK(e.exit_code == 0);
  CHECK(contains(e.out, "   2  column_2.1"));
  CHECK(contains(e.out, "   3  column_2  "));
}
