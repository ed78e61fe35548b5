#include "ember/gbdt.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ember/model_format.h"
#include "ember/portable_math.h"
#include "ember/rng.h"
#include "tree_grower.h"

namespace ember {

namespace {

// Gradient statistics (G, H); XGBoost's gain and leaf formulas.
class GradientPolicy {
 public:
  // Gradients in single precision, as XGBoost's: half the memory traffic
  // of the histogram builds. Sums are in double.
  struct Record {
    float g, h;
  };
  static constexpr std::size_t kFixedWidth = 2;

  explicit GradientPolicy(const GbdtOptions& o) : o_(o) {}

  std::size_t width() const { return 2; }
  std::size_t leaf_width() const { return 1; }
  void add(double* s, const Record& r) const {
    s[0] += r.g;
    s[1] += r.h;
  }
  double mass(const double* s) const { return s[1]; }
  double threshold_l1(double g) const {
    if (g > o_.lambda_l1) return g - o_.lambda_l1;
    if (g < -o_.lambda_l1) return g + o_.lambda_l1;
    return 0.0;
  }
  double score(double g, double h) const {
    const double t = threshold_l1(g);
    return t * t / (h + o_.lambda_l2);
  }
  double node_score(const double* s) const { return score(s[0], s[1]); }
  bool splittable(const double* s) const { return s[1] >= 2.0 * o_.min_child_weight; }
  bool admissible(const double* left, const double* right) const {
    return left[1] >= o_.min_child_weight && right[1] >= o_.min_child_weight;
  }
  double gain(const double* left, const double* right, const double*, double parent) const {
    return 0.5 * (score(left[0], left[1]) + score(right[0], right[1]) - parent) - o_.min_split_gain;
  }
  double initial_best() const { return 0.0; }
  bool accept(double gain) const { return gain > 0.0; }
  // Categories by G / H: the leaf value each would get alone.
  double category_key(const double* bin, const double*) const { return bin[0] / (bin[1] + o_.lambda_l2); }
  void leaf(const double* s, float* out) const {
    out[0] = static_cast<float>(-o_.learning_rate * threshold_l1(s[0]) / (s[1] + o_.lambda_l2));
  }

 private:
  const GbdtOptions& o_;
};

using Record = GradientPolicy::Record;

constexpr std::size_t kRowBlock = 16384;  // rows per task in per-row loops

double clip_probability(double p) { return p < 1e-15 ? 1e-15 : (p > 1.0 - 1e-15 ? 1.0 - 1e-15 : p); }

bool regression(GbdtObjective o) {
  return o == GbdtObjective::squared_error || o == GbdtObjective::absolute_error || o == GbdtObjective::huber;
}

struct ValueWeight {
  double value, weight;
};

// The weighted median: the smallest value whose cumulative weight reaches
// half the total (weights > 0). Sorts p in place; equal values may swap,
// which changes nothing.
double weighted_median(ValueWeight* p, std::size_t n) {
  std::sort(p, p + n, [](const ValueWeight& a, const ValueWeight& b) { return a.value < b.value; });
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += p[i].weight;
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += p[i].weight;
    if (acc >= 0.5 * total) return p[i].value;
  }
  return n > 0 ? p[n - 1].value : 0.0;
}

// Loss of one row at scores f (k_out of them), as the validation reports it.
double row_loss(GbdtObjective o, const double* f, std::uint32_t k_out, float y, double delta) {
  switch (o) {
    case GbdtObjective::squared_error: {
      const double r = f[0] - static_cast<double>(y);
      return r * r;
    }
    case GbdtObjective::absolute_error:
      return std::fabs(f[0] - static_cast<double>(y));
    case GbdtObjective::huber: {
      const double r = std::fabs(f[0] - static_cast<double>(y));
      return r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
    }
    case GbdtObjective::binary_logloss: {
      const double p = clip_probability(portable_sigmoid(f[0]));
      return y > 0.5f ? -portable_log(p) : -portable_log(1.0 - p);
    }
    case GbdtObjective::softmax: {
      double top = f[0];
      for (std::uint32_t k = 1; k < k_out; ++k) top = f[k] > top ? f[k] : top;
      double sum = 0.0;
      for (std::uint32_t k = 0; k < k_out; ++k) sum += portable_exp(f[k] - top);
      const auto label = static_cast<std::uint32_t>(y);
      return -portable_log(clip_probability(portable_exp(f[label] - top) / sum));
    }
  }
  return 0.0;
}

Status check_target(Span<const float> target, Span<const float> weight, std::uint32_t n_classes) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    const float y = target[i];
    if (y != y || std::isinf(y)) return Status::bad_value;
    if (n_classes > 0 && !(y >= 0.0f && y < static_cast<float>(n_classes) && y == std::floor(y)))
      return Status::bad_index;
    if (!weight.empty() && !(weight[i] >= 0.0f && !std::isinf(weight[i]))) return Status::bad_value;
  }
  return Status::ok;
}

