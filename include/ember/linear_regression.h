// Least-squares linear regression: ordinary, ridge, lasso and elastic net,
// with an intercept and sample weights, fitted in the caller's arena.
//
// The objective for each penalty is scikit-learn's, so the same settings
// give the same coefficients (s = sample weights, r = y - X w - b):
//   none        sum s r^2                                   (LinearRegression)
//   l2          sum s r^2 + alpha |w|^2                     (Ridge)
//   l1          sum s r^2 / (2 sum s) + alpha |w|_1         (Lasso)
//   elasticnet  sum s r^2 / (2 sum s) + alpha l1_ratio |w|_1
//               + alpha (1 - l1_ratio) |w|^2 / 2            (ElasticNet)
//
// none and l2 are solved in closed form from the weighted Gram matrix of the
// centred data (Cholesky for l2; for none an eigendecomposition, so that a
// rank-deficient design, e.g. one-hot columns beside an intercept, gets the
// minimum-norm solution as least squares gives). l1 and elasticnet use
// cyclic coordinate descent, stopped like scikit-learn's when the duality
// gap falls below tol times the weighted sum of squares of centred y.
//
// Memory: about d^2 + 2d doubles (closed form) or n + 2d doubles (coordinate
// descent) from the arena, all returned before the call ends. Arithmetic is
// double precision with a fixed order, so results are identical on every
// platform.
#ifndef EMBER_LINEAR_REGRESSION_H
#define EMBER_LINEAR_REGRESSION_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/fit_report.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

struct LinearRegressionOptions {
  Penalty penalty = Penalty::none;
  double alpha = 1.0;     // > 0 for l2, l1, elasticnet; ignored for none
  double l1_ratio = 0.5;  // elasticnet only, in [0, 1]
  bool fit_intercept = true;
  std::uint32_t max_iter = 1000;  // coordinate-descent sweeps (l1, elasticnet)
  double tol = 1e-4;              // duality-gap tolerance (l1, elasticnet), as scikit-learn's
};

// Fits y ~ X w + b on the n rows of `x` (d features; NaN not allowed) with
// targets `y` (n) and optional `sample_weight` (n non-negative values with a
// positive sum; empty = all 1). Writes `coef` (d) and *intercept (0 without
// fit_intercept) and fills *report (objective as above, at the solution).
// A run that stops at max_iter returns ok with report->converged false.
// Errors: shape_mismatch, empty_input (no rows or zero total weight),
// bad_value (NaN or infinite inputs, negative weights, alpha <= 0 with a
// penalty, l1_ratio outside [0, 1], tol <= 0), out_of_memory.
Status fit_linear_regression(MatrixView<const float> x, Span<const float> y, Span<const float> sample_weight,
                             const LinearRegressionOptions& options, Arena& arena, Span<float> coef,
                             float* intercept, FitReport* report) noexcept;

}  // namespace ember

#endif  // EMBER_LINEAR_REGRESSION_H
