// Cross-validation on the host: the rows of a table split into training
// and validation parts, the whole pipeline and model fitted on each
// training part (no statistic of the validation rows reaches the fit) and
// scored on its validation rows with every metric of the task.
#ifndef EMBER_HOST_CROSS_VALIDATION_H
#define EMBER_HOST_CROSS_VALIDATION_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/error.h"
#include "host/evaluation.h"
#include "host/table.h"

namespace ember::host {

// The rows of `table` listed in `rows`, in that order. Each categorical
// column's dictionary keeps only the labels those rows use (still sorted),
// so that a fit on them knows nothing of the other rows' categories.
Table table_rows(const Table& table, const std::vector<std::size_t>& rows);

// Rows to fit on and rows to score.
struct Split {
  std::vector<std::size_t> train, test;
};

// The splits of a fold assignment (fold[i] in [0, folds)): split f
// validates the rows of fold f and fits on the others.
std::vector<Split> splits_of_folds(const std::vector<std::uint32_t>& fold, std::uint32_t folds);

// Trains on `train` (its target set) and returns the model file's bytes.
using FitFunction = std::function<bool(const Table& train, std::vector<std::uint64_t>* storage,
                                       std::size_t* size, double* fit_seconds, Error* error)>;

struct SplitScore {
  std::size_t train_rows = 0, test_rows = 0;
  double fit_seconds = 0.0;
  Evaluation evaluation;
};

// Fits on the split's training rows and scores the model file on its test
// rows through the runtime, as `ember eval` would. A class of the test
// rows that the training rows lack is an error that says so.
bool score_split(const Table& table, const Split& split, const FitFunction& fit, SplitScore* out,
                 Error* error);

// Mean and population standard deviation (ddof=0) of `values` (not
// empty); NaN values make both NaN.
void mean_and_std(const std::vector<double>& values, double* mean, double* std);

// Mean and population standard deviation (numpy's default, ddof=0) over
// the splits of each metric that every split has, in the first split's
// order.
struct ScoreSummary {
  std::vector<std::string> names;
  std::vector<double> mean, std;
};
ScoreSummary summarize(const std::vector<SplitScore>& scores);

}  // namespace ember::host

#endif  // EMBER_HOST_CROSS_VALIDATION_H
