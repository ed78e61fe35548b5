#include "ember/folds.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "ember/rng.h"
#include "row_index.h"

namespace ember {

namespace {

Status check_folds(std::size_t n, std::uint32_t folds, Span<std::uint32_t> fold) {
  if (fold.size() != n) return Status::shape_mismatch;
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
  if (folds < 2 || folds > n) return Status::bad_value;
  return Status::ok;
}

// Bytes for `count` items of `size`, with room to align them; SIZE_MAX on
// overflow. Sums of these saturate at SIZE_MAX.
std::size_t array_bytes(std::size_t count, std::size_t size) {
  constexpr std::size_t kPadding = alignof(std::max_align_t);
  if (count > (SIZE_MAX - kPadding) / size) return SIZE_MAX;
  return count * size + kPadding;
}
std::size_t add_bytes(std::size_t a, std::size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

// The rows grouped by their code in [0, k) (a counting sort, rows in
// order within a code): rows of code c are order[start[c] .. start[c + 1]).
template <class Code>
void group_rows(Span<const Code> codes, std::size_t k, Span<std::size_t> start, Span<std::uint32_t> order) {
  for (std::size_t c = 0; c <= k; ++c) start[c] = 0;
  for (Code c : codes) ++start[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < k; ++c) start[c + 1] += start[c];
  for (std::size_t i = 0; i < codes.size(); ++i) {
    // start[c] walks forward and is restored below.
    order[start[static_cast<std::size_t>(codes[i])]++] = static_cast<std::uint32_t>(i);
  }
  for (std::size_t c = k; c > 0; --c) start[c] = start[c - 1];
  start[0] = 0;
}

}  // namespace

Status kfold(std::size_t n, std::uint32_t folds, const Shuffle& shuffle, Span<std::uint32_t> fold) noexcept {
  EMBER_TRY(check_folds(n, folds, fold));
  // Fold of the r-th row in (shuffled) order, written through a
  // permutation held in `fold` itself: first the order, then the folds.
  if (!shuffle.enabled) {
    std::size_t at = 0;
    for (std::uint32_t f = 0; f < folds; ++f) {
      const std::size_t size = n / folds + (f < n % folds ? 1 : 0);
      for (std::size_t i = 0; i < size; ++i) fold[at++] = f;
    }
    return Status::ok;
  }
  // Shuffling the fold labels of the unshuffled split is the same as
  // cutting a shuffled order into runs.
  EMBER_TRY(kfold(n, folds, Shuffle{}, fold));
  Rng rng(shuffle.seed, shuffle.stream);
  rng.shuffle(fold);
  return Status::ok;
}

std::size_t stratified_kfold_arena_bytes(std::size_t n, std::uint32_t n_classes) noexcept {
  std::size_t bytes = array_bytes(n, sizeof(std::uint32_t));                               // rows by class
  bytes = add_bytes(bytes, array_bytes(std::size_t{n_classes} + 1, sizeof(std::size_t)));  // class starts
  bytes = add_bytes(bytes, array_bytes(n_classes, sizeof(std::uint32_t)));                 // first-seen order
  bytes = add_bytes(bytes, array_bytes(n_classes, sizeof(std::uint32_t)));                 // seen rank
  return bytes;
}

Status stratified_kfold(Span<const std::int32_t> y, std::uint32_t n_classes, std::uint32_t folds,
                        const Shuffle& shuffle, Arena& scratch, Span<std::uint32_t> fold) noexcept {
  const std::size_t n = y.size();
  EMBER_TRY(check_folds(n, folds, fold));
  for (std::int32_t c : y) {
    if (c < 0 || static_cast<std::uint32_t>(c) >= n_classes) return Status::bad_index;
  }
  ArenaScope scope(scratch);
  Span<std::uint32_t> order, seen, rank;
  Span<std::size_t> start;
  EMBER_TRY(scratch.allocate_array(n, &order));
  EMBER_TRY(scratch.allocate_array(std::size_t{n_classes} + 1, &start));
  EMBER_TRY(scratch.allocate_array(n_classes, &seen));
  EMBER_TRY(scratch.allocate_array(n_classes, &rank));
  group_rows(y, n_classes, start, order);
  // Classes in order of first appearance (scikit-learn's encoding).
  std::uint32_t n_seen = 0;
  for (std::uint32_t c = 0; c < n_classes; ++c) rank[c] = UINT32_MAX;
  for (std::int32_t c : y) {
    const auto k = static_cast<std::uint32_t>(c);
    if (rank[k] == UINT32_MAX) {
      rank[k] = n_seen;
      seen[n_seen++] = k;
    }
  }
  bool any_enough = false;
  for (std::uint32_t c = 0; c < n_classes; ++c) any_enough = any_enough || start[c + 1] - start[c] >= folds;
  if (!any_enough) return Status::bad_value;
  // The rows sorted by class rank are dealt to the folds in turn: the
  // class of rank r occupies sorted positions [p, p + size), and fold f
  // receives the positions congruent to f modulo `folds`.
  Rng rng(shuffle.seed, shuffle.stream);
  std::size_t p = 0;
  for (std::uint32_t r = 0; r < n_seen; ++r) {
    const std::uint32_t c = seen[r];
    const std::size_t size = start[c + 1] - start[c];
    // The class's fold labels in fold order, one per row of the class.
    std::size_t at = start[c];
    for (std::uint32_t f = 0; f < folds; ++f) {
      // Positions q in [p, p + size) with q % folds == f.
      const std::size_t first = p + (f + folds - p % folds) % folds;
      const std::size_t count = first < p + size ? (p + size - first + folds - 1) / folds : 0;
      for (std::size_t i = 0; i < count; ++i) fold[order[at++]] = f;
    }
    if (shuffle.enabled) {
      // Shuffle the labels among the class's rows.
      for (std::size_t i = size; i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng.below64(i));
        const std::uint32_t a = order[start[c] + i - 1], b = order[start[c] + j];
        const std::uint32_t t = fold[a];
        fold[a] = fold[b];
        fold[b] = t;
      }
    }
    p += size;
  }
  return Status::ok;
}

std::size_t group_kfold_arena_bytes(std::uint32_t n_groups, std::uint32_t folds) noexcept {
  std::size_t bytes = array_bytes(n_groups, sizeof(std::size_t));          // rows per group
  bytes = add_bytes(bytes, array_bytes(n_groups, sizeof(std::uint32_t)));  // group order
  bytes = add_bytes(bytes, array_bytes(n_groups, sizeof(std::uint32_t)));  // fold of group
  return add_bytes(bytes, array_bytes(folds, sizeof(std::size_t)));        // rows per fold
}

Status group_kfold(Span<const std::uint32_t> groups, std::uint32_t n_groups, std::uint32_t folds,
                   Arena& scratch, Span<std::uint32_t> fold) noexcept {
  const std::size_t n = groups.size();
  EMBER_TRY(check_folds(n, folds, fold));
  for (std::uint32_t g : groups) {
    if (g >= n_groups) return Status::bad_index;
  }
  ArenaScope scope(scratch);
  Span<std::size_t> size, load;
  Span<std::uint32_t> by_size, fold_of;
  EMBER_TRY(scratch.allocate_array(n_groups, &size));
  EMBER_TRY(scratch.allocate_array(n_groups, &by_size));
  EMBER_TRY(scratch.allocate_array(n_groups, &fold_of));
  EMBER_TRY(scratch.allocate_array(folds, &load));
  for (std::uint32_t g = 0; g < n_groups; ++g) size[g] = 0;
  for (std::uint32_t g : groups) ++size[g];
  // Groups with rows, largest first, ties by the higher number: a strict
  // order, so any correct sort gives the same sequence.
  std::uint32_t used = 0;
  for (std::uint32_t g = 0; g < n_groups; ++g) {
    if (size[g] > 0) by_size[used++] = g;
  }
  std::sort(by_size.begin(), by_size.begin() + used, [&size](std::uint32_t a, std::uint32_t b) {
    return size[a] != size[b] ? size[a] > size[b] : a > b;
  });
  if (used < folds) return Status::bad_value;
  for (std::uint32_t f = 0; f < folds; ++f) load[f] = 0;
  for (std::uint32_t i = 0; i < used; ++i) {
    std::uint32_t lightest = 0;
    for (std::uint32_t f = 1; f < folds; ++f) lightest = load[f] < load[lightest] ? f : lightest;
    load[lightest] += size[by_size[i]];
    fold_of[by_size[i]] = lightest;
  }
  for (std::size_t i = 0; i < n; ++i) fold[i] = fold_of[groups[i]];
  return Status::ok;
}

Status time_series_split(std::size_t n, std::uint32_t splits, std::size_t test_size, std::size_t gap,
                         std::uint32_t index, TimeSplit* out) noexcept {
  if (splits < 1 || index >= splits) return Status::bad_value;
  const std::size_t block = test_size > 0 ? test_size : n / (std::size_t{splits} + 1);
  if (block == 0 || block > n / splits) return Status::bad_value;
  const std::size_t tests = block * splits;
  if (n - tests <= gap) return Status::bad_value;  // no row left to train on
  TimeSplit s;
  s.test_begin = n - tests + block * index;
  s.test_end = s.test_begin + block;
  s.train_end = s.test_begin - gap;
  *out = s;
  return Status::ok;
}

Status holdout(std::size_t n, Span<const std::int32_t> y, std::uint32_t n_classes, double fraction,
               std::uint64_t seed, std::uint64_t stream, Arena& scratch,
               Span<std::uint8_t> is_test) noexcept {
  if (is_test.size() != n || (!y.empty() && y.size() != n)) return Status::shape_mismatch;
  if (!(fraction > 0.0 && fraction < 1.0)) return Status::bad_value;
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
  const std::size_t strata = y.empty() ? 1 : n_classes;
  for (std::int32_t c : y) {
    if (c < 0 || static_cast<std::uint32_t>(c) >= n_classes) return Status::bad_index;
  }
  ArenaScope scope(scratch);
  Span<std::uint32_t> order;
  Span<std::size_t> start;
  EMBER_TRY(scratch.allocate_array(n, &order));
  EMBER_TRY(scratch.allocate_array(strata + 1, &start));
  if (y.empty()) {
    for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
    start[0] = 0;
    start[1] = n;
  } else {
    group_rows(y, strata, start, order);
  }
  for (std::size_t i = 0; i < n; ++i) is_test[i] = 0;
  Rng rng(seed, stream);
  for (std::size_t c = 0; c < strata; ++c) {
    const Span<std::uint32_t> rows(order.data() + start[c], start[c + 1] - start[c]);
    rng.shuffle(rows);
    double want = fraction * static_cast<double>(rows.size());
    std::size_t k = static_cast<std::size_t>(want);
    if (static_cast<double>(k) < want) ++k;  // ceil, without <cmath>'s ceil on a huge value
    for (std::size_t r = 0; r < k && r < rows.size(); ++r) is_test[rows[r]] = 1;
  }
  return Status::ok;
}

}  // namespace ember
