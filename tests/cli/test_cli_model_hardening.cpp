// Hostile model files through `ember inspect`, `predict` and `eval`
// (issue 16): every model here is valid for the runtime (load_model accepts
// it) but crafted the way an attacker would, since anyone can recompute a
// file's CRC. The host must refuse bad metadata with the field named, never
// crash, and stay small and fast whatever a file declares.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.h"
#include "ember/writer/model_writer.h"
#include "model_bytes.h"

using ember::Span;
using ember::StringView;
using ember::TreeNodeSpec;
using ember::TreeSpec;
using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;
namespace f = ember::format;

namespace {

StringView sv(const std::string& s) { return {s.data(), s.size()}; }

void save(const std::string& path, const ember::test::ModelBytes& bytes) {
  REQUIRE(bytes.status == ember::Status::ok);
  write_text(path, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size));
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

// What the rain model's metadata says; each test changes one part.
struct RainMeta {
  std::vector<std::string> features{"temp", "color"};
  std::vector<std::string> colors{"blue", "green", "red"};
  std::vector<std::string> classes{"no", "yes"};
  std::string target = "rain";
  std::string model = "gbdt";
  std::vector<std::pair<std::string, std::vector<float>>> floats;
  std::vector<std::pair<std::string, std::string>> strings;  // further string records
};

void put_list(ember::ModelWriter& w, const std::string& key, const std::vector<std::string>& values) {
  std::vector<StringView> views;
  for (const auto& v : values) views.push_back(sv(v));
  w.metadata_strings(sv(key), Span<const StringView>(views.data(), views.size()));
}

// The binary classifier of test_cli_model.cpp: one boosted tree on temp
// (numeric) and color (categorical, 3 labels), logistic link:
//   color is red -> +2.0; else temp < 10 -> -1.0; else +0.5.
void write_rain(const std::string& path, const RainMeta& meta) {
  save(path, ember::test::write_model([&](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 3};
         static const std::uint32_t red[] = {2};
         static const TreeNodeSpec nodes[] = {{-1, 1, 1, 0.0f, Span<const std::uint32_t>(red, 1), false},
                                              {-2, -3, 0, 10.0f, {}, false}};
         static const float leaves[] = {2.0f, -1.0f, 0.5f};
         static const float base[] = {0.0f};
         static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), Span<const float>(leaves, 3), 0};
         w.schema({f::Task::binary, 2, Span<const std::uint32_t>(cats, 2)});
         w.trees({2, 1, 1, f::Aggregation::sum, f::Link::logistic, Span<const float>(base, 1),
                  Span<const TreeSpec>(&tree, 1)});
         put_list(w, "features", meta.features);
         put_list(w, "categories.1", meta.colors);
         put_list(w, "classes", meta.classes);
         w.metadata_string(sv("target"), sv(meta.target));
         w.metadata_string(sv("model"), sv(meta.model));
         for (const auto& [key, values] : meta.floats)
           w.metadata_floats(sv(key), Span<const float>(values.data(), values.size()));
         for (const auto& [key, value] : meta.strings) w.metadata_string(sv(key), sv(value));
       }));
}

const char* const kRainCsv =
    "temp,color,rain\n"
    "5,red,yes\n"
    "5,blue,no\n"
    "20,green,yes\n";

// `ember ARGS` as run_ember runs it, with the peak resident memory of the
// process (wait4's rusage covers the shell and the ember it waited for, the
// emulator too when there is one) and the wall time.
struct Measured {
  ember::test::RunResult run;
  long max_rss_kib = -1;
  double seconds = -1;
};

Measured run_ember_measured(const std::string& args) {
  const std::string out_path = "ember_measured_stdout.txt", err_path = "ember_measured_stderr.txt";
  const std::string command = std::string(EMBER_CLI) + " " + args + " >" + out_path + " 2>" + err_path;
  Measured m;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.max_rss_kib = usage.ru_maxrss;
  m.run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m.run.out = read_text(out_path);
  m.run.err = read_text(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return m;
}

}  // namespace

