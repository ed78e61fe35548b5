// Integer models: the loader, predict_q and the float entry point on models
// written by hand (tests/support/quant_models.h), every expected output
// computed by hand from the model's definition.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "ember/runtime/fixed_point.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"
#include "heap_guard.h"
#include "model_bytes.h"
#include "quant_models.h"

using namespace ember;
namespace f = ember::format;

namespace {

constexpr std::int16_t kMissing = -32768;

struct Loaded {
  test::ModelBytes bytes;
  Model model;
  Status status = Status::ok;
  std::vector<unsigned char> scratch;
};

template <class Spec>
Loaded load(const Spec& spec) {
  Loaded l;
  l.bytes = test::write_quant(spec);
  REQUIRE(l.bytes.status == Status::ok);
  l.status = load_model(l.bytes.data(), l.bytes.size, &l.model);
  l.scratch.resize(scratch_bytes(l.model) + 8);
  return l;
}

// predict_q of one row; the output's values, or empty on an error (status in *s).
std::vector<std::int32_t> run(Loaded& l, std::vector<std::int16_t> row, Output kind, Status* s = nullptr) {
  std::vector<std::int32_t> out(output_size(l.model, kind));
  const Status st = predict_q(l.model, Span<const std::int16_t>(row.data(), row.size()),
                              Span<unsigned char>(l.scratch.data(), scratch_bytes_q(l.model)), kind,
                              Span<std::int32_t>(out.data(), out.size()));
  if (s != nullptr) *s = st;
  if (st != Status::ok) out.clear();
  return out;
}

std::int32_t raw1(Loaded& l, std::vector<std::int16_t> row) {
  const auto out = run(l, row, Output::raw);
  REQUIRE(out.size() == 1);
  return out[0];
}

// Loads `bytes` and, when it loads, runs every output on a few rows through
// predict_q and predict(): must never crash nor read out of bounds.
Status load_and_exercise(const unsigned char* bytes, std::size_t size) {
  Model m;
  const Status s = load_model(bytes, size, &m);
  if (s != Status::ok) return s;
  std::vector<unsigned char> scratch(scratch_bytes(m));
  const std::int16_t values[] = {0, 1, -1, 9, 10, 20, 32767, -32768, 2, 3};
  for (const std::int16_t v : values) {
    std::vector<std::int16_t> row(m.n_features, v);
    std::vector<float> frow(m.n_features, static_cast<float>(v) * 0.5f);
    for (const Output kind : {Output::raw, Output::probability, Output::label}) {
      std::vector<std::int32_t> out(output_size(m, kind));
      std::vector<float> fout(out.size());
      predict_q(m, Span<const std::int16_t>(row.data(), row.size()),
                Span<unsigned char>(scratch.data(), scratch.size()), kind,
                Span<std::int32_t>(out.data(), out.size()));
      predict(m, Span<const float>(frow.data(), frow.size()),
              Span<unsigned char>(scratch.data(), scratch.size()), kind,
              Span<float>(fout.data(), fout.size()));
    }
  }
  return s;
}

void fix_crc(test::ModelBytes& b) {
  const std::uint32_t crc = model_file_crc(b.data(), b.size);
  std::memcpy(b.data() + 8, &crc, 4);
}

// The offset of the first section of `kind` in the file's table.
std::uint32_t section_offset(const test::ModelBytes& b, f::SectionKind kind, std::uint32_t* entry = nullptr) {
  f::FileHeader h;
  std::memcpy(&h, b.data(), sizeof h);
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry e;
    std::memcpy(&e, b.data() + sizeof h + i * sizeof e, sizeof e);
    if (e.kind == static_cast<std::uint32_t>(kind)) {
      if (entry != nullptr) *entry = static_cast<std::uint32_t>(sizeof h + i * sizeof e);
      return e.offset;
    }
  }
  FAIL("no such section");
  return 0;
}

}  // namespace

