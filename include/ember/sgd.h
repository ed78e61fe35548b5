// SgdModel: a linear or logistic model learned one example at a time, in a
// fixed arena, for training on the device itself.
//
// Each partial_fit() is one stochastic gradient step on
//   loss(x w + b, y) + alpha |w|^2 / 2
// with scikit-learn's SGD conventions: squared loss for regression with the
// "invscaling" rate eta0 / t^(1/4); log loss (binary logistic, or softmax
// over K classes) with the "optimal" rate 1 / (alpha (t0 + t)) and
// scikit-learn's t0 heuristic. With `average`, the reported coefficients
// are the running average of the iterates (ASGD), which settles much
// closer to the optimum than the last iterate.
//
// Memory: 2 K (d + 1) doubles (K = outputs) plus K scores, from the arena
// at init; partial_fit allocates nothing. The coefficients go straight into
// a ModelWriter::linear() spec, so a device can write its own model file.
#ifndef EMBER_SGD_H
#define EMBER_SGD_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/sgd_loss.h"

namespace ember {

struct SgdOptions {
  SgdLoss loss = SgdLoss::log;
  double alpha = 1e-4;  // L2 strength, > 0 (also sets the "optimal" rate)
  double eta0 = 0.01;   // squared loss: the initial rate of eta0 / t^(1/4)
  bool fit_intercept = true;
  bool average = true;
};

class SgdModel {
 public:
  // n_classes: 0 for regression (squared loss), 2 for binary (one output),
  // more for multinomial (one output per class; log loss).
  // Errors: invalid_argument (n_features 0, a loss that does not fit
  // n_classes, n_classes 1), bad_value (alpha <= 0 or eta0 <= 0 or not
  // finite), out_of_memory.
  Status init(Arena& arena, std::size_t n_features, std::uint32_t n_classes,
              const SgdOptions& options) noexcept;

  // One step on example (x, target): the value for regression, the class
  // code for classification; `weight` >= 0 scales the step. Errors:
  // shape_mismatch, bad_index (a class code out of range), bad_value
  // (non-finite x or target, or a negative weight).
  Status partial_fit(Span<const float> x, float target, float weight = 1.0f) noexcept;

  // The current (or averaged) coefficients: coef is outputs() x n_features,
  // row-major; intercept has outputs() values. Errors: shape_mismatch.
  Status coefficients(Span<float> coef, Span<float> intercept) const noexcept;

  std::uint32_t outputs() const noexcept { return outputs_; }
  std::uint64_t steps() const noexcept { return steps_; }

 private:
  SgdOptions options_;
  std::size_t d_ = 0;
  std::uint32_t outputs_ = 0;
  std::uint32_t n_classes_ = 0;
  std::uint64_t steps_ = 0;
  double t0_ = 0.0;
  Span<double> w_;      // outputs x (d + 1): each row's last entry is the intercept
  Span<double> avg_;    // the average of w over the steps
  Span<double> score_;  // outputs
};

}  // namespace ember

#endif  // EMBER_SGD_H
