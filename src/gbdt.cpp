#include "ember/gbdt.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ember/base/portable_math.h"
#include "ember/rng.h"
#include "ember/runtime/model_format.h"
#include "gbdt_objective.h"
#include "gbdt_policies.h"
#include "runtime/category_code.h"
#include "softmax.h"
#include "tree_grower.h"

namespace ember {

namespace {

using detail::GradientPolicy;
using detail::QuantizedPolicy;
using Record = GradientPolicy::Record;

// Offsets a tree's seed for its rounding noise (any odd constant would do:
// it keeps the noise apart from the grower's own draws from that seed).
constexpr std::uint64_t kNoiseSeed = 0x632BE59BD9B4E019ull;

constexpr std::size_t kRowBlock = 16384;  // rows per task in per-row loops

bool regression(GbdtObjective o) {
  return o == GbdtObjective::squared_error || o == GbdtObjective::absolute_error || o == GbdtObjective::huber;
}

using detail::clip_probability;
using detail::row_gradients;
using detail::row_loss;
using detail::ValueWeight;
using detail::weighted_median;

Status check_target(Span<const float> target, Span<const float> weight, std::uint32_t n_classes) {
  for (std::size_t i = 0; i < target.size(); ++i) {
    const float y = target[i];
    if (y != y || std::isinf(y)) return Status::bad_value;
    if (n_classes > 0 && !detail::is_category_code(y, n_classes)) return Status::bad_index;
    if (!weight.empty() && !(weight[i] >= 0.0f && !std::isinf(weight[i]))) return Status::bad_value;
  }
  return Status::ok;
}

class Booster {
 public:
  Booster(const BinnedData& data, Span<const float> target, Span<const float> weight, const GbdtOptions& o,
          std::uint32_t k_out)
      : data_(data), y_(target), w_(weight), o_(o), k_(k_out), rng_(o.seed), policy_(o), quantized_(o) {}

  Status run(Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
             const GbdtValidation* valid);

 private:
  double w(std::size_t i) const { return w_.empty() ? 1.0 : static_cast<double>(w_[i]); }
  // run()'s steps, in the order it takes them.
  Status select_positive(Arena& scratch);
  Status allocate(Arena& scratch, Span<const float> base_score);
  Status allocate_validation(Arena& scratch, Arena& result, GbdtModel* m, const Importance* importance,
                             const GbdtValidation* valid);
  void huber_delta();
  std::size_t draw_sample(std::uint32_t round);
  Status fit_tree(std::uint32_t round, std::uint32_t k, std::size_t n_rows, detail::GrowOptions* g,
                  Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
                  const GbdtValidation* valid);
  void median_leaves(Span<const detail::LeafRange> ranges, FittedTree* tree);
  void route_rest(std::uint32_t k, std::size_t n_rows, const FittedTree& tree, const GbdtValidation* valid);
  bool validate(std::uint32_t round, GbdtModel* m, const GbdtValidation* valid);
  void keep_rounds(std::uint32_t round, GbdtModel* m, Importance* importance, const GbdtValidation* valid);
  void gradients(std::size_t begin, std::size_t end);
  Status base_scores(Arena& scratch, GbdtModel* m);
  void draw_features(Span<std::uint32_t> all, std::size_t* m);
  Status finish_leaves(std::uint32_t k, std::size_t n_rows, Span<const detail::LeafRange> ranges,
                       Span<const std::uint32_t> rows, bool renew, FittedTree* tree, Arena& scratch);
  void fill_records(std::uint32_t k, std::size_t n_rows, Span<std::uint32_t> rows, Span<Record> records);
  void fill_quantized(std::uint32_t k, std::size_t n_rows, std::uint64_t seed, Span<std::uint32_t> rows,
                      Span<QuantizedPolicy::Record> records);
  template <class P>
  Status grow(const P& policy, Span<typename P::Record> records, Span<std::uint32_t> rows,
              const detail::GrowOptions& g, Arena& scratch, Arena& result, FittedTree* tree, Importance* imp,
              Span<const detail::LeafRange>* leaves) {
    detail::Grower<P> grower(data_, policy, g);
    EMBER_TRY(grower.grow(rows, records, scratch, result, tree, imp));
    *leaves = grower.leaves();
    return Status::ok;
  }

