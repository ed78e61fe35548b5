// Discretizer: cuts each numeric column into bins, as scikit-learn's
// KBinsDiscretizer (uniform, quantile or k-means edges). The result is the
// runtime's discretize step (ModelWriter::discretize): a value becomes the
// number of inner edges <= it, so bin 0 holds everything below the first
// inner edge and the last bin everything from the last one up (values
// outside the fitted range land in the end bins). Missing values (NaN) are
// ignored while fitting and stay missing at run time.
#ifndef EMBER_DISCRETIZER_H
#define EMBER_DISCRETIZER_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

enum class DiscretizeStrategy : std::uint8_t {
  uniform = 0,   // equal widths between the column's min and max
  quantile = 1,  // equal counts: NumPy percentiles at 0, 100/k, ..., 100
  kmeans = 2,  // 1-D k-means (Lloyd's, started from the uniform bins' centres); edges halfway between centres
};

struct DiscretizerOptions {
  std::uint32_t n_bins = 5;  // 2 .. 65536
  DiscretizeStrategy strategy = DiscretizeStrategy::quantile;
};

struct FittedDiscretizer {
  Span<std::uint32_t> n_edges;  // per column: inner edges (bins - 1); 0 = passed through
  Span<float> edges;            // every column's inner edges, strictly increasing, concatenated
};

// Fits on every row of x. Columns with skip[j] != 0 (an empty span skips
// none), constant columns and columns without a present value get no
// edges. As scikit-learn, an edge within 1e-8 of the one before it is
// dropped (repeated quantiles of a column with few values), so a column
// may get fewer bins than asked (a 0/1 column may get one: scikit-learn's
// warning "bins whose width are too small are removed"); edges that become
// equal when rounded to float are dropped too. The spans of *out come from
// `result`; `scratch` is given back.
// Errors: empty_input, shape_mismatch (skip), bad_value (an infinite
// value; n_bins or the strategy out of range), out_of_memory.
Status fit_discretizer(MatrixView<const float> x, Span<const std::uint8_t> skip,
                       const DiscretizerOptions& options, Arena& scratch, Arena& result,
                       FittedDiscretizer* out) noexcept;

}  // namespace ember

#endif  // EMBER_DISCRETIZER_H
