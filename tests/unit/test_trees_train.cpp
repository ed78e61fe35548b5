// Binning and CART on data small enough to work out by hand: the exact
// split, thresholds, default directions and leaf values, then the fitted
// tree written to a model file and run through the runtime.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "ember/base/arena.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/gbdt.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "ember/rng.h"
#include "heap_guard.h"
#include "model_bytes.h"

using namespace ember;
namespace f = ember::format;

namespace {

constexpr float kNaN = NAN;

struct Fixture {
  std::vector<unsigned char> data_buffer = std::vector<unsigned char>(1 << 16);
  std::vector<unsigned char> scratch_buffer = std::vector<unsigned char>(1 << 20);
  std::vector<unsigned char> result_buffer = std::vector<unsigned char>(1 << 16);
  Arena data_arena{data_buffer.data(), data_buffer.size()};
  Arena scratch{scratch_buffer.data(), scratch_buffer.size()};
  Arena result{result_buffer.data(), result_buffer.size()};
  BinnedData binned;
  FittedTree tree;

  Status fit(const std::vector<float>& x, std::size_t cols, const std::vector<std::uint32_t>& cats,
             const std::vector<float>& y, std::uint32_t n_classes, TreeOptions o = TreeOptions{},
             const std::vector<float>& w = {}) {
    const MatrixView<const float> view{x.data(), x.size() / cols, cols, cols};
    EMBER_TRY(bin_data(view, Span<const std::uint32_t>(cats.data(), cats.size()), BinOptions{}, data_arena,
                       &binned));
    if (n_classes == 0) o.criterion = Criterion::squared_error;
    return fit_decision_tree(binned, Span<const float>(y.data(), y.size()), n_classes,
                             Span<const float>(w.data(), w.size()), o, scratch, result, &tree);
  }

  // The tree as a model file (binary or regression), run on one row.
  std::vector<float> predict(const std::vector<std::uint32_t>& cats, const std::vector<float>& row,
                             std::uint32_t n_classes) {
    const auto bytes = ember::test::write_model([&](ModelWriter& w) {
      const TreeSpec spec = tree.spec();
      const float base[3] = {0, 0, 0};
      const std::uint32_t outputs = n_classes == 0 ? 1 : n_classes;
      w.schema(
          {n_classes == 0 ? f::Task::regression : (n_classes == 2 ? f::Task::binary : f::Task::multiclass),
           n_classes, Span<const std::uint32_t>(cats.data(), cats.size())});
      w.trees({static_cast<std::uint32_t>(cats.size()), outputs, tree.leaf_width, f::Aggregation::sum,
               f::Link::identity, Span<const float>(base, outputs), Span<const TreeSpec>(&spec, 1)});
    });
    REQUIRE(bytes.status == Status::ok);
    Model m;
    REQUIRE(load_model(bytes.data(), bytes.size, &m) == Status::ok);
    std::vector<unsigned char> scratch_bytes_(scratch_bytes(m));
    std::vector<float> out(m.n_outputs);
    REQUIRE(ember::predict(m, Span<const float>(row.data(), row.size()),
                           Span<unsigned char>(scratch_bytes_.data(), scratch_bytes_.size()), Output::raw,
                           Span<float>(out.data(), out.size())) == Status::ok);
    return out;
  }
};

}  // namespace

