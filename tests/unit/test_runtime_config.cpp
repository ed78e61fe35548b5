// The runtime's compile-time options (include/ember/runtime/config.h): a
// build that leaves something out refuses, with unsupported_feature, the
// models that need it, and still runs the others. Compiled once per
// configuration (tests/CMakeLists.txt); the models are the fuzz seed corpus
// (tests/fuzz/corpus, as `ember inspect` lists them: all with 2-byte node
// words; linear_pipeline has every step kind, trees_categorical_multiclass
// impute and affine steps; forest_proba has trees of depth 4, the others
// depth 3).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember/runtime/config.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"

namespace {

struct File {
  std::vector<std::uint64_t> storage;  // 8-byte aligned
  std::size_t size = 0;
};

File read_corpus(const char* name) {
  File f;
  const std::string path = std::string(EMBER_CORPUS_DIR) + "/" + name;
  std::FILE* in = std::fopen(path.c_str(), "rb");
  REQUIRE(in != nullptr);
  f.storage.assign(1 << 13, 0);
  f.size = std::fread(f.storage.data(), 1, f.storage.size() * 8, in);
  std::fclose(in);
  REQUIRE(f.size > 0);
  return f;
}

ember::Status load(const char* name, ember::Model* m) {
  static File file;  // the Model views these bytes
  file = read_corpus(name);
  return ember::load_model(file.storage.data(), file.size, m);
}

// Every output kind, one row at a time and as a batch: the same bits.
void check_predicts(const ember::Model& m) {
  std::vector<unsigned char> scratch(ember::batch_scratch_bytes(m) + ember::scratch_bytes(m));
  const std::size_t rows = 5;
  std::vector<float> x(rows * m.n_features);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) * 0.5f - 1.0f;
  x[1] = __builtin_nanf("");
  for (auto kind : {ember::Output::raw, ember::Output::probability, ember::Output::label}) {
    const std::size_t width = ember::output_size(m, kind);
    if (width == 0) continue;
    std::vector<float> one(rows * width), batch(rows * width);
    for (std::size_t r = 0; r < rows; ++r) {
      REQUIRE(ember::predict(m, ember::Span<const float>(&x[r * m.n_features], m.n_features),
                             ember::Span<unsigned char>(scratch.data(), scratch.size()), kind,
                             ember::Span<float>(&one[r * width], width)) == ember::Status::ok);
    }
    REQUIRE(ember::predict_batch(
                m, ember::MatrixView<const float>{x.data(), rows, m.n_features, m.n_features},
                ember::Span<unsigned char>(scratch.data(), scratch.size()), kind,
                ember::MatrixView<float>{batch.data(), rows, width, width}) == ember::Status::ok);
    CHECK(std::memcmp(one.data(), batch.data(), one.size() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("each corpus model loads or is refused as this build's options say") {
  const bool two_byte_words = (EMBER_RUNTIME_WORDS & 2) != 0;
  struct Case {
    const char* name;
    bool linear;
    unsigned steps;  // the step kinds it uses, as a mask of 1 << StepKind
    unsigned depth;
  };
  const Case cases[] = {{"linear_pipeline.ember", true, 254, 0},
                        {"trees_categorical_multiclass.ember", false, 2 | 16, 3},
                        {"forest_proba.ember", false, 0, 4},
                        {"trees_heap.ember", false, 0, 3},
                        {"trees_preorder.ember", false, 0, 3}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const bool runnable =
        EMBER_RUNTIME_FLOAT &&
        (c.linear ? EMBER_RUNTIME_LINEAR
                  : EMBER_RUNTIME_TREES && two_byte_words && c.depth <= EMBER_RUNTIME_MAX_TREE_DEPTH) &&
        (c.steps == 0 || (EMBER_RUNTIME_PIPELINE && (c.steps & ~EMBER_RUNTIME_STEPS) == 0));
    ember::Model m;
    const ember::Status s = load(c.name, &m);
    if (!runnable) {
      CHECK(s == ember::Status::unsupported_feature);
      CHECK(m.n_features == 0);  // nothing half-set
      continue;
    }
    REQUIRE(s == ember::Status::ok);
    CHECK((m.metadata == nullptr) == (EMBER_RUNTIME_METADATA == 0 || m.metadata_size == 0));
    check_predicts(m);
  }
}

TEST_CASE("each integer corpus model loads or is refused as this build's options say") {
  struct Case {
    const char* name;
    bool trees;
    bool golden;  // has QGLD vectors
  };
  const Case cases[] = {{"quant_trees_golden.ember", true, true},
                        {"quant_forest_proba.ember", true, true},
                        {"quant_linear_softmax.ember", false, true}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const bool runnable = EMBER_RUNTIME_INTEGER && (c.trees ? EMBER_RUNTIME_TREES : EMBER_RUNTIME_LINEAR);
    ember::Model m;
    const ember::Status s = load(c.name, &m);
    if (!runnable) {
      CHECK(s == ember::Status::unsupported_feature);
      CHECK(m.n_features == 0);
      continue;
    }
    REQUIRE(s == ember::Status::ok);
    REQUIRE(ember::is_integer_model(m));
    std::vector<unsigned char> scratch(ember::self_test_scratch_bytes(m));
    const ember::Span<unsigned char> sc(scratch.data(), scratch.size());
    std::vector<std::int16_t> q(m.n_features, 1);
    std::vector<float> x(m.n_features, 0.5f);
    for (auto kind : {ember::Output::raw, ember::Output::probability, ember::Output::label}) {
      const std::size_t width = ember::output_size(m, kind);
      if (width == 0) continue;
      std::vector<std::int32_t> out(width);
      std::vector<float> fout(width);
      CHECK(ember::predict_q(m, ember::Span<const std::int16_t>(q.data(), q.size()), sc, kind,
                             ember::Span<std::int32_t>(out.data(), width)) == ember::Status::ok);
      // The float entry point exists only with float support.
      CHECK(ember::predict(m, ember::Span<const float>(x.data(), x.size()), sc, kind,
                           ember::Span<float>(fout.data(), width)) ==
            (EMBER_RUNTIME_FLOAT ? ember::Status::ok : ember::Status::unsupported_feature));
    }
    if (c.golden) CHECK(ember::self_test(m, sc, nullptr) == ember::Status::ok);
  }
}
