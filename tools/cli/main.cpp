// The ember command-line tool: `ember COMMAND [options]`.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "command.h"
#include "host/suggest.h"

namespace {

using ember::cli::all_commands;

void print_overview(std::FILE* out) {
  std::fprintf(out,
               "usage: ember COMMAND [options]\n\n"
               "ember trains, checks and ships machine-learning models for tabular data.\n\n"
               "commands:\n");
  for (const auto& c : all_commands())
    std::fprintf(out, "  %-10s  %s\n", c.spec.name.c_str(), c.spec.summary.c_str());
  std::fprintf(out,
               "\nRun 'ember COMMAND --help' for a command's options.\n"
               "Exit codes: 0 success, 1 failure, 2 usage error.\n");
}

const ember::cli::Command* find_command(const std::string& name) {
  for (const auto& c : all_commands()) {
    if (c.spec.name == name) return &c;
  }
  return nullptr;
}

int unknown_command(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& c : all_commands()) names.push_back(c.spec.name);
  const auto close = ember::host::close_matches(name, names);
  std::fprintf(stderr, "ember: unknown command '%s'%s\nRun 'ember --help' for the list of commands.\n",
               name.c_str(),
               close.empty() ? "" : ("; did you mean " + ember::host::quoted_list(close) + "?").c_str());
  return ember::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_overview(stderr);
    return ember::cli::kExitUsage;
  }
  const std::string first = argv[1];
  if (first == "--version" || first == "version") {
    std::printf("ember %s\n", EMBER_VERSION);
    return ember::cli::kExitOk;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    if (first == "help" && argc > 2) {
      const auto* command = find_command(argv[2]);
      if (command == nullptr) return unknown_command(argv[2]);
      std::fputs(ember::cli::format_help(command->spec).c_str(), stdout);
      return ember::cli::kExitOk;
    }
    print_overview(stdout);
    return ember::cli::kExitOk;
  }
  const auto* command = find_command(first);
  if (command == nullptr) return unknown_command(first);

  ember::cli::ParsedArgs args;
  std::string error;
  if (!ember::cli::parse_args(command->spec, argc, argv, 2, &args, &error)) {
    std::fprintf(stderr, "ember %s: %s\nRun 'ember %s --help' for usage.\n", first.c_str(), error.c_str(),
                 first.c_str());
    return ember::cli::kExitUsage;
  }
  if (args.help) {
    std::fputs(ember::cli::format_help(command->spec).c_str(), stdout);
    return ember::cli::kExitOk;
  }
  return ember::cli::run_command(*command, args);
}
