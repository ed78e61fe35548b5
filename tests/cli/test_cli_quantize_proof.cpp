// The proof that integer trees decide as the float trees do: for every
// bundled tree model kind, every node's integer decision (cut table and
// split, or bitset and flags, read as the integer runtime reads them) sends
// every int16 input, missing and every category code to the float node's
// child; and at the grid values just below, on and just above each
// threshold, and at the threshold itself through quantize_row. Then a
// crafted model whose pipeline reverses the order (a negative scale), and
// the refusal of trees after a project step.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ember/runtime/predict_q.h"
#include "ember/writer/model_writer.h"
#include "host/float_trees.h"
#include "host/model_build.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quantize.h"

using ember::test::data;
using ember::test::run_ember;

namespace {

namespace f = ember::format;
using ember::host::FloatNode;
using ember::host::QuantTreesModel;

struct TreeCase {
  const char* data;
  const char* target;
  const char* model;
  const char* flags;
};

const TreeCase kTreeCases[] = {
    {"iris.csv", "species", "tree", ""},
    {"penguins.csv", "species", "forest", "--param n_estimators=10"},  // categorical splits, missing values
    {"wine.csv", "cultivar", "extra_trees", "--param n_estimators=10"},
    {"breast_cancer.csv", "diagnosis", "gbdt", "--param n_estimators=30"},
    {"credit_german.csv", "class", "gbdt", "--param n_estimators=30"},
    {"diabetes.csv", "progression", "gbdt", "--param n_estimators=30"},
    {"airquality.csv", "Temp", "forest", "--param n_estimators=10"},
    {"digits.csv", "digit", "gbdt", "--param n_estimators=10"},  // 100 trees, 64 features
    {"penguins.csv", "species", "gbdt",
     "--encode onehot --param n_estimators=10"},  // splits on one-hot columns
    {"penguins.csv", "species", "gbdt", "--discretize quantile --param n_estimators=10"},  // splits on bins
};

// The integer runtime's rule, written out here again: code = cuts <= q.
std::int32_t integer_child(const QuantTreesModel& q, const f::QuantNode& n, std::uint32_t k, std::int32_t v) {
  bool left;
  if (v == -32768) {
    left = (n.flags & f::kQNodeDefaultLeft) != 0;
  } else if (!(n.flags & f::kQNodeCategorical)) {
    const auto first = q.cuts.begin() + q.cut_begin[n.feature],
               last = q.cuts.begin() + q.cut_begin[n.feature + 1u];
    left = static_cast<std::uint32_t>(std::upper_bound(first, last, v) - first) <= n.split;
  } else if (v < 0 || static_cast<std::uint32_t>(v) >= k) {
    left = (n.flags & f::kQNodeUnknownLeft) != 0;
  } else {
    const auto c = static_cast<std::uint32_t>(v);
    left = (q.bitsets[n.split + 1 + c / 32] >> (c % 32)) & 1u;
  }
  const bool leaf = (n.flags & (left ? f::kQNodeLeftIsLeaf : f::kQNodeRightIsLeaf)) != 0;
  const auto i = static_cast<std::int32_t>(left ? n.left : n.right);
  return leaf ? -i - 1 : i;
}

struct Quantized {
  ember::host::LoadedModel lm;
  ember::host::ModelInput cal;
  ember::host::QuantizeResult result;
  QuantTreesModel trees;
};

void quantize_file(const std::string& path, const std::string& csv, Quantized* q) {
  ember::host::Error error;
  REQUIRE_MESSAGE(ember::host::load_model_file(path, &q->lm, &error), error.to_string());
  ember::host::CsvOptions options;
  REQUIRE_MESSAGE(ember::host::read_model_input(csv, q->lm, options, &q->cal, &error), error.to_string());
  REQUIRE_MESSAGE(ember::host::quantize_model(q->lm, q->cal, csv, {}, &q->result, &error), error.to_string());
  ember::host::TreeQuantStats stats;
  REQUIRE(ember::host::quantize_trees(q->lm, q->result.scales, &q->trees, &stats, &error));
}

// Grid values around each threshold of a split on a raw column, and the
// threshold itself as a float input: integer and float agree.
void check_thresholds(const Quantized& q, std::size_t* checked) {
  const ember::Model& m = q.lm.model;
  const auto trees = ember::host::decode_float_trees(m);
  const auto& s = q.result.scales;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    for (std::size_t i = 0; i < trees[t].nodes.size(); ++i) {
      const FloatNode& fn = trees[t].nodes[i];
      const f::QuantNode& qn = q.trees.trees[t].nodes[i];
      if (m.n_steps != 0 || fn.categorical) continue;
      const std::uint32_t j = qn.feature;
      std::int32_t first_right = 32768;  // the smallest q whose real value is >= t
      for (std::int32_t v = -32767; v <= 32767; ++v) {
        if (!(s.real(j, v) < fn.threshold)) {
          first_right = v;
          break;
        }
      }
      for (std::int32_t v = first_right - 1; v <= first_right + 1; ++v) {
        if (v < -32767 || v > 32767) continue;
        const bool left = ember::host::float_goes_left(m, fn, s.real(j, v));
        CHECK(integer_child(q.trees, qn, 0, v) == (left ? fn.left : fn.right));
        ++*checked;
      }
      // A float input equal to the threshold (a training value) goes right
      // in both, through quantize_row's rounding.
      const std::int32_t at = s.quantize(j, fn.threshold);
      if (at > -32767 && at < 32767) CHECK(integer_child(q.trees, qn, 0, at) == fn.right);
    }
  }
}

}  // namespace

