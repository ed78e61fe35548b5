// What every ember subcommand shares: its spec, its entry point, exit codes
// and the reporting of failures.
#ifndef EMBER_CLI_COMMAND_H
#define EMBER_CLI_COMMAND_H

#include <string>
#include <vector>

#include "args.h"
#include "host/csv.h"

namespace ember::cli {

// Exit codes: 0 success, 1 the work failed (bad data, I/O), 2 bad usage.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Command {
  CommandSpec spec;
  int (*run)(const ParsedArgs& args);
};

// Every subcommand, in the order `ember --help` lists them.
const std::vector<Command>& all_commands();

// Writes "ember COMMAND: MESSAGE" to stderr and returns kExitFailure.
int fail(const std::string& command, const std::string& message);

// The options that say how to read a CSV (--delimiter, --no-header, --type),
// appended to a command's spec, and their translation into CsvOptions.
void add_csv_options(CommandSpec* spec);
bool csv_options_from_args(const ParsedArgs& args, host::CsvOptions* options, std::string* error);

// The subcommands.
Command describe_command();
Command inspect_command();
Command export_c_command();
Command predict_command();
Command train_command();
Command eval_command();
Command cv_command();
Command search_command();
Command runs_command();
Command synth_command();

}  // namespace ember::cli

#endif  // EMBER_CLI_COMMAND_H
