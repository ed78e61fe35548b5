// self_test and the GOLD section: golden vectors are written here by hand,
// byte by byte as docs/FORMAT.md lays them out, with outputs worked out
// from the trees in the comments (not by running the code under test).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "ember/runtime/ember_c.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/self_test.h"
#include "ember/writer/model_writer.h"
#include "heap_guard.h"
#include "model_bytes.h"

using namespace ember;
using ember::test::write_model;
namespace f = ember::format;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr std::uint32_t kGold = f::fourcc('G', 'O', 'L', 'D');

template <std::size_t N>
Span<const std::uint32_t> u32s(const std::uint32_t (&a)[N]) {
  return Span<const std::uint32_t>(a, N);
}
template <std::size_t N>
Span<const float> floats(const float (&a)[N]) {
  return Span<const float>(a, N);
}

// Regression: x0 < 0.5 ? 10 : (x1 < 2 ? 20 : 30); NaN goes right at the
// root and left at node 1.
test::ModelBytes small_tree() {
  return write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0, 0};
    static const TreeNodeSpec nodes[2] = {{-1, 1, 0, 0.5f, {}, false}, {-2, -3, 1, 2.0f, {}, true}};
    static const float leaves[] = {10, 20, 30};
    static const float base[] = {0};
    static const TreeSpec tree{Span<const TreeNodeSpec>(nodes, 2), floats(leaves), 0};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.trees({2, 1, 1, f::Aggregation::sum, f::Link::identity, floats(base), Span<const TreeSpec>(&tree, 1)});
  });
}

// Binary, one stump of probability leaves averaged over one tree (so the
// leaves come out unchanged), identity link: x0 < 0.5 ? (0.25, 0.75) :
// (0.875, 0.125); NaN goes right.
test::ModelBytes binary_stump() {
  return write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const TreeNodeSpec stump{-1, -2, 0, 0.5f, {}, false};
    static const float leaves[] = {0.25f, 0.75f, 0.875f, 0.125f};
    static const float base[] = {0.0f, 0.0f};
    static const TreeSpec tree{Span<const TreeNodeSpec>(&stump, 1), floats(leaves), 0};
    w.schema({f::Task::binary, 2, u32s(cats)});
    w.trees({1, 2, 2, f::Aggregation::mean, f::Link::identity, floats(base), Span<const TreeSpec>(&tree, 1)});
  });
}

// Five classes, the same kind of stump: x0 < 0.5 ? class 0 : class 4.
test::ModelBytes five_class_stump() {
  return write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const TreeNodeSpec stump{-1, -2, 0, 0.5f, {}, false};
    static const float leaves[] = {0.5f, 0.125f, 0.125f, 0.125f, 0.125f, 0.0f, 0.0f, 0.0f, 0.25f, 0.75f};
    static const float base[] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    static const TreeSpec tree{Span<const TreeNodeSpec>(&stump, 1), floats(leaves), 0};
    w.schema({f::Task::multiclass, 5, u32s(cats)});
    w.trees({1, 5, 5, f::Aggregation::mean, f::Link::identity, floats(base), Span<const TreeSpec>(&tree, 1)});
  });
}

// y = x0 (no pipeline): a missing input gives a NaN output.
test::ModelBytes identity_line() {
  return write_model([](ModelWriter& w) {
    static const std::uint32_t cats[] = {0};
    static const float weight[] = {1.0f}, intercept[] = {0.0f};
    w.schema({f::Task::regression, 0, u32s(cats)});
    w.linear({1, 1, f::Link::identity, floats(weight), floats(intercept)});
  });
}

void put_u32(std::vector<unsigned char>* b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void put_f32(std::vector<unsigned char>* b, float v) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, 4);
  put_u32(b, bits);
}

struct Gold {
  std::uint32_t n_rows, n_features, n_raw, n_proba;
  std::vector<float> rows, expected;
  std::uint32_t reserved0 = 0, reserved1 = 0;
};

// The GOLD payload of FORMAT.md: six u32, the rows, the expected outputs.
std::vector<unsigned char> gold_payload(const Gold& g) {
  std::vector<unsigned char> b;
  for (std::uint32_t v : {g.n_rows, g.n_features, g.n_raw, g.n_proba, g.reserved0, g.reserved1})
    put_u32(&b, v);
  for (float v : g.rows) put_f32(&b, v);
  for (float v : g.expected) put_f32(&b, v);
  return b;
}

