// The `ember train` options that compose the pipeline before the model:
// --drop-missing, --impute, --encode, --discretize, --scale. Each takes
// NAME[:KEY=VALUE,...] (or only KEY=VALUE,... for --drop-missing), checked
// with the same messages as --param.
#ifndef EMBER_CLI_PIPELINE_FLAGS_H
#define EMBER_CLI_PIPELINE_FLAGS_H

#include <string>

#include "args.h"
#include "host/pipeline.h"

namespace ember::cli {

// Adds the options and their help to `spec`.
void add_pipeline_options(CommandSpec* spec);

// The help paragraph that explains them.
std::string pipeline_help();

// Applies the options of `args` over *o, which holds the model's defaults.
// `linear`: the model reads numbers only, so --encode native is refused.
// Errors (false, *error set) name the option, the key and what it takes.
bool pipeline_from_args(const ParsedArgs& args, bool linear, host::PipelineOptions* o, std::string* error);

}  // namespace ember::cli

#endif  // EMBER_CLI_PIPELINE_FLAGS_H