TEST_CASE("binning: a bin per distinct value, quantiles beyond max_bins, missing and categories") {
  std::vector<unsigned char> buffer(1 << 16);
  Arena arena(buffer.data(), buffer.size());
  const std::vector<float> x = {3, 0, 1, kNaN, 1, 2, 7, 5, 7, kNaN};  // two columns, five rows
  const std::vector<std::uint32_t> cats = {0, 8};
  BinnedData b;
  REQUIRE(bin_data(MatrixView<const float>{x.data(), 5, 2, 2}, Span<const std::uint32_t>(cats.data(), 2),
                   BinOptions{}, arena, &b) == Status::ok);
  // Column 0: 3, 1, 1, 7, 7 -> distinct 1, 3, 7 -> edges 3, 7; codes 1, 0, 0, 2, 2.
  CHECK(b.features[0].n_bins == 3);
  CHECK(b.features[0].edges[0] == 3.0f);
  CHECK(b.features[0].edges[1] == 7.0f);
  CHECK(std::vector<int>(b.column(0), b.column(0) + 5) == std::vector<int>{1, 0, 0, 2, 2});
  // Column 1 is categorical with 8 codes: 0, NaN, 2, 5, NaN.
  CHECK(b.features[1].categorical);
  CHECK(std::vector<int>(b.column(1), b.column(1) + 5) ==
        std::vector<int>{0, kMissingBin, 2, 5, kMissingBin});
  // 1000 distinct values into 4 bins: edges at ranks 250, 500, 750.
  std::vector<float> many(1000);
  for (int i = 0; i < 1000; ++i) many[static_cast<std::size_t>(i)] = static_cast<float>(i);
  const std::vector<std::uint32_t> numeric = {0};
  BinOptions four;
  four.max_bins = 4;
  REQUIRE(bin_data(MatrixView<const float>{many.data(), 1000, 1, 1},
                   Span<const std::uint32_t>(numeric.data(), 1), four, arena, &b) == Status::ok);
  CHECK(b.features[0].n_bins == 4);
  CHECK(b.features[0].edges[0] == 250.0f);
  CHECK(b.features[0].edges[1] == 500.0f);
  CHECK(b.features[0].edges[2] == 750.0f);
  CHECK(b.column(0)[249] == 0);
  CHECK(b.column(0)[250] == 1);
  CHECK(b.column(0)[999] == 3);
  four.max_bins = 1;
  CHECK(bin_data(MatrixView<const float>{many.data(), 1000, 1, 1},
                 Span<const std::uint32_t>(numeric.data(), 1), four, arena, &b) == Status::bad_value);
}

TEST_CASE("binning: edges from a seeded subsample, every row coded against them") {
  // 100,000 distinct values (a shuffled 0..99999) into 4 bins, edges from
  // 2,000 drawn rows. The true quartiles are 25000, 50000, 75000; a
  // sample quantile of 2,000 draws has a standard deviation of about
  // sqrt(0.25 * 0.75 / 2000) = 0.0097 of the range, so 0.05 is 5 sigma.
  const std::size_t n = 100000;
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>((i * 7919) % n);  // 7919 is prime
  const std::vector<std::uint32_t> numeric = {0};
  std::vector<unsigned char> buffer(1 << 20);
  Arena arena(buffer.data(), buffer.size());
  BinOptions o;
  o.max_bins = 4;
  o.subsample = 2000;
  o.seed = 11;
  const MatrixView<const float> view{x.data(), n, 1, 1};
  BinnedData a, b, c, all;
  REQUIRE(binning_arena_bytes(n, 1, o) <= buffer.size());
  REQUIRE(bin_data(view, Span<const std::uint32_t>(numeric.data(), 1), o, arena, &a) == Status::ok);
  REQUIRE(a.features[0].n_bins == 4);
  for (std::uint32_t k = 0; k < 3; ++k) {
    const double quartile = 25000.0 * (k + 1);
    CHECK(std::fabs(a.features[0].edges[k] - quartile) < 0.05 * n);
  }
  // Every row, sampled or not, in the bin its value falls in.
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t expected = 0;
    while (expected < 3 && a.features[0].edges[expected] <= x[i]) ++expected;
    wrong += a.column(0)[i] == expected ? 0u : 1u;
  }
  CHECK(wrong == 0);
  // The same seed, the same edges; another seed, other edges.
  REQUIRE(bin_data(view, Span<const std::uint32_t>(numeric.data(), 1), o, arena, &b) == Status::ok);
  CHECK(std::memcmp(a.features[0].edges, b.features[0].edges, 3 * sizeof(float)) == 0);
  o.seed = 12;
  REQUIRE(bin_data(view, Span<const std::uint32_t>(numeric.data(), 1), o, arena, &c) == Status::ok);
  CHECK(std::memcmp(a.features[0].edges, c.features[0].edges, 3 * sizeof(float)) != 0);
  // Without a subsample the edges are the exact quartiles (ranks n/4...).
  o.subsample = 0;
  REQUIRE(bin_data(view, Span<const std::uint32_t>(numeric.data(), 1), o, arena, &all) == Status::ok);
  CHECK(all.features[0].edges[0] == 25000.0f);
  CHECK(all.features[0].edges[1] == 50000.0f);
  CHECK(all.features[0].edges[2] == 75000.0f);
}

