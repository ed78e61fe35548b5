// Softmax and log-sum-exp of a score vector in double precision, for the
// trainers' losses and gradients (gbdt.cpp, logistic_regression.cpp,
// sgd.cpp). Internal to the core.
//
// The runtime's softmax (src/runtime/predict.cpp) is not this one on
// purpose: it is in single precision, as the model's scores are, and works
// in place with one exponential per class, which is what a device can
// afford; the trainers keep their scores and recompute the exponential.
#ifndef EMBER_SRC_SOFTMAX_H
#define EMBER_SRC_SOFTMAX_H

#include <cstddef>

#include "ember/base/portable_math.h"

namespace ember::detail {

// The largest score and sum_k exp(z[k] - top) (n > 0), summed in index
// order: softmax_k = exp(z[k] - top) / sum, log-sum-exp = top + log(sum).
struct SoftmaxSum {
  double top, sum;
};

inline SoftmaxSum softmax_sum(const double* z, std::size_t n) noexcept {
  double top = z[0];
  for (std::size_t k = 1; k < n; ++k) top = z[k] > top ? z[k] : top;
  double sum = 0.0;
  for (std::size_t k = 0; k < n; ++k) sum += portable_exp(z[k] - top);
  return {top, sum};
}

// softmax_k of scores whose softmax_sum is s.
inline double softmax(const double* z, std::size_t k, const SoftmaxSum& s) noexcept {
  return portable_exp(z[k] - s.top) / s.sum;
}

// log sum_k exp(z[k]) of scores whose softmax_sum is s.
inline double log_sum_exp(const SoftmaxSum& s) noexcept { return s.top + portable_log(s.sum); }

}  // namespace ember::detail

#endif  // EMBER_SRC_SOFTMAX_H
