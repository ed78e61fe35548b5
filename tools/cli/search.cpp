// ember search: hyperparameter search scored by cross-validation, the
// best candidate refitted on every row and written.
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "command.h"
#include "ember/rng.h"
#include "host/cross_validation.h"
#include "host/file_io.h"
#include "host/json_writer.h"
#include "host/param_search.h"
#include "host/progress.h"
#include "host/thread_pool.h"
#include "model_spec.h"
#include "params.h"
#include "pipeline_flags.h"
#include "split_flags.h"
#include "tracking.h"

namespace ember::cli {

namespace {

// More candidates than this are refused (each is a cross-validation).
constexpr std::size_t kMaxCandidates = 100000;

struct Trial {
  host::Candidate params;
  ModelSpec spec;
  std::size_t round = 0;  // halving round it was last scored in
  std::size_t rows = 0;   // rows per fit in that round (all, without halving)
  double mean = NAN, std = NAN, fit_seconds = 0.0;
  std::string error;                      // why it could not be scored
  std::int64_t start_ms = 0, end_ms = 0;  // its first fit's start, its last fit's end (Unix ms)
};

// The metrics a task has (for checking --metric before any fit).
bool metric_fits_task(const std::string& metric, bool classes, std::size_t n_classes, std::string* error) {
  bool higher = false;
  if (!host::metric_known(metric, &higher)) {
    *error = "--metric '" + metric + "' is not a metric of ember eval";
    return false;
  }
  static const char* const regression[] = {
      "rmse", "mse", "mae", "median_ae", "r2", "mape", "explained_variance"};
  bool numeric = false;
  for (const char* r : regression) numeric = numeric || metric == r;
  if (numeric == classes) {
    *error = "--metric " + metric + " is for " + (classes ? "numeric" : "categorical") + " targets";
    return false;
  }
  const bool binary_only = metric == "auc" || metric == "average_precision" || metric == "precision" ||
                           metric == "recall" || metric == "f1";
  if (classes && binary_only && n_classes != 2) {
    *error = "--metric " + metric + " is for two classes; this target has " + std::to_string(n_classes) +
             (metric == "auc" ? " (use auc_ovr_macro)" : " (use the _macro or _weighted form)");
    return false;
  }
  if (classes && metric == "auc_ovr_macro" && n_classes == 2) {
    *error = "--metric auc_ovr_macro is for more than two classes (use auc)";
    return false;
  }
  return true;
}

// A random subset of `rows` of share `fraction` (at least one row), in
// their order: the rows a halving round fits and scores on.
std::vector<std::size_t> subsample(const std::vector<std::size_t>& rows, double fraction, Rng& rng) {
  std::vector<std::size_t> pick = rows;
  const auto k =
      std::max<std::size_t>(1, static_cast<std::size_t>(fraction * static_cast<double>(rows.size())));
  if (k >= pick.size()) return pick;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.below64(pick.size() - i));
    std::swap(pick[i], pick[j]);
  }
  pick.resize(k);
  std::sort(pick.begin(), pick.end());
  return pick;
}

// A candidate's KEY=VALUE pairs as (key, value), with `prefix` on the keys.
std::vector<std::pair<std::string, std::string>> param_pairs(const host::Candidate& params,
                                                             const std::string& prefix = "") {
  std::vector<std::pair<std::string, std::string>> out;
  std::string key, value;
  for (const std::string& p : params) {
    if (split_key_value(p, &key, &value)) out.emplace_back(prefix + key, value);
  }
  return out;
}

void write_params(host::JsonWriter& j, const host::Candidate& params) {
  j.begin_object();
  for (const auto& [key, value] : param_pairs(params)) j.key(key).value(value);
  j.end_object();
}

std::string params_text(const host::Candidate& params) {
  std::string s;
  for (const std::string& p : params) s += (s.empty() ? "" : " ") + p;
  return s;
}

