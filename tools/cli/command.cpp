#include "command.h"

#include <cstdio>
#include <exception>
#include <new>
#include <stdexcept>
#include <utility>

#include "host/file_io.h"

namespace ember::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {describe_command(), train_command(),   eval_command(),
                                                cv_command(),       search_command(),  runs_command(),
                                                predict_command(),  inspect_command(), export_c_command(),
                                                quantize_command(), synth_command()};
  return commands;
}

int fail(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "ember %s: %s\n", command.c_str(), message.c_str());
  return kExitFailure;
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "ember %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

int check_output(const std::string& command, const std::string& output,
                 std::initializer_list<std::string> inputs) {
  host::Error error;
  if (host::check_output_not_input(output, inputs, &error)) return kExitOk;
  std::fprintf(stderr, "ember %s: %s\n", command.c_str(), error.to_string().c_str());
  return kExitUsage;
}

namespace {

// The open scopes of this thread, innermost last, and the one that was
// open when an exception left it (moved, not copied: no allocation while
// unwinding).
thread_local std::vector<std::string> g_scopes;
thread_local std::string g_failed_in;

int out_of_memory(const std::string& command) {
  if (g_failed_in.empty()) {
    std::fprintf(stderr,
                 "ember %s: out of memory: the data or the options need more memory than is available\n",
                 command.c_str());
  } else {
    std::fprintf(stderr, "ember %s: out of memory while %s: it needs more memory than is available\n",
                 command.c_str(), g_failed_in.c_str());
  }
  return kExitFailure;
}

}  // namespace

MemoryScope::MemoryScope(std::string what) : uncaught_(std::uncaught_exceptions()) {
  g_scopes.push_back(std::move(what));
}

MemoryScope::~MemoryScope() {
  if (std::uncaught_exceptions() > uncaught_ && g_failed_in.empty()) g_failed_in = std::move(g_scopes.back());
  g_scopes.pop_back();
}

int run_command(const Command& command, const ParsedArgs& args) {
  g_failed_in.clear();
  try {
    return command.run(args);
  } catch (const std::bad_alloc&) {
    return out_of_memory(command.spec.name);
  } catch (const std::length_error&) {
    return out_of_memory(command.spec.name);
  } catch (const std::exception& e) {
    return fail(command.spec.name, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(command.spec.name, "internal error: an unknown exception");
  }
}

void add_csv_options(CommandSpec* spec) {
  spec->options.push_back(
      {"delimiter", "CHAR", "field separator: a single character, or 'tab' (default ',')"});
  spec->options.push_back(
      {"no-header", "", "the first row is data; columns are named column_1, column_2, ..."});
  spec->options.push_back(
      {"type", "COL=numeric|categorical", "override the inferred type of a column", /*repeatable=*/true});
}

bool csv_options_from_args(const ParsedArgs& args, host::CsvOptions* options, std::string* error) {
  if (args.has("delimiter")) {
    const std::string d = args.get("delimiter");
    if (d == "tab" || d == "\\t") {
      options->delimiter = '\t';
    } else if (d.size() == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r') {
      options->delimiter = d[0];
    } else {
      *error = "--delimiter must be one character other than a quote or newline (or 'tab'), got '" + d + "'";
      return false;
    }
  }
  options->header = !args.has("no-header");
  for (const std::string& t : args.all("type")) {
    const auto eq = t.rfind('=');
    const std::string name = eq == std::string::npos ? "" : t.substr(0, eq);
    const std::string type = eq == std::string::npos ? "" : t.substr(eq + 1);
    if (name.empty() || (type != "numeric" && type != "categorical")) {
      *error = "--type takes COL=numeric or COL=categorical, got '" + t + "'";
      return false;
    }
    options->column_types.emplace_back(
        name, type == "numeric" ? host::ColumnType::numeric : host::ColumnType::categorical);
  }
  return true;
}

int csv_options_or_usage(const ParsedArgs& args, const std::string& command, host::CsvOptions* options) {
  std::string error;
  return csv_options_from_args(args, options, &error) ? kExitOk : usage_error(command, error);
}

}  // namespace ember::cli
