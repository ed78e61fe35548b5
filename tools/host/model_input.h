// The rows a model's runtime expects, built from a CSV file, and predictions
// over them with errors that name the row, column and label.
#ifndef EMBER_HOST_MODEL_INPUT_H
#define EMBER_HOST_MODEL_INPUT_H

#include <string>
#include <vector>

#include "ember/runtime/predict.h"
#include "host/csv.h"
#include "host/error.h"
#include "host/model_file.h"
#include "host/table.h"

namespace ember::host {

struct ModelInput {
  Table table;
  std::vector<int> columns;  // the table column of each model feature
  // n x n_features, row-major: numbers as read, categories as the model's
  // codes (a label the model never saw gets code k, "unknown"), NaN = missing.
  std::vector<float> rows;
};

// Reads `path` and matches its columns to the model's features by name (any
// order; other columns ignored). Columns are read with the model's types,
// so labels that look like numbers stay labels and a word in a numeric
// column is an error with its place. A missing column is an error that
// suggests close names.
bool read_model_input(const std::string& path, const LoadedModel& model, CsvOptions options, ModelInput* out,
                      Error* error);

// The same from a table already in memory (its columns typed as the
// model's features), e.g. the held-out rows of a cross-validation fold.
bool model_input_from_table(const Table& table, const LoadedModel& model, ModelInput* out, Error* error);

// Fills out->rows from out->table and out->columns (set by the two above).
void encode_model_rows(const LoadedModel& model, ModelInput* out);

// The model's class index of each of the first `rows` target labels (a
// categorical column without missing values). A label that is not one of
// the model's classes: false, with its row (0-based) and the label.
bool class_indices(const Column& target, std::size_t rows, const LoadedModel& model,
                   std::vector<std::int32_t>* y, std::size_t* bad_row, std::string* bad_label);

// predict_batch over in.rows into *out (n x output_size). An unknown category
// under an "error" policy is reported as "PATH: row R: column 'c' has
// category 'x' that the model did not see in training". Every output is
// made from finite inputs and finite scores, or not at all: an infinite
// input is "PATH: row R: column 'c' is inf; ..." (NaN is a missing value),
// and a row whose scores overflow (finite inputs too large for the model)
// is "PATH: row R: the model's output is not a finite number (inf) ...". A
// label output is then always a class index below n_classes.
bool predict_rows(const std::string& path, const LoadedModel& model, const ModelInput& in, Output kind,
                  std::vector<float>* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_MODEL_INPUT_H