TEST_CASE("integer tree: row codes and the walk, by hand") {
  Loaded l = load(test::QuantTreeModel{});
  REQUIRE(l.status == Status::ok);
  CHECK(is_integer_model(l.model));
  CHECK(l.model.kind == ModelKind::quant_trees);
  CHECK(output_frac_bits(l.model) == 8);
  CHECK(l.model.version_minor == f::kVersionMinorInteger);
  // Base 5, the lone tree 1: 6 plus tree 0's leaf.
  CHECK(raw1(l, {5, 1}) == 6 + 100);    // q0 < 10 (code 0): node 1; 1 in {1}: leaf 0
  CHECK(raw1(l, {5, 2}) == 6 - 200);    // 2 not in the set: leaf 1
  CHECK(raw1(l, {9, 0}) == 6 - 200);    // just below the cut 10
  CHECK(raw1(l, {10, 1}) == 6 + 3000);  // on the cut: code 1, right: leaf 2
  CHECK(raw1(l, {11, 1}) == 6 + 3000);  // just above
  CHECK(raw1(l, {32767, 1}) == 6 + 3000);
  CHECK(raw1(l, {-32767, 1}) == 6 + 100);
  CHECK(raw1(l, {kMissing, 1}) == 6 + 3000);  // missing: node 0 has no default_left
  CHECK(raw1(l, {5, kMissing}) == 6 + 100);   // missing: node 1 goes left
  CHECK(raw1(l, {5, 3}) == 6 + 100);          // unknown category: left
  CHECK(raw1(l, {5, -1}) == 6 + 100);
  CHECK(run(l, {5, 2}, Output::label) == std::vector<std::int32_t>{6 - 200});  // regression label = raw
  Status s = Status::ok;
  run(l, {5, 2}, Output::probability, &s);
  CHECK(s == Status::invalid_argument);
  // Argument checks.
  std::int16_t row[2] = {5, 1};
  std::int32_t out[2];
  CHECK(predict_q(l.model, Span<const std::int16_t>(row, 1),
                  Span<unsigned char>(l.scratch.data(), l.scratch.size()), Output::raw,
                  Span<std::int32_t>(out, 1)) == Status::shape_mismatch);
  CHECK(predict_q(l.model, Span<const std::int16_t>(row, 2),
                  Span<unsigned char>(l.scratch.data(), l.scratch.size()), Output::raw,
                  Span<std::int32_t>(out, 2)) == Status::shape_mismatch);
  CHECK(predict_q(l.model, Span<const std::int16_t>(row, 2),
                  Span<unsigned char>(l.scratch.data(), scratch_bytes_q(l.model) - 1), Output::raw,
                  Span<std::int32_t>(out, 1)) == Status::invalid_argument);
}

TEST_CASE("integer tree: leaf sums saturate in int32") {
  test::QuantTreeModel spec;
  spec.base = {INT32_MAX - 50};
  Loaded l = load(spec);
  REQUIRE(l.status == Status::ok);
  CHECK(raw1(l, {10, 0}) == INT32_MAX);  // + 1 + 3000
  CHECK(raw1(l, {5, 2}) == INT32_MAX - 50 + 1 - 200);
  spec.base = {INT32_MIN + 100};
  Loaded low = load(spec);
  CHECK(raw1(low, {5, 2}) == INT32_MIN);  // + 1 - 200: the exact sum, saturated once
  spec.base = {INT32_MIN + 199};
  Loaded edge = load(spec);
  CHECK(raw1(edge, {5, 2}) == INT32_MIN);  // whatever order the trees are added in
  spec.base = {INT32_MIN + 200};
  Loaded inside = load(spec);
  CHECK(raw1(inside, {5, 2}) == INT32_MIN + 1);
}

