// Training on the device in integers, proven there: runs device_fit_q.h's
// fit (RunningStatsQ scaler + SgdModelQ, binary log loss, 30 epochs over
// the 143 int16 rows in flash) in one static arena and compares the scaler
// steps, the coefficients, the intercept and the training rows right bit
// for bit with what the host reached from the same code
// (device_fit_q_expected.h, generated at build time by the host build's
// device_fit_host --q-header; test_sgd_q checks the host's accuracy against
// the float SgdModel). Prints the results, the arena bytes and the stack
// the fit used. Returns 1 when the fit fails or any value differs. No float anywhere: on the M0 the linked
// image holds no soft-float routine (train_q_symbols, check_no_float.cmake).
#include <stdint.h>

#include "device_fit_q.h"
#include "device_fit_q_expected.h"
#include "semihost.h"
#include "stack_paint.h"

#ifndef EMBER_FIRMWARE_MACHINE
#define EMBER_FIRMWARE_MACHINE "unknown"
#endif

namespace q = ember::device_fit_q;
namespace expected = ember::device_fit_q::expected;

static_assert(expected::kFeatures == ember::device_data::kFeatures,
              "device_fit_q_expected.h is of these rows");

namespace {

alignas(8) unsigned char g_arena[512];

void say(const char* before, uint32_t value, const char* after) {
  sh_write(before);
  sh_write_u32(value);
  sh_write(after);
}

// Two's complement bits of a signed value, so that negatives print exactly.
void say_signed(const char* before, int32_t value) {
  sh_write(before);
  if (value < 0) {
    sh_write("-");
    sh_write_u32(0u - static_cast<uint32_t>(value));
  } else {
    sh_write_u32(static_cast<uint32_t>(value));
  }
}

}  // namespace

int main() {
  say("train_q_test on " EMBER_FIRMWARE_MACHINE ": ", static_cast<uint32_t>(ember::device_data::kRows),
      " int16 rows in flash, ");
  say("arena ", static_cast<uint32_t>(sizeof g_arena), " B, ");
  say("stack ", stack_size(), " B\n");
  ember::Arena arena(g_arena, sizeof g_arena);
  stack_paint();
  const q::FitQResult r = q::fit(arena);
  const uint32_t stack = stack_used();
  if (r.status != ember::Status::ok) {
    sh_write("FAILED at ");
    sh_write(r.step);
    sh_write("\n");
    return 1;
  }
  int failures = 0;
  int scale_differ = 0;
  for (std::size_t j = 0; j < ember::device_data::kFeatures; ++j) {
    const ember::ScaleQ& d = r.scale[j];
    const ember::ScaleQ& h = expected::kScale[j];
    scale_differ +=
        d.offset_q16 != h.offset_q16 || d.multiplier != h.multiplier || d.shift != h.shift ? 1 : 0;
  }
  failures += scale_differ;
  int coef_differ = 0;
  sh_write("coefficients (Q20):");
  for (std::size_t j = 0; j < ember::device_data::kFeatures; ++j) {
    say_signed(" ", r.coef[j]);
    coef_differ += r.coef[j] != expected::kCoef[j] ? 1 : 0;
  }
  say_signed(", intercept ", r.intercept);
  coef_differ += r.intercept != expected::kIntercept ? 1 : 0;
  failures += coef_differ;
  say(", training rows right ", r.correct, "");
  failures += r.correct != expected::kCorrect ? 1 : 0;
  say(", arena ", static_cast<uint32_t>(r.arena_bytes), " B");
  say(", stack ", stack, " B\n");
  if (scale_differ != 0)
    say("  scaler steps: ", static_cast<uint32_t>(scale_differ), " of the host's DIFFER\n");
  if (coef_differ != 0) {
    sh_write("  DIFFER: the host's coefficients (Q20):");
    for (std::size_t j = 0; j < ember::device_data::kFeatures; ++j) say_signed(" ", expected::kCoef[j]);
    say_signed(", intercept ", expected::kIntercept);
    sh_write("\n");
  }
  if (r.correct != expected::kCorrect)
    say("  DIFFER: the host's training rows right ", expected::kCorrect, "\n");
  if (stack >= stack_size()) {
    sh_write("FAILED: the stack overflowed\n");
    ++failures;
  }
  sh_write(failures == 0 ? "ok: the integer fit is bit-identical to the host's\n"
                         : "not ok: differs from the host\n");
  return failures == 0 ? 0 : 1;
}