TEST_CASE("a model that names two features the same is refused, naming the name (issue 16.1)") {
  RainMeta meta;
  meta.features = {"bill_length_mm", "bill_length_mm"};
  write_rain("dup_features.ember", meta);
  write_text("dup_features.csv", "bill_length_mm,rain\n5,yes\n");
  const std::string why =
      "dup_features.ember: metadata 'features': 'bill_length_mm' appears twice (entries 1 and 2); "
      "names must be unique\n";
  for (const char* command : {"predict", "eval", "inspect"}) {
    CAPTURE(command);
    const std::string csv = std::string(command) == "inspect" ? "" : " dup_features.csv";
    const auto r = run_ember(std::string(command) + " dup_features.ember" + csv);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "ember " + std::string(command) + ": " + why);
  }
  // The same for class labels and for the labels of a category.
  meta = RainMeta{};
  meta.classes = {"yes", "yes"};
  write_rain("dup_classes.ember", meta);
  const auto classes = run_ember("eval dup_classes.ember dup_features.csv");
  CHECK(classes.exit_code == 1);
  CHECK(classes.err ==
        "ember eval: dup_classes.ember: metadata 'classes': 'yes' appears twice (entries 1 and 2); "
        "labels must be unique\n");
  meta = RainMeta{};
  meta.colors = {"red", "green", "red"};
  write_rain("dup_colors.ember", meta);
  const auto colors = run_ember("predict dup_colors.ember dup_features.csv");
  CHECK(colors.exit_code == 1);
  CHECK(colors.err ==
        "ember predict: dup_colors.ember: metadata 'categories.1': 'red' appears twice (entries 1 and 3); "
        "labels must be unique\n");
  for (const char* p : {"dup_features.ember", "dup_classes.ember", "dup_colors.ember", "dup_features.csv"})
    std::remove(p);
}

TEST_CASE("a model whose target is one of its features is refused (issue 16.2)") {
  RainMeta meta;
  meta.target = "temp";
  write_rain("target_feature.ember", meta);
  write_text("target_feature.csv", "temp,color\n5,red\n20,blue\n");
  for (const char* command : {"eval", "predict"}) {
    CAPTURE(command);
    const auto r = run_ember(std::string(command) + " target_feature.ember target_feature.csv");
    CHECK(r.exit_code == 1);
    CHECK(r.err == "ember " + std::string(command) +
                       ": target_feature.ember: metadata 'target': 'temp' is also the name of feature 1; "
                       "a model cannot take its own target as an input\n");
  }
  std::remove("target_feature.ember");
  std::remove("target_feature.csv");
}

