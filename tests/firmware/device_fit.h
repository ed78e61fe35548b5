// Training on the device: four trainers fitted on rows held in flash
// (device_data.h: 143 rows, 4 features, two classes), all in one static
// arena, each model written with ModelWriter into that arena, loaded with
// load_model and run. The same code runs on the host (host_fit_main.cpp),
// which writes the bytes and predictions the firmware (train_test.cpp) must
// reproduce.
//
//   scaler    RunningStats over the rows, one add() per row -> a standard
//             scaler: an affine step (offset mean, scale 1 / population std)
//             and a zero linear model, so the file's transform() is the
//             scaled row (predictions: the 4 scaled values)
//   logistic  fit_logistic_regression (L-BFGS), L2, C = 1, tol 1e-4, on the
//             rows standardised by the scaler file's transform(); the file
//             is the scaler's affine step and the logistic model
//   sgd       SgdModel, log loss, alpha = 1 / (C n) (the same objective per
//             row as the logistic regression), averaged, 20 epochs streamed
//             row by row in an order shuffled per epoch (Rng, seed 2026),
//             each row standardised by the scaler file on the way; the file
//             as the logistic one
//   tree      bin_data + fit_decision_tree, gini, max_depth 4, on the raw
//             rows; a single tree of class shares (aggregation mean)
//
// Classifier predictions are the two class probabilities. The scaler must
// run before logistic and sgd (they standardise with its file); fit_all()
// runs the four in order.
//
// Memory: one static arena of kArenaBytes. Each fit takes the free part of
// it as a child arena (so its peak is measured on its own), writes its file
// at the top of that and moves the file down to where the fit began once
// the fit's working memory is given back: at the end the arena holds the
// scaler's offset and scale and the four files, nothing else. No heap.
#ifndef EMBER_FIRMWARE_DEVICE_FIT_H
#define EMBER_FIRMWARE_DEVICE_FIT_H

#include <cstddef>
#include <cstdint>

#include "ember/base/status.h"

#ifndef EMBER_DEVICE_FIT_ARENA_BYTES
#define EMBER_DEVICE_FIT_ARENA_BYTES 65536
#endif

namespace ember::device_fit {

enum class Trainer : std::uint8_t { scaler = 0, logistic = 1, sgd = 2, tree = 3 };
constexpr std::size_t kTrainers = 4;

constexpr std::size_t kArenaBytes = EMBER_DEVICE_FIT_ARENA_BYTES;
constexpr std::size_t kPredictRows = 4;   // rows 0, n/4, n/2, 3n/4 of the data
constexpr std::size_t kPredictWidth = 4;  // floats per predicted row, at most

// The settings named above.
constexpr double kLogisticC = 1.0;
constexpr std::uint32_t kSgdEpochs = 20;
constexpr std::uint64_t kSgdShuffleSeed = 2026;
constexpr std::uint32_t kTreeMaxDepth = 4;

struct FitResult {
  bool done = false;            // fit() ran to the end
  Status status = Status::ok;   // of the first operation that failed
  const char* step = "";        // that operation ("fit_logistic_regression", ...)
  const unsigned char* bytes = nullptr;  // the model file, in the arena (8-aligned)
  std::uint32_t size = 0;                // its bytes
  // Peak arena bytes of the fit: the trainer's working memory and fitted
  // parameters (the scaler's offset and scale included), the rows it
  // standardises and the transform scratch; not the model file.
  std::uint32_t arena_bytes = 0;
  // Tree: what binning_arena_bytes() (the one *_bytes() query among these
  // trainers) promises bin_data() needs, and what bin_data() took; else 0.
  std::uint32_t binning_bound = 0;
  std::uint32_t binning_used = 0;
  std::uint32_t file_buffer = 0;  // bytes ModelWriter asked for to write the file
  // Logistic: solver iterations; sgd: steps; tree: internal nodes; scaler: rows added.
  std::uint32_t iterations = 0;
  bool converged = true;  // logistic: the solver met its tolerance
  // Classifiers: training rows whose predicted label (from the loaded file)
  // is the true class; scaler: 0.
  std::uint32_t correct = 0;
  std::uint32_t prediction_width = 0;  // floats per row in `predictions`
  float predictions[kPredictRows * kPredictWidth] = {};
};

// "scaler", "logistic", "sgd", "tree".
const char* trainer_name(Trainer t) noexcept;

// Empties the arena and forgets every result.
void reset() noexcept;

// Runs one trainer (see above; logistic and sgd need the scaler's result).
// Returns and records the status of the first failing operation.
Status fit(Trainer t) noexcept;

// reset(), then the four fits in order; the first failure ends it.
Status fit_all() noexcept;

const FitResult& result(Trainer t) noexcept;

// The rows the data holds and the row index of predictions[r].
std::size_t data_rows() noexcept;
std::size_t predict_row(std::size_t r) noexcept;

// The arena: its size, the bytes it holds now (scaler parameters and the
// files written so far), and the most it held at once (each fit's peak on
// top of what was kept before it, and the prediction scratch).
std::size_t arena_capacity() noexcept;
std::size_t arena_used() noexcept;
std::size_t arena_peak() noexcept;

// Names the field of an .ember file at byte `offset` (e.g. "LINR weights[2]",
// "PIPE step 0 affine scale[1]", "header crc32") into out[0, capacity),
// NUL-terminated, from the file's own section table; never reads outside
// bytes[0, size). Returns out.
const char* describe_offset(const unsigned char* bytes, std::size_t size, std::size_t offset, char* out,
                            std::size_t capacity) noexcept;

}  // namespace ember::device_fit

#endif  // EMBER_FIRMWARE_DEVICE_FIT_H
