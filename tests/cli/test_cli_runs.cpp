// Experiment tracking: train, cv and search write runs laid out as
// MLflow's file store (the layout of mlflow/store/tracking/file_store.py:
// experiment folders with meta.yaml, one folder per run with meta.yaml,
// params/, metrics/ of "timestamp value step" lines, tags/, artifacts/),
// and `ember runs` reads them back.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "mlflow_reader.h"

using ember::test::contains;
using ember::test::data;
using ember::test::read_text;
using ember::test::run_ember;
using ember::test::run_shell;
using ember::test::write_text;
namespace mlflow = ember::test::mlflow;

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
  // Quoted, as yaml.safe_dump quotes a string of digits: an id that is
  // all digits must not load as an integer.
  CHECK(contains(meta, "run_id: '" + id + "'\n"));
  CHECK(contains(meta, "run_uuid: '" + id + "'\n"));
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
  const mlflow::Store store = mlflow::read_store("runs_train");
  INFO(store.problems_text());
  CHECK(store.problems.empty());
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

namespace {

// The runs of `store` in the experiment named `name`.
std::vector<const mlflow::Run*> runs_in(const mlflow::Store& store, const std::string& name) {
  std::vector<const mlflow::Run*> out;
  for (const mlflow::Run& r : store.runs) {
    const mlflow::Experiment* e = store.experiment(r.experiment_id);
    if (e != nullptr && e->name == name) out.push_back(&r);
  }
  return out;
}

// Every file and folder under `dir`, `dir` included.
std::size_t entries(const fs::path& dir) {
  std::size_t n = 1;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) ++n;
  return n;
}

}  // namespace

TEST_CASE("runs: 16 parallel train processes on a fresh store, two experiments") {
  // Issue 16, item 8: ids allocated atomically. Three fresh stores, each
  // written by 16 processes at once.
  for (int trial = 0; trial < 3; ++trial) {
    const std::string root = "runs_parallel_" + std::to_string(trial);
    fs::remove_all(root);
    std::string script;
    for (int k = 0; k < 16; ++k) {
      script += std::string(EMBER_CLI) + " train " + data("iris.csv") +
                " --target species --model tree --param max_depth=2 -o " + root + "_" + std::to_string(k) +
                ".ember --runs " + root + " --experiment " + (k % 2 == 0 ? "A" : "B") + " >/dev/null 2>" +
                root + "_" + std::to_string(k) + ".err & ";
    }
    run_shell(script + "wait");
    for (int k = 0; k < 16; ++k) {
      const std::string err = root + "_" + std::to_string(k) + ".err";
      CHECK_MESSAGE(read_text(err).empty(), read_text(err));
      fs::remove(err);
    }
    const mlflow::Store store = mlflow::read_store(root);
    INFO("trial " << trial << "\n" << store.problems_text());
    CHECK(store.problems.empty());
    // Default is 0, made with the store; A and B one experiment each.
    REQUIRE(store.experiments.size() == 3);
    REQUIRE(store.experiment("0") != nullptr);
    CHECK(store.experiment("0")->name == "Default");
    CHECK(runs_in(store, "Default").empty());
    REQUIRE(store.runs.size() == 16);
    int in_a = 0, in_b = 0;
    for (const mlflow::Run& r : store.runs) {
      // Each run under the experiment its process asked for, and complete.
      const std::string output = r.params.count("output") != 0 ? r.params.at("output") : "";
      REQUIRE(output.size() > root.size() + 1);
      const int k = std::atoi(output.substr(root.size() + 1).c_str());
      const std::string wanted = k % 2 == 0 ? "A" : "B";
      CHECK(store.experiment(r.experiment_id)->name == wanted);
      (wanted == "A" ? in_a : in_b) += 1;
      CHECK(r.status == "FINISHED");
      CHECK(r.tags.count("mlflow.runName") == 1);
      CHECK(r.metrics.count("model_bytes") == 1);
      CHECK(read_text(output) ==
            read_text((fs::path(root) / r.experiment_id / r.id / "artifacts" / "model.ember").string()));
      fs::remove(output);
    }
    CHECK(in_a == 8);
    CHECK(in_b == 8);
  }
}

