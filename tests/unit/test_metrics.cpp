// Evaluation metrics against hand-worked cases (the working is in the
// comments) and against scikit-learn 1.2.1: the k* constants were printed
// once by tests/data/reference/metrics.py, whose arrays are the ones below.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "ember/base/arena.h"
#include "ember/base/matrix_view.h"
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
constexpr double kBinBalancedAccuracy = 0.48484848484848486;
constexpr double kBinMcc = -0.0316069770620507;
constexpr double kBinPrecisionBinary = 0.5384615384615384;
constexpr double kBinRecallBinary = 0.6363636363636364;
constexpr double kBinF1Binary = 0.5833333333333334;
constexpr double kBinPrecisionMacro = 0.48351648351648346;
constexpr double kBinRecallMacro = 0.48484848484848486;
constexpr double kBinF1Macro = 0.4791666666666667;
constexpr double kBinPrecisionMicro = 0.5;
constexpr double kBinRecallMicro = 0.5;
constexpr double kBinF1Micro = 0.5;
constexpr double kBinPrecisionWeighted = 0.48901098901098894;
constexpr double kBinRecallWeighted = 0.5;
constexpr double kBinF1Weighted = 0.48958333333333337;
constexpr double kBinWBalancedAccuracy = 0.4964959568733153;
constexpr double kBinWMcc = -0.007806399968236359;
constexpr double kBinWPrecisionBinary = 0.6;
constexpr double kBinWRecallBinary = 0.7358490566037735;
constexpr double kBinWF1Binary = 0.6610169491525424;
constexpr double kBinWPrecisionMacro = 0.4956521739130435;
constexpr double kBinWRecallMacro = 0.4964959568733153;
constexpr double kBinWF1Macro = 0.4856808883693746;
constexpr double kBinWPrecisionMicro = 0.5454545454545454;
constexpr double kBinWRecallMicro = 0.5454545454545454;
constexpr double kBinWF1Micro = 0.5454545454545454;
constexpr double kBinWPrecisionWeighted = 0.51699604743083;
constexpr double kBinWRecallWeighted = 0.5454545454545454;
constexpr double kBinWF1Weighted = 0.5215450826204772;
constexpr double kMcBalancedAccuracy = 0.26111111111111107;
constexpr double kMcMcc = -0.1310625371960344;
constexpr double kMcPrecisionMacro = 0.273015873015873;
constexpr double kMcRecallMacro = 0.26111111111111107;
constexpr double kMcF1Macro = 0.2644688644688645;
constexpr double kMcPrecisionMicro = 0.26666666666666666;
constexpr double kMcRecallMicro = 0.26666666666666666;
constexpr double kMcF1Micro = 0.26666666666666666;
constexpr double kMcPrecisionWeighted = 0.2698412698412698;
constexpr double kMcRecallWeighted = 0.26666666666666666;
constexpr double kMcF1Weighted = 0.26593406593406593;
constexpr double kMcWBalancedAccuracy = 0.1328042328042328;
constexpr double kMcWMcc = -0.3282620701056314;
constexpr double kMcWPrecisionMacro = 0.1615013006317354;
constexpr double kMcWRecallMacro = 0.1328042328042328;
constexpr double kMcWF1Macro = 0.1430452549039597;
constexpr double kMcWPrecisionMicro = 0.13636363636363635;
constexpr double kMcWRecallMicro = 0.13636363636363635;
constexpr double kMcWF1Micro = 0.13636363636363635;
constexpr double kMcWPrecisionWeighted = 0.16166345731563123;
constexpr double kMcWRecallWeighted = 0.13636363636363635;
constexpr double kMcWF1Weighted = 0.14528185749227115;
constexpr double kAbsBalancedAccuracy = 0.25980392156862747;
constexpr double kAbsMcc = 0.059419557236509914;
constexpr double kAbsPrecisionMacro = 0.21217105263157893;
constexpr double kAbsRecallMacro = 0.1948529411764706;
constexpr double kAbsF1Macro = 0.2;
constexpr double kAbsPrecisionMicro = 0.2727272727272727;
constexpr double kAbsRecallMicro = 0.2727272727272727;
constexpr double kAbsF1Micro = 0.2727272727272727;
constexpr double kAbsPrecisionWeighted = 0.3100478468899522;
constexpr double kAbsRecallWeighted = 0.2727272727272727;
constexpr double kAbsF1Weighted = 0.28545454545454546;
constexpr double kAp = 0.5135198135198135;
constexpr double kApWeighted = 0.5389989147195121;
constexpr double kBrier = 0.3181178991188766;
constexpr double kBrierWeighted = 0.3241596697406229;
constexpr double kMcBrier = 0.877546668763161;
constexpr double kMcBrierWeighted = 0.9736212155367392;
constexpr double kMse = 0.25349998855591027;
constexpr double kMseWeighted = 0.17431371651443942;
constexpr double kMedianAe = 0.5;
constexpr double kMedianAeOdd = 0.5;
constexpr double kMedianAeWeighted = 0.5;
constexpr double kMape = 0.24971351761260877;
constexpr double kMapeWeighted = 0.35154310952624906;
constexpr double kExplainedVariance = 0.9638411668951107;
constexpr double kExplainedVarianceWeighted = 0.9483076647467032;

