// The runs store (tools/host/run_store.h) below the CLI: YAML scalars as
// yaml.safe_load reads them, file URIs as pathlib's as_uri writes them,
// text that is not UTF-8, experiment ids, metric times, what a run costs in
// files, and the temporaries of dead processes.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "host/run_store.h"

namespace fs = std::filesystem;
using ember::host::MetricPoint;
using ember::host::RunRecord;
using ember::host::YamlScalar;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

// The one value of a one-line mapping "v: <scalar>".
YamlScalar round_trip(const std::string& value) {
  std::vector<std::pair<std::string, YamlScalar>> m;
  std::string problem;
  const bool ok =
      ember::host::parse_yaml_mapping("v: " + ember::host::yaml_scalar(value) + "\n", &m, &problem);
  INFO(problem);
  REQUIRE(ok);
  REQUIRE(m.size() == 1);
  return m[0].second;
}

RunRecord small_run(const std::string& experiment) {
  RunRecord run;
  run.experiment = experiment;
  run.name = "unit run";
  run.start_ms = 1700000000000;
  run.end_ms = 1700000005000;
  run.params = {{"model", "tree"}, {"nested/key", "v"}};
  run.tags = {{"ember.command", "train"}};
  run.metrics = {{"accuracy", 0.5, 0}, {"loss", 1.0, 1, 1700000001000}, {"loss", 0.5, 2, 1700000002000}};
  run.artifacts = {{"model.ember", "bytes"}};
  return run;
}