class Booster {
 public:
  Booster(const BinnedData& data, Span<const float> target, Span<const float> weight, const GbdtOptions& o,
          std::uint32_t k_out)
      : data_(data), y_(target), w_(weight), o_(o), k_(k_out), rng_(o.seed), policy_(o) {}

  Status run(Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
             const GbdtValidation* valid);

 private:
  double w(std::size_t i) const { return w_.empty() ? 1.0 : static_cast<double>(w_[i]); }
  void gradients(std::size_t begin, std::size_t end);
  Status base_scores(Arena& scratch, GbdtModel* m);
  void draw_features(Span<std::uint32_t> all, std::size_t* m);

  const BinnedData& data_;
  Span<const float> y_;
  Span<const float> w_;
  const GbdtOptions& o_;
  std::uint32_t k_;
  Rng rng_;
  GradientPolicy policy_;
  Span<std::uint32_t> positive_;  // rows of positive weight
  Span<double> scores_, g_, h_;   // n x k
  Span<double> abs_residuals_;    // huber with a quantile delta: n_pos
  double delta_ = 0.0;            // huber's delta this round
};

void Booster::gradients(std::size_t begin, std::size_t end) {
  for (std::size_t r = begin; r < end; ++r) {
    const std::size_t i = positive_[r];
    const double wi = w(i);
    const double* f = scores_.data() + i * k_;
    const double y = y_[i];
    switch (o_.objective) {
      case GbdtObjective::squared_error:
        g_[i] = wi * (f[0] - y);
        h_[i] = wi;
        break;
      case GbdtObjective::absolute_error:
        g_[i] = wi * (f[0] > y ? 1.0 : (f[0] < y ? -1.0 : 0.0));
        h_[i] = wi;
        break;
      case GbdtObjective::huber: {
        const double res = f[0] - y;
        g_[i] = wi * (res > delta_ ? delta_ : (res < -delta_ ? -delta_ : res));
        h_[i] = wi;
        break;
      }
      case GbdtObjective::binary_logloss: {
        const double q = portable_sigmoid(f[0]);
        g_[i] = wi * (q - y);
        const double hv = q * (1.0 - q);
        h_[i] = wi * (hv > 1e-16 ? hv : 1e-16);
        break;
      }
      case GbdtObjective::softmax: {
        double top = f[0];
        for (std::uint32_t k = 1; k < k_; ++k) top = f[k] > top ? f[k] : top;
        double sum = 0.0;
        for (std::uint32_t k = 0; k < k_; ++k) sum += portable_exp(f[k] - top);
        const auto label = static_cast<std::uint32_t>(y_[i]);
        for (std::uint32_t k = 0; k < k_; ++k) {
          const double q = portable_exp(f[k] - top) / sum;
          g_[i * k_ + k] = wi * (q - (k == label ? 1.0 : 0.0));
          const double hv = 2.0 * q * (1.0 - q);
          h_[i * k_ + k] = wi * (hv > 1e-16 ? hv : 1e-16);
        }
        break;
      }
    }
  }
}