// `base` with `extra` sections (kind, payload) appended after its own: each
// at the next multiple of 8, flags 0 (optional), the table, file size and
// CRC fixed up.
test::ModelBytes with_sections(
    const test::ModelBytes& base,
    const std::vector<std::pair<std::uint32_t, std::vector<unsigned char>>>& extra) {
  f::FileHeader h;
  std::memcpy(&h, base.data(), sizeof h);
  const std::size_t old_table_end = sizeof h + h.section_count * sizeof(f::SectionEntry);
  const std::size_t shift = extra.size() * sizeof(f::SectionEntry);
  std::vector<unsigned char> file(old_table_end + shift, 0);
  std::memcpy(file.data(), base.data(), old_table_end);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry e;
    std::memcpy(&e, file.data() + sizeof h + i * sizeof e, sizeof e);
    e.offset += static_cast<std::uint32_t>(shift);
    std::memcpy(file.data() + sizeof h + i * sizeof e, &e, sizeof e);
  }
  file.insert(file.end(), base.data() + old_table_end, base.data() + base.size);
  for (std::size_t k = 0; k < extra.size(); ++k) {
    while (file.size() % 8 != 0) file.push_back(0);
    const f::SectionEntry e{extra[k].first, 0, static_cast<std::uint32_t>(file.size()),
                            static_cast<std::uint32_t>(extra[k].second.size())};
    std::memcpy(file.data() + old_table_end + k * sizeof e, &e, sizeof e);
    file.insert(file.end(), extra[k].second.begin(), extra[k].second.end());
  }
  h.section_count += static_cast<std::uint32_t>(extra.size());
  h.file_size = static_cast<std::uint32_t>(file.size());
  std::memcpy(file.data(), &h, sizeof h);
  h.crc32 = model_file_crc(file.data(), file.size());
  std::memcpy(file.data() + 8, &h.crc32, 4);
  return test::copy_of(file.data(), file.size());
}

test::ModelBytes with_gold(const test::ModelBytes& base, const Gold& g) {
  return with_sections(base, {{kGold, gold_payload(g)}});
}

// The small tree's golden rows: (row, raw = label) worked out by hand.
Gold small_tree_gold() {
  Gold g{5, 2, 1, 0, {}, {}};
  g.rows = {0.4f, 9.0f, 0.5f, 1.0f, 0.7f, 2.0f, kNaN, 0.0f, 1.0f, kNaN};
  // raw, label per row: 0.4 < 0.5 -> 10; 0.5 is right, 1 < 2 -> 20; 0.7
  // right, 2 is right -> 30; NaN right, 0 < 2 -> 20; 1 right, NaN left -> 20.
  g.expected = {10, 10, 20, 20, 30, 30, 20, 20, 20, 20};
  return g;
}

// The binary stump's: raw (2), probability (2, the same: identity), label.
Gold binary_gold() {
  Gold g{3, 1, 2, 2, {0.1f, 0.9f, kNaN}, {}};
  g.expected = {0.25f,  0.75f,  0.25f,  0.75f,  1.0f,   // 0.1 < 0.5: left, class 1
                0.875f, 0.125f, 0.875f, 0.125f, 0.0f,   // right, class 0
                0.875f, 0.125f, 0.875f, 0.125f, 0.0f};  // NaN goes right
  return g;
}

struct Run {
  Status status;
  SelfTestResult result;
};

Run run_self_test(const test::ModelBytes& bytes, std::size_t scratch_size = 0, std::size_t misalign = 0) {
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  if (scratch_size == 0) scratch_size = self_test_scratch_bytes(m);
  std::vector<unsigned char> scratch(scratch_size + misalign);
  Run r;
  r.status = self_test(m, Span<unsigned char>(scratch.data() + misalign, scratch_size), &r.result);
  return r;
}

// The file position of the first float of the GOLD payload's expected outputs.
std::size_t expected_offset(const test::ModelBytes& bytes) {
  f::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry e;
    std::memcpy(&e, bytes.data() + sizeof h + i * sizeof e, sizeof e);
    if (e.kind != kGold) continue;
    std::uint32_t n_rows = 0, n_features = 0;
    std::memcpy(&n_rows, bytes.data() + e.offset, 4);
    std::memcpy(&n_features, bytes.data() + e.offset + 4, 4);
    return e.offset + 24 + 4 * std::size_t{n_rows} * n_features;
  }
  FAIL("no GOLD section");
  return 0;
}

