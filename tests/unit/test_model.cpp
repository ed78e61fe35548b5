// The model file and the runtime: hand-made models whose outputs are
// computed by hand in the comments.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "ember/runtime/metadata.h"
#include "ember/runtime/model.h"
#include "ember/writer/model_writer.h"
#include "ember/runtime/predict.h"
#include "heap_guard.h"
#include "model_bytes.h"

using namespace ember;
using ember::test::write_model;
namespace f = ember::format;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Loads and predicts one row; fails the test on any error.
std::vector<float> run(const test::ModelBytes& bytes, std::vector<float> row, Output kind = Output::raw) {
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(scratch_bytes(m));
  std::vector<float> out(output_size(m, kind));
  const Status s =
      predict(m, Span<const float>(row.data(), row.size()),
              Span<unsigned char>(scratch.data(), scratch.size()), kind, Span<float>(out.data(), out.size()));
  REQUIRE(s == Status::ok);
  return out;
}

template <std::size_t N>
Span<const std::uint32_t> u32s(const std::uint32_t (&a)[N]) {
  return Span<const std::uint32_t>(a, N);
}
template <std::size_t N>
Span<const float> floats(const float (&a)[N]) {
  return Span<const float>(a, N);
}

// A depth-2 regression tree on two numeric features:
//   node 0: x0 < 0.5 ? leaf 0 (10) : node 1        NaN goes right
//   node 1: x1 < 2   ? leaf 1 (20) : leaf 2 (30)   NaN goes left
test::ModelBytes small_tree() {
  return write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 0};
    w.schema({f::Task::regression, 0, u32s(cats)});
    static TreeNodeSpec nodes[2];
    nodes[0] = TreeNodeSpec{-1, 1, 0, 0.5f, {}, false};
    nodes[1] = TreeNodeSpec{-2, -3, 1, 2.0f, {}, true};
    static const float leaves[] = {10, 20, 30};
    static const float base[] = {0};
    static TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), floats(leaves), 0};
    w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, floats(base), Span<const TreeSpec>(&tree, 1)});
  });
}

}  // namespace

TEST_CASE("a tree sends x < threshold left, values on the threshold right, NaN its default way") {
  const auto bytes = small_tree();
  REQUIRE(bytes.status == Status::ok);
  CHECK(run(bytes, {0.4f, 9.0f})[0] == 10.0f);
  CHECK(run(bytes, {0.5f, 1.0f})[0] == 20.0f);  // exactly on the root threshold: right
  CHECK(run(bytes, {0.7f, 2.0f})[0] == 30.0f);  // exactly on node 1's threshold: right
  CHECK(run(bytes, {kNaN, 0.0f})[0] == 20.0f);  // root default right, then 0 < 2
  CHECK(run(bytes, {1.0f, kNaN})[0] == 20.0f);  // node 1 default left
  CHECK(run(bytes, {std::nextafter(0.5f, 0.0f), 100.0f})[0] == 10.0f);
  CHECK(run(bytes, {0.4f, 9.0f}, Output::label)[0] == 10.0f);
}

TEST_CASE("the small tree's file has the documented compact layout") {
  const auto bytes = small_tree();
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  CHECK(m.kind == ModelKind::trees);
  CHECK(m.trees->word_bytes == 2);  // 6 bytes per internal node: f32 threshold + u16 word
  CHECK(m.trees->feature_bits == 1);
  CHECK(m.trees->skip_bits == 0);  // the root's left subtree is a leaf: skip 0 everywhere
  CHECK(m.trees->max_depth == 2);
  CHECK(m.trees->total_nodes == 2);
  CHECK(m.trees->total_leaves == 3);
  CHECK(std::memcmp(bytes.data(), "EMBR", 4) == 0);
}

TEST_CASE("the writer is deterministic") {
  const auto a = small_tree();
  const auto b = small_tree();
  CHECK(a.vector() == b.vector());
}

