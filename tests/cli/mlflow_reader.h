// An independent reader of a runs folder, written from MLflow 2.x's
// FileStore read path (mlflow/store/tracking/file_store.py and
// mlflow/utils/file_utils.py), not from ember's writer: it lists what
// MLflow lists and reports, as a problem, everything that would make
// MLflow raise or show wrong data.
//
// - Experiments: every folder at the root except `.trash` (MLflow skips any
//   name ending in ".trash") and `models` (the model registry). Each must
//   be a valid experiment id (^[a-zA-Z0-9][\w\-]{0,63}$, else
//   search_experiments raises) with a meta.yaml whose experiment_id is that
//   id. Deleted experiments are the folders in `.trash`.
// - Runs: every folder of an experiment except `tags`, `datasets` and
//   `traces`; a folder without meta.yaml is skipped (MLflow logs it at
//   debug level), but one that has it must read back: run_id a string
//   equal to the folder name (an integer fails _validate_run_id with a
//   TypeError), experiment_id equal to the experiment's, integer
//   status/start_time/end_time, ...; its metrics/, params/ and tags/
//   files are read as UTF-8 (else UnicodeDecodeError).
// - meta.yaml is YAML read by yaml.safe_load: the whole file must be valid
//   UTF-8 without non-printable characters, and plain scalars resolve by
//   YAML 1.1's rules (012 is an int, yes a bool, ~ null), quoted ones are
//   strings.
#ifndef EMBER_TEST_MLFLOW_READER_H
#define EMBER_TEST_MLFLOW_READER_H

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace ember::test::mlflow {

namespace fs = std::filesystem;

// A YAML scalar after safe_load: its resolved type and its text.
struct Scalar {
  enum Type { null, boolean, integer, floating, string, empty_list, missing } type = missing;
  std::string text;  // the string value (for string), else the plain text
};

// Is `s` valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF)?
inline bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

// PyYAML's reader refuses these (NON_PRINTABLE in yaml/reader.py), on
// code points of valid UTF-8.
inline bool printable_yaml(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!(c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E))) return false;
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    if (!(cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000))
      return false;
    i += n;
  }
  return true;
}

