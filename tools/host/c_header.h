// A model file as a C header for firmware: the bytes as an 8-byte aligned
// const array (for flash) and #defines for the sizes a device needs.
#ifndef EMBER_HOST_C_HEADER_H
#define EMBER_HOST_C_HEADER_H

#include <string>
#include <string_view>

#include "ember/runtime/model.h"

namespace ember::host {

// Whether `name` can name the array in C99, C11 and C++ alike: letters,
// digits and '_', not starting with a digit or '_' (reserved at file scope),
// no "__", not a C or C++ keyword, not `main` and not a name of the ember C
// API. false with the reason ("'class' is a C++ keyword").
bool valid_c_name(const std::string& name, std::string* why);

// A valid name derived from a file path: its base name without the last
// extension, every other character as '_' ("models/iris-v2.ember" ->
// "iris_v2"), prefixed or suffixed with "model" when it would not be valid
// ("2024.ember" -> "model_2024", "int.ember" -> "int_model").
std::string c_name_from_path(const std::string& path);

struct CHeaderSource {
  std::string file;           // where the bytes came from, for the comment
  std::string ember_version;  // of the tool writing the header
};

// The header for the verified `model` over `bytes` (its file bytes), the
// array named `name` (valid_c_name). The text is C99 and C++: an include
// guard from the name, NAME_BYTES, NAME_SCRATCH_BYTES,
// NAME_BATCH_SCRATCH_BYTES, NAME_SELF_TEST_SCRATCH_BYTES, NAME_N_FEATURES,
// NAME_N_CLASSES, NAME_RAW_SIZE, NAME_PROBABILITY_SIZE, NAME_LABEL_SIZE and
// NAME_GOLDEN_ROWS (NAME upper-cased), the array `name` and `name_size`.
std::string c_header(const Model& model, std::string_view bytes, const std::string& name,
                     const CHeaderSource& source);

}  // namespace ember::host

#endif  // EMBER_HOST_C_HEADER_H
