// What `train`, `cv` and `search` fit: the model, its parameters and the
// pipeline before it, from the command line (--model, --param, --seed and
// the pipeline flags), and the fit itself, from a table to model bytes.
#ifndef EMBER_CLI_MODEL_SPEC_H
#define EMBER_CLI_MODEL_SPEC_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "host/cross_validation.h"
#include "host/error.h"
#include "host/linear_trainer.h"
#include "host/table.h"
#include "host/tree_trainer.h"

namespace ember::cli {

struct ModelSpec {
  std::string model;  // linear, logistic, tree, forest, extra_trees or gbdt
  bool trees = false;
  host::LinearTrainOptions linear;
  host::TreeTrainOptions tree;
  std::uint64_t seed = 0;
};

// The model names --model accepts, for messages.
extern const char* const kModelNames;

// Builds the spec from --model, --seed, the pipeline flags and every
// --param, then `extra` KEY=VALUE pairs (a search's trial; they win over
// --param). Errors are usage errors with the message in *error.
bool model_spec_from_args(const ParsedArgs& args, const std::vector<std::string>& extra, ModelSpec* out,
                          std::string* error);

// A trained model: the file's bytes and what the trainer reports.
struct FittedModel {
  std::vector<std::uint64_t> storage;  // 8-byte aligned
  std::size_t size = 0;
  double fit_seconds = 0.0;
  std::size_t dropped_rows = 0;
  std::vector<std::string> pipeline;
  host::TrainedModel linear;  // linear and logistic
  host::TrainedTrees trees;   // the tree models
};

// Fits `spec` on every row of `table` (its target set).
bool fit_model(const host::Table& table, const ModelSpec& spec, FittedModel* out, host::Error* error);

// fit_model as the host's cross-validation takes it (host::score_split).
host::FitFunction fit_function(const ModelSpec& spec);

// --target, --model, --param and --seed, then the split, pipeline,
// tracking and CSV options: what cv and search both take.
void add_cross_validation_options(CommandSpec* spec, const std::string& param_help);

// "--param" help for every model, shared by the commands' --help.
std::string model_params_help();

}  // namespace ember::cli

#endif  // EMBER_CLI_MODEL_SPEC_H
