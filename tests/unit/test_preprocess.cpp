// Preprocessing fitters (imputer, scalers) against scikit-learn 1.2.1 on the
// bundled airquality data, which has missing values
// (tests/data/reference/preprocess.txt, made by
// make_preprocess_reference.py), plus small cases worked out by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "csv_columns.h"
#include "ember/base/arena.h"
#include "ember/discretizer.h"
#include "ember/encoder.h"
#include "ember/imputer.h"
#include "ember/lda.h"
#include "ember/scaler.h"
#include "heap_guard.h"
#include "reference_file.h"

using namespace ember;
using ember::test::Categorical;
using ember::test::categorical_columns;
using ember::test::Numeric;
using ember::test::numeric_columns;
using ember::test::reference_values;

namespace {

struct Arenas {
  std::vector<unsigned char> buffer = std::vector<unsigned char>(1 << 16);
  Arena scratch{buffer.data(), 1 << 15};
  Arena result{buffer.data() + (1 << 15), 1 << 15};
};

// Each fitted value within float rounding of the reference.
void check_close(Span<const float> got, const std::vector<double>& want, double tolerance = 2e-7) {
  REQUIRE(got.size() == want.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    CAPTURE(j);
    CHECK(got[j] == doctest::Approx(want[j]).epsilon(tolerance));
  }
}

}  // namespace

