#include "host/quant_golden.h"

#include <cstdint>

#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/runtime/self_test.h"

namespace ember::host {

bool quant_golden_payload(const Model& m, const std::vector<float>& rows, std::string* payload,
                          Error* error) {
  const std::size_t width = m.n_features, n_rows = rows.size() / width;
  format::GoldenHeader g{};
  g.n_rows = static_cast<std::uint32_t>(n_rows);
  g.n_features = m.n_features;
  g.n_raw = static_cast<std::uint32_t>(output_size(m, Output::raw));
  g.n_proba = static_cast<std::uint32_t>(output_size(m, Output::probability));
  std::vector<std::int16_t> q(n_rows * width);
  std::vector<std::int32_t> expected, values;
  std::vector<unsigned char> scratch(scratch_bytes_q(m));
  for (std::size_t r = 0; r < n_rows; ++r) {
    const Span<std::int16_t> row(q.data() + r * width, width);
    Status s = quantize_row(m, Span<const float>(rows.data() + r * width, width), row);
    for (const Output kind : {Output::raw, Output::probability, Output::label}) {
      values.assign(output_size(m, kind), 0);
      if (values.empty() || s != Status::ok) continue;
      s = predict_q(m, Span<const std::int16_t>(row.data(), width),
                    Span<unsigned char>(scratch.data(), scratch.size()), kind,
                    Span<std::int32_t>(values.data(), values.size()));
      expected.insert(expected.end(), values.begin(), values.end());
    }
    if (s != Status::ok) {
      error->message =
          "golden row " + std::to_string(r + 1) + ": " + status_name(s) + ": " + status_description(s);
      return false;
    }
  }
  payload->assign(reinterpret_cast<const char*>(&g), sizeof g);
  payload->append(reinterpret_cast<const char*>(q.data()), q.size() * sizeof(std::int16_t));
  payload->append((4 - payload->size() % 4) % 4, '\0');
  payload->append(reinterpret_cast<const char*>(expected.data()), expected.size() * sizeof(std::int32_t));
  return true;
}

Status find_golden_rows(const Model& m, std::uint32_t* rows) noexcept {
  *rows = 0;
  if (is_integer_model(m)) {
    QuantGoldenVectors q;
    const Status s = quant_golden_vectors(m, &q);
    if (s == Status::ok) *rows = q.n_rows;
    if (s != Status::section_not_found) return s;
  }
  GoldenVectors g;
  const Status s = golden_vectors(m, &g);
  if (s == Status::ok) *rows = g.n_rows;
  return s;
}

}  // namespace ember::host
