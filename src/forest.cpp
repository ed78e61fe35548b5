#include "ember/forest.h"

#include <algorithm>
#include <functional>

#include "ember/rng.h"

namespace ember {

namespace {

// Rows per out-of-bag task. Each row's sum is the same whichever task
// counts it, so the cut only trades hand-off cost against balance.
constexpr std::size_t kOobBlock = 4096;

// A lane's arenas, where its result arena stood before the fit (rewound
// to on an error), and its first failure.
struct LaneState {
  ForestLane lane;
  Arena::Marker result_start;
  Status status;
  std::uint32_t failed_tree;
};

// What every lane reads, and the slots each tree writes.
struct Job {
  const BinnedData* data;
  Span<const float> target;
  std::uint32_t n_classes;
  Span<const float> sample_weight;
  const ForestOptions* options;
  const Executor* tree_executor;  // each tree's split search, or null
  Span<const std::uint64_t> seeds;
  Span<FittedTree> trees;  // slot t: tree t
  // Importances per tree: slot t of n_features with several lanes (summed
  // in tree order afterwards), one slot with one lane (summed at once);
  // empty without `total`.
  Span<double> gain;
  Span<std::uint32_t> splits;
  Importance* total;
  Span<std::uint64_t> in_bag;  // words_per_tree bits per tree; empty without oob_score
  std::size_t words_per_tree;
  Span<LaneState> lanes;
};

// Whether tree `tree`'s bootstrap drew row `row`.
bool drawn(const Job& job, std::size_t tree, std::size_t row) noexcept {
  const std::uint64_t word = job.in_bag[tree * job.words_per_tree + row / 64];
  return ((word >> (row % 64)) & 1u) != 0;
}

// Tree t's bootstrap: n draws with replacement as counts, recorded in its
// in-bag bits, times the sample weights.
void bootstrap(const Job& job, std::size_t t, Span<float> weights) noexcept {
  const std::size_t n = weights.size();
  Rng draw(job.seeds[t], 1);
  for (std::size_t i = 0; i < n; ++i) weights[static_cast<std::size_t>(draw.below64(n))] += 1.0f;
  if (!job.in_bag.empty()) {
    std::uint64_t* bits = job.in_bag.data() + t * job.words_per_tree;
    for (std::size_t i = 0; i < n; ++i) {
      if (weights[i] > 0.0f) bits[i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  if (!job.sample_weight.empty()) {
    for (std::size_t i = 0; i < n; ++i) weights[i] = job.sample_weight[i] * weights[i];
  }
}

// Fits tree t with `lane`'s arenas; its importances go to its slot.
Status fit_tree(const Job& job, std::size_t t, const ForestLane& lane) noexcept {
  Arena& scratch = *lane.scratch;
  const Arena::Marker start = scratch.mark();
  const std::size_t n = job.data->n_rows, d = job.data->n_features;
  Span<const float> weights = job.sample_weight;
  Status s = Status::ok;
  if (job.options->bootstrap) {
    Span<float> counts;
    s = scratch.allocate_array(n, &counts);
    if (s == Status::ok) {
      bootstrap(job, t, counts);
      weights = Span<const float>(counts.data(), n);
    }
  }
  if (s == Status::ok) {
    TreeOptions o = job.options->tree;
    o.seed = job.seeds[t];
    o.executor = job.tree_executor;
    Importance slot;
    if (job.total != nullptr) {
      const std::size_t at = job.lanes.size() > 1 ? t * d : 0;
      slot =
          Importance{Span<double>(job.gain.data() + at, d), Span<std::uint32_t>(job.splits.data() + at, d)};
      for (std::size_t j = 0; j < d; ++j) {
        slot.gain[j] = 0.0;
        slot.splits[j] = 0;
      }
    }
    s = fit_decision_tree(*job.data, job.target, job.n_classes, weights, o, scratch, *lane.result,
                          &job.trees[t], job.total != nullptr ? &slot : nullptr);
  }
  scratch.rewind(start);
  return s;
}

// Importance slot `slot` added to the caller's.
void add_importance(const Job& job, std::size_t slot) noexcept {
  const std::size_t d = job.data->n_features;
  for (std::size_t j = 0; j < d; ++j) {
    job.total->gain[j] += job.gain[slot * d + j];
    job.total->splits[j] += job.splits[slot * d + j];
  }
}

// Lane l: trees l, l + k, l + 2k, ... one after another; stops at its
// first failure.
void run_lane(const Job& job, std::size_t l) noexcept {
  LaneState& state = job.lanes[l];
  const std::size_t k = job.lanes.size();
  for (std::size_t t = l; t < job.trees.size(); t += k) {
    const Status s = fit_tree(job, t, state.lane);
    if (s != Status::ok) {
      state.status = s;
      state.failed_tree = static_cast<std::uint32_t>(t);
      return;
    }
    if (job.total != nullptr && k == 1) add_importance(job, 0);
    if (job.options->on_tree != nullptr)
      job.options->on_tree(job.options->on_tree_context, static_cast<std::uint32_t>(t));
  }
}

void lane_task(void* context, std::size_t l) noexcept { run_lane(*static_cast<const Job*>(context), l); }

// The out-of-bag score: each row's leaves summed over the trees that left
// it out, trees in order, then the accuracy or R^2 in row order.
Status score_out_of_bag(const Job& job, Arena& scratch, ForestModel* out) noexcept {
  const std::size_t n = job.data->n_rows;
  const std::size_t width = job.n_classes > 0 ? job.n_classes : 1;
  Span<double> sum;
  Span<std::uint32_t> votes;
  if (n > SIZE_MAX / width) return Status::size_overflow;
  EMBER_TRY(scratch.allocate_array(n * width, &sum));
  EMBER_TRY(scratch.allocate_array(n, &votes));
  auto score_rows = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t t = 0; t < job.trees.size(); ++t) {
        if (drawn(job, t, i)) continue;
        const float* leaf = fitted_tree_leaf(job.trees[t], *job.data, i);
        for (std::size_t c = 0; c < width; ++c) sum[i * width + c] += leaf[c];
        ++votes[i];
      }
    }
  };
  parallel_ranges(job.options->executor, n, kOobBlock, score_rows);
  double correct = 0.0, sse = 0.0, sst = 0.0, mean = 0.0;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (votes[i] == 0) continue;
    ++counted;
    mean += job.target[i];
  }
  mean = counted > 0 ? mean / static_cast<double>(counted) : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (votes[i] == 0) continue;
    const double y = job.target[i];
    if (job.n_classes > 0) {
      std::size_t best = 0;
      for (std::size_t c = 1; c < width; ++c) best = sum[i * width + c] > sum[i * width + best] ? c : best;
      correct += best == static_cast<std::size_t>(job.target[i]) ? 1.0 : 0.0;
    } else {
      const double r = sum[i] / votes[i] - y;
      sse += r * r;
      sst += (y - mean) * (y - mean);
    }
  }
  out->oob_rows = counted;
  if (counted > 0) {
    out->oob_score =
        job.n_classes > 0 ? correct / static_cast<double>(counted) : (sst > 0.0 ? 1.0 - sse / sst : 0.0);
  }
  return Status::ok;
}

