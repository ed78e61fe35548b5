#include "host/search.h"

#include <algorithm>
#include <utility>

#include "ember/rng.h"
#include "host/evaluation.h"
#include "host/progress.h"
#include "host/run_store.h"
#include "host/thread_pool.h"

namespace ember::host {

bool search_metric_fits_task(const std::string& metric, bool classes, std::size_t n_classes,
                             std::string* error) {
  bool higher = false;
  if (!metric_known(metric, &higher)) {
    *error = "--metric '" + metric + "' is not a metric of ember eval";
    return false;
  }
  static const char* const regression[] = {
      "rmse", "mse", "mae", "median_ae", "r2", "mape", "explained_variance"};
  bool numeric = false;
  for (const char* r : regression) numeric = numeric || metric == r;
  if (numeric == classes) {
    *error = "--metric " + metric + " is for " + (classes ? "numeric" : "categorical") + " targets";
    return false;
  }
  const bool binary_only = metric == "auc" || metric == "average_precision" || metric == "precision" ||
                           metric == "recall" || metric == "f1";
  if (classes && binary_only && n_classes != 2) {
    *error = "--metric " + metric + " is for two classes; this target has " + std::to_string(n_classes) +
             (metric == "auc" ? " (use auc_ovr_macro)" : " (use the _macro or _weighted form)");
    return false;
  }
  if (classes && metric == "auc_ovr_macro" && n_classes == 2) {
    *error = "--metric auc_ovr_macro is for more than two classes (use auc)";
    return false;
  }
  return true;
}

namespace {

// A random subset of `rows` of share `fraction` (at least one row), in
// their order: the rows a halving round fits and scores on.
std::vector<std::size_t> subsample(const std::vector<std::size_t>& rows, double fraction, Rng& rng) {
  std::vector<std::size_t> pick = rows;
  const auto k =
      std::max<std::size_t>(1, static_cast<std::size_t>(fraction * static_cast<double>(rows.size())));
  if (k >= pick.size()) return pick;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.below64(pick.size() - i));
    std::swap(pick[i], pick[j]);
  }
  pick.resize(k);
  std::sort(pick.begin(), pick.end());
  return pick;
}

// A round's splits: all rows, or a subsample of each side drawn from the
// seed, the round and the split (so any thread count draws the same).
std::vector<Split> round_splits(const std::vector<Split>& splits, std::size_t rows, std::size_t table_rows,
                                std::size_t round, std::uint64_t seed) {
  std::vector<Split> rs = splits;
  if (rows >= table_rows) return rs;
  const double fraction = static_cast<double>(rows) / static_cast<double>(table_rows);
  for (std::size_t s = 0; s < rs.size(); ++s) {
    Rng rng(seed, 0x4A1F00 + round * 1000 + s);
    rs[s].train = subsample(splits[s].train, fraction, rng);
    rs[s].test = subsample(splits[s].test, fraction, rng);
  }
  return rs;
}

// What the tasks of one round write: one slot per (candidate, split).
struct RoundScores {
  std::vector<SplitScore> scores;
  std::vector<std::string> errors;
  std::vector<std::int64_t> started, ended;
  explicit RoundScores(std::size_t n) : scores(n), errors(n), started(n), ended(n) {}
};

struct RoundContext {
  const Table* table;
  const std::vector<Split>* splits;
  const std::vector<std::size_t>* alive;
  const std::vector<SearchCandidate>* candidates;
  RoundScores* out;
  Progress* progress;
  TaskFailure* failure;
};

void score_task(void* p, std::size_t i) {
  auto* c = static_cast<RoundContext*>(p);
  c->failure->run([c, i] {
    const std::size_t n_splits = c->splits->size();
    const SearchCandidate& candidate = (*c->candidates)[(*c->alive)[i / n_splits]];
    Error e;
    c->out->started[i] = now_ms();
    if (!score_split(*c->table, (*c->splits)[i % n_splits], candidate.fit, &c->out->scores[i], &e))
      c->out->errors[i] = "fold " + std::to_string(i % n_splits + 1) + ": " + e.to_string();
    c->out->ended[i] = now_ms();
    c->progress->advance();
  });
}

