// Verification: hostile bytes give a Status, never a crash; a verified model
// predicts without heap; batch and single-row agree bit for bit.
#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <vector>

#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/rng.h"
#include "heap_guard.h"
#include "model_bytes.h"
#include "random_model.h"

using namespace ember;
namespace f = ember::format;

namespace {

test::RandomForestShape mixed_shape() {
  test::RandomForestShape s;
  s.n_features = 6;
  s.n_trees = 4;
  s.max_depth = 4;
  s.n_outputs = 3;
  s.task = f::Task::multiclass;
  s.link = f::Link::softmax;
  s.categorical_every = 3;
  s.with_pipeline = true;
  return s;
}

// Complete numeric trees: written in heap layout.
test::RandomForestShape heap_shape() {
  test::RandomForestShape s;
  s.n_features = 5;
  s.n_trees = 5;
  s.max_depth = 3;
  s.full = true;
  s.with_pipeline = true;
  return s;
}

// Loads `bytes` and, when it loads, predicts a few rows: must never crash.
Status load_and_exercise(const unsigned char* bytes, std::size_t size) {
  Model m;
  const Status s = load_model(bytes, size, &m);
  if (s != Status::ok) return s;
  std::vector<unsigned char> scratch(scratch_bytes(m));
  std::vector<float> row(m.n_features, 0.5f), out(output_size(m, Output::raw));
  for (int r = 0; r < 3; ++r) {
    row[0] = static_cast<float>(r) - 1.0f;
    predict(m, Span<const float>(row.data(), row.size()), Span<unsigned char>(scratch.data(), scratch.size()),
            Output::raw, Span<float>(out.data(), out.size()));
  }
  return s;
}

}  // namespace

TEST_CASE("CRC-32 matches the standard check value") {
  // The CRC-32/ISO-HDLC check value: crc32("123456789") = 0xCBF43926.
  CHECK(crc32("123456789", 9) == 0xCBF43926u);
  CHECK(crc32("", 0) == 0u);
  CHECK(crc32("6789", 4, crc32("12345", 5)) == 0xCBF43926u);  // incremental
}

TEST_CASE("every truncation of a model is refused with a status") {
  for (const auto& shape : {mixed_shape(), heap_shape()}) {
    const auto bytes = test::random_tree_model(shape, 1);
    REQUIRE(bytes.status == Status::ok);
    REQUIRE(load_and_exercise(bytes.data(), bytes.size) == Status::ok);
    for (std::size_t n = 0; n < bytes.size; ++n) {
      auto copy = test::copy_of(bytes.data(), n);
      const Status s = load_and_exercise(copy.data(), n);
      CHECK_MESSAGE(s != Status::ok, "truncated to " << n << " bytes");
    }
  }
}

TEST_CASE("seeded random corruption never crashes and is caught by the CRC") {
  const auto original = test::random_tree_model(mixed_shape(), 2);
  REQUIRE(original.status == Status::ok);
  Rng rng(2024);
  int refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    auto copy = test::copy_of(original.data(), original.size);
    const int flips = 1 + static_cast<int>(rng.below(4));
    for (int k = 0; k < flips; ++k) {
      copy.data()[rng.below(static_cast<std::uint32_t>(copy.size))] ^=
          static_cast<unsigned char>(1u << rng.below(8));
    }
    refused += load_and_exercise(copy.data(), copy.size) != Status::ok;
  }
  CHECK(refused == 3000);  // every flip changes the CRC
}

TEST_CASE("corruption behind a recomputed CRC is caught by the structural checks") {
  // An attacker (or a buggy writer) can fix up the CRC; the verifier must
  // still refuse or accept safely. Flip bytes, recompute the CRC, load, run.
  for (const auto& shape : {mixed_shape(), heap_shape()}) {
    const auto original = test::random_tree_model(shape, 3);
    REQUIRE(original.status == Status::ok);
    Rng rng(77);
    int accepted = 0;
    for (int trial = 0; trial < 5000; ++trial) {
      auto copy = test::copy_of(original.data(), original.size);
      const auto at = rng.below(static_cast<std::uint32_t>(copy.size - 12)) + 12;
      copy.data()[at] = static_cast<unsigned char>(rng.below(256));
      const std::uint32_t crc = model_file_crc(copy.data(), copy.size);
      std::memcpy(copy.data() + 8, &crc, 4);
      accepted += load_and_exercise(copy.data(), copy.size) == Status::ok;
    }
    // Many changes hit floats that stay valid; the point is that none
    // crashed or read out of bounds (ASan/UBSan builds check every read).
    CHECK(accepted < 5000);
  }
}

