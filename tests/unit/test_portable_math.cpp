// The double-precision portable functions used in training, against libm
// (an independent implementation) within a few ulp.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <limits>

#include "ember/base/portable_math.h"
#include "ember/rng.h"

using ember::Rng;

namespace {
double ulp_error(double got, double expected) {
  if (got == expected) return 0.0;
  return std::fabs(got - expected) / std::fabs(std::nextafter(expected, INFINITY) - expected);
}
}  // namespace

TEST_CASE("portable_exp (double) agrees with libm within 2 ulp") {
  Rng r(12);
  double worst = 0.0;
  for (int i = 0; i < 50000; ++i) {
    const double x = r.uniform(-708.0, 709.0);
    worst = std::fmax(worst, ulp_error(ember::portable_exp(x), std::exp(x)));
  }
  for (int i = 0; i < 20000; ++i) {
    const double x = r.uniform(-1.0, 1.0);
    worst = std::fmax(worst, ulp_error(ember::portable_exp(x), std::exp(x)));
  }
  CHECK(worst <= 2.0);
  CHECK(ember::portable_exp(0.0) == 1.0);
  CHECK(std::isinf(ember::portable_exp(710.0)));
  CHECK(ember::portable_exp(-746.0) == 0.0);
  CHECK(std::isnan(ember::portable_exp(std::numeric_limits<double>::quiet_NaN())));
  // Subnormal results: e^-740 is about 4.2e-322.
  CHECK(std::fabs(ember::portable_exp(-740.0) - std::exp(-740.0)) <= 2 * 4.9406564584124654e-324);
}

TEST_CASE("portable_log1p is accurate for tiny and large arguments") {
  Rng r(13);
  double worst = 0.0;
  for (int i = 0; i < 20000; ++i) {
    const double x = std::ldexp(r.uniform(), -static_cast<int>(r.below(60)));  // down to 2^-60
    worst = std::fmax(worst, ulp_error(ember::portable_log1p(x), std::log1p(x)));
    worst = std::fmax(worst, ulp_error(ember::portable_log1p(-x * 0.5), std::log1p(-x * 0.5)));
    const double big = r.uniform(0.0, 1e6);
    worst = std::fmax(worst, ulp_error(ember::portable_log1p(big), std::log1p(big)));
  }
  CHECK(worst <= 3.0);
  CHECK(ember::portable_log1p(1e-300) == 1e-300);
  CHECK(std::isinf(ember::portable_log1p(-1.0)));
  CHECK(std::isnan(ember::portable_log1p(-2.0)));
}

TEST_CASE("portable_softplus and the double sigmoid") {
  for (double x : {-800.0, -40.0, -3.5, -1e-9, 0.0, 1e-9, 2.0, 35.0, 800.0}) {
    INFO(x);
    // Reference: log1p(exp(x)) rearranged to avoid overflow, with libm.
    const double expected = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    CHECK(ulp_error(ember::portable_softplus(x), expected) <= 4.0);
    const double s = 1.0 / (1.0 + std::exp(-x));
    CHECK(ulp_error(ember::portable_sigmoid(x), s) <= 4.0);
  }
  CHECK(ember::portable_softplus(0.0) == doctest::Approx(0.69314718055994531));
}