TEST_CASE("integer linear: accumulation, tables and requantization, by hand") {
  Loaded l = load(test::QuantLinearModel{});
  REQUIRE(l.status == Status::ok);
  CHECK(l.model.kind == ModelKind::quant_linear);
  CHECK(output_frac_bits(l.model) == 4);
  // acc = 50 + 3 (q0 - 10) + bins(q1) + category(q2); raw = round(acc / 2), halves away from zero.
  CHECK(raw1(l, {20, 50, 0}) == 37);         // 50 + 30 - 7 + 0 = 73 -> 36.5 -> 37
  CHECK(raw1(l, {0, -5, 0}) == 14);          // 50 - 30 + 7 = 27 -> 13.5 -> 14
  CHECK(raw1(l, {0, 200, 0}) == 45);         // 50 - 30 + 70 = 90
  CHECK(raw1(l, {0, 100, 0}) == 45);         // on the cut 100: code 2
  CHECK(raw1(l, {0, 99, 0}) == 7);           // just below it: code 1: 50 - 30 - 7 = 13 -> 6.5 -> 7
  CHECK(raw1(l, {-100, -5, 0}) == -137);     // 50 - 330 + 7 = -273 -> -136.5 -> -137
  CHECK(raw1(l, {kMissing, 50, 0}) == 24);   // missing q0: its table entry 5: 48
  CHECK(raw1(l, {20, kMissing, 0}) == 540);  // missing q1: 1000: 1080
  CHECK(raw1(l, {20, 50, 1}) == 42);         // category 1: 11: 84
  CHECK(raw1(l, {20, 50, 5}) == 48);         // unknown: 22: 95 -> 47.5 -> 48
  CHECK(raw1(l, {20, 50, -1}) == 53);        // missing (code -1): 33: 106
}

TEST_CASE("integer linear: cases the model cannot take, and saturation") {
  test::QuantLinearModel spec;
  spec.table[0] = INT32_MIN;  // f0 missing: no imputation
  spec.table[7] = INT32_MIN;  // f2 unknown category: an error
  Loaded l = load(spec);
  REQUIRE(l.status == Status::ok);
  Status s = Status::ok;
  run(l, {kMissing, 50, 0}, Output::raw, &s);
  CHECK(s == Status::bad_value);
  run(l, {20, 50, 5}, Output::raw, &s);
  CHECK(s == Status::unknown_category);
  CHECK(raw1(l, {20, 50, 1}) == 42);
  // INT32_MIN only where a case can be refused: not at a category's code.
  spec.table[6] = INT32_MIN;
  CHECK(test::write_quant(spec).status == Status::bad_value);

  test::QuantLinearModel big;
  big.bias = {INT32_MAX};
  big.shift = {0};  // x 2^14
  Loaded hi = load(big);
  REQUIRE(hi.status == Status::ok);
  CHECK(raw1(hi, {20, 50, 0}) == INT32_MAX);
  big.bias = {INT32_MIN + 1};
  Loaded lo = load(big);
  CHECK(raw1(lo, {20, 50, 0}) == INT32_MIN);
  // shift 62, multiplier 2^14: x 2^-48 of at most 2^47: every raw is 0 or +-1.
  test::QuantLinearModel tiny;
  tiny.shift = {62};
  tiny.multiplier = {(1 << 15) - 1};
  Loaded t = load(tiny);
  REQUIRE(t.status == Status::ok);
  CHECK(raw1(t, {20, 50, 0}) == 0);
}