// A copy with one bit of the expected float at `index` flipped, resealed.
test::ModelBytes flip_expected(const test::ModelBytes& bytes, std::size_t index) {
  auto copy = test::copy_of(bytes.data(), bytes.size);
  copy.data()[expected_offset(bytes) + 4 * index] ^= 0x01u;  // the lowest mantissa bit
  const std::uint32_t crc = model_file_crc(copy.data(), copy.size);
  std::memcpy(copy.data() + 8, &crc, 4);
  return copy;
}

}  // namespace

TEST_CASE("golden vectors that match pass, bit for bit, with no heap") {
  const auto bytes = with_gold(small_tree(), small_tree_gold());
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);  // the loader skips GOLD
  GoldenVectors g;
  REQUIRE(golden_vectors(m, &g) == Status::ok);
  CHECK(g.n_rows == 5);
  CHECK(g.n_features == 2);
  CHECK(g.n_raw == 1);
  CHECK(g.n_proba == 0);
  CHECK(g.rows[2] == 0.5f);
  CHECK(g.expected[4] == 30.0f);

  // Two floats at most per output: predict's own scratch is enough.
  CHECK(self_test_scratch_bytes(m) == scratch_bytes(m));
  std::vector<unsigned char> scratch(scratch_bytes(m));
  SelfTestResult r;
  test::HeapGuard guard;
  const Status s = self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r);
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  CHECK(s == Status::ok);
  CHECK(r.status == Status::ok);
  CHECK(r.rows == 5);
  CHECK(r.rows_checked == 5);
  CHECK(r.first_bad_row == kSelfTestNoRow);
  CHECK(self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), nullptr) == Status::ok);

  const auto binary = run_self_test(with_gold(binary_stump(), binary_gold()));
  CHECK(binary.status == Status::ok);
  CHECK(binary.result.rows_checked == 3);
}

TEST_CASE("a flipped expected bit is a mismatch at its row and output") {
  const auto good = with_gold(binary_stump(), binary_gold());
  // Per row: raw 0-1, probability 2-3, label 4.
  SUBCASE("row 1's label") {
    const auto r = run_self_test(flip_expected(good, 5 + 4));
    CHECK(r.status == Status::self_test_mismatch);
    CHECK(r.result.status == Status::self_test_mismatch);
    CHECK(r.result.first_bad_row == 1);
    CHECK(r.result.first_bad_output == Output::label);
    CHECK(r.result.rows_checked == 1);
    CHECK(r.result.rows == 3);
  }
  SUBCASE("row 2's second probability") {
    const auto r = run_self_test(flip_expected(good, 10 + 3));
    CHECK(r.status == Status::self_test_mismatch);
    CHECK(r.result.first_bad_row == 2);
    CHECK(r.result.first_bad_output == Output::probability);
    CHECK(r.result.rows_checked == 2);
  }
  SUBCASE("row 0's first raw score") {
    const auto r = run_self_test(flip_expected(good, 0));
    CHECK(r.status == Status::self_test_mismatch);
    CHECK(r.result.first_bad_row == 0);
    CHECK(r.result.first_bad_output == Output::raw);
    CHECK(r.result.rows_checked == 0);
  }
  SUBCASE("a regression model's last row") {
    const auto r = run_self_test(flip_expected(with_gold(small_tree(), small_tree_gold()), 9));
    CHECK(r.status == Status::self_test_mismatch);
    CHECK(r.result.first_bad_row == 4);
    CHECK(r.result.first_bad_output == Output::label);
    CHECK(r.result.rows_checked == 4);
  }
}

