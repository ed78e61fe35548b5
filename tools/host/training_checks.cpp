#include "host/training_checks.h"

#include <algorithm>
#include <cmath>

#include "host/text.h"

namespace ember::host {

bool check_finite_cells(const Table& table, std::string* message) {
  // The first bad cell in row order, then column order.
  std::size_t best_row = table.rows, best_column = 0;
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    const Column& c = table.columns[j];
    if (c.type != ColumnType::numeric) continue;
    const std::size_t n = std::min(best_row, c.values.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isinf(c.values[i])) {
        best_row = i;
        best_column = j;
        break;
      }
    }
  }
  if (best_row == table.rows) return true;
  const Column& c = table.columns[best_column];
  *message = "data row " + std::to_string(best_row + 1) + ", column '" + c.name +
             "': " + (c.values[best_row] > 0 ? "inf" : "-inf") +
             " is not a value a model can learn from; make the cell empty (missing) or a finite number";
  return false;
}

bool check_has_features(const Table& table, std::string* message) {
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    if (static_cast<int>(j) != table.target) return true;
  }
  *message = "no feature columns: the file has only the target";
  if (table.target >= 0) *message += " '" + table.columns[static_cast<std::size_t>(table.target)].name + "'";
  return false;
}

std::string format_bytes(double bytes) {
  if (bytes < 1e3) return format_number("%.0f", bytes) + " bytes";
  if (bytes < 1e6) return format_number("%.1f", bytes / 1e3) + " KB";
  if (bytes < 1e9) return format_number("%.1f", bytes / 1e6) + " MB";
  return format_number("%.1f", bytes / 1e9) + " GB";
}

}  // namespace ember::host
