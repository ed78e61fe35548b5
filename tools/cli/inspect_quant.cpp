#include "inspect_quant.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember/runtime/metadata.h"
#include "ember/runtime/predict_q.h"
#include "host/text.h"

namespace ember::cli {

namespace {

namespace f = format;

// What the QTRE or QLIN header says, and the quant.* metadata.
struct IntegerModel {
  bool trees = false;
  unsigned frac = 0, weight_bits = 0;
  double link_error = 0;  // as a probability
  std::uint32_t n_trees = 0, nodes = 0, leaves = 0, cuts = 0, table = 0;
  bool native = false;
  std::vector<std::string> rules;  // per feature, from quant.rule; empty when stripped
};

IntegerModel read_integer(const host::LoadedModel& lm) {
  const Model& m = lm.model;
  IntegerModel r;
  r.trees = m.kind == ModelKind::quant_trees;
  r.frac = output_frac_bits(m);
  std::uint32_t link_error = 0;
  if (r.trees) {
    f::QuantTreesHeader h;
    std::memcpy(&h, m.quant_model, sizeof h);
    link_error = h.link_error;
    r.n_trees = h.n_trees, r.nodes = h.total_nodes, r.leaves = h.total_leaves, r.cuts = h.total_cuts;
  } else {
    f::QuantLinearHeader h;
    std::memcpy(&h, m.quant_model, sizeof h);
    link_error = h.link_error;
    r.weight_bits = h.weight_bits, r.cuts = h.total_cuts, r.table = h.total_table;
  }
  r.link_error = std::ldexp(static_cast<double>(link_error), -32);
  f::QuantInputsHeader qh;
  std::memcpy(&qh, reinterpret_cast<const unsigned char*>(m.quant_inputs) - sizeof qh, sizeof qh);
  r.native = (qh.flags & f::kQuantInputsNative) != 0;
  MetadataEntry e;
  const char key[] = "quant.rule";
  if (find_metadata(m, key, sizeof key - 1, &e) == Status::ok && e.type == f::MetadataType::string_list &&
      e.count == m.n_features) {
    for (std::uint32_t i = 0; i < e.count; ++i) {
      const char* text = nullptr;
      std::uint32_t size = 0;
      if (metadata_string(e, i, &text, &size) == Status::ok) r.rules.emplace_back(text, size);
    }
  }
  return r;
}

float scale_of(const f::QuantInput& in) {
  float s;
  std::memcpy(&s, &in.scale_bits, sizeof s);
  return s;
}

}  // namespace

const char* model_kind_name(const Model& m) {
  switch (m.kind) {
    case ModelKind::linear:
      return "linear";
    case ModelKind::trees:
      return "trees";
    case ModelKind::quant_linear:
      return "integer linear";
    case ModelKind::quant_trees:
      return "integer trees";
  }
  return "unknown";
}

void print_integer_model(const host::LoadedModel& lm) {
  const Model& m = lm.model;
  if (!is_integer_model(m)) return;
  const IntegerModel r = read_integer(lm);
  std::printf(
      "\ninteger     %s; raw outputs Q%u (value x 2^-%u), probabilities Q0.16; link error %s\n",
      r.trees ? "trees on int16 inputs, int32 leaves and sums" : "linear on int16 inputs, int64 accumulator",
      r.frac, r.frac, host::format_number("%.2g", r.link_error).c_str());
  if (r.trees) {
    std::printf("  trees %u, internal nodes %u, leaves %u, cuts %u (16 bytes per node, 4 per leaf and cut)\n",
                r.n_trees, r.nodes, r.leaves, r.cuts);
  } else {
    std::printf("  int%u weights, %u cuts, %u table entries\n", r.weight_bits, r.cuts, r.table);
  }
  std::printf("  inputs: real = (q - zero point) x scale%s\n",
              r.native ? "; rows come from sensors as int16" : "");
  std::printf("  %-24s %-14s %10s %8s  %s\n", "", "scale", "zero point", "missing", "rule");
  for (std::uint32_t i = 0; i < m.n_features; ++i) {
    const f::QuantInput& in = m.quant_inputs[i];
    const std::string rule = r.rules.empty() ? "" : r.rules[i];
    std::printf("  %-24s %-14s %10d %8d  %s\n", lm.feature_names[i].c_str(),
                m.n_categories[i] ? "code" : host::format_number("%.6g", scale_of(in)).c_str(), in.zero_point,
                in.missing_code, rule.c_str());
  }
}

void integer_model_json(const host::LoadedModel& lm, host::JsonWriter* j) {
  const Model& m = lm.model;
  if (!is_integer_model(m)) {
    j->null();
    return;
  }
  const IntegerModel r = read_integer(lm);
  j->begin_object().key("kind").value(r.trees ? "trees" : "linear");
  j->key("input_type").value("int16").key("native_inputs").value(r.native);
  j->key("out_frac_bits").value(static_cast<std::uint64_t>(r.frac)).key("link_error").value(r.link_error);
  if (r.trees) {
    j->key("n_trees").value(static_cast<std::uint64_t>(r.n_trees));
    j->key("internal_nodes").value(static_cast<std::uint64_t>(r.nodes));
    j->key("leaves").value(static_cast<std::uint64_t>(r.leaves));
  } else {
    j->key("weight_bits").value(static_cast<std::uint64_t>(r.weight_bits));
    j->key("table_entries").value(static_cast<std::uint64_t>(r.table));
  }
  j->key("cuts").value(static_cast<std::uint64_t>(r.cuts));
  j->key("inputs").begin_array();
  for (std::uint32_t i = 0; i < m.n_features; ++i) {
    const f::QuantInput& in = m.quant_inputs[i];
    j->begin_object().key("name").value(lm.feature_names[i]).key("scale").value(scale_of(in));
    j->key("zero_point").value(static_cast<std::int64_t>(in.zero_point));
    j->key("missing_code").value(static_cast<std::int64_t>(in.missing_code));
    if (!r.rules.empty()) j->key("rule").value(r.rules[i]);
    j->end_object();
  }
  j->end_array().end_object();
}

}  // namespace ember::cli
