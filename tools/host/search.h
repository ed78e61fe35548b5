// Hyperparameter search on the host: every candidate's fit cross-validated
// over the same splits on a thread pool, scored by one metric and ranked,
// in one round (grid or random search) or in rounds of successive halving
// on growing row subsamples (HalvingGridSearchCV / HalvingRandomSearchCV).
// The candidates come from host/param_search.h; what each fit is (the
// pipeline and model a candidate names) is the caller's FitFunction.
#ifndef EMBER_HOST_SEARCH_H
#define EMBER_HOST_SEARCH_H

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/cross_validation.h"
#include "host/param_search.h"
#include "host/table.h"

namespace ember::host {

// Checks `metric` before any fit: a metric of `ember eval` (host::
// metric_known), of the task (classes or numbers), and for the number of
// classes (auc and the plain precision/recall/f1 need two, auc_ovr_macro
// more). On failure `error` says why and what to use instead.
bool search_metric_fits_task(const std::string& metric, bool classes, std::size_t n_classes,
                             std::string* error);

// One candidate: its parameters (for reports) and its fit, which the
// search calls from several threads at once (on different splits).
struct SearchCandidate {
  Candidate params;
  FitFunction fit;
};

struct SearchOptions {
  std::string metric;      // checked with search_metric_fits_task
  bool halving = false;    // successive halving instead of one round
  std::size_t factor = 3;  // halving: each round keeps the best ceil(n / factor) of its n, >= 2
  std::uint64_t seed = 0;  // halving: the row subsamples, Rng(seed, 0x4A1F00 + 1000 round + split)
  unsigned threads = 0;    // ThreadPool threads (0: one per hardware thread)
  bool progress = false;   // a "fits" progress line on stderr
};

struct SearchTrial {
  Candidate params;
  std::size_t round = 0;                  // halving round it was last scored in (from 0)
  std::size_t rows = 0;                   // rows per fit in that round (all, without halving)
  double mean = NAN, std = NAN;           // of the metric over the splits (ddof=0); NaN when not scored
  double fit_seconds = 0.0;               // summed over that round's splits
  std::string error;                      // why it could not be scored ("fold 2: ..."), or ""
  std::int64_t start_ms = 0, end_ms = 0;  // its first fit's start, its last fit's end (Unix ms)
};

struct SearchResult {
  std::vector<SearchTrial> trials;      // in candidate order
  std::vector<std::size_t> round_rows;  // rows per fit of each round (one round: all rows)
  std::size_t best = 0;                 // index into trials: the best of the last round, first on ties
  bool higher_is_better = true;
  unsigned threads = 1;  // the threads the fits ran on
};

// Scores every candidate on `splits` of `table` (its target set) and
// ranks them by options.metric. Results do not depend on the threads:
// each (candidate, split) task writes only its own slot. A fit that fails
// leaves its trial unscored with the error; it does not stop the search.
// An exception in a fit (std::bad_alloc) is rethrown on the calling thread.
// When no candidate could be scored, trials[best] is unscored (NaN mean).
// `candidates` and `splits` must not be empty.
void search(const Table& table, const std::vector<Split>& splits,
            const std::vector<SearchCandidate>& candidates, const SearchOptions& options,
            SearchResult* result);

}  // namespace ember::host

#endif  // EMBER_HOST_SEARCH_H