TEST_CASE("one exact split: classification and regression") {
  SUBCASE("gini: x < 4 separates the classes; leaves are class shares") {
    Fixture t;
    REQUIRE(t.fit({1, 2, 3, 4, 5, 6}, 1, {0}, {0, 0, 0, 1, 1, 1}, 2) == Status::ok);
    REQUIRE(t.tree.nodes.size() == 1);
    CHECK(t.tree.nodes[0].feature == 0);
    CHECK(t.tree.nodes[0].threshold == 4.0f);  // the lowest value of the right side
    // Gini 0.5 at the root, 0 in both children: decrease 0.5.
    CHECK(t.tree.total_decrease == doctest::Approx(0.5));
    CHECK(t.predict({0}, {2.5f}, 2) == std::vector<float>{1.0f, 0.0f});
    CHECK(t.predict({0}, {4.0f}, 2) == std::vector<float>{0.0f, 1.0f});
  }
  SUBCASE("squared error: leaves are the means on each side") {
    Fixture t;
    REQUIRE(t.fit({1, 2, 3, 10, 11, 12}, 1, {0}, {1, 2, 3, 7, 8, 9}, 0, [] {
      TreeOptions o;
      o.max_depth = 1;
      return o;
    }()) == Status::ok);
    REQUIRE(t.tree.nodes.size() == 1);
    CHECK(t.tree.nodes[0].threshold == 10.0f);
    // Means 2 and 8; variance 9 + 2/3 before, 2/3 after: decrease 9.
    CHECK(t.predict({0}, {0.0f}, 0)[0] == 2.0f);
    CHECK(t.predict({0}, {100.0f}, 0)[0] == 8.0f);
    CHECK(t.tree.total_decrease == doctest::Approx(9.0));
  }
}

TEST_CASE("XOR needs two levels and gets them") {
  Fixture t;
  // (a, b) -> a xor b, each corner twice.
  const std::vector<float> x = {0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1};
  REQUIRE(t.fit(x, 2, {0, 0}, {0, 1, 1, 0, 0, 1, 1, 0}, 2) == Status::ok);
  CHECK(t.tree.nodes.size() == 3);
  CHECK(t.tree.depth == 2);
  for (int a = 0; a < 2; ++a) {
    for (int b = 0; b < 2; ++b) {
      const auto p = t.predict({0, 0}, {static_cast<float>(a), static_cast<float>(b)}, 2);
      CHECK(p[static_cast<std::size_t>(a ^ b)] == 1.0f);
    }
  }
}

TEST_CASE("missing values: the split learns where they go") {
  Fixture t;
  // x < 5 is class 0, x >= 5 class 1, and missing rows are class 1: NaN
  // must go right.
  REQUIRE(t.fit({1, 2, 3, 6, 7, kNaN, kNaN}, 1, {0}, {0, 0, 0, 1, 1, 1, 1}, 2) == Status::ok);
  REQUIRE(t.tree.nodes.size() == 1);
  CHECK_FALSE(t.tree.nodes[0].default_left);
  CHECK(t.predict({0}, {kNaN}, 2)[1] == 1.0f);
  Fixture u;  // and the other way round
  REQUIRE(u.fit({1, 2, 3, 6, 7, kNaN, kNaN}, 1, {0}, {0, 0, 0, 1, 1, 0, 0}, 2) == Status::ok);
  CHECK(u.tree.nodes[0].default_left);
  CHECK(u.predict({0}, {kNaN}, 2)[0] == 1.0f);
}