  const BinnedData& data_;
  Span<const float> y_;
  Span<const float> w_;
  const GbdtOptions& o_;
  std::uint32_t k_;
  Rng rng_;
  GradientPolicy policy_;
  QuantizedPolicy quantized_;
  Span<std::uint32_t> sample_;    // the round's rows
  Span<double> block_max_;        // quantized: per block of kRowBlock rows and output, max |g| and max h
  Span<std::uint32_t> leaf_of_;   // per row: its leaf in the current tree (sampled rows only)
  Span<std::uint32_t> positive_;  // rows of positive weight
  Span<double> scores_, g_, h_;   // n x k
  Span<double> abs_residuals_;    // huber with a quantile delta: n_pos
  double delta_ = 0.0;            // huber's delta this round
  Span<std::uint32_t> rows_, features_;  // the tree's rows (permuted by the grower); its features
  Span<Record> records_;
  Span<QuantizedPolicy::Record> packed_;
  Span<std::uint8_t> in_sample_;  // per row: in the round's sample (when subsampling)
  Span<ValueWeight> pairs_;       // absolute error: a leaf's residuals and weights
  Span<double> valid_scores_;     // nv x k
  Span<double> round_gain_;       // early stopping with importances: per round, d
  Span<std::uint32_t> round_splits_;
  std::size_t nv_ = 0;  // validation rows
  double valid_w_ = 0.0, best_loss_ = 0.0;
  std::uint32_t best_round_ = 0;
  bool stopping_ = false;
};

void Booster::gradients(std::size_t begin, std::size_t end) {
  for (std::size_t r = begin; r < end; ++r) {
    const std::size_t i = positive_[r];
    const double wi = w(i);
    const double* f = scores_.data() + i * k_;
    const double y = y_[i];
    detail::row_gradients(o_.objective, f, k_, y, wi, delta_, g_.data() + i * k_, h_.data() + i * k_);
  }
  if (!block_max_.empty()) {
    // Quantized: each output's largest |g| and h in this block.
    double* m = block_max_.data() + (begin / kRowBlock) * k_ * 2;
    for (std::uint32_t k = 0; k < k_; ++k) m[2 * k] = m[2 * k + 1] = 0.0;
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t i = positive_[r] * std::size_t{k_};
      for (std::uint32_t k = 0; k < k_; ++k) {
        m[2 * k] = std::max(m[2 * k], std::fabs(g_[i + k]));
        m[2 * k + 1] = std::max(m[2 * k + 1], h_[i + k]);
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

// The grower's input for output k: the round's sample and its exact
// gradients (as floats).
void Booster::fill_records(std::uint32_t k, std::size_t n_rows, Span<std::uint32_t> rows,
                           Span<Record> records) {
  auto fill = [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t i = sample_[r];
      rows[r] = sample_[r];
      records[r] = Record{static_cast<float>(g_[i * k_ + k]), static_cast<float>(h_[i * k_ + k])};
    }
  };
  parallel_ranges(o_.executor, n_rows, kRowBlock, fill);
}

// As fill_records, with g and h stochastically rounded to kLevels steps of
// the round's largest |g| and h (over every row of positive weight, from
// the gradient pass): unbiased, so sums over many rows stay
// close to the exact ones. A row's noise comes from `seed` and its index
// alone, whatever the thread that rounds it.
void Booster::fill_quantized(std::uint32_t k, std::size_t n_rows, std::uint64_t seed,
                             Span<std::uint32_t> rows, Span<QuantizedPolicy::Record> records) {
  double gm = 0.0, hm = 0.0;
  for (std::size_t b = 0; b < (positive_.size() + kRowBlock - 1) / kRowBlock; ++b) {
    gm = std::max(gm, block_max_[(b * k_ + k) * 2]);
    hm = std::max(hm, block_max_[(b * k_ + k) * 2 + 1]);
  }
  constexpr auto kLevels = static_cast<double>(QuantizedPolicy::kLevels);
  const double gs = gm > 0.0 ? gm / kLevels : 1.0, hs = hm > 0.0 ? hm / kLevels : 1.0;
  quantized_.set_scales(gs, hs);
  auto round = [](double x, std::uint64_t bits, std::int64_t lo) {
    const double u = static_cast<double>(bits) * 0x1p-32;  // [0, 1)
    const auto q = static_cast<std::int64_t>(std::floor(x + u));
    return std::min(std::max(q, lo), QuantizedPolicy::kLevels);
  };
  auto fill = [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const std::uint32_t row = sample_[r];
      const std::size_t i = row * std::size_t{k_} + k;
      std::uint64_t state = seed + row * 0x9E3779B97F4A7C15ull;
      const std::uint64_t bits = splitmix64(&state);
      rows[r] = row;
      records[r] = QuantizedPolicy::pack(round(g_[i] / gs, bits >> 32, -QuantizedPolicy::kLevels),
                                         round(h_[i] / hs, bits & 0xFFFFFFFFu, 0));
    }
  };
  parallel_ranges(o_.executor, n_rows, kRowBlock, fill);
}

// Leaf values from the exact gradients when `renew` (the rounding only
// chose the splits), then the sample's scores move by their leaves. Rows
// are visited in the sample's (ascending) order through leaf_of_, so the
// arrays stream instead of being hit a row at a time per leaf; the leaf
// sums go through fixed blocks of rows combined in block order, so the
// thread count changes nothing.
Status Booster::finish_leaves(std::uint32_t k, std::size_t n_rows, Span<const detail::LeafRange> ranges,
                              Span<const std::uint32_t> rows, bool renew, FittedTree* tree, Arena& scratch) {
  const std::size_t n_leaves = ranges.size();
  auto mark = [&](std::size_t begin, std::size_t end) {
    for (std::size_t leaf = begin; leaf < end; ++leaf) {
      for (std::uint32_t r = ranges[leaf].begin; r < ranges[leaf].end; ++r)
        leaf_of_[rows[r]] = static_cast<std::uint32_t>(leaf);
    }
  };
  parallel_ranges(o_.executor, n_leaves, 1, mark);
  if (renew) {
    // Blocks grow with the leaf count so that the partial sums stay small.
    constexpr std::size_t kMaxPartials = std::size_t{1} << 20;
    std::size_t block = kRowBlock;
    while (((n_rows + block - 1) / block) * n_leaves > kMaxPartials) block *= 2;
    const std::size_t n_blocks = (n_rows + block - 1) / block;
    Span<double> partial;  // per block, per leaf: G, H
    EMBER_TRY(scratch.allocate_array(n_blocks * n_leaves * 2, &partial));
    auto sum = [&](std::size_t begin, std::size_t end) {
      double* p = partial.data() + (begin / block) * n_leaves * 2;
      std::fill(p, p + n_leaves * 2, 0.0);
      for (std::size_t r = begin; r < end; ++r) {
        const std::size_t i = sample_[r];
        double* at = p + std::size_t{leaf_of_[i]} * 2;
        at[0] += g_[i * k_ + k];
        at[1] += h_[i * k_ + k];
      }
    };
    parallel_ranges(o_.executor, n_rows, block, sum);
    for (std::size_t leaf = 0; leaf < n_leaves; ++leaf) {
      double gsum = 0.0, hsum = 0.0;
      for (std::size_t b = 0; b < n_blocks; ++b) {
        gsum += partial[(b * n_leaves + leaf) * 2];
        hsum += partial[(b * n_leaves + leaf) * 2 + 1];
      }
      tree->leaf_values[leaf] = static_cast<float>(policy_.leaf_value(gsum, hsum));
    }
  }
  const float* values = tree->leaf_values.data();
  auto update = [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t i = sample_[r];
      scores_[i * k_ + k] += values[leaf_of_[i]];
    }
  };
  parallel_ranges(o_.executor, n_rows, kRowBlock, update);
  return Status::ok;
}

// run() in named steps: set up, then per round the gradients, the sample,
// one tree per output (features, records, tree, leaf renewal, score
// update), the validation loss and early stopping; then the kept rounds.
Status Booster::run(Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
                    const GbdtValidation* valid) {
  EMBER_TRY(select_positive(scratch));
  EMBER_TRY(base_scores(scratch, m));
  EMBER_TRY(allocate(scratch, m->base_score));
  EMBER_TRY(allocate_validation(scratch, result, m, importance, valid));
  detail::GrowOptions g;
  g.max_depth = o_.max_depth;
  g.max_leaves = o_.max_leaves;
  g.min_samples_split = 2;
  g.min_samples_leaf = o_.min_data_in_leaf;
  g.executor = o_.executor;
  if (o_.objective == GbdtObjective::huber && o_.huber_delta == 0.0) {
    EMBER_TRY(scratch.allocate_array(positive_.size(), &abs_residuals_));
  }
  delta_ = o_.huber_delta;
  std::uint32_t round = 0;
  for (; round < o_.n_estimators; ++round) {
    if (!abs_residuals_.empty()) huber_delta();
    auto grad = [this](std::size_t b, std::size_t e) { gradients(b, e); };
    parallel_ranges(o_.executor, positive_.size(), kRowBlock, grad);
    const std::size_t n_rows = draw_sample(round);
    for (std::uint32_t k = 0; k < k_; ++k) {
      EMBER_TRY(fit_tree(round, k, n_rows, &g, scratch, result, m, importance, valid));
    }
    if (valid != nullptr && validate(round, m, valid)) {
      ++round;
      if (o_.on_round != nullptr) o_.on_round(o_.on_round_context, round, o_.n_estimators);
      break;
    }
    if (o_.on_round != nullptr) o_.on_round(o_.on_round_context, round + 1, o_.n_estimators);
  }
  keep_rounds(round, m, importance, valid);
  return Status::ok;
}

// The rows of positive weight: the only ones that train.
Status Booster::select_positive(Arena& scratch) {
  const std::size_t n = data_.n_rows;
  EMBER_TRY(scratch.allocate_array(n, &positive_));
  std::size_t n_pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (w(i) > 0.0) positive_[n_pos++] = static_cast<std::uint32_t>(i);
  }
  if (n_pos == 0) return Status::empty_input;
  positive_ = Span<std::uint32_t>(positive_.data(), n_pos);
  return Status::ok;
}

// Per-row working memory, and every score at the base score.
Status Booster::allocate(Arena& scratch, Span<const float> base_score) {
  const std::size_t n = data_.n_rows, d = data_.n_features;
  EMBER_TRY(scratch.allocate_array(n * k_, &scores_));
  EMBER_TRY(scratch.allocate_array(n * k_, &g_));
  EMBER_TRY(scratch.allocate_array(n * k_, &h_));
  EMBER_TRY(scratch.allocate_array(n, &sample_));
  EMBER_TRY(scratch.allocate_array(n, &leaf_of_));
  EMBER_TRY(scratch.allocate_array(n, &rows_));
  if (o_.quantized_gradients) {
    EMBER_TRY(scratch.allocate_array(n, &packed_));
    EMBER_TRY(scratch.allocate_array(2 * std::size_t{k_} * ((n + kRowBlock - 1) / kRowBlock), &block_max_));
  } else {
    EMBER_TRY(scratch.allocate_array(n, &records_));
  }
  EMBER_TRY(scratch.allocate_array(n, &in_sample_));
  EMBER_TRY(scratch.allocate_array(d, &features_));
  if (o_.objective == GbdtObjective::absolute_error) {
    EMBER_TRY(scratch.allocate_array(n, &pairs_));
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint32_t k = 0; k < k_; ++k) scores_[i * k_ + k] = base_score[k];
  }
  return Status::ok;
}

