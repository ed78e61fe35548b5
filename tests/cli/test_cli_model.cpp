// `ember inspect` and `ember predict` on model files written here with the
// writer. Expected predictions are worked out by hand from the trees and
// weights below.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ember/runtime/ember_c.h"
#include "ember/writer/model_writer.h"
#include "host/device_footprint.h"
#include "model_bytes.h"

using ember::Span;
using ember::StringView;
using ember::TreeNodeSpec;
using ember::TreeSpec;
using ember::test::contains;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;
namespace f = ember::format;

namespace {

StringView sv(const char* s) { return {s, std::char_traits<char>::length(s)}; }

void save(const std::string& path, const ember::test::ModelBytes& bytes) {
  REQUIRE(bytes.status == ember::Status::ok);
  write_text(path, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size));
}

// Binary classifier "rain" (no/yes) on temp (numeric) and color
// (categorical: blue, green, red), one boosted tree, logistic link:
//   color is red        -> +2.0
//   else temp < 10      -> -1.0   (NaN temp goes right)
//   else                -> +0.5
// Unknown and missing colors take the "else" branch.
void write_rain_model(const std::string& path) {
  save(path, ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 3};
         static const std::uint32_t red[] = {2};
         static const TreeNodeSpec nodes[] = {{-1, 1, 1, 0.0f, Span<const std::uint32_t>(red, 1), false},
                                              {-2, -3, 0, 10.0f, {}, false}};
         static const float leaves[] = {2.0f, -1.0f, 0.5f};
         static const float base[] = {0.0f};
         static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), Span<const float>(leaves, 3), 0};
         static const StringView features[] = {sv("temp"), sv("color")};
         static const StringView colors[] = {sv("blue"), sv("green"), sv("red")};
         static const StringView classes[] = {sv("no"), sv("yes")};
         w.schema({f::Task::binary, 2, Span<const std::uint32_t>(cats, 2)});
         w.trees({2, 1, 1, f::Aggregation::sum, f::Link::logistic, Span<const float>(base, 1),
                  Span<const TreeSpec>(&tree, 1)});
         w.metadata_strings(sv("features"), Span<const StringView>(features, 2));
         w.metadata_strings(sv("categories.1"), Span<const StringView>(colors, 3));
         w.metadata_strings(sv("classes"), Span<const StringView>(classes, 2));
         w.metadata_string(sv("target"), sv("rain"));
       }));
}

// Regression on temp and color through a one-hot step that refuses unknown
// colors: y = 0.5 + temp + 10 [blue] + 20 [green] + 30 [red].
void write_linear_model(const std::string& path) {
  save(path, ember::test::write_model([](ember::ModelWriter& w) {
         static const std::uint32_t cats[] = {0, 3};
         static const float weights[] = {1.0f, 10.0f, 20.0f, 30.0f};
         static const float intercept[] = {0.5f};
         static const StringView features[] = {sv("temp"), sv("color")};
         static const StringView colors[] = {sv("blue"), sv("green"), sv("red")};
         w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
         w.one_hot(Span<const std::uint32_t>(cats, 2), /*unknown_is_error=*/true);
         w.linear({4, 1, f::Link::identity, Span<const float>(weights, 4), Span<const float>(intercept, 1)});
         w.metadata_strings(sv("features"), Span<const StringView>(features, 2));
         w.metadata_strings(sv("categories.1"), Span<const StringView>(colors, 3));
         w.metadata_string(sv("target"), sv("y"));
       }));
}

// Columns in another order than the model's, plus one it does not use.
const char* const kRainData =
    "id,color,temp\n"
    "1,red,5\n"      // +2.0
    "2,blue,5\n"     // -1.0
    "3,green,20\n"   // +0.5
    "4,purple,20\n"  // unknown color: +0.5
    "5,,5\n"         // missing color: -1.0
    "6,blue,\n";     // missing temp: +0.5

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::vector<std::vector<double>> parse_numbers(const std::string& csv) {
  std::vector<std::vector<double>> rows;
  std::size_t pos = csv.find('\n') + 1;  // skip the header
  while (pos < csv.size()) {
    const std::size_t end = csv.find('\n', pos);
    std::vector<double> row;
    std::size_t start = pos;
    while (start <= end) {
      std::size_t comma = csv.find(',', start);
      if (comma > end) comma = end;
      row.push_back(std::strtod(csv.substr(start, comma - start).c_str(), nullptr));
      start = comma + 1;
    }
    rows.push_back(row);
    pos = end + 1;
  }
  return rows;
}

long file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

}  // namespace

