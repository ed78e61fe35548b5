// `ember train` with pipeline flags, end to end. Expected metrics come from
// scikit-learn pipelines building the same columns:
// tests/data/reference/cli_pipeline_reference.py, its output quoted here.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::json_number;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::write_text;

TEST_CASE("pipeline flags build what scikit-learn builds (penguins, diabetes, airquality)") {
  // SimpleImputer(mean) + RobustScaler on the numbers, SimpleImputer
  // (most_frequent) + OneHotEncoder(max_categories=2) on the categories,
  // MissingIndicator(missing-only), LogisticRegression:
  // penguins 13 0.9941860465116279 0.05078109168914557
  auto t = run_ember("train " + data("penguins.csv") +
                     " --target species --model logistic --impute mean:indicator=true"
                     " --encode onehot:max_categories=2 --scale robust --param tol=1e-8 --param max_iter=1000"
                     " -o pipe_penguins.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(json_number(t.out, "model_features") == 13);
  auto e = run_ember("eval pipe_penguins.ember " + data("penguins.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "accuracy") == doctest::Approx(0.9941860465116279));
  CHECK(json_number(e.out, "logloss") == doctest::Approx(0.05078109168914557).epsilon(1e-4));
  const auto i = run_ember("inspect pipe_penguins.ember --json");
  REQUIRE(i.exit_code == 0);
  CHECK(contains(i.out, "{\"step\":\"impute\",\"n_in\":6,\"n_out\":11,\"description\":\"impute mean"));
  CHECK(contains(i.out, "5 missing indicators"));
  CHECK(contains(i.out, "{\"step\":\"ordinal\",\"n_in\":11,\"n_out\":11"));
  CHECK(contains(i.out, "{\"step\":\"one_hot\",\"n_in\":11,\"n_out\":13"));
  CHECK(contains(i.out, "{\"step\":\"affine\",\"n_in\":13,\"n_out\":13"));
  // scikit-learn's names: island keeps Biscoe; female (the rarer sex) is
  // sex's infrequent column.
  CHECK(contains(i.out, "{\"name\":\"island=Biscoe\"},{\"name\":\"island=infrequent\"}"));
  CHECK(contains(i.out, "{\"name\":\"sex=male\"},{\"name\":\"sex=infrequent\"}"));
  CHECK(contains(i.out, "{\"name\":\"sex_missing\"}"));

  // KBinsDiscretizer(4, quantile, onehot) + Ridge; sex (1 or 2) keeps its
  // values where its bins collapse, standardised:
  // diabetes 37 53.07221923378257 0.525005880659466
  t = run_ember("train " + data("diabetes.csv") +
                " --target progression --model linear --param penalty=l2"
                " --discretize quantile:bins=4,output=onehot -o pipe_diabetes.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(json_number(t.out, "model_features") == 37);
  e = run_ember("eval pipe_diabetes.ember " + data("diabetes.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "rmse") == doctest::Approx(53.07221923378257).epsilon(1e-5));
  CHECK(json_number(e.out, "r2") == doctest::Approx(0.525005880659466).epsilon(1e-5));

  // SimpleImputer(constant 0) + MinMaxScaler + LinearRegression:
  // airquality 5 6.928614415547639 0.4606450870482187
  t = run_ember("train " + data("airquality.csv") +
                " --target Temp --model linear --impute constant:fill=0 --scale minmax -o pipe_air.ember");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "pipeline: impute constant 0; filled: Ozone, Solar.R\n"));
  CHECK(contains(t.out, "pipeline: scale minmax: 5 of 5 columns"));
  e = run_ember("eval pipe_air.ember " + data("airquality.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "rmse") == doctest::Approx(6.928614415547639).epsilon(1e-5));
  CHECK(json_number(e.out, "r2") == doctest::Approx(0.4606450870482187).epsilon(1e-5));
}

TEST_CASE("trees take the pipeline too; target encoding and dropped rows and columns are reported") {
  // credit_german: 13 categorical columns, a two-class target.
  auto t = run_ember("train " + data("credit_german.csv") +
                     " --target class --model gbdt --encode target:folds=4 --param n_estimators=20"
                     " -o pipe_credit.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "\"pipeline\":[\"target-encode checking_status, credit_history, purpose,"));
  CHECK(contains(t.out, "training rows encoded out of 4 folds"));
  auto i = run_ember("inspect pipe_credit.ember --json");
  REQUIRE(i.exit_code == 0);
  CHECK(contains(i.out, "\"pipeline\":[{\"step\":\"ordinal\",\"n_in\":20,\"n_out\":20"));
  auto e = run_ember("eval pipe_credit.ember " + data("credit_german.csv") + " --json");
  REQUIRE(e.exit_code == 0);
  CHECK(json_number(e.out, "auc") > 0.8);

  // airquality: Ozone is missing in 37 of 153 rows (24%), Solar.R in 7;
  // 2 rows miss both (2 of 5 features: 40%).
  t = run_ember(
      "train " + data("airquality.csv") +
      " --target Temp --model tree --drop-missing columns=0.2,rows=0.3 -o pipe_air_tree.ember --json");
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(json_number(t.out, "dropped_rows") == 2);
  CHECK(json_number(t.out, "rows") == 151);
  CHECK(contains(t.out, "drop columns missing in more than 20% of the rows: Ozone (23%)"));
  i = run_ember("inspect pipe_air_tree.ember");
  REQUIRE(i.exit_code == 0);
  CHECK(contains(i.out, "select          5 -> 4    drop columns missing in more than 20%"));
  // The device still sends the whole raw row; predict reads Ozone and ignores it.
  const auto p = run_ember("predict pipe_air_tree.ember " + data("airquality.csv"));
  CHECK(p.exit_code == 0);
}

TEST_CASE("the pipeline is fitted on the training rows only: validation rows change no fitted value") {
  // Two validation files with the same targets and very different
  // features. With early_stopping_rounds=0 the validation loss is only
  // reported, so if nothing of the validation rows reaches the fitted
  // steps (imputer means, scaler statistics, bins, encodings), the two
  // models are byte for byte the same while their validation losses differ.
  std::string shifted =
      "\"species\",\"island\",\"bill_length_mm\",\"bill_depth_mm\",\"flipper_length_mm\","
      "\"body_mass_g\",\"sex\"\n";
  shifted += "\"Adelie\",\"Dream\",1000,,1,99999,\n";
  shifted += "\"Gentoo\",\"Torgersen\",-50,50,,0,\"male\"\n";
  shifted += "\"Chinstrap\",,,,,,\n";
  std::string plain =
      "\"species\",\"island\",\"bill_length_mm\",\"bill_depth_mm\",\"flipper_length_mm\","
      "\"body_mass_g\",\"sex\"\n";
  plain += "\"Adelie\",\"Torgersen\",39.1,18.7,181,3750,\"male\"\n";
  plain += "\"Gentoo\",\"Biscoe\",46.1,13.2,211,4500,\"female\"\n";
  plain += "\"Chinstrap\",\"Dream\",46.5,17.9,192,3500,\"female\"\n";
  write_text("valid_plain.csv", plain);
  write_text("valid_shifted.csv", shifted);
  const std::string flags =
      " --target species --model gbdt --param n_estimators=10 --param early_stopping_rounds=0"
      " --impute mean:indicator=true --encode onehot:max_categories=2 --discretize kmeans:bins=3"
      " --scale standard --json";
  const auto a =
      run_ember("train " + data("penguins.csv") + flags + " --valid valid_plain.csv -o leak_a.ember");
  const auto b =
      run_ember("train " + data("penguins.csv") + flags + " --valid valid_shifted.csv -o leak_b.ember");
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK(json_number(a.out, "best_validation_loss") != json_number(b.out, "best_validation_loss"));
  CHECK(read_text("leak_a.ember") == read_text("leak_b.ember"));
}

TEST_CASE("pipeline flags refuse bad values with the reason") {
  const std::string base = "train " + data("penguins.csv") + " --target species -o bad.ember ";
  struct Case {
    std::string flags, message;
  };
  const Case cases[] = {
      {"--model logistic --encode native",
       "--encode native is for tree models (they split on categories); a linear model reads numbers"},
      {"--model logistic --encode onehat",
       "--encode must be 'onehot', 'ordinal', 'target' or 'native', got "
       "'onehat'; did you mean 'onehot'?"},
      {"--model logistic --encode onehot:max_categories=1",
       "--encode onehot:max_categories=1: max_categories must be a whole number in 2..4294967295"},
      {"--model logistic --encode onehot:max_cat=3",
       "unknown parameter 'max_cat' for --encode onehot; did you mean 'max_categories'?"},
      {"--model logistic --encode onehot:unknown=drop",
       "--encode onehot:unknown=drop: unknown must be zeros, error or infrequent"},
      {"--model logistic --encode target",
       "--encode target needs a numeric or two-class target; this one has 3"},
      {"--model logistic --impute median:fill=3",
       "unknown parameter 'fill' for --impute median (parameters: 'indicator')"},
      {"--model logistic --impute constant:fill=x", "--impute constant:fill=x: fill must be a number"},
      {"--model logistic --impute none",
       "column 'bill_length_mm' is missing in training row 4 after the "
       "pipeline: a linear model needs every value; use --impute"},
      {"--model logistic --drop-missing columns=1.5",
       "--drop-missing columns=1.5: columns must be a share in "
       "[0, 1)"},
      {"--model logistic --drop-missing 0.5", "--drop-missing takes KEY=VALUE, got '0.5'"},
      {"--model tree --discretize quantile:bins=1",
       "--discretize quantile:bins=1: bins must be a whole number "
       "in 2..65536"},
      {"--model tree --discretize quantile:output=dense",
       "--discretize quantile:output=dense: output must be ordinal or onehot"},
      {"--model tree --scale minmax:min=1,max=0", "--scale minmax: min must be below max"},
      {"--model tree --scale robust:q_low=80,q_high=20", "--scale robust: q_low must be below q_high"},
      {"--model tree --scale standard:with_mean=false",
       "unknown parameter 'with_mean' for --scale standard (it takes none)"},
      {"--model tree --scale z",
       "--scale must be 'standard', 'minmax', 'robust', 'maxabs' or 'none', got 'z'"},
  };
  for (const Case& c : cases) {
    const auto r = run_ember(base + c.flags);
    INFO(c.flags << " -> " << r.err);
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, c.message));
  }
  // Every row and every column misses something.
  write_text("holes.csv", "a,b,y\n1,,1\n,2,2\n3,,3\n");
  auto r = run_ember("train holes.csv --target y --model tree --drop-missing rows=0 -o bad.ember");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "--drop-missing rows=... drops every training row"));
  r = run_ember("train holes.csv --target y --model tree --drop-missing columns=0 -o bad.ember");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "--drop-missing columns=0 drops every column"));
}