// The validation rows' scores and loss per round, and (when stopping
// early) importances per round, so that rounds after the best one can be
// left out.
Status Booster::allocate_validation(Arena& scratch, Arena& result, GbdtModel* m, const Importance* importance,
                                    const GbdtValidation* valid) {
  const std::size_t d = data_.n_features;
  nv_ = valid != nullptr ? valid->data->n_rows : 0;
  stopping_ = valid != nullptr && o_.early_stopping_rounds > 0;
  valid_w_ = 0.0;
  if (valid != nullptr) {
    EMBER_TRY(scratch.allocate_array(nv_ * k_, &valid_scores_));
    EMBER_TRY(result.allocate_array(o_.n_estimators, &m->validation_loss));
    for (std::size_t i = 0; i < nv_; ++i) {
      for (std::uint32_t k = 0; k < k_; ++k) valid_scores_[i * k_ + k] = m->base_score[k];
      valid_w_ += valid->sample_weight.empty() ? 1.0 : static_cast<double>(valid->sample_weight[i]);
    }
    if (!(valid_w_ > 0.0)) return Status::empty_input;
  }
  if (importance != nullptr && stopping_) {
    EMBER_TRY(scratch.allocate_array(std::size_t{o_.n_estimators} * d, &round_gain_));
    EMBER_TRY(scratch.allocate_array(std::size_t{o_.n_estimators} * d, &round_splits_));
  }
  return Status::ok;
}

