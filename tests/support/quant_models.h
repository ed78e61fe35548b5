// Small integer models built by hand with ModelWriter::quant_*, for the
// runtime's tests, fuzz seeds and configuration builds. Every expected
// output in the tests is computed by hand from these definitions.
//
// Regression tree (quant_tree_regression): features f0 numeric (scale 0.5,
// zero point 0, missing INT16_MIN, cuts {10, 20}) and f1 categorical (3
// categories, missing INT16_MIN). Q8 outputs, base 5.
//   tree 0: node 0  f0 split 0 (q0 < 10 left)  left node 1, right leaf 2; missing right
//           node 1  f1 in {1} left (leaf 0), else leaf 1; unknown and missing left
//           leaves 100, -200, 3000
//   tree 1: a lone leaf, 1
// Linear regression (quant_linear_regression): f0 numeric linear (weight 3,
// zero point 10; missing: 5), f1 numeric bins (cuts {0, 100}: 7, -7, 70;
// missing 1000), f2 categorical (2 categories: 0, 11; unknown 22; missing
// 33); bias 50; multiplier 2^14, shift 15 (x 1/2); Q4 outputs.
#ifndef EMBER_TEST_QUANT_MODELS_H
#define EMBER_TEST_QUANT_MODELS_H

#include <cstdint>
#include <vector>

#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "ember/writer/model_writer.h"
#include "model_bytes.h"

namespace ember::test {

constexpr std::uint32_t kScaleHalf = 0x3F000000u;  // 0.5f
constexpr std::uint32_t kScaleOne = 0x3F800000u;   // 1.0f

inline format::QuantNode qnode(std::uint16_t feature, std::uint8_t flags, std::uint32_t split,
                               std::uint32_t left, std::uint32_t right) {
  return format::QuantNode{feature, flags, 0, split, left, right};
}

// Writes SCHM and QINP for features with these category counts (0 =
// numeric), inputs as given.
inline Status quant_schema(ModelWriter& w, format::Task task, std::uint32_t n_classes,
                           const std::vector<std::uint32_t>& cats,
                           const std::vector<format::QuantInput>& inputs) {
  SchemaSpec schema;
  schema.task = task;
  schema.n_classes = n_classes;
  schema.n_categories = Span<const std::uint32_t>(cats.data(), cats.size());
  EMBER_TRY(w.schema(schema));
  QuantInputsSpec in;
  in.inputs = Span<const format::QuantInput>(inputs.data(), inputs.size());
  return w.quant_inputs(in);
}

// The regression tree above; `golden` rows/outputs are added as QGLD when given.
struct QuantTreeModel {
  std::vector<std::uint32_t> cats = {0, 3};
  std::vector<format::QuantInput> inputs = {{0, kScaleHalf, -32768}, {0, kScaleOne, -32768}};
  std::vector<std::int32_t> base = {5};
  std::vector<std::uint32_t> cut_begin = {0, 2, 2};
  std::vector<std::int32_t> cuts = {10, 20};
  std::vector<format::QuantNode> nodes0 = {
      qnode(0, format::kQNodeRightIsLeaf, 0, 1, 2),
      qnode(1,
            format::kQNodeCategorical | format::kQNodeDefaultLeft | format::kQNodeUnknownLeft |
                format::kQNodeLeftIsLeaf | format::kQNodeRightIsLeaf,
            0, 0, 1)};
  std::vector<std::int32_t> leaves0 = {100, -200, 3000};
  std::vector<std::int32_t> leaves1 = {1};
  std::vector<std::uint32_t> bitsets = {1, 1u << 1};  // one word: {1}
  format::Task task = format::Task::regression;
  std::uint32_t n_classes = 0;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 8;
  std::uint32_t link_error = 0;

