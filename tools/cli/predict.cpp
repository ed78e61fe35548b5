// ember predict: run a model file on the rows of a CSV, through the same
// runtime a device uses.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "ember/runtime/predict.h"
#include "host/file_io.h"
#include "host/json_writer.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/safe_text.h"

namespace ember::cli {

namespace {

std::string format_float(float v) {
  if (std::isnan(v)) return "";
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

int run_predict(const ParsedArgs& args) {
  const std::string model_path = args.positional[0], data_path = args.positional[1];
  if (const int rc = check_output("predict", args.get("output"), {model_path, data_path})) return rc;
  host::CsvOptions options;
  if (const int rc = csv_options_or_usage(args, "predict", &options)) return rc;
  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(model_path, &lm, &error)) return fail("predict", error.to_string());
  const Model& m = lm.model;
  const bool proba = args.has("proba");
  if (proba && m.n_classes == 0)
    return fail("predict", "--proba needs a classification model; this one is regression");

  host::ModelInput in;
  if (!host::read_model_input(data_path, lm, options, &in, &error)) return fail("predict", error.to_string());
  const std::size_t n = in.table.rows;
  const Output kind = proba ? Output::probability : Output::label;
  const std::size_t out_width = output_size(m, kind);
  std::vector<float> out;
  if (!host::predict_rows(data_path, lm, in, kind, &out, &error)) return fail("predict", error.to_string());

  std::string text;
  if (args.has("json")) {
    // {"classes": [...], "probabilities": [[...], ...]} with --proba, else
    // {"predictions": [...]}: labels for classifiers, numbers for regression.
    host::JsonWriter json;
    json.begin_object();
    if (proba) {
      json.key("classes").begin_array();
      for (const auto& c : lm.class_labels) json.value(c);
      json.end_array().key("probabilities").begin_array();
      for (std::size_t r = 0; r < n; ++r) {
        json.begin_array();
        for (std::size_t c = 0; c < out_width; ++c) json.value(out[r * out_width + c]);
        json.end_array();
      }
    } else {
      json.key("predictions").begin_array();
      for (std::size_t r = 0; r < n; ++r) {
        if (m.n_classes > 0) {
          json.value(lm.class_labels[static_cast<std::size_t>(out[r])]);
        } else {
          json.value(out[r]);
        }
      }
    }
    json.end_array().end_object();
    text = json.str() + "\n";
  } else {
    if (proba) {
      for (std::size_t c = 0; c < m.n_classes; ++c)
        text += (c ? "," : "") + host::csv_text_cell("proba_" + lm.class_labels[c]);
    } else {
      text += "prediction";
    }
    text += '\n';
    for (std::size_t r = 0; r < n; ++r) {
      if (proba) {
        for (std::size_t c = 0; c < out_width; ++c)
          text += (c ? "," : "") + format_float(out[r * out_width + c]);
      } else if (m.n_classes > 0) {
        text += host::csv_text_cell(lm.class_labels[static_cast<std::size_t>(out[r])]);
      } else {
        text += format_float(out[r]);
      }
      text += '\n';
    }
  }
  if (args.has("output")) {
    if (!host::write_file_atomic(args.get("output"), text, &error)) return fail("predict", error.to_string());
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return kExitOk;
}

}  // namespace

Command predict_command() {
  Command command;
  command.spec.name = "predict";
  command.spec.summary = "Predict the rows of a CSV with a model file; CSV out.";
  command.spec.usage = "MODEL.ember DATA.csv [options]";
  command.spec.details =
      "Columns are matched to the model's features by name, in any order; other columns\n"
      "are ignored and a missing one is an error. A category the model never saw goes\n"
      "right at a tree's categorical split; a one-hot step gives it zeros or, if the\n"
      "model was written so, refuses it with an error naming the row.\n"
      "Output: one column 'prediction' (the class label, or the value), or with --proba\n"
      "one column per class, 'proba_<label>'. CSV cells are quoted as RFC 4180 requires,\n"
      "and a label that starts with = + - @ (and is not a plain number) gets a leading '\n"
      "so that a spreadsheet does not run it as a formula; --json writes labels as they are.\n"
      "An empty cell (or NA, NaN, ...) is a missing value; inf or -inf in a numeric column\n"
      "is an error naming the row and column (exit 1, nothing written), as is a row whose\n"
      "scores overflow to inf or NaN.";
  command.spec.min_positional = 2;
  command.spec.max_positional = 2;
  command.spec.options = {
      {"output", "OUT.csv", "write here (atomically) instead of stdout", false, 'o'},
      {"proba", "", "class probabilities instead of labels"},
      {"json", "", "one JSON object instead of CSV: predictions, or classes and probabilities"},
  };
  add_csv_options(&command.spec);
  command.run = run_predict;
  return command;
}

}  // namespace ember::cli