Status Booster::base_scores(Arena& scratch, GbdtModel* m) {
  const std::size_t n_pos = positive_.size();
  double total_w = 0.0;
  for (std::size_t r = 0; r < n_pos; ++r) total_w += w(positive_[r]);
  if (o_.objective == GbdtObjective::absolute_error || o_.objective == GbdtObjective::huber) {
    const Arena::Marker mark = scratch.mark();
    Span<ValueWeight> pairs;
    EMBER_TRY(scratch.allocate_array(n_pos, &pairs));
    for (std::size_t r = 0; r < n_pos; ++r) pairs[r] = ValueWeight{y_[positive_[r]], w(positive_[r])};
    m->base_score[0] = static_cast<float>(weighted_median(pairs.data(), n_pos));
    scratch.rewind(mark);
    return Status::ok;
  }
  for (std::uint32_t k = 0; k < k_; ++k) {
    double acc = 0.0;
    for (std::size_t r = 0; r < n_pos; ++r) {
      const std::size_t i = positive_[r];
      acc += w(i) * (o_.objective == GbdtObjective::squared_error
                         ? static_cast<double>(y_[i])
                         : (y_[i] == static_cast<float>(k_ == 1 ? 1 : k) ? 1.0 : 0.0));
    }
    const double mean = acc / total_w;
    double base = mean;
    if (o_.objective == GbdtObjective::binary_logloss) {
      const double q = clip_probability(mean);
      base = portable_log(q / (1.0 - q));
    } else if (o_.objective == GbdtObjective::softmax) {
      base = portable_log(clip_probability(mean));
    }
    m->base_score[k] = static_cast<float>(base);
  }
  return Status::ok;
}

// A tree's features: a partial Fisher-Yates draw of colsample_bytree of
// them, ascending.
void Booster::draw_features(Span<std::uint32_t> all, std::size_t* m) {
  const std::size_t d = all.size();
  for (std::size_t j = 0; j < d; ++j) all[j] = static_cast<std::uint32_t>(j);
  std::size_t take = d;
  if (o_.colsample_bytree < 1.0) {
    take = static_cast<std::size_t>(std::floor(o_.colsample_bytree * static_cast<double>(d)));
    take = take < 1 ? 1 : take;
    for (std::size_t i = 0; i < take; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng_.below64(d - i));
      std::swap(all[i], all[j]);
    }
    std::sort(all.data(), all.data() + take);
  }
  *m = take;
}

