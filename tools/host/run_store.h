// Experiment tracking in a local runs directory laid out as MLflow's file
// store (mlflow/store/tracking/file_store.py), so that `mlflow ui
// --backend-store-uri DIR` browses it:
//
//   DIR/0/meta.yaml                         experiment 0, "Default", made with the store
//   DIR/<experiment id>/meta.yaml           name, artifact location, times
//   DIR/<experiment id>/<run id>/meta.yaml  run id and name, status, times
//   .../<run id>/params/<key>               the value
//   .../<run id>/metrics/<key>              "timestamp value step" lines
//   .../<run id>/tags/<key>                 the value (mlflow.runName, ...)
//   .../<run id>/artifacts/<file>           e.g. the model file
//   DIR/.trash/<experiment id>/             experiments deleted in MLflow
//   DIR/.ember-tmp.trash/                   runs and experiments being built
//
// What MLflow reads is written so that it reads back as written: strings in
// meta.yaml are quoted YAML scalars (an id of digits stays a string), text
// that is not UTF-8 has its bad bytes replaced by U+FFFD (MLflow reads
// every file as UTF-8), artifact URIs are percent-encoded as pathlib's
// as_uri does (a '#' in a path is not a fragment).
//
// Runs and experiments are built in DIR/.ember-tmp.trash and renamed into
// place (never over an existing folder), so a reader sees a whole run or
// none, and a crash leaves nothing in an experiment folder. MLflow lists
// every folder at the root as an experiment except `.trash` (and, as it
// tests the name's end, any name ending in ".trash") and `models`, so the
// build folder is named to be skipped. Each run being built holds a lock
// (flock) on a file beside its folder; the first run a process records
// removes the folders whose lock no process holds, i.e. those of killed
// processes, and `.tmp-<id>` folders an older ember left in experiment
// folders over an hour ago.
//
// A run of its own (train, cv, a search) is on the disk (fdatasync) before
// record_run returns; the runs nested under a search, thousands maybe, are
// left to the kernel's write-back.
//
// Any number of processes may record runs in one store at once: new
// experiments are made under a store-wide lock, so that a name gets one
// id, and ids are claimed by an exclusive rename, so that two experiments
// never share one.
#ifndef EMBER_HOST_RUN_STORE_H
#define EMBER_HOST_RUN_STORE_H

#include <cstddef>
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
  std::int64_t timestamp_ms = 0;  // when it was measured (Unix ms); 0: the run's end
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

// Writes `run` under `root` in its experiment; *run_id receives the new
// 32-hex-digit id. A new store gets experiment 0, "Default", as MLflow
// makes it; an experiment is found by name among the active ones, or made
// with the id after the highest in use, deleted experiments (.trash)
// included, so that no id is used twice. The name of a deleted experiment
// is refused (MLflow refuses it too: restore it, or pick another name).
// The experiment name must be non-empty, and it and the run name free of
// control characters. Keys must be names MLflow accepts: letters, digits,
// _ - . / and spaces, not starting with '/' and without "..".
bool record_run(const std::string& root, const RunRecord& run, std::string* run_id, Error* error);

// How many files and folders record_run writes for `run`, its own folder
// included (what a tracked command can announce before it runs).
std::size_t run_entries(const RunRecord& run);

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

// Every active run under `root`, newest first (then by id). A missing
// root, or one that is not a folder, is an error naming it. A run (or an
// experiment) whose meta.yaml is missing, is not YAML or lacks what MLflow
// needs, and a metric line that is not "timestamp value [step]", are left
// out with a warning naming the file and saying why (MLflow's own listing
// would fail or skip them). Folders of an experiment that are not named
// like runs and have no meta.yaml are not runs, and are skipped quietly.
bool read_runs(const std::string& root, std::vector<StoredRun>* out, std::vector<std::string>* warnings,
               Error* error);

// Is `key` acceptable as a param, metric or tag name?
bool valid_key(const std::string& key);

// -- Parts of the layout, shared with the tests --------------------------

// The folder, under the store's root, where runs are built.
inline constexpr char kTempFolder[] = ".ember-tmp.trash";

// Removes what killed processes left in `root`: the build folders (and
// their lock files) whose lock no process holds, and the `.tmp-<id>`
// folders older embers left in experiment folders, once over an hour old.
// Returns how many it removed.
std::size_t remove_stale_run_temporaries(const std::string& root);

// `bytes` as UTF-8: each maximal ill-formed part replaced by U+FFFD, as
// Python's bytes.decode("utf-8", "replace") does.
std::string utf8_text(const std::string& bytes);

// A YAML scalar that yaml.safe_load reads back as the string `text` (made
// UTF-8 first): single-quoted, or double-quoted with escapes when `text`
// holds characters a single-quoted scalar cannot (control characters,
// U+2028, ...).
std::string yaml_scalar(const std::string& text);

struct YamlScalar {
  std::string text;     // the value, quotes and escapes resolved; "null" for an empty plain value
  bool quoted = false;  // single- or double-quoted (always a string)
};

// The "key: value" entries of a flat YAML mapping such as MLflow's
// meta.yaml: plain, single- and double-quoted scalars, values continued on
// indented lines (folded), `[]`. False, with *problem saying where, for
// text safe_load would refuse: not UTF-8, non-printable characters, a line
// that is not "key: value", an unterminated or badly escaped quoted scalar.
bool parse_yaml_mapping(const std::string& text, std::vector<std::pair<std::string, YamlScalar>>* out,
                        std::string* problem);

// The file: URI of `path` as MLflow makes it (pathlib's as_uri on
// os.path.abspath): absolute, normalised, every byte but letters, digits,
// "_.-~" and '/' percent-encoded.
std::string file_uri(const std::string& path);

}  // namespace ember::host

#endif  // EMBER_HOST_RUN_STORE_H
