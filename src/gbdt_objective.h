// The losses of gradient boosting as the validation reports them, their
// gradients, and the weighted median (absolute error's base score and leaf
// values). Internal to gbdt.cpp.
#ifndef EMBER_SRC_GBDT_OBJECTIVE_H
#define EMBER_SRC_GBDT_OBJECTIVE_H

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ember/base/portable_math.h"
#include "ember/gbdt.h"
#include "softmax.h"

namespace ember::detail {

inline double clip_probability(double p) { return p < 1e-15 ? 1e-15 : (p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p); }

struct ValueWeight {
  double value, weight;
};

// The weighted median: the smallest value whose cumulative weight reaches
// half the total (weights > 0). Sorts p in place; equal values may swap,
// which changes nothing.
inline double weighted_median(ValueWeight* p, std::size_t n) {
  std::sort(p, p + n, [](const ValueWeight& a, const ValueWeight& b) { return a.value < b.value; });
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += p[i].weight;
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += p[i].weight;
    if (acc >= 0.5 * total) return p[i].value;
  }
  return n > 0 ? p[n - 1].value : 0.0;
}

// Loss of one row at scores f (k_out of them), as the validation reports it.
inline double row_loss(GbdtObjective o, const double* f, std::uint32_t k_out, float y, double delta) {
  switch (o) {
    case GbdtObjective::squared_error: {
      const double r = f[0] - static_cast<double>(y);
      return r * r;
    }
    case GbdtObjective::absolute_error:
      return std::fabs(f[0] - static_cast<double>(y));
    case GbdtObjective::huber: {
      const double r = std::fabs(f[0] - static_cast<double>(y));
      return r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
    }
    case GbdtObjective::binary_logloss: {
      const double p = clip_probability(portable_sigmoid(f[0]));
      return y > 0.5f ? -portable_log(p) : -portable_log(1.0 - p);
    }
    case GbdtObjective::softmax: {
      const SoftmaxSum s = softmax_sum(f, k_out);
      const auto label = static_cast<std::uint32_t>(y);
      return -portable_log(clip_probability(softmax(f, label, s)));
    }
  }
  return 0.0;
}

// One row's gradient and hessian at scores f (k_out of them) and weight
// wi, into g[k] and h[k] (k < k_out; one of each but for softmax). Hessians
// are floored at 1e-16 so that no leaf divides by zero.
inline void row_gradients(GbdtObjective o, const double* f, std::uint32_t k_out, double y, double wi,
                          double delta, double* g, double* h) {
  switch (o) {
    case GbdtObjective::squared_error:
      g[0] = wi * (f[0] - y);
      h[0] = wi;
      break;
    case GbdtObjective::absolute_error:
      g[0] = wi * (f[0] > y ? 1.0 : (f[0] < y ? -1.0 : 0.0));
      h[0] = wi;
      break;
    case GbdtObjective::huber: {
      const double res = f[0] - y;
      g[0] = wi * (res > delta ? delta : (res < -delta ? -delta : res));
      h[0] = wi;
      break;
    }
    case GbdtObjective::binary_logloss: {
      const double q = portable_sigmoid(f[0]);
      g[0] = wi * (q - y);
      const double hv = q * (1.0 - q);
      h[0] = wi * (hv > 1e-16 ? hv : 1e-16);
      break;
    }
    case GbdtObjective::softmax: {
      const SoftmaxSum s = softmax_sum(f, k_out);
      const auto label = static_cast<std::uint32_t>(y);
      for (std::uint32_t k = 0; k < k_out; ++k) {
        const double q = softmax(f, k, s);
        g[k] = wi * (q - (k == label ? 1.0 : 0.0));
        const double hv = 2.0 * q * (1.0 - q);
        h[k] = wi * (hv > 1e-16 ? hv : 1e-16);
      }
      break;
    }
  }
}

}  // namespace ember::detail

#endif  // EMBER_SRC_GBDT_OBJECTIVE_H
