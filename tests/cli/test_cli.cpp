// End-to-end tests of the `ember` executable: exit codes, stdout, stderr.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::run_ember;

TEST_CASE("ember --version prints the project version") {
  const auto r = run_ember("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ember " EMBER_VERSION "\n");
  CHECK(r.err.empty());
}

TEST_CASE("usage errors exit with 2 and explain themselves on stderr") {
  SUBCASE("no command") {
    const auto r = run_ember("");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "usage: ember COMMAND"));
  }
  SUBCASE("an unknown command gets a suggestion") {
    const auto r = run_ember("describ x.csv");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "ember: unknown command 'describ'; did you mean 'describe'?"));
  }
  SUBCASE("an unknown option gets a suggestion") {
    const auto r = run_ember("describe " + data("iris.csv") + " --jsn");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "ember describe: unknown option '--jsn'; did you mean '--json'?"));
  }
  SUBCASE("a missing file argument") {
    const auto r = run_ember("describe");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "missing argument: usage: ember describe DATA.csv [options]"));
  }
  SUBCASE("a bad --type") {
    const auto r = run_ember("describe " + data("iris.csv") + " --type species=text");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--type takes COL=numeric or COL=categorical, got 'species=text'"));
  }
  SUBCASE("an option missing its value") {
    const auto r = run_ember("describe " + data("iris.csv") + " --target");
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "option '--target' needs a value (COL)"));
  }
}

TEST_CASE("--help works for the tool and for every command") {
  const auto top = run_ember("--help");
  CHECK(top.exit_code == 0);
  CHECK(contains(top.out, "describe"));
  const auto sub = run_ember("describe --help");
  CHECK(sub.exit_code == 0);
  CHECK(contains(sub.out, "usage: ember describe DATA.csv [options]"));
  CHECK(contains(sub.out, "--json"));
  CHECK(contains(sub.out, "--delimiter CHAR"));
  CHECK(run_ember("help describe").out == sub.out);
}

TEST_CASE("describe prints a table without --json") {
  const auto r = run_ember("describe " + data("airquality.csv"));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, data("airquality.csv") + ": 153 rows, 6 columns\n"));
  // Ozone has 37 missing values and Solar.R 7 (R's datasets::airquality
  // docs); the statistics are checked against NumPy in test_data_profile.
  CHECK(contains(r.out, "   1  Ozone    numeric         37 (24.2%)        67"));
  CHECK(contains(r.out, "   2  Solar.R  numeric           7 (4.6%)       117"));
  CHECK(contains(r.out, "  - Ozone: 24% missing\n"));
}

TEST_CASE("describe reports bad data with its place and exits 1") {
  SUBCASE("a missing file") {
    const auto r = run_ember("describe " + data("no_such_file.csv"));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "ember describe: " + data("no_such_file.csv")));
    CHECK(r.out.empty());
  }
  SUBCASE("a ragged row") {
    const auto r = run_ember("describe " + data("malformed/ragged.csv"));
    CHECK(r.exit_code == 1);
    CHECK(r.err == "ember describe: " + data("malformed/ragged.csv") +
                       ":3:1: ragged row: expected 3 fields, found 2\n");
  }
  SUBCASE("an unterminated quote") {
    const auto r = run_ember("describe " + data("malformed/unterminated_quote.csv"));
    CHECK(r.exit_code == 1);
    CHECK(r.err == "ember describe: " + data("malformed/unterminated_quote.csv") +
                       ":2:3: unterminated quoted field\n");
  }
  SUBCASE("an unknown target") {
    const auto r = run_ember("describe " + data("iris.csv") + " --target specis");
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "unknown target column 'specis'; did you mean 'species'?"));
  }
}

TEST_CASE("describe reads other delimiters and type overrides") {
  const std::string path = "ember_cli_semicolon.csv";
  {
    std::ofstream f(path);
    f << "id;label\n1;a\n2;b\n3;\n";
  }
  const auto r = run_ember("describe " + path + " --delimiter ';' --type id=categorical --json");
  std::remove(path.c_str());
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "\"rows\":3,\"n_columns\":2"));
  CHECK(contains(r.out, "{\"name\":\"id\",\"type\":\"categorical\",\"missing\":0,"));
  CHECK(contains(r.out, "{\"name\":\"label\",\"type\":\"categorical\",\"missing\":1,"));
  CHECK(contains(r.out, "\"distinct\":2,"));
}
