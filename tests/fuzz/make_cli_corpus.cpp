// Writes the seed corpus of fuzz_cli_model: small model files with the
// metadata the CLI reads (names, labels, target, model type, pipeline
// descriptions, importances, golden vectors), every step kind and both
// model kinds, and one that declares 2^24 categories per feature without
// labels.
//   make_cli_corpus DIR            write the files
//   make_cli_corpus --check DIR    compare with the files there (exit 1 on
//                                  any difference)
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember/writer/model_writer.h"
#include "host/golden.h"
#include "model_bytes.h"
#include "random_model.h"

namespace f = ember::format;
using ember::Span;
using ember::StringView;
using ember::TreeNodeSpec;
using ember::TreeSpec;

namespace {

bool g_check = false;

StringView sv(const char* s) { return {s, std::strlen(s)}; }

int save(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir + "/" + name;
  if (g_check) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      std::fprintf(stderr, "%s: cannot open\n", path.c_str());
      return 1;
    }
    std::vector<char> stored(bytes.size() + 1);
    const std::size_t n = std::fread(stored.data(), 1, stored.size(), file);
    std::fclose(file);
    if (n != bytes.size() || std::memcmp(stored.data(), bytes.data(), n) != 0) {
      std::fprintf(stderr, "%s: the writer now produces different bytes (%zu vs %zu stored)\n", path.c_str(),
                   bytes.size(), n);
      return 1;
    }
    return 0;
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 1;
  std::fwrite(bytes.data(), 1, bytes.size(), file);
  return std::fclose(file) == 0 ? 0 : 1;
}

int save(const std::string& dir, const std::string& name, const ember::test::ModelBytes& b) {
  if (b.status != ember::Status::ok) {
    std::fprintf(stderr, "%s: the writer refused it\n", name.c_str());
    return 1;
  }
  return save(dir, name, std::string(reinterpret_cast<const char*>(b.data()), b.size));
}

void put_list(ember::ModelWriter& w, const char* key, std::initializer_list<const char*> values) {
  std::vector<StringView> views;
  for (const char* v : values) views.push_back(sv(v));
  w.metadata_strings(sv(key), Span<const StringView>(views.data(), views.size()));
}

// Binary trees on temp (numeric) and color (3 labels), every key the
// trainers write.
ember::test::ModelBytes rain_trees() {
  return ember::test::write_model([](ember::ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 3};
    static const std::uint32_t red[] = {2};
    static const TreeNodeSpec nodes[] = {{-1, 1, 1, 0.0f, Span<const std::uint32_t>(red, 1), false},
                                         {-2, -3, 0, 10.0f, {}, true}};
    static const float leaves[] = {2.0f, -1.0f, 0.5f};
    static const float base[] = {0.0f};
    static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), Span<const float>(leaves, 3), 0};
    static const float gain[] = {0.25f, 0.75f}, splits[] = {1.0f, 1.0f};
    w.schema({f::Task::binary, 2, Span<const std::uint32_t>(cats, 2)});
    w.trees({2, 1, 1, f::Aggregation::sum, f::Link::logistic, Span<const float>(base, 1),
             Span<const TreeSpec>(&tree, 1)});
    put_list(w, "features", {"temp", "color"});
    put_list(w, "categories.1", {"blue", "green", "red"});
    put_list(w, "classes", {"no", "yes"});
    w.metadata_floats(sv("importance.gain"), Span<const float>(gain, 2));
    w.metadata_floats(sv("importance.splits"), Span<const float>(splits, 2));
    w.metadata_string(sv("target"), sv("rain"));
    w.metadata_string(sv("model"), sv("gbdt"));
  });
}

// Regression through a one-hot step that refuses unknown categories.
ember::test::ModelBytes linear_one_hot() {
  return ember::test::write_model([](ember::ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 3};
    static const float weights[] = {1.0f, 10.0f, 20.0f, 30.0f};
    static const float intercept[] = {0.5f};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
    w.one_hot(Span<const std::uint32_t>(cats, 2), /*unknown_is_error=*/true);
    w.linear({4, 1, f::Link::identity, Span<const float>(weights, 4), Span<const float>(intercept, 1)});
    put_list(w, "features", {"temp", "color"});
    put_list(w, "categories.1", {"=1+1", "green, or \"teal\"", "-3"});
    put_list(w, "model_features", {"temp", "color==1+1", "color=green", "color=-3"});
    put_list(w, "steps", {"one_hot; unknown: error"});
    w.metadata_string(sv("target"), sv("y"));
    w.metadata_string(sv("model"), sv("linear"));
  });
}