TEST_CASE("a model declaring 40 x 2^24 categories without labels costs O(labels present) (issue 16.3)") {
  // 40 categorical features of 2^24 categories each and no labels: about
  // 400 bytes of file that declare 671 million categories.
  constexpr std::uint32_t kFeatures = 40, kCategories = 1u << 24;
  save("bomb.ember", ember::test::write_model([&](ember::ModelWriter& w) {
         static std::vector<std::uint32_t> cats(kFeatures, kCategories);
         static const std::uint32_t left[] = {3, 1000};
         static const TreeNodeSpec nodes[] = {{-1, -2, 7, 0.0f, Span<const std::uint32_t>(left, 2), false}};
         static const float leaves[] = {1.0f, -1.0f};
         static const float base[] = {0.0f};
         static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 1), Span<const float>(leaves, 2), 0};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats.data(), cats.size())});
         w.trees({kFeatures, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
                  Span<const TreeSpec>(&tree, 1)});
       }));
  CHECK(read_text("bomb.ember").size() < 1024);
  // Without labels the code is the label: "3" is code 3; "03" and "x" are
  // labels the model never saw (as is "16777216" in the other columns); an
  // empty cell is missing (goes right).
  std::string header, row1, row2, row3, row4, row5;
  for (std::uint32_t j = 0; j < kFeatures; ++j) {
    const std::string sep = j ? "," : "";
    header += sep + "x" + std::to_string(j);
    row1 += sep + (j == 7 ? "3" : "0");
    row2 += sep + (j == 7 ? "1000" : "1");
    row3 += sep + (j == 7 ? "03" : "2");
    row4 += sep + (j == 7 ? "x" : "16777216");
    row5 += sep + (j == 7 ? "" : "5");
  }
  write_text("bomb.csv", header + "\n" + row1 + "\n" + row2 + "\n" + row3 + "\n" + row4 + "\n" + row5 + "\n");
  // Each run gets well under the 7.6 GB (and 17 s) that naming every
  // declared category took; 400 MB leaves room for sanitizers and qemu.
  constexpr long kMaxRssKib = 400 * 1024;
  for (const std::string args : {"inspect bomb.ember", "inspect bomb.ember --json",
                                 "predict bomb.ember bomb.csv", "predict bomb.ember bomb.csv --json"}) {
    CAPTURE(args);
    const Measured m = run_ember_measured(args);
    INFO(m.run.err);
    CHECK(m.run.exit_code == 0);
    CHECK(m.max_rss_kib > 0);
    CHECK(m.max_rss_kib < kMaxRssKib);
    CHECK(m.seconds < 10.0);
    if (args == "inspect bomb.ember") CHECK(contains(m.run.out, "categorical, 16777216 categories"));
    if (args == "predict bomb.ember bomb.csv") CHECK(m.run.out == "prediction\n1\n1\n-1\n-1\n-1\n");
  }
  std::remove("bomb.ember");
  std::remove("bomb.csv");
}

TEST_CASE("200,000 metadata strings or records decode in one pass (issue 16.4)") {
  // A list of 200,000 names for a model of 2 features (so it is not used)
  // and 200,000 records: the old decoding walked from the first entry for
  // each one, 45 s for inspect; one pass takes milliseconds. 10 s is a
  // bound loose enough for sanitizers and emulators.
  constexpr std::size_t kStrings = 200000;
  std::vector<std::string> many(kStrings);
  for (std::size_t i = 0; i < kStrings; ++i) many[i] = "n" + std::to_string(i);
  std::vector<StringView> views;
  for (const auto& s : many) views.push_back(sv(s));
  save("many_strings.ember", ember::test::write_model([&](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 0};
         static const float leaves[] = {1.5f};
         static const float base[] = {0.0f};
         static const TreeSpec tree{{}, Span<const float>(leaves, 1), 0};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
         w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
                  Span<const TreeSpec>(&tree, 1)});
         w.metadata_strings(sv(std::string("features")), Span<const StringView>(views.data(), views.size()));
         w.metadata_strings(sv(std::string("classes")), Span<const StringView>(views.data(), views.size()));
         w.metadata_strings(sv(std::string("steps")), Span<const StringView>(views.data(), views.size()));
         w.metadata_strings(sv(std::string("big")), Span<const StringView>(views.data(), views.size()));
       }));
  save("many_records.ember", ember::test::write_model([&](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 4};
         static const float leaves[] = {1.5f};
         static const float base[] = {0.0f};
         static const TreeSpec tree{{}, Span<const float>(leaves, 1), 0};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
         w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
                  Span<const TreeSpec>(&tree, 1)});
         for (std::size_t i = 0; i < kStrings; ++i) w.metadata_string(views[i], views[i]);
         static const std::string target = "target", y = "y";
         w.metadata_string(sv(target), sv(y));
       }));
  write_text("many.csv", "x0,x1,y\n1,0,1.5\n2,3,1.5\n");
  for (const std::string args : {"inspect many_strings.ember", "inspect many_strings.ember --json",
                                 "predict many_strings.ember many.csv", "inspect many_records.ember",
                                 "inspect many_records.ember --json", "predict many_records.ember many.csv",
                                 "eval many_records.ember many.csv"}) {
    CAPTURE(args);
    const Measured m = run_ember_measured(args);
    INFO(m.run.err);
    CHECK(m.run.exit_code == 0);
    CHECK(m.seconds < 10.0);
    if (args == "inspect many_records.ember --json") {
      CHECK(contains(m.run.out, "\"metadata_keys\":[\"n0\",\"n1\","));
      CHECK(contains(m.run.out, ",\"n199999\",\"target\"]"));
    }
    if (args == "inspect many_strings.ember") CHECK(contains(m.run.out, "  x1 "));
    if (args == "predict many_records.ember many.csv") CHECK(m.run.out == "prediction\n1.5\n1.5\n");
  }
  std::remove("many_strings.ember");
  std::remove("many_records.ember");
  std::remove("many.csv");
}

