#include "host/model_file.h"

#include "ember/runtime/metadata.h"
#include "host/file_io.h"

namespace ember::host {

namespace {

bool string_list(const Model& m, const std::string& key, std::vector<std::string>* out) {
  MetadataEntry e;
  if (find_metadata(m, key.data(), key.size(), &e) != Status::ok) return false;
  out->clear();
  for (std::uint32_t i = 0; i < e.count; ++i) {
    const char* text = nullptr;
    std::uint32_t size = 0;
    if (metadata_string(e, i, &text, &size) != Status::ok) return false;
    out->emplace_back(text, size);
  }
  return true;
}

bool single_string(const Model& m, const std::string& key, std::string* out) {
  MetadataEntry e;
  const char* text = nullptr;
  std::uint32_t size = 0;
  if (find_metadata(m, key.data(), key.size(), &e) != Status::ok || e.type != format::MetadataType::string ||
      metadata_string(e, 0, &text, &size) != Status::ok) {
    return false;
  }
  out->assign(text, size);
  return true;
}

// An f32 list of one value per model input, or nothing.
void feature_floats(const Model& m, const std::string& key, std::vector<float>* out) {
  MetadataEntry e;
  const float* values = nullptr;
  out->clear();
  if (find_metadata(m, key.data(), key.size(), &e) != Status::ok || e.count != m.model_features ||
      metadata_floats(e, &values) != Status::ok) {
    return;
  }
  out->assign(values, values + e.count);
}

}  // namespace

bool load_model_file(const std::string& path, LoadedModel* out, Error* error) {
  if (!read_file_aligned(path, &out->storage, &out->size, error)) return false;
  if (load_model_storage(out, error)) return true;
  error->file = path;
  return false;
}

bool load_model_storage(LoadedModel* out, Error* error) {
  const Status s = load_model(out->storage.data(), out->size, &out->model);
  if (s != Status::ok) {
    error->message = std::string(status_name(s)) + ": " + status_description(s);
    return false;
  }
  const Model& m = out->model;
  if (!string_list(m, "features", &out->feature_names) || out->feature_names.size() != m.n_features) {
    out->feature_names.clear();
    for (std::uint32_t j = 0; j < m.n_features; ++j) out->feature_names.push_back("x" + std::to_string(j));
  }
  out->categories.assign(m.n_features, {});
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    if (m.n_categories[j] == 0) continue;
    auto& labels = out->categories[j];
    if (!string_list(m, "categories." + std::to_string(j), &labels) || labels.size() != m.n_categories[j]) {
      labels.clear();
      for (std::uint32_t c = 0; c < m.n_categories[j]; ++c) labels.push_back(std::to_string(c));
    }
  }
  if (!string_list(m, "classes", &out->class_labels) || out->class_labels.size() != m.n_classes) {
    out->class_labels.clear();
    for (std::uint32_t c = 0; c < m.n_classes; ++c) out->class_labels.push_back(std::to_string(c));
  }
  if (!string_list(m, "model_features", &out->model_input_names) ||
      out->model_input_names.size() != m.model_features) {
    out->model_input_names.clear();
    for (std::uint32_t j = 0; j < m.model_features; ++j) {
      out->model_input_names.push_back(m.n_steps == 0 ? out->feature_names[j] : "m" + std::to_string(j));
    }
  }
  if (!string_list(m, "steps", &out->step_descriptions) || out->step_descriptions.size() != m.n_steps) {
    out->step_descriptions.clear();
  }
  single_string(m, "target", &out->target);
  single_string(m, "model", &out->model_type);
  feature_floats(m, "importance.gain", &out->importance_gain);
  feature_floats(m, "importance.splits", &out->importance_splits);
  if (out->importance_gain.empty() || out->importance_splits.empty()) {
    out->importance_gain.clear();
    out->importance_splits.clear();
  }
  return true;
}

}  // namespace ember::host