inline void append_utf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The value of one scalar as written after "key: " (folded onto one line
// already). Returns false, with *problem, where safe_load would raise.
inline bool parse_scalar(const std::string& raw, Scalar* out, std::string* problem) {
  std::string v = raw;
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
  if (!v.empty() && v[0] == '\'') {
    std::string s;
    std::size_t i = 1;
    for (; i < v.size(); ++i) {
      if (v[i] == '\'') {
        if (i + 1 < v.size() && v[i + 1] == '\'') {
          s += '\'';
          ++i;
          continue;
        }
        break;
      }
      s += v[i];
    }
    if (i != v.size() - 1) {
      *problem = "unterminated or trailing text after a single-quoted scalar: " + v;
      return false;
    }
    out->type = Scalar::string;
    out->text = s;
    return true;
  }
  if (!v.empty() && v[0] == '"') {
    std::string s;
    std::size_t i = 1;
    for (; i < v.size() && v[i] != '"'; ++i) {
      if (v[i] != '\\') {
        s += v[i];
        continue;
      }
      if (++i >= v.size()) break;
      const char e = v[i];
      std::size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (hex != 0) {
        if (i + hex >= v.size()) {
          *problem = "short escape in " + v;
          return false;
        }
        const std::string digits = v.substr(i + 1, hex);
        if (digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          *problem = "bad escape in " + v;
          return false;
        }
        append_utf8(&s, static_cast<std::uint32_t>(std::strtoul(digits.c_str(), nullptr, 16)));
        i += hex;
        continue;
      }
      static const std::map<char, std::string> simple = {{'0', std::string(1, '\0')},
                                                         {'a', "\a"},
                                                         {'b', "\b"},
                                                         {'t', "\t"},
                                                         {'\t', "\t"},
                                                         {'n', "\n"},
                                                         {'v', "\v"},
                                                         {'f', "\f"},
                                                         {'r', "\r"},
                                                         {'e', "\x1b"},
                                                         {' ', " "},
                                                         {'"', "\""},
                                                         {'/', "/"},
                                                         {'\\', "\\"},
                                                         {'N', "\xc2\x85"},
                                                         {'_', "\xc2\xa0"},
                                                         {'L', "\xe2\x80\xa8"},
                                                         {'P', "\xe2\x80\xa9"}};
      const auto it = simple.find(e);
      if (it == simple.end()) {
        *problem = std::string("unknown escape \\") + e + " in " + v;
        return false;
      }
      s += it->second;
    }
    if (i != v.size() - 1) {
      *problem = "unterminated or trailing text after a double-quoted scalar: " + v;
      return false;
    }
    out->type = Scalar::string;
    out->text = s;
    return true;
  }
  out->text = v;
  if (v == "[]") {
    out->type = Scalar::empty_list;
    return true;
  }
  if (!v.empty() && (v[0] == '[' || v[0] == '{' || v[0] == '&' || v[0] == '*' || v[0] == '!' || v[0] == '|' ||
                     v[0] == '>' || v[0] == '@' || v[0] == '`' || v[0] == '%')) {
    *problem = "a plain scalar cannot start with '" + v.substr(0, 1) + "': " + v;
    return false;
  }
  if (v.find(": ") != std::string::npos || v.find(" #") != std::string::npos) {
    *problem = "': ' or ' #' inside a plain scalar: " + v;
    return false;
  }
  // YAML 1.1 implicit resolvers, as PyYAML's SafeLoader has them.
  static const std::regex null_re("^(~|null|Null|NULL|)$");
  static const std::regex bool_re(
      "^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  static const std::regex int_re(
      "^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-"
      "9])+)$");
  static const std::regex float_re(
      "^([-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9_]+([eE][-+][0-9]+)?|"
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$");
  if (std::regex_match(v, null_re)) {
    out->type = Scalar::null;
  } else if (std::regex_match(v, bool_re)) {
    out->type = Scalar::boolean;
  } else if (std::regex_match(v, int_re)) {
    out->type = Scalar::integer;
  } else if (std::regex_match(v, float_re)) {
    out->type = Scalar::floating;
  } else {
    out->type = Scalar::string;
  }
  return true;
}

// A flat YAML mapping (MLflow's meta.yaml files): "key: value" lines,
// continuation lines indented (folded: one line break becomes a space).
inline bool parse_meta(const std::string& text, std::map<std::string, Scalar>* out, std::string* problem) {
  if (!valid_utf8(text)) {
    *problem = "not UTF-8 (UnicodeDecodeError)";
    return false;
  }
  if (!printable_yaml(text)) {
    *problem = "a non-printable character (yaml.reader.ReaderError)";
    return false;
  }
  std::vector<std::pair<std::string, std::string>> entries;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!entries.empty()) entries.back().second += "\n";
      continue;
    }
    if (line[0] == ' ') {
      if (entries.empty()) {
        *problem = "an indented first line";
        return false;
      }
      std::size_t b = line.find_first_not_of(' ');
      std::string& v = entries.back().second;
      if (!v.empty() && v.back() != '\n') v += ' ';
      v += line.substr(b);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos || (colon + 1 < line.size() && line[colon + 1] != ' ')) {
      *problem = "not a 'key: value' line: " + line;
      return false;
    }
    entries.emplace_back(line.substr(0, colon), colon + 2 <= line.size() ? line.substr(colon + 2) : "");
  }
  for (auto& [key, raw] : entries) {
    Scalar s;
    if (!parse_scalar(raw, &s, problem)) {
      *problem = key + ": " + *problem;
      return false;
    }
    if (out->count(key) != 0) {
      *problem = "duplicate key " + key;
      return false;
    }
    (*out)[key] = s;
  }
  return true;
}

