// Encoders for categorical columns (codes 0..k-1 as floats, NaN missing):
// one-hot with an "infrequent" bucket, as scikit-learn's OneHotEncoder
// (max_categories, min_frequency), and target (mean) encoding, as its
// TargetEncoder. Both become runtime steps: one-hot is an optional ordinal
// remap (merging infrequent codes) followed by the one_hot step; a target
// encoding is an ordinal step whose values are the encodings.
#ifndef EMBER_ENCODER_H
#define EMBER_ENCODER_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// Where a code never seen in training goes (scikit-learn's handle_unknown).
enum class UnknownCategory : std::uint8_t {
  zeros = 0,       // "ignore": every output column 0
  error = 1,       // "error": the runtime returns unknown_category
  infrequent = 2,  // "infrequent_if_exist": the infrequent column, else zeros
};

struct OneHotOptions {
  // At most this many output columns per feature, the infrequent one
  // included (0: no limit, else >= 2). The least frequent categories merge
  // first; among equal counts, the lower codes (scikit-learn's stable
  // argsort of the counts).
  std::uint32_t max_categories = 0;
  // Categories seen fewer times than this are infrequent (0 or 1: none).
  std::uint32_t min_frequency = 0;
  UnknownCategory unknown = UnknownCategory::zeros;
};

struct FittedOneHot {
  Span<std::uint32_t> n_out;  // per column: output columns (0 for a numeric column)
  // Per column j with n_categories[j] = k > 0, k entries: the output column
  // of each code (kept categories in code order, then the infrequent one).
  Span<float> remap;
  Span<float> unknown;  // per column: the output column of an unknown code (n_out[j]: none)
  // Per column: 1 when its last output column is the infrequent bucket
  // (which may hold a single category), else 0.
  Span<std::uint8_t> infrequent;
  bool merges = false;  // some column has an infrequent bucket, so the remap step is needed
};

// Counts the codes of every categorical column (n_categories[j] > 0) over
// the rows of x. Unlike scikit-learn, a category absent from the rows keeps
// its column (all zeros in training) unless min_frequency or
// max_categories makes it infrequent, so the output width depends only on
// the schema and the counts. Spans of *out come from `result`.
// Errors: empty_input, shape_mismatch, bad_index (a value that is not a
// code below n_categories[j]), bad_value (max_categories == 1, an unknown
// option), out_of_memory.
Status fit_one_hot(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                   const OneHotOptions& options, Arena& result, FittedOneHot* out) noexcept;

struct TargetEncoderOptions {
  // The weight of the overall mean against a category's own: encoding =
  // (sum of y in the category + smooth * mean) / (count + smooth). A
  // negative value is scikit-learn's smooth="auto" (an empirical Bayes
  // weight from the category's and the overall variance).
  double smooth = -1.0;
};

// Per categorical column, per code: the smoothed mean of `target` (a
// regression value, or 0/1 for a binary class) over the rows of x with that
// code (rows with a missing target are not allowed; rows with a missing
// code are skipped); a code never seen gets the overall mean, as does
// `unknown[j]`. `values` holds sum(n_categories) entries; numeric columns
// have none. `scratch` (3 doubles per code of the widest column) is given
// back. Errors: empty_input, shape_mismatch, bad_index, bad_value (a
// non-finite target or smooth), out_of_memory.
Status fit_target_encoder(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                          Span<const float> target, const TargetEncoderOptions& options, Arena& scratch,
                          Span<float> values, Span<float> unknown) noexcept;

// The training rows' encodings, fitted out of fold as scikit-learn's
// fit_transform does, so that no row's own target leaks into its value:
// rows go to `folds` folds by kfold with a shuffle from `seed` (folds.h), and each row's
// categorical values are encoded with the encodings fitted on the other
// folds; numeric columns are copied. `out` is x.rows x x.cols.
// Errors: as fit_target_encoder, plus bad_value (folds < 2 or > rows).
Status target_encode_out_of_fold(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                                 Span<const float> target, const TargetEncoderOptions& options,
                                 std::uint32_t folds, std::uint64_t seed, Arena& scratch,
                                 MatrixView<float> out) noexcept;

}  // namespace ember

#endif  // EMBER_ENCODER_H
