// The C++ side of ember_shim.h.
#include "ember_shim.h"

#include <cstring>

#include "ember/runtime/model.h"
#include "ember/runtime/self_test.h"

namespace {

// Loads the model and fills *out from its golden section (View: GoldenVectors
// or QuantGoldenVectors, read by `find`); an ember_status value.
template <class View, class Out>
int golden_view(const void* bytes, size_t size, ember::Status (*find)(const ember::Model&, View*), Out* out) {
  *out = Out{};
  ember::Model model;
  ember::Status s = ember::load_model(bytes, size, &model);
  if (s != ember::Status::ok) return static_cast<int>(s);
  View g;
  s = find(model, &g);
  if (s != ember::Status::ok) return static_cast<int>(s);
  out->n_rows = g.n_rows;
  out->n_features = g.n_features;
  out->n_raw = g.n_raw;
  out->n_proba = g.n_proba;
  out->rows = g.rows;
  out->expected = g.expected;
  return 0;
}

}  // namespace

extern "C" int fw_golden_vectors(const void* bytes, size_t size, fw_golden* golden) {
  return golden_view(bytes, size, &ember::golden_vectors, golden);
}

extern "C" int fw_quant_golden_vectors(const void* bytes, size_t size, fw_quant_golden* golden) {
  return golden_view(bytes, size, &ember::quant_golden_vectors, golden);
}

extern "C" uint32_t fw_model_file_crc(const void* bytes, size_t file_size) {
  return ember::model_file_crc(bytes, file_size);
}

extern "C" void fw_reseal(unsigned char* bytes, size_t file_size) {
  if (file_size >= 16) {
    const std::uint32_t size32 = static_cast<std::uint32_t>(file_size);
    std::memcpy(bytes + 12, &size32, 4);
  }
  if (file_size >= 12) {
    const std::uint32_t crc = ember::model_file_crc(bytes, file_size);
    std::memcpy(bytes + 8, &crc, 4);
  }
}
