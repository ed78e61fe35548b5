// What quantizing cost, measured on the calibration rows: the float model
// and the integer model each run by the runtime (predict_batch; the
// integer model through its float entry point, quantize_row + predict_q).
#ifndef EMBER_HOST_QUANT_REPORT_H
#define EMBER_HOST_QUANT_REPORT_H

#include <cstddef>
#include <string>
#include <vector>

#include "host/error.h"
#include "host/model_file.h"
#include "host/model_input.h"

namespace ember::host {

struct QuantComparison {
  std::size_t rows = 0;
  bool classification = false;
  bool has_target = false;  // the calibration rows hold the model's target (no missing value)
  // Classification: accuracy and AUC (two classes) of each against the
  // target (NaN without it), the share of rows whose labels agree, and the
  // largest |probability difference| over every row and class.
  double accuracy_float = 0, accuracy_integer = 0, auc_float = 0, auc_integer = 0;
  double agreement = 0, max_probability_error = 0;
  // Regression: RMSE of each against the target (NaN without it) and the
  // largest |difference| between the two predictions.
  double rmse_float = 0, rmse_integer = 0, max_abs_error = 0;
};

// An integer model's Q0.16 probabilities sum to 1 only within k / 65536,
// not within the 1e-5 the multiclass AUC asks of a row (as scikit-learn
// does): metrics score them divided by their row's sum, which keeps each
// row's order of classes.
void renormalize_probabilities(std::vector<float>* proba, std::size_t k);

// `rows` are the calibration rows as read for `float_model` (the integer
// model has the same features); `path` names them in errors.
bool compare_models(const LoadedModel& float_model, const LoadedModel& integer_model, const ModelInput& rows,
                    const std::string& path, QuantComparison* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_REPORT_H
