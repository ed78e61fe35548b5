// MatrixView<T>: a non-owning view of a dense row-major matrix with a row
// stride (in elements), e.g. MatrixView<const float> for a batch of rows.
//
// Element (r, c) lives at data[r * stride + c]; stride >= cols lets a view
// address a block of a wider matrix. Indexing is unchecked; `make` checks a
// view against the buffer it is built on.
#ifndef EMBER_MATRIX_VIEW_H
#define EMBER_MATRIX_VIEW_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

template <class T>
struct MatrixView {
  T* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  // A view of `rows x cols` elements of `buffer` with the given row stride.
  // Errors: invalid_argument (stride < cols), size_overflow, out_of_bounds
  // (the last row would end past the buffer).
  static Status make(Span<T> buffer, std::size_t rows, std::size_t cols, std::size_t stride,
                     MatrixView* out) noexcept {
    if (stride < cols) return Status::invalid_argument;
    if (rows == 0 || cols == 0) {
      *out = MatrixView{buffer.data(), rows, cols, stride};
      return Status::ok;
    }
    if (rows - 1 > SIZE_MAX / stride) return Status::size_overflow;
    const std::size_t head = (rows - 1) * stride;
    if (head > SIZE_MAX - cols) return Status::size_overflow;
    if (head + cols > buffer.size()) return Status::out_of_bounds;
    *out = MatrixView{buffer.data(), rows, cols, stride};
    return Status::ok;
  }

  Span<T> row(std::size_t r) const noexcept { return Span<T>(data + r * stride, cols); }
  T& operator()(std::size_t r, std::size_t c) const noexcept { return data[r * stride + c]; }
  // A read-only view of the same elements.
  operator MatrixView<const T>() const noexcept { return MatrixView<const T>{data, rows, cols, stride}; }
};

}  // namespace ember

#endif  // EMBER_MATRIX_VIEW_H