TEST_CASE("integer classifiers: probabilities and labels") {
  SUBCASE("a forest whose leaves are probabilities") {
    Loaded l = load(test::QuantForestModel{});
    REQUIRE(l.status == Status::ok);
    CHECK(run(l, {5, 0}, Output::raw) == std::vector<std::int32_t>{49152, 32768, 16384});
    CHECK(run(l, {5, 0}, Output::probability) == std::vector<std::int32_t>{49152, 32768, 16384});
    CHECK(run(l, {5, 0}, Output::label) == std::vector<std::int32_t>{0});
    CHECK(run(l, {30, 1}, Output::raw) == std::vector<std::int32_t>{0, 32768, 65536});
    CHECK(run(l, {30, 1}, Output::probability) == std::vector<std::int32_t>{0, 32768, 65535});  // clamped
    CHECK(run(l, {30, 1}, Output::label) == std::vector<std::int32_t>{2});
    CHECK(run(l, {25, 2}, Output::label) == std::vector<std::int32_t>{1});
    CHECK(run(l, {kMissing, 7}, Output::raw) == std::vector<std::int32_t>{32768, 16384, 49152});
  }
  SUBCASE("logistic: the logit against 0, probabilities from the fixed-point sigmoid") {
    Loaded l = load(test::quant_linear_logistic());
    REQUIRE(l.status == Status::ok);
    CHECK(raw1(l, {20, 50, 0}) == 37);
    CHECK(run(l, {20, 50, 0}, Output::label) == std::vector<std::int32_t>{1});
    CHECK(run(l, {-100, -5, 0}, Output::label) == std::vector<std::int32_t>{0});
    std::int32_t p[2];
    fixed::logistic_probabilities(37, p);
    CHECK(run(l, {20, 50, 0}, Output::probability) == std::vector<std::int32_t>{p[0], p[1]});
    // sigmoid(37 / 65536) = 0.5 + 37 / 262144 (to 1e-12): 32768 + 9.25 -> 32777.
    CHECK(p[1] == 32777);
    CHECK(p[0] == 65536 - 32777);
    // acc = 20: raw 10 is positive: label 1; acc = 0 would be label 0.
  }
  SUBCASE("softmax: argmax of the scores, probabilities in Q0.16") {
    Loaded l = load(test::quant_linear_softmax());
    REQUIRE(l.status == Status::ok);
    // acc_o = 50 (o + 1) + (3 + o) 10 - 7 + 11 = 84, 144, 204: raw 42, 72, 102.
    CHECK(run(l, {20, 50, 1}, Output::raw) == std::vector<std::int32_t>{42, 72, 102});
    CHECK(run(l, {20, 50, 1}, Output::label) == std::vector<std::int32_t>{2});
    const auto p = run(l, {20, 50, 1}, Output::probability);
    REQUIRE(p.size() == 3);
    double z = 0;
    for (int c = 0; c < 3; ++c) z += std::exp((42.0 + 30 * c) / 65536);
    for (int c = 0; c < 3; ++c)
      CHECK(std::fabs(p[c] - 65536 * std::exp((42.0 + 30 * c) / 65536) / z) <= 0.5 + 1e-3);
  }
}

TEST_CASE("quantize_row: halves away from zero, clamps, missing, categories") {
  Loaded l = load(test::QuantLinearModel{});  // f0: zero point 10, scale 0.5; f2: 2 categories, missing -1
  REQUIRE(l.status == Status::ok);
  auto q = [&](float x0, float x1, float x2) {
    const float row[3] = {x0, x1, x2};
    std::int16_t out[3];
    REQUIRE(quantize_row(l.model, Span<const float>(row, 3), Span<std::int16_t>(out, 3)) == Status::ok);
    return std::vector<std::int16_t>{out[0], out[1], out[2]};
  };
  const float nan = std::nanf("");
  CHECK(q(0.25f, 0.5f, 1.0f) == std::vector<std::int16_t>{11, 1, 1});    // 0.5 -> 1 and 10 + 1; 0.5 -> 1
  CHECK(q(-0.25f, -0.5f, 0.0f) == std::vector<std::int16_t>{9, -1, 0});  // -0.5 -> -1
  CHECK(q(0.2499f, 0.4999f, 0.0f) == std::vector<std::int16_t>{10, 0, 0});
  CHECK(q(0.7499f, 1.5f, 0.0f) == std::vector<std::int16_t>{11, 2, 0});
  CHECK(q(1e9f, 1e9f, 0.0f) == std::vector<std::int16_t>{32767, 32767, 0});
  CHECK(q(-1e9f, -1e9f, 0.0f) ==
        std::vector<std::int16_t>{-32767, -32767, 0});  // -32768 is missing: one step in
  CHECK(q(INFINITY, -INFINITY, 0.0f) == std::vector<std::int16_t>{32767, -32767, 0});
  CHECK(q(nan, nan, nan) == std::vector<std::int16_t>{kMissing, kMissing, -1});
  CHECK(q(0.0f, 0.0f, 2.0f)[2] == 2);  // not a code (2 categories), and -1 is missing: unknown is 2
  CHECK(q(0.0f, 0.0f, 0.5f)[2] == 2);
  CHECK(q(0.0f, 0.0f, -3.0f)[2] == 2);
  // f0 at the lowest value: zero point 10 + round(-32778.5 / ...) clamps to -32768 = missing -> -32767.
  CHECK(q(-16389.0f, 0.0f, 0.0f)[0] == -32767);
  Loaded t = load(test::QuantTreeModel{});  // f1: 3 categories, missing -32768: unknown is -1
  const float row[2] = {1.0f, 7.0f};
  std::int16_t out[2];
  REQUIRE(quantize_row(t.model, Span<const float>(row, 2), Span<std::int16_t>(out, 2)) == Status::ok);
  CHECK(out[0] == 2);
  CHECK(out[1] == -1);
  CHECK(quantize_row(t.model, Span<const float>(row, 1), Span<std::int16_t>(out, 2)) ==
        Status::shape_mismatch);
}