// MC_PRED = the argmax of each row of MC_P (printed by the script).
const std::int32_t kMcPred[] = {2, 0, 1, 2, 0, 1, 2, 0, 0, 0, 1, 0, 2, 2, 0};
// Class 3 predicted, never true; class 2 true, never predicted.
const std::int32_t kAbsY[] = {0, 0, 1, 1, 1, 2, 2, 0, 1, 0};
const std::int32_t kAbsPred[] = {0, 3, 1, 0, 1, 1, 0, 0, 3, 0};
const float kAbsW[] = {1.0f, 2.0f, 0.5f, 1.5f, 1.0f, 2.5f, 1.0f, 0.25f, 3.0f, 1.0f};

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

namespace {

// The expected label metrics of one fixture: balanced accuracy, MCC, and
// precision / recall / F1 per average (binary first; NaN where not given).
struct LabelExpect {
  double balanced, mcc;
  double precision[4], recall[4], f1[4];
};
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Confusion matrix of K classes from the samples, then every derived metric.
template <std::size_t K>
void check_labels(Span<const std::int32_t> y, Span<const std::int32_t> pred, Span<const float> w,
                  const LabelExpect& e) {
  double cells[K * K];
  const MatrixView<double> c{cells, K, K, K};
  REQUIRE(confusion_matrix(y, pred, w, c) == Status::ok);
  double out = -1.0;
  REQUIRE(balanced_accuracy(c, &out) == Status::ok);
  CHECK_CLOSE(out, e.balanced);
  REQUIRE(matthews_corrcoef(c, &out) == Status::ok);
  CHECK_CLOSE(out, e.mcc);
  const Average averages[] = {Average::binary, Average::macro, Average::micro, Average::weighted};
  for (int a = 0; a < 4; ++a) {
    CAPTURE(a);
    PrecisionRecallF1 r;
    if (e.precision[a] != e.precision[a]) {
      if (averages[a] == Average::binary) CHECK(precision_recall_f1(c, averages[a], &r) == Status::bad_value);
      continue;
    }
    REQUIRE(precision_recall_f1(c, averages[a], &r) == Status::ok);
    CHECK_CLOSE(r.precision, e.precision[a]);
    CHECK_CLOSE(r.recall, e.recall[a]);
    CHECK_CLOSE(r.f1, e.f1[a]);
  }
}

}  // namespace

