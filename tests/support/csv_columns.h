// The columns of a bundled CSV file (tests/data) as float matrices, for
// tests that feed them to the core: the numeric columns row-major (NaN for
// missing), the categorical ones as codes with their category counts.
// Values come through ember's CSV reader, as float32.
#ifndef EMBER_TEST_CSV_COLUMNS_H
#define EMBER_TEST_CSV_COLUMNS_H

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "host/csv.h"

namespace ember::test {

// The numeric columns of a bundled CSV, row-major, NaN for missing.
struct Numeric {
  std::size_t rows = 0, cols = 0;
  std::vector<float> x;
  MatrixView<const float> view() const { return MatrixView<const float>{x.data(), rows, cols, cols}; }
};

inline host::Table read_table(const std::string& file) {
  host::Table t;
  host::Error e;
  const bool ok = host::read_csv(std::string(EMBER_TEST_DATA_DIR) + "/" + file, host::CsvOptions{}, &t, &e);
  INFO(e.to_string());
  REQUIRE(ok);
  return t;
}

inline Numeric numeric_columns(const std::string& file) {
  const host::Table t = read_table(file);
  Numeric n;
  n.rows = t.rows;
  std::vector<const host::Column*> cols;
  for (const host::Column& c : t.columns) {
    if (c.type == host::ColumnType::numeric) cols.push_back(&c);
  }
  n.cols = cols.size();
  n.x.resize(n.rows * n.cols);
  for (std::size_t i = 0; i < n.rows; ++i) {
    for (std::size_t j = 0; j < n.cols; ++j) n.x[i * n.cols + j] = cols[j]->values[i];
  }
  return n;
}

// The categorical columns of a bundled CSV as codes (NaN for missing), with
// their category counts.
struct Categorical {
  std::size_t rows = 0, cols = 0;
  std::vector<float> x;
  std::vector<std::uint32_t> n_categories;
  MatrixView<const float> view() const { return MatrixView<const float>{x.data(), rows, cols, cols}; }
  Span<const std::uint32_t> cats() const { return Span<const std::uint32_t>(n_categories.data(), cols); }
};

inline Categorical categorical_columns(const std::string& file) {
  const host::Table t = read_table(file);
  Categorical c;
  c.rows = t.rows;
  std::vector<const host::Column*> cols;
  for (const host::Column& col : t.columns) {
    if (col.type == host::ColumnType::categorical) {
      cols.push_back(&col);
      c.n_categories.push_back(static_cast<std::uint32_t>(col.labels.size()));
    }
  }
  c.cols = cols.size();
  c.x.resize(c.rows * c.cols);
  for (std::size_t i = 0; i < c.rows; ++i) {
    for (std::size_t j = 0; j < c.cols; ++j) {
      const std::int32_t code = cols[j]->codes[i];
      c.x[i * c.cols + j] = code < 0 ? NAN : static_cast<float>(code);
    }
  }
  return c;
}

// Column `j` of a numeric matrix, and the matrix without it (a target
// column and the features).
inline std::vector<float> column(const Numeric& n, std::size_t j) {
  std::vector<float> out(n.rows);
  for (std::size_t i = 0; i < n.rows; ++i) out[i] = n.x[i * n.cols + j];
  return out;
}

inline Numeric without_column(const Numeric& n, std::size_t j) {
  Numeric out;
  out.rows = n.rows;
  out.cols = n.cols - 1;
  out.x.reserve(out.rows * out.cols);
  for (std::size_t i = 0; i < n.rows; ++i) {
    for (std::size_t t = 0; t < n.cols; ++t) {
      if (t != j) out.x.push_back(n.x[i * n.cols + t]);
    }
  }
  return out;
}

}  // namespace ember::test

#endif  // EMBER_TEST_CSV_COLUMNS_H