inline std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// urllib.parse.urlparse(uri).path, percent-decoded as
// urllib.request.url2pathname does; "" when `uri` is not a file: URI with
// an empty authority. A '#' or '?' ends the path, as in any URI.
inline std::string file_uri_path(const std::string& uri) {
  if (uri.rfind("file://", 0) != 0) return "";
  std::string rest = uri.substr(7);
  if (rest.empty() || rest[0] != '/') return "";
  rest = rest.substr(0, rest.find_first_of("#?"));
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      out += static_cast<char>(std::strtoul(rest.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

struct MetricLine {
  std::int64_t timestamp = 0;
  double value = 0.0;
  std::int64_t step = 0;
};

struct Run {
  std::string id, experiment_id, name, status;
  std::int64_t start_time = 0, end_time = 0;
  std::map<std::string, std::string> params, tags;
  std::map<std::string, std::vector<MetricLine>> metrics;
  std::vector<std::string> artifacts;
};

struct Experiment {
  std::string id, name, lifecycle_stage;
  bool deleted = false;  // in .trash
};

struct Store {
  std::vector<Experiment> experiments;  // active then deleted, by id
  std::vector<Run> runs;                // by experiment, then id
  std::vector<std::string> problems;    // what MLflow would raise on, or show wrongly
  const Experiment* experiment(const std::string& id) const {
    for (const Experiment& e : experiments) {
      if (e.id == id) return &e;
    }
    return nullptr;
  }
  const Run* run(const std::string& id) const {
    for (const Run& r : runs) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  std::string problems_text() const {
    std::string s;
    for (const std::string& p : problems) s += p + "\n";
    return s;
  }
};

inline std::string absolute_normal(const fs::path& p) {
  std::string s = fs::absolute(p).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Files under `dir` by their relative path (os.walk), read as UTF-8.
inline std::map<std::string, std::string> read_files(const fs::path& dir, const std::string& what,
                                                     std::vector<std::string>* problems) {
  std::map<std::string, std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string key = fs::relative(e.path(), dir).generic_string();
    const std::string value = read_all(e.path());
    if (!valid_utf8(value))
      problems->push_back(e.path().string() + ": " + what + " not UTF-8 (UnicodeDecodeError)");
    if (!std::regex_match(key, std::regex("^[/\\w.\\- ]*$")))
      problems->push_back(e.path().string() + ": " + what + " name MLflow refuses");
    out[key] = value;
  }
  return out;
}

inline void read_experiment(const fs::path& dir, bool deleted, Store* store) {
  const std::string id = dir.filename().string();
  static const std::regex id_re("^[a-zA-Z0-9][\\w\\-]{0,63}$");
  if (!std::regex_match(id, id_re)) {
    store->problems.push_back(dir.string() + ": listed as an experiment, and '" + id +
                              "' is not a valid experiment id (search_experiments raises)");
    return;
  }
  std::map<std::string, Scalar> meta;
  std::string problem;
  if (!fs::exists(dir / "meta.yaml")) {
    store->problems.push_back(dir.string() +
                              ": an experiment folder without meta.yaml (Malformed experiment)");
    return;
  }
  if (!parse_meta(read_all(dir / "meta.yaml"), &meta, &problem)) {
    store->problems.push_back((dir / "meta.yaml").string() + ": " + problem);
    return;
  }
  Experiment e;
  e.id = id;
  e.deleted = deleted;
  const Scalar& eid = meta["experiment_id"];
  if (eid.type != Scalar::string && eid.type != Scalar::integer)
    store->problems.push_back((dir / "meta.yaml").string() +
                              ": experiment_id is neither a string nor an int");
  if (eid.text != id)
    store->problems.push_back((dir / "meta.yaml").string() + ": experiment_id '" + eid.text +
                              "' is not its folder's name (Experiment ID mismatch)");
  if (meta["name"].type != Scalar::string)
    store->problems.push_back((dir / "meta.yaml").string() + ": name is not a string");
  e.name = meta["name"].text;
  e.lifecycle_stage = meta["lifecycle_stage"].text;
  for (const char* k : {"creation_time", "last_update_time"}) {
    if (meta[k].type != Scalar::integer)
      store->problems.push_back((dir / "meta.yaml").string() + ": " + k + " is not an integer");
  }
  // (A deleted experiment keeps the location it had: MLflow moves the
  // folder to .trash as it is.)
  const Scalar& loc = meta["artifact_location"];
  if (loc.type != Scalar::string || (!deleted && file_uri_path(loc.text) != absolute_normal(dir)))
    store->problems.push_back((dir / "meta.yaml").string() + ": artifact_location '" + loc.text +
                              "' does not resolve to the experiment folder " + absolute_normal(dir));
  store->experiments.push_back(e);
  if (deleted) return;
  std::vector<fs::path> run_dirs;
  for (const auto& r : fs::directory_iterator(dir)) {
    const std::string name = r.path().filename().string();
    if (!r.is_directory() || name == "tags" || name == "datasets" || name == "traces") continue;
    run_dirs.push_back(r.path());
  }
  std::sort(run_dirs.begin(), run_dirs.end());
  for (const fs::path& rd : run_dirs) {
    const fs::path mp = rd / "meta.yaml";
    if (!fs::exists(mp)) continue;  // MissingConfigException: skipped
    std::map<std::string, Scalar> rm;
    if (!parse_meta(read_all(mp), &rm, &problem)) {
      store->problems.push_back(mp.string() + ": " + problem);
      continue;
    }
    Run run;
    run.id = rd.filename().string();
    run.experiment_id = id;
    const Scalar& run_id = rm["run_id"];
    if (run_id.type != Scalar::string)
      store->problems.push_back(mp.string() +
                                ": run_id does not load as a string (_validate_run_id: TypeError)");
    if (rm["run_uuid"].type != Scalar::string)
      store->problems.push_back(mp.string() + ": run_uuid is not a string");
    if (run_id.text != run.id || rm["run_uuid"].text != run.id)
      store->problems.push_back(mp.string() + ": run_id '" + run_id.text + "' is not its folder's name " +
                                run.id + " (the run cannot be found: Invalid parent directory)");
    const Scalar& rexp = rm["experiment_id"];
    if ((rexp.type != Scalar::string && rexp.type != Scalar::integer) || rexp.text != id)
      store->problems.push_back(mp.string() + ": experiment_id '" + rexp.text + "' is not " + id +
                                " (Wrong experiment ID: the run is ignored)");
    const Scalar& status = rm["status"];
    if (status.type != Scalar::integer || status.text.size() != 1 || status.text[0] < '1' ||
        status.text[0] > '5')
      store->problems.push_back(mp.string() + ": status '" + status.text + "' is not a RunStatus number");
    static const char* const names[] = {"", "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
    run.status = status.type == Scalar::integer && status.text.size() == 1 && status.text[0] >= '1' &&
                         status.text[0] <= '5'
                     ? names[status.text[0] - '0']
                     : status.text;
    if (rm["start_time"].type != Scalar::integer)
      store->problems.push_back(mp.string() + ": start_time is not an integer");
    if (rm["end_time"].type != Scalar::integer && rm["end_time"].type != Scalar::null)
      store->problems.push_back(mp.string() + ": end_time is neither an integer nor null");
    run.start_time = std::atoll(rm["start_time"].text.c_str());
    run.end_time = std::atoll(rm["end_time"].text.c_str());
    for (const char* k : {"run_name", "user_id", "lifecycle_stage", "artifact_uri"}) {
      if (rm[k].type != Scalar::string)
        store->problems.push_back(mp.string() + ": " + k + " is not a string");
    }
    run.name = rm["run_name"].text;
    if (file_uri_path(rm["artifact_uri"].text) != absolute_normal(rd / "artifacts"))
      store->problems.push_back(mp.string() + ": artifact_uri '" + rm["artifact_uri"].text +
                                "' does not resolve to the run's artifacts folder " +
                                absolute_normal(rd / "artifacts"));
    const auto params = read_files(rd / "params", "param", &store->problems);
    run.params.insert(params.begin(), params.end());
    const auto tags = read_files(rd / "tags", "tag", &store->problems);
    run.tags.insert(tags.begin(), tags.end());
    for (const auto& [key, text] : read_files(rd / "metrics", "metric", &store->problems)) {
      std::istringstream lines(text);
      std::string line;
      std::vector<MetricLine> points;
      while (std::getline(lines, line)) {
        std::vector<std::string> parts;
        std::istringstream fields(line);
        std::string f;
        while (fields >> f) parts.push_back(f);
        if (parts.size() != 2 && parts.size() != 3) {
          store->problems.push_back((rd / "metrics" / key).string() + ": a line without 2 or 3 fields");
          continue;
        }
        MetricLine m;
        char* end = nullptr;
        m.timestamp = std::strtoll(parts[0].c_str(), &end, 10);
        if (*end != '\0')
          store->problems.push_back((rd / "metrics" / key).string() + ": timestamp not an int");
        m.value = std::strtod(parts[1].c_str(), &end);
        if (*end != '\0') store->problems.push_back((rd / "metrics" / key).string() + ": value not a float");
        if (parts.size() == 3) m.step = std::strtoll(parts[2].c_str(), nullptr, 10);
        points.push_back(m);
      }
      if (points.empty())
        store->problems.push_back((rd / "metrics" / key).string() + ": no data (malformed)");
      run.metrics[key] = points;
    }
    if (fs::is_directory(rd / "artifacts")) {
      for (const auto& a : fs::directory_iterator(rd / "artifacts"))
        run.artifacts.push_back(a.path().filename().string());
      std::sort(run.artifacts.begin(), run.artifacts.end());
    }
    store->runs.push_back(run);
  }
}

// Reads `root` as MLflow's FileStore would, and checks what MLflow relies
// on across runs: parents exist in the same experiment, nested runs lie
// within their parent's time, metric points within their run's.
inline Store read_store(const fs::path& root) {
  Store store;
  if (!fs::is_directory(root)) {
    store.problems.push_back(root.string() + ": not a folder");
    return store;
  }
  std::vector<fs::path> active, deleted;
  for (const auto& e : fs::directory_iterator(root)) {
    const std::string name = e.path().filename().string();
    if (!e.is_directory()) continue;
    if (name.size() >= 6 && name.compare(name.size() - 6, 6, ".trash") == 0) continue;
    if (name == "models") continue;
    active.push_back(e.path());
  }
  if (fs::is_directory(root / ".trash")) {
    for (const auto& e : fs::directory_iterator(root / ".trash"))
      if (e.is_directory()) deleted.push_back(e.path());
  }
  const auto by_id = [](const fs::path& a, const fs::path& b) {
    const std::string x = a.filename().string(), y = b.filename().string();
    return x.size() != y.size() ? x.size() < y.size() : x < y;
  };
  std::sort(active.begin(), active.end(), by_id);
  std::sort(deleted.begin(), deleted.end(), by_id);
  for (const fs::path& p : active) read_experiment(p, false, &store);
  for (const fs::path& p : deleted) read_experiment(p, true, &store);
  // Ids are unique across active and deleted experiments, names among the
  // active ones; 0 is Default.
  for (std::size_t i = 0; i < store.experiments.size(); ++i) {
    for (std::size_t j = i + 1; j < store.experiments.size(); ++j) {
      const Experiment &a = store.experiments[i], &b = store.experiments[j];
      if (a.id == b.id) store.problems.push_back("experiment id " + a.id + " used twice");
      if (!a.deleted && !b.deleted && a.name == b.name)
        store.problems.push_back("experiment name '" + a.name + "' used twice (ids " + a.id + ", " + b.id +
                                 ")");
    }
    const Experiment& e = store.experiments[i];
    if ((e.id == "0") != (e.name == "Default"))
      store.problems.push_back("experiment " + e.id + " is named '" + e.name +
                               "' (0 is Default, and only it)");
  }
  for (const Run& r : store.runs) {
    if (r.end_time < r.start_time) store.problems.push_back("run " + r.id + " ends before it starts");
    for (const auto& [key, points] : r.metrics) {
      for (const MetricLine& m : points) {
        if (m.timestamp < r.start_time || m.timestamp > r.end_time)
          store.problems.push_back("run " + r.id + ": metric " + key + " at " + std::to_string(m.timestamp) +
                                   " outside the run's time [" + std::to_string(r.start_time) + ", " +
                                   std::to_string(r.end_time) + "]");
      }
    }
    const auto parent_tag = r.tags.find("mlflow.parentRunId");
    if (parent_tag == r.tags.end()) continue;
    const Run* parent = store.run(parent_tag->second);
    if (parent == nullptr || parent->experiment_id != r.experiment_id) {
      store.problems.push_back("run " + r.id + ": parent " + parent_tag->second + " not in experiment " +
                               r.experiment_id);
      continue;
    }
    if (r.start_time < parent->start_time || r.end_time > parent->end_time)
      store.problems.push_back("nested run " + r.id + " [" + std::to_string(r.start_time) + ", " +
                               std::to_string(r.end_time) + "] is not within its parent's time [" +
                               std::to_string(parent->start_time) + ", " + std::to_string(parent->end_time) +
                               "]");
  }
  return store;
}

}  // namespace ember::test::mlflow

#endif  // EMBER_TEST_MLFLOW_READER_H