// Arguments that can be refused before any work.
Status check_arguments(const BinnedData& data, Span<const float> target, Span<const float> sample_weight,
                       const ForestOptions& options, Arena& scratch, Arena& result, const ForestModel* out,
                       const Importance* importance) noexcept {
  if (out == nullptr || &scratch == &result) return Status::invalid_argument;
  for (const ForestLane& lane : options.lanes) {
    if (lane.scratch == nullptr || lane.result == nullptr) return Status::invalid_argument;
  }
  if (target.size() != data.n_rows || (!sample_weight.empty() && sample_weight.size() != data.n_rows))
    return Status::shape_mismatch;
  if (importance != nullptr &&
      (importance->gain.size() != data.n_features || importance->splits.size() != data.n_features))
    return Status::shape_mismatch;
  if (options.n_estimators == 0 || (options.oob_score && !options.bootstrap)) return Status::bad_value;
  if (data.n_rows == 0) return Status::empty_input;
  return Status::ok;
}

// Every arena of every lane distinct: two lanes sharing one would allocate
// from it at once. Sorted (a host may pass a lane per tree, 10^5 of them),
// in scratch that is given back.
Status check_lanes_distinct(const ForestOptions& options, Arena& scratch, Arena& result) noexcept {
  if (options.lanes.empty()) return Status::ok;
  ArenaScope scope(scratch);
  Span<const Arena*> arenas;
  EMBER_TRY(scratch.allocate_array(2 + 2 * options.lanes.size(), &arenas));
  arenas[0] = &scratch;
  arenas[1] = &result;
  for (std::size_t l = 0; l < options.lanes.size(); ++l) {
    arenas[2 + 2 * l] = options.lanes[l].scratch;
    arenas[3 + 2 * l] = options.lanes[l].result;
  }
  std::sort(arenas.begin(), arenas.end(), std::less<const Arena*>());
  return std::adjacent_find(arenas.begin(), arenas.end()) == arenas.end() ? Status::ok
                                                                          : Status::invalid_argument;
}

