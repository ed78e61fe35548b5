#include "host/model_input.h"

#include <cmath>
#include <map>

#include "host/suggest.h"

namespace ember::host {

bool read_model_input(const std::string& path, const LoadedModel& lm, CsvOptions options, ModelInput* out,
                      Error* error) {
  Table& table = out->table;
  if (!read_csv(path, options, &table, error)) return false;
  std::vector<std::string> names;
  for (const auto& c : table.columns) names.push_back(c.name);
  const Model& m = lm.model;
  bool retype = false;
  out->columns.clear();
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    const std::string& name = lm.feature_names[j];
    const int index = table.index_of(name);
    if (index < 0) {
      *error = Error{path, 0, 0, "missing column '" + name + "' that the model needs"};
      const auto close = close_matches(name, names);
      if (!close.empty()) error->message += "; did you mean " + quoted_list(close) + "?";
      return false;
    }
    out->columns.push_back(index);
    const auto want = m.n_categories[j] ? ColumnType::categorical : ColumnType::numeric;
    if (table.columns[static_cast<std::size_t>(index)].type != want) {
      options.column_types.emplace_back(name, want);
      retype = true;
    }
  }
  if (retype && !read_csv(path, options, &table, error)) return false;
  encode_model_rows(lm, out);
  return true;
}

bool model_input_from_table(const Table& table, const LoadedModel& lm, ModelInput* out, Error* error) {
  out->table = table;
  out->columns.clear();
  const Model& m = lm.model;
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    const int index = table.index_of(lm.feature_names[j]);
    const auto want = m.n_categories[j] ? ColumnType::categorical : ColumnType::numeric;
    if (index < 0 || table.columns[static_cast<std::size_t>(index)].type != want) {
      *error = Error{"", 0, 0,
                     "the model's feature '" + lm.feature_names[j] + "' is not a " + column_type_name(want) +
                         " column of the table"};
      return false;
    }
    out->columns.push_back(index);
  }
  encode_model_rows(lm, out);
  return true;
}

void encode_model_rows(const LoadedModel& lm, ModelInput* out) {
  const Table& table = out->table;
  const Model& m = lm.model;
  const std::size_t n = table.rows, width = m.n_features;
  out->rows.assign(n * width, 0.0f);
  for (std::size_t j = 0; j < width; ++j) {
    const Column& col = table.columns[static_cast<std::size_t>(out->columns[j])];
    if (m.n_categories[j] == 0) {
      for (std::size_t r = 0; r < n; ++r) out->rows[r * width + j] = col.values[r];
      continue;
    }
    std::map<std::string, float> code;
    for (std::size_t c = 0; c < lm.categories[j].size(); ++c)
      code[lm.categories[j][c]] = static_cast<float>(c);
    std::vector<float> by_csv_code(col.labels.size());
    for (std::size_t c = 0; c < col.labels.size(); ++c) {
      const auto it = code.find(col.labels[c]);
      by_csv_code[c] = it == code.end() ? static_cast<float>(m.n_categories[j]) : it->second;
    }
    for (std::size_t r = 0; r < n; ++r) {
      const std::int32_t c = col.codes[r];
      out->rows[r * width + j] = c < 0 ? NAN : by_csv_code[static_cast<std::size_t>(c)];
    }
  }
}

bool class_indices(const Column& target, std::size_t rows, const LoadedModel& lm,
                   std::vector<std::int32_t>* y, std::size_t* bad_row, std::string* bad_label) {
  std::map<std::string, std::int32_t> index;
  for (std::size_t k = 0; k < lm.class_labels.size(); ++k)
    index[lm.class_labels[k]] = static_cast<std::int32_t>(k);
  y->assign(rows, 0);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string& label = target.labels[static_cast<std::size_t>(target.codes[i])];
    const auto it = index.find(label);
    if (it == index.end()) {
      *bad_row = i;
      *bad_label = label;
      return false;
    }
    (*y)[i] = it->second;
  }
  return true;
}

bool predict_rows(const std::string& path, const LoadedModel& lm, const ModelInput& in, Output kind,
                  std::vector<float>* out, Error* error) {
  const Model& m = lm.model;
  const std::size_t n = in.table.rows, width = m.n_features, out_width = output_size(m, kind);
  out->assign(n * out_width, 0.0f);
  std::vector<unsigned char> scratch(batch_scratch_bytes(m));
  const Status s = predict_batch(m, MatrixView<const float>{in.rows.data(), n, width, width},
                                 Span<unsigned char>(scratch.data(), scratch.size()), kind,
                                 MatrixView<float>{out->data(), n, out_width, out_width});
  if (s == Status::ok) return true;
  *error = Error{path, 0, 0, std::string(status_name(s)) + ": " + status_description(s)};
  if (s != Status::unknown_category) return false;
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < width; ++j) {
      if (m.n_categories[j] && in.rows[r * width + j] == static_cast<float>(m.n_categories[j])) {
        const Column& col = in.table.columns[static_cast<std::size_t>(in.columns[j])];
        error->message = "row " + std::to_string(r + 1) + ": column '" + col.name + "' has category '" +
                         col.labels[static_cast<std::size_t>(col.codes[r])] +
                         "' that the model did not see in training";
        return false;
      }
    }
  }
  return false;
}

}  // namespace ember::host
