// Checks of a training table before anything is fitted, with messages that
// name the place, and the sizes that train, cv and search state.
#ifndef EMBER_HOST_TRAINING_CHECKS_H
#define EMBER_HOST_TRAINING_CHECKS_H

#include <cstdint>
#include <string>

#include "host/table.h"

namespace ember::host {

// Every numeric cell is a number or missing: an infinite one is refused as
// "data row R, column 'c': inf is not a value a model can learn from; make
// the cell empty (missing) or a finite number". Rows are 1-based rows of
// `table` (the file's data rows for a table read whole).
bool check_finite_cells(const Table& table, std::string* message);

// A column besides the target: "no feature columns: the file has only the
// target 'y'".
bool check_has_features(const Table& table, std::string* message);

// "512 bytes", "12.3 KB", "404.5 MB", "75.9 GB" (decimal units).
std::string format_bytes(double bytes);

}  // namespace ember::host

#endif  // EMBER_HOST_TRAINING_CHECKS_H