TEST_CASE("categorical features split by a subset of categories") {
  Fixture t;
  // Colors 0..3; class 1 exactly for colors 1 and 3.
  const std::vector<float> x = {0, 1, 2, 3, 0, 1, 2, 3, 1, 3};
  const std::vector<float> y = {0, 1, 0, 1, 0, 1, 0, 1, 1, 1};
  REQUIRE(t.fit(x, 1, {4}, y, 2) == Status::ok);
  REQUIRE(t.tree.nodes.size() == 1);
  const auto& cats = t.tree.nodes[0].categories;
  REQUIRE(cats.size() == 2);
  CHECK(cats[0] == 0);  // the class-0 colors go left
  CHECK(cats[1] == 2);
  for (std::uint32_t c = 0; c < 4; ++c) {
    CHECK(t.predict({4}, {static_cast<float>(c)}, 2)[c % 2] == 1.0f);
  }
}

TEST_CASE("stopping rules: max_depth, min_samples_leaf, max_leaf_nodes (best first)") {
  // y = x on 0..7: a full tree has 8 leaves.
  std::vector<float> x(8), y(8);
  for (int i = 0; i < 8; ++i)
    x[static_cast<std::size_t>(i)] = y[static_cast<std::size_t>(i)] = static_cast<float>(i);
  TreeOptions o;
  Fixture full;
  REQUIRE(full.fit(x, 1, {0}, y, 0, o) == Status::ok);
  CHECK(full.tree.nodes.size() == 7);
  o.max_depth = 2;
  Fixture shallow;
  REQUIRE(shallow.fit(x, 1, {0}, y, 0, o) == Status::ok);
  CHECK(shallow.tree.nodes.size() == 3);
  CHECK(shallow.tree.depth == 2);
  o = TreeOptions{};
  o.min_samples_leaf = 3;
  Fixture leafy;
  REQUIRE(leafy.fit(x, 1, {0}, y, 0, o) == Status::ok);
  CHECK(leafy.tree.nodes.size() == 1);  // 8 rows: only a 4/4 split... then 4 rows cannot give 3 + 3
  o = TreeOptions{};
  o.max_leaf_nodes = 3;
  Fixture budget;
  REQUIRE(budget.fit(x, 1, {0}, y, 0, o) == Status::ok);
  CHECK(budget.tree.nodes.size() == 2);
  CHECK(budget.tree.leaf_values.size() == 3);
}

TEST_CASE("decision trees are deterministic and use no heap") {
  std::vector<float> x, y;
  Rng rng(5);
  for (int i = 0; i < 300; ++i) {
    for (int j = 0; j < 5; ++j) x.push_back(static_cast<float>(rng.normal()));
    y.push_back(x[x.size() - 5] + x[x.size() - 3] > 0 ? 1.0f : 0.0f);
  }
  TreeOptions o;
  o.max_features = 2;
  o.seed = 11;
  Fixture a, b;
  const std::vector<std::uint32_t> numeric(5, 0u);
  const std::vector<float> no_weights;
  {
    ember::test::HeapGuard guard;
    REQUIRE(a.fit(x, 5, numeric, y, 2, o, no_weights) == Status::ok);
    CHECK(guard.allocations() == 0);
  }
  REQUIRE(b.fit(x, 5, numeric, y, 2, o) == Status::ok);
  REQUIRE(a.tree.nodes.size() == b.tree.nodes.size());
  for (std::size_t i = 0; i < a.tree.nodes.size(); ++i) {
    CHECK(a.tree.nodes[i].feature == b.tree.nodes[i].feature);
    CHECK(a.tree.nodes[i].threshold == b.tree.nodes[i].threshold);
    CHECK(a.tree.nodes[i].left == b.tree.nodes[i].left);
  }
  CHECK(a.scratch.used() == 0);  // every scratch byte given back
}

