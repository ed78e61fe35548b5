// Table: a data set in memory as typed columns, the host's view of a CSV.
//
// Numeric columns hold float32 values with NaN for missing. Categorical
// columns hold int32 codes into a dictionary of labels (-1 = missing); the
// labels are sorted in byte order, so codes do not depend on row order.
#ifndef EMBER_HOST_TABLE_H
#define EMBER_HOST_TABLE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::host {

enum class ColumnType : std::uint8_t { numeric, categorical };

// "numeric" or "categorical".
const char* column_type_name(ColumnType t);

struct Column {
  std::string name;
  ColumnType type = ColumnType::numeric;
  std::vector<float> values;        // numeric: one per row, NaN = missing
  std::vector<std::int32_t> codes;  // categorical: one per row, -1 = missing
  std::vector<std::string> labels;  // categorical: the dictionary, sorted

  bool is_missing(std::size_t row) const;
  std::size_t missing_count() const;
};

struct Table {
  std::vector<Column> columns;
  std::size_t rows = 0;
  int target = -1;  // index of the target column, or -1 when none was chosen

  // The index of the column called `name`, or -1.
  int index_of(std::string_view name) const;
};

// Checks that `target` can train a model on `rows` rows: at least one row,
// no missing target, and two or more classes when `classification`. The
// message names the column and the first bad row.
bool check_training_target(const Column& target, std::size_t rows, bool classification, std::string* message);

}  // namespace ember::host

#endif  // EMBER_HOST_TABLE_H