TEST_CASE("inf in a numeric feature: an error naming row and column, for every output (issue 16.6)") {
  write_rain("rain_inf.ember", RainMeta{});
  std::remove("rain_inf_out.csv");
  write_text("rain_inf.csv", "temp,color,rain\n5,red,yes\n-inf,blue,no\n20,green,yes\n");
  const std::string why =
      "rain_inf.csv: row 2: column 'temp' is -inf; infinite values are refused (an empty cell is a missing "
      "value)\n";
  for (const std::string args : {"predict", "predict --proba", "predict --json", "predict --proba --json",
                                 "predict -o rain_inf_out.csv", "eval", "eval --json"}) {
    CAPTURE(args);
    const std::string command = args.substr(0, args.find(' '));
    const auto r = run_ember(command + " rain_inf.ember rain_inf.csv" + args.substr(command.size()));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "ember " + command + ": " + why);
  }
  CHECK(!exists("rain_inf_out.csv"));
  // +inf in other spellings the reader accepts.
  for (const char* spelling : {"inf", "+Infinity", "INF"}) {
    CAPTURE(spelling);
    write_text("rain_inf.csv", std::string("temp,color\n5,red\n7,blue\n") + spelling + ",blue\n");
    const auto big = run_ember("predict rain_inf.ember rain_inf.csv --proba");
    CHECK(big.exit_code == 1);
    CHECK(big.out.empty());
    CHECK(contains(big.err, "rain_inf.csv: row 3: column 'temp' is inf;"));
  }
  // NaN stays "missing" and FLT_MAX is a number: both predict.
  write_text("rain_inf.csv", "temp,color\nNaN,red\n3.4028235e38,blue\n-3.4028235e38,blue\n");
  const auto ok = run_ember("predict rain_inf.ember rain_inf.csv");
  CHECK(ok.err.empty());
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "prediction\nyes\nyes\nno\n");
  std::remove("rain_inf.ember");
  std::remove("rain_inf.csv");
}

TEST_CASE("an output that overflows to inf or NaN is an error naming the row, not a label (issue 16.6)") {
  // Three classes, softmax of (x * 1e30, -x * 1e30, 0): x = 1e10 gives
  // scores inf, -inf and 0, whose softmax is NaN; the label output would
  // say class 'a' (the first of NaN probabilities).
  save("overflow.ember", ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0};
         static const float weights[] = {1e30f, -1e30f, 0.0f};
         static const float intercepts[] = {0.0f, 0.0f, 0.0f};
         static const std::string x = "x", a = "a", b = "b", c = "c", key = "features", classes = "classes",
                                  target = "target", y = "y";
         static const StringView features[] = {sv(x)};
         static const StringView labels[] = {sv(a), sv(b), sv(c)};
         w.schema({f::Task::multiclass, 3, Span<const std::uint32_t>(cats, 1)});
         w.linear({1, 3, f::Link::softmax, Span<const float>(weights, 3), Span<const float>(intercepts, 3)});
         w.metadata_strings(sv(key), Span<const StringView>(features, 1));
         w.metadata_strings(sv(classes), Span<const StringView>(labels, 3));
         w.metadata_string(sv(target), sv(y));
       }));
  write_text("overflow.csv", "x,y\n0.5,a\n1e10,b\n");
  for (const std::string args : {"predict", "predict --proba", "predict --json", "eval"}) {
    CAPTURE(args);
    const std::string command = args.substr(0, args.find(' '));
    const auto r = run_ember(command + " overflow.ember overflow.csv" + args.substr(command.size()));
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "ember " + command +
              ": overflow.csv: row 2: the model's output is not a finite number (inf) for this row's "
              "values (the largest in magnitude: column 'x' = 1e+10)\n");
  }
  std::remove("overflow.ember");
  std::remove("overflow.csv");
}