// Huber's delta this round: the quantile of |y - F| over the rows
// (unweighted), by selection.
void Booster::huber_delta() {
  const std::size_t n_pos = positive_.size();
  for (std::size_t r = 0; r < n_pos; ++r) {
    const std::size_t i = positive_[r];
    abs_residuals_[r] = std::fabs(static_cast<double>(y_[i]) - scores_[i]);
  }
  const auto at = static_cast<std::size_t>(o_.huber_quantile * static_cast<double>(n_pos - 1));
  std::nth_element(abs_residuals_.data(), abs_residuals_.data() + at, abs_residuals_.data() + n_pos);
  delta_ = abs_residuals_[at] > 0.0 ? abs_residuals_[at] : 1e-12;
}

// Sampling: the round's rows into sample_ (without subsampling, every row
// of positive weight); returns their number.
std::size_t Booster::draw_sample(std::uint32_t round) {
  const std::size_t n_pos = positive_.size();
  std::size_t n_rows = 0;
  if (o_.subsample >= 1.0) {
    if (round == 0) std::memcpy(sample_.data(), positive_.data(), n_pos * sizeof(std::uint32_t));
    return n_pos;
  }
  for (std::size_t r = 0; r < n_pos; ++r) {
    const std::uint32_t i = positive_[r];
    const bool take = rng_.uniform() < o_.subsample;
    in_sample_[i] = take ? 1 : 0;
    if (take) sample_[n_rows++] = i;
  }
  if (n_rows == 0) {  // a tiny subsample still grows a tree
    sample_[n_rows++] = positive_[0];
    in_sample_[positive_[0]] = 1;
  }
  return n_rows;
}

