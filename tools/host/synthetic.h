// Synthetic tabular data for tests and benchmarks: binary, multiclass or
// regression tasks of any size, made only from a seed (no downloads), and
// the same on every platform.
//
// Features are standard normal, neighbours mildly correlated; a few may be
// categorical (8 levels). The target follows a hidden concept drawn from
// the seed: a linear part, pairwise interactions and step functions, so
// that both linear models and trees have something to learn and trees can
// do better. Binary labels are drawn from the logistic of the concept,
// multiclass labels are the argmax of one concept per class plus Gumbel
// noise, and regression adds Gaussian noise. Values can be left missing
// at random after the target is made.
#ifndef EMBER_HOST_SYNTHETIC_H
#define EMBER_HOST_SYNTHETIC_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/error.h"

namespace ember::host {

enum class SynthTask { binary, multiclass, regression };

struct SynthOptions {
  SynthTask task = SynthTask::binary;
  std::size_t rows = 1000;
  std::size_t features = 10;
  std::uint32_t classes = 3;    // multiclass: 3..255
  std::size_t categorical = 0;  // the last this many features are categorical
  double missing = 0.0;         // share of feature values left missing, [0, 1)
  std::uint64_t seed = 0;
};

struct SynthData {
  std::size_t rows = 0, features = 0;
  std::vector<std::string> names;           // f0, f1, ...
  std::vector<std::uint32_t> n_categories;  // per feature, 0 = numeric
  std::vector<float> x;                     // rows x features, row-major; NaN = missing; categories as codes
  std::vector<float> y;                     // values, or class codes 0..classes-1
  std::uint32_t classes = 0;                // 0 for regression
};

// Checks the options; false with a message naming the option.
bool check_synth_options(const SynthOptions& options, std::string* error);

// Checks the options; on success fills *out (in memory: rows x features
// must stay below 2^31). Errors name the option.
bool make_synthetic(const SynthOptions& options, SynthData* out, std::string* error);

// Writes the data as CSV (features, then a column "target"; categories as
// "c0".."c7", classes as "class0"...), atomically.
bool write_synthetic_csv(const SynthData& data, const std::string& path, Error* error);

// Streams the data set of `options` to `path` as the same CSV, row by row:
// memory does not grow with the rows (about 1 MiB of text at a time), and
// the file appears whole or not at all (temporary + rename). The bytes
// equal make_synthetic + write_synthetic_csv's.
bool write_synthetic_csv(const SynthOptions& options, const std::string& path, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_SYNTHETIC_H
