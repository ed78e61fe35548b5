// The C API: thin wrappers over the C++ runtime.
#include <new>

#include "ember/runtime/ember_c.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/self_test.h"

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
  auto* m = new (static_cast<void*>(model)) ember::Model;  // load_model sets every field
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

ember_status ember_self_test(const ember_model* model, void* scratch, size_t scratch_size,
                             uint32_t* rows_checked, uint32_t* first_bad_row) {
  ember::SelfTestResult r;
  r.status = ember::Status::invalid_argument;
  if (model != nullptr) {
    ember::self_test(view(model),
                     ember::Span<unsigned char>(static_cast<unsigned char*>(scratch), scratch_size), &r);
  }
  if (rows_checked != nullptr) *rows_checked = r.rows_checked;
  if (first_bad_row != nullptr) *first_bad_row = r.first_bad_row;
  return to_c(r.status);
}

size_t ember_self_test_scratch_bytes(const ember_model* model) {
  return ember::self_test_scratch_bytes(view(model));
}

}  // extern "C"
