// fit_forest (include/ember/forest.h): each tree is the documented
// fit_decision_tree call (its seed, its bootstrap), no heap, the same bits
// with and without an executor, the out-of-bag score against a computation
// of its own, and the refusals.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "ember/base/arena.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/forest.h"
#include "ember/rng.h"
#include "heap_guard.h"

using namespace ember;

namespace {

// Rows x features with one categorical feature (codes 0..3) and 3% missing
// cells; a class label (3 classes) and a value, both noisy functions of x.
struct Data {
  static constexpr std::size_t n = 400, d = 5;
  std::vector<float> x = std::vector<float>(n * d), labels = std::vector<float>(n),
                     values = std::vector<float>(n);
  std::vector<std::uint32_t> cats = {0, 0, 0, 0, 4};
  std::vector<float> weight = std::vector<float>(n);
  std::vector<unsigned char> buffer = std::vector<unsigned char>(1 << 20);
  Arena arena{buffer.data(), buffer.size()};
  BinnedData binned;

  Data() {
    Rng rng(3);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        float v = j == 4 ? static_cast<float>(rng.below(4)) : static_cast<float>(rng.normal());
        x[i * d + j] = rng.uniform() < 0.03 ? NAN : v;
      }
      const auto at = [&](std::size_t j) { return x[i * d + j] == x[i * d + j] ? x[i * d + j] : 0.0f; };
      const double s = at(0) - 0.7 * at(1) + (at(4) == 2.0f ? 1.0 : 0.0) + 0.6 * rng.normal();
      labels[i] = s < -0.5 ? 0.0f : (s < 0.6 ? 1.0f : 2.0f);
      values[i] = static_cast<float>(2.0 * at(2) + s);
      weight[i] = labels[i] == 2.0f ? 1.5f : 0.75f;
    }
    REQUIRE(bin_data(MatrixView<const float>{x.data(), n, d, d}, Span<const std::uint32_t>(cats.data(), d),
                     BinOptions{}, arena, &binned) == Status::ok);
  }
};

// Arenas over one buffer each, allocated before any heap guard starts.
struct Arenas {
  explicit Arenas(std::size_t bytes = 4 << 20) : a(bytes), b(bytes) {}
  std::vector<unsigned char> a, b;
  Arena scratch{a.data(), a.size()}, result{b.data(), b.size()};
};

// Runs the tasks last first, as no thread pool would: a forest that
// depended on the order would come out different.
struct ReverseExecutor {
  int calls = 0;
  Executor executor(unsigned workers) {
    Executor e;
    e.self = this;
    e.workers = workers;
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
    for (std::size_t c = 0; c < x.categories.size(); ++c)
      if (x.categories[c] != y.categories[c]) return false;
  }
  return std::memcmp(a.leaf_values.data(), b.leaf_values.data(), a.leaf_values.size() * sizeof(float)) == 0;
}

// The header's bootstrap of tree t, as counts.
std::vector<float> bootstrap_counts(std::uint64_t tree_seed, std::size_t n) {
  std::vector<float> counts(n, 0.0f);
  Rng draw(tree_seed, 1);
  for (std::size_t i = 0; i < n; ++i) counts[static_cast<std::size_t>(draw.below64(n))] += 1.0f;
  return counts;
}

// The leaf row `row` of raw x reaches, by the model format's rule
// (x < threshold goes left, categories in the set go left, NaN to the
// default side), not through the binned data.
const float* leaf_of(const FittedTree& tree, const Data& data, std::size_t row) {
  std::int32_t at = 0;
  while (!tree.nodes.empty() && at >= 0) {
    const TreeNodeSpec& node = tree.nodes[static_cast<std::size_t>(at)];
    const float v = data.x[row * Data::d + node.feature];
    bool left = node.default_left;
    if (v == v) {
      if (node.categories.empty()) {
        left = v < node.threshold;
      } else {
        left = false;
        for (std::uint32_t c : node.categories) left = left || static_cast<float>(c) == v;
      }
    }
    at = left ? node.left : node.right;
  }
  const std::size_t leaf = tree.nodes.empty() ? 0 : static_cast<std::size_t>(-at - 1);
  return tree.leaf_values.data() + leaf * tree.leaf_width;
}

