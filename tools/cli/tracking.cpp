#include "tracking.h"

#include <cstdio>

#include "params.h"

namespace ember::cli {

void add_tracking_options(CommandSpec* spec) {
  spec->options.push_back({"runs", "DIR", "where runs are tracked (default $EMBER_RUNS, else ./mlruns)"});
  spec->options.push_back({"experiment", "NAME", "the experiment to track the run in (default: Default)"});
  spec->options.push_back({"no-track", "", "do not record this run"});
}

host::RunRecord start_run(const ParsedArgs& args, const std::string& command, const std::string& data) {
  host::RunRecord run;
  run.start_ms = host::now_ms();
  if (args.has("experiment")) run.experiment = args.get("experiment");
  const std::size_t slash = data.find_last_of('/');
  const std::string model = args.get("model");
  run.name = command + " " + model + " " + (slash == std::string::npos ? data : data.substr(slash + 1));
  run.tags = {{"ember.command", command}, {"ember.data", data}};
  run.params = {{"model", model}, {"target", args.get("target")}, {"seed", args.get("seed", "0")}};
  std::string key, value;
  for (const std::string& p : args.all("param")) {
    if (split_key_value(p, &key, &value)) run.params.emplace_back(key, value);
  }
  for (const char* flag : {"drop-missing", "impute", "encode", "discretize", "scale", "select", "project"}) {
    if (args.has(flag)) run.params.emplace_back(std::string("pipeline.") + flag, args.get(flag));
  }
  return run;
}

std::string finish_run(const ParsedArgs& args, const std::string& command, host::RunRecord* run) {
  if (args.has("no-track")) return "";
  if (run->end_ms == 0) run->end_ms = host::now_ms();
  // A key given twice (a --param repeated) keeps its last value.
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& p : run->params) {
    bool replaced = false;
    for (auto& q : params) {
      if (q.first == p.first) {
        q.second = p.second;
        replaced = true;
      }
    }
    if (!replaced) params.push_back(p);
  }
  run->params = params;
  std::string id;
  host::Error error;
  const std::string root = host::runs_directory(args.get("runs"));
  if (!host::record_run(root, *run, &id, &error)) {
    std::fprintf(stderr, "ember %s: warning: the run was not tracked: %s\n", command.c_str(),
                 error.to_string().c_str());
    return "";
  }
  return id;
}

void write_run_id(host::JsonWriter& j, const std::string& run_id) {
  j.key("run_id");
  if (run_id.empty()) {
    j.null();
  } else {
    j.value(run_id);
  }
}

void print_run_id(const ParsedArgs& args, const std::string& run_id) {
  if (run_id.empty()) return;
  std::printf("tracked run %s in %s\n", run_id.c_str(), host::runs_directory(args.get("runs")).c_str());
}

}  // namespace ember::cli
