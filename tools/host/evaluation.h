// Every metric of a task, computed from predictions with the core's
// metrics (include/ember/metrics.h): what `ember eval` prints and what
// cross-validation and search score folds with.
#ifndef EMBER_HOST_EVALUATION_H
#define EMBER_HOST_EVALUATION_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/error.h"

namespace ember::host {

// Named values in a fixed order (the order they are printed in).
struct Evaluation {
  std::vector<std::pair<std::string, double>> metrics;
  // Classes only: k x k, true class by row, predicted class by column.
  std::vector<std::vector<double>> confusion;
  // Metrics left out and why, e.g. "auc: a single class in the data".
  std::vector<std::string> skipped;

  // The value of `name`, or NaN if it is not there.
  double get(const std::string& name) const;
};

// Classification from class probabilities: `y` holds class codes in
// [0, k), `proba` is n x k row-major, k >= 2. The predicted class is the
// first of the highest probabilities. Metrics: accuracy, balanced_accuracy,
// precision / recall / f1 with _macro and _weighted, for two classes also
// precision, recall, f1 (class 1) and average_precision; logloss, brier,
// mcc, then auc (two classes) or auc_ovr_macro. AUC needs every class
// present; without that it goes to `skipped`, as does average precision.
// Errors: k < 2, a shape that does not fit, a code outside [0, k).
bool evaluate_classes(const std::vector<std::int32_t>& y, const std::vector<float>& proba, std::size_t k,
                      Evaluation* out, Error* error);

// Regression: rmse, mse, mae, median_ae, r2, mape, explained_variance
// (r2 and explained_variance need two rows; with one they are skipped).
bool evaluate_numbers(const std::vector<float>& y, const std::vector<float>& predicted, Evaluation* out,
                      Error* error);

// Whether a larger value of the metric is better (accuracy, r2, ...) or
// a smaller one (rmse, logloss, ...); false for an unknown name.
bool metric_known(const std::string& name, bool* higher_is_better);

}  // namespace ember::host

#endif  // EMBER_HOST_EVALUATION_H