// The job's slots, from lane 0's arenas (before any lane runs, so the
// lanes' own allocations come after them).
Status allocate_job(const ForestOptions& options, std::size_t k, Arena& scratch, Arena& result,
                    Job* job) noexcept {
  const std::size_t n_trees = options.n_estimators, d = job->data->n_features;
  EMBER_TRY(scratch.allocate_objects(k, &job->lanes));
  job->lanes[0].lane = ForestLane{&scratch, &result};
  for (std::size_t l = 1; l < k; ++l) job->lanes[l].lane = options.lanes[l - 1];
  for (LaneState& state : job->lanes) {
    state.result_start = state.lane.result->mark();
    state.status = Status::ok;
    state.failed_tree = 0;
  }
  Span<std::uint64_t> seeds;
  EMBER_TRY(scratch.allocate_array(n_trees, &seeds));
  // Every tree's seed up front: tree t is the same whichever lane fits it.
  Rng rng(options.seed);
  for (std::uint64_t& seed : seeds) seed = rng.next_u64();
  job->seeds = Span<const std::uint64_t>(seeds.data(), n_trees);
  if (job->total != nullptr) {
    const std::size_t slots = k > 1 ? n_trees : 1;
    if (d != 0 && slots > SIZE_MAX / d) return Status::size_overflow;
    EMBER_TRY(scratch.allocate_array(slots * d, &job->gain));
    EMBER_TRY(scratch.allocate_array(slots * d, &job->splits));
  }
  if (options.oob_score) {
    job->words_per_tree = (job->data->n_rows + 63) / 64;
    if (job->words_per_tree > SIZE_MAX / n_trees) return Status::size_overflow;
    EMBER_TRY(scratch.allocate_array(n_trees * job->words_per_tree, &job->in_bag));
  }
  return result.allocate_objects(n_trees, &job->trees);
}

// The error of the lowest-numbered tree that failed, or ok.
Status first_failure(const Job& job) noexcept {
  Status s = Status::ok;
  std::uint32_t first = 0;
  for (const LaneState& state : job.lanes) {
    if (state.status != Status::ok && (s == Status::ok || state.failed_tree < first)) {
      s = state.status;
      first = state.failed_tree;
    }
  }
  return s;
}

}  // namespace

Status fit_forest(const BinnedData& data, Span<const float> target, std::uint32_t n_classes,
                  Span<const float> sample_weight, const ForestOptions& options, Arena& scratch,
                  Arena& result, ForestModel* out, Importance* importance) noexcept {
  EMBER_TRY(check_arguments(data, target, sample_weight, options, scratch, result, out, importance));
  EMBER_TRY(check_lanes_distinct(options, scratch, result));
  const std::size_t n_trees = options.n_estimators;
  const Executor* executor = options.executor;
  const bool parallel = executor != nullptr && executor->run != nullptr && executor->workers > 1;
  std::size_t k = parallel ? 1 + options.lanes.size() : 1;
  if (k > n_trees) k = n_trees;
  Job job{};
  job.data = &data;
  job.target = target;
  job.n_classes = n_classes;
  job.sample_weight = sample_weight;
  job.options = &options;
  // One lane: the executor is better spent inside each tree.
  job.tree_executor = k == 1 ? executor : nullptr;
  job.total = importance;
  const Arena::Marker scratch_start = scratch.mark();
  const Arena::Marker result_start = result.mark();
  Status s = allocate_job(options, k, scratch, result, &job);
  if (s == Status::ok) {
    if (k == 1) {
      run_lane(job, 0);
    } else {
      executor->parallel_for(k, &lane_task, &job);
    }
    s = first_failure(job);
  }
  if (s == Status::ok && importance != nullptr && k > 1) {
    // Summed in tree order, whatever order the lanes finished in.
    for (std::size_t t = 0; t < n_trees; ++t) add_importance(job, t);
  }
  ForestModel model;
  model.trees = job.trees;
  if (s == Status::ok && options.oob_score) s = score_out_of_bag(job, scratch, &model);
  if (s != Status::ok) {
    // Nothing kept: the lanes' trees, then lane 0's list.
    for (std::size_t l = job.lanes.size(); l > 1; --l) {
      LaneState& state = job.lanes[l - 1];
      state.lane.result->rewind(state.result_start);
    }
    result.rewind(result_start);
  }
  scratch.rewind(scratch_start);
  if (s == Status::ok) *out = model;
  return s;
}

}  // namespace ember
