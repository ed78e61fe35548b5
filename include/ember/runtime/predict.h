// Prediction: run a loaded model's whole pipeline on raw input rows.
//
// A row holds Model::n_features floats: numbers as they are, categorical
// features as their code (0..k-1), NaN for missing. predict() writes the
// requested output into `out`; all working memory is the caller's
// `scratch`, so prediction is re-entrant and never allocates.
//
//   Output::raw          n_outputs raw scores (margins) before the link
//   Output::probability  n_classes probabilities (classification only)
//   Output::label        one value: the class index (ties -> lowest), or the
//                        regression prediction
//
// An integer model (predict_q.h) runs here too: predict() and
// predict_batch() quantize the row first (quantize_row) and convert the
// integer outputs to float; transform() refuses it (unsupported_feature).
// A build without float models (EMBER_RUNTIME_FLOAT 0, config.h) has no
// float entry point: all three return unsupported_feature.
#ifndef EMBER_PREDICT_H
#define EMBER_PREDICT_H

#include <cstddef>
#include <cstdint>

#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/runtime/model.h"

namespace ember {

enum class Output : std::uint8_t { raw = 0, probability = 1, label = 2 };

// Floats per row that `kind` produces; 0 when the model has no such output
// (probability of a regression model).
std::size_t output_size(const Model& model, Output kind) noexcept;

// Scratch bytes that one predict() call needs (also stored in the file).
std::size_t scratch_bytes(const Model& model) noexcept;

// Scratch bytes that predict_batch() needs, for any number of rows.
std::size_t batch_scratch_bytes(const Model& model) noexcept;

// Predicts one row. Errors: shape_mismatch (row or out of the wrong size),
// invalid_argument (scratch too small, or an output the model lacks),
// unknown_category (a one-hot step whose policy is "error" met one).
Status predict(const Model& model, Span<const float> row, Span<unsigned char> scratch, Output kind,
               Span<float> out) noexcept;

// Runs only the pipeline on one row: writes the Model::model_features values
// the model itself would see into `out`. Trainers use it so that a model is
// fitted on exactly what the device computes. Errors as predict().
Status transform(const Model& model, Span<const float> row, Span<unsigned char> scratch,
                 Span<float> out) noexcept;

// Predicts every row of `rows` into the matching row of `out`; results are
// bit-identical to predict() row by row, and faster for tree ensembles.
Status predict_batch(const Model& model, MatrixView<const float> rows, Span<unsigned char> scratch,
                     Output kind, MatrixView<float> out) noexcept;

}  // namespace ember

#endif  // EMBER_PREDICT_H
