// Golden vectors of an integer model (QGLD, model_format.h): the int16
// rows quantize_row() makes of float rows and, per row, the exact int32
// outputs predict_q() gives (raw, probability for classes, label), which a
// device's self_test() replays with predict_q. add_golden_vectors
// (host/golden.h) writes this section for integer models.
#ifndef EMBER_HOST_QUANT_GOLDEN_H
#define EMBER_HOST_QUANT_GOLDEN_H

#include <string>
#include <vector>

#include "ember/runtime/model.h"
#include "host/error.h"

namespace ember::host {

// The QGLD payload for `rows` (n x n_features floats, NaN = missing) of the
// integer model `m`. Fails on a row predict_q refuses ("golden row 3: ...").
bool quant_golden_payload(const Model& m, const std::vector<float>& rows, std::string* payload, Error* error);

// The golden vectors self_test() replays: an integer model's QGLD section
// when it has one, else GOLD. *rows gets their count; the status is that of
// quant_golden_vectors / golden_vectors (section_not_found: none).
Status find_golden_rows(const Model& m, std::uint32_t* rows) noexcept;

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_GOLDEN_H
