// The writer's integer sections (QINP, QTRE, QLIN, QGLD): written as
// model_format.h lays them out, then verified by the loader's own checks.
#include <cstring>

#include "ember/runtime/model.h"
#include "ember/writer/model_writer.h"
#include "runtime/quant_layout.h"

namespace ember {

namespace f = format;

namespace {

constexpr std::uint8_t kQuantInputsOnly = 1;  // quant_kind_ after quant_inputs()

bool fits_u32(std::uint64_t v) { return v <= 0xF0000000ull; }

}  // namespace

// Re-reads the schema, QINP and (for a model kind) the model section just
// written, with the loader's checks. Writing only; a measuring writer has
// no bytes to read.
Status ModelWriter::verify_quant(f::SectionKind kind) noexcept {
  if (measuring_ || status_ != Status::ok) return status_;
  const unsigned char* base = out_.data();
  Model m;
  m.task = task_;
  m.n_classes = n_classes_;
  m.n_features = width_;
  m.n_categories = static_cast<const std::uint32_t*>(
      static_cast<const void*>(base + sections_[0].offset + sizeof(f::SchemaHeader)));
  const f::SectionEntry& qinp = sections_[1];
  Status s = check_quant_inputs(base + qinp.offset, qinp.size, &m);
  if (s == Status::ok && kind != f::SectionKind::quant_inputs) {
    const f::SectionEntry& sec = sections_[2];
    s = kind == f::SectionKind::quant_trees ? check_quant_trees(base + sec.offset, sec.size, &m)
                                            : check_quant_linear(base + sec.offset, sec.size, &m);
  }
  return s == Status::ok ? s : fail(s);
}

Status ModelWriter::quant_inputs(const QuantInputsSpec& spec) noexcept {
  if (stage_ != Stage::steps || n_steps_ != 0 || quant_kind_ != 0 || n_sections_ != 1)
    return fail(Status::invalid_argument);
  if (spec.inputs.size() != width_) return fail(Status::shape_mismatch);
  EMBER_TRY(begin_section(f::SectionKind::quant_inputs, true));
  f::QuantInputsHeader h{};
  h.n_features = width_;
  h.input_type = static_cast<std::uint8_t>(f::QuantInputType::int16);
  h.flags = spec.native ? f::kQuantInputsNative : 0;
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put(spec.inputs.data(), spec.inputs.size_bytes()));
  end_section();
  quant_kind_ = kQuantInputsOnly;
  return verify_quant(f::SectionKind::quant_inputs);
}

Status ModelWriter::quant_trees(const QuantTreesSpec& spec) noexcept {
  if (stage_ != Stage::steps || quant_kind_ != kQuantInputsOnly) return fail(Status::invalid_argument);
  if (spec.n_outputs == 0 || spec.trees.size() == 0 || spec.base_score.size() != spec.n_outputs ||
      spec.cut_begin.size() != std::size_t{width_} + 1 ||
      (spec.leaf_width != 1 && spec.leaf_width != spec.n_outputs)) {
    return fail(Status::shape_mismatch);
  }
  std::uint64_t total_nodes = 0, total_leaves = 0;
  for (const QuantTreeSpec& t : spec.trees) {
    if (t.leaf_values.size() % spec.leaf_width != 0) return fail(Status::shape_mismatch);
    total_nodes += t.nodes.size();
    total_leaves += t.leaf_values.size() / spec.leaf_width;
  }
  if (!fits_u32(total_nodes * sizeof(f::QuantNode) + total_leaves * 4 * spec.leaf_width +
                4 * (std::uint64_t{spec.cuts.size()} + spec.bitsets.size()))) {
    return fail(Status::size_overflow);
  }
  EMBER_TRY(begin_section(f::SectionKind::quant_trees, true));
  f::QuantTreesHeader h{};
  h.n_features = width_;
  h.n_outputs = spec.n_outputs;
  h.n_trees = static_cast<std::uint32_t>(spec.trees.size());
  h.leaf_width = spec.leaf_width;
  h.total_nodes = static_cast<std::uint32_t>(total_nodes);
  h.total_leaves = static_cast<std::uint32_t>(total_leaves);
  h.total_cuts = static_cast<std::uint32_t>(spec.cuts.size());
  h.bitset_words = static_cast<std::uint32_t>(spec.bitsets.size());
  h.link = static_cast<std::uint8_t>(spec.link);
  h.out_frac_bits = spec.out_frac_bits;
  h.link_error = spec.link_error;
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put(spec.base_score.data(), spec.base_score.size_bytes()));
  EMBER_TRY(put_u32s(spec.cut_begin));
  EMBER_TRY(put(spec.cuts.data(), spec.cuts.size_bytes()));
  std::uint32_t nodes = 0, leaves = 0;
  EMBER_TRY(put_u32(0));
  for (const QuantTreeSpec& t : spec.trees)
    EMBER_TRY(put_u32(nodes += static_cast<std::uint32_t>(t.nodes.size())));
  EMBER_TRY(put_u32(0));
  for (const QuantTreeSpec& t : spec.trees)
    EMBER_TRY(put_u32(leaves += static_cast<std::uint32_t>(t.leaf_values.size() / spec.leaf_width)));
  for (const QuantTreeSpec& t : spec.trees) EMBER_TRY(put_u32(t.output));
  for (const QuantTreeSpec& t : spec.trees) EMBER_TRY(put(t.nodes.data(), t.nodes.size_bytes()));
  for (const QuantTreeSpec& t : spec.trees) EMBER_TRY(put(t.leaf_values.data(), t.leaf_values.size_bytes()));
  EMBER_TRY(put_u32s(spec.bitsets));
  end_section();
  n_outputs_ = spec.n_outputs;
  stage_ = Stage::model;
  quant_kind_ = static_cast<std::uint8_t>(ModelKind::quant_trees);
  return verify_quant(f::SectionKind::quant_trees);
}

