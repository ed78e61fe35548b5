// Experiment tracking for train, cv and search: --runs DIR, --experiment
// NAME and --no-track, and the record of one command's run in the MLflow
// layout (host/run_store.h).
#ifndef EMBER_CLI_TRACKING_H
#define EMBER_CLI_TRACKING_H

#include <string>

#include "args.h"
#include "host/json_writer.h"
#include "host/run_store.h"

namespace ember::cli {

void add_tracking_options(CommandSpec* spec);

// Starts a record for `command` on `data`: the start time, the run name
// ("train logistic iris.csv"), and as params the model, target, seed, every
// --param and every pipeline flag given.
host::RunRecord start_run(const ParsedArgs& args, const std::string& command, const std::string& data);

// Writes `run` unless --no-track; returns its id, or "" (not tracked, or
// it failed: then a warning on stderr says why, and the command's own
// result stands). The run ends now unless its end_ms is already set (a
// search's trials carry their own times).
std::string finish_run(const ParsedArgs& args, const std::string& command, host::RunRecord* run);

// "run_id": the id, or null when the run was not tracked.
void write_run_id(host::JsonWriter& j, const std::string& run_id);

// "tracked run ID in DIR" on stdout, when there is a run.
void print_run_id(const ParsedArgs& args, const std::string& run_id);

}  // namespace ember::cli

#endif  // EMBER_CLI_TRACKING_H
