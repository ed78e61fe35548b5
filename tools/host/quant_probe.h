// What quantizing needs to know about a float model's pipeline: which raw
// features each column the model reads is computed from (a static reading
// of the steps), and the pipeline itself run through the runtime's
// transform() on rows the quantizer makes up.
#ifndef EMBER_HOST_QUANT_PROBE_H
#define EMBER_HOST_QUANT_PROBE_H

#include <cstdint>
#include <string>
#include <vector>

#include "ember/runtime/model.h"

namespace ember::host {

struct ColumnSources {
  // Per model input column, the raw features it depends on (sorted,
  // unique; empty for a column that is constant).
  std::vector<std::vector<std::uint32_t>> of_column;
  // The index of the first project step (0-based) that mixes raw
  // features into one column, or -1.
  int mixing_project = -1;
  // Per raw feature, the edges of the discretize steps that bin its
  // present value unchanged (after impute or select only), sorted.
  std::vector<std::vector<float>> raw_edges;
};

// Reads the steps of a verified model.
ColumnSources column_sources(const Model& m);

// Per raw feature, whether the model's score can depend on it: a tree
// splits on a column computed from it, or a linear weight is non-zero on
// such a column.
std::vector<char> features_read(const Model& m);

// The pipeline of a verified model, run on rows made up by the caller.
class PipelineProbe {
 public:
  explicit PipelineProbe(const Model& m);
  // Writes the model_features values of `row` (n_features floats) to
  // `out`; returns the runtime's status (unknown_category under a one-hot
  // "error" policy).
  Status transform(const float* row, float* out);
  // The float score of each output before the link, in double from the
  // transformed row (the same sum the runtime makes in float): linear
  // models only. NaN when a value is NaN.
  void linear_scores(const float* x, double* scores) const;
  std::size_t width() const { return width_; }

 private:
  const Model& m_;
  std::size_t width_;
  std::vector<unsigned char> scratch_;
};

}  // namespace ember::host

#endif  // EMBER_HOST_QUANT_PROBE_H
