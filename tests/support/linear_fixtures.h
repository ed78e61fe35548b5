// Data sets and scikit-learn reference fits for the linear-model tests
// (tests/data/reference/linear_models.txt, made by make_linear_reference.py).
#ifndef EMBER_TEST_LINEAR_FIXTURES_H
#define EMBER_TEST_LINEAR_FIXTURES_H

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ember/base/matrix_view.h"
#include "host/csv.h"
#include "reference_file.h"

namespace ember::test {

// The numeric columns of a bundled CSV other than the target, standardised
// as the reference script does: per column, mean and variance summed in row
// order in double, population standard deviation, rounded to float32.
struct Dataset {
  std::size_t rows = 0, cols = 0;
  std::vector<float> x;               // rows x cols, row-major
  std::vector<float> target;          // numeric target, or class codes as floats
  std::vector<std::int32_t> classes;  // class codes (categorical target)
  std::uint32_t n_classes = 0;

  MatrixView<const float> view() const { return MatrixView<const float>{x.data(), rows, cols, cols}; }
};

inline Dataset load_dataset(const std::string& file, const std::string& target) {
  host::Table t;
  host::Error e;
  host::CsvOptions options;
  options.target = target;
  const bool ok = host::read_csv(std::string(EMBER_TEST_DATA_DIR) + "/" + file, options, &t, &e);
  INFO(e.to_string());
  REQUIRE(ok);
  Dataset d;
  d.rows = t.rows;
  std::vector<const host::Column*> cols;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    if (static_cast<int>(j) != t.target && t.columns[j].type == host::ColumnType::numeric)
      cols.push_back(&t.columns[j]);
  }
  d.cols = cols.size();
  d.x.assign(d.rows * d.cols, 0.0f);
  for (std::size_t j = 0; j < d.cols; ++j) {
    const std::vector<float>& v = cols[j]->values;
    double mean = 0.0;
    for (float f : v) mean += static_cast<double>(f);
    mean /= static_cast<double>(d.rows);
    double var = 0.0;
    for (float f : v) var += (static_cast<double>(f) - mean) * (static_cast<double>(f) - mean);
    const double sd = std::sqrt(var / static_cast<double>(d.rows));
    for (std::size_t i = 0; i < d.rows; ++i) d.x[i * d.cols + j] = static_cast<float>((v[i] - mean) / sd);
  }
  const host::Column& y = t.columns[static_cast<std::size_t>(t.target)];
  if (y.type == host::ColumnType::numeric) {
    d.target = y.values;
  } else {
    d.classes = y.codes;
    d.n_classes = static_cast<std::uint32_t>(y.labels.size());
    for (std::int32_t c : y.codes) d.target.push_back(static_cast<float>(c));
  }
  return d;
}

struct ReferenceFit {
  std::vector<double> coef, intercept;
  double objective = 0.0;
};

// The case `name` of the reference file.
inline ReferenceFit reference(const std::string& name) {
  ReferenceFit fit;
  fit.coef = reference_values("linear_models.txt", name, "coef");
  fit.intercept = reference_values("linear_models.txt", name, "intercept");
  fit.objective = reference_values("linear_models.txt", name, "objective").at(0);
  return fit;
}

}  // namespace ember::test

#endif  // EMBER_TEST_LINEAR_FIXTURES_H