TEST_CASE("quantize: every integer split decides as the float split, for every int16 input (exhaustive)") {
  for (const TreeCase& c : kTreeCases) {
    const std::string what = std::string(c.model) + " on " + c.data;
    CAPTURE(what);
    const std::string path = std::string("proof_") + c.model + "_" + c.data + ".ember";
    const auto r = run_ember(std::string("train ") + data(c.data) + " --target " + c.target + " --model " +
                             c.model + " " + c.flags + " --no-track -o " + path);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    Quantized q;
    quantize_file(path, data(c.data), &q);
    const ember::Model& m = q.lm.model;
    // Every decision: numeric nodes 65535 values + missing; categorical
    // ones every code, missing and two unknown codes.
    std::uint64_t expected = 0;
    for (const auto& t : q.trees.trees) {
      for (const f::QuantNode& n : t.nodes) {
        const std::uint32_t k = m.n_categories[n.feature];
        expected += k == 0 ? 65536 : k + 3;
      }
    }
    std::uint64_t checked = 0;
    ember::host::Error error;
    CHECK_MESSAGE(ember::host::verify_tree_decisions(q.lm, q.result.scales, q.trees, &checked, &error),
                  error.to_string());
    CHECK(checked == expected);
    CHECK(q.result.tree_stats.decisions_checked == expected);
    CHECK(q.result.unaligned_thresholds == 0);
    std::size_t around = 0;
    check_thresholds(q, &around);
    MESSAGE(what << ": " << checked << " decisions, " << around << " around thresholds");
  }
}

