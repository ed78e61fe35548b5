// The feature pipeline a trainer puts in front of its model: drop sparse
// columns, impute, encode categories, discretize, scale. Each step is fitted
// with the core fitters on the output of the steps before it, over the
// training rows only, and becomes a runtime step of the model file, so the
// device computes what training saw.
#ifndef EMBER_HOST_PIPELINE_H
#define EMBER_HOST_PIPELINE_H

#include <cstdint>
#include <string>
#include <vector>

#include "ember/discretizer.h"
#include "ember/encoder.h"
#include "ember/imputer.h"
#include "ember/runtime/model_format.h"
#include "ember/writer/model_writer.h"
#include "ember/scaler.h"
#include "host/column_selection.h"
#include "host/error.h"
#include "host/table.h"

namespace ember::host {

// Feature rows as the runtime takes them: numbers, category codes as
// floats, NaN for missing. One column per table column but the target.
struct RawFeatures {
  std::size_t n = 0, d = 0;
  std::vector<float> x;                          // n x d, row-major
  std::vector<std::uint32_t> n_categories;       // per column; 0 = numeric
  std::vector<std::string> names;                // per column
  std::vector<std::vector<std::string>> labels;  // per column, by code; empty for numeric
  std::vector<std::size_t> columns;              // the table column of each
};

RawFeatures raw_features(const Table& table);

// A one-hot encoding (of categories, or of bins) is refused before it is
// built when it would make more than kMaxOneHotColumns columns, or a matrix
// (training rows x every output column, float32) above kMaxOneHotBytes; the
// message names the widest columns and the way out (max_categories, target
// encoding, fewer bins).
constexpr std::uint32_t kMaxOneHotColumns = 4096;
constexpr std::uint64_t kMaxOneHotBytes = std::uint64_t{4} << 30;

// How categorical columns reach the model.
enum class Encoding : std::uint8_t {
  native,   // codes as they are (trees split on categories); no step
  one_hot,  // one 0/1 column per category (OneHotEncoder)
  ordinal,  // the code as a number, labels in byte order (OrdinalEncoder); no step
  target,   // the smoothed target mean of the category (TargetEncoder)
};

struct PipelineOptions {
  // Columns missing in more than this share of the training rows are
  // dropped (a select step); 1 keeps every column.
  double drop_column_missing = 1.0;
  // Training rows missing more than this share of their features are left
  // out (by the trainer, before anything is fitted); 1 keeps every row.
  double drop_row_missing = 1.0;
  bool impute = false;
  ImputerOptions imputer;
  Encoding encoding = Encoding::native;
  OneHotOptions one_hot;
  TargetEncoderOptions target;
  std::uint32_t target_folds = 5;  // out-of-fold target encoding of the training rows
  bool discretize = false;
  DiscretizerOptions discretizer;
  bool discretize_one_hot = false;  // bins as one-hot columns rather than bin numbers
  bool scale = false;
  ScalerOptions scaler;
  SelectionOptions select;           // method none: no selection
  bool lda = false;                  // project onto linear discriminant directions (classes only)
  std::uint32_t lda_components = 0;  // 0: min(classes - 1, columns), scikit-learn's default
  std::uint64_t seed = 0;            // target encoding's folds, mutual_info's noise (--seed)

  // Whether any step is asked for (else the model reads the raw columns).
  bool requested() const {
    return drop_column_missing < 1.0 || impute || encoding != Encoding::native || discretize || scale ||
           select.method != SelectMethod::none || lda;
  }
};

// A fitted step, as ModelWriter takes it (see model_format.h, StepKind for
// what u, a and b hold per kind).
struct PipelineStep {
  format::StepKind kind = format::StepKind::impute;
  std::uint32_t n_in = 0, n_out = 0;
  bool unknown_is_error = false;  // one_hot
  std::vector<std::uint32_t> u;   // n_categories, indicator columns, n_edges or indices
  std::vector<float> a, b;        // fill / unknown + values / offset + scale / edges
  std::string description;        // for people: what was fitted and what was kept
};

struct FittedPipeline {
  std::vector<std::uint32_t> in_categories;  // the raw schema
  std::vector<PipelineStep> steps;
  std::vector<std::uint32_t> out_categories;  // per output column: categories left for the model, or 0
  std::vector<std::string> out_names;         // per output column, e.g. "color=red", "age_missing"

  std::size_t width() const { return out_categories.size(); }
  Status write_steps(ModelWriter& w) const;
  std::vector<std::string> descriptions() const;
};

// Training rows whose share of missing features exceeds `threshold` (in
// [0, 1); 1 drops none), ascending.
std::vector<std::size_t> sparse_rows(const RawFeatures& raw, double threshold);

// Fits the pipeline on `rows` of raw (ascending indices; `y` holds their
// targets: a number, or a class code with n_classes > 0) and writes the
// transformed rows to *x_fit (rows.size() x out->width()). Target encoding
// encodes these rows out of fold, so x_fit is what the model is fitted on,
// not what apply_pipeline gives for the same rows. `model` is the model
// being trained, for the selections that fit it (rfe, rfecv, model); it
// may be empty otherwise. The order: drop columns, impute, encode,
// discretize, scale, select, LDA. Errors name the option and the column:
// target encoding of a multiclass target, a fitter's refusal.
bool fit_pipeline(const RawFeatures& raw, const std::vector<std::size_t>& rows, const std::vector<float>& y,
                  std::uint32_t n_classes, const PipelineOptions& options, const SelectionModel& model,
                  FittedPipeline* out, std::vector<float>* x_fit, Error* error);

// Runs the fitted steps over n raw rows (n x in_categories.size()) in the
// runtime, as the device will: *out is n x p.width().
bool apply_pipeline(const FittedPipeline& p, const float* x, std::size_t n, std::vector<float>* out,
                    Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_PIPELINE_H
