// Training on the device in integers only: RunningStatsQ over the int16
// sensor rows in flash (device_data_q.h), the scaler as integer steps, and
// an SgdModelQ (binary log loss) streamed over the rows, each row
// standardised into Q11 just before its step (no standardised copy in RAM).
//
// Shared by the firmware image train_q_test (Cortex-M0/M3/M4 under QEMU),
// the host program device_fit_host and the host unit test test_sgd_q:
// device_fit_host --q-header writes what the host reaches into
// device_fit_q_expected.h at the firmware's build time, and train_q_test
// must reach it bit for bit (integer arithmetic: the same on every
// platform); test_sgd_q checks that the accuracy is within 1 point of the
// float SgdModel's on the same rows, order and alpha. Header only, no
// float: the M0 image that runs it links no soft-float routine (checked on
// the image, train_q_symbols).
#ifndef EMBER_FIRMWARE_DEVICE_FIT_Q_H
#define EMBER_FIRMWARE_DEVICE_FIT_Q_H

#include <cstddef>
#include <cstdint>

#include "device_data_q.h"
#include "ember/base/arena.h"
#include "ember/base/status.h"
#include "ember/running_stats_q.h"
#include "ember/sgd_q.h"

namespace ember::device_fit_q {

constexpr int kEpochs = 30;
constexpr std::uint32_t kAlphaQ32 = 4294967;  // round(1e-3 2^32)
constexpr unsigned kInputFracBits = 11;

struct FitQResult {
  Status status = Status::ok;
  const char* step = "";  // where it failed
  std::int32_t coef[device_data::kFeatures] = {};
  std::int32_t intercept = 0;
  ScaleQ scale[device_data::kFeatures] = {};
  std::uint32_t correct = 0;  // training rows right
  std::size_t arena_bytes = 0;
};

// Row k of epoch e: a fixed permutation per epoch (37 is prime to 143 =
// 11 x 13), so no random generator is linked.
inline std::size_t row_of(int epoch, std::size_t k) {
  return (37u * k + 11u * static_cast<std::size_t>(epoch)) % device_data::kRows;
}

inline const std::int16_t* raw_row(std::size_t i) { return device_data::kXq + i * device_data::kFeatures; }

inline FitQResult fail(FitQResult r, const char* step, Status s) {
  r.status = s;
  r.step = step;
  return r;
}

inline FitQResult fit(Arena& arena) {
  using device_data::kFeatures;
  using device_data::kRows;
  FitQResult r;
  const std::size_t before = arena.used();
  RunningStatsQ stats;
  Status s = stats.init(arena, kFeatures);
  for (std::size_t i = 0; s == Status::ok && i < kRows; ++i)
    s = stats.add(Span<const std::int16_t>(raw_row(i), kFeatures));
  if (s == Status::ok) s = stats.scaler(Span<ScaleQ>(r.scale, kFeatures));
  if (s != Status::ok) return fail(r, "scaler", s);
  SgdQOptions o;
  o.alpha_q32 = kAlphaQ32;
  o.input_frac_bits = kInputFracBits;
  SgdModelQ model;
  s = model.init(arena, kFeatures, 2, o);
  std::int16_t z[kFeatures];
  const Span<const ScaleQ> steps(r.scale, kFeatures);
  for (int e = 0; s == Status::ok && e < kEpochs; ++e) {
    for (std::size_t k = 0; s == Status::ok && k < kRows; ++k) {
      const std::size_t i = row_of(e, k);
      s = standardize_q(steps, Span<const std::int16_t>(raw_row(i), kFeatures), kInputFracBits,
                        Span<std::int16_t>(z, kFeatures));
      if (s == Status::ok) s = model.partial_fit(Span<const std::int16_t>(z, kFeatures), device_data::kY[i]);
    }
  }
  if (s == Status::ok)
    s = model.coefficients(Span<std::int32_t>(r.coef, kFeatures), Span<std::int32_t>(&r.intercept, 1));
  if (s != Status::ok) return fail(r, "sgd", s);
  for (std::size_t i = 0; i < kRows; ++i) {
    std::int32_t score = 0;
    s = standardize_q(steps, Span<const std::int16_t>(raw_row(i), kFeatures), kInputFracBits,
                      Span<std::int16_t>(z, kFeatures));
    if (s == Status::ok) {
      s = linear_scores_q(Span<const std::int32_t>(r.coef, kFeatures),
                          Span<const std::int32_t>(&r.intercept, 1), Span<const std::int16_t>(z, kFeatures),
                          kInputFracBits, Span<std::int32_t>(&score, 1));
    }
    if (s != Status::ok) return fail(r, "predict", s);
    r.correct += (score > 0 ? 1u : 0u) == device_data::kY[i] ? 1u : 0u;
  }
  r.arena_bytes = arena.used() - before;
  return r;
}

}  // namespace ember::device_fit_q

#endif  // EMBER_FIRMWARE_DEVICE_FIT_Q_H