TEST_CASE("predict: class labels and probabilities, columns matched by name") {
  write_rain_model("rain.ember");
  write_text("rain.csv", kRainData);
  const auto labels = run_ember("predict rain.ember rain.csv");
  CHECK(labels.err.empty());
  CHECK(labels.exit_code == 0);
  CHECK(labels.out == "prediction\nyes\nno\nyes\nyes\nno\nyes\n");

  const auto proba = run_ember("predict rain.ember rain.csv --proba");
  CHECK(proba.exit_code == 0);
  CHECK(proba.out.rfind("proba_no,proba_yes\n", 0) == 0);
  const auto rows = parse_numbers(proba.out);
  const double z[] = {2.0, -1.0, 0.5, 0.5, -1.0, 0.5};
  REQUIRE(rows.size() == 6);
  for (std::size_t r = 0; r < 6; ++r) {
    REQUIRE(rows[r].size() == 2);
    CHECK(rows[r][1] == doctest::Approx(sigmoid(z[r])).epsilon(1e-6));
    CHECK(rows[r][0] == doctest::Approx(1.0 - sigmoid(z[r])).epsilon(1e-6));
  }
}

TEST_CASE("predict --json") {
  write_rain_model("rain.ember");
  write_text("rain.csv", kRainData);
  const auto labels = run_ember("predict rain.ember rain.csv --json");
  CHECK(labels.exit_code == 0);
  CHECK(labels.out == "{\"predictions\":[\"yes\",\"no\",\"yes\",\"yes\",\"no\",\"yes\"]}\n");
  const auto proba = run_ember("predict rain.ember rain.csv --json --proba");
  CHECK(proba.exit_code == 0);
  CHECK(proba.out.rfind("{\"classes\":[\"no\",\"yes\"],\"probabilities\":[[", 0) == 0);
  std::size_t rows = 0;
  for (std::size_t at = proba.out.find("],["); at != std::string::npos; at = proba.out.find("],[", at + 1))
    ++rows;
  CHECK(rows + 1 == 6);
  write_linear_model("linear.ember");
  write_text("temps.csv", "temp,color\n1,blue\n2,red\n-0.5,green\n");
  // 0.5 + 1 + 10, 0.5 + 2 + 30, 0.5 - 0.5 + 20
  CHECK(run_ember("predict linear.ember temps.csv --json").out == "{\"predictions\":[11.5,32.5,20]}\n");
  std::remove("temps.csv");
}

TEST_CASE("predict: -o writes the file atomically and leaves it alone on failure") {
  write_rain_model("rain.ember");
  write_text("rain.csv", kRainData);
  std::remove("out.csv");
  const auto ok = run_ember("predict rain.ember rain.csv -o out.csv");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.empty());
  CHECK(read_text("out.csv") == "prediction\nyes\nno\nyes\nyes\nno\nyes\n");

  write_text("bad.csv", "color,temp\nred,5\nblue\n");
  const auto bad = run_ember("predict rain.ember bad.csv --output out.csv");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "ember predict: bad.csv:3:1: ragged row: expected 2 fields, found 1\n");
  CHECK(read_text("out.csv") == "prediction\nyes\nno\nyes\nyes\nno\nyes\n");

  const auto no_dir = run_ember("predict rain.ember rain.csv -o no_such_dir/out.csv");
  CHECK(no_dir.exit_code == 1);
  CHECK(contains(no_dir.err, "no_such_dir/out.csv"));
  std::remove("bad.csv");
  std::remove("out.csv");
}

TEST_CASE("predict: clear errors for a missing column, a text cell, a regression --proba") {
  write_rain_model("rain.ember");
  write_text("no_temp.csv", "color,tmp\nred,5\n");
  const auto missing = run_ember("predict rain.ember no_temp.csv");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "ember predict: no_temp.csv: missing column 'temp' that the model needs; did you mean 'tmp'?\n");

  write_text("text_temp.csv", "color,temp\nred,5\nblue,warm\n");
  const auto text = run_ember("predict rain.ember text_temp.csv");
  CHECK(text.exit_code == 1);
  CHECK(text.err ==
        "ember predict: text_temp.csv:3:6: column 'temp' is declared numeric but 'warm' is not a number\n");

  // Labels that look like numbers stay labels for a categorical feature.
  write_text("numeric_color.csv", "color,temp\n1,5\n");
  const auto numeric_color = run_ember("predict rain.ember numeric_color.csv");
  CHECK(numeric_color.exit_code == 0);
  CHECK(numeric_color.out == "prediction\nno\n");  // unknown color "1", temp 5: -1.0

  write_linear_model("linear.ember");
  write_text("temps.csv", "temp,color\n1,blue\n2,red\n");
  const auto proba = run_ember("predict linear.ember temps.csv --proba");
  CHECK(proba.exit_code == 1);
  CHECK(proba.err == "ember predict: --proba needs a classification model; this one is regression\n");
  std::remove("no_temp.csv");
  std::remove("text_temp.csv");
  std::remove("numeric_color.csv");
}

