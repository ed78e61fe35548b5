// Declarations shared between the runtime's translation units only.
#ifndef EMBER_SRC_RUNTIME_INTERNAL_H
#define EMBER_SRC_RUNTIME_INTERNAL_H

#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/runtime/config.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"

namespace ember {

// The scratch that predict() needs for a model whose fields load_model has
// filled (everything but scratch_bytes); the writer stores the same figure.
std::uint32_t predict_scratch_bytes(const Model& m) noexcept;

// is_integer_model(), known to be false at compile time in a build without
// integer models (EMBER_RUNTIME_INTEGER=0), so that the float paths' calls
// into the integer ones (and their code) drop out of such a build.
inline bool integer_model(const Model& m) noexcept {
  return EMBER_RUNTIME_INTEGER && (m.kind == ModelKind::quant_linear || m.kind == ModelKind::quant_trees);
}

// predict() on an integer model (predict_q.cpp): quantize_row, predict_q,
// then the outputs scaled to float. Only with EMBER_RUNTIME_FLOAT.
Status predict_integer(const Model& m, Span<const float> row, Span<unsigned char> scratch, Output kind,
                       Span<float> out) noexcept;

}  // namespace ember

#endif  // EMBER_SRC_RUNTIME_INTERNAL_H