// The run of one trial, nested under the search's run `parent_id`.
host::RunRecord trial_run(const host::RunRecord& parent, const std::string& parent_id, const Trial& trial,
                          std::size_t number, const std::string& metric) {
  host::RunRecord child;
  child.experiment = parent.experiment;
  child.parent_run_id = parent_id;
  child.name = "trial " + std::to_string(number);
  child.start_ms = trial.start_ms;
  child.end_ms = trial.end_ms;
  child.failed = trial.mean != trial.mean;
  child.params = param_pairs(trial.params);
  child.params.emplace_back("rows", std::to_string(trial.rows));
  if (!child.failed)
    child.metrics = {{metric, trial.mean, 0, trial.end_ms}, {metric + "_std", trial.std, 0, trial.end_ms}};
  child.tags = {{"ember.command", "search"}, {"ember.trial", std::to_string(number)}};
  if (!trial.error.empty()) child.tags.emplace_back("ember.error", trial.error);
  return child;
}

// The search's own run: the start_run record with what the search adds.
void add_search_results(host::RunRecord* run, const char* kind, const std::string& metric,
                        const std::string& split, std::size_t candidates, const std::string& output,
                        const Trial& best, const std::string& model_bytes) {
  run->params.emplace_back("search", kind);
  run->params.emplace_back("metric", metric);
  run->params.emplace_back("split", split);
  run->params.emplace_back("candidates", std::to_string(candidates));
  run->params.emplace_back("output", output);
  for (const auto& pair : param_pairs(best.params, "best_")) run->params.push_back(pair);
  run->metrics = {{metric, best.mean, 0}, {metric + "_std", best.std, 0}};
  run->artifacts = {{"model.ember", model_bytes}};
}

