// Scalers: the runtime's affine step, out = (x - offset) * scale, fitted per
// column as scikit-learn's StandardScaler, MinMaxScaler, RobustScaler and
// MaxAbsScaler. Missing values (NaN) are ignored while fitting, as there,
// and stay missing at run time.
#ifndef EMBER_SCALER_H
#define EMBER_SCALER_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class ScalerKind : std::uint8_t {
  standard = 0,  // offset mean, scale 1 / population std
  minmax = 1,    // maps [min, max] onto [range_min, range_max]
  robust = 2,    // offset median, scale 1 / (q_high - q_low) percentiles
  maxabs = 3,    // offset 0, scale 1 / max |x|
};

struct ScalerOptions {
  ScalerKind kind = ScalerKind::standard;
  double range_min = 0.0, range_max = 1.0;  // minmax: feature_range, range_min < range_max
  double quantile_low = 25.0,
         quantile_high = 75.0;  // robust: quantile_range in percent, 0 <= low < high <= 100
};

// Fits offset and scale (x.cols each) on every row of x. Columns with
// skip[j] != 0 (one-hot or categorical columns; an empty span skips none)
// and columns without a present value get offset 0 and scale 1. A spread
// of zero (a constant column) gives scale 1, as scikit-learn.
// Errors: empty_input, shape_mismatch (skip, offset, scale), bad_value (an
// infinite value, options out of range), out_of_memory (`scratch`: one
// column of floats for the robust scaler; given back).
Status fit_scaler(MatrixView<const float> x, Span<const std::uint8_t> skip, const ScalerOptions& options,
                  Arena& scratch, Span<float> offset, Span<float> scale) noexcept;

}  // namespace ember

#endif  // EMBER_SCALER_H
