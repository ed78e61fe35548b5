// ember quantize: a float model file into an integer one (model_format.h,
// "Integer models"), with the calibration rows' scales and a report of
// what it costs on them.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "command.h"
#include "host/file_io.h"
#include "host/json_writer.h"
#include "host/model_file.h"
#include "host/model_input.h"
#include "host/quant_report.h"
#include "host/quantize.h"
#include "host/text.h"

namespace ember::cli {

namespace {

bool usage(std::string* error, const std::string& message) {
  *error = message;
  return false;
}

struct Request {
  std::string model, calibration, output;
  host::QuantizeOptions options;
};

bool parse_number(const std::string& text, double* v) {
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(*v);
}

// COL=S or COL=S,Z.
bool parse_scale(const std::string& text, host::StatedScale* s, std::string* error) {
  const std::size_t eq = text.rfind('=');
  *error = "--input-scale " + text + ": expected COL=S or COL=S,Z (S a positive number, Z a whole number in" +
           " -32767..32767)";
  if (eq == std::string::npos || eq == 0) return false;
  s->column = text.substr(0, eq);
  const std::string rest = text.substr(eq + 1);
  const std::size_t comma = rest.find(',');
  double scale = 0, zero = 0;
  if (!parse_number(rest.substr(0, comma), &scale) || !(scale > 0) || scale > 3.4e38) return false;
  if (comma != std::string::npos &&
      (!parse_number(rest.substr(comma + 1), &zero) || zero != std::floor(zero) || std::fabs(zero) > 32767))
    return false;
  s->scale = scale;
  s->zero_point = static_cast<std::int32_t>(zero);
  return true;
}

bool parse_request(const ParsedArgs& args, Request* r, std::string* error) {
  r->model = args.positional[0];
  r->calibration = args.get("calibration");
  r->output = args.get("output");
  if (r->calibration.empty()) return usage(error, "--calibration DATA.csv is required");
  if (r->output.empty()) return usage(error, "-o OUT.ember is required");
  const std::string bits = args.get("bits", "16");
  if (bits != "8" && bits != "16") return usage(error, "--bits must be 8 or 16, not '" + bits + "'");
  r->options.bits = bits == "8" ? 8u : 16u;
  const std::string inputs = args.get("inputs", "float");
  if (inputs != "float" && inputs != "int16")
    return usage(error, "--inputs must be float or int16, not '" + inputs + "'");
  r->options.inputs.native = inputs == "int16";
  const std::string range = args.get("range", "minmax");
  if (range.rfind("percentile:", 0) == 0) {
    double p = 0;
    if (!parse_number(range.substr(11), &p) || !(p > 0 && p < 50))
      return usage(error, "--range percentile:P needs P in (0, 50), not '" + range.substr(11) + "'");
    r->options.inputs.percentile = p;
  } else if (range != "minmax") {
    return usage(error, "--range must be minmax or percentile:P, not '" + range + "'");
  }
  for (const std::string& s : args.all("input-scale")) {
    host::StatedScale stated;
    if (!parse_scale(s, &stated, error)) return false;
    r->options.inputs.stated.push_back(stated);
  }
  return true;
}

std::string num(double v, const char* format = "%.6g") {
  return std::isnan(v) ? "-" : host::format_number(format, v);
}

void print_json(const Request& q, const host::LoadedModel& lm, const host::QuantizeResult& r,
                const host::QuantComparison& c) {
  const Model& m = lm.model;
  host::JsonWriter j;
  j.begin_object().key("model").value(q.model).key("output").value(q.output);
  j.key("kind").value(r.trees ? "trees" : "linear").key("weight_bits");
  if (r.trees)
    j.null();
  else
    j.value(static_cast<std::uint64_t>(q.options.bits));
  j.key("inputs_type").value(q.options.inputs.native ? "int16" : "float");
  j.key("out_frac_bits").value(static_cast<std::uint64_t>(r.out_frac_bits));
  j.key("link_error").value(std::ldexp(static_cast<double>(r.link_error), -32));
  j.key("inputs").begin_array();
  for (std::uint32_t f = 0; f < m.n_features; ++f) {
    j.begin_object().key("name").value(lm.feature_names[f]);
    j.key("type").value(m.n_categories[f] ? "categorical" : "numeric");
    j.key("scale")
        .value(r.scales.scale[f])
        .key("zero_point")
        .value(static_cast<std::int64_t>(r.scales.zero_point[f]));
    j.key("missing_code").value(static_cast<std::int64_t>(r.scales.inputs[f].missing_code));
    j.key("rule")
        .value(r.scales.rule[f])
        .key("low")
        .value(r.scales.low[f])
        .key("high")
        .value(r.scales.high[f]);
    j.end_object();
  }
  j.end_array();
  if (r.trees) {
    j.key("nodes").value(r.tree_stats.nodes).key("cuts").value(r.tree_stats.cuts);
    j.key("reversed_splits").value(r.tree_stats.reversed).key("constant_splits").value(r.tree_stats.constant);
    j.key("decisions_checked").value(r.tree_stats.decisions_checked);
  } else {
    const host::LinearQuantStats& s = r.linear_stats;
    j.key("terms").begin_object().key("linear").value(static_cast<std::uint64_t>(s.linear));
    j.key("bins")
        .value(static_cast<std::uint64_t>(s.bins))
        .key("category")
        .value(static_cast<std::uint64_t>(s.category));
    j.key("none").value(static_cast<std::uint64_t>(s.none)).end_object();
  }
  j.key("unaligned_thresholds").value(static_cast<std::uint64_t>(r.unaligned_thresholds));
  j.key("rows").value(static_cast<std::uint64_t>(c.rows)).key("has_target").value(c.has_target);
  if (c.classification) {
    j.key("accuracy_float").value(c.accuracy_float).key("accuracy_integer").value(c.accuracy_integer);
    j.key("auc_float").value(c.auc_float).key("auc_integer").value(c.auc_integer);
    j.key("agreement").value(c.agreement).key("max_probability_error").value(c.max_probability_error);
  } else {
    j.key("rmse_float").value(c.rmse_float).key("rmse_integer").value(c.rmse_integer);
    j.key("max_abs_error").value(c.max_abs_error);
  }
  j.key("bytes_float").value(static_cast<std::uint64_t>(m.file_size));
  j.key("bytes_integer").value(static_cast<std::uint64_t>(r.size));
  j.end_object();
  std::printf("%s\n", j.str().c_str());
}

void print_inputs(const Request& q, const host::LoadedModel& lm, const host::QuantizeResult& r) {
  const Model& m = lm.model;
  std::printf("inputs      int16, missing = -32768; real = (q - zero point) x scale; %s\n",
              q.options.inputs.native ? "scales stated (--inputs int16)"
              : q.options.inputs.percentile > 0
                  ? "ranges from the calibration percentiles, widened to include 0, onto -32767..32767"
                  : "ranges from the calibration min/max, widened to include 0, onto -32767..32767");
  for (std::uint32_t f = 0; f < m.n_features; ++f) {
    if (m.n_categories[f]) {
      std::printf("  %-24s category code (%u categories)\n", lm.feature_names[f].c_str(), m.n_categories[f]);
      continue;
    }
    std::printf("  %-24s scale %-12s zero point %-7d %s", lm.feature_names[f].c_str(),
                num(r.scales.scale[f]).c_str(), r.scales.zero_point[f], r.scales.rule[f].c_str());
    if (!std::isnan(r.scales.low[f]))
      std::printf(" [%s, %s]", num(r.scales.low[f]).c_str(), num(r.scales.high[f]).c_str());
    std::printf("\n");
  }
}

void print_text(const Request& q, const host::LoadedModel& lm, const host::QuantizeResult& r,
                const host::QuantComparison& c) {
  const Model& m = lm.model;
  std::printf("%s -> %s: integer %s, raw outputs Q%u, link error %s\n", q.model.c_str(), q.output.c_str(),
              r.trees ? "tree ensemble" : "linear model", r.out_frac_bits,
              num(std::ldexp(static_cast<double>(r.link_error), -32), "%.2g").c_str());
  print_inputs(q, lm, r);
  if (r.trees) {
    const host::TreeQuantStats& s = r.tree_stats;
    std::printf(
        "trees       %llu nodes, %llu cuts, %llu splits reversed, %llu one-way; every decision equal to the"
        " float one on every int16 input, missing and code (%llu compared)\n",
        static_cast<unsigned long long>(s.nodes), static_cast<unsigned long long>(s.cuts),
        static_cast<unsigned long long>(s.reversed), static_cast<unsigned long long>(s.constant),
        static_cast<unsigned long long>(s.decisions_checked));
    if (q.options.bits == 8)
      std::printf("note        --bits sets linear weights; trees have none (leaves are int32)\n");
  } else {
    const host::LinearQuantStats& s = r.linear_stats;
    std::printf(
        "linear      int%u weights, int64 accumulator; terms: %u linear, %u bins, %u category, %u none\n",
        q.options.bits, s.linear, s.bins, s.category, s.none);
  }
  if (r.unaligned_thresholds > 0) {
    std::printf(
        "note        %zu thresholds could not be aligned with the input grid: a float input equal to one"
        " may go the other way (int16 inputs decide exactly)\n",
        r.unaligned_thresholds);
  }
  std::printf("calibration %zu rows%s\n", c.rows, c.has_target ? "" : " (no target column: agreement only)");
  if (c.classification) {
    if (c.has_target) {
      std::printf("  accuracy  float %s  integer %s\n", num(c.accuracy_float, "%.4f").c_str(),
                  num(c.accuracy_integer, "%.4f").c_str());
      if (!std::isnan(c.auc_float))
        std::printf("  auc       float %s  integer %s\n", num(c.auc_float, "%.4f").c_str(),
                    num(c.auc_integer, "%.4f").c_str());
    }
    std::printf("  class agreement %s%%, max |probability error| %s\n",
                num(100 * c.agreement, "%.2f").c_str(), num(c.max_probability_error, "%.2g").c_str());
  } else {
    if (c.has_target)
      std::printf("  rmse      float %s  integer %s\n", num(c.rmse_float).c_str(),
                  num(c.rmse_integer).c_str());
    std::printf("  max |error| %s\n", num(c.max_abs_error, "%.3g").c_str());
  }
  std::printf("size        %u bytes float -> %zu bytes integer\n", m.file_size, r.size);
}

int run_quantize(const ParsedArgs& args) {
  Request q;
  std::string why;
  host::CsvOptions csv;
  if (!parse_request(args, &q, &why) || !csv_options_from_args(args, &csv, &why))
    return usage_error("quantize", why);
  if (const int rc = check_output("quantize", q.output, {q.model, q.calibration})) return rc;
  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(q.model, &lm, &error)) return fail("quantize", error.to_string());
  // The target is read when the rows hold it (for accuracy), as eval reads it.
  if (!lm.target.empty()) {
    csv.column_types.emplace_back(
        lm.target, lm.model.n_classes ? host::ColumnType::categorical : host::ColumnType::numeric);
    csv.types_must_match_columns = false;
  }
  host::ModelInput cal;
  if (!host::read_model_input(q.calibration, lm, csv, &cal, &error))
    return fail("quantize", error.to_string());
  host::QuantizeResult r;
  if (!host::quantize_model(lm, cal, q.calibration, q.options, &r, &error))
    return fail("quantize", (error.file.empty() ? q.model + ": " : "") + error.to_string());
  host::LoadedModel qm;
  qm.storage = r.storage;
  qm.size = r.size;
  host::QuantComparison c;
  if (!host::load_model_storage(&qm, &error) || !host::compare_models(lm, qm, cal, q.calibration, &c, &error))
    return fail("quantize", error.to_string());
  const std::string_view bytes(reinterpret_cast<const char*>(r.storage.data()), r.size);
  if (!host::write_file_atomic(q.output, bytes, &error)) return fail("quantize", error.to_string());
  if (args.has("json")) {
    print_json(q, lm, r, c);
  } else {
    print_text(q, lm, r, c);
  }
  return kExitOk;
}

}  // namespace

