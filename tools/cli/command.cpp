#include "command.h"

#include <cstdio>

namespace ember::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = {
      describe_command(), train_command(),   eval_command(),    cv_command(),       search_command(),
      runs_command(),     predict_command(), inspect_command(), export_c_command(), synth_command()};
  return commands;
}

int fail(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "ember %s: %s\n", command.c_str(), message.c_str());
  return kExitFailure;
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

}  // namespace ember::cli
