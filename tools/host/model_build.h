// Building model files on the host: measure, then write, into an aligned
// buffer; and the metadata records every trainer stores.
#ifndef EMBER_HOST_MODEL_BUILD_H
#define EMBER_HOST_MODEL_BUILD_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ember/writer/model_writer.h"
#include "host/error.h"

namespace ember::host {

// Runs `fill` twice (to measure, then to write) and leaves the file in
// *storage (8-byte aligned) with its size in *size.
bool build_model(const std::function<Status(ModelWriter&)>& fill, std::vector<std::uint64_t>* storage,
                 std::size_t* size, Error* error);

// The names and labels a model carries for the host tools (docs/FORMAT.md).
struct StandardMetadata {
  std::vector<std::string> feature_names;
  std::vector<std::vector<std::string>> categories;  // per feature; empty for numeric
  std::vector<std::string> classes;                  // empty for regression
  std::string target;
  std::string model_name;
  // Tree models: per model input (a raw feature, or a pipeline output when
  // model_features is set), the share of the total split gain (sums to 1)
  // and the number of splits; stored as "importance.gain" and
  // "importance.splits" (f32 lists) when not empty.
  std::vector<float> importance_gain;
  std::vector<float> importance_splits;
  // With a pipeline: the name of each column the model reads
  // ("model_features") and a description of each fitted step ("steps").
  std::vector<std::string> model_features;
  std::vector<std::string> steps;
};

Status write_metadata(ModelWriter& w, const StandardMetadata& m);

}  // namespace ember::host

#endif  // EMBER_HOST_MODEL_BUILD_H