// Three classes through every step kind; labels with UTF-8, quotes and
// commas.
ember::test::ModelBytes multiclass_pipeline() {
  return ember::test::write_model([](ember::ModelWriter& w) {
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
    w.schema({f::Task::multiclass, 3, Span<const std::uint32_t>(cats, 3)});
    w.impute(Span<const float>(fill, 3), Span<const std::uint32_t>(ind, 1));
    w.one_hot(Span<const std::uint32_t>(oh, 4), false);
    w.affine(Span<const float>(off, 6), Span<const float>(sc, 6));
    w.select(6, Span<const std::uint32_t>(keep, 4));
    w.discretize(Span<const std::uint32_t>(ne, 4), Span<const float>(edges, 2));
    w.ordinal(Span<const std::uint32_t>(oc, 4), Span<const float>(unk, 4), Span<const float>(vals, 2));
    w.project(4, 2, Span<const float>(pw, 8), Span<const float>(pb, 2));
    w.linear({2, 3, f::Link::softmax, Span<const float>(w2, 6), Span<const float>(b2, 3)});
    put_list(w, "features", {"length", "island", "mass (g)"});
    put_list(w, "categories.1", {"Biscoe", "Dream", "Torgersen \xc3\xa9"});
    put_list(w, "classes", {"Adelie", "Chinstrap, \"chin\"", "@Gentoo"});
    put_list(w, "model_features", {"p0", "p1"});
    put_list(w, "steps", {"impute", "one_hot", "affine", "select", "discretize", "ordinal", "project"});
    w.metadata_string(sv("target"), sv("species"));
    w.metadata_string(sv("model"), sv("logistic"));
  });
}

// 40 features of 2^24 categories each, no labels: the memory bomb of
// issue 16.3, a few hundred bytes.
ember::test::ModelBytes unlabeled_categories() {
  return ember::test::write_model([](ember::ModelWriter& w) {
    static const std::vector<std::uint32_t> cats(40, 1u << 24);
    static const std::uint32_t left[] = {3, 1000};
    static const TreeNodeSpec nodes[] = {{-1, -2, 7, 0.0f, Span<const std::uint32_t>(left, 2), false}};
    static const float leaves[] = {1.0f, -1.0f};
    static const float base[] = {0.0f};
    static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 1), Span<const float>(leaves, 2), 0};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats.data(), cats.size())});
    w.trees({40, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
             Span<const TreeSpec>(&tree, 1)});
    w.metadata_string(sv("target"), sv("y"));
  });
}

// A linear regression without any metadata (names x0, x1, ...).
ember::test::ModelBytes bare_linear() {
  return ember::test::write_model([](ember::ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 0};
    static const float weights[] = {1e30f, -2.0f};
    static const float intercept[] = {0.5f};
    w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
    w.linear({2, 1, f::Link::identity, Span<const float>(weights, 2), Span<const float>(intercept, 1)});
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--check") == 0) {
    g_check = true;
  } else if (argc != 2) {
    std::fprintf(stderr, "usage: make_cli_corpus [--check] DIR\n");
    return 2;
  }
  const std::string dir = argv[argc - 1];
  int failures = 0;
  failures += save(dir, "rain_trees.ember", rain_trees());
  failures += save(dir, "linear_one_hot.ember", linear_one_hot());
  failures += save(dir, "multiclass_pipeline.ember", multiclass_pipeline());
  failures += save(dir, "unlabeled_categories.ember", unlabeled_categories());
  failures += save(dir, "bare_linear.ember", bare_linear());

  // A forest of probabilities on categorical and numeric features, with
  // generated names and golden vectors.
  ember::test::RandomForestShape s;
  s.n_features = 4;
  s.n_trees = 3;
  s.max_depth = 3;
  s.categorical_every = 2;
  s.task = f::Task::binary;
  s.aggregation = f::Aggregation::mean;
  s.n_outputs = 2;
  s.leaf_width = 2;
  const ember::test::ModelBytes forest = ember::test::random_tree_model(s, 7);
  const std::string forest_bytes(reinterpret_cast<const char*>(forest.data()), forest.size);
  failures += save(dir, "forest_proba.ember", forest);
  std::string golden;
  ember::host::Error error;
  const std::vector<float> rows = {0, 1.5f, 2, -1, 4, __builtin_nanf(""), 1, 0.25f};
  if (!ember::host::add_golden_vectors(forest_bytes, rows, &golden, &error)) {
    std::fprintf(stderr, "golden vectors: %s\n", error.message.c_str());
    ++failures;
  } else {
    failures += save(dir, "forest_golden.ember", golden);
  }
  return failures == 0 ? 0 : 1;
}
