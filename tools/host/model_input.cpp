#include "host/model_input.h"

#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>

#include "host/suggest.h"

namespace ember::host {

namespace {

// `text` as a code below `limit` written as std::to_string writes it (no
// sign, no leading zero, no spaces): the label of a code in a model whose
// file gives no labels.
bool decimal_code(const std::string& text, std::uint32_t limit, std::uint32_t* code) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v >= limit) return false;
  *code = static_cast<std::uint32_t>(v);
  return true;
}

std::string float_text(float v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

// predict_batch over in.rows into *out; an unknown category under an
// "error" policy is reported with its row, column and label.
bool run_batch(const std::string& path, const LoadedModel& lm, const ModelInput& in, Output kind,
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
  // The unknown code came out of an earlier step (a fill or an ordinal
  // value outside the one-hot's categories): find its row.
  std::vector<unsigned char> one(scratch_bytes(m));
  std::vector<float> row_out(out_width);
  for (std::size_t r = 0; r < n; ++r) {
    const Status rs = predict(m, Span<const float>(in.rows.data() + r * width, width),
                              Span<unsigned char>(one.data(), one.size()), kind,
                              Span<float>(row_out.data(), row_out.size()));
    if (rs == Status::unknown_category) {
      error->message = "row " + std::to_string(r + 1) + ": " + status_name(rs) +
                       ": a pipeline step met a category code outside those it knows";
      return false;
    }
  }
  return false;
}

}  // namespace

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
    // The model's code of each label in the CSV; k (unknown) for a label
    // the model does not have. Without labels in the file, code c is the
    // label "c": parsed, never made for every declared code.
    const auto unknown = static_cast<float>(m.n_categories[j]);
    std::vector<float> by_csv_code(col.labels.size(), unknown);
    const auto& labels = lm.categories[j];
    if (labels.empty()) {
      for (std::size_t c = 0; c < col.labels.size(); ++c) {
        std::uint32_t code = 0;
        if (decimal_code(col.labels[c], m.n_categories[j], &code)) by_csv_code[c] = static_cast<float>(code);
      }
    } else {
      std::unordered_map<std::string_view, float> code;
      code.reserve(labels.size());
      for (std::size_t c = 0; c < labels.size(); ++c) code.emplace(labels[c], static_cast<float>(c));
      for (std::size_t c = 0; c < col.labels.size(); ++c) {
        const auto it = code.find(col.labels[c]);
        if (it != code.end()) by_csv_code[c] = it->second;
      }
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
  const std::size_t n = in.table.rows, width = m.n_features;
  const auto column_name = [&](std::size_t j) -> const std::string& {
    return in.table.columns[static_cast<std::size_t>(in.columns[j])].name;
  };
  // An infinite input is refused wherever it is, so that no output (label,
  // probabilities, value) is made from it.
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < width; ++j) {
      const float v = in.rows[r * width + j];
      if (std::isinf(v)) {
        *error = Error{path, 0, 0,
                       "row " + std::to_string(r + 1) + ": column '" + column_name(j) + "' is " +
                           (v < 0 ? "-inf" : "inf") +
                           "; infinite values are refused (an empty cell is a missing value)"};
        return false;
      }
    }
  }
  // Finite inputs can still overflow the model's scores (a huge value times
  // a weight); the label output would hide that, so the scores are checked.
  std::vector<float> raw;
  if (!run_batch(path, lm, in, Output::raw, &raw, error)) return false;
  const std::size_t n_raw = output_size(m, Output::raw);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t k = 0; k < n_raw; ++k) {
      const float v = raw[r * n_raw + k];
      if (std::isfinite(v)) continue;
      // The likely cause: a missing number that no step fills in (NaN
      // through a linear model), else the largest value.
      std::string largest, missing;
      float top = -1.0f;
      for (std::size_t j = 0; j < width; ++j) {
        const float x = in.rows[r * width + j];
        if (m.n_categories[j] != 0) continue;
        if (std::isnan(x) && missing.empty() && std::isnan(v)) {
          missing = " (column '" + column_name(j) + "' is missing, and the model does not fill it in)";
        } else if (!std::isnan(x) && std::fabs(x) > top) {
          top = std::fabs(x);
          largest = " (the largest in magnitude: column '" + column_name(j) + "' = " + float_text(x) + ")";
        }
      }
      if (!missing.empty()) largest = missing;
      *error = Error{path, 0, 0,
                     "row " + std::to_string(r + 1) + ": the model's output is not a finite number (" +
                         float_text(v) + ") for this row's values" + largest};
      return false;
    }
  }
  if (kind == Output::raw) {
    *out = std::move(raw);
    return true;
  }
  return run_batch(path, lm, in, kind, out, error);
}

}  // namespace ember::host
