// Evaluation metrics against hand-worked cases (the working is in the
// comments) and against scikit-learn 1.2.1: the k* constants were printed
// once by tests/data/reference/metrics.py, whose arrays are the ones below.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "ember/arena.h"
#include "ember/matrix_view.h"
#include "ember/metrics.h"
#include "heap_guard.h"

using namespace ember;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// The arithmetic is double with a fixed order; scikit-learn sums in another
// order (pairwise, normalised curve points), so agreement is to rounding.
constexpr double kTol = 1e-12;

template <class T, std::size_t N>
Span<const T> s(const T (&a)[N]) {
  return Span<const T>(a, N);
}
const Span<const float> kNoWeights;

template <std::size_t R, std::size_t C>
MatrixView<const float> view(const float (&m)[R][C]) {
  return MatrixView<const float>{&m[0][0], R, C, C};
}

// ---- scikit-learn fixtures: the arrays of tests/data/reference/metrics.py ----

const std::int32_t kBinY[] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
const float kBinScore[] = {0.725f, 0.275f, 0.275f, 0.275f, 0.613f, 0.275f, 0.838f, 0.388f, 0.388f, 0.5f,
                           0.5f,   0.5f,   0.5f,   0.838f, 0.725f, 0.725f, 0.613f, 0.5f,   0.275f, 0.838f};
const float kBinW[] = {1.0f, 0.5f,  1.75f, 0.0f, 1.75f, 1.25f, 0.25f, 0.25f, 1.0f, 0.25f,
                       0.5f, 1.25f, 2.0f,  1.0f, 1.75f, 2.0f,  1.75f, 1.5f,  1.0f, 1.25f};
// BIN_PRED = [int(s >= 0.5) for s in BIN_SCORE]
const std::int32_t kBinPred[] = {1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1};

const std::int32_t kMcY[] = {0, 1, 1, 0, 2, 0, 0, 0, 2, 2, 2, 0, 2, 1, 1};
const float kMcP[15][3] = {{0.08f, 0.38f, 0.54f}, {0.46f, 0.15f, 0.39f}, {0.16f, 0.42f, 0.42f},
                           {0.13f, 0.33f, 0.54f}, {0.37f, 0.32f, 0.31f}, {0.09f, 0.55f, 0.36f},
                           {0.12f, 0.25f, 0.63f}, {0.38f, 0.31f, 0.31f}, {0.44f, 0.38f, 0.18f},
                           {0.5f, 0.42f, 0.08f},  {0.09f, 0.55f, 0.36f}, {0.5f, 0.3f, 0.2f},
                           {0.15f, 0.31f, 0.54f}, {0.31f, 0.31f, 0.38f}, {0.47f, 0.24f, 0.29f}};
const float kMcW[] = {2.0f, 2.5f, 2.0f, 3.0f, 2.5f, 3.0f, 4.0f, 1.0f,
                      2.5f, 2.0f, 1.5f, 1.0f, 0.5f, 2.0f, 3.5f};

const std::int32_t kLlY[] = {0, 1, 2, 2, 0, 1};
const float kLlP[6][3] = {{0.7f, 0.2f, 0.2f}, {1.0f, 0.0f, 0.0f},   {0.0f, 0.0f, 1.0f},
                          {0.3f, 0.3f, 0.3f}, {1.5f, 0.25f, 0.25f}, {0.1f, 0.6f, 0.2f}};
const float kLlW[] = {1.0f, 0.5f, 2.0f, 1.5f, 1.0f, 3.0f};

const float kRegTrue[] = {3.0f, -0.5f, 2.0f, 7.0f, 4.25f, 1.5f, -2.0f, 0.75f, 5.5f, 3.3f};
const float kRegPred[] = {2.5f, 0.0f, 2.0f, 8.0f, 4.0f, 1.0f, -1.5f, 1.0f, 6.0f, 2.9f};
const float kRegW[] = {1.0f, 2.0f, 0.5f, 0.0f, 1.5f, 3.0f, 1.0f, 2.5f, 0.25f, 1.0f};

