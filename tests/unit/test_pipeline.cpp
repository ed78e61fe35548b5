// The host pipeline (host/pipeline.h): what each step fits, the names of
// its outputs, and that only the fitting rows reach a fitted value.
// Expected values are worked by hand in the comments.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ember/rng.h"
#include "host/pipeline.h"
#include "host/task_rule.h"
#include "host/training_checks.h"
#include "host/tree_trainer.h"

using namespace ember;
using namespace ember::host;

namespace {

Column numbers(const std::string& name, const std::vector<float>& v) {
  Column c;
  c.name = name;
  c.values = v;
  return c;
}

Column categories(const std::string& name, const std::vector<std::string>& labels,
                  const std::vector<std::int32_t>& codes) {
  Column c;
  c.name = name;
  c.type = ColumnType::categorical;
  c.labels = labels;
  c.codes = codes;
  return c;
}

Table table_of(std::vector<Column> columns, int target) {
  Table t;
  t.rows = columns[0].type == ColumnType::numeric ? columns[0].values.size() : columns[0].codes.size();
  t.columns = std::move(columns);
  t.target = target;
  return t;
}

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = i;
  return r;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

bool same_steps(const FittedPipeline& a, const FittedPipeline& b) {
  if (a.steps.size() != b.steps.size() || a.out_names != b.out_names) return false;
  for (std::size_t s = 0; s < a.steps.size(); ++s) {
    const PipelineStep &x = a.steps[s], &y = b.steps[s];
    if (x.kind != y.kind || x.n_in != y.n_in || x.n_out != y.n_out || x.u != y.u || !same_bits(x.a, y.a) ||
        !same_bits(x.b, y.b) || x.description != y.description)
      return false;
  }
  return true;
}

// 400 rows: two numbers (one with holes), a category of 4 with one rare
// label, a target.
Table mixed_table(std::uint64_t seed) {
  Rng rng(seed, 1);
  std::vector<float> a, b, y;
  std::vector<std::int32_t> c;
  for (int i = 0; i < 400; ++i) {
    a.push_back(static_cast<float>(rng.uniform() * 10.0));
    b.push_back(i % 7 == 0 ? NAN : static_cast<float>(rng.uniform() * 3.0 - 1.0));
    const double u = rng.uniform();
    c.push_back(i % 11 == 0 ? -1 : u < 0.5 ? 0 : u < 0.8 ? 1 : u < 0.98 ? 2 : 3);
    y.push_back(a.back() + (c.back() == 1 ? 2.0f : 0.0f));
  }
  return table_of(
      {numbers("a", a), numbers("b", b), categories("c", {"p", "q", "r", "s"}, c), numbers("y", y)}, 3);
}

PipelineOptions every_step() {
  PipelineOptions o;
  o.impute = true;
  o.imputer.strategy = ImputeStrategy::median;
  o.imputer.add_indicator = true;
  o.encoding = Encoding::one_hot;
  o.one_hot.max_categories = 3;
  o.discretize = true;
  o.discretizer.strategy = DiscretizeStrategy::quantile;
  o.discretizer.n_bins = 3;
  o.scale = true;
  return o;
}

std::vector<float> targets(const Table& t, const std::vector<std::size_t>& rows) {
  std::vector<float> y;
  for (std::size_t i : rows) y.push_back(t.columns[static_cast<std::size_t>(t.target)].values[i]);
  return y;
}

}  // namespace

