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
  // Names and labels from the metadata are checked: UTF-8 without control
  // characters (tab and line breaks allowed, as a quoted CSV field holds
  // them), feature names, class labels and the labels of a category unique,
  // the target not a feature; a file that breaks a rule is refused, naming
  // the field.
  std::vector<std::string> feature_names;
  // Per input feature, the labels by code from "categories.<i>"; empty for
  // a numeric feature and for a categorical one whose labels the file does
  // not give: code c is then called "c" (category_label()), and no name is
  // made in advance, so a declared count costs nothing (2^24 categories
  // each for 40 features is a few hundred bytes of file).
  std::vector<std::vector<std::string>> categories;
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

  // The label of `code` of categorical input `feature`: the file's, or the
  // code in decimal.
  std::string category_label(std::size_t feature, std::uint32_t code) const;

  LoadedModel() = default;
  LoadedModel(const LoadedModel&) = delete;  // Model points into storage
  LoadedModel& operator=(const LoadedModel&) = delete;
};

// Reads, verifies and decodes `path`. A model that fails verification is
// reported as "PATH: checksum_mismatch: the stored checksum does not match
// the content"; a file that is not a model at all as "PATH: empty file (0
// bytes); ..." or "PATH: this is not an ember model file (it looks like CSV
// text)"; metadata that breaks a rule as "PATH: metadata 'features', entry
// 2: invalid UTF-8 at byte 3". Metadata lists of the wrong length or type
// are ignored (as when the section is stripped); each list is decoded in
// one pass.
bool load_model_file(const std::string& path, LoadedModel* out, Error* error);

// The same for bytes already in out->storage (out->size of them), e.g. a
// model just trained in memory; errors carry no file name.
bool load_model_storage(LoadedModel* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_MODEL_FILE_H
