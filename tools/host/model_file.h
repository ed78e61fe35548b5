// LoadedModel: a model file read from disk and verified, with its metadata
// decoded into host types (names, labels) for the CLI.
#ifndef EMBER_HOST_MODEL_FILE_H
#define EMBER_HOST_MODEL_FILE_H

#include <cstdint>
#include <string>
#include <vector>

#include "ember/runtime/model.h"
#include "host/error.h"

namespace ember::host {

struct LoadedModel {
  std::vector<std::uint64_t> storage;  // the file's bytes, 8-aligned; Model points into it
  std::size_t size = 0;
  Model model;
  // From the metadata when present, else generated ("x0", "x1", ... / "0", "1", ...).
  std::vector<std::string> feature_names;
  std::vector<std::vector<std::string>> categories;  // per input feature; empty for numeric
  std::vector<std::string> class_labels;
  std::string target;      // "" when unknown
  std::string model_type;  // "" when unknown
  // Per column the model reads (after the pipeline): its name from the
  // metadata, the raw feature's when there are no steps, else "m0", "m1", ...
  std::vector<std::string> model_input_names;
  // Per pipeline step, what the trainer fitted ("impute median; filled:
  // age"); empty when the file does not say.
  std::vector<std::string> step_descriptions;
  // Tree models: per model input, share of the split gain and split count;
  // empty when the file has none.
  std::vector<float> importance_gain, importance_splits;

  LoadedModel() = default;
  LoadedModel(const LoadedModel&) = delete;  // Model points into storage
  LoadedModel& operator=(const LoadedModel&) = delete;
};

// Reads, verifies and decodes `path`. A model that fails verification is
// reported as "PATH: checksum_mismatch: the stored checksum does not match
// the content".
bool load_model_file(const std::string& path, LoadedModel* out, Error* error);

// The same for bytes already in out->storage (out->size of them), e.g. a
// model just trained in memory; errors carry no file name.
bool load_model_storage(LoadedModel* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_MODEL_FILE_H