TEST_CASE("confusion matrix by hand") {
  // True rows, predicted columns; weights add up per cell.
  const std::int32_t t[] = {0, 1, 2, 1, 0};
  const std::int32_t p[] = {0, 2, 2, 1, 1};
  const float w[] = {1, 2, 3, 4, 0.5f};
  double cells[9];
  const MatrixView<double> c{cells, 3, 3, 3};
  REQUIRE(confusion_matrix(s(t), s(p), s(w), c) == Status::ok);
  const double want[9] = {1, 0.5, 0, 0, 4, 2, 0, 0, 3};
  for (int i = 0; i < 9; ++i) CHECK(cells[i] == want[i]);
  // Per class (tp, predicted, true): 0 (1, 1, 1.5), 1 (4, 4.5, 6), 2 (3, 5, 3).
  // Recalls 2/3, 2/3, 1 -> balanced accuracy 7/9.
  double out = -1.0;
  REQUIRE(balanced_accuracy(c, &out) == Status::ok);
  CHECK_CLOSE(out, 7.0 / 9.0);
  // Micro: every measure is the accuracy, 8 / 10.5.
  PrecisionRecallF1 r;
  REQUIRE(precision_recall_f1(c, Average::micro, &r) == Status::ok);
  CHECK_CLOSE(r.precision, 8.0 / 10.5);
  CHECK_CLOSE(r.recall, 8.0 / 10.5);
  CHECK_CLOSE(r.f1, 8.0 / 10.5);
  // Macro precision (1 + 4/4.5 + 3/5) / 3.
  REQUIRE(precision_recall_f1(c, Average::macro, &r) == Status::ok);
  CHECK_CLOSE(r.precision, (1.0 + 4.0 / 4.5 + 0.6) / 3.0);
  // MCC: c = 8, s = 10.5, t = (1.5, 6, 3), p = (1, 4.5, 5):
  // (8 * 10.5 - (1.5 + 27 + 15)) / sqrt((110.25 - 47.25) (110.25 - 46.25)).
  REQUIRE(matthews_corrcoef(c, &out) == Status::ok);
  CHECK_CLOSE(out, (84.0 - 43.5) / std::sqrt(63.0 * 64.0));
}

TEST_CASE("label metrics against scikit-learn") {
  SUBCASE("binary") {
    check_labels<2>(s(kBinY), s(kBinPred), kNoWeights,
                    {kBinBalancedAccuracy,
                     kBinMcc,
                     {kBinPrecisionBinary, kBinPrecisionMacro, kBinPrecisionMicro, kBinPrecisionWeighted},
                     {kBinRecallBinary, kBinRecallMacro, kBinRecallMicro, kBinRecallWeighted},
                     {kBinF1Binary, kBinF1Macro, kBinF1Micro, kBinF1Weighted}});
    check_labels<2>(s(kBinY), s(kBinPred), s(kBinW),
                    {kBinWBalancedAccuracy,
                     kBinWMcc,
                     {kBinWPrecisionBinary, kBinWPrecisionMacro, kBinWPrecisionMicro, kBinWPrecisionWeighted},
                     {kBinWRecallBinary, kBinWRecallMacro, kBinWRecallMicro, kBinWRecallWeighted},
                     {kBinWF1Binary, kBinWF1Macro, kBinWF1Micro, kBinWF1Weighted}});
  }
  SUBCASE("three classes") {
    check_labels<3>(s(kMcY), s(kMcPred), kNoWeights,
                    {kMcBalancedAccuracy,
                     kMcMcc,
                     {kNone, kMcPrecisionMacro, kMcPrecisionMicro, kMcPrecisionWeighted},
                     {kNone, kMcRecallMacro, kMcRecallMicro, kMcRecallWeighted},
                     {kNone, kMcF1Macro, kMcF1Micro, kMcF1Weighted}});
    check_labels<3>(s(kMcY), s(kMcPred), s(kMcW),
                    {kMcWBalancedAccuracy,
                     kMcWMcc,
                     {kNone, kMcWPrecisionMacro, kMcWPrecisionMicro, kMcWPrecisionWeighted},
                     {kNone, kMcWRecallMacro, kMcWRecallMicro, kMcWRecallWeighted},
                     {kNone, kMcWF1Macro, kMcWF1Micro, kMcWF1Weighted}});
  }
  SUBCASE("a class never true, a class never predicted, a class absent from both") {
    // K = 5: class 4 appears nowhere, so it must not enter the averages.
    check_labels<5>(s(kAbsY), s(kAbsPred), s(kAbsW),
                    {kAbsBalancedAccuracy,
                     kAbsMcc,
                     {kNone, kAbsPrecisionMacro, kAbsPrecisionMicro, kAbsPrecisionWeighted},
                     {kNone, kAbsRecallMacro, kAbsRecallMicro, kAbsRecallWeighted},
                     {kNone, kAbsF1Macro, kAbsF1Micro, kAbsF1Weighted}});
  }
  SUBCASE("binary with a single class present") {
    // Only class 0, always right: precision and recall of class 1 are 0/0
    // -> 0 (zero_division=0); MCC 0 (a degenerate marginal); balanced 1.
    const std::int32_t t[] = {0, 0, 0};
    double cells[4];
    const MatrixView<double> c{cells, 2, 2, 2};
    REQUIRE(confusion_matrix(s(t), s(t), kNoWeights, c) == Status::ok);
    PrecisionRecallF1 r{-1, -1, -1};
    REQUIRE(precision_recall_f1(c, Average::binary, &r) == Status::ok);
    CHECK(r.precision == 0.0);
    CHECK(r.recall == 0.0);
    CHECK(r.f1 == 0.0);
    double out = -1.0;
    REQUIRE(matthews_corrcoef(c, &out) == Status::ok);
    CHECK(out == 0.0);
    REQUIRE(balanced_accuracy(c, &out) == Status::ok);
    CHECK(out == 1.0);
  }
}

