// Experiment tracking: train, cv and search write runs laid out as
// MLflow's file store (the layout of mlflow/store/tracking/file_store.py:
// experiment folders with meta.yaml, one folder per run with meta.yaml,
// params/, metrics/ of "timestamp value step" lines, tags/, artifacts/),
// and `ember runs` reads them back.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"

using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;

namespace fs = std::filesystem;

namespace {

// The run folders of an experiment folder (32 hex digits each).
std::vector<fs::path> run_dirs(const fs::path& experiment) {
  std::vector<fs::path> out;
  if (!fs::exists(experiment)) return out;
  for (const auto& e : fs::directory_iterator(experiment)) {
    if (e.is_directory()) out.push_back(e.path());
  }
  return out;
}

// The value after "run_id": in a JSON text.
std::string json_run_id(const std::string& json) {
  const std::size_t at = json.find("\"run_id\":\"");
  REQUIRE(at != std::string::npos);
  return json.substr(at + 10, 32);
}

}  // namespace

TEST_CASE("runs: a train run in MLflow's layout") {
  fs::remove_all("runs_train");
  const auto t =
      run_ember("train " + data("iris.csv") +
                " --target species --model logistic --param C=0.5 --scale minmax -o runs_iris.ember"
                " --runs runs_train --json");
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  const std::string id = json_run_id(t.out);
  const fs::path run = fs::path("runs_train") / "0" / id;
  REQUIRE(fs::is_directory(run));
  const std::string exp_meta = read_text("runs_train/0/meta.yaml");
  CHECK(contains(exp_meta, "experiment_id: '0'\n"));
  CHECK(contains(exp_meta, "lifecycle_stage: active\n"));
  CHECK(contains(exp_meta, "name: 'Default'\n"));
  CHECK(contains(exp_meta, "artifact_location: 'file:///"));
  const std::string meta = read_text((run / "meta.yaml").string());
  CHECK(contains(meta, "run_id: " + id + "\n"));
  CHECK(contains(meta, "run_uuid: " + id + "\n"));
  CHECK(contains(meta, "experiment_id: '0'\n"));
  CHECK(contains(meta, "status: 3\n"));  // RunStatus.FINISHED
  CHECK(contains(meta, "run_name: 'train logistic iris.csv'\n"));
  CHECK(contains(meta, "artifact_uri: 'file:///"));
  CHECK(read_text((run / "params" / "model").string()) == "logistic");
  CHECK(read_text((run / "params" / "C").string()) == "0.5");
  CHECK(read_text((run / "params" / "pipeline.scale").string()) == "minmax");
  CHECK(read_text((run / "tags" / "mlflow.runName").string()) == "train logistic iris.csv");
  CHECK(read_text((run / "tags" / "ember.command").string()) == "train");
  // A metric file: "timestamp value step".
  std::istringstream line(read_text((run / "metrics" / "model_bytes").string()));
  long long ts = 0, step = -1;
  double value = 0.0;
  line >> ts >> value >> step;
  CHECK(ts > 1600000000000LL);
  CHECK(step == 0);
  CHECK(value == static_cast<double>(read_text("runs_iris.ember").size()));
  CHECK(read_text((run / "artifacts" / "model.ember").string()) == read_text("runs_iris.ember"));
  // Nothing half-written is left behind.
  CHECK(run_dirs("runs_train/0").size() == 1);
}

