// Trains a linear or logistic regression model on a table and writes the
// whole pipeline into a model file. By default: impute (median for numbers,
// most frequent category), one-hot encode categories (unknown ones become
// zeros), standardise the numeric columns, then the linear model; the
// pipeline options change any of it (host/pipeline.h).
#ifndef EMBER_HOST_LINEAR_TRAINER_H
#define EMBER_HOST_LINEAR_TRAINER_H

#include <cstdint>
#include <string>
#include <vector>

#include "ember/fit_report.h"
#include "ember/linear_regression.h"
#include "ember/logistic_regression.h"
#include "host/error.h"
#include "host/pipeline.h"
#include "host/table.h"

namespace ember::host {

enum class LinearKind { linear, logistic };

struct LinearTrainOptions {
  LinearKind kind = LinearKind::linear;
  LinearRegressionOptions linear;
  LogisticRegressionOptions logistic;
  bool balanced_class_weight = false;  // logistic: scikit-learn's class_weight="balanced"
  PipelineOptions pipeline = default_pipeline();

  // Median imputation, one-hot encoding, standard scaling.
  static PipelineOptions default_pipeline() {
    PipelineOptions p;
    p.impute = true;
    p.imputer.strategy = ImputeStrategy::median;
    p.encoding = Encoding::one_hot;
    p.scale = true;
    return p;
  }
};

struct TrainedModel {
  std::vector<std::uint64_t> storage;  // the model file, 8-byte aligned
  std::size_t size = 0;                // its bytes
  FitReport report;
  double fit_seconds = 0.0;           // the solver alone
  std::size_t model_features = 0;     // width after the pipeline
  std::size_t dropped_rows = 0;       // --drop-missing rows
  std::vector<std::string> pipeline;  // a description per fitted step
  std::string solver;                 // "cholesky", "lstsq", "coordinate descent", "owlqn", "lbfgs"
  std::string model_name;             // "linear", "ridge", "lasso", "elasticnet", "logistic"
};

// Fits on every row of `table` with table.target as the target (numeric
// for linear, categorical for logistic). Errors name the problem: no
// target, the wrong kind of target for the model (and which model to use),
// missing target values, a single class, no feature, an infinite cell (its
// row and column), bad parameters, a pipeline that
// leaves categories or missing values for the model.
bool train_linear_model(const Table& table, const LinearTrainOptions& options, TrainedModel* out,
                        Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_LINEAR_TRAINER_H
