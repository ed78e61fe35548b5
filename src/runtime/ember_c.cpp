// The C API: thin wrappers over the C++ runtime (the self-test's are in
// self_test.cpp, so that an image that does not call it counts none of it).
#include <new>

#include "ember/runtime/ember_c.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"

namespace {

static_assert(sizeof(ember::Model) <= sizeof(ember_model), "ember_model must hold a Model");
static_assert(alignof(ember::Model) <= alignof(ember_model), "ember_model must align a Model");
static_assert(static_cast<int>(EMBER_STATUS_COUNT) == ember::kStatusCount, "C and C++ status lists agree");

// ember_load placement-constructs the Model in the opaque storage.
const ember::Model& view(const ember_model* m) {
  return *std::launder(static_cast<const ember::Model*>(static_cast<const void*>(m)));
}
ember_status to_c(ember::Status s) { return static_cast<ember_status>(s); }

}  // namespace

extern "C" {

ember_status ember_load(ember_model* model, const void* data, size_t size) {
  // Value-initialised (zeroed as a whole: one memset, not a store per
  // field); load_model sets every field.
  auto* m = new (static_cast<void*>(model)) ember::Model();
  return to_c(ember::load_model(data, size, m));
}

const char* ember_status_name(int status) {
  if (status < 0 || status >= ember::kStatusCount) return "unknown_status";
  return ember::status_name(static_cast<ember::Status>(status));
}

uint32_t ember_n_features(const ember_model* model) { return view(model).n_features; }
uint32_t ember_n_classes(const ember_model* model) { return view(model).n_classes; }

size_t ember_output_size(const ember_model* model, ember_output kind) {
  return ember::output_size(view(model), static_cast<ember::Output>(kind));
}

size_t ember_scratch_bytes(const ember_model* model) { return ember::scratch_bytes(view(model)); }
size_t ember_batch_scratch_bytes(const ember_model* model) { return ember::batch_scratch_bytes(view(model)); }

ember_status ember_predict(const ember_model* model, const float* row, size_t n_features, void* scratch,
                           size_t scratch_size, ember_output kind, float* out, size_t out_size) {
  if (row == nullptr || out == nullptr || scratch == nullptr || kind > EMBER_OUTPUT_LABEL) {
    return EMBER_STATUS_invalid_argument;
  }
  return to_c(ember::predict(view(model), ember::Span<const float>(row, n_features),
                             ember::Span<unsigned char>(static_cast<unsigned char*>(scratch), scratch_size),
                             static_cast<ember::Output>(kind), ember::Span<float>(out, out_size)));
}

ember_status ember_predict_batch(const ember_model* model, const float* rows, size_t n_rows,
                                 size_t row_stride, void* scratch, size_t scratch_size, ember_output kind,
                                 float* out, size_t out_stride) {
  if (rows == nullptr || out == nullptr || scratch == nullptr || kind > EMBER_OUTPUT_LABEL) {
    return EMBER_STATUS_invalid_argument;
  }
  const ember::Model& m = view(model);
  const size_t width = ember::output_size(m, static_cast<ember::Output>(kind));
  if (row_stride < m.n_features || out_stride < width) return EMBER_STATUS_invalid_argument;
  const ember::MatrixView<const float> in{rows, n_rows, m.n_features, row_stride};
  const ember::MatrixView<float> o{out, n_rows, width, out_stride};
  return to_c(ember::predict_batch(
      m, in, ember::Span<unsigned char>(static_cast<unsigned char*>(scratch), scratch_size),
      static_cast<ember::Output>(kind), o));
}

int ember_is_integer_model(const ember_model* model) { return ember::is_integer_model(view(model)) ? 1 : 0; }

uint32_t ember_output_frac_bits(const ember_model* model) { return ember::output_frac_bits(view(model)); }

size_t ember_scratch_bytes_q(const ember_model* model) { return ember::scratch_bytes_q(view(model)); }

ember_status ember_predict_q(const ember_model* model, const int16_t* row, size_t n_features, void* scratch,
                             size_t scratch_size, ember_output kind, int32_t* out, size_t out_size) {
  if (model == nullptr || row == nullptr || out == nullptr || scratch == nullptr ||
      kind > EMBER_OUTPUT_LABEL) {
    return EMBER_STATUS_invalid_argument;
  }
  return to_c(ember::predict_q(view(model), ember::Span<const std::int16_t>(row, n_features),
                               ember::Span<unsigned char>(static_cast<unsigned char*>(scratch), scratch_size),
                               static_cast<ember::Output>(kind), ember::Span<std::int32_t>(out, out_size)));
}

ember_status ember_quantize_row(const ember_model* model, const float* row, size_t n_features, int16_t* out,
                                size_t out_size) {
  if (model == nullptr || row == nullptr || out == nullptr) return EMBER_STATUS_invalid_argument;
  return to_c(ember::quantize_row(view(model), ember::Span<const float>(row, n_features),
                                  ember::Span<std::int16_t>(out, out_size)));
}

}  // extern "C"