TEST_CASE("runs: cv steps per fold, search nests its candidates, experiments by name") {
  fs::remove_all("runs_cv");
  const auto c = run_ember("cv " + data("iris.csv") + " --target species --model tree --runs runs_cv --json");
  REQUIRE(c.exit_code == 0);
  const fs::path cv_run = fs::path("runs_cv") / "0" / json_run_id(c.out);
  // fold_accuracy: one line per fold, steps 1..5; accuracy: the mean.
  std::istringstream folds(read_text((cv_run / "metrics" / "fold_accuracy").string()));
  std::string l;
  std::vector<long long> steps;
  while (std::getline(folds, l)) {
    std::istringstream f(l);
    long long ts = 0, step = 0;
    double v = 0;
    f >> ts >> v >> step;
    steps.push_back(step);
  }
  CHECK(steps == std::vector<long long>{1, 2, 3, 4, 5});
  CHECK(fs::exists(cv_run / "metrics" / "accuracy_std"));

  const auto s = run_ember("search " + data("iris.csv") +
                           " --target species --model tree --grid 'max_depth=1,2,3' -o runs_best.ember"
                           " --runs runs_cv --experiment trees --json");
  INFO(s.out << s.err);
  REQUIRE(s.exit_code == 0);
  const std::string parent = json_run_id(s.out);
  CHECK(contains(read_text("runs_cv/1/meta.yaml"), "name: 'trees'"));
  const std::vector<fs::path> in_trees = run_dirs("runs_cv/1");
  CHECK(in_trees.size() == 4);  // the search and its three candidates
  int children = 0;
  for (const fs::path& r : in_trees) {
    if (read_text((r / "tags" / "mlflow.parentRunId").string()) == parent) ++children;
  }
  CHECK(children == 3);
  CHECK(read_text(("runs_cv/1/" + parent + "/params/best_max_depth")) == "3");

  // ember runs list / show / compare.
  const auto list = run_ember("runs list --runs runs_cv");
  REQUIRE(list.exit_code == 0);
  CHECK(contains(list.out, parent.substr(0, 8) + "  "));
  CHECK(contains(list.out, "search tree iris.csv"));
  CHECK(!contains(list.out, "trial 1"));  // nested runs only with --all
  CHECK(contains(run_ember("runs list --all --runs runs_cv").out, "trial 1"));
  CHECK(!contains(run_ember("runs list --runs runs_cv --experiment trees").out, "cv tree iris.csv"));
  const auto show = run_ember("runs show " + parent.substr(0, 6) + " --runs runs_cv");
  REQUIRE(show.exit_code == 0);
  CHECK(contains(show.out, "  best_max_depth           3\n"));
  CHECK(contains(show.out, "  model.ember\n"));
  const auto cmp = run_ember("runs compare " + parent + " " + json_run_id(c.out) + " --runs runs_cv --json");
  REQUIRE(cmp.exit_code == 0);
  CHECK(contains(cmp.out, "\"differing_params\":[\"best_max_depth\","));
  const auto missing = run_ember("runs show ffffffffff --runs runs_cv");
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.err, "no run with an id starting 'ffffffffff'"));
  CHECK(run_ember("runs delete --runs runs_cv").exit_code == 2);
}

TEST_CASE("runs: --no-track and $EMBER_RUNS") {
  fs::remove_all("runs_env");
  const std::string train = "train " + data("iris.csv") + " --target species --model tree -o runs_env.ember";
  // ctest sets EMBER_RUNS for the CLI tests; put it back afterwards.
  const char* outer = std::getenv("EMBER_RUNS");
  const std::string saved = outer != nullptr ? outer : "";
  ::setenv("EMBER_RUNS", "runs_env", 1);
  REQUIRE(run_ember(train + " --no-track").exit_code == 0);
  CHECK(!fs::exists("runs_env"));
  const auto t = run_ember(train);
  if (saved.empty()) {
    ::unsetenv("EMBER_RUNS");
  } else {
    ::setenv("EMBER_RUNS", saved.c_str(), 1);
  }
  REQUIRE(t.exit_code == 0);
  CHECK(contains(t.out, "tracked run "));
  CHECK(run_dirs("runs_env/0").size() == 1);
  // A bad experiment name or an unwritable runs folder warns; the model is
  // still written.
  const auto unnamed = run_ember(train + " --runs runs_env --experiment ''");
  CHECK(unnamed.exit_code == 0);
  CHECK(contains(unnamed.err, "warning: the run was not tracked: the experiment name must be non-empty"));
  const auto bad = run_ember(train + " --runs /proc/ember_runs");
  CHECK(bad.exit_code == 0);
  CHECK(contains(bad.err, "warning: the run was not tracked"));
}