Command quantize_command() {
  Command command;
  command.spec.name = "quantize";
  command.spec.summary = "Turn a float model into an integer (fixed-point) one; report what it costs.";
  command.spec.usage = "MODEL.ember --calibration DATA.csv -o OUT.ember [options]";
  command.spec.details =
      "The integer model reads int16 inputs (real = (q - zero point) x scale, -32768 = missing)\n"
      "and folds the whole pipeline in. Scales: by default each numeric column's calibration\n"
      "min/max (--range percentile:P: the P and 100-P percentiles), widened to include 0, onto\n"
      "-32767..32767; --inputs int16 takes every numeric column's scale from --input-scale\n"
      "COL=S[,Z] (a sensor's units; a calibration value outside int16 is an error), which also\n"
      "overrides one column otherwise. Categories keep their codes. A constant or empty\n"
      "calibration column that the model reads needs a stated scale. For trees (and binned\n"
      "columns) a scale grows by up to 2x so that an input equal to a split threshold (a\n"
      "training value) lands on the side the float model sends it.\n"
      "Trees: every split becomes a cut on one raw feature, proved equal to the float split for\n"
      "every int16 input and missing; trees after a project step, or a split that is not one step\n"
      "in the input, are refused. Linear models: one term per raw feature (a weight, bins or a\n"
      "category table), int8 or int16 weights (--bits), an int64 accumulator.\n"
      "The report compares both models on the calibration rows (accuracy, AUC, class agreement,\n"
      "max probability error; RMSE and max error for numbers) and the sizes. The file is written\n"
      "atomically, and not at all when anything fails.";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"calibration", "DATA.csv", "rows to choose scales from and to compare on (columns by name)"},
      {"output", "OUT.ember", "the integer model (written atomically)", false, 'o'},
      {"bits", "8|16", "linear models' weights (default 16)"},
      {"inputs", "float|int16", "scales from the calibration rows (default) or stated with --input-scale"},
      {"input-scale", "COL=S[,Z]", "a numeric column's scale and zero point", /*repeatable=*/true},
      {"range", "minmax|percentile:P", "the calibration range a scale covers (default minmax)"},
      {"json", "", "print one JSON object on stdout"},
  };
  add_csv_options(&command.spec);
  command.run = run_quantize;
  return command;
}

}  // namespace ember::cli
