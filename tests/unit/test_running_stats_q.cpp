// RunningStatsQ against a two-pass double computation and hand-computed
// cases; the scaler against RunningStats; limits and bad input as Status
// values; no heap.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ember/base/arena.h"
#include "ember/rng.h"
#include "ember/running_stats.h"
#include "ember/running_stats_q.h"
#include "ember/sgd_q_export.h"
#include "heap_guard.h"

using namespace ember;

TEST_CASE("RunningStatsQ: hand-computed mean, variance and scaler") {
  alignas(8) unsigned char buffer[256];
  Arena arena(buffer, sizeof buffer);
  RunningStatsQ s;
  REQUIRE(s.init(arena, 3) == Status::ok);
  const std::int16_t rows[3][3] = {{1, 0, 7}, {2, 0, 7}, {kMissingQ16, 1, 7}};
  for (const auto& r : rows) REQUIRE(s.add(Span<const std::int16_t>(r, 3)) == Status::ok);
  CHECK(s.count(0) == 2);
  CHECK(s.count(1) == 3);
  CHECK(s.mean_q16(0) == 98304);         // 1.5
  CHECK(s.variance_q32(0) == 1u << 30);  // 0.25 exactly
  CHECK(s.std_q16(0) == 32768);          // 0.5
  CHECK(s.mean_q16(1) == 21845);         // 1/3 = 21845.33 / 2^16
  // 2/9 = 954437176.9 / 2^32, within 4 units.
  CHECK(std::llabs(static_cast<long long>(s.variance_q32(1)) - 954437177) <= 4);
  CHECK(s.variance_q32(2) == 0);
  ScaleQ steps[3];
  REQUIRE(s.scaler(Span<ScaleQ>(steps, 3)) == Status::ok);
  // 1 / 0.5 = 2 = 2^30 2^(2 - 31).
  CHECK(steps[0].multiplier == 1 << 30);
  CHECK(steps[0].shift == 2);
  CHECK(steps[2].multiplier == 1 << 30);  // constant: scale 1
  CHECK(steps[2].shift == 1);
  CHECK(steps[2].offset_q16 == 7 * 65536);
  // As the float affine step of a model file (sgd_q_export.h).
  float offset[3], scale[3];
  REQUIRE(scale_q_to_float(Span<const ScaleQ>(steps, 3), Span<float>(offset, 3), Span<float>(scale, 3)) ==
          Status::ok);
  CHECK(offset[0] == 1.5f);
  CHECK(scale[0] == 2.0f);
  CHECK(offset[2] == 7.0f);
  CHECK(scale[2] == 1.0f);
  CHECK(scale_q_to_float(Span<const ScaleQ>(steps, 3), Span<float>(offset, 2), Span<float>(scale, 3)) ==
        Status::shape_mismatch);
  // Standardised in Q11: (1 - 1.5) * 2 = -1, (2 - 1.5) * 2 = 1, missing -> 0.
  std::int16_t out[3];
  const std::int16_t raw[3] = {1, kMissingQ16, 9};
  REQUIRE(standardize_q(Span<const ScaleQ>(steps, 3), Span<const std::int16_t>(raw, 3), 11,
                        Span<std::int16_t>(out, 3)) == Status::ok);
  CHECK(out[0] == -2048);
  CHECK(out[1] == 0);
  CHECK(out[2] == 2 * 2048);
}

namespace {

constexpr std::size_t kCols = 6, kRows = 5000;

// Columns of very different ranges: one near the int16 limits, one with
// missing values, one almost constant.
std::vector<std::int16_t> make_rows() {
  std::vector<std::int16_t> x(kRows * kCols);
  Rng rng(2026);
  for (std::size_t i = 0; i < kRows; ++i) {
    const double v[kCols] = {rng.normal(100.0, 15.0),        rng.normal(-20000.0, 9000.0),
                             rng.uniform(-32767.0, 32767.0), rng.normal(3.0, 1.0),
                             i % 1000 == 0 ? 1.0 : 0.0,      rng.normal(0.0, 300.0)};
    for (std::size_t j = 0; j < kCols; ++j) {
      x[i * kCols + j] = static_cast<std::int16_t>(std::fmax(-32767.0, std::fmin(32767.0, std::round(v[j]))));
    }
    if (i % 7 == 0) x[i * kCols + 3] = kMissingQ16;
  }
  return x;
}

}  // namespace