int run_search(const ParsedArgs& args) {
  const std::string path = args.positional[0];
  auto usage = [](const std::string& message) {
    std::fprintf(stderr, "ember search: %s\n", message.c_str());
    return kExitUsage;
  };
  host::CsvOptions csv;
  std::string error_text;
  if (!csv_options_from_args(args, &csv, &error_text)) return usage(error_text);
  if (!args.has("target")) return usage("--target COL is required: the column to predict");
  if (!args.has("output")) return usage("-o BEST.ember is required: where to write the refitted best model");
  if (const int rc = check_output("search", args.get("output"), {path})) return rc;
  ModelSpec base;
  if (!model_spec_from_args(args, {}, &base, &error_text)) return usage(error_text);
  host::RunRecord run = start_run(args, "search", path);

  // The candidates.
  std::vector<host::ParamDomain> domains;
  std::vector<host::Candidate> candidates;
  const bool grid = args.has("grid");
  if (grid == args.has("random"))
    return usage("give --grid 'K=V1,V2 ...' or --random N --space '...', one of them");
  if (grid) {
    if (args.has("space")) return usage("--space goes with --random N; --grid lists the values itself");
    if (!host::parse_grid(args.get("grid"), &domains, &error_text)) return usage("--grid: " + error_text);
    // Counted before it is built: an absurd grid is refused, not allocated.
    std::size_t size = 1;
    for (const host::ParamDomain& d : domains) {
      if (size > kMaxCandidates / d.values.size())
        return usage("--grid has more than " + std::to_string(kMaxCandidates) + " candidates");
      size *= d.values.size();
    }
    candidates = host::grid_candidates(domains);
  } else {
    std::uint64_t n = 0;
    if (!parse_u64(args.get("random"), &n) || n < 1 || n > kMaxCandidates)
      return usage("--random must be a whole number of trials in [1, " + std::to_string(kMaxCandidates) +
                   "], got '" + args.get("random") + "'");
    if (!args.has("space")) return usage("--random N needs --space 'K=dist(a,b) ...'");
    if (!host::parse_space(args.get("space"), &domains, &error_text)) return usage("--space: " + error_text);
    candidates = host::random_candidates(domains, static_cast<std::size_t>(n), base.seed);
  }
  std::vector<Trial> trials(candidates.size());
  for (std::size_t t = 0; t < candidates.size(); ++t) {
    trials[t].params = candidates[t];
    if (!model_spec_from_args(args, candidates[t], &trials[t].spec, &error_text))
      return usage("candidate " + params_text(candidates[t]) + ": " + error_text);
  }
  std::uint32_t factor = 3;
  if (args.has("factor")) {
    std::uint64_t f = 0;
    if (!args.has("halving")) return usage("--factor applies to --halving");
    if (!parse_u64(args.get("factor"), &f) || f < 2 || f > 100)
      return usage("--factor must be a whole number in [2, 100]");
    factor = static_cast<std::uint32_t>(f);
  }
  // What is tracked: every trial (nested runs), the best one, or nothing.
  std::string track = args.get("track", "all");
  if (track != "all" && track != "best" && track != "none")
    return usage("--track must be all, best or none, got '" + track + "'");
  if (args.has("no-track")) {
    if (args.has("track") && track != "none") return usage("--no-track and --track " + track + " contradict");
    track = "none";
  }
  unsigned jobs = 0;
  if (args.has("jobs")) {
    std::uint64_t j = 0;
    if (args.get("jobs") != "-1" && (!parse_u64(args.get("jobs"), &j) || j < 1 || j > kMaxThreads))
      return usage("--jobs must be a whole number in 1.." + std::to_string(kMaxThreads) +
                   ", or -1 for every core, got '" + args.get("jobs") + "'");
    jobs = static_cast<unsigned>(j);
  }

  // The data, the metric and the splits.
  TrainingData data;
  host::Error error;
  bool bad_usage = false;
  if (!read_training_data(args, path, csv, base, &data, &error, &bad_usage))
    return bad_usage ? usage(error.message) : fail("search", error.to_string());
  {
    std::vector<const ModelSpec*> specs;
    for (const Trial& t : trials) specs.push_back(&t.spec);
    print_training_warnings("search", data, specs);
  }
  run.params.emplace_back("task", task_name(data.classification));
  host::Table& table = data.table;
  const host::Column& target_column = table.columns[static_cast<std::size_t>(table.target)];
  const bool classes = target_column.type == host::ColumnType::categorical;
  const std::size_t n_classes = target_column.labels.size();
  const std::string target_name = target_column.name;
  if (!host::check_training_target(target_column, table.rows, classes, &error_text))
    return fail("search", path + ": " + error_text);
  const std::string metric = args.get("metric", classes ? "accuracy" : "r2");
  bool higher = true;
  if (!metric_fits_task(metric, classes, n_classes, &error_text)) return usage(error_text);
  host::metric_known(metric, &higher);
  std::vector<host::Split> splits;
  std::string description;
  bool usage_error = false;
  if (!splits_from_args(args, base.seed, &table, &splits, &description, &error_text, &usage_error))
    return usage_error ? usage(error_text) : fail("search", path + ": " + error_text);

  const char* kind =
      args.has("halving") ? (grid ? "halving grid" : "halving random") : (grid ? "grid" : "random");
  const std::string output = args.get("output");
  if (track != "none") {
    // Say what tracking will write before the fits start (counted as if
    // every trial scores; a failed one has an error tag for its metrics).
    host::RunRecord parent = run;
    Trial scored;
    scored.params = trials[0].params;
    scored.mean = scored.std = 0.0;
    add_search_results(&parent, kind, metric, description, trials.size(), output, scored, "");
    std::size_t files = host::run_entries(parent), runs = 1;
    for (std::size_t t = 0; t < trials.size() && (track == "all" || runs < 2); ++t) {
      Trial shape = trials[t];
      shape.mean = shape.std = 0.0;
      files += host::run_entries(trial_run(parent, std::string(32, '0'), shape, t + 1, metric));
      ++runs;
    }
    const std::string what = track == "all" ? "the search and " + std::to_string(runs - 1) +
                                                  (runs == 2 ? " nested trial" : " nested trials")
                                            : std::string("the search and its best trial");
    std::fprintf(stderr, "ember search: tracking %zu runs (%s, %zu files and folders) in %s;", runs,
                 what.c_str(), files, host::runs_directory(args.get("runs")).c_str());
    if (track == "all")
      std::fprintf(stderr, " --track best records 2, --track none nothing\n");
    else
      std::fprintf(stderr, " --track all records %zu, --track none nothing\n", trials.size() + 1);
  }

  // Rounds: one, or successive halving.
  const bool halving = args.has("halving");
  std::vector<std::size_t> round_rows = {table.rows};
  if (halving) {
    const std::size_t folds = splits.size();
    round_rows = host::halving_rows(trials.size(), table.rows, 2 * folds * (classes ? n_classes : 1), factor);
  }
  std::vector<std::size_t> alive(trials.size());
  for (std::size_t t = 0; t < trials.size(); ++t) alive[t] = t;
  host::ThreadPool pool(jobs);
  host::TaskFailure failure;  // an allocation failure in a fit, passed back to this thread
  std::size_t total_fits = 0;
  {
    std::size_t left = trials.size();
    for (std::size_t r = 0; r < round_rows.size(); ++r) {
      total_fits += left * splits.size();
      left = (left + factor - 1) / factor;
    }
  }
  host::Progress progress("fits", total_fits, host::stderr_is_terminal() && !args.has("json"));
  for (std::size_t round = 0; round < round_rows.size(); ++round) {
    // This round's splits: all rows, or a subsample of each side.
    std::vector<host::Split> rs = splits;
    if (round_rows[round] < table.rows) {
      const double fraction = static_cast<double>(round_rows[round]) / static_cast<double>(table.rows);
      for (std::size_t s = 0; s < rs.size(); ++s) {
        Rng rng(base.seed, 0x4A1F00 + round * 1000 + s);
        rs[s].train = subsample(splits[s].train, fraction, rng);
        rs[s].test = subsample(splits[s].test, fraction, rng);
      }
    }
    // One task per (candidate, split); each writes only its own slot, so
    // the results do not depend on the threads.
    const std::size_t n_tasks = alive.size() * rs.size();
    std::vector<host::SplitScore> scores(n_tasks);
    std::vector<std::string> errors(n_tasks);
    std::vector<std::int64_t> started(n_tasks), ended(n_tasks);
    struct Context {
      const host::Table* table;
      const std::vector<host::Split>* splits;
      const std::vector<std::size_t>* alive;
      std::vector<Trial>* trials;
      std::vector<host::SplitScore>* scores;
      std::vector<std::string>* errors;
      std::vector<std::int64_t>* started;
      std::vector<std::int64_t>* ended;
      host::Progress* progress;
      host::TaskFailure* failure;
    } ctx{&table, &rs, &alive, &trials, &scores, &errors, &started, &ended, &progress, &failure};
    pool.executor().parallel_for(
        n_tasks,
        [](void* p, std::size_t i) {
          auto* c = static_cast<Context*>(p);
          c->failure->run([c, i] {
            const std::size_t n_splits = c->splits->size();
            const Trial& trial = (*c->trials)[(*c->alive)[i / n_splits]];
            const host::FitFunction fit = fit_function(trial.spec);
            host::Error e;
            (*c->started)[i] = host::now_ms();
            if (!host::score_split(*c->table, (*c->splits)[i % n_splits], fit, &(*c->scores)[i], &e))
              (*c->errors)[i] = "fold " + std::to_string(i % n_splits + 1) + ": " + e.to_string();
            (*c->ended)[i] = host::now_ms();
            c->progress->advance();
          });
        },
        &ctx);
    failure.rethrow();
    for (std::size_t a = 0; a < alive.size(); ++a) {
      Trial& trial = trials[alive[a]];
      trial.round = round;
      trial.rows = round_rows[round];
      trial.fit_seconds = 0.0;
      std::vector<double> v;
      trial.error.clear();
      for (std::size_t s = 0; s < rs.size(); ++s) {
        const std::size_t i = a * rs.size() + s;
        if (trial.start_ms == 0 || started[i] < trial.start_ms) trial.start_ms = started[i];
        trial.end_ms = std::max(trial.end_ms, ended[i]);
        if (!errors[i].empty() && trial.error.empty()) trial.error = errors[i];
        trial.fit_seconds += scores[i].fit_seconds;
        v.push_back(errors[i].empty() ? scores[i].evaluation.get(metric) : NAN);
      }
      host::mean_and_std(v, &trial.mean, &trial.std);
      if (trial.error.empty() && trial.mean != trial.mean)
        trial.error = "metric " + metric + " undefined on a fold";
    }
    // Keep the best ceil(alive / factor) (ties: the earlier candidate).
    std::vector<std::size_t> order = alive;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double x = trials[a].mean, y = trials[b].mean;
      if ((x == x) != (y == y)) return x == x;
      return higher ? x > y : x < y;
    });
    if (round + 1 < round_rows.size()) {
      order.resize((order.size() + factor - 1) / factor);
      std::sort(order.begin(), order.end());
    }
    alive = order;
  }
  // The best: the last round leaves `alive` in its ranking.
  const std::size_t best = alive[0];
  if (trials[best].mean != trials[best].mean) {
    return fail("search", path + ": no candidate could be scored; the first failed with: " + trials[0].error);
  }
  FittedModel refit;
  if (!fit_model(table, trials[best].spec, &refit, &error)) {
    if (error.file.empty()) error.file = path;
    return fail("search", "refitting the best candidate on every row: " + error.to_string());
  }
  if (!host::write_file_atomic(
          output, std::string_view(reinterpret_cast<const char*>(refit.storage.data()), refit.size), &error))
    return fail("search", error.to_string());

  // The search is the parent run; each candidate (or, with --track best,
  // the best one) a run nested under it, with its own times.
  std::string run_id;
  if (track != "none") {
    add_search_results(&run, kind, metric, description, trials.size(), output, trials[best],
                       std::string(reinterpret_cast<const char*>(refit.storage.data()), refit.size));
    run_id = finish_run(args, "search", &run);
  }
  if (!run_id.empty()) {
    for (std::size_t t = 0; t < trials.size(); ++t) {
      if (track == "best" && t != best) continue;
      host::RunRecord child = trial_run(run, run_id, trials[t], t + 1, metric);
      if (finish_run(args, "search", &child).empty()) break;
    }
  }
  if (args.has("json")) {
    host::JsonWriter j;
    j.begin_object().key("data").value(path).key("target").value(target_name);
    j.key("task").value(task_name(classes)).key("task_reason").value(data.task_reason);
    j.key("model").value(base.model).key("rows").value(static_cast<std::uint64_t>(table.rows));
    j.key("search").value(kind).key("metric").value(metric).key("higher_is_better").value(higher);
    j.key("split").value(description).key("seed").value(base.seed);
    j.key("threads").value(static_cast<std::uint64_t>(pool.threads()));
    if (halving) {
      j.key("rounds").begin_array();
      for (std::size_t r : round_rows) j.value(static_cast<std::uint64_t>(r));
      j.end_array();
    }
    j.key("trials").begin_array();
    for (std::size_t t = 0; t < trials.size(); ++t) {
      const Trial& tr = trials[t];
      j.begin_object().key("trial").value(static_cast<std::uint64_t>(t + 1)).key("params");
      write_params(j, tr.params);
      j.key("mean").value(tr.mean).key("std").value(tr.std);
      j.key("round")
          .value(static_cast<std::uint64_t>(tr.round + 1))
          .key("rows")
          .value(static_cast<std::uint64_t>(tr.rows));
      j.key("fit_seconds").value(tr.fit_seconds);
      if (!tr.error.empty()) j.key("error").value(tr.error);
      j.end_object();
    }
    j.end_array();
    j.key("best").begin_object().key("trial").value(static_cast<std::uint64_t>(best + 1)).key("params");
    write_params(j, trials[best].params);
    j.key("mean").value(trials[best].mean).key("std").value(trials[best].std).end_object();
    j.key("output").value(output).key("model_bytes").value(static_cast<std::uint64_t>(refit.size));
    write_run_id(j, run_id);
    j.end_object();
    std::printf("%s\n", j.str().c_str());
    return kExitOk;
  }
  std::printf("search %s (%s, %zu candidates) on %s: %zu rows, target '%s', %s, metric %s (%s is better)\n",
              base.model.c_str(), kind, trials.size(), path.c_str(), table.rows, target_name.c_str(),
              description.c_str(), metric.c_str(), higher ? "higher" : "lower");
  std::printf("task: %s (%s)\n", task_name(classes), data.task_reason.c_str());
  if (halving) {
    std::printf("halving rounds (rows per fit):");
    for (std::size_t r : round_rows) std::printf(" %zu", r);
    std::printf("\n");
  }
  std::printf("%6s %6s %12s %10s  %s\n", "trial", "round", metric.c_str(), "std", "params");
  for (std::size_t t = 0; t < trials.size(); ++t) {
    const Trial& tr = trials[t];
    if (tr.mean == tr.mean) {
      std::printf("%6zu %6zu %12.6f %10.6f  %s%s\n", t + 1, tr.round + 1, tr.mean, tr.std,
                  params_text(tr.params).c_str(), t == best ? "  <- best" : "");
    } else {
      std::printf("%6zu %6zu %12s %10s  %s  (%s)\n", t + 1, tr.round + 1, "-", "-",
                  params_text(tr.params).c_str(), tr.error.c_str());
    }
  }
  std::printf("best: %s, %s %.6f +- %.6f; refitted on %zu rows, wrote %s (%zu bytes)\n",
              params_text(trials[best].params).c_str(), metric.c_str(), trials[best].mean, trials[best].std,
              table.rows - refit.dropped_rows, output.c_str(), refit.size);
  print_run_id(args, run_id);
  return kExitOk;
}

}  // namespace

