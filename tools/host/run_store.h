// Experiment tracking in a local runs directory laid out as MLflow's file
// store, so that `mlflow ui --backend-store-uri DIR` browses it:
//
//   DIR/<experiment id>/meta.yaml           name, artifact location, times
//   DIR/<experiment id>/<run id>/meta.yaml  run id and name, status, times
//   .../<run id>/params/<key>               the value
//   .../<run id>/metrics/<key>              "timestamp value step" lines
//   .../<run id>/tags/<key>                 the value (mlflow.runName, ...)
//   .../<run id>/artifacts/<file>           e.g. the model file
//
// Experiment 0 is "Default", as MLflow makes it. A run is written under a
// temporary name and renamed into place, so a crash leaves no half run.
#ifndef EMBER_HOST_RUN_STORE_H
#define EMBER_HOST_RUN_STORE_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/error.h"

namespace ember::host {

struct MetricPoint {
  std::string key;
  double value = 0.0;
  std::int64_t step = 0;
};

struct RunRecord {
  std::string experiment = "Default";
  std::string name;                       // run name (mlflow.runName)
  std::string parent_run_id;              // empty, or the run this one is nested under
  std::int64_t start_ms = 0, end_ms = 0;  // Unix time in milliseconds
  bool failed = false;
  std::vector<std::pair<std::string, std::string>> params, tags;
  std::vector<MetricPoint> metrics;                            // several points of a key: its steps, in order
  std::vector<std::pair<std::string, std::string>> artifacts;  // file name, bytes
};

// Milliseconds since the Unix epoch, now.
std::int64_t now_ms();

// Where runs go: `flag` (--runs) if given, else $EMBER_RUNS, else "mlruns"
// in the current directory (MLflow's default).
std::string runs_directory(const std::string& flag);

// Writes `run` under `root` (created if needed) in its experiment
// (created if new, with the next free id); *run_id receives the new
// 32-hex-digit id. The experiment name must be non-empty, and it and the
// run name free of control characters. Keys must be names MLflow
// accepts: letters, digits, _ - . / and spaces, not starting with '/' and
// without "..".
bool record_run(const std::string& root, const RunRecord& run, std::string* run_id, Error* error);

// A run as read back: enough for list, show and compare.
struct StoredRun {
  std::string experiment_id, experiment, run_id, name, status, parent_run_id;
  std::int64_t start_ms = 0, end_ms = 0;
  std::vector<std::pair<std::string, std::string>> params, tags;  // by key
  std::vector<MetricPoint> metrics;                               // every point, by key then step
  std::vector<std::string> artifacts;
  // The last point of `key` (highest step), or NaN.
  double metric(const std::string& key) const;
  // The value of a param or tag, or "".
  std::string param(const std::string& key) const;
  std::string tag(const std::string& key) const;
};

// Every run under `root`, newest first (then by id). A missing root gives
// no runs. Folders that are not runs (no meta.yaml) are skipped; a run
// whose files cannot be read is an error naming the file.
bool read_runs(const std::string& root, std::vector<StoredRun>* out, Error* error);

// Is `key` acceptable as a param, metric or tag name?
bool valid_key(const std::string& key);

}  // namespace ember::host

#endif  // EMBER_HOST_RUN_STORE_H