TEST_CASE("pipeline: the default linear steps fit what a hand computation gives") {
  // x = 1, NaN, 3, 10: median of the present values 3; after filling,
  // 1 3 3 10 has mean 4.25 and population std sqrt(((3.25)^2 + 1.25^2 * 2
  // + 5.75^2) / 4) = sqrt(11.6875).
  const Table t = table_of(
      {numbers("x", {1, NAN, 3, 10}), categories("k", {"u", "v"}, {1, 1, -1, 0}), numbers("y", {0, 1, 2, 3})},
      2);
  const RawFeatures raw = raw_features(t);
  PipelineOptions o;
  o.impute = true;
  o.imputer.strategy = ImputeStrategy::median;
  o.encoding = Encoding::one_hot;
  o.scale = true;
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  REQUIRE(fit_pipeline(raw, all_rows(4), targets(t, all_rows(4)), 0, o, {}, &p, &x, &error));
  REQUIRE(p.steps.size() == 3);
  CHECK(p.steps[0].kind == format::StepKind::impute);
  CHECK(p.steps[0].a == std::vector<float>{3.0f, 1.0f});  // k: v (code 1) is the most frequent
  CHECK(p.steps[1].kind == format::StepKind::one_hot);
  CHECK(p.steps[2].kind == format::StepKind::affine);
  CHECK(p.steps[2].a[0] == doctest::Approx(4.25));
  CHECK(p.steps[2].b[0] == doctest::Approx(1.0 / std::sqrt(11.6875)));
  CHECK(p.steps[2].a[1] == 0.0f);  // one-hot columns are not scaled
  CHECK(p.steps[2].b[2] == 1.0f);
  CHECK(p.out_names == std::vector<std::string>{"x", "k=u", "k=v"});
  CHECK(p.out_categories == std::vector<std::uint32_t>{0, 0, 0});
  // Row 3: x = 3 -> (3 - 4.25) / sd; k missing -> v.
  CHECK(x[2 * 3 + 0] == doctest::Approx(-1.25 / std::sqrt(11.6875)));
  CHECK(x[2 * 3 + 1] == 0.0f);
  CHECK(x[2 * 3 + 2] == 1.0f);
}

TEST_CASE("pipeline: names of indicators, infrequent buckets and bins") {
  const Table t = mixed_table(7);
  const RawFeatures raw = raw_features(t);
  PipelineOptions o = every_step();
  o.discretize_one_hot = true;
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  const auto rows = all_rows(t.rows);
  REQUIRE(fit_pipeline(raw, rows, targets(t, rows), 0, o, {}, &p, &x, &error));
  // Counts of c: p about half, q and r next, s about 2%: with
  // max_categories 3, p and q stay and r, s share the infrequent column.
  CHECK(p.out_names == std::vector<std::string>{"a=bin0", "a=bin1", "a=bin2", "b=bin0", "b=bin1", "b=bin2",
                                                "c=p", "c=q", "c=infrequent", "b_missing", "c_missing"});
  CHECK(x.size() == t.rows * p.width());
}

TEST_CASE("pipeline: what training fits on is what the runtime computes, and no other row reaches it") {
  const Table t = mixed_table(11);
  const RawFeatures raw = raw_features(t);
  const PipelineOptions o = every_step();
  // Fit on the even rows.
  std::vector<std::size_t> even;
  for (std::size_t i = 0; i < t.rows; i += 2) even.push_back(i);
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  REQUIRE(fit_pipeline(raw, even, targets(t, even), 0, o, {}, &p, &x, &error));
  REQUIRE(p.steps.size() == 5);  // impute, merge, one-hot, discretize, scale

  // The device's view of the fitting rows is bit for bit what was fitted on.
  std::vector<float> even_raw, device;
  for (std::size_t i : even)
    even_raw.insert(even_raw.end(), raw.x.begin() + i * raw.d, raw.x.begin() + (i + 1) * raw.d);
  REQUIRE(apply_pipeline(p, even_raw.data(), even.size(), &device, &error));
  CHECK(same_bits(device, x));

  // The odd rows become extreme, missing and other categories: nothing fitted changes.
  RawFeatures changed = raw;
  for (std::size_t i = 1; i < changed.n; i += 2) {
    changed.x[i * raw.d + 0] = i % 3 == 0 ? 1e6f : NAN;
    changed.x[i * raw.d + 1] = -1e6f;
    changed.x[i * raw.d + 2] = 3.0f;  // the rare category everywhere
  }
  FittedPipeline q;
  std::vector<float> xq;
  REQUIRE(fit_pipeline(changed, even, targets(t, even), 0, o, {}, &q, &xq, &error));
  CHECK(same_steps(p, q));
  CHECK(same_bits(x, xq));
  // ...while fitting on every row does change them (so the check can fail).
  FittedPipeline r;
  std::vector<float> xr;
  REQUIRE(fit_pipeline(changed, all_rows(t.rows), targets(t, all_rows(t.rows)), 0, o, {}, &r, &xr, &error));
  CHECK_FALSE(same_steps(p, r));
}

