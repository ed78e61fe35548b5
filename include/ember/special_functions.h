// Special functions for statistical tests: log-gamma, digamma, the
// regularized incomplete gamma and beta functions, and the survival
// functions of the chi-square and F distributions built on them (the
// p-values of the feature scores).
//
// Like portable_math.h, they use only IEEE-754 +, -, *, /, sqrt and
// ember's portable_log / portable_log1p / portable_exp, so with
// -ffp-contract=off the results are the same bits on every platform.
// Accuracy, checked against mpmath at 60 digits in
// tests/unit/test_feature_scores.cpp (tests/data/reference/
// special_functions.txt): within 5e-12 relative for results above 1e-300
// at the tested points (arguments from 1e-3 to 1e6; the worst seen is
// 2.5e-12, beta_inc with a = 1e6 and x near 1, and 1.4e-12 for f_sf with
// d2 = 1e6; below 1e-12 elsewhere); where a
// function crosses zero (log_gamma at 1 and 2, digamma near 1.4616) the
// error is absolute, below 1e-14. Results below about 1e-308 lose
// precision gradually (subnormals) and underflow to 0 near 1e-323.
// NaN arguments give NaN.
#ifndef EMBER_SPECIAL_FUNCTIONS_H
#define EMBER_SPECIAL_FUNCTIONS_H

namespace ember {

// ln Gamma(x) for x > 0 (Gamma itself would overflow beyond x = 171).
// NaN for x <= 0; +infinity for x = +infinity.
double log_gamma(double x) noexcept;

// The digamma function psi(x) = d/dx ln Gamma(x), for x > 0; psi(1) is
// minus the Euler-Mascheroni constant, psi(n) = -0.5772... + 1 + 1/2 + ...
// + 1/(n-1). NaN for x <= 0 (SciPy's values for negative non-integers are
// not provided); +infinity for x = +infinity.
double digamma(double x) noexcept;

// Regularized lower and upper incomplete gamma functions,
// P(a, x) = gamma(a, x) / Gamma(a) and Q(a, x) = 1 - P(a, x), in [0, 1],
// for a > 0 and x >= 0 (SciPy's gammainc / gammaincc). Each is computed
// directly where it is small, so a tiny tail keeps its relative accuracy.
// NaN for a <= 0, x < 0 or a = +infinity; x = +infinity gives P 1, Q 0.
double gamma_p(double a, double x) noexcept;
double gamma_q(double a, double x) noexcept;

// Regularized incomplete beta function I_x(a, b) in [0, 1], for a, b > 0
// and x in [0, 1] (SciPy's betainc). NaN outside that domain or for an
// infinite a or b.
double beta_inc(double a, double b, double x) noexcept;

// Survival function of the chi-square distribution with `dof` > 0 degrees
// of freedom: P(X > x) = Q(dof / 2, x / 2) (SciPy's chdtrc); 1 for x <= 0,
// 0 for x = +infinity. NaN for dof <= 0 or a NaN argument.
double chi2_sf(double x, double dof) noexcept;

// Survival function of the F distribution with (d1, d2) > 0 degrees of
// freedom: P(F > f) = I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2) (SciPy's fdtrc,
// scipy.stats.f.sf); 1 for f <= 0, 0 for f = +infinity. NaN for d1 or
// d2 <= 0 or a NaN argument.
double f_sf(double f, double d1, double d2) noexcept;

}  // namespace ember

#endif  // EMBER_SPECIAL_FUNCTIONS_H