TEST_CASE("imputer: scikit-learn's SimpleImputer statistics on airquality") {
  const Numeric d = numeric_columns("airquality.csv");
  REQUIRE(d.cols == 6);
  const char* names[] = {"mean", "median", "most_frequent"};
  const ImputeStrategy strategies[] = {ImputeStrategy::mean, ImputeStrategy::median,
                                       ImputeStrategy::most_frequent};
  for (int s = 0; s < 3; ++s) {
    CAPTURE(names[s]);
    Arenas a;
    ImputerOptions o;
    o.strategy = strategies[s];
    o.add_indicator = true;
    FittedImputer f;
    {
      test::HeapGuard guard;
      REQUIRE(fit_imputer(d.view(), {}, o, a.scratch, a.result, &f) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    CHECK(a.scratch.used() == 0);
    check_close(f.fill,
                reference_values("preprocess.txt", std::string("airquality_impute_") + names[s], "fill"));
    // MissingIndicator(features="missing-only"): Ozone and Solar.R.
    const auto& columns = reference_values("preprocess.txt", "airquality_indicator", "columns");
    REQUIRE(f.indicators.size() == columns.size());
    for (std::size_t k = 0; k < columns.size(); ++k) CHECK(f.indicators[k] == columns[k]);
    // Ozone: 37 of 153 rows missing (counted in the CSV).
    CHECK(f.missing_fraction[0] == doctest::Approx(37.0 / 153.0));
    CHECK(f.missing_fraction[2] == 0.0);
  }
}

TEST_CASE("imputer: categories, constants, empty columns and refusals, by hand") {
  const float nan = NAN;
  // Column 0 categorical (3 codes): codes 2, 1, 2, 1, NaN -> 1 and 2 tie,
  // the smaller wins. Column 1 numeric: 4, NaN, 1, 1, 10 -> mean 4, median
  // (1 + 4) / 2 = 2.5, most frequent 1. Column 2: never present.
  const std::vector<float> x = {2, 4, nan, 1, nan, nan, 2, 1, nan, 1, 1, nan, nan, 10, nan};
  const MatrixView<const float> v{x.data(), 5, 3, 3};
  const std::vector<std::uint32_t> cats = {3, 0, 0};
  const Span<const std::uint32_t> k(cats.data(), 3);
  Arenas a;
  FittedImputer f;
  ImputerOptions o;
  REQUIRE(fit_imputer(v, k, o, a.scratch, a.result, &f) == Status::ok);
  CHECK(f.fill[0] == 1.0f);
  CHECK(f.fill[1] == 4.0f);
  CHECK(f.fill[2] == 0.0f);  // keep_empty_features=True
  CHECK(f.missing_fraction[2] == 1.0);
  CHECK(f.indicators.empty());
  o.strategy = ImputeStrategy::median;
  REQUIRE(fit_imputer(v, k, o, a.scratch, a.result, &f) == Status::ok);
  CHECK(f.fill[0] == 1.0f);
  CHECK(f.fill[1] == 2.5f);
  o.strategy = ImputeStrategy::most_frequent;
  REQUIRE(fit_imputer(v, k, o, a.scratch, a.result, &f) == Status::ok);
  CHECK(f.fill[1] == 1.0f);
  o.strategy = ImputeStrategy::constant;
  o.fill_value = -7.0f;
  o.add_indicator = true;
  REQUIRE(fit_imputer(v, k, o, a.scratch, a.result, &f) == Status::ok);
  CHECK(f.fill[0] == -7.0f);
  CHECK(f.fill[2] == -7.0f);
  REQUIRE(f.indicators.size() == 3);
  o.fill_value = NAN;
  CHECK(fit_imputer(v, k, o, a.scratch, a.result, &f) == Status::bad_value);
  o.fill_value = 0.0f;
  const std::vector<std::uint32_t> two = {2, 0, 0};  // code 2 is not below 2
  CHECK(fit_imputer(v, Span<const std::uint32_t>(two.data(), 3), o, a.scratch, a.result, &f) ==
        Status::bad_index);
  CHECK(fit_imputer(v, Span<const std::uint32_t>(two.data(), 2), o, a.scratch, a.result, &f) ==
        Status::shape_mismatch);
  const std::vector<float> inf = {INFINITY, 1};
  CHECK(fit_imputer(MatrixView<const float>{inf.data(), 1, 2, 2}, {}, o, a.scratch, a.result, &f) ==
        Status::bad_value);
  CHECK(fit_imputer(MatrixView<const float>{x.data(), 0, 3, 3}, {}, o, a.scratch, a.result, &f) ==
        Status::empty_input);
  CHECK(a.scratch.used() == 0);
}

TEST_CASE("scalers: scikit-learn's four scalers on airquality (missing values ignored)") {
  const Numeric d = numeric_columns("airquality.csv");
  Arenas a;
  std::vector<float> offset(d.cols), scale(d.cols);
  const Span<float> off(offset.data(), d.cols), sc(scale.data(), d.cols);
  auto inverse = [](const std::vector<double>& spread) {
    std::vector<double> out;
    for (double s : spread) out.push_back(1.0 / s);
    return out;
  };
  ScalerOptions o;
  {
    test::HeapGuard guard;
    REQUIRE(fit_scaler(d.view(), {}, o, a.scratch, off, sc) == Status::ok);
    CHECK(guard.allocations() == 0);
  }
  check_close(off, reference_values("preprocess.txt", "airquality_standard", "offset"));
  check_close(sc, inverse(reference_values("preprocess.txt", "airquality_standard", "spread")));

  // MinMaxScaler(feature_range=(-1, 2)) computes x * scale_ + min_; ember
  // computes (x - offset) * scale, so offset = -min_ / scale_.
  o.kind = ScalerKind::minmax;
  o.range_min = -1.0;
  o.range_max = 2.0;
  REQUIRE(fit_scaler(d.view(), {}, o, a.scratch, off, sc) == Status::ok);
  const auto& mm_scale = reference_values("preprocess.txt", "airquality_minmax", "scale");
  const auto& mm_min = reference_values("preprocess.txt", "airquality_minmax", "min");
  std::vector<double> mm_offset;
  for (std::size_t j = 0; j < d.cols; ++j) mm_offset.push_back(-mm_min[j] / mm_scale[j]);
  check_close(sc, mm_scale);
  check_close(off, mm_offset, 1e-6);

  o.kind = ScalerKind::robust;
  o.quantile_low = 10.0;
  o.quantile_high = 90.0;
  REQUIRE(fit_scaler(d.view(), {}, o, a.scratch, off, sc) == Status::ok);
  CHECK(a.scratch.used() == 0);
  check_close(off, reference_values("preprocess.txt", "airquality_robust", "offset"));
  check_close(sc, inverse(reference_values("preprocess.txt", "airquality_robust", "spread")));

  o.kind = ScalerKind::maxabs;
  REQUIRE(fit_scaler(d.view(), {}, o, a.scratch, off, sc) == Status::ok);
  check_close(sc, inverse(reference_values("preprocess.txt", "airquality_maxabs", "spread")));
  for (float v : offset) CHECK(v == 0.0f);
}

TEST_CASE("scalers: skipped and constant columns, refusals") {
  // Column 0 constant, column 1 skipped (one-hot), column 2: -2, 0, 4.
  const std::vector<float> x = {5, 1, -2, 5, 0, 0, 5, 1, 4};
  const MatrixView<const float> v{x.data(), 3, 3, 3};
  const std::vector<std::uint8_t> skip = {0, 1, 0};
  std::vector<float> offset(3), scale(3);
  const Span<float> off(offset.data(), 3), sc(scale.data(), 3);
  Arenas a;
  ScalerOptions o;
  REQUIRE(fit_scaler(v, Span<const std::uint8_t>(skip.data(), 3), o, a.scratch, off, sc) == Status::ok);
  CHECK(offset[0] == 5.0f);
  CHECK(scale[0] == 1.0f);  // a zero std becomes 1
  CHECK(offset[1] == 0.0f);
  CHECK(scale[1] == 1.0f);
  // mean 2/3, population variance (64/9 + 4/9 + 100/9) / 3 = 56/9.
  CHECK(offset[2] == doctest::Approx(2.0 / 3.0));
  CHECK(scale[2] == doctest::Approx(1.0 / std::sqrt(56.0 / 9.0)));
  o.kind = ScalerKind::robust;  // median 0, IQR: percentiles 25 and 75 are -1 and 2
  REQUIRE(fit_scaler(v, Span<const std::uint8_t>(skip.data(), 3), o, a.scratch, off, sc) == Status::ok);
  CHECK(offset[2] == 0.0f);
  CHECK(scale[2] == doctest::Approx(1.0 / 3.0));
  o.kind = ScalerKind::minmax;
  o.range_min = 1.0;
  o.range_max = 1.0;
  CHECK(fit_scaler(v, {}, o, a.scratch, off, sc) == Status::bad_value);
  o.kind = ScalerKind::robust;
  o.quantile_low = 80.0;
  o.quantile_high = 20.0;
  CHECK(fit_scaler(v, {}, o, a.scratch, off, sc) == Status::bad_value);
  CHECK(fit_scaler(v, {}, ScalerOptions{}, a.scratch, Span<float>(offset.data(), 2), sc) ==
        Status::shape_mismatch);
}

TEST_CASE("discretizer: scikit-learn's KBinsDiscretizer edges on diabetes") {
  Numeric d = numeric_columns("diabetes.csv");
  // Drop the target (the last column, progression).
  Numeric x;
  x.rows = d.rows;
  x.cols = d.cols - 1;
  for (std::size_t i = 0; i < d.rows; ++i)
    x.x.insert(x.x.end(), d.x.begin() + static_cast<std::ptrdiff_t>(i * d.cols),
               d.x.begin() + static_cast<std::ptrdiff_t>(i * d.cols + x.cols));
  const char* names[] = {"uniform", "quantile", "kmeans"};
  const DiscretizeStrategy strategies[] = {DiscretizeStrategy::uniform, DiscretizeStrategy::quantile,
                                           DiscretizeStrategy::kmeans};
  for (int s = 0; s < 3; ++s) {
    CAPTURE(names[s]);
    Arenas a;
    DiscretizerOptions o;
    o.n_bins = 5;
    o.strategy = strategies[s];
    FittedDiscretizer f;
    {
      test::HeapGuard guard;
      REQUIRE(fit_discretizer(x.view(), {}, o, a.scratch, a.result, &f) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    CHECK(a.scratch.used() == 0);
    const std::string name = std::string("diabetes_bins_") + names[s];
    const auto& n_edges = reference_values("preprocess.txt", name, "n_edges");
    REQUIRE(f.n_edges.size() == n_edges.size());
    for (std::size_t j = 0; j < n_edges.size(); ++j) CHECK(f.n_edges[j] == n_edges[j]);
    // k-means: scikit-learn stops on its tolerance (1e-4 of the variance),
    // ember when no boundary moves, so the centres agree to about 1e-4.
    check_close(f.edges, reference_values("preprocess.txt", name, "edges"), s == 2 ? 1e-3 : 2e-7);
  }
}

TEST_CASE("discretizer: by hand, and refusals") {
  const float nan = NAN;
  // Column 0: 0..9 and a NaN; column 1 skipped; column 2 constant.
  std::vector<float> x;
  for (int i = 0; i < 11; ++i) {
    x.push_back(i < 10 ? static_cast<float>(i) : nan);
    x.push_back(static_cast<float>(i * i));
    x.push_back(3.0f);
  }
  const MatrixView<const float> v{x.data(), 11, 3, 3};
  const std::vector<std::uint8_t> skip = {0, 1, 0};
  Arenas a;
  DiscretizerOptions o;
  o.n_bins = 3;
  o.strategy = DiscretizeStrategy::uniform;  // 0..9 in thirds: 3, 6
  FittedDiscretizer f;
  REQUIRE(fit_discretizer(v, Span<const std::uint8_t>(skip.data(), 3), o, a.scratch, a.result, &f) ==
          Status::ok);
  REQUIRE(f.n_edges[0] == 2);
  CHECK(f.n_edges[1] == 0);
  CHECK(f.n_edges[2] == 0);
  CHECK(f.edges[0] == 3.0f);
  CHECK(f.edges[1] == 6.0f);
  o.strategy = DiscretizeStrategy::quantile;  // percentiles 33.3 and 66.7 of 0..9: 3 and 6
  REQUIRE(fit_discretizer(v, Span<const std::uint8_t>(skip.data(), 3), o, a.scratch, a.result, &f) ==
          Status::ok);
  CHECK(f.edges[0] == doctest::Approx(3.0));
  CHECK(f.edges[1] == doctest::Approx(6.0));
  // k-means from the uniform bins' centres 1.5, 4.5, 7.5: 3 is as near to
  // 1.5 as to 4.5 and goes to the lower one, so the clusters are {0..3},
  // {4, 5, 6}, {7, 8, 9} with means 1.5, 5, 8, and they stay so: edges
  // halfway, 3.25 and 6.5.
  o.strategy = DiscretizeStrategy::kmeans;
  REQUIRE(fit_discretizer(v, Span<const std::uint8_t>(skip.data(), 3), o, a.scratch, a.result, &f) ==
          Status::ok);
  CHECK(f.edges[0] == doctest::Approx(3.25));
  CHECK(f.edges[1] == doctest::Approx(6.5));
  o.n_bins = 1;
  CHECK(fit_discretizer(v, {}, o, a.scratch, a.result, &f) == Status::bad_value);
  o.n_bins = 3;
  CHECK(fit_discretizer(v, Span<const std::uint8_t>(skip.data(), 2), o, a.scratch, a.result, &f) ==
        Status::shape_mismatch);
  CHECK(a.scratch.used() == 0);
}

TEST_CASE("one-hot: scikit-learn's infrequent categories on credit_german") {
  const Categorical c = categorical_columns("credit_german.csv");
  REQUIRE(c.cols == 14);
  struct Case {
    const char* name;
    std::uint32_t max_categories, min_frequency;
  };
  for (const Case& k :
       {Case{"credit_onehot_max_categories3", 3, 0}, Case{"credit_onehot_min_frequency50", 0, 50},
        Case{"credit_onehot_max_categories4_min_frequency30", 4, 30}}) {
    CAPTURE(k.name);
    Arenas a;
    OneHotOptions o;
    o.max_categories = k.max_categories;
    o.min_frequency = k.min_frequency;
    o.unknown = UnknownCategory::infrequent;
    FittedOneHot f;
    {
      test::HeapGuard guard;
      REQUIRE(fit_one_hot(c.view(), c.cats(), o, a.result, &f) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    const auto& n_out = reference_values("preprocess.txt", k.name, "n_out");
    const auto& remap = reference_values("preprocess.txt", k.name, "remap");
    REQUIRE(f.n_out.size() == n_out.size());
    REQUIRE(f.remap.size() == remap.size());
    for (std::size_t j = 0; j < n_out.size(); ++j) CHECK(f.n_out[j] == n_out[j]);
    for (std::size_t i = 0; i < remap.size(); ++i) CHECK(f.remap[i] == remap[i]);
    CHECK(f.merges);
    // infrequent_if_exist: an unknown code goes to the infrequent column
    // where there is one (the last), else nowhere (all zeros).
    const auto& infrequent = reference_values("preprocess.txt", k.name, "infrequent");
    for (std::size_t j = 0; j < c.cols; ++j)
      CHECK(f.unknown[j] == (infrequent[j] != 0.0 ? f.n_out[j] - 1.0f : static_cast<float>(f.n_out[j])));
  }
}

TEST_CASE("one-hot and target encoding by hand, and refusals") {
  const float nan = NAN;
  // One categorical column (4 codes) and one numeric. Counts: code 0 x3,
  // code 1 x1, code 2 x2, code 3 never; one missing.
  const std::vector<float> x = {0, 1.5f, 0, 2.0f, 1, 3.0f, 2, 4.0f, 2, 5.0f, 0, 6.0f, nan, 7.0f};
  const MatrixView<const float> v{x.data(), 7, 2, 2};
  const std::vector<std::uint32_t> cats = {4, 0};
  const Span<const std::uint32_t> k(cats.data(), 2);
  Arenas a;
  FittedOneHot f;
  REQUIRE(fit_one_hot(v, k, OneHotOptions{}, a.result, &f) == Status::ok);
  CHECK(f.n_out[0] == 4);  // code 3 keeps its (all-zero) column
  CHECK(f.n_out[1] == 0);
  CHECK_FALSE(f.merges);
  CHECK(f.unknown[0] == 4.0f);  // out of range: all zeros
  OneHotOptions o;
  o.max_categories = 3;  // 2 kept (codes 0 and 2, the most frequent) + infrequent
  REQUIRE(fit_one_hot(v, k, o, a.result, &f) == Status::ok);
  REQUIRE(f.n_out[0] == 3);
  CHECK(f.remap[0] == 0.0f);
  CHECK(f.remap[1] == 2.0f);
  CHECK(f.remap[2] == 1.0f);
  CHECK(f.remap[3] == 2.0f);
  CHECK(f.merges);
  CHECK(f.unknown[0] == 3.0f);  // zeros by default, even with an infrequent column
  o.max_categories = 1;
  CHECK(fit_one_hot(v, k, o, a.result, &f) == Status::bad_value);
  const std::vector<std::uint32_t> small = {2, 0};  // code 2 is not below 2
  CHECK(fit_one_hot(v, Span<const std::uint32_t>(small.data(), 2), OneHotOptions{}, a.result, &f) ==
        Status::bad_index);

  // Target encoding, y = 1, 0, 1, 1, 0, 0, 1 (mean 4/7). With smooth = 2:
  // code 0 (rows 0, 1, 5: y sum 1): (1 + 2 * 4/7) / (3 + 2) = 15/35;
  // code 1 (row 2: 1): (1 + 8/7) / 3 = 15/21; code 2 (rows 3, 4: 1):
  // (1 + 8/7) / 4 = 15/28; code 3: the mean.
  const std::vector<float> y = {1, 0, 1, 1, 0, 0, 1};
  std::vector<float> values(4), unknown(2);
  TargetEncoderOptions t;
  t.smooth = 2.0;
  REQUIRE(fit_target_encoder(v, k, Span<const float>(y.data(), 7), t, a.scratch,
                             Span<float>(values.data(), 4), Span<float>(unknown.data(), 2)) == Status::ok);
  CHECK(values[0] == doctest::Approx(15.0 / 35.0));
  CHECK(values[1] == doctest::Approx(15.0 / 21.0));
  CHECK(values[2] == doctest::Approx(15.0 / 28.0));
  CHECK(values[3] == doctest::Approx(4.0 / 7.0));
  CHECK(unknown[0] == doctest::Approx(4.0 / 7.0));
  // smooth="auto": overall variance (4/7)(3/7) = 12/49. Code 0: mean 1/3,
  // squared deviations 2/9 + 4/9... (1-1/3)^2 + 2 (1/3)^2 = 2/3, so
  // lambda = (12/49 * 3) / (12/49 * 3 + (2/3) / 3) = (36/49) / (36/49 + 2/9);
  // code 1: one row, no spread: lambda = 1, its own mean 1.
  t.smooth = -1.0;
  REQUIRE(fit_target_encoder(v, k, Span<const float>(y.data(), 7), t, a.scratch,
                             Span<float>(values.data(), 4), Span<float>(unknown.data(), 2)) == Status::ok);
  const double lambda0 = (36.0 / 49.0) / (36.0 / 49.0 + 2.0 / 9.0);
  CHECK(values[0] == doctest::Approx(lambda0 / 3.0 + (1.0 - lambda0) * 4.0 / 7.0));
  CHECK(values[1] == doctest::Approx(1.0));
  CHECK(values[3] == doctest::Approx(4.0 / 7.0));
  CHECK(a.scratch.used() == 0);

  // Out of fold with 7 folds (one row each): a row's value comes from the
  // other six rows only. Row 2 is code 1's only row, so it gets the mean
  // of the other rows' targets (3/6), whatever its own target.
  std::vector<float> encoded(14);
  REQUIRE(target_encode_out_of_fold(v, k, Span<const float>(y.data(), 7), t, 7, 1, a.scratch,
                                    MatrixView<float>{encoded.data(), 7, 2, 2}) == Status::ok);
  CHECK(encoded[2 * 2] == doctest::Approx(3.0 / 6.0));
  CHECK(encoded[2 * 2 + 1] == 3.0f);  // numeric column copied
  CHECK(std::isnan(encoded[6 * 2]));  // missing stays missing
  CHECK(a.scratch.used() == 0);
  CHECK(target_encode_out_of_fold(v, k, Span<const float>(y.data(), 7), t, 1, 1, a.scratch,
                                  MatrixView<float>{encoded.data(), 7, 2, 2}) == Status::bad_value);
  const std::vector<float> bad_y = {1, 0, nan, 1, 0, 0, 1};
  CHECK(fit_target_encoder(v, k, Span<const float>(bad_y.data(), 7), t, a.scratch,
                           Span<float>(values.data(), 4),
                           Span<float>(unknown.data(), 2)) == Status::bad_value);
}

TEST_CASE("lda: scikit-learn's LinearDiscriminantAnalysis projection on iris and wine (up to sign)") {
  for (const char* name : {"iris", "wine"}) {
    CAPTURE(name);
    const std::string file = std::string(name) + ".csv";
    const Numeric d = numeric_columns(file);
    const Categorical target = categorical_columns(file);  // the class column only
    REQUIRE(target.cols == 1);
    const std::uint32_t k = target.n_categories[0];
    const std::uint32_t components = 2;
    std::vector<float> w(components * d.cols), b(components);
    Arenas a;
    {
      test::HeapGuard guard;
      REQUIRE(fit_lda(d.view(), Span<const float>(target.x.data(), d.rows), k, components, a.scratch,
                      Span<float>(w.data(), w.size()), Span<float>(b.data(), b.size())) == Status::ok);
      CHECK(guard.allocations() == 0);
    }
    const auto& z = reference_values("preprocess.txt", std::string(name) + "_lda", "z");
    REQUIRE(z.size() == d.rows * components);
    double largest = 0.0;
    for (double v : z) largest = std::max(largest, std::fabs(v));
    for (std::uint32_t c = 0; c < components; ++c) {
      CAPTURE(c);
      // scikit-learn's sign is its SVD's: take it from the first row.
      double got0 = b[c];
      for (std::size_t j = 0; j < d.cols; ++j) got0 += static_cast<double>(w[c * d.cols + j]) * d.x[j];
      const double sign = (got0 < 0.0) == (z[c] < 0.0) ? 1.0 : -1.0;
      double worst = 0.0;
      for (std::size_t i = 0; i < d.rows; ++i) {
        double got = b[c];
        for (std::size_t j = 0; j < d.cols; ++j)
          got += static_cast<double>(w[c * d.cols + j]) * d.x[i * d.cols + j];
        worst = std::max(worst, std::fabs(sign * got - z[i * components + c]));
      }
      // float32 weights over float32 inputs: a few ulps of the largest value.
      CHECK(worst < 1e-5 * largest);
    }
  }
}

TEST_CASE("lda: refusals") {
  // Two classes, two columns: one direction at most.
  const std::vector<float> x = {0, 1, 1, 0, 2, 2, 3, 5, 4, 4, 5, 6};
  const std::vector<float> y = {0, 0, 0, 1, 1, 1};
  const MatrixView<const float> v{x.data(), 6, 2, 2};
  Arenas a;
  std::vector<float> w(4), b(2);
  const Span<const float> ys(y.data(), 6);
  CHECK(fit_lda(v, ys, 2, 1, a.scratch, Span<float>(w.data(), 2), Span<float>(b.data(), 1)) == Status::ok);
  CHECK(fit_lda(v, ys, 2, 2, a.scratch, Span<float>(w.data(), 4), Span<float>(b.data(), 2)) ==
        Status::bad_value);
  CHECK(fit_lda(v, ys, 3, 1, a.scratch, Span<float>(w.data(), 2), Span<float>(b.data(), 1)) ==
        Status::bad_value);  // class 2 has no rows
  const std::vector<float> bad_y = {0, 0, 0, 1, 1, 2};
  CHECK(fit_lda(v, Span<const float>(bad_y.data(), 6), 2, 1, a.scratch, Span<float>(w.data(), 2),
                Span<float>(b.data(), 1)) == Status::bad_index);
  std::vector<float> holes = x;
  holes[3] = NAN;
  CHECK(fit_lda(MatrixView<const float>{holes.data(), 6, 2, 2}, ys, 2, 1, a.scratch, Span<float>(w.data(), 2),
                Span<float>(b.data(), 1)) == Status::bad_value);
  CHECK(fit_lda(v, ys, 2, 1, a.scratch, Span<float>(w.data(), 3), Span<float>(b.data(), 1)) ==
        Status::shape_mismatch);
}