TEST_CASE("pipeline: target encoding fits on every row and encodes the training rows out of fold") {
  // k: u on rows 0-3 (y 1, 2, 3, 4), v on rows 4-7 (y 10 each), smooth 2:
  // the overall mean is 50 / 8 = 6.25; u -> (10 + 2 * 6.25) / (4 + 2) =
  // 3.75, v -> (40 + 12.5) / 6 = 8.75.
  const Table t = table_of(
      {categories("k", {"u", "v"}, {0, 0, 0, 0, 1, 1, 1, 1}), numbers("y", {1, 2, 3, 4, 10, 10, 10, 10})}, 1);
  const RawFeatures raw = raw_features(t);
  PipelineOptions o;
  o.encoding = Encoding::target;
  o.target.smooth = 2.0;
  o.target_folds = 2;
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  const auto rows = all_rows(8);
  REQUIRE(fit_pipeline(raw, rows, targets(t, rows), 0, o, {}, &p, &x, &error));
  REQUIRE(p.steps.size() == 1);
  CHECK(p.steps[0].kind == format::StepKind::ordinal);
  CHECK(p.steps[0].b[0] == doctest::Approx(3.75));
  CHECK(p.steps[0].b[1] == doctest::Approx(8.75));
  CHECK(p.steps[0].a[0] == doctest::Approx(6.25));  // an unknown category: the mean
  CHECK(p.out_categories == std::vector<std::uint32_t>{0});
  // Out of fold, row values depend on the other half's targets, so they
  // are not the full fit's (and differ within a category).
  std::vector<float> device;
  REQUIRE(apply_pipeline(p, raw.x.data(), 8, &device, &error));
  CHECK(device[0] == doctest::Approx(3.75));
  CHECK_FALSE(same_bits(device, x));

  // A multiclass target cannot be target-encoded in one column.
  CHECK_FALSE(fit_pipeline(raw, rows, {0, 1, 2, 0, 1, 2, 0, 1}, 3, o, {}, &p, &x, &error));
  CHECK(error.message.find("3 classes") != std::string::npos);
}

TEST_CASE("pipeline: sparse rows and columns") {
  // Row shares missing: 0, 1/3, 2/3, 1.
  const Table t = table_of({numbers("a", {1, NAN, NAN, NAN}), numbers("b", {1, 2, NAN, NAN}),
                            numbers("c", {1, 2, 3, NAN}), numbers("y", {0, 0, 0, 0})},
                           3);
  const RawFeatures raw = raw_features(t);
  CHECK(sparse_rows(raw, 0.5) == std::vector<std::size_t>{2, 3});
  CHECK(sparse_rows(raw, 0.0) == std::vector<std::size_t>{1, 2, 3});
  CHECK(sparse_rows(raw, 1.0).empty());
  // Columns: a misses 3/4, b 2/4, c 1/4; above 0.5 only a goes.
  PipelineOptions o;
  o.drop_column_missing = 0.5;
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  const auto rows = all_rows(4);
  REQUIRE(fit_pipeline(raw, rows, targets(t, rows), 0, o, {}, &p, &x, &error));
  REQUIRE(p.steps.size() == 1);
  CHECK(p.steps[0].kind == format::StepKind::select);
  CHECK(p.steps[0].u == std::vector<std::uint32_t>{1, 2});
  CHECK(p.out_names == std::vector<std::string>{"b", "c"});
  CHECK(p.steps[0].description == "drop columns missing in more than 50% of the rows: a (75%)");
}

