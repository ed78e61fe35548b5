// Model bytes do not change unnoticed: every bundled data set and model
// kind, with and without pipelines, and their integer (quantized) twins,
// trained with a fixed seed, must give the file whose size and FNV-1a hash
// are stored in tests/data/model_bytes.txt.
//
// The stored figures are a record of today's output, not a statement of
// correctness (the other tests check what the models predict): they make
// a refactoring that changes any byte of any model fail here, and, as the
// test also runs under qemu-user (ARM32, AArch64), they show that the same
// seed gives the same bytes on every platform. A deliberate change (a new
// format version, a better trainer) rewrites the file:
//
//   EMBER_WRITE_MODEL_BYTES=tests/data/model_bytes.txt build/release/tests/test_cli -tc='*model bytes*'
//
// and the commit says why the bytes changed.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

using ember::test::data;
using ember::test::run_ember;

namespace {

struct Case {
  const char* name;
  const char* data;
  const char* target;
  const char* args;
  bool quantize;  // also the integer twin, calibrated on the same data
};

// clang-format off
const Case kCases[] = {
    {"iris_logistic", "iris.csv", "species", "--model logistic", true},
    {"iris_tree", "iris.csv", "species", "--model tree", true},
    {"iris_gbdt", "iris.csv", "species", "--model gbdt --param n_estimators=20", true},
    {"penguins_logistic", "penguins.csv", "species", "--model logistic", true},
    {"penguins_logistic_binned", "penguins.csv", "species", "--model logistic --discretize quantile:bins=5", true},
    {"penguins_forest", "penguins.csv", "species", "--model forest --encode native --param n_estimators=10", true},
    {"iris_linear", "iris.csv", "petal_width", "--model linear --impute median --encode onehot --scale standard", true},
    {"breast_cancer_logistic", "breast_cancer.csv", "diagnosis", "--model logistic", true},
    {"breast_cancer_gbdt", "breast_cancer.csv", "diagnosis", "--model gbdt --param n_estimators=30", true},
    {"wine_logistic", "wine.csv", "cultivar", "--model logistic", true},
    {"wine_extra_trees", "wine.csv", "cultivar", "--model extra_trees --param n_estimators=10", true},
    {"diabetes_linear", "diabetes.csv", "progression", "--model linear", true},
    {"diabetes_gbdt", "diabetes.csv", "progression", "--model gbdt --param n_estimators=20", true},
    {"diabetes_forest", "diabetes.csv", "progression", "--model forest --param n_estimators=5", true},
    {"airquality_linear", "airquality.csv", "Temp", "--model linear", true},
    {"credit_german_logistic", "credit_german.csv", "class", "--model logistic", true},
    {"credit_german_gbdt", "credit_german.csv", "class", "--model gbdt --param n_estimators=20", true},
    {"digits_logistic", "digits.csv", "digit", "--model logistic", false},
    {"digits_gbdt", "digits.csv", "digit", "--model gbdt --param n_estimators=5", false},
};
// clang-format on

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string figure(const std::string& bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%zu %016llx", bytes.size(),
                static_cast<unsigned long long>(fnv1a64(bytes)));
  return text;
}

// name -> "size hash", from the stored file.
std::map<std::string, std::string> stored_figures() {
  std::map<std::string, std::string> out;
  std::ifstream in(data("model_bytes.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.find(' ');
    if (space != std::string::npos) out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("model bytes: every data set and model kind gives the stored bytes") {
  const std::map<std::string, std::string> stored = stored_figures();
  std::vector<std::pair<std::string, std::string>> now;
  for (const Case& c : kCases) {
    const std::string model = std::string("model_bytes_") + c.name + ".ember";
    const auto t = run_ember(std::string("train ") + data(c.data) + " --target " + c.target + " " + c.args +
                             " --seed 7 --no-track -o " + model);
    INFO(c.name << ": " << t.err);
    REQUIRE(t.exit_code == 0);
    now.emplace_back(c.name, figure(read_file(model)));
    if (c.quantize) {
      const std::string q = std::string("model_bytes_") + c.name + "_q.ember";
      const auto r = run_ember("quantize " + model + " --calibration " + data(c.data) + " -o " + q);
      INFO(c.name << " quantize: " << r.err);
      REQUIRE(r.exit_code == 0);
      now.emplace_back(std::string(c.name) + "_q", figure(read_file(q)));
      std::remove(q.c_str());
    }
    std::remove(model.c_str());
  }
  if (const char* out = std::getenv("EMBER_WRITE_MODEL_BYTES")) {
    std::ofstream file(out);
    file << "# name size fnv1a64: the model files tests/cli/test_cli_model_bytes.cpp trains (seed 7)\n";
    for (const auto& figure_now : now) file << figure_now.first << ' ' << figure_now.second << '\n';
    MESSAGE("wrote " << now.size() << " figures to " << out);
    return;
  }
  for (const auto& figure_now : now) {  // (no structured binding: INFO captures by lambda)
    const std::string& name = figure_now.first;
    INFO(name);
    REQUIRE(stored.count(name) == 1);
    CHECK(stored.at(name) == figure_now.second);
  }
  CHECK(stored.size() == now.size());
}
