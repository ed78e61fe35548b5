// What every trainer reports, and the penalties the linear models share.
#ifndef EMBER_FIT_REPORT_H
#define EMBER_FIT_REPORT_H

#include <cstdint>

namespace ember {

// Regularisation of the coefficients (never of the intercept), with
// scikit-learn's meaning for each estimator (see the fit functions).
enum class Penalty : std::uint8_t { none = 0, l2 = 1, l1 = 2, elasticnet = 3 };

// "none", "l2", "l1" or "elasticnet".
const char* penalty_name(Penalty p) noexcept;

struct FitReport {
  std::uint32_t iterations = 0;  // solver iterations (sweeps, quasi-Newton steps); 0 for closed forms
  bool converged = false;        // the stopping tolerance was met before max_iter
  double objective = 0.0;        // the objective at the returned solution (defined per trainer)
};

}  // namespace ember

#endif  // EMBER_FIT_REPORT_H