struct Fit {
  ForestModel model;
  std::vector<double> gain = std::vector<double>(Data::d, 0.0);
  std::vector<std::uint32_t> splits = std::vector<std::uint32_t>(Data::d, 0);
  Status status = Status::ok;
};

// Fits into *f, whose vectors exist already: nothing here allocates.
void fit(const Data& data, const std::vector<float>& y, std::uint32_t n_classes, const std::vector<float>& w,
         const ForestOptions& o, Arenas& arenas, Fit* f) {
  Importance imp{Span<double>(f->gain.data(), Data::d), Span<std::uint32_t>(f->splits.data(), Data::d)};
  f->status =
      fit_forest(data.binned, Span<const float>(y.data(), y.size()), n_classes,
                 Span<const float>(w.data(), w.size()), o, arenas.scratch, arenas.result, &f->model, &imp);
}

ForestOptions options(std::uint32_t n_classes, bool extra) {
  ForestOptions o;
  o.n_estimators = 9;
  o.seed = 21;
  o.oob_score = !extra;
  o.bootstrap = !extra;
  o.tree.criterion = n_classes > 0 ? Criterion::gini : Criterion::squared_error;
  o.tree.max_features = n_classes > 0 ? 2 : 0;
  o.tree.random_splits = extra;
  o.tree.min_samples_leaf = 2;
  return o;
}

}  // namespace

TEST_CASE("forest: each tree is fit_decision_tree with its seed and its bootstrap, and no heap") {
  Data data;
  for (const std::uint32_t n_classes : {3u, 0u}) {
    for (const bool weighted : {false, true}) {
      CAPTURE(n_classes);
      CAPTURE(weighted);
      const std::vector<float>& y = n_classes > 0 ? data.labels : data.values;
      const std::vector<float> w = weighted ? data.weight : std::vector<float>{};
      const ForestOptions o = options(n_classes, false);
      Arenas arenas;
      Fit f;
      {
        ember::test::HeapGuard guard;
        fit(data, y, n_classes, w, o, arenas, &f);
        CHECK(guard.allocations() == 0);
      }
      REQUIRE(f.status == Status::ok);
      CHECK(arenas.scratch.used() == 0);  // every scratch byte given back
      REQUIRE(f.model.trees.size() == o.n_estimators);
      // Independently: seeds drawn up front, then each tree on its own.
      Rng rng(o.seed);
      std::vector<double> gain(Data::d, 0.0);
      std::vector<std::uint32_t> splits(Data::d, 0);
      Arenas mine;
      for (std::size_t t = 0; t < o.n_estimators; ++t) {
        TreeOptions to = o.tree;
        to.seed = rng.next_u64();
        std::vector<float> weights = bootstrap_counts(to.seed, Data::n);
        for (std::size_t i = 0; i < Data::n && weighted; ++i) weights[i] = w[i] * weights[i];
        std::vector<double> tree_gain(Data::d, 0.0);
        std::vector<std::uint32_t> tree_splits(Data::d, 0);
        Importance imp{Span<double>(tree_gain.data(), Data::d),
                       Span<std::uint32_t>(tree_splits.data(), Data::d)};
        FittedTree tree;
        REQUIRE(fit_decision_tree(data.binned, Span<const float>(y.data(), y.size()), n_classes,
                                  Span<const float>(weights.data(), weights.size()), to, mine.scratch,
                                  mine.result, &tree, &imp) == Status::ok);
        CHECK(same_tree(tree, f.model.trees[t]));
        for (std::size_t j = 0; j < Data::d; ++j) {
          gain[j] += tree_gain[j];
          splits[j] += tree_splits[j];
        }
      }
      CHECK(std::memcmp(gain.data(), f.gain.data(), sizeof(double) * Data::d) == 0);
      CHECK(splits == f.splits);
    }
  }
}