TEST_CASE("runs: the store reads back as MLflow's FileStore reads it") {
  // Issue 16, item 19: a '#' and a space in the store's path, a byte that
  // is not UTF-8 in the data file's name, the first experiment on a fresh
  // store, nested runs, per-fold metrics.
  const fs::path root = "runs mlflow #1";
  fs::remove_all(root);
  const std::string odd_data = "runs_data_\xff.csv";
  fs::copy_file(data("iris.csv"), odd_data, fs::copy_options::overwrite_existing);
  const auto t =
      run_ember("train '" + odd_data + "' --target species --model logistic -o runs_mlflow.ember --runs '" +
                root.string() + "' --experiment trees --json");
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  const std::string train_id = json_run_id(t.out);
  const auto c =
      run_ember("cv '" + odd_data + "' --target species --model tree --runs '" + root.string() + "' --json");
  REQUIRE(c.exit_code == 0);
  const auto s = run_ember("search " + data("iris.csv") +
                           " --target species --model tree --grid 'max_depth=1,2,3' -o runs_mlflow_best.ember"
                           " --runs '" +
                           root.string() + "' --experiment trees --json");
  REQUIRE(s.exit_code == 0);
  fs::remove(odd_data);

  const mlflow::Store store = mlflow::read_store(root);
  INFO(store.problems_text());
  CHECK(store.problems.empty());
  // (a) the first experiment made is not 0: that is Default's.
  REQUIRE(store.experiment("0") != nullptr);
  CHECK(store.experiment("0")->name == "Default");
  REQUIRE(store.experiment("1") != nullptr);
  CHECK(store.experiment("1")->name == "trees");
  CHECK(runs_in(store, "trees").size() == 5);  // train, search, three trials
  CHECK(runs_in(store, "Default").size() == 1);
  // (c) run ids quoted.
  const std::string meta = read_text((root / "1" / train_id / "meta.yaml").string());
  CHECK(contains(meta, "\nrun_id: '" + train_id + "'\n"));
  // (d) the byte that is not UTF-8 is replaced (U+FFFD), not written raw.
  const mlflow::Run* train = store.run(train_id);
  REQUIRE(train != nullptr);
  CHECK(contains(train->tags.at("ember.data"), "runs_data_\xef\xbf\xbd.csv"));
  CHECK(contains(train->name, "runs_data_\xef\xbf\xbd.csv"));
  // (e) the artifact URI resolves to the artifacts (checked by the reader
  // for every run) and the model is there.
  CHECK(read_text((root / "1" / train_id / "artifacts" / "model.ember").string()) ==
        read_text("runs_mlflow.ember"));
  CHECK(contains(meta, "%20%231/1/" + train_id + "/artifacts'"));
}