// A trial's mean and spread over its splits, its times and its first error.
void collect(const RoundScores& r, std::size_t a, std::size_t n_splits, const std::string& metric,
             SearchTrial* trial) {
  trial->fit_seconds = 0.0;
  trial->error.clear();
  std::vector<double> v;
  for (std::size_t s = 0; s < n_splits; ++s) {
    const std::size_t i = a * n_splits + s;
    if (trial->start_ms == 0 || r.started[i] < trial->start_ms) trial->start_ms = r.started[i];
    trial->end_ms = std::max(trial->end_ms, r.ended[i]);
    if (!r.errors[i].empty() && trial->error.empty()) trial->error = r.errors[i];
    trial->fit_seconds += r.scores[i].fit_seconds;
    v.push_back(r.errors[i].empty() ? r.scores[i].evaluation.get(metric) : NAN);
  }
  mean_and_std(v, &trial->mean, &trial->std);
  if (trial->error.empty() && trial->mean != trial->mean)
    trial->error = "metric " + metric + " undefined on a fold";
}

// `alive` ranked best first (unscored last; ties: the earlier candidate).
std::vector<std::size_t> ranked(const std::vector<std::size_t>& alive, const std::vector<SearchTrial>& trials,
                                bool higher) {
  std::vector<std::size_t> order = alive;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = trials[a].mean, y = trials[b].mean;
    if ((x == x) != (y == y)) return x == x;
    return higher ? x > y : x < y;
  });
  return order;
}

// Every fit of every round, for the progress line.
std::size_t total_fits(std::size_t candidates, std::size_t rounds, std::size_t splits, std::size_t factor) {
  std::size_t total = 0;
  for (std::size_t r = 0; r < rounds; ++r) {
    total += candidates * splits;
    candidates = (candidates + factor - 1) / factor;
  }
  return total;
}

std::vector<std::size_t> rounds_of(const Table& table, std::size_t candidates, std::size_t folds,
                                   const SearchOptions& options) {
  if (!options.halving) return {table.rows};
  const Column& target = table.columns[static_cast<std::size_t>(table.target)];
  const bool classes = target.type == ColumnType::categorical;
  const std::size_t smallest = 2 * folds * (classes ? target.labels.size() : 1);
  return halving_rows(candidates, table.rows, smallest, options.factor);
}

}  // namespace

void search(const Table& table, const std::vector<Split>& splits,
            const std::vector<SearchCandidate>& candidates, const SearchOptions& options,
            SearchResult* result) {
  metric_known(options.metric, &result->higher_is_better);
  result->round_rows = rounds_of(table, candidates.size(), splits.size(), options);
  result->trials.assign(candidates.size(), SearchTrial());
  std::vector<SearchTrial>& trials = result->trials;
  std::vector<std::size_t> alive(candidates.size());
  for (std::size_t t = 0; t < candidates.size(); ++t) {
    trials[t].params = candidates[t].params;
    alive[t] = t;
  }
  ThreadPool pool(options.threads);
  result->threads = pool.threads();
  TaskFailure failure;  // an allocation failure in a fit, passed back to this thread
  const std::size_t rounds = result->round_rows.size();
  Progress progress("fits", total_fits(candidates.size(), rounds, splits.size(), options.factor),
                    options.progress);
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::vector<Split> rs =
        round_splits(splits, result->round_rows[round], table.rows, round, options.seed);
    RoundScores scores(alive.size() * rs.size());
    RoundContext ctx{&table, &rs, &alive, &candidates, &scores, &progress, &failure};
    pool.executor().parallel_for(scores.scores.size(), score_task, &ctx);
    failure.rethrow();
    for (std::size_t a = 0; a < alive.size(); ++a) {
      SearchTrial& trial = trials[alive[a]];
      trial.round = round;
      trial.rows = result->round_rows[round];
      collect(scores, a, rs.size(), options.metric, &trial);
    }
    std::vector<std::size_t> order = ranked(alive, trials, result->higher_is_better);
    if (round + 1 < rounds) {
      order.resize((order.size() + options.factor - 1) / options.factor);
      std::sort(order.begin(), order.end());
    }
    alive = order;
  }
  // The last round leaves `alive` in its ranking.
  result->best = alive[0];
}

}  // namespace ember::host