TEST_CASE("forest: the same bits with and without an executor, in any task order") {
  Data data;
  for (const std::uint32_t n_classes : {3u, 0u}) {
    for (const bool extra : {false, true}) {
      CAPTURE(n_classes);
      CAPTURE(extra);
      const std::vector<float>& y = n_classes > 0 ? data.labels : data.values;
      ForestOptions o = options(n_classes, extra);
      Arenas inline_arenas;
      Fit a, b, c, d;
      fit(data, y, n_classes, data.weight, o, inline_arenas, &a);
      REQUIRE(a.status == Status::ok);
      // Three lanes (two besides scratch and result), tasks run last first;
      // then a lane per tree (as the host runs it); then one lane, whose
      // trees get the executor for their split search.
      ReverseExecutor reverse;
      const Executor ex = reverse.executor(3);
      Arenas arenas, lane1, lane2;
      const ForestLane lanes[2] = {{&lane1.scratch, &lane1.result}, {&lane2.scratch, &lane2.result}};
      unsigned tree_calls = 0;
      o.executor = &ex;
      o.lanes = Span<const ForestLane>(lanes, 2);
      o.on_tree = [](void* context, std::uint32_t) { ++*static_cast<unsigned*>(context); };
      o.on_tree_context = &tree_calls;
      {
        ember::test::HeapGuard guard;
        fit(data, y, n_classes, data.weight, o, arenas, &b);
        CHECK(guard.allocations() == 0);
      }
      REQUIRE(b.status == Status::ok);
      CHECK(reverse.calls > 0);
      CHECK(tree_calls == o.n_estimators);
      CHECK(lane1.result.used() > 0);  // the lanes did fit trees
      CHECK(lane2.scratch.used() == 0);
      std::vector<std::unique_ptr<Arenas>> per_tree;
      std::vector<ForestLane> tree_lanes;
      for (std::size_t t = 0; t < o.n_estimators; ++t) per_tree.push_back(std::make_unique<Arenas>(1 << 20));
      for (std::size_t t = 1; t < o.n_estimators; ++t)
        tree_lanes.push_back(ForestLane{&per_tree[t]->scratch, &per_tree[t]->result});
      o.lanes = Span<const ForestLane>(tree_lanes.data(), tree_lanes.size());
      fit(data, y, n_classes, data.weight, o, *per_tree[0], &d);
      REQUIRE(d.status == Status::ok);
      CHECK(per_tree[o.n_estimators - 1]->result.used() > 0);
      o.lanes = Span<const ForestLane>();
      Arenas one_lane;
      fit(data, y, n_classes, data.weight, o, one_lane, &c);
      REQUIRE(c.status == Status::ok);
      for (const Fit* other : {&b, &c, &d}) {
        REQUIRE(other->model.trees.size() == a.model.trees.size());
        for (std::size_t t = 0; t < a.model.trees.size(); ++t)
          CHECK(same_tree(a.model.trees[t], other->model.trees[t]));
        CHECK(std::memcmp(a.gain.data(), other->gain.data(), sizeof(double) * Data::d) == 0);
        CHECK(a.splits == other->splits);
        CHECK(a.model.oob_rows == other->model.oob_rows);
        CHECK(std::memcmp(&a.model.oob_score, &other->model.oob_score, sizeof(double)) == 0);
      }
    }
  }
}