TEST_CASE("linear regression, logistic and softmax links") {
  SUBCASE("regression: 2 x0 - x1 + 0.5") {
    const auto bytes = write_model([](ModelWriter& w) {
      static const std::uint32_t cats[] = {0, 0};
      static const float weights[] = {2.0f, -1.0f};
      static const float intercept[] = {0.5f};
      w.schema({f::Task::regression, 0, u32s(cats)});
      w.linear({2, 1, f::Link::identity, floats(weights), floats(intercept)});
    });
    CHECK(run(bytes, {1.0f, 3.0f})[0] == -0.5f);
    CHECK(run(bytes, {1.0f, 3.0f}, Output::label)[0] == -0.5f);
  }
  SUBCASE("binary logistic: sigmoid(ln 3) = 3/4") {
    const auto bytes = write_model([](ModelWriter& w) {
      static const std::uint32_t cats[] = {0};
      static const float weights[] = {1.0f};
      static const float intercept[] = {0.0f};
      w.schema({f::Task::binary, 2, u32s(cats)});
      w.linear({1, 1, f::Link::logistic, floats(weights), floats(intercept)});
    });
    const auto p = run(bytes, {std::log(3.0f)}, Output::probability);
    REQUIRE(p.size() == 2);
    CHECK(p[0] == doctest::Approx(0.25).epsilon(1e-6));
    CHECK(p[1] == doctest::Approx(0.75).epsilon(1e-6));
    CHECK(run(bytes, {std::log(3.0f)}, Output::label)[0] == 1.0f);
    CHECK(run(bytes, {0.0f}, Output::label)[0] == 0.0f);  // p = 0.5 exactly: the tie goes to class 0
    CHECK(run(bytes, {-2.0f}, Output::raw)[0] == -2.0f);
  }
  SUBCASE("multinomial: raw scores 0, ln 2, ln 5 give 1/8, 2/8, 5/8") {
    const auto bytes = write_model([](ModelWriter& w) {
      static const std::uint32_t cats[] = {0};
      static const float weights[] = {0.0f, 0.0f, 0.0f};
      static float intercept[3];
      intercept[0] = 0.0f;
      intercept[1] = std::log(2.0f);
      intercept[2] = std::log(5.0f);
      w.schema({f::Task::multiclass, 3, u32s(cats)});
      w.linear({1, 3, f::Link::softmax, floats(weights), Span<const float>(intercept, 3)});
    });
    const auto p = run(bytes, {7.0f}, Output::probability);
    CHECK(p[0] == doctest::Approx(0.125).epsilon(1e-6));
    CHECK(p[1] == doctest::Approx(0.25).epsilon(1e-6));
    CHECK(p[2] == doctest::Approx(0.625).epsilon(1e-6));
    CHECK(run(bytes, {7.0f}, Output::label)[0] == 2.0f);
  }
}

TEST_CASE("categorical splits: codes in the set go left, unknown ones right, NaN by default") {
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {40};
    static const std::uint32_t left_set[] = {1, 3, 33};
    static TreeNodeSpec node{-1, -2, 0, 0.0f, u32s(left_set), true};
    static const float leaves[] = {1.0f, 2.0f};
    static const float base[] = {0.0f};
    static TreeSpec tree{Span<const TreeNodeSpec>(&node, 1), floats(leaves), 0};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.trees({1, 1, 1, f::Aggregation::sum, f::Link::identity, floats(base), Span<const TreeSpec>(&tree, 1)});
  });
  REQUIRE(bytes.status == Status::ok);
  CHECK(run(bytes, {1.0f})[0] == 1.0f);
  CHECK(run(bytes, {3.0f})[0] == 1.0f);
  CHECK(run(bytes, {33.0f})[0] == 1.0f);  // second bitset word
  CHECK(run(bytes, {0.0f})[0] == 2.0f);
  CHECK(run(bytes, {2.0f})[0] == 2.0f);
  CHECK(run(bytes, {32.0f})[0] == 2.0f);
  CHECK(run(bytes, {64.0f})[0] == 2.0f);  // beyond the bitset: unknown
  CHECK(run(bytes, {-1.0f})[0] == 2.0f);  // negative: unknown
  CHECK(run(bytes, {1.5f})[0] == 2.0f);   // not a code: unknown
  CHECK(run(bytes, {kNaN})[0] == 1.0f);   // missing: default left
}