// /usr/bin/python3 tests/data/reference/metrics.py  (scikit-learn 1.2.1, numpy 1.24.2)
constexpr double kAccuracy = 0.5;
constexpr double kAccuracyWeighted = 0.5454545454545454;
constexpr double kAuc = 0.40909090909090906;
constexpr double kAucWeighted = 0.3431266846361186;
constexpr double kOvr = 0.2792199775533109;
constexpr double kOvrWeighted = 0.16557368158722086;
constexpr double kMcLogLoss = 1.544490479523334;
constexpr double kMcLogLossWeighted = 1.7109029434126934;
constexpr double kLogLoss = 6.150050671145174;
constexpr double kLogLossWeighted = 2.332350241489917;
constexpr double kRmse = 0.5034878236421515;
constexpr double kRmseWeighted = 0.41750894183770415;
constexpr double kMae = 0.43999998569488524;
constexpr double kMaeWeighted = 0.3941176358391257;
constexpr double kR2 = 0.9620287310176824;
constexpr double kR2Weighted = 0.9477999292465245;
constexpr double kR2ConstantPerfect = 1.0;
constexpr double kR2ConstantImperfect = 0.0;

// An arena over a static buffer that is large enough for every case here.
struct TestArena {
  alignas(alignof(std::max_align_t)) unsigned char buffer[4096];
  Arena arena{buffer, sizeof buffer};
};

}  // namespace

// A macro, so that a failure names the line of the case.
#define CHECK_CLOSE(got, want) CHECK((got) == doctest::Approx(want).epsilon(kTol))

