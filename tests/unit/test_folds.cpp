// Fold assignments: without shuffling they are scikit-learn 1.2.1's,
// printed by tests/data/reference/folds.py (its output is quoted beside
// each case); shuffled ones are checked for their properties.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ember/base/arena.h"
#include "ember/folds.h"
#include "heap_guard.h"

using namespace ember;

namespace {

template <class T>
Span<const T> s(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}
template <class T>
Span<T> out(std::vector<T>& v) {
  return Span<T>(v.data(), v.size());
}

struct TestArena {
  alignas(alignof(std::max_align_t)) unsigned char buffer[8192];
  Arena arena{buffer, sizeof buffer};
};

// Rows per fold.
std::vector<std::size_t> sizes(const std::vector<std::uint32_t>& fold, std::uint32_t folds) {
  std::vector<std::size_t> n(folds, 0);
  for (std::uint32_t f : fold) ++n[f];
  return n;
}

}  // namespace

TEST_CASE("kfold") {
  std::vector<std::uint32_t> fold(11);
  SUBCASE("as scikit-learn's KFold(3)") {
    // kfold 11 rows, 3 folds: 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2
    REQUIRE(kfold(11, 3, Shuffle{}, out(fold)) == Status::ok);
    CHECK(fold == std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2});
  }
  SUBCASE("shuffled: the same sizes, the same folds for the same seed and stream, others for others") {
    Shuffle sh;
    sh.enabled = true;
    sh.seed = 7;
    REQUIRE(kfold(11, 3, sh, out(fold)) == Status::ok);
    CHECK(sizes(fold, 3) == std::vector<std::size_t>{4, 4, 3});
    std::vector<std::uint32_t> again(11), repeat(11);
    REQUIRE(kfold(11, 3, sh, out(again)) == Status::ok);
    CHECK(again == fold);
    sh.stream = 1;  // the second repetition of a repeated k-fold
    REQUIRE(kfold(11, 3, sh, out(repeat)) == Status::ok);
    CHECK(sizes(repeat, 3) == std::vector<std::size_t>{4, 4, 3});
    CHECK(repeat != fold);
    CHECK(fold != std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2});
  }
  SUBCASE("errors") {
    CHECK(kfold(11, 1, Shuffle{}, out(fold)) == Status::bad_value);
    CHECK(kfold(11, 12, Shuffle{}, out(fold)) == Status::bad_value);
    CHECK(kfold(10, 3, Shuffle{}, out(fold)) == Status::shape_mismatch);
  }
}

TEST_CASE("stratified_kfold") {
  TestArena a;
  SUBCASE("as scikit-learn's StratifiedKFold") {
    // stratified 3 folds, y = [2, 0, 2, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1, 2, 0, 2, 2] :
    // 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2
    const std::vector<std::int32_t> y = {2, 0, 2, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1, 2, 0, 2, 2};
    std::vector<std::uint32_t> fold(y.size());
    REQUIRE(stratified_kfold(s(y), 3, 3, Shuffle{}, a.arena, out(fold)) == Status::ok);
    CHECK(fold == std::vector<std::uint32_t>{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2});
    // stratified 4 folds, y = [0, 0, 0, 1, 0, 0, 2, 2, 2, 2, 0, 2] :
    // 0, 0, 1, 2, 1, 2, 0, 1, 2, 3, 3, 3  (a class with 1 row: allowed)
    const std::vector<std::int32_t> y2 = {0, 0, 0, 1, 0, 0, 2, 2, 2, 2, 0, 2};
    std::vector<std::uint32_t> fold2(y2.size());
    REQUIRE(stratified_kfold(s(y2), 3, 4, Shuffle{}, a.arena, out(fold2)) == Status::ok);
    CHECK(fold2 == std::vector<std::uint32_t>{0, 0, 1, 2, 1, 2, 0, 1, 2, 3, 3, 3});
    CHECK(a.arena.used() == 0);
  }
  SUBCASE("shuffled: each class's count per fold is kept") {
    std::vector<std::int32_t> y(300);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 10 == 0 ? 1 : 0;  // 30 of class 1
    std::vector<std::uint32_t> plain(y.size()), shuffled(y.size());
    Shuffle sh;
    sh.enabled = true;
    sh.seed = 3;
    REQUIRE(stratified_kfold(s(y), 2, 5, Shuffle{}, a.arena, out(plain)) == Status::ok);
    REQUIRE(stratified_kfold(s(y), 2, 5, sh, a.arena, out(shuffled)) == Status::ok);
    CHECK(shuffled != plain);
    for (std::int32_t c = 0; c < 2; ++c) {
      std::vector<std::size_t> n_plain(5, 0), n_shuffled(5, 0);
      for (std::size_t i = 0; i < y.size(); ++i) {
        if (y[i] != c) continue;
        ++n_plain[plain[i]];
        ++n_shuffled[shuffled[i]];
      }
      CHECK(n_plain == n_shuffled);
      CHECK(n_plain == std::vector<std::size_t>(5, c == 1 ? 6 : 54));
    }
  }
  SUBCASE("errors") {
    const std::vector<std::int32_t> y = {0, 1, 0, 1, 2};
    std::vector<std::uint32_t> fold(y.size());
    CHECK(stratified_kfold(s(y), 2, 2, Shuffle{}, a.arena, out(fold)) == Status::bad_index);
    // Every class has fewer than 3 rows.
    CHECK(stratified_kfold(s(y), 3, 3, Shuffle{}, a.arena, out(fold)) == Status::bad_value);
    Arena empty(nullptr, 0);
    CHECK(stratified_kfold(s(y), 3, 2, Shuffle{}, empty, out(fold)) == Status::out_of_memory);
    CHECK(a.arena.used() == 0);
  }
}

