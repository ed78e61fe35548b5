// How train, cv and search start: the same checks of their arguments in
// the same order, the same messages, and the run record begun before any
// data is read (its start time is the command's).
#ifndef EMBER_CLI_TRAINING_START_H
#define EMBER_CLI_TRAINING_START_H

#include <initializer_list>
#include <string>
#include <vector>

#include "args.h"
#include "host/csv.h"
#include "host/run_store.h"
#include "model_spec.h"

namespace ember::cli {

struct TrainingStart {
  std::string path;  // the data file, the first positional argument
  host::CsvOptions csv;
  ModelSpec spec;  // --model, --seed, the pipeline flags and every --param
  host::RunRecord run;
};

// Checks, in order: the CSV options, --target, then (when `output_help`
// is not null) that -o is given ("-o " + output_help when not) and is none
// of `inputs` (check_output), then the model spec; and starts the run.
// Returns kExitOk, or the exit code after the message was printed.
int start_training(const ParsedArgs& args, const std::string& command, const char* output_help,
                   std::initializer_list<std::string> inputs, TrainingStart* out);

// Reads the training file as the task asks (read_training_data), prints
// the warnings for the models `specs` (a search's candidates; else the
// start's spec) and records the task in start->run. False with *rc the
// exit code (usage or failure, printed) otherwise.
bool read_training_run(const ParsedArgs& args, const std::string& command, TrainingStart* start,
                       const std::vector<const ModelSpec*>& specs, TrainingData* data, int* rc);

}  // namespace ember::cli

#endif  // EMBER_CLI_TRAINING_START_H