Status Booster::run(Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
                    const GbdtValidation* valid) {
  const std::size_t n = data_.n_rows, d = data_.n_features;
  EMBER_TRY(scratch.allocate_array(n, &positive_));
  std::size_t n_pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (w(i) > 0.0) positive_[n_pos++] = static_cast<std::uint32_t>(i);
  }
  if (n_pos == 0) return Status::empty_input;
  positive_ = Span<std::uint32_t>(positive_.data(), n_pos);
  EMBER_TRY(base_scores(scratch, m));

  Span<std::uint32_t> sample, rows, features;
  Span<Record> records;
  Span<std::uint8_t> in_sample;
  Span<double> valid_scores, round_gain;
  Span<ValueWeight> pairs;
  Span<std::uint32_t> round_splits;
  EMBER_TRY(scratch.allocate_array(n * k_, &scores_));
  EMBER_TRY(scratch.allocate_array(n * k_, &g_));
  EMBER_TRY(scratch.allocate_array(n * k_, &h_));
  EMBER_TRY(scratch.allocate_array(n, &sample));
  EMBER_TRY(scratch.allocate_array(n, &rows));
  EMBER_TRY(scratch.allocate_array(n, &records));
  EMBER_TRY(scratch.allocate_array(n, &in_sample));
  EMBER_TRY(scratch.allocate_array(d, &features));
  if (o_.objective == GbdtObjective::absolute_error) {
    EMBER_TRY(scratch.allocate_array(n, &pairs));
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint32_t k = 0; k < k_; ++k) scores_[i * k_ + k] = m->base_score[k];
  }
  const std::size_t nv = valid != nullptr ? valid->data->n_rows : 0;
  const bool stopping = valid != nullptr && o_.early_stopping_rounds > 0;
  double valid_w = 0.0;
  if (valid != nullptr) {
    EMBER_TRY(scratch.allocate_array(nv * k_, &valid_scores));
    EMBER_TRY(result.allocate_array(o_.n_estimators, &m->validation_loss));
    for (std::size_t i = 0; i < nv; ++i) {
      for (std::uint32_t k = 0; k < k_; ++k) valid_scores[i * k_ + k] = m->base_score[k];
      valid_w += valid->sample_weight.empty() ? 1.0 : static_cast<double>(valid->sample_weight[i]);
    }
    if (!(valid_w > 0.0)) return Status::empty_input;
  }
  if (importance != nullptr && stopping) {
    // Importances per round, so that rounds after the best one can be left out.
    EMBER_TRY(scratch.allocate_array(std::size_t{o_.n_estimators} * d, &round_gain));
    EMBER_TRY(scratch.allocate_array(std::size_t{o_.n_estimators} * d, &round_splits));
  }

  detail::GrowOptions g;
  g.max_depth = o_.max_depth;
  g.max_leaves = o_.max_leaves;
  g.min_samples_split = 2;
  g.min_samples_leaf = o_.min_data_in_leaf;
  g.executor = o_.executor;

  double best_loss = 0.0;
  std::uint32_t best_round = 0, round = 0;
  if (o_.objective == GbdtObjective::huber && o_.huber_delta == 0.0) {
    EMBER_TRY(scratch.allocate_array(n_pos, &abs_residuals_));
  }
  delta_ = o_.huber_delta;
  for (; round < o_.n_estimators; ++round) {
    if (!abs_residuals_.empty()) {
      // The quantile of |y - F| over the rows (unweighted), by selection.
      for (std::size_t r = 0; r < n_pos; ++r) {
        const std::size_t i = positive_[r];
        abs_residuals_[r] = std::fabs(static_cast<double>(y_[i]) - scores_[i]);
      }
      const auto at = static_cast<std::size_t>(o_.huber_quantile * static_cast<double>(n_pos - 1));
      std::nth_element(abs_residuals_.data(), abs_residuals_.data() + at, abs_residuals_.data() + n_pos);
      delta_ = abs_residuals_[at] > 0.0 ? abs_residuals_[at] : 1e-12;
    }
    auto grad = [this](std::size_t b, std::size_t e) { gradients(b, e); };
    parallel_ranges(o_.executor, n_pos, kRowBlock, grad);
    // The round's sample.
    std::size_t n_rows = 0;
    for (std::size_t r = 0; r < n_pos; ++r) {
      const std::uint32_t i = positive_[r];
      const bool take = o_.subsample >= 1.0 || rng_.uniform() < o_.subsample;
      in_sample[i] = take ? 1 : 0;
      if (take) sample[n_rows++] = i;
    }
    if (n_rows == 0) {  // a tiny subsample still grows a tree
      sample[n_rows++] = positive_[0];
      in_sample[positive_[0]] = 1;
    }
    for (std::uint32_t k = 0; k < k_; ++k) {
      const std::size_t at = std::size_t{round} * k_ + k;
      std::size_t n_features = d;
      draw_features(features, &n_features);
      g.features = n_features < d ? Span<const std::uint32_t>(features.data(), n_features)
                                  : Span<const std::uint32_t>();
      g.max_features = 0;
      if (o_.colsample_bynode < 1.0) {
        const auto per_node =
            static_cast<std::uint32_t>(std::floor(o_.colsample_bynode * static_cast<double>(n_features)));
        g.max_features = per_node < 1 ? 1 : per_node;
      }
      g.seed = rng_.next_u64();
      // The grower permutes rows and records: each tree starts from the sample.
      for (std::size_t r = 0; r < n_rows; ++r) {
        const std::size_t i = sample[r];
        rows[r] = sample[r];
        records[r] = Record{static_cast<float>(g_[i * k_ + k]), static_cast<float>(h_[i * k_ + k])};
      }
      Importance* imp = importance;
      Importance local;
      if (importance != nullptr && stopping) {
        local.gain = Span<double>(round_gain.data() + std::size_t{round} * d, d);
        local.splits = Span<std::uint32_t>(round_splits.data() + std::size_t{round} * d, d);
        imp = &local;
      }
      const Arena::Marker tree_start = scratch.mark();
      detail::Grower<GradientPolicy> grower(data_, policy_, g);
      Status s = grower.grow(Span<std::uint32_t>(rows.data(), n_rows), Span<Record>(records.data(), n_rows),
                             scratch, result, &m->trees[at], imp);
      if (s != Status::ok) return s;
      m->output[at] = k;
      FittedTree& tree = m->trees[at];
      const Span<const detail::LeafRange> ranges = grower.leaves();
      if (o_.objective == GbdtObjective::absolute_error) {
        // Leaves at the weighted median of their residuals.
        for (std::size_t leaf = 0; leaf < ranges.size(); ++leaf) {
          std::size_t c = 0;
          for (std::uint32_t r = ranges[leaf].begin; r < ranges[leaf].end; ++r) {
            const std::size_t i = rows[r];
            pairs[c++] = ValueWeight{static_cast<double>(y_[i]) - scores_[i], w(i)};
          }
          tree.leaf_values[leaf] = static_cast<float>(o_.learning_rate * weighted_median(pairs.data(), c));
        }
      }
      // Scores: the sample by its leaves, the other rows routed through the tree.
      for (std::size_t leaf = 0; leaf < ranges.size(); ++leaf) {
        const double v = tree.leaf_values[leaf];
        for (std::uint32_t r = ranges[leaf].begin; r < ranges[leaf].end; ++r) scores_[rows[r] * k_ + k] += v;
      }
      if (n_rows < n_pos) {
        for (std::size_t r = 0; r < n_pos; ++r) {
          const std::size_t i = positive_[r];
          if (in_sample[i] == 0) scores_[i * k_ + k] += *fitted_tree_leaf(tree, data_, i);
        }
      }
      for (std::size_t i = 0; i < nv; ++i) {
        valid_scores[i * k_ + k] += *fitted_tree_leaf(tree, *valid->data, i);
      }
      scratch.rewind(tree_start);
    }
    if (valid != nullptr) {
      double loss = 0.0;
      for (std::size_t i = 0; i < nv; ++i) {
        const double wi = valid->sample_weight.empty() ? 1.0 : static_cast<double>(valid->sample_weight[i]);
        if (wi > 0.0)
          loss += wi * row_loss(o_.objective, valid_scores.data() + i * k_, k_, valid->target[i], delta_);
      }
      loss /= valid_w;
      m->validation_loss[round] = loss;
      if (round == 0 || loss < best_loss) {
        best_loss = loss;
        best_round = round;
      }
      if (stopping && round - best_round >= o_.early_stopping_rounds) {
        ++round;
        break;
      }
    }
  }
  m->rounds_run = round;
  m->rounds = stopping ? best_round + 1 : round;
  if (importance != nullptr && stopping) {
    for (std::size_t r = 0; r < m->rounds; ++r) {
      for (std::size_t j = 0; j < d; ++j) {
        importance->gain[j] += round_gain[r * d + j];
        importance->splits[j] += round_splits[r * d + j];
      }
    }
  }
  m->trees = Span<FittedTree>(m->trees.data(), std::size_t{m->rounds} * k_);
  m->output = Span<std::uint32_t>(m->output.data(), std::size_t{m->rounds} * k_);
  if (valid != nullptr) m->validation_loss = Span<double>(m->validation_loss.data(), m->rounds_run);
  return Status::ok;
}

}  // namespace