TEST_CASE("decision tree refusals") {
  Fixture t;
  CHECK(t.fit({1, 2}, 1, {0}, {0, 3}, 2) == Status::bad_index);
  CHECK(t.fit({1, 2}, 1, {0}, {0, 1}, 2, [] {
    TreeOptions o;
    o.criterion = Criterion::squared_error;
    return o;
  }()) == Status::bad_value);
  CHECK(t.fit({1, 2}, 1, {0}, {0, 1}, 2, TreeOptions{}, {0, 0}) == Status::empty_input);
  CHECK(t.fit({1, 2}, 1, {0}, {kNaN, 1}, 0) == Status::bad_value);
  CHECK(fit_decision_tree(t.binned, Span<const float>(), 2, {}, TreeOptions{}, t.scratch, t.scratch,
                          &t.tree) == Status::invalid_argument);
}

TEST_CASE("gradient boosting: a stump worked out by hand") {
  // x = 1, 2, 3, 10, 11, 12 with y = 1, 1, 1, 5, 5, 5. The base score is the
  // mean, 3; the gradients F - y are 2, 2, 2, -2, -2, -2 with hessians 1.
  // Split at x < 10: G_L = 6, H_L = 3, so with lambda the left leaf is
  // -6 / (3 + lambda) and the right one +6 / (3 + lambda).
  Fixture t;
  const std::vector<float> x = {1, 2, 3, 10, 11, 12}, y = {1, 1, 1, 5, 5, 5};
  const std::vector<std::uint32_t> cats = {0};
  REQUIRE(bin_data(MatrixView<const float>{x.data(), 6, 1, 1}, Span<const std::uint32_t>(cats.data(), 1),
                   BinOptions{}, t.data_arena, &t.binned) == Status::ok);
  // Quantized gradients give the same stump: +-2 and 1 are exactly 64
  // steps of the largest |g| and h, so nothing is rounded.
  for (const bool quantized : {false, true})
    for (double lambda : {0.0, 1.0}) {
      CAPTURE(quantized);
      GbdtOptions o;
      o.quantized_gradients = quantized;
      o.objective = GbdtObjective::squared_error;
      o.n_estimators = 1;
      o.learning_rate = 1.0;
      o.max_depth = 1;
      o.lambda_l2 = lambda;
      o.min_child_weight = 0.0;
      GbdtModel m;
      std::vector<double> gain(1);
      std::vector<std::uint32_t> splits(1);
      Importance imp{Span<double>(gain.data(), 1), Span<std::uint32_t>(splits.data(), 1)};
      REQUIRE(fit_gbdt(t.binned, Span<const float>(y.data(), 6), 0, {}, o, t.scratch, t.result, &m, &imp) ==
              Status::ok);
      CHECK(m.base_score[0] == 3.0f);
      REQUIRE(m.trees.size() == 1);
      REQUIRE(m.trees[0].nodes.size() == 1);
      CHECK(m.trees[0].nodes[0].threshold == 10.0f);
      CHECK(m.trees[0].leaf_values[0] == doctest::Approx(-6.0 / (3.0 + lambda)));
      CHECK(m.trees[0].leaf_values[1] == doctest::Approx(6.0 / (3.0 + lambda)));
      // gain = 1/2 (36 / (3 + lambda) + 36 / (3 + lambda) - 0)
      CHECK(gain[0] == doctest::Approx(36.0 / (3.0 + lambda)));
      CHECK(splits[0] == 1);
    }
  // Binary: the base score is the log-odds of the positive share, 2 of 6.
  const std::vector<float> labels = {0, 0, 0, 0, 1, 1};
  GbdtOptions o;
  o.n_estimators = 3;
  GbdtModel m;
  REQUIRE(fit_gbdt(t.binned, Span<const float>(labels.data(), 6), 2, {}, o, t.scratch, t.result, &m) ==
          Status::ok);
  CHECK(m.base_score[0] == doctest::Approx(std::log(0.5)));
  CHECK(m.trees.size() == 3);
  CHECK(fit_gbdt(t.binned, Span<const float>(labels.data(), 6), 3, {}, o, t.scratch, t.result, &m) ==
        Status::bad_value);
  CHECK(t.scratch.used() == 0);
}