TEST_CASE("runs: metric points and nested trials carry their own times") {
  // Issue 16, item 19 (g). Slow enough fits that times differ by
  // milliseconds: each fold and trial is its own interval, in order.
  fs::remove_all("runs_times");
  REQUIRE(run_ember("synth -o runs_times.csv --task binary --rows 4000 --features 12 --seed 3").exit_code ==
          0);
  const auto c = run_ember(
      "cv runs_times.csv --target target --model forest --param n_estimators=15 --runs runs_times --json");
  INFO(c.out << c.err);
  REQUIRE(c.exit_code == 0);
  const auto s = run_ember(
      "search runs_times.csv --target target --model forest --grid 'n_estimators=10,12,14' --jobs 1"
      " -o runs_times.ember --runs runs_times --json");
  INFO(s.out << s.err);
  REQUIRE(s.exit_code == 0);
  const mlflow::Store store = mlflow::read_store("runs_times");
  INFO(store.problems_text());
  CHECK(store.problems.empty());  // metric points within their run, trials within the search
  const mlflow::Run* cv = store.run(json_run_id(c.out));
  REQUIRE(cv != nullptr);
  const auto& folds = cv->metrics.at("fold_accuracy");
  REQUIRE(folds.size() == 5);
  for (std::size_t f = 1; f < folds.size(); ++f) CHECK(folds[f].timestamp > folds[f - 1].timestamp);
  CHECK(folds[0].timestamp > cv->start_time);
  const std::string parent = json_run_id(s.out);
  std::vector<const mlflow::Run*> trials;
  for (const mlflow::Run& r : store.runs) {
    if (r.tags.count("mlflow.parentRunId") != 0 && r.tags.at("mlflow.parentRunId") == parent)
      trials.push_back(&r);
  }
  REQUIRE(trials.size() == 3);
  std::sort(trials.begin(), trials.end(), [](const mlflow::Run* a, const mlflow::Run* b) {
    return a->tags.at("ember.trial") < b->tags.at("ember.trial");
  });
  const mlflow::Run* search = store.run(parent);
  REQUIRE(search != nullptr);
  CHECK(trials[0]->start_time > search->start_time);  // after the data was read
  for (std::size_t k = 0; k < trials.size(); ++k) {
    CHECK(trials[k]->end_time > trials[k]->start_time);
    if (k > 0) CHECK(trials[k]->start_time >= trials[k - 1]->end_time);  // --jobs 1: one after another
    CHECK(trials[k]->metrics.at("accuracy")[0].timestamp == trials[k]->end_time);
  }
}

TEST_CASE("runs: a boosted model's validation loss is recorded at each round's own time") {
  // Issue 16, item 19 (g): the per-round points carried the run's end time.
  fs::remove_all("runs_rounds");
  REQUIRE(run_ember("synth -o runs_rounds.csv --task binary --rows 20000 --features 20 --seed 4").exit_code ==
          0);
  const auto t = run_ember(
      "train runs_rounds.csv --target target --model gbdt --param n_estimators=40 --param max_depth=8"
      " --param validation_fraction=0.2 --param early_stopping_rounds=1000 -o runs_rounds.ember"
      " --runs runs_rounds --json");
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  const mlflow::Store store = mlflow::read_store("runs_rounds");
  INFO(store.problems_text());
  CHECK(store.problems.empty());
  const mlflow::Run* run = store.run(json_run_id(t.out));
  REQUIRE(run != nullptr);
  const auto& loss = run->metrics.at("validation_loss");
  REQUIRE(loss.size() == 40);
  for (std::size_t r = 1; r < loss.size(); ++r) CHECK(loss[r].timestamp >= loss[r - 1].timestamp);
  CHECK(loss.front().timestamp >= run->start_time);
  CHECK(loss.back().timestamp <= run->end_time);
  CHECK(loss.front().timestamp < loss.back().timestamp);  // 40 rounds on 16,000 rows take milliseconds
}

