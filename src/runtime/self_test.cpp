// self_test: the golden vectors of a GOLD section, verified and replayed.
#include "ember/runtime/self_test.h"

#include <cstring>

namespace ember {

namespace f = format;

namespace {

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

}  // namespace

Status golden_vectors(const Model& m, GoldenVectors* golden) noexcept {
  *golden = GoldenVectors{};
  if (m.bytes == nullptr || m.file_size < sizeof(f::FileHeader)) return Status::invalid_argument;
  f::FileHeader h;
  std::memcpy(&h, m.bytes, sizeof h);
  // load_model has checked the table; GOLD has no other reader, so its
  // bounds are checked again here rather than trusted.
  const std::uint64_t table_end =
      sizeof(f::FileHeader) + std::uint64_t{h.section_count} * sizeof(f::SectionEntry);
  if (table_end > m.file_size) return Status::out_of_bounds;
  f::SectionEntry gold{};
  bool found = false;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    f::SectionEntry s;
    std::memcpy(&s, m.bytes + sizeof(f::FileHeader) + std::size_t{i} * sizeof s, sizeof s);
    if (s.kind != static_cast<std::uint32_t>(f::SectionKind::golden)) continue;
    if (found) return Status::bad_section;  // at most one
    gold = s;
    found = true;
  }
  if (!found) return Status::section_not_found;
  if (gold.offset % f::kSectionAlignment != 0) return Status::bad_section;
  if (std::uint64_t{gold.offset} + gold.size > m.file_size) return Status::out_of_bounds;
  if (gold.size < sizeof(f::GoldenHeader)) return Status::out_of_bounds;
  const unsigned char* p = m.bytes + gold.offset;
  f::GoldenHeader g;
  std::memcpy(&g, p, sizeof g);
  if (g.reserved[0] != 0 || g.reserved[1] != 0) return Status::bad_value;
  if (g.n_features != m.n_features || g.n_raw != output_size(m, Output::raw) ||
      g.n_proba != output_size(m, Output::probability)) {
    return Status::shape_mismatch;
  }
  if (g.n_rows == 0) return Status::bad_value;
  // Each width is at most 2^20 (load_model), so neither product can wrap.
  const std::uint64_t per_row = std::uint64_t{g.n_features} + g.n_raw + g.n_proba + 1;
  const std::uint64_t payload = std::uint64_t{g.n_rows} * per_row * sizeof(float);
  const std::uint64_t available = gold.size - sizeof(f::GoldenHeader);
  if (payload > available) return Status::out_of_bounds;
  if (payload < available) return Status::bad_section;  // consumed exactly, as every section
  const unsigned char* rows = p + sizeof(f::GoldenHeader);
  if (reinterpret_cast<std::uintptr_t>(rows) % alignof(float) != 0) return Status::misaligned;
  golden->n_rows = g.n_rows;
  golden->n_features = g.n_features;
  golden->n_raw = g.n_raw;
  golden->n_proba = g.n_proba;
  golden->rows = reinterpret_cast<const float*>(rows);
  golden->expected = golden->rows + std::size_t{g.n_rows} * g.n_features;
  return Status::ok;
}

std::size_t self_test_scratch_bytes(const Model& m) noexcept {
  const std::size_t widest = widest_output(m);
  // Beyond what fits on the stack: the outputs after predict's scratch, with
  // room to align them to a float.
  return scratch_bytes(m) + (widest > kSelfTestInlineFloats ? sizeof(float) * (widest + 1) : 0);
}

Status self_test(const Model& m, Span<unsigned char> scratch, SelfTestResult* result) noexcept {
  SelfTestResult r;
  GoldenVectors g;
  const Status found = golden_vectors(m, &g);
  if (found != Status::ok) return report(result, r, found);
  r.rows = g.n_rows;
  if (scratch.data() == nullptr || scratch.size() < self_test_scratch_bytes(m)) {
    return report(result, r, Status::invalid_argument);
  }
  const std::size_t predict_bytes = scratch_bytes(m);
  float local[kSelfTestInlineFloats] = {};
  float* out = local;
  if (widest_output(m) > kSelfTestInlineFloats) {
    unsigned char* tail = scratch.data() + predict_bytes;
    tail += (alignof(float) - reinterpret_cast<std::uintptr_t>(tail) % alignof(float)) % alignof(float);
    out = reinterpret_cast<float*>(tail);
  }
  const Span<unsigned char> predict_scratch = scratch.first(predict_bytes);
  const std::size_t per_row = std::size_t{g.n_raw} + g.n_proba + 1;
  const Output kinds[3] = {Output::raw, Output::probability, Output::label};
  for (std::uint32_t row = 0; row < g.n_rows; ++row) {
    const Span<const float> x(g.rows + std::size_t{row} * g.n_features, g.n_features);
    const unsigned char* want =
        reinterpret_cast<const unsigned char*>(g.expected + std::size_t{row} * per_row);
    for (const Output kind : kinds) {
      const std::size_t n = output_size(m, kind);
      if (n == 0) continue;  // no probabilities for regression
      const Status s = predict(m, x, predict_scratch, kind, Span<float>(out, n));
      if (s != Status::ok || std::memcmp(out, want, n * sizeof(float)) != 0) {
        r.first_bad_row = row;
        r.first_bad_output = kind;
        return report(result, r, s != Status::ok ? s : Status::self_test_mismatch);
      }
      want += n * sizeof(float);
    }
    ++r.rows_checked;
  }
  return report(result, r, Status::ok);
}

}  // namespace ember