namespace {

// Runs tasks in reverse order, and counts calls: any dependence of the
// result on the order of tasks shows up as different trees.
struct ReverseExecutor {
  int calls = 0;
  Executor executor() {
    Executor e;
    e.self = this;
    e.workers = 2;
    e.run = [](void* self, std::size_t count, Executor::Task task, void* context) {
      ++static_cast<ReverseExecutor*>(self)->calls;
      for (std::size_t i = count; i > 0; --i) task(context, i - 1);
    };
    return e;
  }
};

bool same_tree(const FittedTree& a, const FittedTree& b) {
  if (a.nodes.size() != b.nodes.size() || a.leaf_values.size() != b.leaf_values.size()) return false;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    const TreeNodeSpec &x = a.nodes[i], &y = b.nodes[i];
    if (x.left != y.left || x.right != y.right || x.feature != y.feature ||
        x.default_left != y.default_left || std::memcmp(&x.threshold, &y.threshold, sizeof(float)) != 0 ||
        x.categories.size() != y.categories.size())
      return false;
  }
  return std::memcmp(a.leaf_values.data(), b.leaf_values.data(), a.leaf_values.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("an executor changes nothing: the same trees in any task order") {
  // 6000 rows x 8 features (one categorical, 2% missing): the root is big
  // enough for parallel histogram builds, scans and partitions.
  const std::size_t n = 6000, d = 8;
  std::vector<float> x(n * d), y(n), labels(n);
  Rng rng(11);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      float v = j == d - 1 ? static_cast<float>(rng.below(6)) : static_cast<float>(rng.normal());
      s += (j % 2 ? 1.0 : -0.5) * v;
      if (rng.uniform() < 0.02) v = NAN;
      x[i * d + j] = v;
    }
    y[i] = static_cast<float>(s + rng.normal());
    labels[i] = s > 0.0 ? 1.0f : 0.0f;
  }
  std::vector<std::uint32_t> cats(d, 0);
  cats[d - 1] = 6;
  std::vector<unsigned char> buf(64 << 20);
  Arena data_arena(buf.data(), 8 << 20), scratch(buf.data() + (8 << 20), 40 << 20),
      result(buf.data() + (48 << 20), 16 << 20);
  BinnedData binned;
  REQUIRE(bin_data(MatrixView<const float>{x.data(), n, d, d}, Span<const std::uint32_t>(cats.data(), d),
                   BinOptions{}, data_arena, &binned) == Status::ok);
  ReverseExecutor reverse;
  const Executor ex = reverse.executor();
  // Binning itself.
  BinOptions parallel_bins;
  parallel_bins.executor = &ex;
  BinnedData binned2;
  REQUIRE(bin_data(MatrixView<const float>{x.data(), n, d, d}, Span<const std::uint32_t>(cats.data(), d),
                   parallel_bins, data_arena, &binned2) == Status::ok);
  CHECK(std::memcmp(binned.codes.data(), binned2.codes.data(), n * d) == 0);

