// self_test: the golden vectors of a GOLD section, verified and replayed.
#include "ember/runtime/self_test.h"

#include <cstring>
#include <new>

#include "ember/runtime/config.h"
#include "ember/runtime/ember_c.h"
#include "ember/runtime/predict_q.h"
#include "runtime/runtime_internal.h"

namespace ember {

namespace f = format;

namespace {

// The Model that ember_load placement-constructed in the opaque storage.
const Model& c_model(const ember_model* m) {
  return *std::launder(static_cast<const Model*>(static_cast<const void*>(m)));
}

// Raw scores and probabilities are the wide outputs; a label is one float.
std::size_t widest_output(const Model& m) {
  const std::size_t raw = output_size(m, Output::raw), proba = output_size(m, Output::probability);
  return raw > proba ? raw : proba;
}

Status report(SelfTestResult* out, SelfTestResult& r, Status s) {
  r.status = s;
  if (out != nullptr) *out = r;
  return s;
}

// Finds the one section of `kind` and checks its header against the model:
// *header and the payload after it (`payload` bytes, exactly what the
// header implies with `row_bytes` per input row, padded to 4, and
// `value_bytes` per expected value). load_model has checked the table;
// golden vectors have no other reader, so their bounds are checked again
// here rather than trusted.
Status find_golden(const Model& m, f::SectionKind kind, std::uint32_t row_bytes, f::GoldenHeader* g,
                   const unsigned char** rows, const unsigned char** expected) {
  if (m.bytes == nullptr || m.file_size < sizeof(f::FileHeader)) return Status::invalid_argument;
  f::FileHeader h;
  std::memcpy(&h, m.bytes, sizeof h);
  const std::uint64_t table_end =
      sizeof(f::FileHeader) + std::uint64_t{h.section_count} * sizeof(f::SectionEntry);
  if (table_end > m.file_size) return Status::out_of_bounds;
  f::SectionEntry gold{};
  bool found = false;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry s;
    std::memcpy(&s, m.bytes + sizeof(f::FileHeader) + std::size_t{i} * sizeof s, sizeof s);
    if (s.kind != static_cast<std::uint32_t>(kind)) continue;
    if (found) return Status::bad_section;  // at most one
    gold = s;
    found = true;
  }
  if (!found) return Status::section_not_found;
  if (gold.offset % f::kSectionAlignment != 0) return Status::bad_section;
  if (std::uint64_t{gold.offset} + gold.size > m.file_size) return Status::out_of_bounds;
  if (gold.size < sizeof(f::GoldenHeader)) return Status::out_of_bounds;
  const unsigned char* p = m.bytes + gold.offset;
  std::memcpy(g, p, sizeof *g);
  if (g->reserved[0] != 0 || g->reserved[1] != 0) return Status::bad_value;
  if (g->n_features != m.n_features || g->n_raw != output_size(m, Output::raw) ||
      g->n_proba != output_size(m, Output::probability)) {
    return Status::shape_mismatch;
  }
  if (g->n_rows == 0) return Status::bad_value;
  // Each width is at most 2^20 (load_model), so no product can wrap.
  const std::uint64_t row_part =
      (std::uint64_t{g->n_rows} * g->n_features * row_bytes + 3) & ~std::uint64_t{3};
  const std::uint64_t payload =
      row_part + std::uint64_t{g->n_rows} * (std::uint64_t{g->n_raw} + g->n_proba + 1) * 4;
  const std::uint64_t available = gold.size - sizeof(f::GoldenHeader);
  if (payload > available) return Status::out_of_bounds;
  if (payload < available) return Status::bad_section;  // consumed exactly, as every section
  *rows = p + sizeof(f::GoldenHeader);
  *expected = *rows + static_cast<std::size_t>(row_part);
  // (payload <= available < 2^32 here, so these fit size_t.)
  const auto pad = static_cast<std::size_t>(row_part - std::uint64_t{g->n_rows} * g->n_features * row_bytes);
  for (std::size_t i = pad; i > 0; --i) {
    if ((*expected)[-static_cast<std::ptrdiff_t>(i)] != 0) return Status::bad_value;  // padding is zero
  }
  if (reinterpret_cast<std::uintptr_t>(*rows) % 4 != 0) return Status::misaligned;
  return Status::ok;
}

}  // namespace

Status golden_vectors(const Model& m, GoldenVectors* golden) noexcept {
  *golden = GoldenVectors{};
  f::GoldenHeader g;
  const unsigned char* rows = nullptr;
  const unsigned char* expected = nullptr;
  EMBER_TRY(find_golden(m, f::SectionKind::golden, 4, &g, &rows, &expected));
  golden->n_rows = g.n_rows;
  golden->n_features = g.n_features;
  golden->n_raw = g.n_raw;
  golden->n_proba = g.n_proba;
  golden->rows = static_cast<const float*>(static_cast<const void*>(rows));
  golden->expected = static_cast<const float*>(static_cast<const void*>(expected));
  return Status::ok;
}

