// Fuzz target: any bytes as a CSV file through the host reader, and when
// they parse, through `ember describe`'s statistics (host/data_profile.h)
// with the last column as the target. The reader must turn every bad file
// into an Error, never a crash. Built for libFuzzer (preset "fuzz") and,
// with replay_main.cpp, as a plain test over a committed corpus.
#include <cstdint>
#include <string>
#include <string_view>

#include "host/csv.h"
#include "host/data_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ember::host::CsvOptions options;
  ember::host::Table table;
  ember::host::Error error;
  if (!ember::host::parse_csv(text, "fuzz.csv", options, &table, &error)) {
    // Every refusal says why.
    if (error.message.empty()) __builtin_trap();
    return 0;
  }
  if (table.columns.empty()) return 0;
  table.target = static_cast<int>(table.columns.size()) - 1;
  const ember::host::DataProfile p = ember::host::profile_table(table);
  if (p.columns.size() != table.columns.size()) __builtin_trap();
  return 0;
}
