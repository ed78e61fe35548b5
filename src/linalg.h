// Small dense linear algebra for the trainers: symmetric positive definite
// solves and symmetric eigendecompositions on row-major double matrices the
// caller owns. Plain loops in a fixed order (no FMA contraction), so results
// are the same bits on every platform.
#ifndef EMBER_SRC_LINALG_H
#define EMBER_SRC_LINALG_H

#include <cstddef>

namespace ember::linalg {

// Solves A x = b for symmetric positive definite A (d x d, row-major; only
// the lower triangle is read and it is overwritten by the Cholesky factor).
// b is overwritten by x. Returns false when a pivot is not positive (A is
// not positive definite to working precision); A and b are then garbage.
bool cholesky_solve(double* a, std::size_t d, double* b) noexcept;

// Eigendecomposition of symmetric A (d x d, row-major, both triangles set;
// destroyed) by cyclic Jacobi rotations: A = V diag(values) V^T with V's
// columns the eigenvectors (V row-major d x d). Converges quadratically;
// stops when the off-diagonal mass is negligible or after 64 sweeps.
void symmetric_eigen(double* a, std::size_t d, double* v, double* values) noexcept;

// x = A^+ b for symmetric positive semi-definite A given as V, values (from
// symmetric_eigen): eigenvalues at most `relative_cutoff` times the largest
// count as zero, which gives the minimum-norm least-squares solution.
// `work` holds d doubles.
void pseudo_inverse_solve(const double* v, const double* values, std::size_t d, const double* b,
                          double relative_cutoff, double* work, double* x) noexcept;

}  // namespace ember::linalg

#endif  // EMBER_SRC_LINALG_H
