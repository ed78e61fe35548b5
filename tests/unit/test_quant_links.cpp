// The fixed-point links of integer models (include/ember/runtime/fixed_point.h)
// against double-precision references over the whole input range, and the
// stated errors (link_error_q32) that the quantizer stores in the file.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "ember/runtime/fixed_point.h"
#include "ember/runtime/predict_q.h"

using namespace ember;
namespace f = ember::format;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

// max(a, b) by a comparison: GCC 12's AArch64 vectoriser crashes on
// std::fmax reductions at -O3 (internal compiler error).
inline double larger(double a, double b) { return b > a ? b : a; }

TEST_CASE("exp(-a) in Q0.30 is within 2^-28 for every Q16 argument up to its zero") {
  double worst = 0;
  for (std::uint32_t a = 0; a < (23u << 16); ++a) {
    worst = larger(worst, std::fabs(fixed::exp_neg_q30(a) / 1073741824.0 - std::exp(-(a / 65536.0))));
  }
  CHECK(fixed::exp_neg_q30(0) == (1u << 30));
  CHECK(fixed::exp_neg_q30(22u << 16) == 0);
  CHECK(fixed::exp_neg_q30(0xFFFFFFFFu) == 0);
  MESSAGE("exp: max |error| " << worst * 1073741824.0 << " x 2^-30");
  CHECK(worst < std::ldexp(1.0, -28));
}

TEST_CASE("link errors hold over the whole input range") {
  // Sigmoid: every Q16 logit in [-24, 24]; beyond, exp(-|x|) < 2^-34 and
  // the output is the saturated one, checked at the ends of int32.
  double worst = 0;
  for (std::int64_t x = -(24 << 16); x <= (24 << 16); ++x) {
    std::int32_t p[2];
    fixed::logistic_probabilities(static_cast<std::int32_t>(x), p);
    const double s = sigmoid(static_cast<double>(x) / 65536);
    worst = larger(worst, larger(std::fabs(p[1] / 65536.0 - s), std::fabs(p[0] / 65536.0 - (1 - s))));
    if (x == 0) CHECK(p[0] == 32768);
  }
  for (const std::int32_t x : {INT32_MAX, INT32_MIN, (24 << 16) + 1, -(24 << 16) - 1}) {
    std::int32_t p[2];
    fixed::logistic_probabilities(x, p);
    CHECK(p[x > 0 ? 1 : 0] == 65535);
    CHECK(p[x > 0 ? 0 : 1] == 0);
  }
  const double sigmoid_error = link_error_q32(f::Link::logistic, 1) / 4294967296.0;
  MESSAGE("sigmoid: max |error| " << worst * 4294967296.0 << " x 2^-32 (stated "
                                  << sigmoid_error * 4294967296.0 << ")");
  CHECK(worst <= sigmoid_error);
  CHECK(worst > 0.9 * sigmoid_error);  // the figure is tight, not a loose bound

  // Softmax of two classes depends only on the difference: every one in
  // [-24, 24] (beyond, saturated as the sigmoid), at two offsets.
  worst = 0;
  for (const std::int32_t offset : {0, INT32_MIN + (24 << 16)}) {
    for (std::int64_t d = -(24 << 16); d <= (24 << 16); d += 1) {
      const std::int32_t logits[2] = {offset, static_cast<std::int32_t>(offset + d)};
      std::int32_t p[2];
      fixed::softmax_q16(logits, 2, p);
      const double p1 = sigmoid(static_cast<double>(d) / 65536);
      worst = larger(worst, larger(std::fabs(p[1] / 65536.0 - p1), std::fabs(p[0] / 65536.0 - (1 - p1))));
    }
  }
  const std::int32_t extreme[2] = {INT32_MIN, INT32_MAX};
  std::int32_t pe[2];
  fixed::softmax_q16(extreme, 2, pe);
  CHECK(pe[0] == 0);
  CHECK(pe[1] == 65535);
  MESSAGE("softmax (2 classes): max |error| " << worst * 4294967296.0 << " x 2^-32");
  CHECK(worst <= link_error_q32(f::Link::softmax, 2) / 4294967296.0);

  // More classes: a dense random sample of logits within 24 of each other
  // (and some far apart), against a double reference.
  std::uint64_t state = 12345;
  auto next = [&state]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state >> 32);
  };
  for (std::uint32_t n : {3u, 4u, 8u, 32u}) {
    worst = 0;
    std::vector<std::int32_t> logits(n), p(n);
    for (int trial = 0; trial < 200000 / static_cast<int>(n); ++trial) {
      const std::int32_t spread = trial % 7 == 0 ? (1 << 30) : (24 << 16);
      for (auto& x : logits)
        x = static_cast<std::int32_t>(next() % static_cast<std::uint32_t>(spread)) - spread / 2;
      fixed::softmax_q16(logits.data(), n, p.data());
      double top = logits[0];
      for (auto x : logits) top = larger(top, x);
      double z = 0;
      for (auto x : logits) z += std::exp((x - top) / 65536.0);
      for (std::uint32_t c = 0; c < n; ++c)
        worst = larger(worst, std::fabs(p[c] / 65536.0 - std::exp((logits[c] - top) / 65536.0) / z));
    }
    MESSAGE("softmax (" << n << " classes): max |error| " << worst * 4294967296.0 << " x 2^-32");
    CHECK(worst <= link_error_q32(f::Link::softmax, n) / 4294967296.0);
  }
  CHECK(link_error_q32(f::Link::identity, 3) == 0);
}