TEST_CASE("predict() on an integer model is predict_q on the quantized row, converted") {
  Loaded models[] = {load(test::QuantTreeModel{}), load(test::QuantForestModel{}),
                     load(test::QuantLinearModel{}), load(test::quant_linear_logistic()),
                     load(test::quant_linear_softmax())};
  std::uint64_t state = 99;
  auto next = [&state]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 40);
  };
  for (Loaded& l : models) {
    REQUIRE(l.status == Status::ok);
    const std::uint32_t n = l.model.n_features;
    for (int trial = 0; trial < 500; ++trial) {
      std::vector<float> row(n);
      for (std::uint32_t j = 0; j < n; ++j) {
        row[j] = l.model.n_categories[j] ? static_cast<float>(next() % 4)
                                         : (static_cast<float>(next() % 20000) - 10000.0f) / 64.0f;
        if (next() % 10 == 0) row[j] = std::nanf("");
      }
      std::vector<std::int16_t> q(n);
      REQUIRE(quantize_row(l.model, Span<const float>(row.data(), n), Span<std::int16_t>(q.data(), n)) ==
              Status::ok);
      for (const Output kind : {Output::raw, Output::probability, Output::label}) {
        const std::size_t width = output_size(l.model, kind);
        if (width == 0) continue;
        std::vector<float> got(width);
        Status s_int = Status::ok;
        const auto want = run(l, q, kind, &s_int);
        const Status s = predict(l.model, Span<const float>(row.data(), n),
                                 Span<unsigned char>(l.scratch.data(), scratch_bytes(l.model)), kind,
                                 Span<float>(got.data(), width));
        REQUIRE(s == s_int);
        if (s != Status::ok) continue;
        const bool is_class = kind == Output::label && l.model.task != f::Task::regression;
        const double scale = kind == Output::probability ? 1.0 / 65536
                             : is_class                  ? 1.0
                                        : std::ldexp(1.0, -static_cast<int>(output_frac_bits(l.model)));
        for (std::size_t i = 0; i < width; ++i) CHECK(got[i] == static_cast<float>(want[i] * scale));
      }
      // predict_batch agrees with predict (row by row for integer models).
      std::vector<float> one(output_size(l.model, Output::raw)), batch(one.size());
      predict(l.model, Span<const float>(row.data(), n),
              Span<unsigned char>(l.scratch.data(), l.scratch.size()), Output::raw,
              Span<float>(one.data(), one.size()));
      const MatrixView<const float> rows{row.data(), 1, n, n};
      const MatrixView<float> outs{batch.data(), 1, batch.size(), batch.size()};
      std::vector<unsigned char> bs(batch_scratch_bytes(l.model));
      predict_batch(l.model, rows, Span<unsigned char>(bs.data(), bs.size()), Output::raw, outs);
      CHECK(std::memcmp(one.data(), batch.data(), 4 * one.size()) == 0);
    }
    std::vector<float> row(n, 0.0f), out(l.model.n_features);
    CHECK(transform(l.model, Span<const float>(row.data(), n),
                    Span<unsigned char>(l.scratch.data(), l.scratch.size()),
                    Span<float>(out.data(), out.size())) == Status::unsupported_feature);
  }
}