TEST_CASE("predict: regression through a one-hot step; unknown categories named") {
  write_linear_model("linear.ember");
  write_text("temps.csv", "temp,color\n1,blue\n2,red\n-0.5,green\n");
  const auto r = run_ember("predict linear.ember temps.csv");
  CHECK(r.exit_code == 0);
  // 0.5 + 1 + 10, 0.5 + 2 + 30, 0.5 - 0.5 + 20
  CHECK(r.out == "prediction\n11.5\n32.5\n20\n");

  write_text("purple.csv", "temp,color\n1,blue\n2,purple\n");
  const auto unknown = run_ember("predict linear.ember purple.csv");
  CHECK(unknown.exit_code == 1);
  CHECK(
      unknown.err ==
      "ember predict: purple.csv: row 2: column 'color' has category 'purple' that the model did not see in "
      "training\n");
  std::remove("purple.csv");
  std::remove("temps.csv");
}

TEST_CASE("inspect: sections, features, trees, bytes per node, flash and RAM") {
  write_rain_model("rain.ember");
  const auto r = run_ember("inspect rain.ember --json");
  CHECK(r.err.empty());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"bytes\":" + std::to_string(file_size("rain.ember"))));
  CHECK(contains(r.out, "\"task\":\"binary\",\"n_features\":2,\"n_classes\":2,\"target\":\"rain\""));
  CHECK(contains(r.out,
                 "\"features\":[{\"name\":\"temp\",\"type\":\"numeric\"},"
                 "{\"name\":\"color\",\"type\":\"categorical\",\"categories\":3}]"));
  CHECK(contains(r.out, "\"classes\":[\"no\",\"yes\"]"));
  CHECK(contains(r.out, "\"pipeline\":[]"));
  // Two internal nodes and three leaves, depth 2. Per FORMAT.md a node is a
  // float threshold plus a word of 3 flag bits, the skip and the feature
  // index: 2 features and a 2-node tree fit 16 bits, so 4 + 2 = 6 bytes.
  CHECK(contains(r.out, "\"n_trees\":1,\"internal_nodes\":2,\"leaves\":3,\"max_depth\":2"));
  CHECK(contains(r.out, "\"node_word_bytes\":2,\"bytes_per_internal_node\":6,\"bytes_per_leaf\":4"));
  CHECK(contains(r.out, "\"flash_bytes\":" + std::to_string(file_size("rain.ember"))));
  CHECK(contains(r.out, "\"metadata_keys\":[\"features\",\"categories.1\",\"classes\",\"target\"]"));

  const auto text = run_ember("inspect rain.ember");
  CHECK(text.exit_code == 0);
  CHECK(contains(text.out, "task        binary (target: rain)"));
  CHECK(contains(text.out, "  color                    categorical, 3 categories"));
  CHECK(contains(text.out, "6 bytes per internal node"));
  // The device RAM: the scratch this model needs, the 32-bit ember_model
  // (its pointers at 4 bytes and its 32-bit words, ember_c.h) and the larger
  // of the two stack figures tools/footprint measured
  // (tools/host/device_footprint.h).
  const ember_model* none = nullptr;
  const unsigned view =
      static_cast<unsigned>(sizeof none->opaque_pointers / sizeof(void*) * 4 + sizeof none->opaque_words);
  for (const auto& d : ember::host::kDeviceFootprint) {
    CAPTURE(d.cpu);
    const unsigned stack = std::max(d.load_stack, d.predict_stack_max);
    CHECK(d.model_view == view);
    CHECK(contains(text.out, std::string(d.core) + "  RAM "));
    CHECK(contains(r.out, "{\"cpu\":\"" + std::string(d.cpu) + "\",\"ram_bytes\":"));
    CHECK(contains(text.out, "+ " + std::to_string(view) + " ember_model + " + std::to_string(stack) +
                                 " stack (ember_load " + std::to_string(d.load_stack)));
  }

  write_linear_model("linear.ember");
  const auto lin = run_ember("inspect linear.ember --json");
  CHECK(lin.exit_code == 0);
  CHECK(contains(lin.out, "\"pipeline\":[{\"step\":\"one_hot\",\"n_in\":2,\"n_out\":4}]"));
  CHECK(contains(lin.out, "\"kind\":\"linear\",\"n_features\":4,\"n_outputs\":1,\"link\":\"identity\""));
}

TEST_CASE("inspect and predict refuse a corrupt or truncated model with the reason") {
  write_rain_model("rain.ember");
  std::string bytes = read_text("rain.ember");
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
  write_text("flipped.ember", flipped);
  const auto r = run_ember("inspect flipped.ember");
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "ember inspect: flipped.ember: checksum_mismatch: the stored checksum does not match the content\n");
  write_text("short.ember", bytes.substr(0, bytes.size() - 9));
  const auto p = run_ember("predict short.ember rain.csv");
  CHECK(p.exit_code == 1);
  CHECK(contains(p.err, "ember predict: short.ember: truncated"));
  write_text("empty.ember", "");
  CHECK(run_ember("inspect empty.ember").exit_code == 1);
  std::remove("flipped.ember");
  std::remove("short.ember");
  std::remove("empty.ember");
}
