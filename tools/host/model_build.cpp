#include "host/model_build.h"

namespace ember::host {

namespace {
StringView view(const std::string& s) { return StringView{s.data(), s.size()}; }

Status put_strings(ModelWriter& w, const std::string& key, const std::vector<std::string>& values) {
  std::vector<StringView> views;
  for (const auto& v : values) views.push_back(view(v));
  return w.metadata_strings(view(key), Span<const StringView>(views.data(), views.size()));
}
}  // namespace

bool build_model(const std::function<Status(ModelWriter&)>& fill, std::vector<std::uint64_t>* storage,
                 std::size_t* size, Error* error) {
  ModelWriter measure{Span<unsigned char>()};
  Status s = fill(measure);
  std::size_t needed = 0;
  if (s == Status::ok) s = measure.finish(&needed);
  if (s == Status::ok) {
    storage->assign((needed + 7) / 8, 0);
    ModelWriter writer{Span<unsigned char>(reinterpret_cast<unsigned char*>(storage->data()), needed)};
    s = fill(writer);
    if (s == Status::ok) s = writer.finish(size);
  }
  if (s != Status::ok) {
    *error = Error{"", 0, 0,
                   std::string("cannot write the model: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  return true;
}

Status write_metadata(ModelWriter& w, const StandardMetadata& m) {
  EMBER_TRY(put_strings(w, "features", m.feature_names));
  for (std::size_t j = 0; j < m.categories.size(); ++j) {
    if (!m.categories[j].empty())
      EMBER_TRY(put_strings(w, "categories." + std::to_string(j), m.categories[j]));
  }
  if (!m.classes.empty()) EMBER_TRY(put_strings(w, "classes", m.classes));
  if (!m.importance_gain.empty()) {
    EMBER_TRY(w.metadata_floats(view("importance.gain"),
                                Span<const float>(m.importance_gain.data(), m.importance_gain.size())));
    EMBER_TRY(w.metadata_floats(view("importance.splits"),
                                Span<const float>(m.importance_splits.data(), m.importance_splits.size())));
  }
  if (!m.model_features.empty()) EMBER_TRY(put_strings(w, "model_features", m.model_features));
  if (!m.steps.empty()) EMBER_TRY(put_strings(w, "steps", m.steps));
  EMBER_TRY(w.metadata_string(view("target"), view(m.target)));
  return w.metadata_string(view("model"), view(m.model_name));
}

}  // namespace ember::host