TEST_CASE("a missing number that the model cannot fill in is an error, not an empty cell (issue 16.6)") {
  // A linear model without an impute step (train --impute none) turns a
  // missing value into NaN: the prediction used to be an empty cell (or,
  // for classes, the first label).
  save("no_impute.ember", ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 0};
         static const float weights[] = {2.0f, 1.0f};
         static const float intercepts[] = {1.0f};
         static const std::string a = "a", b = "b", key = "features";
         static const StringView features[] = {sv(a), sv(b)};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
         w.linear({2, 1, f::Link::identity, Span<const float>(weights, 2), Span<const float>(intercepts, 1)});
         w.metadata_strings(sv(key), Span<const StringView>(features, 2));
       }));
  write_text("no_impute.csv", "a,b\n1,2\n3,\n");
  for (const char* json : {"", " --json"}) {
    const auto r = run_ember(std::string("predict no_impute.ember no_impute.csv") + json);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(
        r.err ==
        "ember predict: no_impute.csv: row 2: the model's output is not a finite number (nan) for this row's "
        "values (column 'b' is missing, and the model does not fill it in)\n");
  }
  write_text("no_impute.csv", "a,b\n1,2\n3,-1\n");
  CHECK(run_ember("predict no_impute.ember no_impute.csv").out == "prediction\n5\n6\n");
  std::remove("no_impute.ember");
  std::remove("no_impute.csv");
}

TEST_CASE("an unknown category made by an earlier step is reported with its row") {
  // A crafted pipeline: impute fills a missing color with code 7, which
  // the one-hot step after it (3 colors, unknown is an error) refuses. The
  // row is found although the CSV's label was fine (missing).
  save("fill_unknown.ember", ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 3};
         static const float fill[] = {0.0f, 7.0f};
         static const float weights[] = {1.0f, 10.0f, 20.0f, 30.0f};
         static const float intercept[] = {0.5f};
         static const std::string temp = "temp", color = "color", key = "features";
         static const StringView features[] = {sv(temp), sv(color)};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
         w.impute(Span<const float>(fill, 2), {});
         w.one_hot(Span<const std::uint32_t>(cats, 2), /*unknown_is_error=*/true);
         w.linear({4, 1, f::Link::identity, Span<const float>(weights, 4), Span<const float>(intercept, 1)});
         w.metadata_strings(sv(key), Span<const StringView>(features, 2));
       }));
  write_text("fill_unknown.csv", "temp,color\n1,0\n2,\n");
  const auto r = run_ember("predict fill_unknown.ember fill_unknown.csv");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "ember predict: fill_unknown.csv: row 2: unknown_category: a pipeline step met a category code outside "
        "those it knows\n");
  std::remove("fill_unknown.ember");
  std::remove("fill_unknown.csv");
}

TEST_CASE("eval: an infinite target value is an error naming the row (issue 16.6)") {
  save("reg.ember", ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0};
         static const float weights[] = {2.0f};
         static const float intercepts[] = {1.0f};
         static const std::string x = "x", key = "features", target = "target", y = "y";
         static const StringView features[] = {sv(x)};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 1)});
         w.linear({1, 1, f::Link::identity, Span<const float>(weights, 1), Span<const float>(intercepts, 1)});
         w.metadata_strings(sv(key), Span<const StringView>(features, 1));
         w.metadata_string(sv(target), sv(y));
       }));
  write_text("reg.csv", "x,y\n1,3\n2,inf\n");
  const auto r = run_ember("eval reg.ember reg.csv");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "ember eval: reg.csv: row 2: the target 'y' is inf; infinite values are refused\n");
  std::remove("reg.ember");
  std::remove("reg.csv");
}

