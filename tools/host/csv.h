// CSV reader: RFC 4180 text into a typed Table.
//
// Accepts quoted fields with doubled quotes and embedded newlines; LF, CRLF
// or lone CR line ends (old Mac files), mixed freely, as pandas does (inside
// quotes they are text); a UTF-8 byte-order mark; any one-byte delimiter.
// Reads regular files in chunks (memory is the table plus about one chunk,
// not the file). An input that is not a regular file (a pipe, /dev/stdin,
// <(...)) is read into memory once, up to `max_stream_bytes` (1 GiB), as it
// cannot be read twice and a column can need a second pass; a process that
// reads the same stream again gets the same text. Each
// column is numeric when every present cell is a number (decimal or
// exponent form, optional sign, surrounding spaces, inf), otherwise
// categorical; `column_types` overrides the guess. Blank lines are skipped
// (as pandas does). Missing cells (the
// `missing_tokens`, compared after trimming spaces) are NaN or code -1.
// An empty header cell is named after its position, `column_N`, or
// `column_N.1`, `column_N.2`, ... when the header has that name elsewhere.
//
// Errors name the place: "iris.csv:7:12: ragged row: expected 5 fields,
// found 4". Lines and columns are 1-based; columns count bytes.
#ifndef EMBER_HOST_CSV_H
#define EMBER_HOST_CSV_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/error.h"
#include "host/file_io.h"
#include "host/table.h"

namespace ember::host {

struct CsvOptions {
  char delimiter = ',';
  // The first record names the columns; without it they are column_1, ...
  bool header = true;
  std::vector<std::string> missing_tokens = {"", "NA", "N/A", "NaN", "nan", "?", "null"};
  // Forced types by column name. A name that is not a column is an error; a
  // cell that is not a number in a column forced numeric is an error.
  std::vector<std::pair<std::string, ColumnType>> column_types;
  // false: overrides naming no column are skipped (a validation file read
  // with the training file's types reports missing columns itself).
  bool types_must_match_columns = true;
  // The column to predict; must exist (the error lists close names). Empty
  // for none.
  std::string target;
  // Bytes read per step; small values are for tests of record boundaries.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  // The most bytes read from an input that is not a regular file.
  std::uint64_t max_stream_bytes = kMaxStreamBytes;
};

// Reads the CSV file at `path` into `*table` (replacing its contents).
// Returns false with `*error` filled on any failure, leaving `*table` empty.
bool read_csv(const std::string& path, const CsvOptions& options, Table* table, Error* error);

// As read_csv, from text in memory; `source_name` stands for the file name
// in error messages.
bool parse_csv(std::string_view text, const std::string& source_name, const CsvOptions& options, Table* table,
               Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_CSV_H
