// The integer inputs of a quantized model: per raw feature a zero point, a
// scale and a missing code (model_format.h, QINP), chosen from calibration
// rows or stated by the user.
//
// Rules (README, "Quantizing"):
// - from the calibration rows (the default): a numeric feature's range is
//   the min and max of its present calibration values (or the P and 100-P
//   percentiles), widened to include 0 because the format keeps the zero
//   point inside the int16 range; that range is mapped onto [-32767, 32767]:
//   scale = (high - low) / 65534, zero_point = round(-32767 - low / scale).
//   A column with no present value or a single value is refused (its range
//   says nothing: state its scale with --input-scale) when the model reads
//   the feature; a feature it does not read gets scale 1, zero point 0.
// - stated (--inputs int16, or --input-scale COL=S[,Z] for one column): the
//   sensor's scale S and zero point Z (default 0); a calibration value that
//   does not fit [-32767, 32767] at that scale is refused with its row.
// - categorical features: scale 1, zero point 0, q = the category code.
// Every feature's missing code is INT16_MIN (-32768).
#ifndef EMBER_HOST_QUANT_INPUTS_H
#define EMBER_HOST_QUANT_INPUTS_H

#include <cstdint>
#include <string>
#include <vector>

#include "ember/runtime/model_format.h"
#include "host/error.h"
#include "host/model_file.h"
#include "host/model_input.h"

namespace ember::host {

constexpr std::int32_t kQuantMin = -32767;      // the lowest value a present input takes
constexpr std::int32_t kQuantMax = 32767;       // the highest
constexpr std::int32_t kQuantMissing = -32768;  // INT16_MIN: missing

struct StatedScale {
  std::string column;
  double scale = 0.0;
  std::int32_t zero_point = 0;
};

struct InputScaleOptions {
  std::vector<char> read;   // per raw feature: the model reads it (empty: every one)
  bool native = false;      // --inputs int16: every numeric column needs a stated scale
  double percentile = 0.0;  // 0: min/max; P in (0, 50): the P and 100-P percentiles
  std::vector<StatedScale> stated;
};

struct QuantInputScales {
  std::vector<format::QuantInput> inputs;  // per raw feature, as QINP stores them
  std::vector<float> scale;                // per raw feature
  std::vector<std::int32_t> zero_point;
  std::vector<double> low, high;  // numeric: the calibration range the scale covers
  std::vector<std::string> rule;  // "min/max", "percentile 0.5", "stated", "category code"
  bool native = false;

  // The real value integer q stands for: float(q - zero_point) * scale as
  // the runtime computes it; NaN for the missing code.
  float real(std::size_t feature, std::int32_t q) const;
  // What quantize_row() gives for a float: zero_point + round(x / scale),
  // halves away from zero, clamped to [kQuantMin, kQuantMax]; NaN -> missing.
  std::int32_t quantize(std::size_t feature, float x) const;
};

// Chooses the scales for `lm`'s raw features from `calibration` (rows as
// read_model_input gives them). `path` names the calibration file in
// errors ("cal.csv: column 'temp' is constant (every present value is 5):
// ..."). A stated column that is not a numeric feature is an error.
bool choose_input_scales(const LoadedModel& lm, const ModelInput& calibration, const std::string& path,
                         const InputScaleOptions& options, QuantInputScales* out, Error* error);

// Tree models: a float input equal to a split threshold (tree thresholds
// are training values) must land, through quantize(), on an integer whose
// real value is not below the threshold, or it would go left where the
// float model sends it right. For each numeric feature scaled from its
// calibration range, this picks the smallest scale at least the chosen one
// (up to twice it: a decimal step 10^-d / n when every threshold is a
// multiple of 10^-d, else a search) for which every threshold of
// `thresholds[j]` does, and recomputes the zero point. Returns the number
// of thresholds no candidate could align (they keep the best candidate).
std::size_t align_scales_to_thresholds(const std::vector<std::vector<float>>& thresholds,
                                       QuantInputScales* s);

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_INPUTS_H
