// Linear discriminant analysis as a supervised projection, as
// scikit-learn's LinearDiscriminantAnalysis(solver="svd").transform: the
// rows are centred on the overall mean and projected onto the directions
// that best separate the classes, scaled so that the pooled within-class
// covariance is the identity, strongest direction first. The result is the
// runtime's project step (ModelWriter::project): out = W x + b.
#ifndef EMBER_LDA_H
#define EMBER_LDA_H

#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// Fits on every row of x (no missing values) with class codes `y` (0 ..
// n_classes - 1, each class present at least once, n_classes >= 2) and
// writes n_components directions: weights (n_components x x.cols,
// row-major) and bias (n_components). n_components must be at least 1 and
// at most min(n_classes - 1, x.cols), and within the rank the data
// supports. The pooled within-class covariance is divided by rows -
// n_classes, as scikit-learn; directions whose within-class variance is
// below 1e-4 of the largest are dropped (its svd solver's tolerance), so a
// constant or duplicated column is harmless. Each direction's sign is
// fixed so that its largest weight is positive (scikit-learn's sign is
// whatever its SVD gives). `scratch` (about 4 x cols^2 doubles) is given
// back. Errors: empty_input, shape_mismatch, bad_value (NaN or infinite
// x; a class without rows; n_components out of range or beyond the rank),
// bad_index (a y that is not a code), out_of_memory.
Status fit_lda(MatrixView<const float> x, Span<const float> y, std::uint32_t n_classes,
               std::uint32_t n_components, Arena& scratch, Span<float> weights, Span<float> bias) noexcept;

}  // namespace ember

#endif  // EMBER_LDA_H
