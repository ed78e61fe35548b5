// Random tree ensembles and linear models for tests, fuzz seeds and
// benchmarks: valid by construction, deterministic for a seed.
#ifndef EMBER_TEST_RANDOM_MODEL_H
#define EMBER_TEST_RANDOM_MODEL_H

#include <cstdint>
#include <limits>
#include <vector>

#include "ember/writer/model_writer.h"
#include "ember/rng.h"
#include "model_bytes.h"

namespace ember::test {

struct RandomForestShape {
  std::uint32_t n_features = 8;
  std::uint32_t n_trees = 10;
  std::uint32_t max_depth = 4;  // internal levels
  std::uint32_t n_outputs = 1;  // with leaf_width 1, trees cycle through the outputs
  std::uint32_t leaf_width = 1;
  std::uint32_t categorical_every = 0;  // every k-th feature categorical (0: none)
  format::Task task = format::Task::regression;
  format::Link link = format::Link::identity;
  format::Aggregation aggregation = format::Aggregation::sum;
  bool with_pipeline = false;  // an impute + affine pipeline in front
  bool full = false;           // every tree complete to max_depth (as boosting grows them)
};

// Owns every array a TreeEnsembleSpec points into.
struct RandomEnsemble {
  std::vector<std::vector<TreeNodeSpec>> nodes;
  std::vector<std::vector<float>> leaves;
  std::vector<std::vector<std::uint32_t>> category_sets;
  std::vector<TreeSpec> trees;
  std::vector<float> base;
  std::vector<std::uint32_t> n_categories;
  std::vector<float> fill, offset, scale;
};

inline void grow(RandomEnsemble& e, const RandomForestShape& s, Rng& rng, std::vector<TreeNodeSpec>& nodes,
                 std::vector<float>& leaves, std::int32_t* ref, std::uint32_t depth) {
  const bool split = depth < s.max_depth && (s.full || depth < 2 || rng.below(4) != 0);
  if (!split) {
    *ref = -static_cast<std::int32_t>(leaves.size() / s.leaf_width) - 1;
    for (std::uint32_t k = 0; k < s.leaf_width; ++k) leaves.push_back(static_cast<float>(rng.normal()));
    return;
  }
  const auto index = static_cast<std::int32_t>(nodes.size());
  *ref = index;
  nodes.emplace_back();
  TreeNodeSpec n;
  n.feature = rng.below(s.n_features);
  n.default_left = rng.below(2) == 0;
  if (e.n_categories[n.feature] > 0) {
    e.category_sets.emplace_back();
    for (std::uint32_t c = 0; c < e.n_categories[n.feature]; ++c) {
      if (rng.below(2)) e.category_sets.back().push_back(c);
    }
    if (e.category_sets.back().empty()) e.category_sets.back().push_back(0);
  } else {
    n.threshold = static_cast<float>(rng.normal());
  }
  std::int32_t left = 0, right = 0;
  grow(e, s, rng, nodes, leaves, &left, depth + 1);
  grow(e, s, rng, nodes, leaves, &right, depth + 1);
  n.left = left;
  n.right = right;
  nodes[static_cast<std::size_t>(index)] = n;
}

inline RandomEnsemble random_ensemble(const RandomForestShape& s, std::uint64_t seed) {
  RandomEnsemble e;
  Rng rng(seed);
  for (std::uint32_t j = 0; j < s.n_features; ++j) {
    e.n_categories.push_back(s.categorical_every && j % s.categorical_every == 0 ? 5 + j % 7 : 0);
  }
  e.category_sets.reserve(size_t{1} << 20);  // spans into it must stay valid
  e.nodes.resize(s.n_trees);
  e.leaves.resize(s.n_trees);
  for (std::uint32_t t = 0; t < s.n_trees; ++t) {
    std::int32_t root = 0;
    grow(e, s, rng, e.nodes[t], e.leaves[t], &root, 0);
  }
  // Categorical sets were appended in a separate vector; attach them in order.
  std::size_t next_set = 0;
  for (std::uint32_t t = 0; t < s.n_trees; ++t) {
    for (auto& n : e.nodes[t]) {
      if (e.n_categories[n.feature] > 0) {
        const auto& set = e.category_sets[next_set++];
        n.categories = Span<const std::uint32_t>(set.data(), set.size());
      }
    }
  }
  for (std::uint32_t t = 0; t < s.n_trees; ++t) {
    e.trees.push_back(TreeSpec{Span<const TreeNodeSpec>(e.nodes[t].data(), e.nodes[t].size()),
                               Span<const float>(e.leaves[t].data(), e.leaves[t].size()),
                               s.leaf_width == 1 ? t % s.n_outputs : 0});
  }
  e.base.assign(s.n_outputs, 0.25f);
  e.fill.assign(s.n_features, 0.0f);
  e.offset.assign(s.n_features, 0.5f);
  e.scale.assign(s.n_features, 2.0f);
  for (std::uint32_t j = 0; j < s.n_features; ++j) {
    if (e.n_categories[j] > 0) e.scale[j] = 1.0f, e.offset[j] = 0.0f;  // keep codes intact
  }
  return e;
}

// Writes a random ensemble of the given shape.
inline ModelBytes random_tree_model(const RandomForestShape& s, std::uint64_t seed) {
  const RandomEnsemble e = random_ensemble(s, seed);
  return write_model([&](ModelWriter& w) {
    const std::uint32_t n_classes = s.task == format::Task::regression ? 0
                                    : s.task == format::Task::binary   ? 2
                                                                       : s.n_outputs;
    w.schema({s.task, n_classes, Span<const std::uint32_t>(e.n_categories.data(), e.n_categories.size())});
    if (s.with_pipeline) {
      w.impute(Span<const float>(e.fill.data(), e.fill.size()), {});
      w.affine(Span<const float>(e.offset.data(), e.offset.size()),
               Span<const float>(e.scale.data(), e.scale.size()));
    }
    w.trees({s.n_features, s.n_outputs, s.leaf_width, s.aggregation, s.link,
             Span<const float>(e.base.data(), e.base.size()),
             Span<const TreeSpec>(e.trees.data(), e.trees.size())});
    static const char kKey[] = "target";
    static const char kValue[] = "y";
    w.metadata_string({kKey, 6}, {kValue, 1});
  });
}

// Random input rows: numbers ~ N(0, 1) with some NaN; codes for categoricals.
inline std::vector<float> random_rows(const RandomForestShape& s, std::size_t n_rows, std::uint64_t seed,
                                      const std::vector<std::uint32_t>& n_categories,
                                      std::uint32_t nan_percent = 5) {
  Rng rng(seed);
  std::vector<float> rows(n_rows * s.n_features);
  for (std::size_t r = 0; r < n_rows; ++r) {
    for (std::uint32_t j = 0; j < s.n_features; ++j) {
      float v = static_cast<float>(rng.normal());
      if (n_categories[j] > 0) v = static_cast<float>(rng.below(n_categories[j] + 2));  // some unknown
      if (rng.below(100) < nan_percent) v = std::numeric_limits<float>::quiet_NaN();
      rows[r * s.n_features + j] = v;
    }
  }
  return rows;
}

}  // namespace ember::test

#endif  // EMBER_TEST_RANDOM_MODEL_H