TEST_CASE("RunningStatsQ agrees with a two-pass double computation and with RunningStats") {
  const std::size_t cols = kCols, rows = kRows;
  const std::vector<std::int16_t> x = make_rows();
  alignas(8) unsigned char buffer[1024];
  Arena arena(buffer, sizeof buffer);
  RunningStatsQ q;
  RunningStats f;
  REQUIRE(q.init(arena, cols) == Status::ok);
  REQUIRE(f.init(arena, cols) == Status::ok);
  std::vector<float> row(cols);
  {
    ember::test::HeapGuard guard;
    for (std::size_t i = 0; i < rows; ++i) {
      REQUIRE(q.add(Span<const std::int16_t>(x.data() + i * cols, cols)) == Status::ok);
      for (std::size_t j = 0; j < cols; ++j) {
        const std::int16_t v = x[i * cols + j];
        row[j] = v == kMissingQ16 ? NAN : static_cast<float>(v);
      }
      REQUIRE(f.add(Span<const float>(row.data(), cols)) == Status::ok);
    }
    CHECK(guard.allocations() == 0);
  }
  ScaleQ steps[6];
  float offset[6], scale[6];
  REQUIRE(q.scaler(Span<ScaleQ>(steps, cols)) == Status::ok);
  REQUIRE(f.scaler(Span<float>(offset, cols), Span<float>(scale, cols)) == Status::ok);
  for (std::size_t j = 0; j < cols; ++j) {
    INFO("feature " << j);
    double n = 0, mean = 0, m2 = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      if (x[i * cols + j] == kMissingQ16) continue;
      mean += x[i * cols + j];
      n += 1;
    }
    mean /= n;
    for (std::size_t i = 0; i < rows; ++i) {
      if (x[i * cols + j] == kMissingQ16) continue;
      m2 += (x[i * cols + j] - mean) * (x[i * cols + j] - mean);
    }
    const double var = m2 / n;
    CHECK(q.count(j) == static_cast<std::uint32_t>(n));
    CHECK(std::fabs(q.mean_q16(j) / 65536.0 - mean) <= std::ldexp(1.0, -17) + 1e-12 * std::fabs(mean));
    CHECK(std::fabs(std::ldexp(static_cast<double>(q.variance_q32(j)), -32) - var) <=
          4 * std::ldexp(1.0, -32) + 1e-11 * var);
    // The scale as a real number, against 1 / std in double and RunningStats.
    const double s = std::ldexp(static_cast<double>(steps[j].multiplier), steps[j].shift - 31);
    CHECK(s == doctest::Approx(1.0 / std::sqrt(var)).epsilon(2e-5 / std::sqrt(var) + 1e-9));
    CHECK(s == doctest::Approx(scale[j]).epsilon(2e-5 / std::sqrt(var) + 1e-6));
    CHECK(std::fabs(steps[j].offset_q16 / 65536.0 - offset[j]) <=
          std::ldexp(1.0, -17) + 1e-6 * std::fabs(mean));
  }
  // Standardising a row agrees with (x - mean) / std in double within one
  // unit of Q11 plus the scale's relative error.
  std::int16_t out[6];
  for (std::size_t i = 0; i < rows; i += 97) {
    REQUIRE(standardize_q(Span<const ScaleQ>(steps, cols),
                          Span<const std::int16_t>(x.data() + i * cols, cols), 11,
                          Span<std::int16_t>(out, cols)) == Status::ok);
    for (std::size_t j = 0; j < cols; ++j) {
      const std::int16_t v = x[i * cols + j];
      if (v == kMissingQ16) {
        CHECK(out[j] == 0);
        continue;
      }
      const double z = (v - f.mean(j)) / std::sqrt(f.variance(j)) * 2048.0;
      const double expected = std::fmax(-32767.0, std::fmin(32767.0, z));
      CHECK(std::fabs(out[j] - expected) <= 1.0 + 1e-4 * std::fabs(expected));
    }
  }
}