TEST_CASE("every truncation and seeded corruption of an integer model is refused or loads safely") {
  test::ModelBytes models[] = {
      test::write_quant(test::QuantTreeModel{}), test::write_quant(test::QuantForestModel{}),
      test::write_quant(test::QuantLinearModel{}), test::write_quant(test::quant_linear_softmax())};
  std::uint64_t state = 4242;
  auto next = [&state](std::uint32_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>((state >> 33) % n);
  };
  for (auto& original : models) {
    REQUIRE(original.status == Status::ok);
    REQUIRE(load_and_exercise(original.data(), original.size) == Status::ok);
    for (std::size_t n = 0; n < original.size; ++n) {
      auto copy = test::copy_of(original.data(), n);
      CHECK_MESSAGE(load_and_exercise(copy.data(), n) != Status::ok, "truncated to " << n);
    }
    int accepted = 0;
    for (int trial = 0; trial < 4000; ++trial) {
      auto copy = test::copy_of(original.data(), original.size);
      const int changes = 1 + static_cast<int>(next(3));
      for (int k = 0; k < changes; ++k) {
        copy.data()[12 + next(static_cast<std::uint32_t>(copy.size - 12))] =
            static_cast<unsigned char>(next(256));
      }
      fix_crc(copy);
      accepted += load_and_exercise(copy.data(), copy.size) == Status::ok;
    }
    // Many changes hit values that stay valid (leaves, table entries); the
    // point is that none crashed or read out of bounds (ASan/UBSan builds).
    CHECK(accepted < 4000);
  }
}

TEST_CASE("the writer and the loader refuse malformed integer models with the loader's status") {
  using test::qnode;
  auto tree_status = [](auto&& change) {
    test::QuantTreeModel spec;
    change(spec);
    return test::write_quant(spec).status;
  };
  CHECK(tree_status([](test::QuantTreeModel&) {}) == Status::ok);
  CHECK(tree_status([](test::QuantTreeModel& s) {
          s.nodes0[1].left = 0, s.nodes0[1].flags &= ~f::kQNodeLeftIsLeaf;
        }) == Status::bad_tree);  // a child that is not later than its parent
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].left = 2; }) ==
        Status::bad_tree);  // past the nodes
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].right = 3; }) ==
        Status::bad_index);  // past the leaves
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].split = 2; }) == Status::bad_index);  // 2 cuts
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].flags |= 32; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].reserved = 1; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].flags |= f::kQNodeUnknownLeft; }) ==
        Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[0].feature = 2; }) == Status::bad_index);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[1].feature = 0; }) ==
        Status::bad_value);  // bitset on numeric
  CHECK(tree_status([](test::QuantTreeModel& s) { s.nodes0[1].split = 1; }) == Status::out_of_bounds);
  CHECK(tree_status([](test::QuantTreeModel& s) {
          s.bitsets = {2, 1, 0};
        }) == Status::bad_value);  // 3 categories: 1 word
  CHECK(tree_status([](test::QuantTreeModel& s) { s.cuts = {20, 10}; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.cuts = {10, 10}; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) {
          s.cut_begin = {0, 1, 2};
        }) == Status::bad_value);  // cuts on a category
  CHECK(tree_status([](test::QuantTreeModel& s) { s.cut_begin = {0, 2, 1}; }) == Status::out_of_bounds);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.leaves0.push_back(1); }) ==
        Status::bad_tree);  // 4 leaves, 2 nodes
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].scale_bits = 0x7FC00000u; }) ==
        Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].scale_bits = 0x7F800000u; }) ==
        Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].scale_bits = 0xBF800000u; }) ==
        Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].scale_bits = 0; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].scale_bits = 1; }) ==
        Status::ok);  // subnormal, > 0
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[0].zero_point = 32768; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[1].missing_code = 2; }) ==
        Status::bad_value);  // a category
  CHECK(tree_status([](test::QuantTreeModel& s) { s.inputs[1].scale_bits = test::kScaleHalf; }) ==
        Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.cats[1] = 32768; }) == Status::unsupported_feature);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.out_frac_bits = 31; }) == Status::bad_value);
  CHECK(tree_status([](test::QuantTreeModel& s) { s.link_error = 1; }) ==
        Status::bad_value);  // identity: exact
  CHECK(tree_status([](test::QuantTreeModel& s) { s.link = f::Link::logistic; }) == Status::shape_mismatch);
  CHECK(tree_status([](test::QuantTreeModel& s) {
          s.task = f::Task::binary, s.n_classes = 2, s.link = f::Link::logistic;  // Q8: classifiers need Q16
        }) == Status::bad_value);

  auto linear_status = [](auto&& change) {
    test::QuantLinearModel spec;
    change(spec);
    return test::write_quant(spec).status;
  };
  CHECK(linear_status([](test::QuantLinearModel&) {}) == Status::ok);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.multiplier = {1 << 15}; }) == Status::bad_value);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.multiplier = {(1 << 14) - 1}; }) ==
        Status::bad_value);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.shift = {63}; }) == Status::bad_value);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.terms[0] = 4; }) == Status::bad_value);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.terms[2] = 1; }) ==
        Status::bad_value);  // linear on a category
  CHECK(linear_status([](test::QuantLinearModel& s) { s.terms[0] = 3; }) ==
        Status::bad_value);  // category on a number
  CHECK(linear_status([](test::QuantLinearModel& s) { s.weights[1] = 1; }) ==
        Status::bad_value);  // weight on bins
  CHECK(linear_status([](test::QuantLinearModel& s) {
          s.table_begin = {0, 1, 4, 9};
        }) == Status::shape_mismatch);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.weight_bits = 8, s.weights[0] = 128; }) ==
        Status::bad_value);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.weight_bits = 8, s.weights[0] = -128; }) ==
        Status::ok);
  CHECK(linear_status([](test::QuantLinearModel& s) { s.weight_bits = 12; }) == Status::unsupported_feature);

  // The accumulator bound: n linear features of weight 32767 around zero
  // point -32768 reach 32767 x 65535 each, so |acc| < 2^47 allows 65500
  // of them and refuses 65600.
  for (const std::uint32_t n : {65500u, 65600u}) {
    test::QuantLinearModel s;
    s.cats.assign(n, 0);
    s.inputs.assign(n, f::QuantInput{-32768, test::kScaleOne, 32767});
    s.terms.assign(n, 1);
    s.cut_begin.assign(n + 1, 0);
    s.cuts.clear();
    s.table_begin.resize(n + 1);
    for (std::uint32_t j = 0; j <= n; ++j) s.table_begin[j] = j;
    s.table.assign(n, 0);
    s.bias = {0};
    s.weights.assign(n, 32767);
    CHECK(test::write_quant(s).status == (n == 65500 ? Status::ok : Status::bad_value));
  }
}

