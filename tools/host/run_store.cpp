#include "host/run_store.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "host/file_io.h"
#include "host/text.h"

namespace ember::host {

namespace fs = std::filesystem;

namespace {

// A YAML scalar in single quotes ('' stands for ').
std::string yaml_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string yaml_unquoted(std::string v) {
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') {
    std::string out;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) {
      out += v[i];
      if (v[i] == '\'' && v[i + 1] == '\'') ++i;
    }
    return out;
  }
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

// "key: value" lines of a flat meta.yaml.
std::vector<std::pair<std::string, std::string>> read_yaml(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t colon = line.find(": ");
    if (line.empty() || line[0] == ' ' || line[0] == '-' || colon == std::string::npos) {
      if (!line.empty() && line.back() == ':') out.emplace_back(line.substr(0, line.size() - 1), "");
      continue;
    }
    out.emplace_back(line.substr(0, colon), yaml_unquoted(line.substr(colon + 2)));
  }
  return out;
}

std::string yaml_get(const std::vector<std::pair<std::string, std::string>>& y, const std::string& key) {
  for (const auto& [k, v] : y) {
    if (k == key) return v;
  }
  return "";
}

bool read_text(const fs::path& p, std::string* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

bool write(const fs::path& p, const std::string& text, Error* error) {
  return write_file_atomic(p.string(), text, error);
}

std::string new_run_id() {
  std::random_device device;
  std::mt19937_64 gen(
      (static_cast<std::uint64_t>(device()) << 32) ^ device() ^
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  static const char* const hex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) id += hex[gen() & 15];
  return id;
}

std::string user_name() {
  const char* u = std::getenv("USER");
  return u != nullptr && *u != '\0' ? u : "unknown";
}

bool numeric_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The experiment's folder under `root`: found by name, or made with the
// next free id ("Default" is 0).
bool experiment_dir(const fs::path& root, const std::string& name, std::int64_t now, fs::path* out,
                    std::string* id, Error* error) {
  long next = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string dir = entry.path().filename().string();
    if (!entry.is_directory() || !numeric_name(dir)) continue;
    next = std::max(next, std::atol(dir.c_str()) + 1);
    std::string meta;
    if (read_text(entry.path() / "meta.yaml", &meta) && yaml_get(read_yaml(meta), "name") == name) {
      *out = entry.path();
      *id = dir;
      return true;
    }
  }
  if (name == "Default" && !fs::exists(root / "0")) next = 0;
  *id = std::to_string(next);
  *out = root / *id;
  fs::create_directories(*out, ec);
  if (ec) {
    *error = Error{out->string(), 0, 0, "cannot create the experiment folder: " + ec.message()};
    return false;
  }
  const std::string meta = "artifact_location: " + yaml_quoted("file://" + fs::absolute(*out).string()) +
                           "\ncreation_time: " + std::to_string(now) +
                           "\nexperiment_id: " + yaml_quoted(*id) +
                           "\nlast_update_time: " + std::to_string(now) +
                           "\nlifecycle_stage: active\nname: " + yaml_quoted(name) + "\n";
  return write(*out / "meta.yaml", meta, error);
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string runs_directory(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("EMBER_RUNS");
  return env != nullptr && *env != '\0' ? env : "mlruns";
}

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > 250 || key[0] == '/' || key.find("..") != std::string::npos) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == ' ';
  });
}

