// Elementary functions that return the same bits on every platform.
//
// libm's log and exp are accurate but not correctly rounded, and differ in
// the last bit between glibc, newlib and others. Anything whose output must
// be reproducible across platforms (random variates, model bytes) uses these
// instead. They use only IEEE-754 +, -, *, / and exact scaling, so with
// -ffp-contract=off the results are identical everywhere. Accuracy: within a
// few units in the last place.
#ifndef EMBER_PORTABLE_MATH_H
#define EMBER_PORTABLE_MATH_H

namespace ember {

// Natural logarithm. log(0) = -infinity, log(x < 0) = NaN, log(NaN) = NaN,
// log(+infinity) = +infinity.
double portable_log(double x) noexcept;

// e^x in single precision (the runtime's sigmoid and softmax), within 2 ulp
// of the true value for normal results. exp(x > 88.72) = +infinity,
// exp(x < -103.97) = 0, exp(NaN) = NaN.
float portable_exp(float x) noexcept;

// 1 / (1 + e^-x), computed without overflow for any x.
float portable_sigmoid(float x) noexcept;

// e^x in double precision (training), within a few ulp for normal results.
// exp(x > 709.78) = +infinity, exp(x < -745.13) = 0, exp(NaN) = NaN.
double portable_exp(double x) noexcept;

// log(1 + x) for x >= -1, accurate also when |x| is tiny (where log(1 + x)
// would lose x to rounding). log1p(-1) = -infinity, log1p(x < -1) = NaN.
double portable_log1p(double x) noexcept;

// log(1 + e^x) without overflow (the logistic loss).
double portable_softplus(double x) noexcept;

// 1 / (1 + e^-x) in double precision, without overflow.
double portable_sigmoid(double x) noexcept;

}  // namespace ember

#endif  // EMBER_PORTABLE_MATH_H
