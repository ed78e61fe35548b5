// What `ember inspect` shows of an integer (quantized) model: the input
// scales, zero points and missing codes, the output Q format, the stated
// link error, the weight bits, and the trees' or the terms' sizes.
#ifndef EMBER_CLI_INSPECT_QUANT_H
#define EMBER_CLI_INSPECT_QUANT_H

#include "host/json_writer.h"
#include "host/model_file.h"

namespace ember::cli {

// The model's kind as inspect names it: "linear", "trees", "integer
// linear", "integer trees".
const char* model_kind_name(const Model& m);

// The "integer model" block of the text report (nothing for a float model).
void print_integer_model(const host::LoadedModel& lm);

// The same as a JSON value: an object, or null for a float model.
void integer_model_json(const host::LoadedModel& lm, host::JsonWriter* j);

}  // namespace ember::cli

#endif  // EMBER_CLI_INSPECT_QUANT_H
