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
#include "host/csv.h"
#include "host/error.h"
#include "host/linear_trainer.h"
#include "host/table.h"
#include "host/tree_trainer.h"

namespace ember::cli {

// --task: what the target is fitted as. auto follows host/task_rule.h
// (a text target, or at most 20 distinct whole numbers, is classes), except
// that --model linear fits a numeric target as a number.
enum class TaskFlag { auto_task, classification, regression };

// Threads a fit may ask for (--param n_jobs, search's --jobs).
constexpr unsigned kMaxThreads = 1024;

struct ModelSpec {
  std::string model;  // linear, logistic, tree, forest, extra_trees or gbdt
  TaskFlag task = TaskFlag::auto_task;
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

// The training file as train, cv and search read it: the target typed by
// the task, and why.
struct TrainingData {
  host::Table table;
  bool classification = false;
  std::string task_reason;            // "--task regression", "auto: 'y' holds ..."
  std::vector<std::string> warnings;  // "warning: ..." or "note: ..." lines for stderr
};

// Reads `path` with --target as `spec.task` asks: classification reads the
// target's cells as class labels (text), regression as numbers (a word is
// an error with its place); auto reads the file, applies the rule and, for
// a numeric target that is classes, reads it again as labels. Then checks
// what every fit needs: a feature column and no infinite cell (the row and
// column named). A contradiction of --task and --type for the target sets
// *usage; other errors name the file.
bool read_training_data(const ParsedArgs& args, const std::string& path, host::CsvOptions csv,
                        const ModelSpec& spec, TrainingData* out, host::Error* error, bool* usage);

// "classification" or "regression".
const char* task_name(bool classification);

// Writes data.warnings to stderr as "ember COMMAND: warning: ...", and a
// warning when the model `spec` fits on `data` may take more than
// host::kWarnModelBytes (the estimate and what it is made of).
// For a search, the largest of its candidates.
void print_training_warnings(const std::string& command, const TrainingData& data,
                             const std::vector<const ModelSpec*>& specs);

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

// The --task option of train, cv and search, and its --help paragraph.
OptionSpec task_option();
std::string task_help();

}  // namespace ember::cli

#endif  // EMBER_CLI_MODEL_SPEC_H