TEST_CASE("quantize: a pipeline that reverses the order swaps the children; the result is proved") {
  // One numeric feature x, an affine step -(x - 1), one tree: -(x - 1) < -2
  // (that is x > 3) goes left to leaf 0 (+1), else leaf 1 (-1); NaN right.
  const float offset[] = {1.0f}, scale[] = {-1.0f};
  const std::uint32_t numeric[] = {0};
  ember::TreeNodeSpec node;
  node.left = -1;
  node.right = -2;
  node.threshold = -2.0f;
  const float leaves[] = {1.0f, -1.0f}, base[] = {0.0f};
  ember::TreeSpec tree{ember::Span<const ember::TreeNodeSpec>(&node, 1), ember::Span<const float>(leaves, 2),
                       0};
  ember::host::LoadedModel lm;
  ember::host::Error error;
  const auto fill = [&](ember::ModelWriter& w) {
    ember::SchemaSpec schema;
    schema.n_categories = ember::Span<const std::uint32_t>(numeric, 1);
    EMBER_TRY(w.schema(schema));
    EMBER_TRY(w.affine(ember::Span<const float>(offset, 1), ember::Span<const float>(scale, 1)));
    ember::TreeEnsembleSpec t;
    t.n_features = 1;
    t.base_score = ember::Span<const float>(base, 1);
    t.trees = ember::Span<const ember::TreeSpec>(&tree, 1);
    return w.trees(t);
  };
  REQUIRE(ember::host::build_model(fill, &lm.storage, &lm.size, &error));
  REQUIRE(ember::host::load_model_storage(&lm, &error));
  ember::host::ModelInput cal;
  cal.table.rows = 4;
  ember::host::Column x;
  x.name = "x0";
  x.values = {0.0f, 2.0f, 4.0f, 10.0f};
  cal.table.columns.push_back(x);
  cal.columns = {0};
  cal.rows = x.values;
  ember::host::QuantizeResult r;
  REQUIRE_MESSAGE(ember::host::quantize_model(lm, cal, "cal.csv", {}, &r, &error), error.to_string());
  CHECK(r.tree_stats.reversed == 1);
  CHECK(r.tree_stats.decisions_checked == 65536);
  // Through the runtime: the integer model gives the float model's score.
  ember::Model qm;
  REQUIRE(ember::load_model(r.storage.data(), r.size, &qm) == ember::Status::ok);
  std::vector<unsigned char> scratch(ember::scratch_bytes(qm)), fscratch(ember::scratch_bytes(lm.model));
  for (float v : {-5.0f, 2.9f, 3.0f, 3.1f, 9.0f, NAN}) {
    float a = 0, b = 0;
    REQUIRE(ember::predict(lm.model, ember::Span<const float>(&v, 1),
                           ember::Span<unsigned char>(fscratch.data(), fscratch.size()), ember::Output::raw,
                           ember::Span<float>(&a, 1)) == ember::Status::ok);
    REQUIRE(ember::predict(qm, ember::Span<const float>(&v, 1),
                           ember::Span<unsigned char>(scratch.data(), scratch.size()), ember::Output::raw,
                           ember::Span<float>(&b, 1)) == ember::Status::ok);
    CHECK(a == b);
  }
}

TEST_CASE("quantize: trees after a project step are refused, naming the node; nothing is written") {
  const auto t = run_ember("train " + data("iris.csv") +
                           " --target species --model tree --project lda --no-track -o proof_lda_tree.ember");
  REQUIRE_MESSAGE(t.exit_code == 0, t.err);
  std::remove("proof_lda_tree_q.ember");
  const auto r = run_ember("quantize proof_lda_tree.ember --calibration " + data("iris.csv") +
                           " -o proof_lda_tree_q.ember");
  CHECK(r.exit_code == 1);
  CHECK(ember::test::contains(r.err, "tree 0 node 0"));
  CHECK(ember::test::contains(r.err, "project"));
  CHECK(ember::test::read_text("proof_lda_tree_q.ember").empty());
}

namespace {

float scale_of(const f::QuantInput& in) {
  float s;
  std::memcpy(&s, &in.scale_bits, sizeof s);
  return s;
}

}  // namespace