Command search_command() {
  Command command;
  command.spec.name = "search";
  command.spec.summary = "Search hyperparameters by cross-validation; refit the best on every row.";
  command.spec.usage =
      "DATA.csv --target COL --model NAME (--grid 'K=V1,V2 ...' | --random N --space 'K=dist(a,b) ...') -o "
      "BEST.ember "
      "[options]";
  command.spec.details =
      "Each candidate's pipeline and model are cross-validated as 'ember cv' does and scored\n"
      "by --metric (default accuracy for classes, r2 for numbers; any 'ember eval' metric,\n"
      "lower-is-better ones such as logloss or rmse are minimised). The best candidate (the\n"
      "first on ties) is refitted on every row and written to -o.\n"
      "\n"
      "--grid 'max_depth=3,5,7 learning_rate=0.05,0.1'   every combination (ParameterGrid:\n"
      "                  keys in name order, the last varying fastest)\n"
      "--random N --space 'learning_rate=loguniform(0.01,0.3) max_depth=int(2,8)\n"
      "                  subsample=uniform(0.5,1) criterion=choice(gini,entropy)'\n"
      "                  N draws from --seed; int(a,b) includes both ends\n"
      "--halving         successive halving (HalvingGridSearchCV / HalvingRandomSearchCV):\n"
      "                  rounds on growing row subsamples, keeping the best 1/--factor (3)\n"
      "--jobs N          fits run on N threads (default: every core); results do not\n"
      "                  depend on N\n"
      "--track all|best|none  what is tracked: the search's run and one nested run per trial\n"
      "                  (all, the default: some 20 files and folders per trial), the search\n"
      "                  and its best trial (best), or nothing (none, as --no-track); before\n"
      "                  the fits, stderr says how many runs, files and folders it will write\n"
      "\n" +
      split_help() + "\n\n" + task_help() + "\n" + model_params_help() + "\n" + pipeline_help();
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"grid", "'K=V1,V2 ...'", "grid search over these values"},
      {"random", "N", "random search: N candidates drawn from --space"},
      {"space", "'K=dist(a,b) ...'", "uniform(a,b), loguniform(a,b), int(a,b) or choice(v1,v2,...)"},
      {"halving", "", "successive halving over row subsamples"},
      {"factor", "F", "--halving: keep 1/F of the candidates per round (default 3)"},
      {"metric", "NAME", "what to optimise (default accuracy or r2)"},
      {"jobs", "N", "threads for the fits (default every core; -1 the same)"},
      {"output", "BEST.ember", "where to write the refitted best model (atomically)", false, 'o'},
      {"json", "", "print every trial and the best as one JSON object"},
  };
  add_cross_validation_options(&command.spec, "a fixed model parameter for every candidate");
  command.spec.options.push_back(
      {"track", "all|best|none",
       "tracked runs: the search and every trial (default), or its best trial, or none"});
  command.run = run_search;
  return command;
}

}  // namespace ember::cli