TEST_CASE("eval bounds the classes it scores: the confusion matrix is classes x classes (issue 16.3)") {
  // 2^20 classes (what a file may declare, in 4 MiB of base scores) would
  // make an 8 TiB confusion matrix; above 4096 eval refuses up front.
  constexpr std::uint32_t kClasses = 4097;
  save("classes.ember", ember::test::write_model([&](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0};
         static const std::vector<float> base(kClasses, 0.0f);
         static const float leaves[] = {1.0f};
         static const TreeSpec tree{{}, Span<const float>(leaves, 1), 0};
         static const std::string target = "target", y = "y";
         w.schema({f::Task::multiclass, kClasses, Span<const std::uint32_t>(cats, 1)});
         w.trees({1, kClasses, 1, f::Aggregation::sum, f::Link::softmax,
                  Span<const float>(base.data(), base.size()), Span<const TreeSpec>(&tree, 1)});
         w.metadata_string(sv(target), sv(y));
       }));
  write_text("classes.csv", "x0,y\n1,0\n2,4096\n");
  const auto r = run_ember("eval classes.ember classes.csv");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "ember eval: classes.ember: the model has 4097 classes; eval supports at most 4096 (its confusion "
        "matrix is classes x classes)\n");
  // predict needs no matrix: it works.
  const auto p = run_ember("predict classes.ember classes.csv");
  CHECK(p.exit_code == 0);
  CHECK(p.out == "prediction\n0\n0\n");
  std::remove("classes.ember");
  std::remove("classes.csv");
}

TEST_CASE("inspect refuses importance values that are not shares or counts (issue 16.14)") {
  struct Case {
    const char* key;
    std::vector<float> values;
    const char* why;
  };
  const float nan = std::nanf("");
  const Case cases[] = {
      {"importance.splits",
       {1e30f, 2.0f},
       "metadata 'importance.splits', entry 1: 1e+30 is not a split count (a whole number from 0 to 2^32)"},
      {"importance.splits",
       {3.0f, -1.0f},
       "metadata 'importance.splits', entry 2: -1 is not a split count (a whole number from 0 to 2^32)"},
      {"importance.splits",
       {nan, 1.0f},
       "metadata 'importance.splits', entry 1: nan is not a split count (a whole number from 0 to 2^32)"},
      {"importance.splits",
       {2.5f, 1.0f},
       "metadata 'importance.splits', entry 1: 2.5 is not a split count (a whole number from 0 to 2^32)"},
      {"importance.gain",
       {0.5f, nan},
       "metadata 'importance.gain', entry 2: nan is not a gain share (a number from 0 to 1)"},
      {"importance.gain",
       {-0.25f, 1.0f},
       "metadata 'importance.gain', entry 1: -0.25 is not a gain share (a number from 0 to 1)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.why);
    RainMeta meta;
    meta.floats = {{"importance.gain", {0.75f, 0.25f}}, {"importance.splits", {3.0f, 1.0f}}};
    for (auto& [key, values] : meta.floats) {
      if (key == c.key) values = c.values;
    }
    write_rain("importance.ember", meta);
    for (const char* json : {"", " --json"}) {
      const auto r = run_ember(std::string("inspect importance.ember") + json);
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(r.err == "ember inspect: importance.ember: " + std::string(c.why) + "\n");
    }
  }
  // Valid values are shown as they are.
  RainMeta meta;
  meta.floats = {{"importance.gain", {0.75f, 0.25f}}, {"importance.splits", {3.0f, 4294967296.0f}}};
  write_rain("importance.ember", meta);
  const auto ok = run_ember("inspect importance.ember --json");
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.out, "\"importance_gain\":0.25,\"importance_splits\":4294967296}"));
  std::remove("importance.ember");
}