  SUBCASE("gradient boosting") {
    // Exact, then quantized (the rounding noise belongs to the row, not
    // the task).
    for (const bool quantized : {false, true}) {
      CAPTURE(quantized);
      GbdtOptions o;
      o.n_estimators = 5;
      o.subsample = 0.8;
      o.colsample_bytree = 0.75;
      o.seed = 5;
      o.quantized_gradients = quantized;
      GbdtModel inline_model, parallel_model;
      REQUIRE(fit_gbdt(binned, Span<const float>(labels.data(), n), 2, {}, o, scratch, result,
                       &inline_model) == Status::ok);
      o.executor = &ex;
      REQUIRE(fit_gbdt(binned, Span<const float>(labels.data(), n), 2, {}, o, scratch, result,
                       &parallel_model) == Status::ok);
      REQUIRE(inline_model.trees.size() == parallel_model.trees.size());
      for (std::size_t t = 0; t < inline_model.trees.size(); ++t)
        CHECK(same_tree(inline_model.trees[t], parallel_model.trees[t]));
    }
  }
  SUBCASE("a regression tree (histogram subtraction) and a forest-style tree (max_features)") {
    for (std::uint32_t max_features : {0u, 3u}) {
      TreeOptions o;
      o.criterion = Criterion::squared_error;
      o.max_features = max_features;
      o.seed = 2;
      FittedTree a, b;
      REQUIRE(fit_decision_tree(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &a) ==
              Status::ok);
      o.executor = &ex;
      REQUIRE(fit_decision_tree(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &b) ==
              Status::ok);
      CHECK(a.nodes.size() > 100);
      CHECK(same_tree(a, b));
    }
  }
  CHECK(reverse.calls > 0);
}

TEST_CASE("gradient boosting with absolute error: medians worked out by hand") {
  // x = 0,0,0,1,1,1; y = 1,2,10 | 20,21,100. The base score is the weighted
  // median of y: the smallest value whose cumulative weight reaches half
  // (3 of 6 rows) is 10. Residuals y - 10: -9,-8,0 | 10,11,90. The split
  // x < 1 separates the gradient signs; each leaf takes the median of its
  // residuals: -8 (left: -9,-8,0) and 11 (right: 10,11,90).
  Fixture t;
  const std::vector<float> x = {0, 0, 0, 1, 1, 1}, y = {1, 2, 10, 20, 21, 100};
  const std::vector<std::uint32_t> cats = {0};
  REQUIRE(bin_data(MatrixView<const float>{x.data(), 6, 1, 1}, Span<const std::uint32_t>(cats.data(), 1),
                   BinOptions{}, t.data_arena, &t.binned) == Status::ok);
  GbdtOptions o;
  o.objective = GbdtObjective::absolute_error;
  o.n_estimators = 1;
  o.learning_rate = 1.0;
  o.max_depth = 1;
  o.lambda_l2 = 0.0;
  o.min_child_weight = 0.0;
  GbdtModel m;
  REQUIRE(fit_gbdt(t.binned, Span<const float>(y.data(), 6), 0, {}, o, t.scratch, t.result, &m) ==
          Status::ok);
  CHECK(m.base_score[0] == 10.0f);
  REQUIRE(m.trees.size() == 1);
  REQUIRE(m.trees[0].nodes.size() == 1);
  CHECK(m.trees[0].leaf_values[0] == -8.0f);
  CHECK(m.trees[0].leaf_values[1] == 11.0f);
  // Huber with a fixed delta of 1: the gradients F - y clip to +1 on the
  // left (10 - 1, 10 - 2 are 9, 8; 10 - 10 is 0) and -1 on the right, so
  // the left leaf is -(1 + 1 + 0) / 3 and the right one -(-3) / 3 = 1.
  o.objective = GbdtObjective::huber;
  o.huber_delta = 1.0;
  REQUIRE(fit_gbdt(t.binned, Span<const float>(y.data(), 6), 0, {}, o, t.scratch, t.result, &m) ==
          Status::ok);
  CHECK(m.base_score[0] == 10.0f);
  CHECK(m.trees[0].leaf_values[0] == doctest::Approx(-2.0 / 3.0));
  CHECK(m.trees[0].leaf_values[1] == doctest::Approx(1.0));
  o.subsample = 0.0;
  CHECK(fit_gbdt(t.binned, Span<const float>(y.data(), 6), 0, {}, o, t.scratch, t.result, &m) ==
        Status::bad_value);
}

