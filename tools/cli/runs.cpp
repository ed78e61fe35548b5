// ember runs: browse the tracked runs (host/run_store.h) from a terminal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "command.h"
#include "host/json_writer.h"
#include "host/run_store.h"
#include "host/text.h"

namespace ember::cli {

namespace {

std::string when(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

std::string number(double v) { return host::format_number("%.6g", v); }

// The headline metric of a run: the search metric, else the first of a
// fixed list it has.
std::string headline(const host::StoredRun& r) {
  const std::string m = r.param("metric");
  if (!m.empty() && r.metric(m) == r.metric(m)) return m + " " + number(r.metric(m));
  for (const char* k : {"accuracy", "r2", "auc", "rmse", "validation_loss", "oob_score", "model_bytes"}) {
    if (r.metric(k) == r.metric(k)) return std::string(k) + " " + number(r.metric(k));
  }
  return "";
}

// Runs whose id starts with `prefix` (and is not a nested trial unless
// asked for by id).
bool find_run(const std::vector<host::StoredRun>& runs, const std::string& prefix,
              const host::StoredRun** out, std::string* error) {
  const host::StoredRun* found = nullptr;
  for (const host::StoredRun& r : runs) {
    if (r.run_id.rfind(prefix, 0) != 0) continue;
    if (found != nullptr) {
      *error = "run id '" + prefix + "' is ambiguous (" + found->run_id + ", " + r.run_id + ", ...)";
      return false;
    }
    found = &r;
  }
  if (found == nullptr) {
    *error = "no run with an id starting '" + prefix + "'";
    return false;
  }
  *out = found;
  return true;
}

void write_run(host::JsonWriter& j, const host::StoredRun& r) {
  j.begin_object().key("run_id").value(r.run_id).key("name").value(r.name);
  j.key("experiment").value(r.experiment).key("experiment_id").value(r.experiment_id);
  j.key("status").value(r.status).key("start_ms").value(static_cast<std::int64_t>(r.start_ms));
  j.key("end_ms").value(static_cast<std::int64_t>(r.end_ms));
  if (!r.parent_run_id.empty()) j.key("parent_run_id").value(r.parent_run_id);
  j.key("params").begin_object();
  for (const auto& [k, v] : r.params) j.key(k).value(v);
  j.end_object().key("metrics").begin_object();
  for (std::size_t i = 0; i < r.metrics.size(); ++i) {
    // The last point of each key.
    if (i + 1 < r.metrics.size() && r.metrics[i + 1].key == r.metrics[i].key) continue;
    j.key(r.metrics[i].key).value(r.metrics[i].value);
  }
  j.end_object().key("tags").begin_object();
  for (const auto& [k, v] : r.tags) j.key(k).value(v);
  j.end_object().key("artifacts").begin_array();
  for (const std::string& a : r.artifacts) j.value(a);
  j.end_array().end_object();
}

int run_runs(const ParsedArgs& args) {
  const std::string action = args.positional[0];
  const std::string root = host::runs_directory(args.get("runs"));
  std::vector<host::StoredRun> runs;
  std::vector<std::string> warnings;
  host::Error error;
  if (!host::read_runs(root, &runs, &warnings, &error)) return fail("runs", error.to_string());
  // A run that cannot be read is named, not shown blank.
  for (const std::string& w : warnings) std::fprintf(stderr, "ember runs: warning: %s\n", w.c_str());
  if (args.has("experiment")) {
    const std::string e = args.get("experiment");
    runs.erase(
        std::remove_if(runs.begin(), runs.end(), [&](const host::StoredRun& r) { return r.experiment != e; }),
        runs.end());
  }
  const bool json = args.has("json");
  if (action == "list") {
    if (args.positional.size() != 1) return fail("runs", "list takes no run ids");
    std::vector<const host::StoredRun*> shown;
    for (const host::StoredRun& r : runs) {
      if (r.parent_run_id.empty() || args.has("all")) shown.push_back(&r);
    }
    if (json) {
      host::JsonWriter j;
      j.begin_object().key("runs_directory").value(root).key("runs").begin_array();
      for (const host::StoredRun* r : shown) write_run(j, *r);
      j.end_array().key("warnings").begin_array();
      for (const std::string& w : warnings) j.value(w);
      j.end_array().end_object();
      std::printf("%s\n", j.str().c_str());
      return kExitOk;
    }
    if (shown.empty()) {
      std::printf("no runs in %s\n", root.c_str());
      return kExitOk;
    }
    std::printf("%-8s  %-19s  %-10s  %-8s  %-36s  %s\n", "run", "started (UTC)", "experiment", "status",
                "name", "result");
    for (const host::StoredRun* r : shown) {
      std::printf("%-8s  %-19s  %-10s  %-8s  %-36s  %s\n", r->run_id.substr(0, 8).c_str(),
                  when(r->start_ms).c_str(), r->experiment.c_str(), r->status.c_str(), r->name.c_str(),
                  headline(*r).c_str());
    }
    return kExitOk;
  }
  if (action == "show") {
    if (args.positional.size() != 2) return fail("runs", "show takes one run id (or a prefix of it)");
    const host::StoredRun* r = nullptr;
    std::string message;
    if (!find_run(runs, args.positional[1], &r, &message)) return fail("runs", root + ": " + message);
    if (json) {
      host::JsonWriter j;
      write_run(j, *r);
      std::printf("%s\n", j.str().c_str());
      return kExitOk;
    }
    std::printf("run %s: %s\n  experiment %s (%s), %s, started %s UTC, %.1f s\n", r->run_id.c_str(),
                r->name.c_str(), r->experiment.c_str(), r->experiment_id.c_str(), r->status.c_str(),
                when(r->start_ms).c_str(), static_cast<double>(r->end_ms - r->start_ms) / 1000.0);
    if (!r->parent_run_id.empty()) std::printf("  nested under run %s\n", r->parent_run_id.c_str());
    std::printf("params\n");
    for (const auto& [k, v] : r->params) std::printf("  %-24s %s\n", k.c_str(), v.c_str());
    std::printf("metrics (last step; steps in brackets)\n");
    for (std::size_t i = 0; i < r->metrics.size(); ++i) {
      if (i + 1 < r->metrics.size() && r->metrics[i + 1].key == r->metrics[i].key) continue;
      std::size_t steps = 1;
      while (steps <= i && r->metrics[i - steps].key == r->metrics[i].key) ++steps;
      std::printf("  %-24s %s", r->metrics[i].key.c_str(), number(r->metrics[i].value).c_str());
      if (steps > 1) std::printf("  [%zu steps]", steps);
      std::printf("\n");
    }
    std::printf("artifacts\n");
    for (const std::string& a : r->artifacts) std::printf("  %s\n", a.c_str());
    return kExitOk;
  }
  if (action == "compare") {
    if (args.positional.size() < 3) return fail("runs", "compare takes two or more run ids");
    std::vector<const host::StoredRun*> picked;
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
      const host::StoredRun* r = nullptr;
      std::string message;
      if (!find_run(runs, args.positional[i], &r, &message)) return fail("runs", root + ": " + message);
      picked.push_back(r);
    }
    // Every key any of them has, in name order.
    std::vector<std::string> params, metrics;
    for (const host::StoredRun* r : picked) {
      for (const auto& p : r->params) params.push_back(p.first);
      for (const auto& m : r->metrics) metrics.push_back(m.key);
    }
    for (auto* v : {&params, &metrics}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    if (json) {
      host::JsonWriter j;
      j.begin_object().key("runs").begin_array();
      for (const host::StoredRun* r : picked) write_run(j, *r);
      j.end_array().key("differing_params").begin_array();
      for (const std::string& p : params) {
        bool same = true;
        for (const host::StoredRun* r : picked) same = same && r->param(p) == picked[0]->param(p);
        if (!same) j.value(p);
      }
      j.end_array().end_object();
      std::printf("%s\n", j.str().c_str());
      return kExitOk;
    }
    // Columns as wide as their longest value.
    int w = 14;
    for (const host::StoredRun* r : picked) {
      for (const auto& p : r->params) w = std::max(w, static_cast<int>(p.second.size()));
    }
    std::printf("%-26s", "");
    for (const host::StoredRun* r : picked) std::printf("  %-*s", w, r->run_id.substr(0, 8).c_str());
    std::printf("\nparams (* where they differ)\n");
    for (const std::string& p : params) {
      bool same = true;
      for (const host::StoredRun* r : picked) same = same && r->param(p) == picked[0]->param(p);
      std::printf("%c %-24s", same ? ' ' : '*', p.c_str());
      for (const host::StoredRun* r : picked) {
        const std::string v = r->param(p);
        std::printf("  %-*s", w, v.empty() ? "-" : v.c_str());
      }
      std::printf("\n");
    }
    std::printf("metrics\n");
    for (const std::string& m : metrics) {
      std::printf("  %-24s", m.c_str());
      for (const host::StoredRun* r : picked) {
        const double v = r->metric(m);
        std::printf("  %-*s", w, v == v ? number(v).c_str() : "-");
      }
      std::printf("\n");
    }
    return kExitOk;
  }
  std::fprintf(stderr, "ember runs: the action must be list, show or compare, got '%s'\n", action.c_str());
  return kExitUsage;
}

}  // namespace

Command runs_command() {
  Command command;
  command.spec.name = "runs";
  command.spec.summary = "Browse tracked runs: list, show RUN, compare RUN RUN...";
  command.spec.usage = "list | show RUN | compare RUN RUN... [options]";
  command.spec.details =
      "train, cv and search record every run (unless --no-track) in a runs folder laid out\n"
      "as MLflow's file store: mlflow ui --backend-store-uri DIR shows the same runs.\n"
      "RUN is a run id or a prefix of one. The folder is --runs DIR, else $EMBER_RUNS,\n"
      "else ./mlruns; a folder that does not exist is an error (exit 1). A run whose\n"
      "meta.yaml or metric files cannot be read is left out with a warning naming the file.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 64;
  command.spec.options = {
      {"runs", "DIR", "the runs folder (default $EMBER_RUNS, else ./mlruns)"},
      {"experiment", "NAME", "only runs of this experiment"},
      {"all", "", "list: include the runs nested under a search (one per candidate)"},
      {"json", "", "print JSON"},
  };
  command.run = run_runs;
  return command;
}

}  // namespace ember::cli