TEST_CASE("accuracy") {
  double out = -1.0;
  SUBCASE("by hand") {
    // 3 of 4 match; weighted: matches at weights 1, 3, 4 of a total 10.
    const std::int32_t t[] = {0, 1, 2, 1};
    const std::int32_t p[] = {0, 2, 2, 1};
    const float w[] = {1, 2, 3, 4};
    REQUIRE(accuracy(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK(out == 0.75);
    REQUIRE(accuracy(s(t), s(p), s(w), &out) == Status::ok);
    CHECK(out == doctest::Approx(0.8).epsilon(kTol));
  }
  SUBCASE("scikit-learn") {
    REQUIRE(accuracy(s(kBinY), s(kBinPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kAccuracy);
    REQUIRE(accuracy(s(kBinY), s(kBinPred), s(kBinW), &out) == Status::ok);
    CHECK_CLOSE(out, kAccuracyWeighted);
  }
}

TEST_CASE("log_loss") {
  double out = -1.0;
  SUBCASE("by hand") {
    // -(ln 0.75 + ln 0.5) / 2 = ln(8/3) / 2; clipping changes nothing here.
    const std::int32_t y[] = {0, 1};
    const float p[2][2] = {{0.75f, 0.25f}, {0.5f, 0.5f}};
    REQUIRE(log_loss(s(y), view(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 0.49041462650586326);  // ln(8/3) / 2
    // Weights 1 and 3: (ln(4/3) + 3 ln 2) / 4.
    const float w[] = {1, 3};
    REQUIRE(log_loss(s(y), view(p), s(w), &out) == Status::ok);
    CHECK_CLOSE(out, (0.28768207245178090 + 3 * 0.69314718055994531) / 4);
  }
  SUBCASE("a zero probability on the true class is clipped to 1e-15") {
    // Row (0, 1) clips to (1e-15, 1 - 1e-15), whose sum is 1 in double:
    // -ln(1e-15) = 15 ln 10.
    const std::int32_t y[] = {0};
    const float p[1][2] = {{0.0f, 1.0f}};
    REQUIRE(log_loss(s(y), view(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 34.538776394910684);
    // A certain, correct prediction costs -ln(1 - 1e-15), about 1e-15, not 0.
    const std::int32_t y1[] = {1};
    REQUIRE(log_loss(s(y1), view(p), kNoWeights, &out) == Status::ok);
    CHECK(out == doctest::Approx(1e-15).epsilon(1e-6));
  }
  SUBCASE("scikit-learn: clipping, rows off 1, an entry above 1") {
    REQUIRE(log_loss(s(kLlY), view(kLlP), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kLogLoss);
    REQUIRE(log_loss(s(kLlY), view(kLlP), s(kLlW), &out) == Status::ok);
    CHECK_CLOSE(out, kLogLossWeighted);
  }
  SUBCASE("scikit-learn: three classes") {
    REQUIRE(log_loss(s(kMcY), view(kMcP), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kMcLogLoss);
    REQUIRE(log_loss(s(kMcY), view(kMcP), s(kMcW), &out) == Status::ok);
    CHECK_CLOSE(out, kMcLogLossWeighted);
  }
  SUBCASE("a row stride wider than K: the padding is never read") {
    float wide[15][4];
    for (std::size_t i = 0; i < 15; ++i) {
      for (std::size_t j = 0; j < 3; ++j) wide[i][j] = kMcP[i][j];
      wide[i][3] = kNaN;
    }
    const MatrixView<const float> m{&wide[0][0], 15, 3, 4};
    REQUIRE(log_loss(s(kMcY), m, s(kMcW), &out) == Status::ok);
    CHECK_CLOSE(out, kMcLogLossWeighted);
  }
}

TEST_CASE("roc_auc") {
  TestArena a;
  double out = -1.0;
  SUBCASE("by hand: ties between classes count one half") {
    // Positives 0.5 and 0.75, negatives 0.5 and 0.25. Pairs (pos, neg):
    // (0.5, 0.5) tie 1/2, (0.5, 0.25) 1, (0.75, 0.5) 1, (0.75, 0.25) 1
    // -> 3.5 / 4.
    const std::int32_t y[] = {0, 1, 0, 1};
    const float sc[] = {0.5f, 0.5f, 0.25f, 0.75f};
    REQUIRE(roc_auc(s(y), s(sc), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 0.875);
    // Weights 1, 2, 3, 4 (neg 1 at 0.5, pos 2 at 0.5, neg 3 at 0.25, pos 4
    // at 0.75): pairs weigh w_pos w_neg: 2*1/2 + 2*3 + 4*1 + 4*3 = 23 over
    // P N = 6 * 4 = 24.
    const float w[] = {1, 2, 3, 4};
    REQUIRE(roc_auc(s(y), s(sc), s(w), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, 23.0 / 24.0);
  }
  SUBCASE("by hand: perfect, reversed, all tied") {
    const std::int32_t y[] = {0, 0, 1, 1};
    const float up[] = {0.1f, 0.2f, 0.3f, 0.4f};
    const float down[] = {0.4f, 0.3f, 0.2f, 0.1f};
    const float flat[] = {0.5f, 0.5f, 0.5f, 0.5f};
    REQUIRE(roc_auc(s(y), s(up), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 1.0);
    REQUIRE(roc_auc(s(y), s(down), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 0.0);
    REQUIRE(roc_auc(s(y), s(flat), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 0.5);
  }
  SUBCASE("scikit-learn: ties and weights (one of them 0)") {
    REQUIRE(roc_auc(s(kBinY), s(kBinScore), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kAuc);
    REQUIRE(roc_auc(s(kBinY), s(kBinScore), s(kBinW), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kAucWeighted);
  }
  SUBCASE("the order of the samples does not change a bit of the result") {
    // Unweighted, every sum is an integer, so the result is exact.
    std::int32_t y[20];
    float sc[20];
    for (std::size_t i = 0; i < 20; ++i) {
      y[i] = kBinY[19 - i];
      sc[i] = kBinScore[19 - i];
    }
    double forward = 0.0;
    REQUIRE(roc_auc(s(kBinY), s(kBinScore), kNoWeights, a.arena, &forward) == Status::ok);
    REQUIRE(roc_auc(s(y), s(sc), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == forward);
    CHECK(forward == 81.0 / 198.0);  // kAuc: 40.5 of the 11 x 9 pairs, as 2 x area / (2 P N)
  }
  SUBCASE("scratch: exactly roc_auc_arena_bytes, and all of it given back") {
    const std::size_t n = 20;
    CHECK(a.arena.used() == 0);
    REQUIRE(roc_auc(s(kBinY), s(kBinScore), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(a.arena.used() == 0);
    CHECK(a.arena.high_water() <= roc_auc_arena_bytes(n));
    CHECK(a.arena.high_water() > 0);

    alignas(alignof(std::max_align_t)) unsigned char exact[256];
    REQUIRE(roc_auc_arena_bytes(n) <= sizeof exact);
    Arena fits(exact, roc_auc_arena_bytes(n));
    CHECK(roc_auc(s(kBinY), s(kBinScore), kNoWeights, fits, &out) == Status::ok);
    Arena small(exact, n * sizeof(std::size_t) - 1);
    out = -1.0;
    CHECK(roc_auc(s(kBinY), s(kBinScore), kNoWeights, small, &out) == Status::out_of_memory);
    CHECK(out == -1.0);
    CHECK(small.used() == 0);
    CHECK(roc_auc_arena_bytes(SIZE_MAX / 2) == SIZE_MAX);
  }
}

TEST_CASE("roc_auc_ovr_macro") {
  TestArena a;
  double out = -1.0;
  SUBCASE("by hand") {
    // class 0, column (.5 .5 .25 .25), positive {0}: vs 1 tie 1/2, vs 2 and 3
    //   1 each -> 2.5/3
    // class 1, column (.25 .25 .25 .5), positive {1}: vs 0 and 2 ties, vs 3
    //   0 -> 1/3
    // class 2, column (.25 .25 .5 .25), positives {2, 3}: 2 beats 0 and 1,
    //   3 ties both -> 3/4
    // mean (5/6 + 1/3 + 3/4) / 3 = 23/36
    const std::int32_t y[] = {0, 1, 2, 2};
    const float p[4][3] = {
        {0.5f, 0.25f, 0.25f}, {0.5f, 0.25f, 0.25f}, {0.25f, 0.25f, 0.5f}, {0.25f, 0.5f, 0.25f}};
    REQUIRE(roc_auc_ovr_macro(s(y), view(p), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, 23.0 / 36.0);
    CHECK(a.arena.used() == 0);
  }
  SUBCASE("by hand: two classes give the binary AUC of column 1 when 1 - p is exact") {
    const std::int32_t y[] = {0, 1, 1, 0};
    const float p[4][2] = {{0.75f, 0.25f}, {0.25f, 0.75f}, {0.5f, 0.5f}, {0.5f, 0.5f}};
    const float col1[] = {0.25f, 0.75f, 0.5f, 0.5f};
    double binary = 0.0;
    REQUIRE(roc_auc(s(y), s(col1), kNoWeights, a.arena, &binary) == Status::ok);
    CHECK(binary == 0.875);
    REQUIRE(roc_auc_ovr_macro(s(y), view(p), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == binary);
  }
  SUBCASE("scikit-learn: ties within columns, weights") {
    REQUIRE(roc_auc_ovr_macro(s(kMcY), view(kMcP), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kOvr);
    REQUIRE(roc_auc_ovr_macro(s(kMcY), view(kMcP), s(kMcW), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kOvrWeighted);
    CHECK(a.arena.used() == 0);
  }
  SUBCASE("a row stride wider than K") {
    float wide[15][5];
    for (std::size_t i = 0; i < 15; ++i) {
      for (std::size_t j = 0; j < 3; ++j) wide[i][j] = kMcP[i][j];
      wide[i][3] = kNaN;
      wide[i][4] = -7.0f;
    }
    const MatrixView<const float> m{&wide[0][0], 15, 3, 5};
    REQUIRE(roc_auc_ovr_macro(s(kMcY), m, s(kMcW), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kOvrWeighted);
  }
}

TEST_CASE("rmse, mae, r2") {
  double out = -1.0;
  SUBCASE("by hand") {
    // Residuals (0, 0, -2): SSR 4, MSE 4/3, MAE 2/3; mean of y 2, SST 2,
    // R^2 = 1 - 4/2 = -1. Reversed predictions (3 2 1): SSR 8, R^2 -3.
    const float t[] = {1, 2, 3};
    const float p[] = {1, 2, 5};
    const float rev[] = {3, 2, 1};
    REQUIRE(rmse(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 1.1547005383792515);  // sqrt(4/3)
    REQUIRE(mae(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 2.0 / 3.0);
    REQUIRE(r2(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK(out == -1.0);
    REQUIRE(r2(s(t), s(rev), kNoWeights, &out) == Status::ok);
    CHECK(out == -3.0);
    // Weights (1, 1, 2): weighted mean of y 9/4, SST 1.5625 + 0.0625 +
    // 2 * 0.5625 = 2.75, SSR 2 * 4 = 8 -> R^2 = 1 - 8/2.75; MSE 8/4 = 2;
    // MAE 4/4 = 1.
    const float w[] = {1, 1, 2};
    REQUIRE(r2(s(t), s(p), s(w), &out) == Status::ok);
    CHECK_CLOSE(out, 1.0 - 8.0 / 2.75);
    REQUIRE(rmse(s(t), s(p), s(w), &out) == Status::ok);
    CHECK_CLOSE(out, 1.4142135623730951);  // sqrt(2)
    REQUIRE(mae(s(t), s(p), s(w), &out) == Status::ok);
    CHECK(out == 1.0);
  }
  SUBCASE("scikit-learn (a zero weight included)") {
    REQUIRE(rmse(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kRmse);
    REQUIRE(rmse(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kRmseWeighted);
    REQUIRE(mae(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kMae);
    REQUIRE(mae(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kMaeWeighted);
    REQUIRE(r2(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kR2);
    REQUIRE(r2(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kR2Weighted);
  }
  SUBCASE("r2 with a constant y: 1 if perfect, else 0 (scikit-learn 1.2, force_finite)") {
    const float t[] = {2, 2, 2};
    const float perfect[] = {2, 2, 2};
    const float off[] = {2, 2.5f, 2};
    REQUIRE(r2(s(t), s(perfect), kNoWeights, &out) == Status::ok);
    CHECK(out == kR2ConstantPerfect);
    REQUIRE(r2(s(t), s(off), kNoWeights, &out) == Status::ok);
    CHECK(out == kR2ConstantImperfect);
    // Constant where it counts: the sample that differs has weight 0.
    const float t2[] = {2, 2, 7};
    const float w[] = {1, 1, 0};
    const float p_perfect[] = {2, 2, 0};
    const float p_off[] = {2, 3, 7};
    REQUIRE(r2(s(t2), s(p_perfect), s(w), &out) == Status::ok);
    CHECK(out == 1.0);
    REQUIRE(r2(s(t2), s(p_off), s(w), &out) == Status::ok);
    CHECK(out == 0.0);
    // A value whose float mean rounds (0.1 * 3 / 3 != 0.1): still exactly
    // constant here; scikit-learn gives -5.2e31 (see metrics.h).
    const float tenth[] = {0.1f, 0.1f, 0.1f};
    const float fifth[] = {0.2f, 0.2f, 0.2f};
    REQUIRE(r2(s(tenth), s(fifth), kNoWeights, &out) == Status::ok);
    CHECK(out == 0.0);
  }
}

TEST_CASE("errors, and *out untouched on error") {
  TestArena a;
  const std::int32_t y2[] = {0, 1};
  const std::int32_t y3[] = {0, 1, 1};
  const float f2[] = {0.25f, 0.75f};
  const float f3[] = {0.25f, 0.75f, 0.5f};
  const float p2[2][2] = {{0.5f, 0.5f}, {0.25f, 0.75f}};
  const float p1[2][1] = {{1.0f}, {1.0f}};
  const float w3[] = {1, 1, 1};
  const Span<const std::int32_t> no_labels;
  const Span<const float> no_floats;
  const MatrixView<const float> no_rows{nullptr, 0, 2, 2};
  double out = -1.0;

  SUBCASE("shape_mismatch") {
    CHECK(accuracy(s(y2), s(y3), kNoWeights, &out) == Status::shape_mismatch);
    CHECK(accuracy(s(y2), s(y2), s(w3), &out) == Status::shape_mismatch);
    CHECK(log_loss(s(y3), view(p2), kNoWeights, &out) == Status::shape_mismatch);
    CHECK(log_loss(s(y2), view(p2), s(w3), &out) == Status::shape_mismatch);
    CHECK(roc_auc(s(y2), s(f3), kNoWeights, a.arena, &out) == Status::shape_mismatch);
    CHECK(roc_auc(s(y2), s(f2), s(w3), a.arena, &out) == Status::shape_mismatch);
    CHECK(roc_auc_ovr_macro(s(y3), view(p2), kNoWeights, a.arena, &out) == Status::shape_mismatch);
    CHECK(roc_auc_ovr_macro(s(y2), view(p2), s(w3), a.arena, &out) == Status::shape_mismatch);
    CHECK(rmse(s(f2), s(f3), kNoWeights, &out) == Status::shape_mismatch);
    CHECK(mae(s(f2), s(f3), kNoWeights, &out) == Status::shape_mismatch);
    CHECK(r2(s(f2), s(f3), kNoWeights, &out) == Status::shape_mismatch);
    CHECK(r2(s(f2), s(f2), s(w3), &out) == Status::shape_mismatch);
  }
  SUBCASE("empty_input: no samples") {
    CHECK(accuracy(no_labels, no_labels, kNoWeights, &out) == Status::empty_input);
    CHECK(log_loss(no_labels, no_rows, kNoWeights, &out) == Status::empty_input);
    CHECK(roc_auc(no_labels, no_floats, kNoWeights, a.arena, &out) == Status::empty_input);
    CHECK(roc_auc_ovr_macro(no_labels, no_rows, kNoWeights, a.arena, &out) == Status::empty_input);
    CHECK(rmse(no_floats, no_floats, kNoWeights, &out) == Status::empty_input);
    CHECK(mae(no_floats, no_floats, kNoWeights, &out) == Status::empty_input);
    CHECK(r2(no_floats, no_floats, kNoWeights, &out) == Status::empty_input);
  }
  SUBCASE("empty_input: zero total weight; r2 with one sample") {
    const float zero[] = {0, 0};
    CHECK(accuracy(s(y2), s(y2), s(zero), &out) == Status::empty_input);
    CHECK(log_loss(s(y2), view(p2), s(zero), &out) == Status::empty_input);
    CHECK(roc_auc(s(y2), s(f2), s(zero), a.arena, &out) == Status::empty_input);
    CHECK(roc_auc_ovr_macro(s(y2), view(p2), s(zero), a.arena, &out) == Status::empty_input);
    CHECK(rmse(s(f2), s(f2), s(zero), &out) == Status::empty_input);
    CHECK(mae(s(f2), s(f2), s(zero), &out) == Status::empty_input);
    CHECK(r2(s(f2), s(f2), s(zero), &out) == Status::empty_input);
    const float one[] = {1.5f};
    CHECK(r2(s(one), s(one), kNoWeights, &out) == Status::empty_input);
  }
  SUBCASE("bad_value: weights negative, NaN or infinite") {
    const float bad_weights[3][2] = {{1, -0.5f}, {1, kNaN}, {kInf, 1}};
    for (const auto& bw : bad_weights) {
      CHECK(accuracy(s(y2), s(y2), s(bw), &out) == Status::bad_value);
      CHECK(log_loss(s(y2), view(p2), s(bw), &out) == Status::bad_value);
      CHECK(roc_auc(s(y2), s(f2), s(bw), a.arena, &out) == Status::bad_value);
      CHECK(roc_auc_ovr_macro(s(y2), view(p2), s(bw), a.arena, &out) == Status::bad_value);
      CHECK(rmse(s(f2), s(f2), s(bw), &out) == Status::bad_value);
      CHECK(mae(s(f2), s(f2), s(bw), &out) == Status::bad_value);
      CHECK(r2(s(f2), s(f2), s(bw), &out) == Status::bad_value);
    }
  }
  SUBCASE("bad_value: NaN or infinite floats") {
    for (const float v : {kNaN, kInf, -kInf}) {
      const float bad[] = {0.5f, v};
      const float bad_p[2][2] = {{0.5f, 0.5f}, {v, 0.5f}};
      CHECK(log_loss(s(y2), view(bad_p), kNoWeights, &out) == Status::bad_value);
      CHECK(roc_auc(s(y2), s(bad), kNoWeights, a.arena, &out) == Status::bad_value);
      CHECK(roc_auc_ovr_macro(s(y2), view(bad_p), kNoWeights, a.arena, &out) == Status::bad_value);
      CHECK(rmse(s(bad), s(f2), kNoWeights, &out) == Status::bad_value);
      CHECK(rmse(s(f2), s(bad), kNoWeights, &out) == Status::bad_value);
      CHECK(mae(s(bad), s(f2), kNoWeights, &out) == Status::bad_value);
      CHECK(mae(s(f2), s(bad), kNoWeights, &out) == Status::bad_value);
      CHECK(r2(s(bad), s(f2), kNoWeights, &out) == Status::bad_value);
      CHECK(r2(s(f2), s(bad), kNoWeights, &out) == Status::bad_value);
    }
  }
  SUBCASE("bad_value: fewer than two classes") {
    const std::int32_t zeros[] = {0, 0};
    CHECK(log_loss(s(zeros), view(p1), kNoWeights, &out) == Status::bad_value);
    CHECK(roc_auc_ovr_macro(s(zeros), view(p1), kNoWeights, a.arena, &out) == Status::bad_value);
  }
  SUBCASE("bad_value: AUC with one class absent or weightless") {
    const std::int32_t ones[] = {1, 1};
    const std::int32_t zeros[] = {0, 0};
    CHECK(roc_auc(s(ones), s(f2), kNoWeights, a.arena, &out) == Status::bad_value);
    CHECK(roc_auc(s(zeros), s(f2), kNoWeights, a.arena, &out) == Status::bad_value);
    const float no_negative_weight[] = {0, 1};
    CHECK(roc_auc(s(y2), s(f2), s(no_negative_weight), a.arena, &out) == Status::bad_value);
    // Three columns, class 2 never occurs.
    const float p3[3][3] = {{0.5f, 0.25f, 0.25f}, {0.25f, 0.5f, 0.25f}, {0.25f, 0.5f, 0.25f}};
    CHECK(roc_auc_ovr_macro(s(y3), view(p3), kNoWeights, a.arena, &out) == Status::bad_value);
    CHECK(a.arena.used() == 0);
  }
  SUBCASE("bad_value: OVR rows must sum to 1 (numpy's allclose)") {
    // 1 + 2e-5 is outside 1e-8 + 1e-5 * 1.00002; 1 + 5e-6 is inside.
    const float off[2][2] = {{0.5f, 0.5f}, {0.25f, 0.75002f}};
    const float close[2][2] = {{0.5f, 0.5f}, {0.25f, 0.750005f}};
    CHECK(roc_auc_ovr_macro(s(y2), view(off), kNoWeights, a.arena, &out) == Status::bad_value);
    double ok = 0.0;
    CHECK(roc_auc_ovr_macro(s(y2), view(close), kNoWeights, a.arena, &ok) == Status::ok);
    CHECK(ok == 1.0);
  }
  SUBCASE("bad_index: labels outside [0, K)") {
    const std::int32_t two[] = {0, 2};
    const std::int32_t negative[] = {-1, 1};
    CHECK(roc_auc(s(two), s(f2), kNoWeights, a.arena, &out) == Status::bad_index);
    CHECK(roc_auc(s(negative), s(f2), kNoWeights, a.arena, &out) == Status::bad_index);
    CHECK(log_loss(s(two), view(p2), kNoWeights, &out) == Status::bad_index);
    CHECK(log_loss(s(negative), view(p2), kNoWeights, &out) == Status::bad_index);
    CHECK(roc_auc_ovr_macro(s(two), view(p2), kNoWeights, a.arena, &out) == Status::bad_index);
    CHECK(roc_auc_ovr_macro(s(negative), view(p2), kNoWeights, a.arena, &out) == Status::bad_index);
    // accuracy compares labels as they are.
    double acc = 0.0;
    CHECK(accuracy(s(negative), s(negative), kNoWeights, &acc) == Status::ok);
    CHECK(acc == 1.0);
  }
  SUBCASE("out_of_memory") {
    Arena empty(nullptr, 0);
    CHECK(roc_auc(s(y2), s(f2), kNoWeights, empty, &out) == Status::out_of_memory);
    CHECK(roc_auc_ovr_macro(s(y2), view(p2), kNoWeights, empty, &out) == Status::out_of_memory);
  }
  CHECK(out == -1.0);
  CHECK(a.arena.used() == 0);
}

TEST_CASE("the metrics make no heap allocation") {
  TestArena a;
  double out[10] = {};
  Status st[10];
  test::HeapGuard guard;
  st[0] = accuracy(s(kBinY), s(kBinPred), s(kBinW), &out[0]);
  st[1] = log_loss(s(kMcY), view(kMcP), s(kMcW), &out[1]);
  st[2] = log_loss(s(kLlY), view(kLlP), kNoWeights, &out[2]);
  st[3] = roc_auc(s(kBinY), s(kBinScore), s(kBinW), a.arena, &out[3]);
  st[4] = roc_auc(s(kBinY), s(kBinScore), kNoWeights, a.arena, &out[4]);
  st[5] = roc_auc_ovr_macro(s(kMcY), view(kMcP), s(kMcW), a.arena, &out[5]);
  st[6] = rmse(s(kRegTrue), s(kRegPred), s(kRegW), &out[6]);
  st[7] = mae(s(kRegTrue), s(kRegPred), s(kRegW), &out[7]);
  st[8] = r2(s(kRegTrue), s(kRegPred), s(kRegW), &out[8]);
  st[9] = roc_auc(s(kBinY), s(kBinScore), kNoWeights, a.arena, &out[9]);
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  for (int i = 0; i < 10; ++i) CHECK(st[i] == Status::ok);
  CHECK(out[3] == doctest::Approx(kAucWeighted).epsilon(kTol));
  CHECK(out[5] == doctest::Approx(kOvrWeighted).epsilon(kTol));
}