TEST_CASE("runs: ids are never reused from .trash; a deleted experiment is not revived") {
  // Issue 16, item 19 (f): MLflow moves a deleted experiment to .trash.
  fs::remove_all("runs_trash");
  const std::string train =
      "train " + data("iris.csv") + " --target species --model tree -o runs_trash.ember --runs runs_trash";
  REQUIRE(run_ember(train + " --experiment A").exit_code == 0);
  REQUIRE(fs::exists("runs_trash/1/meta.yaml"));
  std::string meta = read_text("runs_trash/1/meta.yaml");
  REQUIRE(meta.find("lifecycle_stage: active\n") != std::string::npos);
  meta.replace(meta.find("lifecycle_stage: active\n"), std::string("lifecycle_stage: active").size(),
               "lifecycle_stage: deleted");
  write_text("runs_trash/1/meta.yaml", meta);
  fs::create_directories("runs_trash/.trash");
  fs::rename("runs_trash/1", "runs_trash/.trash/1");
  REQUIRE(run_ember(train + " --experiment B").exit_code == 0);
  CHECK(!fs::exists("runs_trash/1"));
  CHECK(contains(read_text("runs_trash/2/meta.yaml"), "name: 'B'"));
  // A is deleted: as MLflow, its name is not taken again.
  const auto again = run_ember(train + " --experiment A");
  CHECK(again.exit_code == 0);
  CHECK(contains(again.err, "warning: the run was not tracked: experiment 'A' is deleted"));
  CHECK(contains(again.err, ".trash/1"));
  CHECK(!fs::exists("runs_trash/3"));
  const mlflow::Store store = mlflow::read_store("runs_trash");
  INFO(store.problems_text());
  CHECK(store.problems.empty());
}

TEST_CASE("runs: temporaries of dead processes are removed by the next run") {
  // Issue 16, item 13 (the runs store) and 19 (b): runs are built outside
  // the experiment folders, in a folder MLflow does not list.
  fs::remove_all("runs_stale");
  const std::string train =
      "train " + data("iris.csv") + " --target species --model tree -o runs_stale.ember --runs runs_stale";
  REQUIRE(run_ember(train).exit_code == 0);
  REQUIRE(fs::is_directory("runs_stale/.ember-tmp.trash"));
  // Left by a run killed mid-write: an older ember's .tmp-ID in the
  // experiment folder (an hour old), and a run being built whose lock
  // nobody holds.
  const fs::path old_style = "runs_stale/0/.tmp-0123456789abcdef0123456789abcdef";
  fs::create_directories(old_style / "params");
  write_text((old_style / "meta.yaml").string(), "run_id: 0123456789abcdef0123456789abcdef\n");
  fs::last_write_time(old_style, fs::file_time_type::clock::now() - std::chrono::hours(2));
  const fs::path dead = "runs_stale/.ember-tmp.trash/run-fedcba9876543210fedcba9876543210";
  fs::create_directories(dead / "params");
  write_text((dead / "meta.yaml").string(), "");
  write_text(dead.string() + ".lock", "");
  // ...and one a live process is writing: its lock is held.
  const fs::path live = "runs_stale/.ember-tmp.trash/run-00000000000000001111111111111111";
  fs::create_directories(live);
  write_text(live.string() + ".lock", "");
  const int fd = ::open((live.string() + ".lock").c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const auto t = run_ember(train);
  INFO(t.out << t.err);
  CHECK(t.exit_code == 0);
  CHECK(!fs::exists(old_style));
  CHECK(!fs::exists(dead));
  CHECK(!fs::exists(dead.string() + ".lock"));
  CHECK(fs::exists(live));
  CHECK(fs::exists(live.string() + ".lock"));
  ::close(fd);
  CHECK(run_dirs("runs_stale/0").size() == 2);
  const mlflow::Store store = mlflow::read_store("runs_stale");
  INFO(store.problems_text());
  CHECK(store.problems.empty());
}

TEST_CASE("runs list: a missing folder fails, a corrupt meta.yaml is named and left out") {
  // Issue 16, item 17.
  fs::remove_all("runs_nonexistent");
  const auto missing = run_ember("runs list --runs runs_nonexistent");
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.err, "runs_nonexistent"));
  CHECK(contains(missing.err, "no runs folder"));
  CHECK(run_ember("runs show abc --runs runs_nonexistent").exit_code == 1);

  fs::remove_all("runs_corrupt");
  const std::string train = "train " + data("iris.csv") +
                            " --target species --model tree -o runs_corrupt.ember --runs runs_corrupt --json";
  const auto a = run_ember(train);
  const auto b = run_ember(train);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  const std::string bad = json_run_id(b.out);
  const std::string bad_meta = "runs_corrupt/0/" + bad + "/meta.yaml";
  write_text(bad_meta, "artifact_uri: 'file:///x\nend_time: \x01\n");
  const auto list = run_ember("runs list --runs runs_corrupt");
  INFO(list.out << list.err);
  CHECK(list.exit_code == 0);
  CHECK(contains(list.err, "warning: " + bad_meta + ": "));
  CHECK(contains(list.out, json_run_id(a.out).substr(0, 8)));
  CHECK(!contains(list.out, bad.substr(0, 8)));
  CHECK(!contains(list.out, "1970"));
  // An empty one, and one without its times.
  write_text(bad_meta, "");
  CHECK(contains(run_ember("runs list --runs runs_corrupt").err, "warning: " + bad_meta + ": "));
  write_text(bad_meta, "run_id: '" + bad + "'\nexperiment_id: '0'\nstatus: 3\n");
  const auto no_times = run_ember("runs list --runs runs_corrupt --json");
  CHECK(contains(no_times.err, "warning: " + bad_meta + ": no start_time"));
  CHECK(!contains(no_times.out, "\"run_id\":\"" + bad));
  CHECK(contains(no_times.out, "\"warnings\":[\"" + bad_meta + ": no start_time"));
  // show names the file too.
  const auto show = run_ember("runs show " + bad.substr(0, 10) + " --runs runs_corrupt");
  CHECK(show.exit_code == 1);
  CHECK(contains(show.err, bad_meta));
}

