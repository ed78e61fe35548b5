// The host's hyperparameter search (host/search.h): ranking, failed
// candidates, successive halving's rounds, and results that do not depend
// on the threads. The CLI's search (tests/cli/test_cli_search.cpp) checks
// the same loop against scikit-learn through `ember search`.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/csv.h"
#include "host/linear_trainer.h"
#include "host/search.h"

using namespace ember::host;

namespace {

// y = 2 x1 - x2 + a little structure-free wobble, 60 rows.
Table line_table() {
  std::string text = "x1,x2,y\n";
  for (int i = 0; i < 60; ++i) {
    const double x1 = i % 7, x2 = (i * 5) % 11, wobble = ((i * 37) % 13) / 13.0 - 0.5;
    text += std::to_string(x1) + "," + std::to_string(x2) + "," + std::to_string(2 * x1 - x2 + wobble) + "\n";
  }
  CsvOptions o;
  o.target = "y";
  Table t;
  Error e;
  REQUIRE(parse_csv(text, "line.csv", o, &t, &e));
  return t;
}

SearchCandidate ridge(double alpha) {
  LinearTrainOptions o;
  o.linear.penalty = ember::Penalty::l2;
  o.linear.alpha = alpha;
  return {{"alpha=" + std::to_string(alpha)},
          [o](const Table& train, std::vector<std::uint64_t>* storage, std::size_t* size, double* seconds,
              Error* error) {
            TrainedModel m;
            if (!train_linear_model(train, o, &m, error)) return false;
            *storage = std::move(m.storage);
            *size = m.size;
            *seconds = m.fit_seconds;
            return true;
          }};
}

SearchCandidate broken() {
  return {{"alpha=broken"},
          [](const Table&, std::vector<std::uint64_t>*, std::size_t*, double*, Error* error) {
            *error = Error{"", 0, 0, "no fit today"};
            return false;
          }};
}

std::vector<Split> three_folds(std::size_t rows) {
  std::vector<std::uint32_t> fold(rows);
  for (std::size_t i = 0; i < rows; ++i) fold[i] = static_cast<std::uint32_t>(i % 3);
  return splits_of_folds(fold, 3);
}

}  // namespace

TEST_CASE("search: ranks by the metric, a failed fit is unscored and ranked last") {
  const Table t = line_table();
  const std::vector<SearchCandidate> c = {broken(), ridge(1e4), ridge(0.01)};
  SearchOptions o;
  o.metric = "r2";
  o.threads = 1;
  SearchResult r;
  search(t, three_folds(t.rows), c, o, &r);
  REQUIRE(r.trials.size() == 3);
  CHECK(r.best == 2);
  CHECK(r.higher_is_better);
  CHECK(r.round_rows == std::vector<std::size_t>{t.rows});
  CHECK(std::isnan(r.trials[0].mean));
  CHECK(r.trials[0].error == "fold 1: no fit today");
  CHECK(r.trials[2].mean > r.trials[1].mean);
  CHECK(r.trials[2].rows == t.rows);
  CHECK(r.trials[2].end_ms >= r.trials[2].start_ms);

  o.metric = "rmse";  // lower is better: the same winner
  search(t, three_folds(t.rows), c, o, &r);
  CHECK_FALSE(r.higher_is_better);
  CHECK(r.best == 2);
}

TEST_CASE("search: halving rounds on subsamples, the same results on any number of threads") {
  const Table t = line_table();
  std::vector<SearchCandidate> c;
  for (double alpha : {0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 1e4, 1e5, 1e6}) c.push_back(ridge(alpha));
  SearchOptions o;
  o.metric = "r2";
  o.halving = true;
  o.seed = 3;
  o.threads = 1;
  SearchResult one, two;
  search(t, three_folds(t.rows), c, o, &one);
  o.threads = 2;
  search(t, three_folds(t.rows), c, o, &two);
  CHECK(one.round_rows == halving_rows(c.size(), t.rows, 2 * 3, 3));
  REQUIRE(one.round_rows.size() > 1);
  CHECK(one.trials[one.best].round + 1 == one.round_rows.size());
  CHECK(one.best == two.best);
  for (std::size_t i = 0; i < c.size(); ++i) {
    CHECK(one.trials[i].round == two.trials[i].round);
    CHECK(one.trials[i].rows == two.trials[i].rows);
    CHECK(one.trials[i].mean == two.trials[i].mean);
  }
}

TEST_CASE("search metric: of the task and the number of classes") {
  std::string error;
  CHECK(search_metric_fits_task("r2", false, 0, &error));
  CHECK_FALSE(search_metric_fits_task("r2", true, 2, &error));
  CHECK(error == "--metric r2 is for numeric targets");
  CHECK_FALSE(search_metric_fits_task("auc", true, 3, &error));
  CHECK(error == "--metric auc is for two classes; this target has 3 (use auc_ovr_macro)");
  CHECK_FALSE(search_metric_fits_task("auc_ovr_macro", true, 2, &error));
  CHECK_FALSE(search_metric_fits_task("nope", true, 2, &error));
  CHECK(error == "--metric 'nope' is not a metric of ember eval");
}
