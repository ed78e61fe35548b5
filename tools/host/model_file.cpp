#include "host/model_file.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "ember/runtime/metadata.h"
#include "host/file_io.h"
#include "host/safe_text.h"

namespace ember::host {

namespace {

// The records by key, read in one pass (the first of a repeated key wins,
// as find_metadata does). Every key is checked as text (no control
// character at all: keys are identifiers).
using RecordIndex = std::unordered_map<std::string_view, MetadataEntry>;

bool index_records(const Model& m, RecordIndex* index, std::string* problem) {
  MetadataCursor c = metadata_records(m);
  MetadataEntry e;
  for (std::uint32_t r = 1; metadata_next(&c, &e); ++r) {
    const std::string_view key(e.key, e.key_size);
    const std::string why = text_problem(key);
    if (!why.empty()) {
      *problem = "metadata key of record " + std::to_string(r) + ": " + why;
      return false;
    }
    index->emplace(key, e);
  }
  return true;
}

const MetadataEntry* find(const RecordIndex& index, const std::string& key, format::MetadataType type) {
  const auto it = index.find(key);
  return it == index.end() || it->second.type != type ? nullptr : &it->second;
}

// The strings of `key` when it is a string list of `count` entries (*found
// false and nothing read otherwise), each checked as text and, when
// `unique` names what they are ("names", "labels"), for repeats.
bool string_list(const RecordIndex& index, const std::string& key, std::size_t count, const char* unique,
                 std::vector<std::string>* out, bool* found, std::string* problem) {
  *found = false;
  const MetadataEntry* e = find(index, key, format::MetadataType::string_list);
  if (e == nullptr || e->count != count) return true;
  std::vector<std::string> values;
  values.reserve(count);
  MetadataStringCursor c = metadata_strings(*e);
  const char* text = nullptr;
  std::uint32_t size = 0;
  while (metadata_next_string(&c, &text, &size)) {
    const std::string why = text_problem(std::string_view(text, size), true);
    if (!why.empty()) {
      *problem = "metadata '" + key + "', entry " + std::to_string(values.size() + 1) + ": " + why;
      return false;
    }
    values.emplace_back(text, size);
  }
  if (unique != nullptr) {
    std::unordered_map<std::string_view, std::size_t> seen;
    seen.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto [it, fresh] = seen.emplace(values[i], i);
      if (!fresh) {
        *problem = "metadata '" + key + "': '" + values[i] + "' appears twice (entries " +
                   std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + "); " + unique +
                   " must be unique";
        return false;
      }
    }
  }
  *out = std::move(values);
  *found = true;
  return true;
}

// The text of a string record, checked; false with *problem when it is not
// text, true (leaving *out) when the record is absent or of another type.
bool single_string(const RecordIndex& index, const std::string& key, std::string* out, std::string* problem) {
  const MetadataEntry* e = find(index, key, format::MetadataType::string);
  if (e == nullptr) return true;
  const std::string_view text(reinterpret_cast<const char*>(e->payload), e->count);
  const std::string why = text_problem(text, true);
  if (!why.empty()) {
    *problem = "metadata '" + key + "': " + why;
    return false;
  }
  out->assign(text);
  return true;
}

std::string float_text(float v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

// An f32 list of one value per model input (nothing when the file has no
// such list), each value in [low, high] and, with `whole`, an integer.
bool feature_floats(const Model& m, const RecordIndex& index, const std::string& key, double low, double high,
                    bool whole, const char* what, std::vector<float>* out, std::string* problem) {
  out->clear();
  const MetadataEntry* e = find(index, key, format::MetadataType::f32_list);
  const float* values = nullptr;
  if (e == nullptr || e->count != m.model_features || metadata_floats(*e, &values) != Status::ok) return true;
  for (std::uint32_t i = 0; i < e->count; ++i) {
    const double v = static_cast<double>(values[i]);
    if (!(v >= low && v <= high) || (whole && std::floor(v) != v)) {
      *problem = "metadata '" + key + "', entry " + std::to_string(i + 1) + ": " + float_text(values[i]) +
                 " is not " + what;
      return false;
    }
  }
  out->assign(values, values + e->count);
  return true;
}

// What a file that does not start with the magic bytes seems to be.
std::string not_a_model(const unsigned char* bytes, std::size_t size) {
  if (size == 0) return "empty file (0 bytes); this is not an ember model file";
  // Text: the first 4 KiB are UTF-8 without control characters other than
  // tab and line ends (a character cut at the end of the sample is fine).
  const std::size_t sample = size < 4096 ? size : 4096;
  std::string_view head(reinterpret_cast<const char*>(bytes), sample);
  bool text = true, delimited = false, in_first_line = true;
  std::string line;
  for (std::size_t start = 0; start < head.size() && text;) {
    std::size_t end = head.find_first_of("\t\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view piece = head.substr(start, end - start);
    std::string why = text_problem(piece);
    if (!why.empty() && end == head.size() && sample < size) {
      // Maybe only a character cut by the sample: drop up to 3 bytes.
      for (std::size_t cut = 1; cut <= 3 && cut <= piece.size() && !why.empty(); ++cut)
        why = text_problem(piece.substr(0, piece.size() - cut));
    }
    text = why.empty();
    if (in_first_line && piece.find_first_of(",;") != std::string_view::npos) delimited = true;
    if (end < head.size() && head[end] == '\t' && in_first_line) delimited = true;
    if (end < head.size() && (head[end] == '\n' || head[end] == '\r')) in_first_line = false;
    start = end + 1;
  }
  if (text) {
    return std::string("this is not an ember model file (it looks like ") +
           (delimited ? "CSV text)" : "text)");
  }
  return "this is not an ember model file (it does not start with 'EMBR')";
}

}  // namespace

std::string LoadedModel::category_label(std::size_t feature, std::uint32_t code) const {
  const auto& labels = categories[feature];
  return code < labels.size() ? labels[code] : std::to_string(code);
}

bool load_model_file(const std::string& path, LoadedModel* out, Error* error) {
  if (!read_file_aligned(path, &out->storage, &out->size, error)) return false;
  if (load_model_storage(out, error)) return true;
  error->file = path;
  return false;
}

bool load_model_storage(LoadedModel* out, Error* error) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(out->storage.data());
  if (out->size < sizeof format::kMagic || std::memcmp(bytes, format::kMagic, sizeof format::kMagic) != 0) {
    error->message = not_a_model(bytes, out->size);
    return false;
  }
  const Status s = load_model(out->storage.data(), out->size, &out->model);
  if (s != Status::ok) {
    error->message = std::string(status_name(s)) + ": " + status_description(s);
    return false;
  }
  const Model& m = out->model;
  RecordIndex index;
  std::string problem;
  bool found = false;
  const auto refuse = [&]() {
    error->message = problem;
    return false;
  };
  if (!index_records(m, &index, &problem)) return refuse();
  if (!string_list(index, "features", m.n_features, "names", &out->feature_names, &found, &problem))
    return refuse();
  if (!found) {
    out->feature_names.clear();
    for (std::uint32_t j = 0; j < m.n_features; ++j) out->feature_names.push_back("x" + std::to_string(j));
  }
  out->categories.assign(m.n_features, {});
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    if (m.n_categories[j] == 0) continue;
    if (!string_list(index, "categories." + std::to_string(j), m.n_categories[j], "labels",
                     &out->categories[j], &found, &problem)) {
      return refuse();
    }
  }
  if (!string_list(index, "classes", m.n_classes, "labels", &out->class_labels, &found, &problem))
    return refuse();
  if (!found) {
    out->class_labels.clear();
    for (std::uint32_t c = 0; c < m.n_classes; ++c) out->class_labels.push_back(std::to_string(c));
  }
  if (!string_list(index, "model_features", m.model_features, nullptr, &out->model_input_names, &found,
                   &problem)) {
    return refuse();
  }
  if (!found) {
    out->model_input_names.clear();
    for (std::uint32_t j = 0; j < m.model_features; ++j) {
      out->model_input_names.push_back(m.n_steps == 0 ? out->feature_names[j] : "m" + std::to_string(j));
    }
  }
  if (!string_list(index, "steps", m.n_steps, nullptr, &out->step_descriptions, &found, &problem))
    return refuse();
  if (!found) out->step_descriptions.clear();
  out->target.clear();
  out->model_type.clear();
  if (!single_string(index, "target", &out->target, &problem)) return refuse();
  if (!single_string(index, "model", &out->model_type, &problem)) return refuse();
  if (!out->target.empty()) {
    for (std::size_t j = 0; j < out->feature_names.size(); ++j) {
      if (out->feature_names[j] == out->target) {
        error->message = "metadata 'target': '" + out->target + "' is also the name of feature " +
                         std::to_string(j + 1) + "; a model cannot take its own target as an input";
        return false;
      }
    }
  }
  // Shares of the split gain and split counts (whole numbers that a float
  // holds; a u32 count may round up to 2^32).
  if (!feature_floats(m, index, "importance.gain", 0.0, 1.0, false, "a gain share (a number from 0 to 1)",
                      &out->importance_gain, &problem) ||
      !feature_floats(m, index, "importance.splits", 0.0, 4294967296.0, true,
                      "a split count (a whole number from 0 to 2^32)", &out->importance_splits, &problem)) {
    return refuse();
  }
  if (out->importance_gain.empty() || out->importance_splits.empty()) {
    out->importance_gain.clear();
    out->importance_splits.clear();
  }
  return true;
}

}  // namespace ember::host
