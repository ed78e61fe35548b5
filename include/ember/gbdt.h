// Gradient-boosted trees on binned data, as XGBoost's and LightGBM's
// histogram methods: each round fits a tree to the gradients g and
// hessians h of the loss at the current scores, with
//   gain  = 1/2 [T(G_L)^2 / (H_L + lambda) + T(G_R)^2 / (H_R + lambda)
//                - T(G)^2 / (H + lambda)] - gamma
//   leaf  = -learning_rate T(G) / (H + lambda),   T(G) = sign(G) max(|G| - alpha, 0)
// (XGBoost's reg_lambda, reg_alpha, gamma). Every split learns where missing
// values go; categorical features split by a subset of categories ordered by
// G / H. Trees grow depth-wise to max_depth, or leaf-wise (best gain first)
// to max_leaves.
//
// Objectives: squared error, absolute error and huber (regression), binary
// log loss (one score, the logistic link), softmax (one tree per class per
// round). Scores start from the weighted average (the mean, the log-odds,
// the log class shares) or, for absolute error and huber, the weighted
// median. Absolute error grows each tree on the signs of the residuals and
// then sets every leaf to the weighted median of its rows' residuals (times
// the learning rate), as scikit-learn and LightGBM do; huber clips the
// residual at delta, fixed (LightGBM's huber) or a quantile of the current
// absolute residuals (scikit-learn's).
//
// Each round may see a random share of the rows (subsample, drawn without
// replacement per row), each tree a random share of the features
// (colsample_bytree) and each split a share of those (colsample_bynode).
// With a validation set, the validation loss is computed every round and,
// with early_stopping_rounds, training stops once that many rounds pass
// without a lower loss; the model keeps the rounds up to the best one.
//
// Threads: with an Executor, histograms and split searches run one feature
// per task and gradients in fixed blocks of rows; the trees are the same
// bytes for any number of workers.
//
// Deterministic: the same data and options give the same trees on every
// platform. Working memory comes from `scratch` and is given back; the
// trees live in `result`.
#ifndef EMBER_GBDT_H
#define EMBER_GBDT_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/executor.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class GbdtObjective : std::uint8_t {
  squared_error = 0,
  binary_logloss = 1,
  softmax = 2,
  absolute_error = 3,
  huber = 4,
};

struct GbdtOptions {
  GbdtObjective objective = GbdtObjective::binary_logloss;
  std::uint32_t n_estimators = 100;  // boosting rounds
  double learning_rate = 0.1;
  std::uint32_t max_depth = 6;    // 0: no limit (then max_leaves should be set)
  std::uint32_t max_leaves = 0;   // 0: depth-wise growth; else leaf-wise to this many leaves
  double lambda_l2 = 1.0;         // reg_lambda
  double lambda_l1 = 0.0;         // reg_alpha
  double min_split_gain = 0.0;    // gamma
  double min_child_weight = 1.0;  // minimum hessian sum in a child
  std::uint32_t min_data_in_leaf = 1;
  // huber: residuals beyond delta (target units) count linearly. 0: each
  // round, delta is the huber_quantile of the rows' absolute residuals
  // (scikit-learn's GradientBoostingRegressor, alpha = 0.9).
  double huber_delta = 0.0;
  double huber_quantile = 0.9;
  double subsample = 1.0;         // (0, 1]: chance of each row to be in a round's sample
  double colsample_bytree = 1.0;  // (0, 1]: share of the features a tree may use (at least one)
  double colsample_bynode = 1.0;  // (0, 1]: share of the tree's features tried per split
  // With a validation set: stop after this many rounds without a lower
  // validation loss (0: train every round, still reporting the loss).
  std::uint32_t early_stopping_rounds = 0;
  // LightGBM 4's use_quantized_grad: splits are searched on gradients and
  // hessians stochastically rounded (unbiased, seeded) to 64 steps of the
  // round's largest |g| and h and summed as exact integers, one add per
  // feature-row (a fit of 1M x 28 ran 1.2-1.4x faster); the leaf values
  // are then computed from the exact gradients. Trees differ slightly
  // from the exact ones; accuracy is the same within noise.
  bool quantized_gradients = false;
  std::uint64_t seed = 0;              // draws for subsample and colsample
  const Executor* executor = nullptr;  // optional; results do not depend on it
  // Optional: called after each round trained with (context, rounds
  // trained, n_estimators), e.g. for a progress bar; it cannot change the
  // fit. A plain function pointer, so C and firmware can pass one.
  void (*on_round)(void* context, std::uint32_t done, std::uint32_t total) = nullptr;
  void* on_round_context = nullptr;
};

// A held-out set, binned with the training data's bins (bin_like).
struct GbdtValidation {
  const BinnedData* data = nullptr;
  Span<const float> target;         // as fit_gbdt's target
  Span<const float> sample_weight;  // optional
};

struct GbdtModel {
  Span<FittedTree> trees;      // rounds x outputs, round by round
  Span<std::uint32_t> output;  // the score each tree adds to
  Span<float> base_score;      // per output
  std::uint32_t outputs = 1;
  std::uint32_t rounds = 0;      // rounds kept (up to the best one with early stopping)
  std::uint32_t rounds_run = 0;  // rounds trained
  Span<double> validation_loss;  // per round trained; empty without a validation set
};

// The validation loss: mean squared error, mean absolute error, mean huber
// loss, log loss or multiclass log loss (weighted means).
//
// Fits on every row of `data`: `target` holds values (regression
// objectives) or class codes as floats (binary: 0/1, softmax:
// 0..n_classes-1). `sample_weight` is optional (n, >= 0). If `importance`
// is given (spans of n_features) it is added to (gain, split count) for the
// kept trees.
// Errors: shape_mismatch, bad_value (objective vs n_classes, non-finite
// targets, options out of range), bad_index, empty_input, out_of_memory,
// invalid_argument (the same arena twice).
Status fit_gbdt(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                Span<const float> sample_weight, const GbdtOptions& options, Arena& scratch, Arena& result,
                GbdtModel* out, Importance* importance = nullptr,
                const GbdtValidation* validation = nullptr) noexcept;

}  // namespace ember

#endif  // EMBER_GBDT_H
