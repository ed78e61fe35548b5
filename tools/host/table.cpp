#include "host/table.h"

#include <cmath>

namespace ember::host {

const char* column_type_name(ColumnType t) { return t == ColumnType::numeric ? "numeric" : "categorical"; }

bool Column::is_missing(std::size_t row) const {
  return type == ColumnType::numeric ? std::isnan(values[row]) : codes[row] < 0;
}

std::size_t Column::missing_count() const {
  std::size_t n = 0;
  if (type == ColumnType::numeric) {
    for (float v : values) n += std::isnan(v) ? 1u : 0u;
  } else {
    for (std::int32_t c : codes) n += c < 0 ? 1u : 0u;
  }
  return n;
}

int Table::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool check_training_target(const Column& target, std::size_t rows, bool classification,
                           std::string* message) {
  if (rows == 0) {
    *message = "no rows to train on";
    return false;
  }
  for (std::size_t i = 0; i < rows; ++i) {
    if (target.is_missing(i)) {
      *message = "the target '" + target.name + "' is missing in " + std::to_string(target.missing_count()) +
                 " rows (the first is data row " + std::to_string(i + 1) + "); remove or fill them";
      return false;
    }
  }
  if (classification && target.labels.size() < 2) {
    *message = "the target '" + target.name + "' has a single class; classification needs two or more";
    return false;
  }
  return true;
}

}  // namespace ember::host
