// ember describe: what a CSV file holds, column by column.
#include <cstdio>
#include <string>

#include "command.h"
#include "host/json_writer.h"

namespace ember::cli {

namespace {

int run_describe(const ParsedArgs& args) {
  const std::string path = args.positional[0];
  host::CsvOptions options;
  std::string usage_error;
  if (!csv_options_from_args(args, &options, &usage_error)) {
    std::fprintf(stderr, "ember describe: %s\n", usage_error.c_str());
    return kExitUsage;
  }
  options.target = args.get("target");
  host::Table table;
  host::Error error;
  if (!host::read_csv(path, options, &table, &error)) return fail("describe", error.to_string());

  const std::string target =
      table.target >= 0 ? table.columns[static_cast<std::size_t>(table.target)].name : "";
  if (args.has("json")) {
    host::JsonWriter json;
    json.begin_object().key("file").value(path).key("rows").value(static_cast<std::uint64_t>(table.rows));
    json.key("n_columns").value(static_cast<std::uint64_t>(table.columns.size()));
    json.key("target");
    if (target.empty()) {
      json.null();
    } else {
      json.value(target);
    }
    json.key("columns").begin_array();
    for (const auto& c : table.columns) {
      json.begin_object().key("name").value(c.name).key("type").value(host::column_type_name(c.type));
      json.key("missing").value(static_cast<std::uint64_t>(c.missing_count()));
      if (c.type == host::ColumnType::categorical) {
        json.key("categories").value(static_cast<std::uint64_t>(c.labels.size()));
      }
      json.end_object();
    }
    json.end_array().end_object();
    std::printf("%s\n", json.str().c_str());
    return kExitOk;
  }

  std::printf("%s: %zu rows, %zu columns%s\n\n", path.c_str(), table.rows, table.columns.size(),
              target.empty() ? "" : (" (target: " + target + ")").c_str());
  std::size_t width = 6;
  for (const auto& c : table.columns) width = std::max(width, c.name.size());
  std::printf("%4s  %-*s  %-11s  %7s  %10s\n", "#", static_cast<int>(width), "column", "type", "missing",
              "categories");
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const auto& c = table.columns[i];
    const std::string categories =
        c.type == host::ColumnType::categorical ? std::to_string(c.labels.size()) : std::string();
    std::printf("%4zu  %-*s  %-11s  %7zu  %10s\n", i + 1, static_cast<int>(width), c.name.c_str(),
                host::column_type_name(c.type), c.missing_count(), categories.c_str());
  }
  return kExitOk;
}

}  // namespace

Command describe_command() {
  Command command;
  command.spec.name = "describe";
  command.spec.summary = "Summarise a CSV file: rows, and per column its inferred type and missing values.";
  command.spec.usage = "DATA.csv [options]";
  command.spec.details =
      "A column is numeric when every present value is a number, else categorical.\n"
      "Missing values: empty, NA, N/A, NaN, nan, ?, null.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"json", "", "print one JSON object on stdout instead of a table"},
      {"target", "COL", "the column to predict (checked to exist; marked in the output)"},
  };
  add_csv_options(&command.spec);
  command.run = run_describe;
  return command;
}

}  // namespace ember::cli