TEST_CASE("group_kfold") {
  TestArena a;
  // group 3 folds, groups = [0, 1, 0, 2, 2, 0, 3, 1, 4, 2, 0, 4] :
  // 0, 2, 0, 1, 1, 0, 1, 2, 2, 1, 0, 2
  // (groups 1 and 4 both have 2 rows: 4 goes first, as in numpy)
  const std::vector<std::uint32_t> g = {0, 1, 0, 2, 2, 0, 3, 1, 4, 2, 0, 4};
  std::vector<std::uint32_t> fold(g.size());
  REQUIRE(group_kfold(s(g), 5, 3, a.arena, out(fold)) == Status::ok);
  CHECK(fold == std::vector<std::uint32_t>{0, 2, 0, 1, 1, 0, 1, 2, 2, 1, 0, 2});
  // Group codes with no rows are allowed; fewer groups with rows than
  // folds is not.
  REQUIRE(group_kfold(s(g), 9, 3, a.arena, out(fold)) == Status::ok);
  CHECK(group_kfold(s(g), 5, 6, a.arena, out(fold)) == Status::bad_value);
  CHECK(group_kfold(s(g), 4, 3, a.arena, out(fold)) == Status::bad_index);
  CHECK(a.arena.used() == 0);
}

TEST_CASE("group_kfold with many groups balances the folds") {
  // 60,000 rows in 20,000 groups of 1 to 5 rows: largest-first to the
  // lightest fold leaves the folds within one group's size of each other.
  std::vector<std::uint32_t> g;
  for (std::uint32_t k = 0; k < 20000; ++k) g.insert(g.end(), 1 + (k * 7919u) % 5, k);
  std::vector<std::uint32_t> fold(g.size());
  std::vector<unsigned char> buffer(group_kfold_arena_bytes(20000, 4));
  Arena arena(buffer.data(), buffer.size());
  REQUIRE(group_kfold(s(g), 20000, 4, arena, out(fold)) == Status::ok);
  const std::vector<std::size_t> n = sizes(fold, 4);
  std::size_t lo = n[0], hi = n[0];
  for (std::size_t x : n) {
    lo = x < lo ? x : lo;
    hi = x > hi ? x : hi;
  }
  CHECK(hi - lo <= 5);
  std::size_t split_groups = 0;
  for (std::size_t i = 1; i < g.size(); ++i) split_groups += g[i] == g[i - 1] && fold[i] != fold[i - 1];
  CHECK(split_groups == 0);
}

