// Folds: which rows a model is validated on. Hold-out, k-fold, stratified,
// repeated, group and time-series splits, as scikit-learn's
// model_selection defines them; all deterministic, shuffles drawn from
// ember's Rng, so the same seed gives the same folds on every platform
// (not the same rows as scikit-learn's shuffles, whose generator differs;
// without shuffling the folds are exactly scikit-learn's).
//
// The k-fold functions write fold[i] in [0, folds): row i is validated in
// that fold and trained on in every other. Errors common to all:
// shape_mismatch (fold.size() is not the number of rows), bad_value
// (folds < 2 or more folds than rows), size_overflow (rows beyond 2^32).
#ifndef EMBER_FOLDS_H
#define EMBER_FOLDS_H

#include <cstddef>
#include <cstdint>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"

namespace ember {

// Whether and how rows are shuffled before they are cut into folds.
// Repetition r of a repeated k-fold (RepeatedKFold) is `stream` r.
struct Shuffle {
  bool enabled = false;
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
};

// KFold: rows (shuffled, or in order) cut into `folds` consecutive runs,
// the first n % folds of them one row longer. No memory beyond `fold`.
Status kfold(std::size_t n, std::uint32_t folds, const Shuffle& shuffle, Span<std::uint32_t> fold) noexcept;

// StratifiedKFold: every fold holds each class in about its share of the
// rows. Classes are numbered by first appearance; their rows, sorted by
// that number and dealt to the folds in turn, fix each fold's count per
// class; each class's rows (shuffled, or in order) fill the folds in order
// with those counts. `y` holds class codes in [0, n_classes).
// Memory: stratified_kfold_arena_bytes from `scratch`, given back.
// Errors: also bad_index (a code outside [0, n_classes)), bad_value when
// every class has fewer rows than folds (scikit-learn raises there too),
// out_of_memory.
std::size_t stratified_kfold_arena_bytes(std::size_t n, std::uint32_t n_classes) noexcept;
Status stratified_kfold(Span<const std::int32_t> y, std::uint32_t n_classes, std::uint32_t folds,
                        const Shuffle& shuffle, Arena& scratch, Span<std::uint32_t> fold) noexcept;

// GroupKFold: rows of a group stay together. Groups, largest first (ties:
// the higher group number first, which is numpy's order for small inputs),
// go to the fold with the fewest rows so far (the first on ties).
// `groups` holds group codes in [0, n_groups). Memory:
// group_kfold_arena_bytes from `scratch`, given back. Errors: also
// bad_index (a code outside [0, n_groups)), bad_value (fewer groups with
// rows than folds), out_of_memory.
std::size_t group_kfold_arena_bytes(std::uint32_t n_groups, std::uint32_t folds) noexcept;
Status group_kfold(Span<const std::uint32_t> groups, std::uint32_t n_groups, std::uint32_t folds,
                   Arena& scratch, Span<std::uint32_t> fold) noexcept;

// One split of TimeSeriesSplit: train on rows [0, train_end), validate on
// [test_begin, test_end); rows keep their order (the oldest first).
struct TimeSplit {
  std::size_t train_end = 0;
  std::size_t test_begin = 0;
  std::size_t test_end = 0;
};

// Split `index` in [0, splits) of TimeSeriesSplit(n_splits=splits,
// test_size, gap): test blocks of test_size rows (0: n / (splits + 1))
// end at the last row; each trains on everything up to `gap` rows before
// its test block. Errors: bad_value (splits < 1, index >= splits, or too
// few rows: n - gap - splits * test_size must be positive).
Status time_series_split(std::size_t n, std::uint32_t splits, std::size_t test_size, std::size_t gap,
                         std::uint32_t index, TimeSplit* out) noexcept;

// Hold-out: in each class (one stratum when n_classes is 0 and `y` is
// empty) the rows, in order, are shuffled by Rng(seed, stream) and the
// first ceil(fraction x size) of them validate (is_test = 1).
// Memory: n row indices from `scratch`, given back. Errors: bad_value
// (fraction not in (0, 1)), shape_mismatch (y neither empty nor n rows),
// bad_index, size_overflow, out_of_memory.
Status holdout(std::size_t n, Span<const std::int32_t> y, std::uint32_t n_classes, double fraction,
               std::uint64_t seed, std::uint64_t stream, Arena& scratch, Span<std::uint8_t> is_test) noexcept;

}  // namespace ember

#endif  // EMBER_FOLDS_H