// Issue 16, item 5: a one-hot wider than kMaxOneHotColumns is refused
// before its matrix is built, naming the widest columns.
TEST_CASE("pipeline: a one-hot over 4096 columns is refused before it is built; max_categories fits it") {
  const std::size_t n = kMaxOneHotColumns + 1;  // a unique id per row
  std::vector<std::string> labels;
  std::vector<std::int32_t> codes;
  std::vector<float> y;
  for (std::size_t i = 0; i < n; ++i) {
    labels.push_back("id" + std::to_string(100000 + i));  // sorted, as the reader sorts them
    codes.push_back(static_cast<std::int32_t>(i));
    y.push_back(static_cast<float>(i % 2));
  }
  const Table t = table_of({categories("id", labels, codes), numbers("y", y)}, 1);
  const RawFeatures raw = raw_features(t);
  PipelineOptions o;
  o.encoding = Encoding::one_hot;
  FittedPipeline p;
  std::vector<float> x;
  Error error;
  CHECK_FALSE(fit_pipeline(raw, all_rows(n), y, 0, o, {}, &p, &x, &error));
  CHECK(
      error.message ==
      "the one-hot encoding (--encode onehot) would make 4097 columns (id: 4097 categories), more than 4096; "
      "give --encode onehot:max_categories=N (rare categories share a column) or --encode target");
  CHECK(x.empty());
  o.one_hot.max_categories = 50;
  REQUIRE(fit_pipeline(raw, all_rows(n), y, 0, o, {}, &p, &x, &error));
  CHECK(p.width() == 50);
  // Within the columns, but 270,000 rows x 4,000 columns of float32 is over 4 GiB.
  {
    const std::size_t rows = 270000;
    std::vector<std::string> k;
    for (int c = 0; c < 4000; ++c) k.push_back("k" + std::to_string(10000 + c));
    std::vector<std::int32_t> kc(rows);
    for (std::size_t i = 0; i < rows; ++i) kc[i] = static_cast<std::int32_t>(i % 4000);
    const std::vector<float> ky(rows, 0.0f);
    const Table big = table_of({categories("k", k, kc), numbers("y", ky)}, 1);
    PipelineOptions h;
    h.encoding = Encoding::one_hot;
    CHECK_FALSE(fit_pipeline(raw_features(big), all_rows(rows), ky, 0, h, {}, &p, &x, &error));
    CHECK(
        error.message ==
        "the one-hot encoding (--encode onehot) would make 270000 rows x 4000 columns (k: 4000 categories), "
        "4119 MiB of values, more than 4 GiB; give --encode onehot:max_categories=N (rare categories share a "
        "column) or --encode target");
  }
  // Bins as one-hot columns count the same way.
  std::vector<Column> many;
  for (int j = 0; j < 5; ++j) {
    std::vector<float> v;
    for (std::size_t i = 0; i < 2000; ++i) v.push_back(static_cast<float>((i * 7919 + j) % 2000));
    many.push_back(numbers("x" + std::to_string(j), v));
  }
  many.push_back(numbers("y", std::vector<float>(2000, 0.0f)));
  const Table b = table_of(many, 5);
  PipelineOptions d;
  d.discretize = true;
  d.discretizer.strategy = DiscretizeStrategy::uniform;
  d.discretizer.n_bins = 1000;
  d.discretize_one_hot = true;
  CHECK_FALSE(fit_pipeline(raw_features(b), all_rows(2000), std::vector<float>(2000, 0.0f), 0, d, {}, &p, &x,
                           &error));
  CHECK(
      error.message ==
      "--discretize ...:output=onehot would make 5000 columns (x0: 1000 bins, x1: 1000 bins, x2: 1000 bins, "
      "...), more than 4096; give fewer bins (bins=N) or output=ordinal");
}

