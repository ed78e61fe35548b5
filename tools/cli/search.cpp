// ember search: hyperparameter search scored by cross-validation, the
// best candidate refitted on every row and written.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "host/cross_validation.h"
#include "host/file_io.h"
#include "host/json_writer.h"
#include "host/param_search.h"
#include "host/progress.h"
#include "host/search.h"
#include "model_spec.h"
#include "params.h"
#include "pipeline_flags.h"
#include "split_flags.h"
#include "tracking.h"
#include "training_start.h"

namespace ember::cli {

namespace {

// More candidates than this are refused (each is a cross-validation).
constexpr std::size_t kMaxCandidates = 100000;

// What the search's flags ask for, checked before the data is read.
struct SearchRequest {
  bool grid = false;
  std::vector<host::Candidate> candidates;
  std::vector<ModelSpec> specs;  // one per candidate: --param and the pipeline flags, then its values
  host::SearchOptions options;   // all but the metric, known once the target is read
  std::string track = "all";     // what is tracked: every trial (nested runs), the best one, or nothing
  const char* kind = "";         // "grid", "random", "halving grid", "halving random"
};

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

// --grid or --random N --space: the candidates, each with its model spec.
int candidates_from_args(const ParsedArgs& args, const ModelSpec& base, const Usage& usage,
                         SearchRequest* r) {
  std::vector<host::ParamDomain> domains;
  std::string error;
  r->grid = args.has("grid");
  if (r->grid == args.has("random"))
    return usage("give --grid 'K=V1,V2 ...' or --random N --space '...', one of them");
  if (r->grid) {
    if (args.has("space")) return usage("--space goes with --random N; --grid lists the values itself");
    if (!host::parse_grid(args.get("grid"), &domains, &error)) return usage("--grid: " + error);
    // Counted before it is built: an absurd grid is refused, not allocated.
    std::size_t size = 1;
    for (const host::ParamDomain& d : domains) {
      if (size > kMaxCandidates / d.values.size())
        return usage("--grid has more than " + std::to_string(kMaxCandidates) + " candidates");
      size *= d.values.size();
    }
    r->candidates = host::grid_candidates(domains);
  } else {
    std::uint64_t n = 0;
    if (!parse_u64(args.get("random"), &n) || n < 1 || n > kMaxCandidates)
      return usage("--random must be a whole number of trials in [1, " + std::to_string(kMaxCandidates) +
                   "], got '" + args.get("random") + "'");
    if (!args.has("space")) return usage("--random N needs --space 'K=dist(a,b) ...'");
    if (!host::parse_space(args.get("space"), &domains, &error)) return usage("--space: " + error);
    r->candidates = host::random_candidates(domains, static_cast<std::size_t>(n), base.seed);
  }
  r->specs.resize(r->candidates.size());
  for (std::size_t t = 0; t < r->candidates.size(); ++t) {
    if (!model_spec_from_args(args, r->candidates[t], &r->specs[t], &error))
      return usage("candidate " + params_text(r->candidates[t]) + ": " + error);
  }
  return kExitOk;
}

// --halving, --factor, --track / --no-track and --jobs.
int options_from_args(const ParsedArgs& args, const ModelSpec& base, const Usage& usage, SearchRequest* r) {
  host::SearchOptions& o = r->options;
  o.halving = args.has("halving");
  o.seed = base.seed;
  o.progress = host::stderr_is_terminal() && !args.has("json");
  if (args.has("factor")) {
    std::uint64_t f = 0;
    if (!o.halving) return usage("--factor applies to --halving");
    if (!parse_u64(args.get("factor"), &f) || f < 2 || f > 100)
      return usage("--factor must be a whole number in [2, 100]");
    o.factor = static_cast<std::size_t>(f);
  }
  r->track = args.get("track", "all");
  if (r->track != "all" && r->track != "best" && r->track != "none")
    return usage("--track must be all, best or none, got '" + r->track + "'");
  if (args.has("no-track")) {
    if (args.has("track") && r->track != "none")
      return usage("--no-track and --track " + r->track + " contradict");
    r->track = "none";
  }
  if (args.has("jobs")) {
    std::uint64_t j = 0;
    if (args.get("jobs") != "-1" && (!parse_u64(args.get("jobs"), &j) || j < 1 || j > kMaxThreads))
      return usage("--jobs must be a whole number in 1.." + std::to_string(kMaxThreads) +
                   ", or -1 for every core, got '" + args.get("jobs") + "'");
    o.threads = static_cast<unsigned>(j);
  }
  r->kind = o.halving ? (r->grid ? "halving grid" : "halving random") : (r->grid ? "grid" : "random");
  return kExitOk;
}

// The run of one trial, nested under the search's run `parent_id`.
host::RunRecord trial_run(const host::RunRecord& parent, const std::string& parent_id,
                          const host::SearchTrial& trial, std::size_t number, const std::string& metric) {
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
void add_search_results(host::RunRecord* run, const SearchRequest& r, const std::string& split,
                        const std::string& output, const host::SearchTrial& best,
                        const std::string& model_bytes) {
  run->params.emplace_back("search", r.kind);
  run->params.emplace_back("metric", r.options.metric);
  run->params.emplace_back("split", split);
  run->params.emplace_back("candidates", std::to_string(r.candidates.size()));
  run->params.emplace_back("output", output);
  for (const auto& pair : param_pairs(best.params, "best_")) run->params.push_back(pair);
  const std::string& metric = r.options.metric;
  run->metrics = {{metric, best.mean, 0}, {metric + "_std", best.std, 0}};
  run->artifacts = {{"model.ember", model_bytes}};
}

// Says what tracking will write before the fits start (counted as if
// every trial scores; a failed one has an error tag for its metrics).
void announce_tracking(const ParsedArgs& args, const host::RunRecord& run, const SearchRequest& r,
                       const std::string& split) {
  host::RunRecord parent = run;
  host::SearchTrial scored;
  scored.params = r.candidates[0];
  scored.mean = scored.std = 0.0;
  add_search_results(&parent, r, split, args.get("output"), scored, "");
  std::size_t files = host::run_entries(parent), runs = 1;
  for (std::size_t t = 0; t < r.candidates.size() && (r.track == "all" || runs < 2); ++t) {
    host::SearchTrial shape;
    shape.params = r.candidates[t];
    shape.mean = shape.std = 0.0;
    files += host::run_entries(trial_run(parent, std::string(32, '0'), shape, t + 1, r.options.metric));
    ++runs;
  }
  const std::string what = r.track == "all" ? "the search and " + std::to_string(runs - 1) +
                                                  (runs == 2 ? " nested trial" : " nested trials")
                                            : std::string("the search and its best trial");
  std::fprintf(stderr, "ember search: tracking %zu runs (%s, %zu files and folders) in %s;", runs,
               what.c_str(), files, host::runs_directory(args.get("runs")).c_str());
  if (r.track == "all")
    std::fprintf(stderr, " --track best records 2, --track none nothing\n");
  else
    std::fprintf(stderr, " --track all records %zu, --track none nothing\n", r.candidates.size() + 1);
}

// The search is the parent run; each candidate (or, with --track best,
// the best one) a run nested under it, with its own times. Returns the
// search's run id, or "".
std::string record_runs(const ParsedArgs& args, host::RunRecord* run, const SearchRequest& r,
                        const std::string& split, const host::SearchResult& result,
                        const FittedModel& refit) {
  if (r.track == "none") return "";
  add_search_results(run, r, split, args.get("output"), result.trials[result.best],
                     std::string(reinterpret_cast<const char*>(refit.storage.data()), refit.size));
  const std::string run_id = finish_run(args, "search", run);
  if (run_id.empty()) return run_id;
  for (std::size_t t = 0; t < result.trials.size(); ++t) {
    if (r.track == "best" && t != result.best) continue;
    host::RunRecord child = trial_run(*run, run_id, result.trials[t], t + 1, r.options.metric);
    if (finish_run(args, "search", &child).empty()) break;
  }
  return run_id;
}

// What was searched on, for the printed and JSON reports.
struct SearchReport {
  const TrainingStart* start = nullptr;
  const TrainingData* data = nullptr;
  const SearchRequest* request = nullptr;
  std::string split;
  const host::SearchResult* result = nullptr;
  const FittedModel* refit = nullptr;
  std::string run_id;
  std::string target;  // the target column's name
  bool classes = false;
};

void print_json(const ParsedArgs& args, const SearchReport& s) {
  const host::SearchResult& result = *s.result;
  const host::Table& table = s.data->table;
  const std::string& metric = s.request->options.metric;
  host::JsonWriter j;
  j.begin_object().key("data").value(s.start->path).key("target").value(args.get("target"));
  j.key("task").value(task_name(s.data->classification)).key("task_reason").value(s.data->task_reason);
  j.key("model").value(s.start->spec.model).key("rows").value(static_cast<std::uint64_t>(table.rows));
  j.key("search").value(s.request->kind).key("metric").value(metric);
  j.key("higher_is_better").value(result.higher_is_better);
  j.key("split").value(s.split).key("seed").value(s.start->spec.seed);
  j.key("threads").value(static_cast<std::uint64_t>(result.threads));
  if (s.request->options.halving) {
    j.key("rounds").begin_array();
    for (std::size_t r : result.round_rows) j.value(static_cast<std::uint64_t>(r));
    j.end_array();
  }
  j.key("trials").begin_array();
  for (std::size_t t = 0; t < result.trials.size(); ++t) {
    const host::SearchTrial& tr = result.trials[t];
    j.begin_object().key("trial").value(static_cast<std::uint64_t>(t + 1)).key("params");
    write_params(j, tr.params);
    j.key("mean").value(tr.mean).key("std").value(tr.std);
    j.key("round").value(static_cast<std::uint64_t>(tr.round + 1));
    j.key("rows").value(static_cast<std::uint64_t>(tr.rows));
    j.key("fit_seconds").value(tr.fit_seconds);
    if (!tr.error.empty()) j.key("error").value(tr.error);
    j.end_object();
  }
  j.end_array();
  const host::SearchTrial& best = result.trials[result.best];
  j.key("best").begin_object().key("trial").value(static_cast<std::uint64_t>(result.best + 1)).key("params");
  write_params(j, best.params);
  j.key("mean").value(best.mean).key("std").value(best.std).end_object();
  j.key("output")
      .value(args.get("output"))
      .key("model_bytes")
      .value(static_cast<std::uint64_t>(s.refit->size));
  write_run_id(j, s.run_id);
  j.end_object();
  std::printf("%s\n", j.str().c_str());
}

void print_text(const ParsedArgs& args, const SearchReport& s) {
  const host::SearchResult& result = *s.result;
  const std::size_t rows = s.data->table.rows;
  const std::string& metric = s.request->options.metric;
  const char* task = task_name(s.classes);
  std::printf("search %s (%s, %zu candidates) on %s: %zu rows, target '%s', %s, metric %s (%s is better)\n",
              s.start->spec.model.c_str(), s.request->kind, result.trials.size(), s.start->path.c_str(), rows,
              s.target.c_str(), s.split.c_str(), metric.c_str(),
              result.higher_is_better ? "higher" : "lower");
  std::printf("task: %s (%s)\n", task, s.data->task_reason.c_str());
  if (s.request->options.halving) {
    std::printf("halving rounds (rows per fit):");
    for (std::size_t r : result.round_rows) std::printf(" %zu", r);
    std::printf("\n");
  }
  std::printf("%6s %6s %12s %10s  %s\n", "trial", "round", metric.c_str(), "std", "params");
  for (std::size_t t = 0; t < result.trials.size(); ++t) {
    const host::SearchTrial& tr = result.trials[t];
    if (tr.mean == tr.mean) {
      std::printf("%6zu %6zu %12.6f %10.6f  %s%s\n", t + 1, tr.round + 1, tr.mean, tr.std,
                  params_text(tr.params).c_str(), t == result.best ? "  <- best" : "");
    } else {
      std::printf("%6zu %6zu %12s %10s  %s  (%s)\n", t + 1, tr.round + 1, "-", "-",
                  params_text(tr.params).c_str(), tr.error.c_str());
    }
  }
  const host::SearchTrial& best = result.trials[result.best];
  std::printf("best: %s, %s %.6f +- %.6f; refitted on %zu rows, wrote %s (%zu bytes)\n",
              params_text(best.params).c_str(), metric.c_str(), best.mean, best.std,
              rows - s.refit->dropped_rows, args.get("output").c_str(), s.refit->size);
  print_run_id(args, s.run_id);
}

// The target, the metric and the splits, once the data is read.
// Copied out first: taking a --groups column out of the table moves the columns.
int prepare(const ParsedArgs& args, const Usage& usage, const TrainingStart& start, host::Table* table,
            SearchRequest* r, std::vector<host::Split>* splits, SearchReport* report) {
  const host::Column& target = table->columns[static_cast<std::size_t>(table->target)];
  const bool classes = target.type == host::ColumnType::categorical;
  const std::size_t n_classes = target.labels.size();
  report->target = target.name;
  report->classes = classes;
  std::string error;
  if (!host::check_training_target(target, table->rows, classes, &error))
    return fail("search", start.path + ": " + error);
  r->options.metric = args.get("metric", classes ? "accuracy" : "r2");
  if (!host::search_metric_fits_task(r->options.metric, classes, n_classes, &error)) return usage(error);
  bool bad_usage = false;
  if (!splits_from_args(args, start.spec.seed, table, splits, &report->split, &error, &bad_usage))
    return bad_usage ? usage(error) : fail("search", start.path + ": " + error);
  return kExitOk;
}

int run_search(const ParsedArgs& args) {
  const Usage usage{"search"};
  TrainingStart start;
  if (const int rc =
          start_training(args, "search", "BEST.ember is required: where to write the refitted best model",
                         {args.positional[0]}, &start))
    return rc;
  SearchRequest request;
  if (const int rc = candidates_from_args(args, start.spec, usage, &request)) return rc;
  if (const int rc = options_from_args(args, start.spec, usage, &request)) return rc;

  TrainingData data;
  std::vector<const ModelSpec*> specs;
  for (const ModelSpec& s : request.specs) specs.push_back(&s);
  int rc = kExitOk;
  if (!read_training_run(args, "search", &start, specs, &data, &rc)) return rc;
  std::vector<host::Split> splits;
  SearchReport report;
  report.start = &start;
  report.data = &data;
  report.request = &request;
  if (const int prc = prepare(args, usage, start, &data.table, &request, &splits, &report)) return prc;
  if (request.track != "none") announce_tracking(args, start.run, request, report.split);

  std::vector<host::SearchCandidate> candidates(request.candidates.size());
  for (std::size_t t = 0; t < candidates.size(); ++t)
    candidates[t] = {request.candidates[t], fit_function(request.specs[t])};
  host::SearchResult result;
  host::search(data.table, splits, candidates, request.options, &result);
  const host::SearchTrial& best = result.trials[result.best];
  if (best.mean != best.mean)
    return fail("search", start.path + ": no candidate could be scored; the first failed with: " +
                              result.trials[0].error);
  FittedModel refit;
  host::Error error;
  if (!fit_model(data.table, request.specs[result.best], &refit, &error)) {
    if (error.file.empty()) error.file = start.path;
    return fail("search", "refitting the best candidate on every row: " + error.to_string());
  }
  const std::string_view bytes(reinterpret_cast<const char*>(refit.storage.data()), refit.size);
  if (!host::write_file_atomic(args.get("output"), bytes, &error)) return fail("search", error.to_string());
  report.result = &result;
  report.refit = &refit;
  report.run_id = record_runs(args, &start.run, request, report.split, result, refit);
  if (args.has("json"))
    print_json(args, report);
  else
    print_text(args, report);
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
