// Command-line parsing for the ember CLI: one CommandSpec per subcommand,
// from which both the parser and the --help text are derived.
#ifndef EMBER_CLI_ARGS_H
#define EMBER_CLI_ARGS_H

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ember::cli {

struct OptionSpec {
  std::string name;        // long name without dashes: "json" for --json
  std::string value_name;  // "" for a flag; otherwise shown in help ("COL")
  std::string help;
  bool repeatable = false;
  char short_name = 0;  // e.g. 'o' for -o; 0 for none
};

struct CommandSpec {
  std::string name;     // "describe"
  std::string summary;  // one line for `ember --help`
  std::string usage;    // "DATA.csv [options]"
  std::string details;  // paragraphs after the usage line; may be empty
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
  std::vector<OptionSpec> options;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // flags hold one ""
  bool help = false;

  bool has(const std::string& name) const { return values.count(name) > 0; }
  // The last value given for `name`, or `fallback`.
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // Every value given for a repeatable option, in order.
  std::vector<std::string> all(const std::string& name) const;
};

// Parses argv[first..argc). Accepts --name VALUE, --name=VALUE, -x VALUE for
// options with a short name, flags and positionals (a lone "--" ends options). On a usage error returns false
// with a message that names the offending word.
bool parse_args(const CommandSpec& spec, int argc, char** argv, int first, ParsedArgs* out,
                std::string* error);

// The --help text of a subcommand.
std::string format_help(const CommandSpec& spec);

}  // namespace ember::cli

#endif  // EMBER_CLI_ARGS_H