TEST_CASE("quantize: linear terms follow the float model over every int16 value of each feature") {
  struct LinearCase {
    const char* data;
    const char* target;
    const char* model;
    const char* flags;
  };
  const LinearCase cases[] = {
      {"penguins.csv", "species", "logistic", ""},  // impute + one-hot + standardize
      {"penguins.csv", "species", "logistic", "--discretize quantile"},
      {"airquality.csv", "Temp", "linear", ""},  // missing values
      {"diabetes.csv", "progression", "linear", ""},
  };
  for (const LinearCase& c : cases) {
    const std::string what = std::string(c.model) + " " + c.flags + " on " + c.data;
    CAPTURE(what);
    const std::string path =
        std::string("proof_linear_") + c.model + (c.flags[0] ? "_binned_" : "_") + c.data;
    const auto r = run_ember(std::string("train ") + data(c.data) + " --target " + c.target + " --model " +
                             c.model + " " + c.flags + " --no-track -o " + path + ".ember");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto q =
        run_ember("quantize " + path + ".ember --calibration " + data(c.data) + " -o " + path + "_q.ember");
    REQUIRE_MESSAGE(q.exit_code == 0, q.err);
    ember::host::LoadedModel fm, qm;
    ember::host::Error error;
    REQUIRE(ember::host::load_model_file(path + ".ember", &fm, &error));
    REQUIRE(ember::host::load_model_file(path + "_q.ember", &qm, &error));
    const ember::Model& m = qm.model;
    const std::size_t n = m.n_features, n_out = m.n_outputs;
    // A base row: every feature at q = zero point + 1000 (categories: 0).
    std::vector<std::int16_t> iq(n);
    std::vector<float> x(n);
    for (std::size_t j = 0; j < n; ++j)
      iq[j] = static_cast<std::int16_t>(m.n_categories[j] ? 0 : m.quant_inputs[j].zero_point + 1000);
    std::vector<unsigned char> fs(ember::scratch_bytes(fm.model)), qs(ember::scratch_bytes_q(m));
    std::vector<float> want(n_out);
    std::vector<std::int32_t> got(n_out);
    const double unit = std::ldexp(1.0, -static_cast<int>(ember::output_frac_bits(m)));
    double worst = 0, reach = 0;  // the largest error, the largest |score|
    std::size_t failures = 0;     // predictions refused (none expected: every model imputes)
    for (std::size_t j = 0; j < n; ++j) {
      if (m.n_categories[j]) continue;
      for (std::int32_t v = -32768; v <= 32767; ++v) {
        std::vector<std::int16_t> row = iq;
        row[j] = static_cast<std::int16_t>(v);
        for (std::size_t k = 0; k < n; ++k) {
          const f::QuantInput& in = m.quant_inputs[k];
          x[k] = m.n_categories[k]           ? static_cast<float>(row[k])
                 : row[k] == in.missing_code ? NAN
                                             : static_cast<float>(row[k] - in.zero_point) * scale_of(in);
        }
        failures += ember::predict(fm.model, ember::Span<const float>(x.data(), n),
                                   ember::Span<unsigned char>(fs.data(), fs.size()), ember::Output::raw,
                                   ember::Span<float>(want.data(), n_out)) != ember::Status::ok;
        failures += ember::predict_q(m, ember::Span<const std::int16_t>(row.data(), n),
                                     ember::Span<unsigned char>(qs.data(), qs.size()), ember::Output::raw,
                                     ember::Span<std::int32_t>(got.data(), n_out)) != ember::Status::ok;
        for (std::size_t o = 0; o < n_out; ++o) {
          const double e = std::fabs(static_cast<double>(want[o]) - got[o] * unit);
          worst = std::max(worst, e);
          reach = std::max(reach, std::fabs(static_cast<double>(want[o])));
        }
      }
    }
    // Weights are rounded to 1/32767 of the largest one: each term's error
    // is below 2^-15 of the largest score a feature can make over int16.
    MESSAGE(what << ": largest raw score error over every int16 value of each numeric feature: " << worst
                 << " (largest |score| " << reach << ")");
    CHECK(failures == 0);
    CHECK(worst <= 1e-4 * (1.0 + reach));
  }
}