TEST_CASE("the loader refuses integer files that break the section rules") {
  auto original = test::write_quant(test::QuantTreeModel{});
  REQUIRE(original.status == Status::ok);
  Model m;
  SUBCASE("a minor version before integer models") {
    auto b = test::copy_of(original.data(), original.size);
    const std::uint16_t minor = 1;
    std::memcpy(b.data() + 6, &minor, 2);
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::bad_value);
  }
  SUBCASE("a float model section beside the integer one") {
    auto b = test::copy_of(original.data(), original.size);
    std::uint32_t entry = 0;
    section_offset(b, f::SectionKind::quant_inputs, &entry);
    const auto kind = static_cast<std::uint32_t>(f::SectionKind::trees);
    std::memcpy(b.data() + entry, &kind, 4);  // QINP, then TREE in its place: no QINP...
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::bad_section);
    auto c = test::copy_of(original.data(), original.size);
    const auto pipe = static_cast<std::uint32_t>(f::SectionKind::pipeline);
    section_offset(c, f::SectionKind::quant_trees, &entry);
    std::memcpy(c.data() + entry, &pipe, 4);
    fix_crc(c);
    CHECK(load_model(c.data(), c.size, &m) == Status::bad_section);
  }
  SUBCASE("a scratch figure that is not the loader's") {
    auto b = test::copy_of(original.data(), original.size);
    std::uint32_t scratch = 0;
    std::memcpy(&scratch, b.data() + 24, 4);
    ++scratch;
    std::memcpy(b.data() + 24, &scratch, 4);
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::bad_value);
  }
  SUBCASE("an unknown input type") {
    auto b = test::copy_of(original.data(), original.size);
    b.data()[section_offset(b, f::SectionKind::quant_inputs) + 4] = 2;
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::unsupported_feature);
  }
  SUBCASE("a section one word longer than its header says") {
    auto b = test::copy_of(original.data(), original.size);
    std::uint32_t entry = 0;
    section_offset(b, f::SectionKind::quant_trees, &entry);
    std::uint32_t size = 0;
    std::memcpy(&size, b.data() + entry + 12, 4);
    size -= 4;
    std::memcpy(b.data() + entry + 12, &size, 4);
    fix_crc(b);
    CHECK(load_model(b.data(), b.size, &m) == Status::out_of_bounds);
  }
}