TEST_CASE("specific corruptions give specific statuses") {
  const auto original = test::random_tree_model(mixed_shape(), 4);
  REQUIRE(original.status == Status::ok);
  auto fix_crc = [](test::ModelBytes& b) {
    const std::uint32_t crc = model_file_crc(b.data(), b.size);
    std::memcpy(b.data() + 8, &crc, 4);
  };
  Model m;
  SUBCASE("magic") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[0] = 'X';
    CHECK(load_model(b.data(), b.size, &m) == Status::bad_magic);
  }
  SUBCASE("major version") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[4] = 2;
    CHECK(load_model(b.data(), b.size, &m) == Status::unsupported_version);
  }
  SUBCASE("the version is covered by the checksum") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[6] = 7;
    CHECK(load_model(b.data(), b.size, &m) == Status::checksum_mismatch);
  }
  SUBCASE("a newer minor version is accepted") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[6] = 7;
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::ok);
    CHECK(m.version_minor == 7);
  }
  SUBCASE("checksum") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[b.size - 1] ^= 1;
    CHECK(load_model(b.data(), b.size, &m) == Status::checksum_mismatch);
  }
  SUBCASE("declared size beyond the buffer") {
    CHECK(load_model(original.data(), original.size - 1, &m) == Status::truncated);
  }
  SUBCASE("a larger buffer (flash partition) is fine") {
    auto b = test::copy_of(original.data(), original.size);
    CHECK(load_model(b.data(), b.size + 8, &m) == Status::ok);
  }
  SUBCASE("misaligned buffer") {
    std::vector<std::uint64_t> store(original.size / 8 + 2);
    auto* p = reinterpret_cast<unsigned char*>(store.data()) + 4;
    std::memcpy(p, original.data(), original.size);
    CHECK(load_model(p, original.size, &m) == Status::misaligned);
  }
  SUBCASE("reserved fields must be zero, even behind a valid checksum") {
    // Offsets from the format: FileHeader.reserved at 28; SCHM's reserved
    // bytes 9..15 of its header; the first section is SCHM.
    f::FileHeader h;
    std::memcpy(&h, original.data(), sizeof h);
    f::SectionEntry schema;
    std::memcpy(&schema, original.data() + sizeof h, sizeof schema);
    REQUIRE(schema.kind == static_cast<std::uint32_t>(f::SectionKind::schema));
    for (const std::size_t at : {std::size_t{28}, std::size_t{schema.offset} + 9, std::size_t{schema.offset} + 15}) {
      CAPTURE(at);
      auto b = test::copy_of(original.data(), original.size);
      b.data()[at] = 1;
      fix_crc(b);
      CHECK(load_model(b.data(), b.size, &m) == Status::bad_value);
    }
  }
  SUBCASE("an unknown required section is refused, an unknown optional one skipped") {
    auto b = test::copy_of(original.data(), original.size);
    // The metadata section is the last table entry; rename its kind.
    f::FileHeader h;
    std::memcpy(&h, b.data(), sizeof h);
    const std::size_t entry = sizeof(f::FileHeader) + (h.section_count - 1) * sizeof(f::SectionEntry);
    const std::uint32_t kind = f::fourcc('X', 'T', 'R', 'A');
    std::memcpy(b.data() + entry, &kind, 4);
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::ok);
    CHECK(m.metadata == nullptr);
    const std::uint32_t required = f::kSectionRequired;
    std::memcpy(b.data() + entry + 4, &required, 4);
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::unknown_required_section);
  }
}

TEST_CASE("load and predict use no heap") {
  const auto bytes = test::random_tree_model(mixed_shape(), 5);
  REQUIRE(bytes.status == Status::ok);
  alignas(8) static unsigned char scratch[4096];
  float row[6] = {0.1f, 2.0f, -1.0f, 1.0f, 0.0f, 3.0f};
  float out[3];
  float batch_out[3 * 3];
  float batch_rows[3 * 6] = {};
  static unsigned char batch_scratch[1 << 14];
  Model m;
  test::HeapGuard guard;
  const Status loaded = load_model(bytes.data(), bytes.size, &m);
  const Status one = predict(m, Span<const float>(row, 6), Span<unsigned char>(scratch, sizeof scratch),
                             Output::probability, Span<float>(out, 3));
  MatrixView<const float> rows{batch_rows, 3, 6, 6};
  MatrixView<float> outs{batch_out, 3, 3, 3};
  const Status many = predict_batch(m, rows, Span<unsigned char>(batch_scratch, sizeof batch_scratch),
                                    Output::probability, outs);
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  CHECK(loaded == Status::ok);
  CHECK(one == Status::ok);
  CHECK(many == Status::ok);
  CHECK(scratch_bytes(m) <= sizeof scratch);
  CHECK(batch_scratch_bytes(m) <= sizeof batch_scratch);
}

