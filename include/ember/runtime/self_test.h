// Self-test: run a model's golden vectors (its optional GOLD section) on the
// device and check every output bit for bit against what the host computed.
//
// The host tools (`ember train --golden N`, `ember export-c --golden N`)
// store N raw input rows and the host runtime's raw scores, probabilities
// and label for each. A device that calls self_test() after load_model()
// proves that its build of the runtime (compiler, flags, FPU, libm-free
// portable math) gives the very same bits as the host: a check worth running
// once at boot or in production test.
//
// load_model() skips GOLD like any optional section, so self_test() verifies
// the section itself, strictly: a corrupt or inconsistent GOLD section gives
// a Status, never a read outside the model's bytes. No heap, no globals; the
// outputs go to small local storage or to the caller's scratch (see
// self_test_scratch_bytes). Stack: self_test's own frame (184 bytes on a
// Cortex-M0 and on an M3/M4 with arm-none-eabi-gcc -Os: the float and the
// integer replays) on top of predict()'s or predict_q()'s.
#ifndef EMBER_SELF_TEST_H
#define EMBER_SELF_TEST_H

#include <cstddef>
#include <cstdint>

#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"

namespace ember {

// A verified view of a model's GOLD section; the pointers point into the
// model's bytes.
struct GoldenVectors {
  std::uint32_t n_rows = 0;
  std::uint32_t n_features = 0;     // floats per row (the model's n_features)
  std::uint32_t n_raw = 0;          // raw scores per row (n_outputs)
  std::uint32_t n_proba = 0;        // probabilities per row (n_classes; 0 for regression)
  const float* rows = nullptr;      // [n_rows][n_features]
  const float* expected = nullptr;  // [n_rows][n_raw + n_proba + 1]: raw, probabilities, label
};

// Finds and verifies the model's GOLD section. Errors: invalid_argument (an
// empty Model), section_not_found (no GOLD section), out_of_bounds (the
// section leaves the file, is shorter than its header, or declares more
// rows than it holds, however large n_rows is), bad_section (two GOLD
// sections, a misaligned one, or bytes left after the declared rows),
// shape_mismatch (widths that disagree with the model), bad_value (0 rows,
// reserved fields not zero).
Status golden_vectors(const Model& model, GoldenVectors* golden) noexcept;

// A verified view of an integer model's QGLD section (1.2): int16 rows and
// the exact int32 outputs of predict_q.
struct QuantGoldenVectors {
  std::uint32_t n_rows = 0;
  std::uint32_t n_features = 0;
  std::uint32_t n_raw = 0;
  std::uint32_t n_proba = 0;
  const std::int16_t* rows = nullptr;      // [n_rows][n_features]
  const std::int32_t* expected = nullptr;  // [n_rows][n_raw + n_proba + 1]: raw, probabilities, label
};

// Finds and verifies the model's QGLD section, with the errors of
// golden_vectors() (and bad_value for non-zero padding after the rows).
Status quant_golden_vectors(const Model& model, QuantGoldenVectors* golden) noexcept;

constexpr std::uint32_t kSelfTestNoRow = 0xFFFFFFFFu;

struct SelfTestResult {
  Status status = Status::ok;                    // what self_test returned
  std::uint32_t rows = 0;                        // rows stored in the GOLD section
  std::uint32_t rows_checked = 0;                // rows whose every output matched
  std::uint32_t first_bad_row = kSelfTestNoRow;  // the row that failed, or kSelfTestNoRow
  Output first_bad_output = Output::raw;         // which output of that row failed
};

// Outputs that self_test keeps on its own stack; a model whose largest
// output (raw scores or probabilities) is wider takes them from the scratch.
constexpr std::size_t kSelfTestInlineFloats = 4;

// Scratch bytes self_test() needs: scratch_bytes(model) when every output
// fits kSelfTestInlineFloats floats (regression, binary, up to 4 classes),
// else that plus room for the widest output.
std::size_t self_test_scratch_bytes(const Model& model) noexcept;

// An integer model with a QGLD section runs predict_q() on its rows and
// compares the int32 outputs exactly; otherwise (a float model, or an
// integer one with only GOLD) the following holds.
// Runs predict() on every golden row for each output the model has (raw,
// probability when it has classes, label) and compares the float bits with
// the stored ones (memcmp; NaN compares by its bits too). Stops at the first
// row that fails. Returns (and stores in *result, which may be null): ok when
// every row matched; self_test_mismatch at the first differing output; a
// predict() error if a row cannot be predicted; invalid_argument when the
// scratch is smaller than self_test_scratch_bytes(model); and the errors of
// golden_vectors() (section_not_found when there is no GOLD section).
Status self_test(const Model& model, Span<unsigned char> scratch, SelfTestResult* result) noexcept;

}  // namespace ember

#endif  // EMBER_SELF_TEST_H
