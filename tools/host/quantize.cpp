#include "host/quantize.h"

#include <algorithm>
#include <cmath>

#include "ember/runtime/predict_q.h"
#include "ember/writer/model_writer.h"
#include "host/model_build.h"
#include "host/quant_probe.h"
#include "host/text.h"

namespace ember::host {

namespace {

namespace f = format;

StringView view(const std::string& s) { return StringView{s.data(), s.size()}; }

template <class T>
Span<const T> span(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}

bool check_finite(const LoadedModel& lm, const ModelInput& cal, const std::string& path, Error* error) {
  const std::size_t width = lm.model.n_features;
  for (std::size_t r = 0; r < cal.table.rows; ++r) {
    for (std::size_t j = 0; j < width; ++j) {
      const float x = cal.rows[r * width + j];
      if (!std::isinf(x)) continue;
      *error = Error{path, 0, 0,
                     "data row " + std::to_string(r + 1) + ", column '" + lm.feature_names[j] +
                         "': " + (x < 0 ? "-inf" : "inf") + " cannot calibrate an integer input"};
      return false;
    }
  }
  return true;
}

Status write_trees(ModelWriter& w, const QuantTreesModel& q) {
  std::vector<QuantTreeSpec> trees;
  for (const auto& t : q.trees) trees.push_back({span(t.nodes), span(t.leaves), t.output});
  QuantTreesSpec s;
  s.n_outputs = q.n_outputs;
  s.leaf_width = q.leaf_width;
  s.link = q.link;
  s.out_frac_bits = q.out_frac_bits;
  s.link_error = q.link_error;
  s.base_score = span(q.base_score);
  s.cut_begin = span(q.cut_begin);
  s.cuts = span(q.cuts);
  s.trees = span(trees);
  s.bitsets = span(q.bitsets);
  return w.quant_trees(s);
}

Status write_linear(ModelWriter& w, const QuantLinearModel& q) {
  QuantLinearSpec s;
  s.n_outputs = q.n_outputs;
  s.link = q.link;
  s.out_frac_bits = q.out_frac_bits;
  s.weight_bits = q.weight_bits;
  s.link_error = q.link_error;
  s.terms = span(q.terms);
  s.cut_begin = span(q.cut_begin);
  s.cuts = span(q.cuts);
  s.table_begin = span(q.table_begin);
  s.table = span(q.table);
  s.bias = span(q.bias);
  s.multiplier = span(q.multiplier);
  s.shift = span(q.shift);
  s.weights = span(q.weights);
  return w.quant_linear(s);
}

// The `quant.*` records: per raw feature its scale, zero point, the
// calibration range it covers (0 for categories) and the rule; the bits;
// what was folded.
Status write_quant_metadata(ModelWriter& w, const LoadedModel& lm, const QuantizeResult& r, unsigned bits,
                            const std::string& source) {
  std::vector<float> zero, low, high;
  std::vector<StringView> rules;
  for (std::size_t j = 0; j < r.scales.scale.size(); ++j) {
    zero.push_back(static_cast<float>(r.scales.zero_point[j]));
    low.push_back(std::isnan(r.scales.low[j]) ? 0.0f : static_cast<float>(r.scales.low[j]));
    high.push_back(std::isnan(r.scales.high[j]) ? 0.0f : static_cast<float>(r.scales.high[j]));
    rules.push_back(view(r.scales.rule[j]));
  }
  EMBER_TRY(w.metadata_floats(view("quant.scale"), span(r.scales.scale)));
  EMBER_TRY(w.metadata_floats(view("quant.zero_point"), span(zero)));
  EMBER_TRY(w.metadata_floats(view("quant.range_low"), span(low)));
  EMBER_TRY(w.metadata_floats(view("quant.range_high"), span(high)));
  EMBER_TRY(w.metadata_strings(view("quant.rule"), span(rules)));
  const std::vector<float> b = {static_cast<float>(bits)};
  if (!r.trees) EMBER_TRY(w.metadata_floats(view("quant.weight_bits"), span(b)));
  EMBER_TRY(w.metadata_string(view("quant.source"), view(source)));
  if (lm.step_descriptions.empty()) return Status::ok;
  std::vector<StringView> steps;
  for (const auto& s : lm.step_descriptions) steps.push_back(view(s));
  return w.metadata_strings(view("quant.folded_steps"), span(steps));
}

Status write_file(ModelWriter& w, const LoadedModel& lm, const QuantTreesModel& t, const QuantLinearModel& l,
                  const QuantizeResult& r, unsigned bits, const std::string& source) {
  const Model& m = lm.model;
  SchemaSpec schema;
  schema.task = m.task;
  schema.n_classes = m.n_classes;
  schema.n_categories = Span<const std::uint32_t>(m.n_categories, m.n_features);
  EMBER_TRY(w.schema(schema));
  QuantInputsSpec inputs;
  inputs.native = r.scales.native;
  inputs.inputs = span(r.scales.inputs);
  EMBER_TRY(w.quant_inputs(inputs));
  EMBER_TRY(r.trees ? write_trees(w, t) : write_linear(w, l));
  StandardMetadata meta;
  meta.feature_names = lm.feature_names;
  meta.categories = lm.categories;
  meta.classes = lm.class_labels;
  if (m.n_classes == 0) meta.classes.clear();
  meta.target = lm.target;
  meta.model_name = lm.model_type.empty() ? (r.trees ? "trees" : "linear") : lm.model_type;
  EMBER_TRY(write_metadata(w, meta));
  return write_quant_metadata(w, lm, r, bits, source);
}

}  // namespace

bool quantize_model(const LoadedModel& lm, const ModelInput& calibration, const std::string& calibration_path,
                    const QuantizeOptions& options, QuantizeResult* out, Error* error) {
  const Model& m = lm.model;
  *error = Error{};
  if (is_integer_model(m)) {
    error->message = "the model is already an integer model";
    return false;
  }
  if (m.n_features > 65535) {
    error->message =
        "an integer model reads at most 65535 features; this one has " + std::to_string(m.n_features);
    return false;
  }
  if (calibration.table.rows == 0) {
    *error = Error{calibration_path, 0, 0, "no rows to calibrate on"};
    return false;
  }
  if (!check_finite(lm, calibration, calibration_path, error)) return false;
  QuantizeResult r;
  InputScaleOptions inputs = options.inputs;
  inputs.read = features_read(m);
  if (!choose_input_scales(lm, calibration, calibration_path, inputs, &r.scales, error)) return false;
  *error = Error{};
  QuantTreesModel trees;
  QuantLinearModel linear;
  r.trees = m.kind == ModelKind::trees;
  if (r.trees) {
    // Split thresholds on raw values, and discretize edges before the trees.
    std::vector<std::vector<float>> thresholds = raw_thresholds(lm);
    const std::vector<std::vector<float>> edges = column_sources(m).raw_edges;
    for (std::size_t j = 0; j < thresholds.size(); ++j) {
      thresholds[j].insert(thresholds[j].end(), edges[j].begin(), edges[j].end());
      std::sort(thresholds[j].begin(), thresholds[j].end());
    }
    r.unaligned_thresholds = align_scales_to_thresholds(thresholds, &r.scales);
    if (!quantize_trees(lm, r.scales, &trees, &r.tree_stats, error)) return false;
    if (!verify_tree_decisions(lm, r.scales, trees, &r.tree_stats.decisions_checked, error)) return false;
    trees.link_error = link_error_q32(trees.link, trees.n_outputs);
    r.out_frac_bits = trees.out_frac_bits;
    r.link_error = trees.link_error;
  } else {
    r.unaligned_thresholds = align_scales_to_thresholds(column_sources(m).raw_edges, &r.scales);
    if (!quantize_linear(lm, calibration, r.scales, options.bits, &linear, &r.linear_stats, error))
      return false;
    linear.link_error = link_error_q32(linear.link, linear.n_outputs);
    r.out_frac_bits = linear.out_frac_bits;
    r.link_error = linear.link_error;
  }
  const std::string source = "ember quantize of a float " +
                             (lm.model_type.empty() ? "model" : lm.model_type) + ", calibrated on " +
                             std::to_string(calibration.table.rows) + " rows";
  const auto fill = [&](ModelWriter& w) { return write_file(w, lm, trees, linear, r, options.bits, source); };
  if (!build_model(fill, &r.storage, &r.size, error)) return false;
  LoadedModel check;
  check.storage = r.storage;
  check.size = r.size;
  if (!load_model_storage(&check, error)) {
    error->message = "the integer model does not load: " + error->message;
    return false;
  }
  *out = std::move(r);
  return true;
}

}  // namespace ember::host
