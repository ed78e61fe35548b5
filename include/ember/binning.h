// Binning: features mapped to small integer codes for histogram-based tree
// training (as LightGBM and XGBoost's hist method do).
//
// A numeric feature gets up to max_bins bins at quantiles of its distinct
// values (of at most `subsample` rows drawn at random, as scikit-learn's
// HistGradientBoosting and LightGBM do: quantiles of 200,000 rows are as
// good as of all, and sorting all would dominate a big fit); bin b holds
// the values in [edge[b-1], edge[b]), with the edges actual data values,
// so a split "bin <= b goes left" is exactly the runtime's "x < edge[b]
// goes left" on float inputs. A categorical feature with k categories
// (k <= max_bins) uses its code as the bin. Missing values (NaN, and
// unknown category codes) get the code kMissingBin, and every split
// learns which side they go to.
//
// Memory comes from the caller's arena: binning_arena_bytes() tells how
// much bin_data() needs for a data shape.
#ifndef EMBER_BINNING_H
#define EMBER_BINNING_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/executor.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

constexpr std::uint8_t kMissingBin = 255;
constexpr std::uint32_t kMaxBins = 255;

struct BinOptions {
  std::uint32_t max_bins = 255;        // 2..255 value bins per feature
  std::size_t subsample = 200000;      // rows the edges come from (0: all); every row is binned
  std::uint64_t seed = 0;              // draws that subsample
  const Executor* executor = nullptr;  // optional: features binned in parallel, same result
};

// How one feature maps to bins.
struct FeatureBins {
  std::uint32_t n_bins = 0;      // value bins (codes 0..n_bins-1); 0 for a feature with no values
  bool categorical = false;      // bins are category codes
  const float* edges = nullptr;  // numeric: n_bins - 1 boundaries, strictly increasing
};

// The binning of every feature, and the binned data (column-major codes).
struct BinnedData {
  std::size_t n_rows = 0;
  std::size_t n_features = 0;
  Span<FeatureBins> features;
  Span<std::uint8_t> codes;  // n_features x n_rows: feature j's codes at j * n_rows

  const std::uint8_t* column(std::size_t j) const noexcept { return codes.data() + j * n_rows; }
  // The float threshold of the split "bin <= b goes left" on numeric feature j.
  float threshold(std::size_t j, std::uint32_t b) const noexcept { return features[j].edges[b]; }
};

// Upper bound of the arena bytes that bin_data() takes for this shape
// (without an executor; with one, a float more per worker for each row
// the edges come from).
std::size_t binning_arena_bytes(std::size_t n_rows, std::size_t n_features,
                                const BinOptions& options) noexcept;

// Bins the rows of `x` (NaN = missing). n_categories (one per feature, 0 =
// numeric) marks categorical features; one with more than max_bins
// categories is refused (bad_value) rather than silently merged. Errors:
// shape_mismatch, bad_value (max_bins outside 2..255, an infinite value),
// empty_input, out_of_memory. Everything it allocates stays in `arena` and
// is referenced by *out.
Status bin_data(MatrixView<const float> x, Span<const std::uint32_t> n_categories, const BinOptions& options,
                Arena& arena, BinnedData* out) noexcept;

// Bins the rows of `x` with the bins of `reference` (the training data's),
// as a validation set must be. *out shares reference's FeatureBins (keep
// it alive); its codes are allocated in `arena`. Errors: shape_mismatch
// (another number of features), empty_input, bad_value (an infinite
// value), out_of_memory.
Status bin_like(const BinnedData& reference, MatrixView<const float> x, Arena& arena,
                BinnedData* out) noexcept;

}  // namespace ember

#endif  // EMBER_BINNING_H