TEST_CASE("forest averaging of class probabilities, boosting sums per class") {
  SUBCASE("forest: two stumps on x0 < 0, mean of probability leaves") {
    const auto bytes = write_model([](ModelWriter& w) {
      static const std::uint32_t cats[] = {0};
      static TreeNodeSpec a{-1, -2, 0, 0.0f, {}, false};
      static TreeNodeSpec b{-1, -2, 0, 1.0f, {}, false};
      static const float leaves_a[] = {0.9f, 0.1f, 0.2f, 0.8f};
      static const float leaves_b[] = {0.7f, 0.3f, 0.4f, 0.6f};
      static const float base[] = {0.0f, 0.0f};
      static TreeSpec trees[] = {{Span<const TreeNodeSpec>(&a, 1), floats(leaves_a), 0},
                                 {Span<const TreeNodeSpec>(&b, 1), floats(leaves_b), 0}};
      w.schema({f::Task::binary, 2, u32s(cats)});
      w.trees(
          {1, 2, 2, f::Aggregation::mean, f::Link::identity, floats(base), Span<const TreeSpec>(trees, 2)});
    });
    // x = 0.5: tree a goes right (0.2, 0.8), tree b left (0.7, 0.3); mean (0.45, 0.55).
    const auto p = run(bytes, {0.5f}, Output::probability);
    CHECK(p[0] == doctest::Approx(0.45));
    CHECK(p[1] == doctest::Approx(0.55));
    CHECK(run(bytes, {0.5f}, Output::label)[0] == 1.0f);
  }
  SUBCASE("boosting: one scalar tree per class plus base score, softmax") {
    const auto bytes = write_model([](ModelWriter& w) {
      static const std::uint32_t cats[] = {0};
      static TreeNodeSpec stump{-1, -2, 0, 0.0f, {}, false};
      static const float l0[] = {1.0f, -1.0f}, l1[] = {0.0f, 2.0f}, l2[] = {0.5f, 0.5f};
      static const float base[] = {0.0f, 0.0f, 0.0f};
      static TreeSpec trees[] = {{Span<const TreeNodeSpec>(&stump, 1), floats(l0), 0},
                                 {Span<const TreeNodeSpec>(&stump, 1), floats(l1), 1},
                                 {Span<const TreeNodeSpec>(&stump, 1), floats(l2), 2}};
      w.schema({f::Task::multiclass, 3, u32s(cats)});
      w.trees({1, 3, 1, f::Aggregation::sum, f::Link::softmax, floats(base), Span<const TreeSpec>(trees, 3)});
    });
    // x = 1 goes right: raw (-1, 2, 0.5).
    const auto raw = run(bytes, {1.0f}, Output::raw);
    CHECK(raw == std::vector<float>{-1.0f, 2.0f, 0.5f});
    const auto p = run(bytes, {1.0f}, Output::probability);
    const double z = std::exp(-1.0) + std::exp(2.0) + std::exp(0.5);
    CHECK(p[0] == doctest::Approx(std::exp(-1.0) / z).epsilon(1e-6));
    CHECK(p[1] == doctest::Approx(std::exp(2.0) / z).epsilon(1e-6));
    CHECK(p[2] == doctest::Approx(std::exp(0.5) / z).epsilon(1e-6));
    CHECK(run(bytes, {1.0f}, Output::label)[0] == 1.0f);
  }
}

