// Search spaces, candidates, the successive-halving schedule and the
// progress line
// (host/param_search.h). The schedules are scikit-learn 1.2.1's
// HalvingGridSearchCV.n_resources_, printed by
// tests/data/reference/cli_search_reference.py.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "host/param_search.h"
#include "host/progress.h"

using namespace ember::host;

TEST_CASE("grid: every combination, keys in name order, the last fastest") {
  std::vector<ParamDomain> d;
  std::string error;
  REQUIRE(parse_grid("max_depth=3,5  learning_rate=0.05,0.1,0.2", &d, &error));
  const std::vector<Candidate> c = grid_candidates(d);
  REQUIRE(c.size() == 6);
  CHECK(c[0] == Candidate{"learning_rate=0.05", "max_depth=3"});
  CHECK(c[1] == Candidate{"learning_rate=0.05", "max_depth=5"});
  CHECK(c[5] == Candidate{"learning_rate=0.2", "max_depth=5"});
  CHECK_FALSE(parse_grid("max_depth", &d, &error));
  CHECK(error == "'max_depth' is not KEY=VALUES");
  CHECK_FALSE(parse_grid("a=1,,2", &d, &error));
  CHECK(error == "'a=1,,2' has an empty value");
  CHECK_FALSE(parse_grid("a=1 a=2", &d, &error));
  CHECK(error == "'a' is given twice");
  CHECK_FALSE(parse_grid("  ", &d, &error));
}

TEST_CASE("random: draws inside their domains, the same for the same seed") {
  std::vector<ParamDomain> d;
  std::string error;
  REQUIRE(parse_space("lr=loguniform(0.01,0.3) depth=int(2,4) sub=uniform(0.5,1) crit=choice(gini,entropy)",
                      &d, &error));
  const std::vector<Candidate> a = random_candidates(d, 400, 7), b = random_candidates(d, 400, 7),
                               c = random_candidates(d, 400, 8);
  CHECK(a == b);
  CHECK(a != c);
  bool seen_depth[5] = {};
  int gini = 0, low_lr = 0;
  for (const Candidate& x : a) {
    REQUIRE(x.size() == 4);  // crit, depth, lr, sub
    CHECK((x[0] == "crit=gini" || x[0] == "crit=entropy"));
    gini += x[0] == "crit=gini";
    const int depth = std::atoi(x[1].c_str() + 6);
    REQUIRE((depth >= 2 && depth <= 4));
    seen_depth[depth] = true;
    const double lr = std::strtod(x[2].c_str() + 3, nullptr);
    CHECK((lr >= 0.01 && lr < 0.3));
    // Log-uniform: below the geometric mean sqrt(0.01 * 0.3) ~ 0.0548 half the time.
    low_lr += lr < 0.054772;
    const double sub = std::strtod(x[3].c_str() + 4, nullptr);
    CHECK((sub >= 0.5 && sub < 1.0));
  }
  CHECK((seen_depth[2] && seen_depth[3] && seen_depth[4]));  // int(a, b) includes both ends
  CHECK((gini > 150 && gini < 250));
  CHECK((low_lr > 150 && low_lr < 250));
  const char* bad[][2] = {
      {"lr=normal(0,1)",
       "'lr=normal(0,1)': unknown distribution 'normal' (uniform, loguniform, int or choice)"},
      {"lr=uniform(1,0)", "'lr=uniform(1,0)': the low bound must be below the high one"},
      {"lr=loguniform(0,1)", "'lr=loguniform(0,1)': loguniform bounds must be positive"},
      {"d=int(1.5,3)", "'d=int(1.5,3)': int(low,high) takes whole numbers with low <= high"},
      {"lr=uniform(a,1)", "'lr=uniform(a,1)': expected two numbers, uniform(low,high)"},
      {"lr=0.1", "'lr=0.1': expected uniform(a,b), loguniform(a,b), int(a,b) or choice(v1,v2,...)"},
  };
  for (const auto& b2 : bad) {
    CAPTURE(b2[0]);
    CHECK_FALSE(parse_space(b2[0], &d, &error));
    CHECK(error == b2[1]);
  }
}

TEST_CASE("successive halving rows, as scikit-learn's HalvingGridSearchCV") {
  // halving diabetes.csv 9 candidates factor 3 n_resources_ [49, 147, 441]
  CHECK(halving_rows(9, 442, 2 * 5, 3) == std::vector<std::size_t>{49, 147, 441});
  // halving iris.csv 8 candidates factor 2 n_resources_ [30, 60, 120]
  CHECK(halving_rows(8, 150, 2 * 5 * 3, 2) == std::vector<std::size_t>{30, 60, 120});
  // halving breast_cancer.csv 30 candidates factor 3 n_resources_ [21, 63, 189, 567]
  CHECK(halving_rows(30, 569, 2 * 5 * 2, 3) == std::vector<std::size_t>{21, 63, 189, 567});
  // halving iris.csv 40 candidates factor 3 n_resources_ [30, 90]
  CHECK(halving_rows(40, 150, 2 * 5 * 3, 3) == std::vector<std::size_t>{30, 90});
  CHECK(halving_rows(1, 100, 10, 3) == std::vector<std::size_t>{100});
}

TEST_CASE("progress line") {
  // 12 of 40: 6 of 20 marks; ETA 3.2 / 12 x 28 = 7.47 s.
  CHECK(Progress::line("trials", 12, 40, 3.2) ==
        "12/40 trials [######..............] 3.2 s elapsed, ETA 7.5 s");
  CHECK(Progress::line("folds", 5, 5, 1.0) == "5/5 folds [####################] 1.0 s elapsed");
  CHECK(Progress::line("folds", 0, 5, 0.0) == "0/5 folds [....................] 0.0 s elapsed");
}
