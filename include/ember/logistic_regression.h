// Logistic regression, binary and multinomial, with none / l2 / l1 /
// elastic-net penalties, class and sample weights, fitted in the caller's
// arena.
//
// The objective is scikit-learn's LogisticRegression's (s = sample weight
// times class weight, p = predicted probability of the true class, W the
// coefficients, never the intercept):
//   none        sum s (-log p)
//   l2          C sum s (-log p) + |W|^2 / 2
//   l1          C sum s (-log p) + |W|_1
//   elasticnet  C sum s (-log p) + l1_ratio |W|_1 + (1 - l1_ratio) |W|^2 / 2
// Two classes give one coefficient vector and the logistic link; more give
// one vector per class and softmax (scikit-learn's multinomial).
//
// Solver: OWL-QN (Andrew & Gao, 2007), i.e. L-BFGS with an orthant-wise
// step for the L1 part; without L1 it is plain L-BFGS with a backtracking
// Armijo line search. The stopping rules are those scikit-learn's lbfgs
// gets from scipy: the largest component of the (pseudo-)gradient of
// sum s (-log p) + penalty / C falls to tol, or an iteration lowers the
// objective by less than ftol (2.2e-9) relative. (scikit-learn's saga, its L1
// solver, stops on coefficient changes instead; the optimum is the same.)
//
// Memory: about (6 + 2 history) x K (d + 1) doubles from the arena, all
// returned before the call ends. Double precision throughout with portable
// exp/log, so results are identical on every platform.
#ifndef EMBER_LOGISTIC_REGRESSION_H
#define EMBER_LOGISTIC_REGRESSION_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/fit_report.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

struct LogisticRegressionOptions {
  Penalty penalty = Penalty::l2;
  double c = 1.0;         // inverse regularisation strength, > 0 (ignored for none)
  double l1_ratio = 0.5;  // elasticnet only, in [0, 1]
  bool fit_intercept = true;
  std::uint32_t max_iter = 100;
  double tol = 1e-4;
  // An iteration that lowers the objective by at most this fraction ends
  // the fit (scipy's L-BFGS-B default, which scikit-learn keeps); 0 leaves
  // only the gradient test, for fits that must reach the optimum exactly.
  double ftol = 2.220446049250313e-09;
  std::uint32_t history = 10;  // L-BFGS correction pairs, >= 1
};

// The number of coefficient vectors: 1 for two classes, else n_classes.
std::uint32_t logistic_outputs(std::uint32_t n_classes) noexcept;

// Fits on the n rows of `x` (d features; NaN not allowed) with class codes
// `y` in [0, n_classes), n_classes >= 2. `sample_weight` (n) and
// `class_weight` (n_classes) are optional (empty = all 1), non-negative,
// with a positive total. Writes `coef` (logistic_outputs(n_classes) x d,
// row-major; for two classes the vector for class 1) and `intercept`
// (logistic_outputs(n_classes); zeros without fit_intercept), and fills
// *report (objective as above). A run that reaches max_iter returns ok with
// report->converged false.
// Errors: shape_mismatch, empty_input, bad_index (a code outside
// [0, n_classes)), bad_value (NaN/infinite inputs, negative weights, c <= 0,
// l1_ratio outside [0, 1], tol <= 0, ftol < 0, history 0, n_classes < 2),
// out_of_memory.
Status fit_logistic_regression(MatrixView<const float> x, Span<const std::int32_t> y, std::uint32_t n_classes,
                               Span<const float> sample_weight, Span<const float> class_weight,
                               const LogisticRegressionOptions& options, Arena& arena, Span<float> coef,
                               Span<float> intercept, FitReport* report) noexcept;

// scikit-learn's "balanced" class weights: n / (n_classes * count(c)) into
// out[c]. Errors: shape_mismatch (out.size() != n_classes), bad_index,
// empty_input (no rows, or a class without rows).
Status balanced_class_weights(Span<const std::int32_t> y, std::uint32_t n_classes, Span<float> out) noexcept;

}  // namespace ember

#endif  // EMBER_LOGISTIC_REGRESSION_H