TEST_CASE("batch predict equals single-row predict bit for bit") {
  for (int variant = 0; variant < 4; ++variant) {
    test::RandomForestShape s;
    s.n_features = 12;
    s.n_trees = 30;
    s.max_depth = 6;
    s.categorical_every = variant % 2 ? 4 : 0;
    s.with_pipeline = variant >= 2;
    if (variant == 3) {
      s.task = f::Task::binary;
      s.link = f::Link::identity;
      s.aggregation = f::Aggregation::mean;
      s.n_outputs = 2;
      s.leaf_width = 2;
    }
    const auto e = test::random_ensemble(s, 10 + static_cast<std::uint64_t>(variant));
    const auto bytes = test::random_tree_model(s, 10 + static_cast<std::uint64_t>(variant));
    REQUIRE(bytes.status == Status::ok);
    Model m;
    REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
    const std::size_t n_rows = 37;  // not a multiple of the block
    auto rows = test::random_rows(s, n_rows, 99, e.n_categories);
    const std::size_t width = output_size(m, Output::raw);
    std::vector<float> batch(n_rows * width), single(width);
    std::vector<unsigned char> bs(batch_scratch_bytes(m)), ss(scratch_bytes(m));
    REQUIRE(predict_batch(m, MatrixView<const float>{rows.data(), n_rows, s.n_features, s.n_features},
                          Span<unsigned char>(bs.data(), bs.size()), Output::raw,
                          MatrixView<float>{batch.data(), n_rows, width, width}) == Status::ok);
    for (std::size_t r = 0; r < n_rows; ++r) {
      REQUIRE(predict(m, Span<const float>(rows.data() + r * s.n_features, s.n_features),
                      Span<unsigned char>(ss.data(), ss.size()), Output::raw,
                      Span<float>(single.data(), width)) == Status::ok);
      CHECK(std::memcmp(single.data(), batch.data() + r * width, width * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("node words widen with the number of features") {
  test::RandomForestShape s;
  s.n_trees = 2;
  s.max_depth = 3;
  s.n_features = 3000;  // 12 feature bits + skip bits + 3 flags > 16
  const auto wide = test::random_tree_model(s, 6);
  Model m;
  REQUIRE(load_model(wide.data(), wide.size, &m) == Status::ok);
  CHECK(m.trees->word_bytes == 4);
  CHECK(m.trees->feature_bits == 12);
}

TEST_CASE("the writer refuses malformed trees and out-of-order calls") {
  static const std::uint32_t cats[] = {0, 0};
  static const float base[] = {0.0f};
  auto write_tree = [&](std::vector<TreeNodeSpec> nodes, std::vector<float> leaves) {
    return test::write_model([&](ModelWriter& w) {
             w.schema({f::Task::regression, 0, Span<const std::uint32_t>(cats, 2)});
             TreeSpec t{Span<const TreeNodeSpec>(nodes.data(), nodes.size()),
                        Span<const float>(leaves.data(), leaves.size()), 0};
             w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, Span<const float>(base, 1),
                      Span<const TreeSpec>(&t, 1)});
           })
        .status;
  };
  CHECK(write_tree({{-1, -2, 0, 0.5f, {}, false}}, {1, 2}) == Status::ok);
  CHECK(write_tree({{-1, -2, 2, 0.5f, {}, false}}, {1, 2}) == Status::bad_index);    // feature 2 of 2
  CHECK(write_tree({{-1, -3, 0, 0.5f, {}, false}}, {1, 2}) == Status::bad_index);    // leaf 2 of 2
  CHECK(write_tree({{-1, 0, 0, 0.5f, {}, false}}, {1, 2}) == Status::bad_tree);      // cycle to the root
  CHECK(write_tree({{-1, -2, 0, 0.5f, {}, false}}, {1, 2, 3}) == Status::bad_tree);  // unused leaf
  CHECK(write_tree({{-1, -2, 0, std::numeric_limits<float>::quiet_NaN(), {}, false}}, {1, 2}) ==
        Status::bad_value);
  CHECK(write_tree({{-1, -2, 0, 0.5f, {}, false}}, {1, std::numeric_limits<float>::quiet_NaN()}) ==
        Status::bad_value);
  // A chain deeper than the format allows.
  std::vector<TreeNodeSpec> chain;
  for (int i = 0; i < 130; ++i)
    chain.push_back({-(i + 1), i + 1 < 130 ? i + 1 : -(i + 2), 0, 0.0f, {}, false});
  CHECK(write_tree(chain, std::vector<float>(131, 0.0f)) == Status::bad_tree);

  // Out of order: a model before the schema; steps after the model.
  ModelWriter w{Span<unsigned char>()};
  static const float weights[] = {1, 1}, intercept[] = {0};
  CHECK(w.linear({2, 1, f::Link::identity, Span<const float>(weights, 2), Span<const float>(intercept, 1)}) ==
        Status::invalid_argument);
  std::size_t size = 0;
  CHECK(w.finish(&size) == Status::invalid_argument);
}

namespace {
// An independent evaluation of the trees as the trainer described them:
// follow left/right links in the spec, no file format involved.
float reference_leaf(const TreeSpec& t, std::uint32_t leaf_width, std::uint32_t o, const float* x) {
  if (t.nodes.size() == 0) return t.leaf_values[o];
  std::int32_t at = 0;
  for (;;) {
    const TreeNodeSpec& n = t.nodes[static_cast<std::size_t>(at)];
    const float v = x[n.feature];
    bool left;
    if (v != v) {
      left = n.default_left;
    } else if (n.categories.size() > 0) {
      left = false;
      for (std::uint32_t c : n.categories) left = left || (v == static_cast<float>(c));
    } else {
      left = v < n.threshold;
    }
    const std::int32_t next = left ? n.left : n.right;
    if (next < 0) return t.leaf_values[static_cast<std::size_t>(-(next + 1)) * leaf_width + o];
    at = next;
  }
}
}  // namespace

TEST_CASE("both tree layouts agree bit for bit with a naive walk of the spec") {
  for (int variant = 0; variant < 6; ++variant) {
    test::RandomForestShape s;
    s.n_features = 10;
    s.n_trees = 13;  // not a multiple of the lane count
    s.max_depth = 1 + static_cast<std::uint32_t>(variant);
    s.full = variant % 2 == 0;                   // complete trees: heap layout
    s.categorical_every = variant == 3 ? 3 : 0;  // categorical splits: preorder
    if (variant == 4) {
      s.task = f::Task::multiclass;
      s.link = f::Link::softmax;
      s.n_outputs = 3;
    }
    const std::uint64_t seed = 100 + static_cast<std::uint64_t>(variant);
    const auto e = test::random_ensemble(s, seed);
    const auto bytes = test::random_tree_model(s, seed);
    REQUIRE(bytes.status == Status::ok);
    Model m;
    REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
    bool complete = s.categorical_every == 0;
    for (const TreeSpec& t : e.trees) complete = complete && t.nodes.size() == (1u << s.max_depth) - 1;
    CHECK(m.trees->layout ==
          static_cast<std::uint8_t>(complete ? f::TreeLayout::heap : f::TreeLayout::preorder));
    if (s.full && s.categorical_every == 0) CHECK(complete);  // heap layout is exercised
    if (variant == 3) CHECK_FALSE(complete);
    const std::size_t n_rows = 50;
    const auto rows = test::random_rows(s, n_rows, seed, e.n_categories, variant == 2 ? 0 : 10);
    std::vector<float> out(s.n_outputs), batch(n_rows * s.n_outputs);
    std::vector<unsigned char> scratch(scratch_bytes(m)), batch_scratch(batch_scratch_bytes(m));
    REQUIRE(predict_batch(m, MatrixView<const float>{rows.data(), n_rows, s.n_features, s.n_features},
                          Span<unsigned char>(batch_scratch.data(), batch_scratch.size()), Output::raw,
                          MatrixView<float>{batch.data(), n_rows, s.n_outputs, s.n_outputs}) == Status::ok);
    for (std::size_t r = 0; r < n_rows; ++r) {
      const float* x = rows.data() + r * s.n_features;
      std::vector<float> expected(s.n_outputs, 0.0f);
      for (const TreeSpec& t : e.trees) expected[t.output] += reference_leaf(t, 1, 0, x);
      for (std::uint32_t o = 0; o < s.n_outputs; ++o) expected[o] += e.base[o];
      REQUIRE(predict(m, Span<const float>(x, s.n_features),
                      Span<unsigned char>(scratch.data(), scratch.size()), Output::raw,
                      Span<float>(out.data(), out.size())) == Status::ok);
      for (std::uint32_t o = 0; o < s.n_outputs; ++o) {
        CHECK(out[o] == expected[o]);
        CHECK(batch[r * s.n_outputs + o] == expected[o]);
      }
    }
  }
}
