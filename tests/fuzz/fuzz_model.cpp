// Fuzz target: load any bytes as a model; when they load, predict with it
// and run its self-test.
// Built for libFuzzer (preset "fuzz") and, with replay_main.cpp, as a plain
// test that replays the committed corpus under any compiler.
#include <cstdint>
#include <cstring>
#include <vector>

#include "ember/runtime/metadata.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Model bytes must be 8-aligned; copy into an exactly sized aligned buffer
  // so that ASan sees any read past the end.
  std::vector<std::uint64_t> storage(size / 8 + 1);
  std::memcpy(storage.data(), data, size);
  ember::Model m;
  if (ember::load_model(storage.data(), size, &m) != ember::Status::ok) return 0;

  std::vector<unsigned char> scratch(ember::batch_scratch_bytes(m));
  const ember::Span<unsigned char> s(scratch.data(), scratch.size());
  std::vector<float> rows(3 * std::size_t{m.n_features});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float values[] = {0.0f, -1.5f, 1.0f, 3.0f, __builtin_nanf(""), 1e30f, -0.0f};
    rows[i] = values[i % 7];
  }
  for (const auto kind : {ember::Output::raw, ember::Output::probability, ember::Output::label}) {
    const std::size_t width = ember::output_size(m, kind);
    if (width == 0) continue;
    std::vector<float> out(3 * width);
    ember::predict(m, ember::Span<const float>(rows.data(), m.n_features), s, kind,
                   ember::Span<float>(out.data(), width));
    ember::predict_batch(m, ember::MatrixView<const float>{rows.data(), 3, m.n_features, m.n_features}, s,
                         kind, ember::MatrixView<float>{out.data(), 3, width, width});
  }
  // Integer models: predict_q on integer rows (missing codes, extremes).
  if (ember::is_integer_model(m)) {
    std::vector<std::int16_t> q(m.n_features);
    for (std::size_t i = 0; i < q.size(); ++i) {
      const std::int16_t values[] = {0, -32768, 32767, 1, 2, -1, 10};
      q[i] = values[i % 7];
    }
    for (const auto kind : {ember::Output::raw, ember::Output::probability, ember::Output::label}) {
      std::vector<std::int32_t> out(ember::output_size(m, kind));
      ember::predict_q(m, ember::Span<const std::int16_t>(q.data(), q.size()), s, kind,
                       ember::Span<std::int32_t>(out.data(), out.size()));
    }
  }
  // Golden vectors (GOLD) are not verified by load_model: self_test checks them.
  std::vector<unsigned char> test_scratch(ember::self_test_scratch_bytes(m));
  ember::self_test(m, ember::Span<unsigned char>(test_scratch.data(), test_scratch.size()), nullptr);
  for (std::uint32_t i = 0; i < ember::metadata_count(m); ++i) {
    ember::MetadataEntry e;
    ember::metadata_at(m, i, &e);
    const char* text = nullptr;
    std::uint32_t n = 0;
    for (std::uint32_t k = 0; k < e.count && k < 4; ++k) {
      if (ember::metadata_string(e, k, &text, &n) == ember::Status::ok && n > 0) {
        volatile char sink = text[n - 1];
        (void)sink;
      }
    }
  }
  return 0;
}