bool record_run(const std::string& root_text, const RunRecord& run, std::string* run_id, Error* error) {
  const auto control = [](const std::string& t) {
    for (char ch : t) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
  };
  if (run.experiment.empty() || control(run.experiment) || control(run.name)) {
    *error = Error{
        "", 0, 0,
        "the experiment name must be non-empty, and the experiment and run names free of control characters"};
    return false;
  }
  for (const auto* list : {&run.params, &run.tags}) {
    for (const auto& [k, v] : *list) {
      (void)v;
      if (!valid_key(k)) {
        *error = Error{"", 0, 0, "cannot track '" + k + "': not a valid MLflow key"};
        return false;
      }
    }
  }
  for (const MetricPoint& m : run.metrics) {
    if (!valid_key(m.key)) {
      *error = Error{"", 0, 0, "cannot track metric '" + m.key + "': not a valid MLflow key"};
      return false;
    }
  }
  const fs::path root(root_text);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    *error = Error{root_text, 0, 0, "cannot create the runs folder: " + ec.message()};
    return false;
  }
  fs::path exp;
  std::string exp_id;
  if (!experiment_dir(root, run.experiment, run.start_ms, &exp, &exp_id, error)) return false;
  const std::string id = new_run_id();
  const fs::path temp = exp / (".tmp-" + id), final_dir = exp / id;
  auto cleanup = [&]() {
    std::error_code ignore;
    fs::remove_all(temp, ignore);
    return false;
  };
  for (const char* sub : {"params", "metrics", "tags", "artifacts"}) fs::create_directories(temp / sub, ec);
  if (ec) {
    *error = Error{temp.string(), 0, 0, "cannot create the run folder: " + ec.message()};
    return cleanup();
  }
  const std::string meta =
      "artifact_uri: " + yaml_quoted("file://" + fs::absolute(final_dir / "artifacts").string()) +
      "\nend_time: " + std::to_string(run.end_ms) +
      "\nentry_point_name: ''\nexperiment_id: " + yaml_quoted(exp_id) +
      "\nlifecycle_stage: active\nrun_id: " + id + "\nrun_name: " + yaml_quoted(run.name) +
      "\nrun_uuid: " + id +
      "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: " + std::to_string(run.start_ms) +
      "\nstatus: " + (run.failed ? "4" : "3") + "\ntags: []\nuser_id: " + yaml_quoted(user_name()) + "\n";
  if (!write(temp / "meta.yaml", meta, error)) return cleanup();
  for (const auto& [k, v] : run.params) {
    fs::create_directories((temp / "params" / k).parent_path(), ec);
    if (!write(temp / "params" / k, v, error)) return cleanup();
  }
  std::vector<std::pair<std::string, std::string>> tags = {{"mlflow.runName", run.name},
                                                           {"mlflow.user", user_name()},
                                                           {"mlflow.source.name", "ember"},
                                                           {"mlflow.source.type", "LOCAL"}};
  if (!run.parent_run_id.empty()) tags.emplace_back("mlflow.parentRunId", run.parent_run_id);
  tags.insert(tags.end(), run.tags.begin(), run.tags.end());
  for (const auto& [k, v] : tags) {
    fs::create_directories((temp / "tags" / k).parent_path(), ec);
    if (!write(temp / "tags" / k, v, error)) return cleanup();
  }
  // One file per key; its points in the order given.
  std::vector<std::string> keys;
  for (const MetricPoint& m : run.metrics) {
    if (std::find(keys.begin(), keys.end(), m.key) == keys.end()) keys.push_back(m.key);
  }
  for (const std::string& k : keys) {
    std::string lines;
    for (const MetricPoint& m : run.metrics) {
      if (m.key == k)
        lines +=
            std::to_string(run.end_ms) + " " + shortest_number(m.value) + " " + std::to_string(m.step) + "\n";
    }
    fs::create_directories((temp / "metrics" / k).parent_path(), ec);
    if (!write(temp / "metrics" / k, lines, error)) return cleanup();
  }
  for (const auto& [file, bytes] : run.artifacts) {
    if (!write(temp / "artifacts" / file, bytes, error)) return cleanup();
  }
  fs::rename(temp, final_dir, ec);
  if (ec) {
    *error = Error{final_dir.string(), 0, 0, "cannot move the run into place: " + ec.message()};
    return cleanup();
  }
  *run_id = id;
  return true;
}