// The tree of output k in this round: its features, its records, the tree,
// its leaves renewed, and every score moved by it.
Status Booster::fit_tree(std::uint32_t round, std::uint32_t k, std::size_t n_rows, detail::GrowOptions* g,
                         Arena& scratch, Arena& result, GbdtModel* m, Importance* importance,
                         const GbdtValidation* valid) {
  const std::size_t d = data_.n_features;
  const std::size_t at = std::size_t{round} * k_ + k;
  std::size_t n_features = d;
  draw_features(features_, &n_features);
  g->features =
      n_features < d ? Span<const std::uint32_t>(features_.data(), n_features) : Span<const std::uint32_t>();
  g->max_features = 0;
  if (o_.colsample_bynode < 1.0) {
    const auto per_node =
        static_cast<std::uint32_t>(std::floor(o_.colsample_bynode * static_cast<double>(n_features)));
    g->max_features = per_node < 1 ? 1 : per_node;
  }
  g->seed = rng_.next_u64();
  // The grower permutes rows and records: each tree starts from the sample.
  const Span<std::uint32_t> tree_rows(rows_.data(), n_rows);
  if (o_.quantized_gradients) {
    fill_quantized(k, n_rows, g->seed + kNoiseSeed, rows_, packed_);
  } else {
    fill_records(k, n_rows, rows_, records_);
  }
  Importance* imp = importance;
  Importance local;
  if (importance != nullptr && stopping_) {
    local.gain = Span<double>(round_gain_.data() + std::size_t{round} * d, d);
    local.splits = Span<std::uint32_t>(round_splits_.data() + std::size_t{round} * d, d);
    imp = &local;
  }
  const Arena::Marker tree_start = scratch.mark();
  Span<const detail::LeafRange> ranges;
  FittedTree& tree = m->trees[at];
  if (o_.quantized_gradients) {
    EMBER_TRY(grow(quantized_, Span<QuantizedPolicy::Record>(packed_.data(), n_rows), tree_rows, *g, scratch,
                   result, &tree, imp, &ranges));
  } else {
    EMBER_TRY(grow(policy_, Span<Record>(records_.data(), n_rows), tree_rows, *g, scratch, result, &tree, imp,
                   &ranges));
  }
  m->output[at] = k;
  if (o_.objective == GbdtObjective::absolute_error) median_leaves(ranges, &tree);
  const bool renew = o_.quantized_gradients && o_.objective != GbdtObjective::absolute_error;
  EMBER_TRY(finish_leaves(k, n_rows, ranges, tree_rows, renew, &tree, scratch));
  route_rest(k, n_rows, tree, valid);
  scratch.rewind(tree_start);
  return Status::ok;
}