  Status write(ModelWriter& w, const std::vector<std::int16_t>* golden_rows = nullptr,
               const std::vector<std::int32_t>* golden_out = nullptr) const {
    EMBER_TRY(quant_schema(w, task, n_classes, cats, inputs));
    const QuantTreeSpec trees[2] = {
        {Span<const format::QuantNode>(nodes0.data(), nodes0.size()),
         Span<const std::int32_t>(leaves0.data(), leaves0.size()), 0},
        {Span<const format::QuantNode>(), Span<const std::int32_t>(leaves1.data(), leaves1.size()), 0}};
    QuantTreesSpec spec;
    spec.n_outputs = 1;
    spec.link = link;
    spec.out_frac_bits = out_frac_bits;
    spec.link_error = link_error;
    spec.base_score = Span<const std::int32_t>(base.data(), base.size());
    spec.cut_begin = Span<const std::uint32_t>(cut_begin.data(), cut_begin.size());
    spec.cuts = Span<const std::int32_t>(cuts.data(), cuts.size());
    spec.trees = Span<const QuantTreeSpec>(trees, 2);
    spec.bitsets = Span<const std::uint32_t>(bitsets.data(), bitsets.size());
    EMBER_TRY(w.quant_trees(spec));
    if (golden_rows == nullptr) return Status::ok;
    const auto n_rows = static_cast<std::uint32_t>(golden_rows->size() / cats.size());
    return w.quant_golden(n_rows, Span<const std::int16_t>(golden_rows->data(), golden_rows->size()),
                          Span<const std::int32_t>(golden_out->data(), golden_out->size()));
  }
};

// A three-class forest of two trees whose leaves are Q0.16 probabilities
// (identity link, leaf_width 3, the mean folded into the leaves), on the
// regression tree's features.
struct QuantForestModel {
  std::vector<std::uint32_t> cats = {0, 3};
  std::vector<format::QuantInput> inputs = {{0, kScaleHalf, -32768}, {0, kScaleOne, -32768}};
  std::vector<std::int32_t> base = {0, 0, 0};
  std::vector<std::uint32_t> cut_begin = {0, 2, 2};
  std::vector<std::int32_t> cuts = {10, 20};
  // Tree 0: q0 < 20 (split 1) -> leaf 0 else leaf 1. Tree 1: f1 in {0, 2} -> leaf 0, else leaf 1.
  std::vector<format::QuantNode> nodes0 = {
      qnode(0, format::kQNodeLeftIsLeaf | format::kQNodeRightIsLeaf | format::kQNodeDefaultLeft, 1, 0, 1)};
  std::vector<format::QuantNode> nodes1 = {
      qnode(1, format::kQNodeCategorical | format::kQNodeLeftIsLeaf | format::kQNodeRightIsLeaf, 0, 0, 1)};
  std::vector<std::int32_t> leaves0 = {32768, 16384, 16384, 0, 32768, 32768};
  std::vector<std::int32_t> leaves1 = {16384, 16384, 0, 0, 0, 32768};
  std::vector<std::uint32_t> bitsets = {1, 0x5u};

  Status write(ModelWriter& w) const {
    EMBER_TRY(quant_schema(w, format::Task::multiclass, 3, cats, inputs));
    const QuantTreeSpec trees[2] = {{Span<const format::QuantNode>(nodes0.data(), nodes0.size()),
                                     Span<const std::int32_t>(leaves0.data(), leaves0.size()), 0},
                                    {Span<const format::QuantNode>(nodes1.data(), nodes1.size()),
                                     Span<const std::int32_t>(leaves1.data(), leaves1.size()), 0}};
    QuantTreesSpec spec;
    spec.n_outputs = 3;
    spec.leaf_width = 3;
    spec.out_frac_bits = 16;
    spec.base_score = Span<const std::int32_t>(base.data(), base.size());
    spec.cut_begin = Span<const std::uint32_t>(cut_begin.data(), cut_begin.size());
    spec.cuts = Span<const std::int32_t>(cuts.data(), cuts.size());
    spec.trees = Span<const QuantTreeSpec>(trees, 2);
    spec.bitsets = Span<const std::uint32_t>(bitsets.data(), bitsets.size());
    return w.quant_trees(spec);
  }
};

// The linear model above (regression), or with a link: binary logistic
// (1 output) or softmax over 3 classes, Q16 outputs.
struct QuantLinearModel {
  std::vector<std::uint32_t> cats = {0, 0, 2};
  std::vector<format::QuantInput> inputs = {
      {10, kScaleHalf, -32768}, {0, kScaleOne, -32768}, {0, kScaleOne, -1}};
  std::vector<std::uint8_t> terms = {1, 2, 3};
  std::vector<std::uint32_t> cut_begin = {0, 0, 2, 2};
  std::vector<std::int32_t> cuts = {0, 100};
  std::vector<std::uint32_t> table_begin = {0, 1, 5, 9};
  std::vector<std::int32_t> table = {5, 7, -7, 70, 1000, 0, 11, 22, 33};
  std::vector<std::int32_t> bias = {50};
  std::vector<std::int32_t> multiplier = {1 << 14};
  std::vector<std::uint32_t> shift = {15};
  std::vector<std::int16_t> weights = {3, 0, 0};
  format::Task task = format::Task::regression;
  std::uint32_t n_classes = 0;
  std::uint32_t n_outputs = 1;
  format::Link link = format::Link::identity;
  std::uint8_t out_frac_bits = 4;
  std::uint8_t weight_bits = 16;
  std::uint32_t link_error = 0;