// Issue 16, item 12: the one rule of --task auto (and describe).
TEST_CASE("task rule: text or at most 20 distinct whole numbers are classes") {
  CHECK(auto_task(categories("s", {"a", "b"}, {0, 1})).classification);
  CHECK(auto_task(categories("s", {"a", "b"}, {0, 1})).reason == "auto: 's' holds text labels (e.g. 'a')");
  std::vector<float> twenty, twenty_one;
  for (int i = 0; i < 60; ++i) {
    twenty.push_back(static_cast<float>(i % 20));
    twenty_one.push_back(static_cast<float>(i % 21));
  }
  twenty.push_back(NAN);  // missing values do not count
  const TaskRule a = auto_task(numbers("y", twenty));
  CHECK(a.classification);
  CHECK(a.distinct == 20);
  CHECK(a.reason ==
        "auto: 'y' holds 20 distinct whole numbers (at most 20 make classes; --task regression "
        "fits a number)");
  const TaskRule b = auto_task(numbers("y", twenty_one));
  CHECK_FALSE(b.classification);
  CHECK(b.reason ==
        "auto: 'y' holds more than 20 distinct whole numbers (--task classification makes them "
        "classes)");
  const TaskRule c = auto_task(numbers("y", {1, 2, 2.5f}));
  CHECK_FALSE(c.classification);
  CHECK(c.reason == "auto: 'y' holds numbers that are not whole (2.5 in data row 3)");
  CHECK_FALSE(auto_task(numbers("y", {1, INFINITY})).classification);
  CHECK_FALSE(auto_task(numbers("y", {NAN, NAN})).classification);
  CHECK(auto_task(numbers("y", {0, 1, 1, 0})).classification);
  // Labels that are one number spelled differently.
  const Column spelled = categories("y", {"01", "1", "1.0", "2", "2.5", "x"}, {0, 1, 2, 3, 4, 5});
  CHECK(same_number_labels(spelled) == std::vector<std::vector<std::string>>{{"01", "1", "1.0"}});
  CHECK(same_number_labels(categories("y", {"1", "2"}, {0, 1})).empty());
}

TEST_CASE("training checks: infinite cells and a file without features name the place") {
  std::string message;
  const Table t =
      table_of({numbers("a", {1, 2, 3}), numbers("b", {1, 2, -INFINITY}), numbers("y", {1, INFINITY, 3})}, 2);
  CHECK_FALSE(check_finite_cells(t, &message));
  CHECK(
      message ==
      "data row 2, column 'y': inf is not a value a model can learn from; make the cell empty (missing) or a "
      "finite number");
  CHECK(check_has_features(t, &message));
  const Table only = table_of({numbers("y", {1, 2})}, 0);
  CHECK_FALSE(check_has_features(only, &message));
  CHECK(message == "no feature columns: the file has only the target 'y'");
  CHECK(format_bytes(512) == "512 bytes");
  CHECK(format_bytes(760218624) == "760.2 MB");
}

// Issue 16, item 18: the model's size before the fit.
TEST_CASE("model size estimate: the 1,000-class forest of the issue (572 MB written) is estimated above it") {
  TreeTrainOptions forest;
  forest.kind = TreeKind::forest;
  forest.bootstrap = true;
  // 3,000 rows: a bootstrap draws 1,897 distinct rows (3000 (1 - (1 - 1/3000)^3000), rounded up).
  const ModelSizeEstimate e = estimate_tree_model_size(forest, 3000, 1000);
  CHECK(e.how == "100 trees x up to 1897 leaves x 1000 classes x 4 bytes, and the nodes");
  CHECK(e.bytes == 100.0 * (12 + 1897 * 4000.0 + 1896 * 8.0) + 1024);
  CHECK(e.bytes >= 572e6);
  CHECK(e.bytes > static_cast<double>(kWarnModelBytes));
  CHECK(e.bytes < static_cast<double>(kMaxModelBytes));
  // Depth and leaf limits bound the leaves; a regression leaf is one number.
  forest.tree.max_depth = 4;
  CHECK(estimate_tree_model_size(forest, 3000, 0).how ==
        "100 trees x up to 16 leaves x 4 bytes, and the nodes");
  // Boosting: one tree per class per round (softmax), 2^6 leaves at most by default.
  TreeTrainOptions gbdt;
  gbdt.kind = TreeKind::gbdt;
  gbdt.gbdt.min_data_in_leaf = 20;
  CHECK(estimate_tree_model_size(gbdt, 3000, 10).how ==
        "1000 trees x up to 64 leaves x 4 bytes, and the nodes");
  CHECK(estimate_tree_model_size(gbdt, 100, 2).how == "100 trees x up to 5 leaves x 4 bytes, and the nodes");
}
