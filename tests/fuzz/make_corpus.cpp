// Writes the seed corpus: real model files of every kind the writer makes.
//   make_corpus DIR            write the files
//   make_corpus --check DIR    compare with the files there (exit 1 on any
//                              difference)
// The committed corpus was written on x86-64; the check, run as a test on
// every platform (ARM32 under qemu too), shows that the same inputs and
// seeds give the same model bytes everywhere.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember/writer/model_writer.h"
#include "model_bytes.h"
#include "quant_models.h"
#include "random_model.h"

namespace f = ember::format;

namespace {
bool g_check = false;

int save(const std::string& dir, const std::string& name, const ember::test::ModelBytes& b) {
  if (b.status != ember::Status::ok) return 1;
  const std::string path = dir + "/" + name;
  if (g_check) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      std::fprintf(stderr, "%s: cannot open\n", path.c_str());
      return 1;
    }
    std::vector<unsigned char> stored(b.size + 1);
    const std::size_t n = std::fread(stored.data(), 1, stored.size(), file);
    std::fclose(file);
    if (n != b.size || std::memcmp(stored.data(), b.data(), b.size) != 0) {
      std::fprintf(stderr, "%s: the writer now produces different bytes (%zu vs %zu stored)\n", path.c_str(),
                   b.size, n);
      return 1;
    }
    return 0;
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 1;
  std::fwrite(b.data(), 1, b.size, file);
  return std::fclose(file) == 0 ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--check") == 0) {
    g_check = true;
  } else if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus [--check] DIR\n");
    return 2;
  }
  const std::string dir = argv[argc - 1];
  int failures = 0;
  ember::test::RandomForestShape s;
  s.n_features = 6;
  s.n_trees = 3;
  s.max_depth = 3;
  failures += save(dir, "trees_preorder.ember", ember::test::random_tree_model(s, 1));
  s.full = true;
  failures += save(dir, "trees_heap.ember", ember::test::random_tree_model(s, 2));
  s.full = false;
  s.categorical_every = 2;
  s.with_pipeline = true;
  s.task = f::Task::multiclass;
  s.link = f::Link::softmax;
  s.n_outputs = 3;
  failures += save(dir, "trees_categorical_multiclass.ember", ember::test::random_tree_model(s, 3));
  s = ember::test::RandomForestShape{};
  s.task = f::Task::binary;
  s.link = f::Link::identity;
  s.aggregation = f::Aggregation::mean;
  s.n_outputs = 2;
  s.leaf_width = 2;
  failures += save(dir, "forest_proba.ember", ember::test::random_tree_model(s, 4));
  failures += save(dir, "linear_pipeline.ember", ember::test::write_model([](ember::ModelWriter& w) {
                     static const std::uint32_t cats[] = {0, 3, 0};
                     static const float fill[] = {1, 0, 2};
                     static const std::uint32_t ind[] = {0};
                     static const std::uint32_t oh[] = {0, 3, 0, 0};
                     static const float off[] = {0, 0, 0, 0, 0, 0}, sc[] = {1, 1, 1, 1, 1, 2};
                     static const std::uint32_t keep[] = {0, 1, 4, 5};
                     static const std::uint32_t ne[] = {0, 0, 2, 0};
                     static const float edges[] = {-1, 1};
                     static const std::uint32_t oc[] = {0, 0, 0, 2};
                     static const float unk[] = {0, 0, 0, 9}, vals[] = {-1, 1};
                     static const float pw[] = {1, 0, 0, 1, 0, 1, 1, 0}, pb[] = {0, 0.5f};
                     static const float w2[] = {0.5f, -0.25f, 1, 2, 0, 0}, b2[] = {0.1f, 0, -0.1f};
                     using ember::Span;
                     w.schema({f::Task::multiclass, 3, Span<const std::uint32_t>(cats, 3)});
                     w.impute(Span<const float>(fill, 3), Span<const std::uint32_t>(ind, 1));
                     w.one_hot(Span<const std::uint32_t>(oh, 4), false);
                     w.affine(Span<const float>(off, 6), Span<const float>(sc, 6));
                     w.select(6, Span<const std::uint32_t>(keep, 4));
                     w.discretize(Span<const std::uint32_t>(ne, 4), Span<const float>(edges, 2));
                     w.ordinal(Span<const std::uint32_t>(oc, 4), Span<const float>(unk, 4),
                               Span<const float>(vals, 2));
                     w.project(4, 2, Span<const float>(pw, 8), Span<const float>(pb, 2));
                     w.linear({2, 3, f::Link::softmax, Span<const float>(w2, 6), Span<const float>(b2, 3)});
                     static const ember::StringView names[] = {{"a", 1}, {"b", 1}, {"c", 1}};
                     w.metadata_strings({"features", 8}, Span<const ember::StringView>(names, 3));
                     w.metadata_string({"target", 6}, {"y", 1});
                   }));
  // Integer models (1.2), with QGLD golden vectors on the tree.
  static const std::vector<std::int16_t> golden_rows = {5, 1, 10, 0, -32768, 2};
  static const std::vector<std::int32_t> golden_out = {106, 106, 3006, 3006, 3006, 3006};
  failures += save(dir, "quant_trees_golden.ember", ember::test::write_model([](ember::ModelWriter& w) {
                     ember::test::QuantTreeModel{}.write(w, &golden_rows, &golden_out);
                   }));
  // The forest and the softmax model carry the outputs this build's
  // predict_q gives (the device replays them: tests/firmware/predict_q_test.c).
  static const std::vector<std::int16_t> forest_rows = {5, 0, 30, 1, 25, 2, -32768, 7, 19, -32768, 20, 1};
  failures += save(dir, "quant_forest_proba.ember",
                   ember::test::write_quant_golden(ember::test::QuantForestModel{}, forest_rows));
  static const std::vector<std::int16_t> linear_rows = {20,     50, 1,  0,     -5,    0, -100,   200,    5,
                                                        -32768, 99, -1, 32767, 32767, 1, -32767, -32767, 0};
  failures += save(dir, "quant_linear_softmax.ember",
                   ember::test::write_quant_golden(ember::test::quant_linear_softmax(), linear_rows));
  return failures == 0 ? 0 : 1;
}