TEST_CASE("time_series_split") {
  auto split = [](std::size_t n, std::uint32_t splits, std::size_t test_size, std::size_t gap) {
    std::vector<std::size_t> v;
    for (std::uint32_t i = 0; i < splits; ++i) {
      TimeSplit t;
      REQUIRE(time_series_split(n, splits, test_size, gap, i, &t) == Status::ok);
      v.insert(v.end(), {t.train_end, t.test_begin, t.test_end});
    }
    return v;
  };
  // time series 13 rows {'n_splits': 3} : [(4, 4, 7), (7, 7, 10), (10, 10, 13)]
  CHECK(split(13, 3, 0, 0) == std::vector<std::size_t>{4, 4, 7, 7, 7, 10, 10, 10, 13});
  // {'n_splits': 4, 'gap': 2} : [(3, 5, 7), (5, 7, 9), (7, 9, 11), (9, 11, 13)]
  CHECK(split(13, 4, 0, 2) == std::vector<std::size_t>{3, 5, 7, 5, 7, 9, 7, 9, 11, 9, 11, 13});
  // {'n_splits': 2, 'test_size': 3, 'gap': 1} : [(6, 7, 10), (9, 10, 13)]
  CHECK(split(13, 2, 3, 1) == std::vector<std::size_t>{6, 7, 10, 9, 10, 13});
  TimeSplit t;
  CHECK(time_series_split(13, 3, 0, 0, 3, &t) == Status::bad_value);   // no split 3
  CHECK(time_series_split(13, 3, 4, 1, 0, &t) == Status::bad_value);   // 13 - 12 <= 1: nothing to train on
  CHECK(time_series_split(13, 13, 0, 0, 0, &t) == Status::bad_value);  // test blocks of 0 rows
  CHECK(time_series_split(13, 0, 0, 0, 0, &t) == Status::bad_value);
}

TEST_CASE("holdout") {
  TestArena a;
  // 20 rows of class 0, 10 of class 1: ceil(0.25 x 20) = 5 and
  // ceil(0.25 x 10) = 3 validate.
  std::vector<std::int32_t> y(30);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = i % 3 == 0 ? 1 : 0;
  std::vector<std::uint8_t> test(30), again(30), plain(30);
  REQUIRE(holdout(30, s(y), 2, 0.25, 1, 0, a.arena, out(test)) == Status::ok);
  std::size_t n_test[2] = {0, 0};
  for (std::size_t i = 0; i < y.size(); ++i) n_test[y[i]] += test[i];
  CHECK(n_test[0] == 5);
  CHECK(n_test[1] == 3);
  REQUIRE(holdout(30, s(y), 2, 0.25, 1, 0, a.arena, out(again)) == Status::ok);
  CHECK(again == test);
  // Unstratified: ceil(0.25 x 30) = 8 rows.
  REQUIRE(holdout(30, Span<const std::int32_t>(), 0, 0.25, 1, 0, a.arena, out(plain)) == Status::ok);
  std::size_t total = 0;
  for (std::uint8_t t : plain) total += t;
  CHECK(total == 8);
  CHECK(holdout(30, s(y), 2, 1.0, 1, 0, a.arena, out(test)) == Status::bad_value);
  CHECK(holdout(30, s(y), 2, 0.0, 1, 0, a.arena, out(test)) == Status::bad_value);
  CHECK(holdout(30, s(y), 1, 0.5, 1, 0, a.arena, out(test)) == Status::bad_index);
  CHECK(holdout(29, s(y), 2, 0.5, 1, 0, a.arena, Span<std::uint8_t>(test.data(), 29)) ==
        Status::shape_mismatch);
  CHECK(a.arena.used() == 0);
}

TEST_CASE("folds make no heap allocation") {
  TestArena a;
  const std::vector<std::int32_t> y = {2, 0, 2, 1, 0, 2, 2, 1, 0, 2, 0, 2, 1, 2, 0, 2, 2};
  const std::vector<std::uint32_t> g = {0, 1, 0, 2, 2, 0, 3, 1, 4, 2, 0, 4, 1, 1, 2, 3, 4};
  std::vector<std::uint32_t> fold(y.size());
  std::vector<std::uint8_t> test(y.size());
  Shuffle sh;
  sh.enabled = true;
  Status st[4];
  {
    test::HeapGuard guard;
    st[0] = kfold(y.size(), 4, sh, out(fold));
    st[1] = stratified_kfold(s(y), 3, 3, sh, a.arena, out(fold));
    st[2] = group_kfold(s(g), 5, 3, a.arena, out(fold));
    st[3] = holdout(y.size(), s(y), 3, 0.3, 0, 0, a.arena, out(test));
    CHECK(guard.allocations() == 0);
  }
  for (Status x : st) CHECK(x == Status::ok);
}
