// What every ember subcommand shares: its spec, its entry point, exit codes
// and the reporting of failures.
#ifndef EMBER_CLI_COMMAND_H
#define EMBER_CLI_COMMAND_H

#include <initializer_list>
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

// Writes "ember COMMAND: MESSAGE" to stderr and returns kExitUsage.
int usage_error(const std::string& command, const std::string& message);

// usage_error bound to one command, for the many checks of a run function:
//   const Usage usage{"train"};
//   if (!args.has("target")) return usage("--target COL is required ...");
struct Usage {
  std::string command;
  int operator()(const std::string& message) const { return usage_error(command, message); }
};

// kExitOk when `output` is not the same file as one of `inputs`
// (host::check_output_not_input: device and inode, so through symlinks and
// hard links too); otherwise prints "ember COMMAND: OUT: is the same file
// as the input IN; refusing to write over it ..." and returns kExitUsage.
// Every command that writes calls it before any work:
//   if (const int rc = check_output("train", output, {data, valid})) return rc;
int check_output(const std::string& command, const std::string& output,
                 std::initializer_list<std::string> inputs);

// Names what a command is doing, for the message when memory runs out:
// while a scope is open, an allocation failure is reported as "ember
// COMMAND: out of memory while WHAT: ...". Scopes nest; the innermost open
// one at the failure is named.
class MemoryScope {
 public:
  explicit MemoryScope(std::string what);
  ~MemoryScope();
  MemoryScope(const MemoryScope&) = delete;
  MemoryScope& operator=(const MemoryScope&) = delete;

 private:
  int uncaught_;
};

// Runs `command` as main does: the last line of defence turns an
// allocation failure (std::bad_alloc, std::length_error) into "ember
// COMMAND: out of memory ..." and any other exception into an internal
// error, both exit 1 (instead of an abort, exit 134).
int run_command(const Command& command, const ParsedArgs& args);

// The options that say how to read a CSV (--delimiter, --no-header, --type),
// appended to a command's spec, and their translation into CsvOptions.
void add_csv_options(CommandSpec* spec);
bool csv_options_from_args(const ParsedArgs& args, host::CsvOptions* options, std::string* error);
// The same as a command's first check: kExitOk, or kExitUsage after
// "ember COMMAND: MESSAGE" on stderr.
//   if (const int rc = csv_options_or_usage(args, "eval", &options)) return rc;
int csv_options_or_usage(const ParsedArgs& args, const std::string& command, host::CsvOptions* options);

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
Command quantize_command();

}  // namespace ember::cli

#endif  // EMBER_CLI_COMMAND_H