Status fit_gbdt(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                Span<const float> sample_weight, const GbdtOptions& o, Arena& scratch, Arena& result,
                GbdtModel* out, Importance* importance, const GbdtValidation* validation) noexcept {
  if (out == nullptr || &scratch == &result) return Status::invalid_argument;
  const std::size_t n = data.n_rows, d = data.n_features;
  if (target.size() != n || (!sample_weight.empty() && sample_weight.size() != n))
    return Status::shape_mismatch;
  if (importance != nullptr && (importance->gain.size() != d || importance->splits.size() != d)) {
    return Status::shape_mismatch;
  }
  const bool ok_objective = (regression(o.objective) && n_classes == 0) ||
                            (o.objective == GbdtObjective::binary_logloss && n_classes == 2) ||
                            (o.objective == GbdtObjective::softmax && n_classes >= 3);
  if (!ok_objective || o.n_estimators == 0 || !(o.learning_rate > 0.0) || !(o.lambda_l2 >= 0.0) ||
      !(o.lambda_l1 >= 0.0) || !(o.min_split_gain >= 0.0) || !(o.min_child_weight >= 0.0) ||
      o.min_data_in_leaf == 0 || o.max_depth >= format::kMaxTreeDepth || o.max_leaves == 1 ||
      !(o.huber_delta >= 0.0) || !(o.huber_quantile > 0.0 && o.huber_quantile < 1.0) ||
      !(o.subsample > 0.0 && o.subsample <= 1.0) ||
      !(o.colsample_bytree > 0.0 && o.colsample_bytree <= 1.0) ||
      !(o.colsample_bynode > 0.0 && o.colsample_bynode <= 1.0) ||
      static_cast<unsigned>(o.objective) > static_cast<unsigned>(GbdtObjective::huber)) {
    return Status::bad_value;
  }
  if (n > 0 && ((n - 1) >> 31) >> 1 != 0) return Status::size_overflow;
  EMBER_TRY(check_target(target, sample_weight, n_classes));
  if (validation != nullptr) {
    if (validation->data == nullptr) return Status::invalid_argument;
    const BinnedData& v = *validation->data;
    if (v.n_features != d || validation->target.size() != v.n_rows ||
        (!validation->sample_weight.empty() && validation->sample_weight.size() != v.n_rows)) {
      return Status::shape_mismatch;
    }
    if (v.n_rows == 0) return Status::empty_input;
    for (std::size_t j = 0; j < d; ++j) {
      if (v.features[j].n_bins != data.features[j].n_bins ||
          v.features[j].categorical != data.features[j].categorical)
        return Status::shape_mismatch;
    }
    EMBER_TRY(check_target(validation->target, validation->sample_weight, n_classes));
  }
  const std::uint32_t k_out = o.objective == GbdtObjective::softmax ? n_classes : 1u;
  GbdtModel m;
  m.outputs = k_out;
  EMBER_TRY(result.allocate_array(k_out, &m.base_score));
  EMBER_TRY(result.allocate_objects(std::size_t{o.n_estimators} * k_out, &m.trees));
  EMBER_TRY(result.allocate_array(std::size_t{o.n_estimators} * k_out, &m.output));
  const Arena::Marker start = scratch.mark();
  Booster booster(data, target, sample_weight, o, k_out);
  const Status s = booster.run(scratch, result, &m, importance, validation);
  scratch.rewind(start);
  if (s == Status::ok) *out = m;
  return s;
}

}  // namespace ember