  // Repeats the single output's parameters for n outputs (output o's
  // weight on f0 is 3 + o, its bias 50 x (o + 1)).
  void widen(std::uint32_t n) {
    n_outputs = n;
    std::vector<std::int32_t> t;
    for (std::size_t j = 0; j + 1 < table_begin.size(); ++j) {
      for (std::uint32_t e = table_begin[j]; e < table_begin[j + 1]; ++e) {
        for (std::uint32_t o = 0; o < n; ++o) t.push_back(table[e]);
      }
    }
    table = t;
    for (auto& b : table_begin) b *= n;
    bias.clear(), multiplier.assign(n, 1 << 14), shift.assign(n, 15), weights.clear();
    for (std::uint32_t o = 0; o < n; ++o) {
      bias.push_back(50 * static_cast<std::int32_t>(o + 1));
      weights.push_back(static_cast<std::int16_t>(3 + o)), weights.push_back(0), weights.push_back(0);
    }
  }

  Status write(ModelWriter& w) const {
    EMBER_TRY(quant_schema(w, task, n_classes, cats, inputs));
    QuantLinearSpec spec;
    spec.n_outputs = n_outputs;
    spec.link = link;
    spec.out_frac_bits = out_frac_bits;
    spec.weight_bits = weight_bits;
    spec.link_error = link_error;
    spec.terms = Span<const std::uint8_t>(terms.data(), terms.size());
    spec.cut_begin = Span<const std::uint32_t>(cut_begin.data(), cut_begin.size());
    spec.cuts = Span<const std::int32_t>(cuts.data(), cuts.size());
    spec.table_begin = Span<const std::uint32_t>(table_begin.data(), table_begin.size());
    spec.table = Span<const std::int32_t>(table.data(), table.size());
    spec.bias = Span<const std::int32_t>(bias.data(), bias.size());
    spec.multiplier = Span<const std::int32_t>(multiplier.data(), multiplier.size());
    spec.shift = Span<const std::uint32_t>(shift.data(), shift.size());
    spec.weights = Span<const std::int16_t>(weights.data(), weights.size());
    return w.quant_linear(spec);
  }
};

inline QuantLinearModel quant_linear_logistic() {
  QuantLinearModel m;
  m.task = format::Task::binary;
  m.n_classes = 2;
  m.link = format::Link::logistic;
  m.out_frac_bits = 16;
  m.link_error = link_error_q32(format::Link::logistic, 1);
  return m;
}

inline QuantLinearModel quant_linear_softmax() {
  QuantLinearModel m;
  m.task = format::Task::multiclass;
  m.n_classes = 3;
  m.widen(3);
  m.link = format::Link::softmax;
  m.out_frac_bits = 16;
  m.weight_bits = 8;
  m.link_error = link_error_q32(format::Link::softmax, 3);
  return m;
}

template <class Spec>
ModelBytes write_quant(const Spec& spec) {
  return write_model([&](ModelWriter& w) { spec.write(w); });
}

// The model with QGLD golden vectors: `rows` (n_features values each) and
// the outputs this build's predict_q gives for them, so that a device
// replaying them proves it computes the same bits.
template <class Spec>
ModelBytes write_quant_golden(const Spec& spec, const std::vector<std::int16_t>& rows) {
  ModelBytes plain = write_quant(spec);
  Model m;
  if (plain.status != Status::ok || load_model(plain.data(), plain.size, &m) != Status::ok) return plain;
  std::vector<unsigned char> scratch(scratch_bytes_q(m));
  std::vector<std::int32_t> expected;
  const std::size_t n = m.n_features, n_rows = rows.size() / n;
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (const Output kind : {Output::raw, Output::probability, Output::label}) {
      std::vector<std::int32_t> out(output_size(m, kind));
      if (out.empty()) continue;
      const Status s = predict_q(m, Span<const std::int16_t>(rows.data() + r * n, n),
                                 Span<unsigned char>(scratch.data(), scratch.size()), kind,
                                 Span<std::int32_t>(out.data(), out.size()));
      if (s != Status::ok) {
        plain.status = s;
        return plain;
      }
      expected.insert(expected.end(), out.begin(), out.end());
    }
  }
  return write_model([&](ModelWriter& w) {
    spec.write(w);
    w.quant_golden(static_cast<std::uint32_t>(n_rows), Span<const std::int16_t>(rows.data(), rows.size()),
                   Span<const std::int32_t>(expected.data(), expected.size()));
  });
}

}  // namespace ember::test

#endif  // EMBER_TEST_QUANT_MODELS_H
