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

// ---------------------------------------------------------------------------
// Hardening (issue 16): outputs over inputs, memory exhaustion, inputs that
// are not regular files, streaming synth, stale temporaries.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define EMBER_CLI_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMBER_CLI_TEST_ASAN 1
#endif
#endif

namespace {

using ember::test::read_text;
using ember::test::run_shell;
using ember::test::write_text;

// Whether the CLI runs under an emulator (qemu-user, when cross-compiled):
// its JIT needs more address space than the limits below allow.
bool emulated() { return std::string(EMBER_CLI).find("qemu") != std::string::npos; }

// Whether `ulimit -v` can bound the CLI's memory: not under AddressSanitizer
// (which reserves terabytes of address space up front) or an emulator.
bool can_limit_memory() {
#if defined(EMBER_CLI_TEST_ASAN)
  return false;
#else
  return !emulated();
#endif
}

// "ulimit -v KB; " where that works, else "".
std::string memory_limit(std::size_t kilobytes) {
  return can_limit_memory() ? "ulimit -v " + std::to_string(kilobytes) + "; " : "";
}

// Runs `shell` through /bin/sh; the result's exit code, stdout and stderr.
ember::test::RunResult run_sh(const std::string& shell) {
  const std::string out = run_shell("(" + shell + ") 2>hardening_stderr.txt; echo \"exit=$?\"");
  ember::test::RunResult r;
  const std::size_t at = out.rfind("exit=");
  REQUIRE(at != std::string::npos);
  r.exit_code = std::atoi(out.c_str() + at + 5);
  r.out = out.substr(0, at);
  r.err = read_text("hardening_stderr.txt");
  std::remove("hardening_stderr.txt");
  return r;
}

// A process id that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return child;
}

// An empty file of `bytes` bytes that takes no disk (sparse); false where
// file offsets are 32 bits (ARM32 without large-file support).
bool sparse_file(const std::string& path, long long bytes) {
  if (sizeof(off_t) < sizeof(long long)) return false;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::fclose(f);
  return ::truncate(path.c_str(), static_cast<off_t>(bytes)) == 0;
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("an output that is the same file as an input is refused and the input kept") {
  const std::string iris = read_text(data("iris.csv"));
  write_text("same_d.csv", iris);
  write_text("same_v.csv", iris);
  REQUIRE(run_ember("train same_d.csv --target species --model tree --no-track -o same_m.ember").exit_code ==
          0);
  const std::string model = read_text("same_m.ember");
  ::unlink("same_hard.csv");
  ::unlink("same_sym.csv");
  REQUIRE(::link("same_d.csv", "same_hard.csv") == 0);
  REQUIRE(::symlink("same_d.csv", "same_sym.csv") == 0);
  struct Case {
    const char* args;
    const char* refused;  // the output named in the message
  };
  const Case cases[] = {
      {"train same_d.csv --target species --model tree --no-track -o same_d.csv", "same_d.csv"},
      {"train same_d.csv --target species --model tree --no-track -o same_hard.csv", "same_hard.csv"},
      {"train same_sym.csv --target species --model tree --no-track -o same_d.csv", "same_d.csv"},
      {"train same_d.csv --target species --model gbdt --param n_estimators=3 --valid same_v.csv --no-track "
       "-o same_v.csv",
       "same_v.csv"},
      {"predict same_m.ember same_d.csv -o same_d.csv", "same_d.csv"},
      {"predict same_m.ember same_d.csv -o same_m.ember", "same_m.ember"},
      {"describe same_d.csv --html same_d.csv", "same_d.csv"},
      {"describe same_d.csv --html same_sym.csv", "same_sym.csv"},
      {"export-c same_m.ember -o same_m.ember", "same_m.ember"},
      {"export-c same_m.ember --golden 3 same_d.csv -o same_d.csv", "same_d.csv"},
      {"search same_d.csv --target species --model tree --grid max_depth=2,3 --no-track -o same_d.csv",
       "same_d.csv"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const auto r = run_ember(c.args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, std::string(c.refused) + ": is the same file as the input "));
    CHECK(contains(r.err, "refusing to write over it"));
    CHECK(read_text("same_d.csv") == iris);
    CHECK(read_text("same_v.csv") == iris);
    CHECK(read_text("same_m.ember") == model);
  }
  // Another path is fine.
  CHECK(run_ember("predict same_m.ember same_d.csv -o same_out.csv").exit_code == 0);
  for (const char* f :
       {"same_d.csv", "same_v.csv", "same_m.ember", "same_hard.csv", "same_sym.csv", "same_out.csv"})
    std::remove(f);
}

TEST_CASE("running out of memory is a message naming the command, not an abort") {
  if (!can_limit_memory()) {
    MESSAGE("skipped: ulimit -v does not apply under AddressSanitizer or an emulator");
    return;
  }
  // 20 million rows: the column alone needs 80 MB, more than 150 MB of
  // address space allows once the reader's vectors grow.
  {
    std::FILE* f = std::fopen("oom.csv", "wb");
    REQUIRE(f != nullptr);
    std::string chunk = "x\n";
    for (int i = 0; i < 1000000; ++i) chunk += "1\n";
    for (int k = 0; k < 20; ++k) std::fwrite(chunk.data(), 1, k == 0 ? chunk.size() : chunk.size() - 2, f);
    std::fclose(f);
  }
  const auto r = run_sh(memory_limit(150000) + EMBER_CLI " describe oom.csv");
  std::remove("oom.csv");
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "ember describe: out of memory"));
  CHECK(contains(r.err, "oom.csv"));
}

