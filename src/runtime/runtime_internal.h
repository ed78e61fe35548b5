// Declarations shared between the runtime's translation units only.
#ifndef EMBER_SRC_RUNTIME_INTERNAL_H
#define EMBER_SRC_RUNTIME_INTERNAL_H

#include <cstdint>

#include "ember/runtime/model.h"

namespace ember {

// The scratch that predict() needs for a model whose fields load_model has
// filled (everything but scratch_bytes); the writer stores the same figure.
std::uint32_t predict_scratch_bytes(const Model& m) noexcept;

}  // namespace ember

#endif  // EMBER_SRC_RUNTIME_INTERNAL_H