TEST_CASE("integer models load and predict without heap") {
  const auto tree = test::write_quant(test::QuantForestModel{});
  const auto linear = test::write_quant(test::quant_linear_softmax());
  REQUIRE(tree.status == Status::ok);
  REQUIRE(linear.status == Status::ok);
  alignas(8) static unsigned char scratch[256];
  const std::int16_t row2[2] = {5, 1};
  const std::int16_t row3[3] = {20, 50, 1};
  const float frow3[3] = {1.0f, 2.0f, 1.0f};
  std::int32_t out[3];
  float fout[3];
  Model a, b;
  test::HeapGuard guard;
  const Status la = load_model(tree.data(), tree.size, &a);
  const Status lb = load_model(linear.data(), linear.size, &b);
  const Status pa =
      predict_q(a, Span<const std::int16_t>(row2, 2), Span<unsigned char>(scratch, sizeof scratch),
                Output::probability, Span<std::int32_t>(out, 3));
  const Status pb =
      predict_q(b, Span<const std::int16_t>(row3, 3), Span<unsigned char>(scratch, sizeof scratch),
                Output::probability, Span<std::int32_t>(out, 3));
  const Status fb = predict(b, Span<const float>(frow3, 3), Span<unsigned char>(scratch, sizeof scratch),
                            Output::probability, Span<float>(fout, 3));
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  CHECK(la == Status::ok);
  CHECK(lb == Status::ok);
  CHECK(pa == Status::ok);
  CHECK(pb == Status::ok);
  CHECK(fb == Status::ok);
  CHECK(scratch_bytes(a) <= sizeof scratch);
  // The figure: 8 + 8 outputs + 2 (4 A + 2 n rounded to 4), A = max(outputs, classes, 2).
  CHECK(scratch_bytes(a) == 8 + 8 * 3 + 2 * (4 * 3 + 4));
  CHECK(scratch_bytes(b) == 8 + 8 * 3 + 2 * (4 * 3 + 8));
}

TEST_CASE("self_test replays QGLD golden vectors exactly") {
  const test::QuantTreeModel spec;
  const std::vector<std::int16_t> rows = {5, 1, 10, 0, kMissing, 2};
  // raw, label per row (regression: no probabilities), computed by hand.
  std::vector<std::int32_t> expected = {106, 106, 3006, 3006, 3006, 3006};
  auto bytes = test::write_model([&](ModelWriter& w) { spec.write(w, &rows, &expected); });
  REQUIRE(bytes.status == Status::ok);
  Model m;
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  QuantGoldenVectors g;
  REQUIRE(quant_golden_vectors(m, &g) == Status::ok);
  CHECK(g.n_rows == 3);
  std::vector<unsigned char> scratch(self_test_scratch_bytes(m));
  SelfTestResult r;
  CHECK(self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r) == Status::ok);
  CHECK(r.rows_checked == 3);
  expected[3] = 3007;  // row 1's label
  bytes = test::write_model([&](ModelWriter& w) { spec.write(w, &rows, &expected); });
  REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
  CHECK(self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r) == Status::self_test_mismatch);
  CHECK(r.first_bad_row == 1);
  CHECK(r.first_bad_output == Output::label);
  // Without golden vectors.
  const auto plain = test::write_quant(spec);
  REQUIRE(load_model(plain.data(), plain.size, &m) == Status::ok);
  CHECK(self_test(m, Span<unsigned char>(scratch.data(), scratch.size()), &r) == Status::section_not_found);
  // Wrong shapes are refused by the writer.
  const std::vector<std::int32_t> short_expected = {1, 2, 3};
  bytes = test::write_model([&](ModelWriter& w) { spec.write(w, &rows, &short_expected); });
  CHECK(bytes.status == Status::shape_mismatch);
}