TEST_CASE("RunningStatsQ refuses bad input and stops at its count limit") {
  alignas(8) unsigned char buffer[256];
  Arena arena(buffer, sizeof buffer);
  RunningStatsQ s;
  CHECK(s.init(arena, 0) == Status::invalid_argument);
  REQUIRE(s.init(arena, 2) == Status::ok);
  const std::int16_t r[3] = {1, 2, 3};
  CHECK(s.add(Span<const std::int16_t>(r, 3)) == Status::shape_mismatch);
  ScaleQ one[1];
  CHECK(s.scaler(Span<ScaleQ>(one, 1)) == Status::shape_mismatch);
  // Sums no int16 values can have.
  CHECK(s.restore(2, 1, 0, 0) == Status::bad_index);
  CHECK(s.restore(0, 2, 3 * 32767, 0) == Status::bad_value);
  CHECK(s.restore(0, 2, 0, 3ull * 32767 * 32767) == Status::bad_value);
  CHECK(s.restore(0, 2, 4, 7) == Status::bad_value);  // 2 * 7 < 4^2
  CHECK(s.restore(0, 2, 4, 8) == Status::ok);         // {2, 2}
  CHECK(s.variance_q32(0) == 0);
  // A feature at the count limit: the row is refused whole, and a missing
  // value there does not count.
  const std::int64_t n = RunningStatsQ::kMaxCount;
  REQUIRE(s.restore(0, RunningStatsQ::kMaxCount, 32767 * n, 32767ull * 32767 * RunningStatsQ::kMaxCount) ==
          Status::ok);
  CHECK(s.mean_q16(0) == 32767 * 65536);
  CHECK(s.variance_q32(0) == 0);
  CHECK(s.add(Span<const std::int16_t>(r, 2)) == Status::size_overflow);
  CHECK(s.count(1) == 0);
  const std::int16_t missing_first[2] = {kMissingQ16, 5};
  CHECK(s.add(Span<const std::int16_t>(missing_first, 2)) == Status::ok);
  CHECK(s.count(1) == 1);
  // Extremes at the limit: half the values -32767, half 32767 (variance
  // 32767^2), computed without overflow.
  const std::uint32_t half = 2147483647u;
  REQUIRE(s.restore(0, 2 * half, 0, 2ull * half * 32767 * 32767) == Status::ok);
  CHECK(s.mean_q16(0) == 0);
  CHECK(s.variance_q32(0) == (32767ull * 32767) << 32);
  CHECK(s.std_q16(0) == 32767u * 65536);
  ScaleQ steps[2];
  REQUIRE(s.scaler(Span<ScaleQ>(steps, 2)) == Status::ok);
  CHECK(std::ldexp(static_cast<double>(steps[0].multiplier), steps[0].shift - 31) ==
        doctest::Approx(1.0 / 32767).epsilon(1e-9));
  // standardize_q's own argument checks.
  std::int16_t out[2];
  CHECK(standardize_q(Span<const ScaleQ>(steps, 2), Span<const std::int16_t>(r, 2), 16,
                      Span<std::int16_t>(out, 2)) == Status::invalid_argument);
  CHECK(standardize_q(Span<const ScaleQ>(steps, 2), Span<const std::int16_t>(r, 3), 11,
                      Span<std::int16_t>(out, 2)) == Status::shape_mismatch);
  steps[1].multiplier = 5;
  CHECK(standardize_q(Span<const ScaleQ>(steps, 2), Span<const std::int16_t>(r, 2), 11,
                      Span<std::int16_t>(out, 2)) == Status::invalid_argument);
}