TEST_CASE("metadata strings must be UTF-8 without control characters; the field is named (issue 16.15)") {
  struct Case {
    RainMeta meta;
    const char* why;
  };
  std::vector<Case> cases(7);
  cases[0].meta.features = {"te\xffmp", "color"};
  cases[0].why = "metadata 'features', entry 1: invalid UTF-8 at byte 3";
  cases[1].meta.classes = {"no", std::string("y\0s", 3)};
  cases[1].why = "metadata 'classes', entry 2: control character U+0000 at byte 2";
  cases[2].meta.target = "\x1b[31mrain";
  cases[2].why = "metadata 'target': control character U+001B at byte 1";
  cases[3].meta.colors = {"blue", "gr\xc2\x85n", "red"};  // U+0085, a C1 control
  cases[3].why = "metadata 'categories.1', entry 2: control character U+0085 at byte 3";
  cases[4].meta.model =
      "gb\xc0\xaf"
      "dt";  // an overlong '/'
  cases[4].why = "metadata 'model': invalid UTF-8 at byte 3";
  cases[5].meta.strings = {{"bad\nkey", "x"}};
  cases[5].why = "metadata key of record 6: control character U+000A at byte 4";
  cases[6].meta.features = {"temp", "col\x7fr"};
  cases[6].why = "metadata 'features', entry 2: control character U+007F at byte 4";
  write_text("utf8.csv", "temp,color,rain\n5,red,yes\n");
  for (const Case& c : cases) {
    CAPTURE(c.why);
    write_rain("utf8.ember", c.meta);
    for (const char* args : {"inspect utf8.ember", "inspect utf8.ember --json", "predict utf8.ember utf8.csv",
                             "predict utf8.ember utf8.csv --json", "eval utf8.ember utf8.csv"}) {
      CAPTURE(args);
      const auto r = run_ember(args);
      const std::string command = std::string(args).substr(0, std::string(args).find(' '));
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(r.err == "ember " + command + ": utf8.ember: " + c.why + "\n");
    }
  }
  // Multi-byte UTF-8 is fine, and JSON carries it as it is.
  RainMeta ok;
  ok.classes = {"n\xc3\xa9", "\xe2\x98\x94"};  // "né", an umbrella with rain drops
  write_rain("utf8.ember", ok);
  const auto json = run_ember("predict utf8.ember utf8.csv --json");
  CHECK(json.exit_code == 0);
  CHECK(json.out == "{\"predictions\":[\"\xe2\x98\x94\"]}\n");
  std::remove("utf8.ember");
  std::remove("utf8.csv");
}

TEST_CASE("labels with tabs and line breaks, as a quoted CSV field holds them, train and predict") {
  write_text("breaks.csv",
             "x,c,y\n1,\"a\nb\",p\n2,b,\"line\nbreak\"\n3,\"a\nb\",p\n4,\"t\tab\",\"line\nbreak\"\n");
  const auto t = run_ember("train breaks.csv --target y --model tree --no-track -o breaks.ember");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  const auto p = run_ember("predict breaks.ember breaks.csv");
  INFO(p.err);
  CHECK(p.exit_code == 0);
  CHECK(p.out == "prediction\np\n\"line\nbreak\"\np\n\"line\nbreak\"\n");
  const auto json = run_ember("inspect breaks.ember --json");
  CHECK(json.exit_code == 0);
  CHECK(contains(json.out, "\"classes\":[\"line\\nbreak\",\"p\"]"));
  std::remove("breaks.csv");
  std::remove("breaks.ember");
}