TEST_CASE("quantized gradients: exact where nothing rounds, close where it does") {
  // 150,000 rows (more than one packed flush of 65,535) x 3 features, 5%
  // missing; feature 2 takes two values, so its bins fill the packed
  // fields close to their widths. Labels are balanced exactly, so the base
  // score is 0 and the first round's gradients are exactly -1 and +1 with
  // hessians 1: every value is a whole number of the quantized steps, no
  // rounding happens, and the first tree and its gains must be the exact
  // ones bit for bit (histograms, counts, missing slots, flushes and the
  // subtraction all agree).
  const std::size_t n = 150000, d = 3;
  std::vector<float> x(n * d), y(n);
  Rng rng(3);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = i % 2 == 0 ? 1.0f : -1.0f;
    for (std::size_t j = 0; j < d; ++j) {
      float v =
          static_cast<float>(rng.normal()) + (j == 0 ? 0.3f * y[i] : 0.0f) + (j == 1 ? 0.2f * y[i] : 0.0f);
      if (j == 2) v = rng.uniform() < 0.15 - 0.1 * y[i] ? 1.0f : 0.0f;
      if (rng.uniform() < 0.05) v = NAN;
      x[i * d + j] = v;
    }
  }
  std::vector<unsigned char> buf(96 << 20);
  Arena data_arena(buf.data(), 8 << 20), scratch(buf.data() + (8 << 20), 80 << 20),
      result(buf.data() + (88 << 20), 8 << 20);
  BinnedData binned;
  const std::vector<std::uint32_t> cats(d, 0);
  REQUIRE(bin_data(MatrixView<const float>{x.data(), n, d, d}, Span<const std::uint32_t>(cats.data(), d),
                   BinOptions{}, data_arena, &binned) == Status::ok);
  GbdtOptions o;
  o.objective = GbdtObjective::squared_error;
  o.n_estimators = 1;
  o.max_depth = 4;
  GbdtModel exact, quantized;
  std::vector<double> gain(d * 2);
  std::vector<std::uint32_t> splits(d * 2);
  Importance imp_exact{Span<double>(gain.data(), d), Span<std::uint32_t>(splits.data(), d)};
  Importance imp_quantized{Span<double>(gain.data() + d, d), Span<std::uint32_t>(splits.data() + d, d)};
  REQUIRE(fit_gbdt(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &exact, &imp_exact) ==
          Status::ok);
  o.quantized_gradients = true;
  REQUIRE(fit_gbdt(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &quantized,
                   &imp_quantized) == Status::ok);
  REQUIRE(exact.base_score[0] == 0.0f);
  CHECK(exact.trees[0].nodes.size() == 15);
  CHECK(exact.trees[0].nodes[0].feature == 2);
  CHECK(same_tree(exact.trees[0], quantized.trees[0]));
  for (std::size_t j = 0; j < d; ++j) {
    CHECK(gain[j] == gain[d + j]);
    CHECK(splits[j] == splits[d + j]);
  }

  // Later rounds round: the trees differ, the fit stays as good. Mean
  // squared error on the training rows after 20 rounds, each way.
  auto mse = [&](const GbdtModel& m) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double f = m.base_score[0];
      for (const FittedTree& t : m.trees) f += *fitted_tree_leaf(t, binned, i);
      sum += (f - y[i]) * (f - y[i]);
    }
    return sum / static_cast<double>(n);
  };
  o.n_estimators = 20;
  o.quantized_gradients = false;
  REQUIRE(fit_gbdt(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &exact) == Status::ok);
  o.quantized_gradients = true;
  REQUIRE(fit_gbdt(binned, Span<const float>(y.data(), n), 0, {}, o, scratch, result, &quantized) ==
          Status::ok);
  const double e = mse(exact), q = mse(quantized);
  CHECK(e < 0.9);  // below the variance of y, 1 (0.83 when written)
  CHECK(q == doctest::Approx(e).epsilon(0.01));
  bool differ = false;
  for (std::size_t t = 0; t < exact.trees.size(); ++t)
    differ = differ || !same_tree(exact.trees[t], quantized.trees[t]);
  CHECK(differ);  // the rounding did happen
}