TEST_CASE("average_precision and brier_score") {
  TestArena a;
  double out = -1.0;
  SUBCASE("by hand") {
    // Scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.7 (neg), 0.1 (pos):
    // thresholds give (P, R) = (1, 1/3), (1/2, 1/3), (1/2, 2/3), (3/5, 1);
    // AP = 1/3 * 1 + 1/3 * 1/2 + 1/3 * 3/5 = 0.7.
    const std::int32_t t[] = {1, 0, 1, 0, 1};
    const float sc[] = {0.9f, 0.8f, 0.7f, 0.7f, 0.1f};
    REQUIRE(average_precision(s(t), s(sc), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, 0.7);
    // No positive sample: 0, as scikit-learn (which warns).
    const std::int32_t none[] = {0, 0, 0, 0, 0};
    REQUIRE(average_precision(s(none), s(sc), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 0.0);
    // Brier, three classes: rows (0.5 0.25 0.25 | y 0) and (0 1 0 | y 2):
    // (0.25 + 0.0625 + 0.0625 + 0 + 1 + 1) / 2 = 1.1875.
    const std::int32_t y3[] = {0, 2};
    const float p3[2][3] = {{0.5f, 0.25f, 0.25f}, {0, 1, 0}};
    REQUIRE(brier_score(s(y3), view(p3), kNoWeights, &out) == Status::ok);
    CHECK(out == 1.1875);
  }
  SUBCASE("scikit-learn") {
    REQUIRE(average_precision(s(kBinY), s(kBinScore), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kAp);
    REQUIRE(average_precision(s(kBinY), s(kBinScore), s(kBinW), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kApWeighted);
    CHECK(a.arena.used() == 0);
    REQUIRE(brier_score(s(kMcY), view(kMcP), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kMcBrier);
    REQUIRE(brier_score(s(kMcY), view(kMcP), s(kMcW), &out) == Status::ok);
    CHECK_CLOSE(out, kMcBrierWeighted);
    // Two columns (1 - s, s): half the sum over both columns, which is
    // scikit-learn 1.2's mean (y - s)^2 up to the float rounding of 1 - s
    // (about 1e-8 relative here).
    float p2[20][2];
    for (int i = 0; i < 20; ++i) {
      p2[i][0] = 1.0f - kBinScore[i];
      p2[i][1] = kBinScore[i];
    }
    REQUIRE(brier_score(s(kBinY), view(p2), kNoWeights, &out) == Status::ok);
    CHECK(out == doctest::Approx(kBrier).epsilon(1e-6));
    REQUIRE(brier_score(s(kBinY), view(p2), s(kBinW), &out) == Status::ok);
    CHECK(out == doctest::Approx(kBrierWeighted).epsilon(1e-6));
  }
}

TEST_CASE("mse, median_absolute_error, mape, explained_variance") {
  TestArena a;
  double out = -1.0;
  SUBCASE("by hand") {
    // Errors |t - p| = 0, 0, 2, 1: median (0 + 1) / 2 = 0.5 (numpy). With
    // weights (1, 1, 1, 1) scikit-learn's weighted percentile takes the
    // first sorted error whose cumulative weight reaches 2: 0 (0, 0, 1, 2).
    const float t[] = {1, 2, 3, 4};
    const float p[] = {1, 2, 5, 3};
    const float ones[] = {1, 1, 1, 1};
    REQUIRE(median_absolute_error(s(t), s(p), kNoWeights, a.arena, &out) == Status::ok);
    CHECK(out == 0.5);
    REQUIRE(median_absolute_error(s(t), s(p), s(ones), a.arena, &out) == Status::ok);
    CHECK(out == 0.0);
    // Weights (0, 0, 1, 3): sorted errors (0, 0, 1, 2) carry weights
    // (0, 0, 3, 1), cumulative (0, 0, 3, 4), which reaches 2 at the error 1.
    const float w[] = {0, 0, 1, 3};
    REQUIRE(median_absolute_error(s(t), s(p), s(w), a.arena, &out) == Status::ok);
    CHECK(out == 1.0);
    CHECK(a.arena.used() == 0);
    // MSE 5/4; MAPE (0 + 0 + 2/3 + 1/4) / 4 = 11/48.
    REQUIRE(mse(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK(out == 1.25);
    REQUIRE(mean_absolute_percentage_error(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 11.0 / 48.0);
    // A constant bias costs explained variance nothing (R^2 it does).
    const float biased[] = {2, 3, 4, 5};
    REQUIRE(explained_variance(s(t), s(biased), kNoWeights, &out) == Status::ok);
    CHECK(out == 1.0);
    // Residuals (0, 0, -2, 1): mean -1/4, variance (1/16 * 2 + 49/16 + 25/16)
    // / 4 = 19/16; var(y) = 5/4 -> 1 - 19/20 = 0.05.
    REQUIRE(explained_variance(s(t), s(p), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, 0.05);
    // y constant, residual not: 0 (force_finite).
    const float c[] = {2, 2, 2, 2};
    REQUIRE(explained_variance(s(c), s(p), kNoWeights, &out) == Status::ok);
    CHECK(out == 0.0);
    // A true 0: divided by 2^-52, huge but finite.
    const float zero_t[] = {0};
    const float zero_p[] = {1};
    REQUIRE(mean_absolute_percentage_error(s(zero_t), s(zero_p), kNoWeights, &out) == Status::ok);
    CHECK(out == 4503599627370496.0);
  }
  SUBCASE("scikit-learn (a zero weight included)") {
    REQUIRE(mse(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kMse);
    REQUIRE(mse(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kMseWeighted);
    REQUIRE(median_absolute_error(s(kRegTrue), s(kRegPred), kNoWeights, a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kMedianAe);
    REQUIRE(median_absolute_error(Span<const float>(kRegTrue, 9), Span<const float>(kRegPred, 9), kNoWeights,
                                  a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kMedianAeOdd);
    REQUIRE(median_absolute_error(s(kRegTrue), s(kRegPred), s(kRegW), a.arena, &out) == Status::ok);
    CHECK_CLOSE(out, kMedianAeWeighted);
    REQUIRE(mean_absolute_percentage_error(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kMape);
    REQUIRE(mean_absolute_percentage_error(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kMapeWeighted);
    REQUIRE(explained_variance(s(kRegTrue), s(kRegPred), kNoWeights, &out) == Status::ok);
    CHECK_CLOSE(out, kExplainedVariance);
    REQUIRE(explained_variance(s(kRegTrue), s(kRegPred), s(kRegW), &out) == Status::ok);
    CHECK_CLOSE(out, kExplainedVarianceWeighted);
  }
}

TEST_CASE("errors of the new metrics") {
  TestArena a;
  double out = -1.0;
  const std::int32_t y[] = {0, 1, 2};
  const std::int32_t bad[] = {0, 1, 3};
  const float f[] = {1, 2, 3};
  const float f2[] = {1, 2};
  const float nan[] = {1, kNaN, 3};
  double cells[9];
  const MatrixView<double> c3{cells, 3, 3, 3};
  CHECK(confusion_matrix(s(y), s(bad), kNoWeights, c3) == Status::bad_index);
  CHECK(confusion_matrix(s(y), Span<const std::int32_t>(y, 2), kNoWeights, c3) == Status::shape_mismatch);
  CHECK(confusion_matrix(s(y), s(y), kNoWeights, MatrixView<double>{cells, 3, 2, 2}) ==
        Status::shape_mismatch);
  for (double& v : cells) v = 0.0;
  const MatrixView<const double> zero{cells, 3, 3, 3};
  PrecisionRecallF1 r;
  CHECK(balanced_accuracy(zero, &out) == Status::empty_input);
  CHECK(matthews_corrcoef(zero, &out) == Status::empty_input);
  CHECK(precision_recall_f1(zero, Average::macro, &r) == Status::empty_input);
  cells[4] = -1.0;
  CHECK(balanced_accuracy(zero, &out) == Status::bad_value);
  cells[4] = kInf;
  CHECK(matthews_corrcoef(zero, &out) == Status::bad_value);
  cells[4] = 1.0;
  CHECK(precision_recall_f1(zero, Average::binary, &r) == Status::bad_value);  // K = 3
  CHECK(balanced_accuracy(MatrixView<const double>{cells, 3, 2, 2}, &out) == Status::bad_value);
  const std::int32_t y01[] = {0, 1, 2};
  CHECK(average_precision(s(y01), s(f), kNoWeights, a.arena, &out) == Status::bad_index);
  const std::int32_t yb[] = {0, 1, 1};
  CHECK(average_precision(s(yb), s(nan), kNoWeights, a.arena, &out) == Status::bad_value);
  CHECK(average_precision(s(yb), s(f2), kNoWeights, a.arena, &out) == Status::shape_mismatch);
  Arena empty(nullptr, 0);
  CHECK(average_precision(s(yb), s(f), kNoWeights, empty, &out) == Status::out_of_memory);
  CHECK(median_absolute_error(s(f), s(f), kNoWeights, empty, &out) == Status::out_of_memory);
  CHECK(median_absolute_error(s(f), s(nan), kNoWeights, a.arena, &out) == Status::bad_value);
  const float p1[3][1] = {{1}, {1}, {1}};
  CHECK(brier_score(s(yb), view(p1), kNoWeights, &out) == Status::bad_value);  // K = 1
  const float p2[3][2] = {{1, 0}, {0, 1}, {0, 1}};
  CHECK(brier_score(s(y), view(p2), kNoWeights, &out) == Status::bad_index);
  CHECK(mse(s(f), s(f2), kNoWeights, &out) == Status::shape_mismatch);
  CHECK(mean_absolute_percentage_error(s(f), s(nan), kNoWeights, &out) == Status::bad_value);
  CHECK(explained_variance(Span<const float>(f, 1), Span<const float>(f, 1), kNoWeights, &out) ==
        Status::empty_input);
  CHECK(out == -1.0);
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
  double cells[9];
  const MatrixView<double> c{cells, 3, 3, 3};
  PrecisionRecallF1 prf;
  Status more[8];
  more[0] = confusion_matrix(s(kMcY), s(kMcPred), s(kMcW), c);
  more[1] = precision_recall_f1(c, Average::weighted, &prf);
  more[2] = matthews_corrcoef(c, &out[0]);
  more[3] = balanced_accuracy(c, &out[0]);
  more[4] = average_precision(s(kBinY), s(kBinScore), s(kBinW), a.arena, &out[0]);
  more[5] = brier_score(s(kMcY), view(kMcP), s(kMcW), &out[0]);
  more[6] = median_absolute_error(s(kRegTrue), s(kRegPred), s(kRegW), a.arena, &out[0]);
  more[7] = explained_variance(s(kRegTrue), s(kRegPred), s(kRegW), &out[0]);
  const std::size_t allocations = guard.allocations();
  CHECK(allocations == 0);
  for (int i = 0; i < 8; ++i) CHECK(more[i] == Status::ok);
  for (int i = 0; i < 10; ++i) CHECK(st[i] == Status::ok);
  CHECK(out[3] == doctest::Approx(kAucWeighted).epsilon(kTol));
  CHECK(out[5] == doctest::Approx(kOvrWeighted).epsilon(kTol));
}