Status ModelWriter::quant_linear(const QuantLinearSpec& spec) noexcept {
  if (stage_ != Stage::steps || quant_kind_ != kQuantInputsOnly) return fail(Status::invalid_argument);
  const std::size_t n_out = spec.n_outputs;
  if (n_out == 0 || spec.terms.size() != width_ || spec.cut_begin.size() != std::size_t{width_} + 1 ||
      spec.table_begin.size() != std::size_t{width_} + 1 || spec.bias.size() != n_out ||
      spec.multiplier.size() != n_out || spec.shift.size() != n_out ||
      spec.weights.size() != n_out * width_) {
    return fail(Status::shape_mismatch);
  }
  if (spec.weight_bits != 8 && spec.weight_bits != 16) return fail(Status::unsupported_feature);
  if (spec.weight_bits == 8) {
    for (std::int16_t w : spec.weights) {
      if (w < -128 || w > 127) return fail(Status::bad_value);
    }
  }
  if (!fits_u32(4 * (std::uint64_t{spec.cuts.size()} + spec.table.size()) +
                2 * std::uint64_t{spec.weights.size()}))
    return fail(Status::size_overflow);
  EMBER_TRY(begin_section(f::SectionKind::quant_linear, true));
  f::QuantLinearHeader h{};
  h.n_features = width_;
  h.n_outputs = spec.n_outputs;
  h.total_cuts = static_cast<std::uint32_t>(spec.cuts.size());
  h.total_table = static_cast<std::uint32_t>(spec.table.size());
  h.link = static_cast<std::uint8_t>(spec.link);
  h.out_frac_bits = spec.out_frac_bits;
  h.weight_bits = spec.weight_bits;
  h.link_error = spec.link_error;
  EMBER_TRY(put(&h, sizeof h));
  EMBER_TRY(put(spec.terms.data(), spec.terms.size_bytes()));
  EMBER_TRY(pad(4));
  EMBER_TRY(put_u32s(spec.cut_begin));
  EMBER_TRY(put(spec.cuts.data(), spec.cuts.size_bytes()));
  EMBER_TRY(put_u32s(spec.table_begin));
  EMBER_TRY(put(spec.table.data(), spec.table.size_bytes()));
  EMBER_TRY(put(spec.bias.data(), spec.bias.size_bytes()));
  EMBER_TRY(put(spec.multiplier.data(), spec.multiplier.size_bytes()));
  EMBER_TRY(put_u32s(spec.shift));
  if (spec.weight_bits == 16) {
    EMBER_TRY(put(spec.weights.data(), spec.weights.size_bytes()));
  } else {
    for (std::int16_t w : spec.weights) {
      const auto b = static_cast<std::int8_t>(w);
      EMBER_TRY(put(&b, 1));
    }
  }
  EMBER_TRY(pad(4));
  end_section();
  n_outputs_ = spec.n_outputs;
  stage_ = Stage::model;
  quant_kind_ = static_cast<std::uint8_t>(ModelKind::quant_linear);
  return verify_quant(f::SectionKind::quant_linear);
}

Status ModelWriter::quant_golden(std::uint32_t n_rows, Span<const std::int16_t> rows,
                                 Span<const std::int32_t> expected) noexcept {
  if (stage_ != Stage::model || quant_kind_ <= kQuantInputsOnly || n_rows == 0)
    return fail(Status::invalid_argument);
  const std::uint32_t n_proba = task_ == f::Task::regression ? 0 : n_classes_;
  const std::uint64_t per_row = std::uint64_t{n_outputs_} + n_proba + 1;
  if (rows.size() != std::uint64_t{n_rows} * width_ || expected.size() != std::uint64_t{n_rows} * per_row)
    return fail(Status::shape_mismatch);
  if (!fits_u32(2 * std::uint64_t{rows.size()} + 4 * std::uint64_t{expected.size()}))
    return fail(Status::size_overflow);
  EMBER_TRY(begin_section(f::SectionKind::quant_golden, false));
  f::GoldenHeader g{};
  g.n_rows = n_rows;
  g.n_features = width_;
  g.n_raw = n_outputs_;
  g.n_proba = n_proba;
  EMBER_TRY(put(&g, sizeof g));
  EMBER_TRY(put(rows.data(), rows.size_bytes()));
  EMBER_TRY(pad(4));
  EMBER_TRY(put(expected.data(), expected.size_bytes()));
  end_section();
  return Status::ok;
}

}  // namespace ember