TEST_CASE("every pipeline step, composed, computed by hand") {
  // Input: x0 numeric, x1 categorical with 3 codes, x2 numeric.
  //   impute   fill (5, 0, 7), indicator for x0      -> 4 columns
  //   one_hot  x1 (3 categories)                     -> 6 columns: x0, c0, c1, c2, x2, ind
  //   affine   (v - 1) * 2 on every column
  //   select   columns 0, 2, 4, 5                    -> 4 columns
  //   discretize column 2 with edges (0, 10)         -> bin count
  //   ordinal  column 3 treated as 2 codes -> (-1, +1), unknown -> 9
  //   project  sum of the 4 columns + 0.5            -> 1 column
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 3, 0};
    static const float fill[] = {5.0f, 0.0f, 7.0f};
    static const std::uint32_t indicators[] = {0};
    static const std::uint32_t one_hot[] = {0, 3, 0, 0};
    static const float offset[] = {1, 1, 1, 1, 1, 1}, scale[] = {2, 2, 2, 2, 2, 2};
    static const std::uint32_t keep[] = {0, 2, 4, 5};
    static const std::uint32_t n_edges[] = {0, 0, 2, 0};
    static const float edges[] = {0.0f, 10.0f};
    static const std::uint32_t ordinal_cats[] = {0, 0, 0, 2};
    static const float unknown[] = {0, 0, 0, 9.0f}, values[] = {-1.0f, 1.0f};
    static const float ones[] = {1, 1, 1, 1}, bias[] = {0.5f};
    static const float weights[] = {1.0f}, intercept[] = {0.0f};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.impute(floats(fill), u32s(indicators));
    w.one_hot(u32s(one_hot), false);
    w.affine(floats(offset), floats(scale));
    w.select(6, u32s(keep));
    w.discretize(u32s(n_edges), floats(edges));
    w.ordinal(u32s(ordinal_cats), floats(unknown), floats(values));
    w.project(4, 1, floats(ones), floats(bias));
    w.linear({1, 1, f::Link::identity, floats(weights), floats(intercept)});
  });
  REQUIRE(bytes.status == Status::ok);
  // Row (NaN, 1, 3): impute -> (5, 1, 3, ind 1); one-hot -> (5, 0, 1, 0, 3, 1);
  // affine -> (8, -2, 0, -2, 4, 0); select -> (8, 0, 4, 0); discretize col 2:
  // 4 is >= 0 and < 10 -> bin 1; ordinal col 3: code 0 -> -1: (8, 0, 1, -1);
  // project: 8 + 0 + 1 - 1 + 0.5 = 8.5.
  CHECK(run(bytes, {kNaN, 1.0f, 3.0f})[0] == 8.5f);
  // Row (2, 2, NaN): impute -> (2, 2, 7, 0); one-hot -> (2, 0, 0, 1, 7, 0);
  // affine -> (2, -2, -2, 0, 12, -2); select -> (2, -2, 12, -2); bin of 12 -> 2;
  // ordinal of -2 -> unknown 9: (2, -2, 2, 9); sum + 0.5 = 11.5.
  CHECK(run(bytes, {2.0f, 2.0f, kNaN})[0] == 11.5f);
  // An unknown category (5) one-hot encodes to zeros: (2, 0,0,0, 7, 0) ->
  // affine (2, -2, -2, -2, 12, -2) -> select (2, -2, 12, -2) -> same as above.
  CHECK(run(bytes, {2.0f, 5.0f, kNaN})[0] == 11.5f);
  // transform() stops before the model: the projection's output, 11.5.
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(scratch_bytes(m));
  const float row[] = {2.0f, 2.0f, kNaN};
  float seen = 0.0f;
  CHECK(transform(m, Span<const float>(row, 3), Span<unsigned char>(scratch.data(), scratch.size()),
                  Span<float>(&seen, 1)) == Status::ok);
  CHECK(seen == 11.5f);
  float two[2];
  CHECK(transform(m, Span<const float>(row, 3), Span<unsigned char>(scratch.data(), scratch.size()),
                  Span<float>(two, 2)) == Status::shape_mismatch);
}