double StoredRun::metric(const std::string& key) const {
  double v = NAN;
  std::int64_t step = INT64_MIN;
  for (const MetricPoint& m : metrics) {
    if (m.key == key && m.step >= step) {
      v = m.value;
      step = m.step;
    }
  }
  return v;
}

std::string StoredRun::param(const std::string& key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

std::string StoredRun::tag(const std::string& key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

namespace {

// Files under `dir` (recursively, for keys with '/'), by key.
bool read_keyed(const fs::path& dir, std::vector<std::pair<std::string, std::string>>* out, Error* error) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string text;
    if (!read_text(it->path(), &text)) {
      *error = Error{it->path().string(), 0, 0, "cannot read"};
      return false;
    }
    out->emplace_back(fs::relative(it->path(), dir).generic_string(), text);
  }
  std::sort(out->begin(), out->end());
  return true;
}

}  // namespace

bool read_runs(const std::string& root_text, std::vector<StoredRun>* out, Error* error) {
  out->clear();
  const fs::path root(root_text);
  std::error_code ec;
  if (!fs::exists(root, ec)) return true;
  for (const auto& exp : fs::directory_iterator(root, ec)) {
    const std::string exp_id = exp.path().filename().string();
    if (!exp.is_directory() || !numeric_name(exp_id)) continue;
    std::string exp_meta;
    read_text(exp.path() / "meta.yaml", &exp_meta);
    const std::string exp_name = yaml_get(read_yaml(exp_meta), "name");
    for (const auto& entry : fs::directory_iterator(exp.path(), ec)) {
      std::string meta;
      if (!entry.is_directory() || entry.path().filename().string()[0] == '.' ||
          !read_text(entry.path() / "meta.yaml", &meta))
        continue;
      const auto y = read_yaml(meta);
      StoredRun r;
      r.experiment_id = exp_id;
      r.experiment = exp_name;
      r.run_id = yaml_get(y, "run_id");
      if (r.run_id.empty()) r.run_id = entry.path().filename().string();
      r.name = yaml_get(y, "run_name");
      const std::string status = yaml_get(y, "status");
      r.status = status == "1"   ? "RUNNING"
                 : status == "3" ? "FINISHED"
                 : status == "4" ? "FAILED"
                 : status == "5" ? "KILLED"
                                 : status;
      r.start_ms = std::atoll(yaml_get(y, "start_time").c_str());
      r.end_ms = std::atoll(yaml_get(y, "end_time").c_str());
      std::vector<std::pair<std::string, std::string>> metric_files;
      if (!read_keyed(entry.path() / "params", &r.params, error) ||
          !read_keyed(entry.path() / "tags", &r.tags, error) ||
          !read_keyed(entry.path() / "metrics", &metric_files, error))
        return false;
      for (const auto& [key, text] : metric_files) {
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
          std::istringstream fields(line);
          std::string ts, value, step;
          if (!(fields >> ts >> value)) continue;
          fields >> step;
          MetricPoint p;
          p.key = key;
          p.value = std::strtod(value.c_str(), nullptr);
          p.step = std::atoll(step.c_str());
          r.metrics.push_back(p);
        }
      }
      std::stable_sort(r.metrics.begin(), r.metrics.end(), [](const MetricPoint& a, const MetricPoint& b) {
        return a.key != b.key ? a.key < b.key : a.step < b.step;
      });
      r.parent_run_id = r.tag("mlflow.parentRunId");
      for (const auto& a : fs::directory_iterator(entry.path() / "artifacts", ec))
        r.artifacts.push_back(a.path().filename().string());
      std::sort(r.artifacts.begin(), r.artifacts.end());
      out->push_back(std::move(r));
    }
  }
  std::sort(out->begin(), out->end(), [](const StoredRun& a, const StoredRun& b) {
    return a.start_ms != b.start_ms ? a.start_ms > b.start_ms : a.run_id < b.run_id;
  });
  return true;
}

}  // namespace ember::host