TEST_CASE("search --track all|best|none, and what tracking will write") {
  // Issue 16, item 18: a tracked search says what it writes.
  const std::string search = "search " + data("iris.csv") +
                             " --target species --model tree --grid 'max_depth=1,2,3 min_samples_leaf=1,5'"
                             " -o runs_track.ember";
  fs::remove_all("runs_track_all");
  const auto all = run_ember(search + " --runs runs_track_all --json");
  INFO(all.out << all.err);
  REQUIRE(all.exit_code == 0);
  // The announced count of files and folders is what is written.
  std::size_t written = 0;
  for (const fs::path& r : run_dirs("runs_track_all/0")) written += entries(r);
  CHECK(run_dirs("runs_track_all/0").size() == 7);
  CHECK(contains(all.err, "ember search: tracking 7 runs (the search and 6 nested trials, " +
                              std::to_string(written) +
                              " files and folders) in runs_track_all;"
                              " --track best records 2, --track none nothing\n"));

  fs::remove_all("runs_track_best");
  const auto best = run_ember(search + " --runs runs_track_best --track best --json");
  INFO(best.out << best.err);
  REQUIRE(best.exit_code == 0);
  CHECK(contains(best.err, "ember search: tracking 2 runs (the search and its best trial"));
  const mlflow::Store store = mlflow::read_store("runs_track_best");
  INFO(store.problems_text());
  CHECK(store.problems.empty());
  REQUIRE(store.runs.size() == 2);
  const std::string parent = json_run_id(best.out);
  const mlflow::Run* child = store.runs[0].id == parent ? &store.runs[1] : &store.runs[0];
  CHECK(child->tags.at("mlflow.parentRunId") == parent);
  CHECK(child->params.at("max_depth") == store.run(parent)->params.at("best_max_depth"));
  CHECK(child->params.at("min_samples_leaf") == store.run(parent)->params.at("best_min_samples_leaf"));

  fs::remove_all("runs_track_none");
  const auto none = run_ember(search + " --runs runs_track_none --track none --json");
  REQUIRE(none.exit_code == 0);
  CHECK(contains(none.out, "\"run_id\":null"));
  CHECK(!contains(none.err, "tracking"));
  CHECK(!fs::exists("runs_track_none"));
  CHECK(run_ember(search + " --runs runs_track_none --track some").exit_code == 2);
  CHECK(run_ember(search + " --runs runs_track_none --track best --no-track").exit_code == 2);
}
