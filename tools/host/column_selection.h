// Feature selection for the train pipeline, as scikit-learn's
// sklearn.feature_selection: univariate filters (variance, correlation,
// chi2, ANOVA F, F-regression, mutual information, Fisher score) with
// SelectKBest / SelectPercentile / threshold modes; wrappers (RFE, RFECV)
// and embedded selection (L1 models, the model's own importances, as
// SelectFromModel). The result is the columns to keep, which the pipeline
// writes as a select step.
#ifndef EMBER_HOST_COLUMN_SELECTION_H
#define EMBER_HOST_COLUMN_SELECTION_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ember/feature_selection.h"
#include "ember/linear_regression.h"
#include "ember/logistic_regression.h"
#include "host/error.h"

namespace ember::host {

enum class SelectMethod : std::uint8_t {
  none,
  variance,      // VarianceThreshold: variance > threshold (0)
  correlation,   // drop the later column of each pair with |r| > threshold (0.9)
  chi2,          // classes; non-negative features
  anova,         // f_classif
  f_regression,  // numbers
  mutual_info,   // mutual_info_classif / mutual_info_regression
  fisher,        // classes
  rfe,           // recursive feature elimination with the model being trained
  rfecv,         // RFE with the number of features chosen by cross-validation
  l1,            // SelectFromModel(Lasso / L1 logistic regression)
  model,         // SelectFromModel(the model being trained): its importances
};

struct SelectionOptions {
  SelectMethod method = SelectMethod::none;
  // Filters: k best (10), a percentile or score >= threshold. rfe: k is
  // the columns to keep (0: half, as scikit-learn); l1, model: k > 0 caps
  // the columns kept (max_features), threshold replaces their default.
  SelectOptions scores;
  bool threshold_given = false;    // variance (0), correlation (0.9), l1 (1e-5), model (the mean)
  std::uint32_t step = 1;          // rfe, rfecv: features removed per round
  std::uint32_t folds = 5;         // rfecv
  std::uint32_t min_features = 1;  // rfecv
  double alpha = 0.01;             // l1: Lasso's alpha; classes use C = 1 / (alpha * rows)
  std::uint64_t seed = 0;          // mutual_info's noise; the pipeline sets it from its seed
};

// The name of a method as --select spells it ("chi2", "rfe", ...).
const char* select_method_name(SelectMethod m);

// Rows x columns of training data handed to a selection model.
struct SelectionData {
  const float* x = nullptr;  // rows x cols, row-major
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint32_t> categories;  // per column; 0 = numeric
  const float* y = nullptr;               // rows: a number, or a class code
};

// The model a wrapper or embedded selection fits: on `train` it writes one
// importance per column (|coefficient| or gain share), and with `test`
// (may be null) the score on those rows (accuracy for classes, R^2 for
// numbers), as scikit-learn's estimator.score.
using SelectionModel = std::function<bool(const SelectionData& train, const SelectionData* test,
                                          std::vector<double>* importance, double* score, Error* error)>;

// A linear or logistic regression as a selection model: importance is the
// coefficients' absolute value, summed over classes (scikit-learn's
// norm_order=1).
bool fit_linear_importance(const SelectionData& train, const SelectionData* test, std::uint32_t n_classes,
                           const LinearRegressionOptions& linear, const LogisticRegressionOptions& logistic,
                           std::vector<double>* importance, double* score, Error* error);

// Chooses columns of `data` (y: `n_classes` > 0 for class codes).
// `names` label the columns in messages and in *summary (which says what
// was kept and why). `model` is needed by rfe, rfecv and model. Errors
// name the method and the column: a missing value, a negative value for
// chi2, a method for the other kind of target, nothing left.
bool select_columns(const SelectionOptions& options, const SelectionData& data, std::uint32_t n_classes,
                    const std::vector<std::string>& names, const SelectionModel& model,
                    std::vector<std::uint32_t>* keep, std::string* summary, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_COLUMN_SELECTION_H