TEST_CASE("one-hot with the error policy reports an unknown category") {
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {2};
    static const std::uint32_t one_hot[] = {2};
    static const float weights[] = {1.0f, 2.0f}, intercept[] = {0.0f};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.one_hot(u32s(one_hot), true);
    w.linear({2, 1, f::Link::identity, floats(weights), floats(intercept)});
  });
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(scratch_bytes(m));
  float out = 0;
  float row[1] = {1.0f};
  CHECK(predict(m, Span<const float>(row, 1), Span<unsigned char>(scratch.data(), scratch.size()),
                Output::raw, Span<float>(&out, 1)) == Status::ok);
  CHECK(out == 2.0f);
  row[0] = 2.0f;
  CHECK(predict(m, Span<const float>(row, 1), Span<unsigned char>(scratch.data(), scratch.size()),
                Output::raw, Span<float>(&out, 1)) == Status::unknown_category);
}

TEST_CASE("predict checks its arguments") {
  const auto bytes = small_tree();
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(scratch_bytes(m));
  float row[2] = {0, 0}, out[2] = {};
  const Span<unsigned char> s(scratch.data(), scratch.size());
  CHECK(predict(m, Span<const float>(row, 1), s, Output::raw, Span<float>(out, 1)) == Status::shape_mismatch);
  CHECK(predict(m, Span<const float>(row, 2), s, Output::raw, Span<float>(out, 2)) == Status::shape_mismatch);
  CHECK(predict(m, Span<const float>(row, 2), s, Output::probability, Span<float>(out, 1)) ==
        Status::invalid_argument);  // a regression model has no probabilities
  CHECK(predict(m, Span<const float>(row, 2), s.first(1), Output::raw, Span<float>(out, 1)) ==
        Status::invalid_argument);
}

TEST_CASE("metadata records are found by key and read in place") {
  static const char* const names[] = {"age", "", "income with spaces"};
  const auto bytes = write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const float weights[] = {1.0f}, intercept[] = {0.0f};
    static const StringView list[] = {{names[0], 3}, {names[1], 0}, {names[2], 18}};
    static const float stats[] = {1.5f, -2.0f};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.linear({1, 1, f::Link::identity, floats(weights), floats(intercept)});
    w.metadata_strings({"features", 8}, Span<const StringView>(list, 3));
    w.metadata_string({"target", 6}, {"y\0z", 3});  // an embedded NUL survives
    w.metadata_floats({"stats.0", 7}, floats(stats));
  });
  REQUIRE(bytes.status == Status::ok);
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  CHECK(metadata_count(m) == 3);
  MetadataEntry e;
  REQUIRE(find_metadata(m, "features", 8, &e) == Status::ok);
  CHECK(e.count == 3);
  const char* text = nullptr;
  std::uint32_t size = 0;
  REQUIRE(metadata_string(e, 2, &text, &size) == Status::ok);
  CHECK(std::string(text, size) == "income with spaces");
  REQUIRE(metadata_string(e, 1, &text, &size) == Status::ok);
  CHECK(size == 0);
  CHECK(metadata_string(e, 3, &text, &size) == Status::bad_index);
  REQUIRE(find_metadata(m, "target", 6, &e) == Status::ok);
  REQUIRE(metadata_string(e, 0, &text, &size) == Status::ok);
  CHECK(std::string(text, size) == std::string("y\0z", 3));
  REQUIRE(find_metadata(m, "stats.0", 7, &e) == Status::ok);
  const float* values = nullptr;
  REQUIRE(metadata_floats(e, &values) == Status::ok);
  CHECK(values[1] == -2.0f);
  CHECK(find_metadata(m, "absent", 6, &e) == Status::bad_index);
  REQUIRE(metadata_at(m, 1, &e) == Status::ok);
  CHECK(std::string(e.key, e.key_size) == "target");
}