TEST_CASE("predict's CSV quotes as RFC 4180 and defuses formulas in labels (issue 16.15)") {
  RainMeta meta;
  meta.classes = {"=HYPERLINK(\"http://x.example\",\"go\")", "a,b"};
  write_rain("formula.ember", meta);
  write_text("formula.csv", "temp,color\n5,red\n5,blue\n");
  const auto labels = run_ember("predict formula.ember formula.csv");
  CHECK(labels.exit_code == 0);
  CHECK(labels.out == "prediction\n\"a,b\"\n\"'=HYPERLINK(\"\"http://x.example\"\",\"\"go\"\")\"\n");
  const auto proba = run_ember("predict formula.ember formula.csv --proba");
  CHECK(proba.exit_code == 0);
  CHECK(proba.out.rfind("\"proba_=HYPERLINK(\"\"http://x.example\"\",\"\"go\"\")\",\"proba_a,b\"\n", 0) == 0);
  // JSON is not for spreadsheets: the labels as they are.
  const auto json = run_ember("predict formula.ember formula.csv --json");
  CHECK(json.out == "{\"predictions\":[\"a,b\",\"=HYPERLINK(\\\"http://x.example\\\",\\\"go\\\")\"]}\n");

  // Every formula lead character; a plain number keeps its sign.
  const std::pair<const char*, const char*> cells[] = {
      {"+SUM(A1)", "'+SUM(A1)"}, {"-2+3", "'-2+3"}, {"@cmd", "'@cmd"}, {"-1", "-1"},
      {"+2.5e3", "+2.5e3"},      {"x=1", "x=1"},    {"'q", "'q"},      {"say \"hi\"", "\"say \"\"hi\"\"\""},
  };
  for (const auto& label_cell : cells) {
    const char* const label = label_cell.first;
    const char* const cell = label_cell.second;
    CAPTURE(label);
    meta.classes = {label, "other"};
    write_rain("formula.ember", meta);
    write_text("formula.csv", "temp,color\n5,blue\n");
    const auto r = run_ember("predict formula.ember formula.csv");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "prediction\n" + std::string(cell) + "\n");
  }
  std::remove("formula.ember");
  std::remove("formula.csv");
}

TEST_CASE("a file that is not a model says so: empty, CSV text, other bytes (issue 16.17)") {
  write_text("empty.ember", "");
  const auto empty = run_ember("inspect empty.ember");
  CHECK(empty.exit_code == 1);
  CHECK(empty.err == "ember inspect: empty.ember: empty file (0 bytes); this is not an ember model file\n");
  const auto csv = run_ember("predict " + data("iris.csv") + " " + data("iris.csv"));
  CHECK(csv.exit_code == 1);
  CHECK(csv.err == "ember predict: " + data("iris.csv") +
                       ": this is not an ember model file (it looks like CSV text)\n");
  write_text("text.ember", "hello\n");
  const auto text = run_ember("eval text.ember " + data("iris.csv"));
  CHECK(text.exit_code == 1);
  CHECK(text.err == "ember eval: text.ember: this is not an ember model file (it looks like text)\n");
  write_text("binary.ember", std::string("\x7f"
                                         "ELF"
                                         "\x02\x01\x01\x00\x00\x00",
                                         10));
  const auto binary = run_ember("inspect binary.ember --json");
  CHECK(binary.exit_code == 1);
  CHECK(binary.err ==
        "ember inspect: binary.ember: this is not an ember model file (it does not start with 'EMBR')\n");
  // A model cut short is still "truncated".
  write_rain("cut.ember", RainMeta{});
  const std::string bytes = read_text("cut.ember");
  write_text("cut.ember", bytes.substr(0, 20));
  const auto cut = run_ember("inspect cut.ember");
  CHECK(cut.exit_code == 1);
  CHECK(contains(cut.err, "ember inspect: cut.ember: truncated"));
  for (const char* p : {"empty.ember", "text.ember", "binary.ember", "cut.ember"}) std::remove(p);
}

TEST_CASE("the hardening tests use the rain model as test_cli_model.cpp does") {
  // Guards the tests above against passing vacuously: the unmodified
  // metadata loads and predicts.
  write_rain("rain_ok.ember", RainMeta{});
  write_text("rain_ok.csv", kRainCsv);
  const auto p = run_ember("predict rain_ok.ember rain_ok.csv");
  CHECK(p.err.empty());
  CHECK(p.exit_code == 0);
  CHECK(p.out == "prediction\nyes\nno\nyes\n");
  const auto e = run_ember("eval rain_ok.ember rain_ok.csv --json");
  CHECK(e.exit_code == 0);
  CHECK(contains(e.out, "\"accuracy\":1"));
  std::remove("rain_ok.ember");
  std::remove("rain_ok.csv");
}