// Leaf renewal for absolute error: each leaf at the weighted median of its
// rows' residuals.
void Booster::median_leaves(Span<const detail::LeafRange> ranges, FittedTree* tree) {
  for (std::size_t leaf = 0; leaf < ranges.size(); ++leaf) {
    std::size_t c = 0;
    for (std::uint32_t r = ranges[leaf].begin; r < ranges[leaf].end; ++r) {
      const std::size_t i = rows_[r];
      pairs_[c++] = ValueWeight{static_cast<double>(y_[i]) - scores_[i], w(i)};
    }
    tree->leaf_values[leaf] = static_cast<float>(o_.learning_rate * weighted_median(pairs_.data(), c));
  }
}

// Score update for the rows the tree did not train on (outside the
// sample, and the validation rows), routed through it. (finish_leaves
// updates the sampled rows from their leaves.)
void Booster::route_rest(std::uint32_t k, std::size_t n_rows, const FittedTree& tree,
                         const GbdtValidation* valid) {
  const std::size_t n_pos = positive_.size();
  if (n_rows < n_pos) {
    auto rest = [&](std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; ++r) {
        const std::size_t i = positive_[r];
        if (in_sample_[i] == 0) scores_[i * k_ + k] += *fitted_tree_leaf(tree, data_, i);
      }
    };
    parallel_ranges(o_.executor, n_pos, kRowBlock, rest);
  }
  auto validation = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
      valid_scores_[i * k_ + k] += *fitted_tree_leaf(tree, *valid->data, i);
  };
  parallel_ranges(o_.executor, nv_, kRowBlock, validation);
}

// Early stopping: the round's validation loss, the best round so far;
// true when the last early_stopping_rounds rounds brought no improvement.
bool Booster::validate(std::uint32_t round, GbdtModel* m, const GbdtValidation* valid) {
  double loss = 0.0;
  for (std::size_t i = 0; i < nv_; ++i) {
    const double wi = valid->sample_weight.empty() ? 1.0 : static_cast<double>(valid->sample_weight[i]);
    if (wi > 0.0)
      loss += wi * row_loss(o_.objective, valid_scores_.data() + i * k_, k_, valid->target[i], delta_);
  }
  loss /= valid_w_;
  m->validation_loss[round] = loss;
  if (round == 0 || loss < best_loss_) {
    best_loss_ = loss;
    best_round_ = round;
  }
  return stopping_ && round - best_round_ >= o_.early_stopping_rounds;
}

// The rounds kept (up to the best one when stopping early), and their
// importances.
void Booster::keep_rounds(std::uint32_t round, GbdtModel* m, Importance* importance,
                          const GbdtValidation* valid) {
  const std::size_t d = data_.n_features;
  m->rounds_run = round;
  m->rounds = stopping_ ? best_round_ + 1 : round;
  if (importance != nullptr && stopping_) {
    for (std::size_t r = 0; r < m->rounds; ++r) {
      for (std::size_t j = 0; j < d; ++j) {
        importance->gain[j] += round_gain_[r * d + j];
        importance->splits[j] += round_splits_[r * d + j];
      }
    }
  }
  m->trees = Span<FittedTree>(m->trees.data(), std::size_t{m->rounds} * k_);
  m->output = Span<std::uint32_t>(m->output.data(), std::size_t{m->rounds} * k_);
  if (valid != nullptr) m->validation_loss = Span<double>(m->validation_loss.data(), m->rounds_run);
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
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
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