TEST_CASE("NaN outputs compare by their bits") {
  // y = x0 on a missing x0 is NaN. Its bits are whatever this build's
  // arithmetic makes of the input NaN, so they are read back from predict:
  // what is under test is the comparison, which a float == would fail.
  const auto base = identity_line();
  Model m;
  REQUIRE(load_model(base.data(), base.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(scratch_bytes(m));
  const float row[] = {kNaN};
  float out = 0.0f;
  REQUIRE(predict(m, floats(row), Span<unsigned char>(scratch.data(), scratch.size()), Output::raw,
                  Span<float>(&out, 1)) == Status::ok);
  REQUIRE(std::isnan(out));
  Gold g{2, 1, 1, 0, {3.0f, kNaN}, {3.0f, 3.0f, out, out}};
  CHECK(run_self_test(with_gold(base, g)).status == Status::ok);

  // Another NaN (a different payload) is a mismatch, though both are NaN.
  std::uint32_t bits = 0;
  std::memcpy(&bits, &out, 4);
  bits ^= 0x00000001u;
  float other = 0.0f;
  std::memcpy(&other, &bits, 4);
  REQUIRE(std::isnan(other));
  g.expected = {3.0f, 3.0f, other, out};
  const auto r = run_self_test(with_gold(base, g));
  CHECK(r.status == Status::self_test_mismatch);
  CHECK(r.result.first_bad_row == 1);
  CHECK(r.result.first_bad_output == Output::raw);
}

TEST_CASE("a model without golden vectors says so") {
  const auto bytes = small_tree();
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  std::vector<unsigned char> scratch(self_test_scratch_bytes(m));
  SelfTestResult r;
  CHECK(self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r) == Status::section_not_found);
  CHECK(r.status == Status::section_not_found);
  CHECK(r.rows == 0);
  CHECK(r.rows_checked == 0);
  GoldenVectors g;
  CHECK(golden_vectors(m, &g) == Status::section_not_found);
  CHECK(g.rows == nullptr);
  // Another optional section of an unknown kind is not golden vectors.
  const auto other = with_sections(bytes, {{f::fourcc('X', 'T', 'R', 'A'), {1, 2, 3, 4, 5, 6, 7, 8}}});
  CHECK(run_self_test(other).status == Status::section_not_found);
  // An empty Model.
  CHECK(self_test(Model{}, Span<unsigned char>(scratch.data(), scratch.size()), &r) ==
        Status::invalid_argument);
}

TEST_CASE("a corrupt GOLD section gives a Status, never a crash") {
  const auto base = small_tree();
  const Gold good = small_tree_gold();
  auto status_of = [&](const Gold& g) { return run_self_test(with_gold(base, g)).status; };

  SUBCASE("every truncation of the payload") {
    const std::vector<unsigned char> full = gold_payload(good);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const std::vector<unsigned char> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const Status s = run_self_test(with_sections(base, {{kGold, cut}})).status;
      CHECK_MESSAGE(s == Status::out_of_bounds, "payload of " << n << " bytes");
    }
  }
  SUBCASE("n_rows beyond the payload, up to 2^32 - 1") {
    for (std::uint32_t n : {6u, 1000u, 0x40000000u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
      Gold g = good;
      g.n_rows = n;
      CHECK(status_of(g) == Status::out_of_bounds);
    }
  }
  SUBCASE("sizes inconsistent with the header") {
    Gold fewer = good;
    fewer.n_rows = 4;  // a row's worth of bytes left over
    CHECK(status_of(fewer) == Status::bad_section);
    Gold extra = good;
    extra.expected.push_back(0.0f);  // one stray float
    CHECK(status_of(extra) == Status::bad_section);
    Gold none = good;
    none.n_rows = 0;
    CHECK(status_of(none) == Status::bad_value);
  }
  SUBCASE("widths that disagree with the model") {
    Gold g = good;
    g.n_features = 3;
    CHECK(status_of(g) == Status::shape_mismatch);
    g = good;
    g.n_raw = 2;
    CHECK(status_of(g) == Status::shape_mismatch);
    g = good;
    g.n_proba = 1;  // a regression model has no probabilities
    CHECK(status_of(g) == Status::shape_mismatch);
  }
  SUBCASE("reserved fields not zero") {
    Gold g = good;
    g.reserved1 = 1;
    CHECK(status_of(g) == Status::bad_value);
  }
  SUBCASE("two GOLD sections") {
    const auto twice = with_sections(base, {{kGold, gold_payload(good)}, {kGold, gold_payload(good)}});
    CHECK(run_self_test(twice).status == Status::bad_section);
  }
  SUBCASE("random byte flips in the section, checksum fixed up") {
    const auto good_file = with_gold(base, good);
    const std::size_t start = expected_offset(good_file) - 24 - 4 * 10;  // the GOLD header
    std::uint32_t state = 12345;
    int refused = 0;
    for (int trial = 0; trial < 2000; ++trial) {
      auto copy = test::copy_of(good_file.data(), good_file.size);
      state = state * 1664525u + 1013904223u;
      const std::size_t at = start + (state >> 8) % (good_file.size - start);
      copy.data()[at] ^= static_cast<unsigned char>(1u << ((state >> 4) % 8));
      const std::uint32_t crc = model_file_crc(copy.data(), copy.size);
      std::memcpy(copy.data() + 8, &crc, 4);
      // Any Status (a flip in an input may not change the output); the
      // sanitizer builds watch every read.
      if (run_self_test(copy).status != Status::ok) ++refused;
    }
    CHECK(refused > 1000);
  }
}

TEST_CASE("outputs wider than the stack's few floats go to the scratch after predict's") {
  const auto bytes = [] {
    Gold g{2, 1, 5, 5, {0.1f, 0.9f}, {}};
    // x < 0.5: class 0's leaf; else class 4's. raw = probability (identity).
    const std::vector<float> left = {0.5f, 0.125f, 0.125f, 0.125f, 0.125f};
    const std::vector<float> right = {0.0f, 0.0f, 0.0f, 0.25f, 0.75f};
    for (int k = 0; k < 2; ++k) g.expected.insert(g.expected.end(), left.begin(), left.end());
    g.expected.push_back(0.0f);
    for (int k = 0; k < 2; ++k) g.expected.insert(g.expected.end(), right.begin(), right.end());
    g.expected.push_back(4.0f);
    return with_gold(five_class_stump(), g);
  }();
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  const std::size_t need = self_test_scratch_bytes(m);
  CHECK(need == scratch_bytes(m) + 4 * (5 + 1));  // five floats and room to align them
  CHECK(run_self_test(bytes, need).status == Status::ok);
  CHECK(run_self_test(bytes, need, /*misalign=*/1).status == Status::ok);
  CHECK(run_self_test(bytes, need, /*misalign=*/3).status == Status::ok);
  const auto small = run_self_test(bytes, need - 1);
  CHECK(small.status == Status::invalid_argument);
  CHECK(small.result.rows == 2);
  CHECK(small.result.rows_checked == 0);
  CHECK(run_self_test(bytes, scratch_bytes(m)).status == Status::invalid_argument);
}

TEST_CASE("the C API: ember_self_test") {
  const auto bytes = with_gold(small_tree(), small_tree_gold());
  ember_model model;
  REQUIRE(ember_load(&model, bytes.data(), bytes.size) == EMBER_STATUS_ok);
  std::vector<unsigned char> scratch(ember_self_test_scratch_bytes(&model));
  CHECK(scratch.size() == ember_scratch_bytes(&model));
  std::uint32_t checked = 99, bad = 99;
  CHECK(ember_self_test(&model, scratch.data(), scratch.size(), &checked, &bad) == EMBER_STATUS_ok);
  CHECK(checked == 5);
  CHECK(bad == UINT32_MAX);
  CHECK(ember_self_test(&model, scratch.data(), scratch.size(), nullptr, nullptr) == EMBER_STATUS_ok);
  CHECK(ember_self_test(&model, nullptr, 0, &checked, &bad) == EMBER_STATUS_invalid_argument);
  CHECK(ember_self_test(nullptr, scratch.data(), scratch.size(), &checked, &bad) ==
        EMBER_STATUS_invalid_argument);

  const auto flipped = flip_expected(bytes, 2 * 3);  // row 3's raw score
  REQUIRE(ember_load(&model, flipped.data(), flipped.size) == EMBER_STATUS_ok);
  CHECK(ember_self_test(&model, scratch.data(), scratch.size(), &checked, &bad) ==
        EMBER_STATUS_self_test_mismatch);
  CHECK(checked == 3);
  CHECK(bad == 3);
  CHECK(std::strcmp(ember_status_name(EMBER_STATUS_self_test_mismatch), "self_test_mismatch") == 0);

  const auto plain = small_tree();
  REQUIRE(ember_load(&model, plain.data(), plain.size) == EMBER_STATUS_ok);
  CHECK(ember_self_test(&model, scratch.data(), scratch.size(), &checked, &bad) ==
        EMBER_STATUS_section_not_found);
  CHECK(checked == 0);
  CHECK(bad == UINT32_MAX);
}