TEST_CASE("synth streams its output: a file larger than the memory limit") {
  // 500,000 rows x 20 features is about 110 MB of text and 40 MB of values:
  // more than 150 MB of address space holds at once.
  if (emulated()) {
    MESSAGE("skipped under an emulator: 110 MB of output is slow there, and ulimit -v does not apply");
    return;
  }
  std::remove("synth_big.csv");
  const auto r =
      run_sh(memory_limit(150000) + EMBER_CLI " synth -o synth_big.csv --rows 500000 --features 20");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "wrote synth_big.csv: 500000 rows, 20 features and a target (binary)"));
  CHECK(run_shell("wc -l < synth_big.csv") == "500001\n");
  CHECK(run_shell("head -c 9 synth_big.csv") == "f0,f1,f2,");
  std::remove("synth_big.csv");
}

TEST_CASE("synth's streamed file is the same as before, byte for byte") {
  // SHA-256 of the files the in-memory writer made (before streaming).
  struct Case {
    const char* args;
    const char* sha256;
  };
  const Case cases[] = {
      {"--task binary --rows 3000 --features 7 --categorical 2 --missing 0.1 --seed 11",
       "571784b59b0a4e2bbd580b88e074a583c47bf5a11a0fedd7c410f65cf550108e"},
      {"--task multiclass --rows 3000 --features 7 --categorical 2 --missing 0.1 --seed 11",
       "32509323070787b6c6b06b0f35f375d9241da77047e324212a65e2245217b756"},
      {"--task regression --rows 3000 --features 7 --categorical 2 --missing 0.1 --seed 11",
       "adb7af5030d1d9070c21e315622ac1a92ea7e8e87bb915f87e7db2c48295258d"},
      {"", "bc294168bcce26fa51331536075b71d67f88fec5f0605dc036872363c28c8946"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    REQUIRE(run_ember(std::string("synth -o synth_same.csv ") + c.args).exit_code == 0);
    CHECK(run_shell("sha256sum < synth_same.csv | cut -c1-64") == std::string(c.sha256) + "\n");
  }
  std::remove("synth_same.csv");
}

TEST_CASE("a write removes the temporaries that dead processes left for the same file") {
  const std::string dead = "stale_out.csv.tmp." + std::to_string(dead_pid());
  const std::string live = "stale_out.csv.tmp." + std::to_string(::getpid());
  const std::string other = "stale_other.csv.tmp." + std::to_string(dead_pid());
  write_text(dead, "half a file");
  write_text(live, "being written");
  write_text(other, "another target's");
  const auto r = run_ember("synth -o stale_out.csv --rows 10 --features 2");
  CHECK(r.exit_code == 0);
  CHECK(file_exists("stale_out.csv"));
  CHECK_FALSE(file_exists(dead));
  CHECK(file_exists(live));   // this process is alive
  CHECK(file_exists(other));  // not a temporary of this target
  for (const std::string& f : {dead, live, other, std::string("stale_out.csv")}) std::remove(f.c_str());
}

TEST_CASE("inputs that are not regular files are read up to a stated limit") {
  // Before: read until memory ran out. The limit keeps the test safe
  // either way (an abort instead of a machine out of memory).
  const std::string limit = memory_limit(4000000);
  SUBCASE("describe /dev/zero") {
    const auto r = run_sh(limit + EMBER_CLI " describe /dev/zero");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "ember describe: /dev/zero: not a regular file and longer than 1 GiB"));
  }
  SUBCASE("inspect /dev/zero") {
    const auto r = run_sh(limit + EMBER_CLI " inspect /dev/zero");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "ember inspect: /dev/zero: not a regular file and longer than 1 GiB"));
  }
  SUBCASE("a model file over the format's 4 GiB is refused before it is read") {
    std::remove("huge.ember");
    if (!sparse_file("huge.ember", 5LL << 30)) {
      MESSAGE("skipped: no 64-bit file offsets here");
      return;
    }
    const auto r = run_sh(limit + EMBER_CLI " inspect huge.ember");
    std::remove("huge.ember");
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "huge.ember: 5368709120 bytes: larger than the model format's limit of 4 GiB"));
  }
}

TEST_CASE("predict reads its data from a pipe, also when a column must be read again with the model's type") {
  std::string text = "code,label\n";
  for (int i = 0; i < 40; ++i) text += std::to_string(i % 3) + "," + (i % 3 == 1 ? "yes" : "no") + "\n";
  write_text("pipe_train.csv", text);
  REQUIRE(run_ember("train pipe_train.csv --target label --model tree --type code=categorical --no-track -o "
                    "pipe.ember")
              .exit_code == 0);
  // code looks numeric: predict reads the data again with code categorical.
  const auto r = run_sh("cat pipe_train.csv | " EMBER_CLI " predict pipe.ember /dev/stdin");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("prediction\nno\nyes\nno\n", 0) == 0);
  std::remove("pipe_train.csv");
  std::remove("pipe.ember");
}