Status quant_golden_vectors(const Model& m, QuantGoldenVectors* golden) noexcept {
  *golden = QuantGoldenVectors{};
  f::GoldenHeader g;
  const unsigned char* rows = nullptr;
  const unsigned char* expected = nullptr;
  EMBER_TRY(find_golden(m, f::SectionKind::quant_golden, 2, &g, &rows, &expected));
  golden->n_rows = g.n_rows;
  golden->n_features = g.n_features;
  golden->n_raw = g.n_raw;
  golden->n_proba = g.n_proba;
  golden->rows = static_cast<const std::int16_t*>(static_cast<const void*>(rows));
  golden->expected = static_cast<const std::int32_t*>(static_cast<const void*>(expected));
  return Status::ok;
}

std::size_t self_test_scratch_bytes(const Model& m) noexcept {
  const std::size_t widest = widest_output(m);
  // Beyond what fits on the stack: the outputs after predict's scratch, with
  // room to align them to a float.
  return scratch_bytes(m) + (widest > kSelfTestInlineFloats ? sizeof(float) * (widest + 1) : 0);
}

namespace {

// Replays golden rows through `run` (predict or predict_q) and compares
// every output's bits; Value is float or int32_t, Row float or int16_t.
template <class Value, class Row, class Run>
Status replay(const Model& m, std::uint32_t n_rows, std::uint32_t n_features, const Row* rows,
              const Value* expected, Span<unsigned char> scratch, SelfTestResult& r, Run run) {
  r.rows = n_rows;
  if (scratch.data() == nullptr || scratch.size() < self_test_scratch_bytes(m))
    return Status::invalid_argument;
  const std::size_t predict_bytes = scratch_bytes(m);
  Value local[kSelfTestInlineFloats] = {};
  Value* out = local;
  if (widest_output(m) > kSelfTestInlineFloats) {
    unsigned char* tail = scratch.data() + predict_bytes;
    tail += (alignof(Value) - reinterpret_cast<std::uintptr_t>(tail) % alignof(Value)) % alignof(Value);
    out = static_cast<Value*>(static_cast<void*>(tail));
  }
  const Span<unsigned char> predict_scratch = scratch.first(predict_bytes);
  const std::size_t per_row =
      std::size_t{output_size(m, Output::raw)} + output_size(m, Output::probability) + 1;
  const Output kinds[3] = {Output::raw, Output::probability, Output::label};
  for (std::uint32_t row = 0; row < n_rows; ++row) {
    const Span<const Row> x(rows + std::size_t{row} * n_features, n_features);
    const Value* want = expected + std::size_t{row} * per_row;
    for (const Output kind : kinds) {
      const std::size_t n = output_size(m, kind);
      if (n == 0) continue;  // no probabilities for regression
      const Status s = run(x, predict_scratch, kind, Span<Value>(out, n));
      if (s != Status::ok || std::memcmp(out, want, n * sizeof(Value)) != 0) {
        r.first_bad_row = row;
        r.first_bad_output = kind;
        return s != Status::ok ? s : Status::self_test_mismatch;
      }
      want += n;
    }
    ++r.rows_checked;
  }
  return Status::ok;
}

}  // namespace

Status self_test(const Model& m, Span<unsigned char> scratch, SelfTestResult* result) noexcept {
  SelfTestResult r;
  // An integer model replays its QGLD vectors (exact int32 outputs of
  // predict_q) when it has them, else any GOLD ones through predict().
  if (integer_model(m)) {
    QuantGoldenVectors q;
    const Status found = quant_golden_vectors(m, &q);
    if (found != Status::section_not_found) {
      if (found != Status::ok) return report(result, r, found);
      auto run = [&m](Span<const std::int16_t> x, Span<unsigned char> s, Output kind,
                      Span<std::int32_t> out) { return predict_q(m, x, s, kind, out); };
      return report(result, r, replay(m, q.n_rows, q.n_features, q.rows, q.expected, scratch, r, run));
    }
  }
  GoldenVectors g;
  const Status found = golden_vectors(m, &g);
  if (found != Status::ok) return report(result, r, found);
  auto run = [&m](Span<const float> x, Span<unsigned char> s, Output kind, Span<float> out) {
    return predict(m, x, s, kind, out);
  };
  return report(result, r, replay(m, g.n_rows, g.n_features, g.rows, g.expected, scratch, r, run));
}

}  // namespace ember

// The self-test's C API (ember_c.h).
extern "C" {

ember_status ember_self_test(const ember_model* model, void* scratch, size_t scratch_size,
                             uint32_t* rows_checked, uint32_t* first_bad_row) {
  ember::SelfTestResult r;
  r.status = ember::Status::invalid_argument;
  if (model != nullptr) {
    ember::self_test(ember::c_model(model),
                     ember::Span<unsigned char>(static_cast<unsigned char*>(scratch), scratch_size), &r);
  }
  if (rows_checked != nullptr) *rows_checked = r.rows_checked;
  if (first_bad_row != nullptr) *first_bad_row = r.first_bad_row;
  return static_cast<ember_status>(r.status);
}

size_t ember_self_test_scratch_bytes(const ember_model* model) {
  return ember::self_test_scratch_bytes(ember::c_model(model));
}

}  // extern "C"
