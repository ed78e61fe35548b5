// The C++ side of ember_shim.h.
#include "ember_shim.h"

#include <cstring>

#include "ember/runtime/model.h"
#include "ember/runtime/self_test.h"

extern "C" int fw_golden_vectors(const void* bytes, size_t size, fw_golden* golden) {
  *golden = fw_golden{};
  ember::Model model;
  ember::Status s = ember::load_model(bytes, size, &model);
  if (s != ember::Status::ok) return static_cast<int>(s);
  ember::GoldenVectors g;
  s = ember::golden_vectors(model, &g);
  if (s != ember::Status::ok) return static_cast<int>(s);
  golden->n_rows = g.n_rows;
  golden->n_features = g.n_features;
  golden->n_raw = g.n_raw;
  golden->n_proba = g.n_proba;
  golden->rows = g.rows;
  golden->expected = g.expected;
  return 0;
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