TEST_CASE("forest: the out-of-bag score, computed here from the trees and the raw rows") {
  Data data;
  for (const std::uint32_t n_classes : {3u, 0u}) {
    CAPTURE(n_classes);
    const std::vector<float>& y = n_classes > 0 ? data.labels : data.values;
    ForestOptions o = options(n_classes, false);
    o.n_estimators = 5;  // few trees: some rows are in every bootstrap
    Arenas arenas;
    Fit f;
    fit(data, y, n_classes, {}, o, arenas, &f);
    REQUIRE(f.status == Status::ok);
    const std::size_t width = n_classes > 0 ? n_classes : 1;
    std::vector<double> sum(Data::n * width, 0.0);
    std::vector<int> votes(Data::n, 0);
    Rng rng(o.seed);
    for (std::size_t t = 0; t < o.n_estimators; ++t) {
      const std::vector<float> counts = bootstrap_counts(rng.next_u64(), Data::n);
      for (std::size_t i = 0; i < Data::n; ++i) {
        if (counts[i] > 0.0f) continue;
        const float* leaf = leaf_of(f.model.trees[t], data, i);
        for (std::size_t c = 0; c < width; ++c) sum[i * width + c] += leaf[c];
        ++votes[i];
      }
    }
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < Data::n; ++i)
      if (votes[i] > 0) rows.push_back(i);
    REQUIRE(rows.size() < Data::n);  // (0.63^5: about 10 rows in every bootstrap)
    CHECK(f.model.oob_rows == rows.size());
    double expected = 0.0;
    if (n_classes > 0) {
      for (std::size_t i : rows) {
        std::size_t best = 0;
        for (std::size_t c = 1; c < width; ++c)
          if (sum[i * width + c] > sum[i * width + best]) best = c;
        expected += best == static_cast<std::size_t>(y[i]) ? 1.0 : 0.0;
      }
      expected /= static_cast<double>(rows.size());
      CHECK(expected > 0.45);  // above the 1/3 of guessing (5 trees, noisy labels)
    } else {
      double mean = 0.0, sse = 0.0, sst = 0.0;
      for (std::size_t i : rows) mean += y[i];
      mean /= static_cast<double>(rows.size());
      for (std::size_t i : rows) {
        const double r = sum[i] / votes[i] - y[i];
        sse += r * r;
        sst += (y[i] - mean) * (y[i] - mean);
      }
      expected = 1.0 - sse / sst;
      CHECK(expected > 0.5);
    }
    CHECK(f.model.oob_score == doctest::Approx(expected).epsilon(1e-12));
  }
  // Without oob_score: NaN and no rows.
  Arenas arenas;
  ForestOptions o = options(3, false);
  o.oob_score = false;
  Fit f;
  fit(data, data.labels, 3, {}, o, arenas, &f);
  REQUIRE(f.status == Status::ok);
  CHECK(std::isnan(f.model.oob_score));
  CHECK(f.model.oob_rows == 0);
}

TEST_CASE("forest: refusals, and a failed fit keeps nothing") {
  Data data;
  Arenas arenas, lane;
  const Span<const float> y(data.labels.data(), Data::n);
  ForestModel model;
  ForestOptions o = options(3, false);
  const auto run = [&](const ForestOptions& opts, Span<const float> target = Span<const float>()) {
    return fit_forest(data.binned, target.empty() ? y : target, 3, {}, opts, arenas.scratch, arenas.result,
                      &model);
  };
  ForestOptions bad = o;
  bad.n_estimators = 0;
  CHECK(run(bad) == Status::bad_value);
  bad = o;
  bad.bootstrap = false;  // oob_score without bootstrap: no row is left out
  CHECK(run(bad) == Status::bad_value);
  CHECK(run(o, Span<const float>(data.labels.data(), Data::n - 1)) == Status::shape_mismatch);
  CHECK(fit_forest(data.binned, y, 3, {}, o, arenas.scratch, arenas.scratch, &model) ==
        Status::invalid_argument);
  CHECK(fit_forest(data.binned, y, 3, {}, o, arenas.scratch, arenas.result, nullptr) ==
        Status::invalid_argument);
  // A lane sharing an arena, or missing one.
  ForestLane shared[1] = {{&lane.scratch, &arenas.result}};
  bad = o;
  bad.lanes = Span<const ForestLane>(shared, 1);
  CHECK(run(bad) == Status::invalid_argument);
  shared[0] = ForestLane{&lane.scratch, nullptr};
  CHECK(run(bad) == Status::invalid_argument);
  // A tree's own refusal comes back: a class code out of range.
  std::vector<float> wrong(data.labels);
  wrong[7] = 3.0f;
  CHECK(run(o, Span<const float>(wrong.data(), wrong.size())) == Status::bad_index);
  // Out of memory at a later tree: the result arena is as it was, *out untouched.
  std::vector<unsigned char> small(8 << 10);
  Arena tight(small.data(), small.size());
  unsigned fitted = 0;
  ForestOptions counted = o;
  counted.on_tree = [](void* context, std::uint32_t) { ++*static_cast<unsigned*>(context); };
  counted.on_tree_context = &fitted;
  CHECK(fit_forest(data.binned, y, 3, {}, counted, arenas.scratch, tight, &model) == Status::out_of_memory);
  CHECK(fitted > 0);
  CHECK(fitted < o.n_estimators);
  CHECK(tight.used() == 0);
  CHECK(arenas.scratch.used() == 0);
  CHECK(model.trees.empty());
}