std::size_t entries_under(const fs::path& dir) {
  std::size_t n = 1;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST_CASE("run store: strings are YAML scalars that load back as the same string") {
  using ember::host::yaml_scalar;
  // safe_dump quotes what would otherwise resolve to another type.
  CHECK(yaml_scalar("0123") == "'0123'");
  CHECK(yaml_scalar("12345678901234567890123456789012") == "'12345678901234567890123456789012'");
  CHECK(yaml_scalar("it's") == "'it''s'");
  CHECK(yaml_scalar("") == "''");
  // Characters a single-quoted scalar cannot hold are escaped.
  CHECK(yaml_scalar("a\nb\tc") == "\"a\\nb\\tc\"");
  CHECK(yaml_scalar("x\xe2\x80\xa8y") == "\"x\\u2028y\"");
  CHECK(yaml_scalar("\x7f\"\\") == "\"\\x7f\\\"\\\\\"");
  for (const std::string s :
       {"0123", "yes", "~", "null", "1.5", "it's", "a: b", "# not a comment", "a\nb", " lead",
        "\xc3\xa9t\xc3\xa9", "tab\there", "\x01", "x\xe2\x80\xa8y", "\xef\xbb\xbf"}) {
    const YamlScalar v = round_trip(s);
    CHECK(v.quoted);
    CHECK(v.text == s);
  }
  // Bytes that are not UTF-8 cannot be in a YAML file: replaced.
  CHECK(round_trip("a\xff"
                   "b")
            .text ==
        "a\xef\xbf\xbd"
        "b");
}

TEST_CASE("run store: YAML mappings as MLflow writes them") {
  std::vector<std::pair<std::string, YamlScalar>> m;
  std::string problem;
  // Plain scalars (yaml.safe_dump's style), a folded long value, a list.
  REQUIRE(ember::host::parse_yaml_mapping(
      "artifact_uri: file:///tmp/mlruns/0/abc/artifacts\nend_time: null\nrun_name: a rather\n  long name\n"
      "status: 3\ntags: []\nuser_id: \"b\\xE9\\u00e9\"\n",
      &m, &problem));
  REQUIRE(m.size() == 6);
  CHECK(m[0].second.text == "file:///tmp/mlruns/0/abc/artifacts");
  CHECK(!m[0].second.quoted);
  CHECK(m[1].second.text == "null");
  CHECK(m[2].second.text == "a rather long name");
  CHECK(m[3].second.text == "3");
  CHECK(m[5].second.text == "b\xc3\xa9\xc3\xa9");
  // What safe_load refuses.
  for (const std::string bad : {"run_id: 'abc\n", "just text\n", "a: \"x\\q\"\n", "a: 'x' y\n", "a: \xff\n",
                                "  indented: 1\n", "a: \x01\n"}) {
    m.clear();
    CHECK_MESSAGE(!ember::host::parse_yaml_mapping(bad, &m, &problem), bad);
    CHECK(!problem.empty());
  }
}

TEST_CASE("run store: UTF-8 replacement and file URIs") {
  using ember::host::file_uri;
  using ember::host::utf8_text;
  CHECK(utf8_text("plain \xc3\xa9") == "plain \xc3\xa9");
  CHECK(utf8_text("a\xff"
                  "b") ==
        "a\xef\xbf\xbd"
        "b");
  // One U+FFFD per maximal invalid part, as Python's errors="replace".
  CHECK(utf8_text("\xe2\x82") == "\xef\xbf\xbd");
  CHECK(utf8_text("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(utf8_text("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(utf8_text("\xf4\x90\x80\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(utf8_text("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");
  // pathlib.PurePosixPath(p).as_uri(): quote_from_bytes with '/' safe.
  CHECK(file_uri("/a b/#c/~d-e_f.g/\xc3\xa9/%/?") == "file:///a%20b/%23c/~d-e_f.g/%C3%A9/%25/%3F");
  CHECK(file_uri("/x/./y/../z/") == "file:///x/z");
  CHECK(file_uri("/\xff") == "file:///%FF");
  const std::string rel = file_uri("rel dir");
  CHECK(rel.rfind("file:///", 0) == 0);
  CHECK(rel.size() > std::string("file:///rel%20dir").size());
  CHECK(rel.substr(rel.size() - 10) == "/rel%20dir");
}

TEST_CASE("run store: Default is 0, other ids follow the highest, deleted ones included") {
  fs::remove_all("store_ids");
  std::string id;
  ember::host::Error error;
  REQUIRE(ember::host::record_run("store_ids", small_run("X"), &id, &error));
  CHECK(fs::exists("store_ids/0/meta.yaml"));
  CHECK(slurp("store_ids/0/meta.yaml").find("name: 'Default'\n") != std::string::npos);
  CHECK(fs::exists("store_ids/1/" + id + "/meta.yaml"));
  CHECK(slurp("store_ids/1/meta.yaml").find("experiment_id: '1'\n") != std::string::npos);
  // An experiment deleted in MLflow sits in .trash under its id.
  fs::create_directories("store_ids/.trash/7");
  spit("store_ids/.trash/7/meta.yaml", "experiment_id: '7'\nlifecycle_stage: deleted\nname: old\n");
  REQUIRE(ember::host::record_run("store_ids", small_run("Y"), &id, &error));
  CHECK(fs::exists("store_ids/8/" + id));
  REQUIRE(ember::host::record_run("store_ids", small_run("X"), &id, &error));
  CHECK(fs::exists("store_ids/1/" + id));
  CHECK(!ember::host::record_run("store_ids", small_run("old"), &id, &error));
  CHECK(error.message.find("experiment 'old' is deleted") != std::string::npos);
  // Nothing but experiments and MLflow's own folders at the root.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator("store_ids")) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{".ember-tmp.trash", ".trash", "0", "1", "8"});
}

TEST_CASE("run store: metric points keep their own time; run_entries counts what is written") {
  fs::remove_all("store_points");
  std::string id;
  ember::host::Error error;
  const RunRecord run = small_run("Default");
  REQUIRE(ember::host::record_run("store_points", run, &id, &error));
  const fs::path dir = fs::path("store_points") / "0" / id;
  CHECK(slurp(dir / "metrics" / "loss") == "1700000001000 1 1\n1700000002000 0.5 2\n");
  CHECK(slurp(dir / "metrics" / "accuracy") == "1700000005000 0.5 0\n");  // no time given: the run's end
  CHECK(slurp(dir / "params" / "nested" / "key") == "v");
  CHECK(ember::host::run_entries(run) == entries_under(dir));
  // Values that are not UTF-8 are replaced in every file.
  RunRecord odd = small_run("Default");
  odd.tags.emplace_back("ember.data", "d\xff.csv");
  odd.name = "train tree d\xff.csv";
  REQUIRE(ember::host::record_run("store_points", odd, &id, &error));
  CHECK(slurp(fs::path("store_points") / "0" / id / "tags" / "ember.data") == "d\xef\xbf\xbd.csv");
  CHECK(slurp(fs::path("store_points") / "0" / id / "tags" / "mlflow.runName") ==
        "train tree d\xef\xbf\xbd.csv");
  CHECK(slurp(fs::path("store_points") / "0" / id / "meta.yaml")
            .find("run_name: 'train tree d\xef\xbf\xbd.csv'\n") != std::string::npos);
}

TEST_CASE("run store: reading back warns about a corrupt run and leaves it out") {
  fs::remove_all("store_read");
  std::string a, b;
  ember::host::Error error;
  REQUIRE(ember::host::record_run("store_read", small_run("Default"), &a, &error));
  REQUIRE(ember::host::record_run("store_read", small_run("Default"), &b, &error));
  std::vector<ember::host::StoredRun> runs;
  std::vector<std::string> warnings;
  REQUIRE(ember::host::read_runs("store_read", &runs, &warnings, &error));
  CHECK(runs.size() == 2);
  CHECK(warnings.empty());
  CHECK(runs[0].start_ms == 1700000000000);
  CHECK(runs[0].metric("loss") == 0.5);
  const std::string meta = "store_read/0/" + b + "/meta.yaml";
  spit(meta, "run_id: '" + b + "'\nexperiment_id: '0'\nstart_time: soon\n");
  REQUIRE(ember::host::read_runs("store_read", &runs, &warnings, &error));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].run_id == a);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find(meta + ": ") == 0);
  CHECK(warnings[0].find("start_time") != std::string::npos);
  // A missing folder is an error, not an empty store.
  CHECK(!ember::host::read_runs("store_read_missing", &runs, &warnings, &error));
  CHECK(error.file == "store_read_missing");
}

TEST_CASE("run store: the temporaries of dead processes are removed, a live one is kept") {
  fs::remove_all("store_stale");
  std::string id;
  ember::host::Error error;
  REQUIRE(ember::host::record_run("store_stale", small_run("Default"), &id, &error));
  const fs::path tmp = fs::path("store_stale") / ember::host::kTempFolder;
  REQUIRE(fs::is_directory(tmp));
  fs::create_directories(tmp / "run-dead" / "params");
  spit(tmp / "run-dead.lock", "");
  spit(tmp / "orphan.lock", "");  // its folder never made
  fs::create_directories(tmp / "run-live");
  spit(tmp / "run-live.lock", "");
  const int fd = ::open((tmp / "run-live.lock").c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  CHECK(ember::host::remove_stale_run_temporaries("store_stale") == 2);
  CHECK(!fs::exists(tmp / "run-dead"));
  CHECK(!fs::exists(tmp / "run-dead.lock"));
  CHECK(!fs::exists(tmp / "orphan.lock"));
  CHECK(fs::exists(tmp / "run-live"));
  CHECK(fs::exists(tmp / "run-live.lock"));
  ::close(fd);
  CHECK(ember::host::remove_stale_run_temporaries("store_stale") == 1);
  CHECK(!fs::exists(tmp / "run-live"));
}
