#include <doctest/doctest.h>

#include <cstdint>

#include "ember/base/matrix_view.h"

using ember::MatrixView;
using ember::Status;

TEST_CASE("a matrix view addresses rows through the stride") {
  // A 3x4 buffer viewed as its left 3x2 block.
  float buffer[12] = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
  MatrixView<float> m;
  REQUIRE(MatrixView<float>::make(ember::Span<float>(buffer), 3, 2, 4, &m) == Status::ok);
  CHECK(m(1, 1) == 11);
  CHECK(m(2, 0) == 20);
  CHECK(m.row(2).size() == 2);
  CHECK(m.row(2)[1] == 21);
  m(0, 1) = 5;
  CHECK(buffer[1] == 5);
  MatrixView<const float> read_only = m;
  CHECK(read_only(0, 1) == 5);
}

TEST_CASE("make refuses views that do not fit their buffer") {
  float buffer[12] = {};
  ember::Span<float> span(buffer);
  MatrixView<float> m;
  CHECK(MatrixView<float>::make(span, 3, 4, 3, &m) == Status::invalid_argument);  // stride < cols
  CHECK(MatrixView<float>::make(span, 4, 3, 3, &m) == Status::ok);                // exactly 12
  CHECK(MatrixView<float>::make(span, 4, 3, 4, &m) == Status::out_of_bounds);     // needs 15
  CHECK(MatrixView<float>::make(span, 3, 4, 5, &m) == Status::out_of_bounds);     // needs 14
  CHECK(MatrixView<float>::make(span, SIZE_MAX, 2, SIZE_MAX / 2, &m) == Status::size_overflow);
  CHECK(MatrixView<float>::make(span, 0, 4, 4, &m) == Status::ok);
}
