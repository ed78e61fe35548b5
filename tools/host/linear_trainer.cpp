#include "host/linear_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ember/base/arena.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/writer/model_writer.h"
#include "host/heap_upstream.h"
#include "host/model_build.h"
#include "host/span_of.h"
#include "host/training_checks.h"

namespace ember::host {

namespace {

namespace f = format;

std::string model_name(const LinearTrainOptions& o) {
  if (o.kind == LinearKind::logistic) return "logistic";
  switch (o.linear.penalty) {
    case Penalty::none:
      return "linear";
    case Penalty::l2:
      return "ridge";
    case Penalty::l1:
      return "lasso";
    case Penalty::elasticnet:
      return "elasticnet";
  }
  return "linear";
}

}  // namespace

bool train_linear_model(const Table& table, const LinearTrainOptions& options, TrainedModel* out,
                        Error* error) {
  if (table.target < 0) {
    *error = Error{"", 0, 0, "no target column: choose one with --target"};
    return false;
  }
  const Column& target = table.columns[static_cast<std::size_t>(table.target)];
  const bool logistic = options.kind == LinearKind::logistic;
  if (logistic && target.type == ColumnType::numeric) {
    *error =
        Error{"", 0, 0,
              "target '" + target.name +
                  "' is numeric: logistic regression predicts classes; use --model linear for a number, or "
                  "--task classification if the numbers are class labels"};
    return false;
  }
  if (!logistic && target.type == ColumnType::categorical) {
    *error = Error{
        "", 0, 0, "target '" + target.name + "' holds class labels: use --model logistic for classification"};
    return false;
  }
  const std::size_t n = table.rows;
  std::string message;
  if (!check_training_target(target, n, logistic, &message) || !check_has_features(table, &message) ||
      !check_finite_cells(table, &message)) {
    *error = Error{"", 0, 0, message};
    return false;
  }

  // The pipeline, fitted on the rows that are not too sparse.
  const RawFeatures raw = raw_features(table);
  std::vector<std::size_t> rows;
  {
    const std::vector<std::size_t> sparse = sparse_rows(raw, options.pipeline.drop_row_missing);
    for (std::size_t i = 0, s = 0; i < n; ++i) {
      if (s < sparse.size() && sparse[s] == i) {
        ++s;
      } else {
        rows.push_back(i);
      }
    }
    out->dropped_rows = sparse.size();
  }
  if (rows.empty()) {
    *error = Error{"", 0, 0, "--drop-missing rows=... drops every training row"};
    return false;
  }
  std::vector<float> y;
  std::vector<std::int32_t> codes;
  for (std::size_t i : rows) {
    y.push_back(logistic ? static_cast<float>(target.codes[i]) : target.values[i]);
    if (logistic) codes.push_back(target.codes[i]);
  }
  const std::uint32_t n_classes = logistic ? static_cast<std::uint32_t>(target.labels.size()) : 0u;
  FittedPipeline pipeline;
  std::vector<float> x;
  // The model itself, for the selections that refit it (rfe, rfecv, model).
  const SelectionModel model = [&](const SelectionData& train, const SelectionData* test,
                                   std::vector<double>* importance, double* score, Error* e) {
    return fit_linear_importance(train, test, n_classes, options.linear, options.logistic, importance, score,
                                 e);
  };
  if (!fit_pipeline(raw, rows, y, n_classes, options.pipeline, model, &pipeline, &x, error)) return false;
  const std::size_t w = pipeline.width(), m = rows.size();
  for (std::size_t j = 0; j < w; ++j) {
    if (pipeline.out_categories[j] > 0) {
      *error = Error{"", 0, 0,
                     "column '" + pipeline.out_names[j] +
                         "' is categorical: a linear model reads numbers, so choose --encode onehot, ordinal "
                         "or target (native is for trees)"};
      return false;
    }
    for (std::size_t i = 0; i < m; ++i) {
      if (std::isnan(x[i * w + j])) {
        *error = Error{"", 0, 0,
                       "column '" + pipeline.out_names[j] + "' is missing in training row " +
                           std::to_string(rows[i] + 1) +
                           " after the pipeline: a linear model needs every value; use --impute (or "
                           "--drop-missing)"};
        return false;
      }
    }
  }

  StandardMetadata meta;
  meta.feature_names = raw.names;
  meta.categories = raw.labels;
  meta.target = target.name;
  meta.model_name = model_name(options);
  meta.model_features = pipeline.out_names;
  meta.steps = pipeline.descriptions();
  f::Task task = f::Task::regression;
  std::uint32_t n_outputs = 1;
  f::Link link = f::Link::identity;
  if (logistic) {
    task = n_classes == 2 ? f::Task::binary : f::Task::multiclass;
    n_outputs = logistic_outputs(n_classes);
    link = n_classes == 2 ? f::Link::logistic : f::Link::softmax;
    meta.classes = target.labels;
  }
  std::vector<float> weights(std::size_t{n_outputs} * w, 0.0f), intercepts(n_outputs, 0.0f);

  Arena arena(nullptr, 0, heap_upstream());
  const MatrixView<const float> xv{x.data(), m, w, w};
  const auto start = std::chrono::steady_clock::now();
  Status s = Status::ok;
  if (logistic) {
    std::vector<float> class_weight;
    if (options.balanced_class_weight) {
      class_weight.resize(n_classes);
      s = balanced_class_weights(span_of(codes), n_classes,
                                 Span<float>(class_weight.data(), class_weight.size()));
    }
    if (s == Status::ok) {
      s = fit_logistic_regression(xv, span_of(codes), n_classes, {}, span_of(class_weight), options.logistic,
                                  arena, Span<float>(weights.data(), weights.size()),
                                  Span<float>(intercepts.data(), intercepts.size()), &out->report);
    }
    out->solver = options.logistic.penalty == Penalty::l1 || options.logistic.penalty == Penalty::elasticnet
                      ? "owlqn"
                      : "lbfgs";
  } else {
    s = fit_linear_regression(xv, span_of(y), {}, options.linear, arena,
                              Span<float>(weights.data(), weights.size()), &intercepts[0], &out->report);
    out->solver = options.linear.penalty == Penalty::none ? "lstsq"
                  : options.linear.penalty == Penalty::l2 ? "cholesky"
                                                          : "coordinate descent";
  }
  out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s != Status::ok) {
    *error = Error{"", 0, 0, std::string("fitting failed: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  out->model_features = w;
  out->model_name = meta.model_name;
  out->pipeline = meta.steps;
  return build_model(
      [&](ModelWriter& mw) {
        EMBER_TRY(mw.schema({task, n_classes, span_of(raw.n_categories)}));
        EMBER_TRY(pipeline.write_steps(mw));
        EMBER_TRY(mw.linear(
            {static_cast<std::uint32_t>(w), n_outputs, link, span_of(weights), span_of(intercepts)}));
        return write_metadata(mw, meta);
      },
      &out->storage, &out->size, error);
}

}  // namespace ember::host
