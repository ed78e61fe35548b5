// ember describe: an exploratory look at a CSV file (host/data_profile.h
// computes; this file formats it as text, JSON or the HTML report).
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "command.h"
#include "host/data_profile.h"
#include "host/file_io.h"
#include "host/html_report.h"
#include "host/json_writer.h"
#include "params.h"

namespace ember::cli {

namespace {

// The correlation matrix is printed as text up to this many columns.
constexpr std::size_t kMaxTextMatrix = 12;

using host::format_statistic;

// Names and labels are UTF-8: the text report cuts and pads them by
// characters (code points), never inside one.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1u : 0u;
  return n;
}

// `s` cut to at most `width` characters and padded with spaces to `width`,
// on the left when `right` (right-aligned) or on the right.
std::string fit(std::string_view s, std::size_t width, bool right = false) {
  std::size_t bytes = 0, n = 0;
  while (bytes < s.size()) {
    std::size_t next = bytes + 1;
    while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
    if (n == width) break;
    bytes = next;
    ++n;
  }
  const std::string cut(s.substr(0, bytes)), pad(width - n, ' ');
  return right ? pad + cut : cut + pad;
}

const char* target_kind_name(host::TargetKind kind) {
  return kind == host::TargetKind::classes ? "classes" : "numeric";
}

void json_label_counts(const std::vector<host::LabelCount>& counts, host::JsonWriter* json) {
  json->begin_array();
  for (const auto& c : counts) {
    json->begin_object().key("label").value(c.label).key("count").value(static_cast<std::uint64_t>(c.count));
    json->end_object();
  }
  json->end_array();
}

void json_summary(const host::ColumnProfile& c, host::JsonWriter* json) {
  json->key("mean").value(c.mean).key("std").value(c.std_dev).key("min").value(c.min);
  json->key("q25").value(c.q25).key("median").value(c.median).key("q75").value(c.q75);
  json->key("max").value(c.max).key("skew").value(c.skew);
}

std::string describe_json(const host::DataProfile& p, const std::string& path) {
  host::JsonWriter json;
  json.begin_object().key("file").value(path).key("rows").value(static_cast<std::uint64_t>(p.rows));
  json.key("n_columns").value(static_cast<std::uint64_t>(p.columns.size()));
  json.key("target");
  if (p.target.kind == host::TargetKind::none) {
    json.null();
  } else {
    const host::ColumnProfile& t = p.columns[static_cast<std::size_t>(p.target.column)];
    json.begin_object().key("name").value(t.name).key("kind").value(target_kind_name(p.target.kind));
    if (p.target.kind == host::TargetKind::classes) {
      json.key("classes");
      json_label_counts(p.target.classes, &json);
    } else {
      json.key("summary").begin_object();
      json_summary(t, &json);
      json.end_object();
    }
    json.end_object();
  }
  json.key("columns").begin_array();
  for (const auto& c : p.columns) {
    json.begin_object().key("name").value(c.name).key("type").value(host::column_type_name(c.type));
    json.key("missing")
        .value(static_cast<std::uint64_t>(c.missing))
        .key("missing_fraction")
        .value(c.missing_fraction);
    json.key("pos_inf").value(static_cast<std::uint64_t>(c.pos_inf));
    json.key("neg_inf").value(static_cast<std::uint64_t>(c.neg_inf));
    json.key("distinct").value(static_cast<std::uint64_t>(c.distinct));
    json_summary(c, &json);
    json.key("zeros").value(c.zeros).key("top");
    json_label_counts(c.top, &json);
    json.end_object();
  }
  json.end_array();
  const std::size_t k = p.correlation_columns.size();
  json.key("correlation").begin_object().key("columns").begin_array();
  for (std::size_t j : p.correlation_columns) json.value(p.columns[j].name);
  json.end_array().key("matrix").begin_array();
  for (std::size_t a = 0; a < k; ++a) {
    json.begin_array();
    for (std::size_t b = 0; b < k; ++b) json.value(p.correlation[a * k + b]);
    json.end_array();
  }
  json.end_array().key("numeric_features").value(static_cast<std::uint64_t>(p.numeric_features));
  json.key("capped").value(p.correlation_capped).end_object();
  json.key("top_pairs").begin_array();
  for (const auto& pair : p.top_pairs) {
    json.begin_object().key("a").value(p.columns[pair.a].name).key("b").value(p.columns[pair.b].name);
    json.key("r").value(pair.r).end_object();
  }
  json.end_array().key("vif").begin_array();
  for (std::size_t j = 0; j < p.vif.size(); ++j) {
    json.begin_object().key("column").value(p.columns[p.vif_columns[j]].name).key("vif").value(p.vif[j]);
    json.end_object();
  }
  json.end_array().key("warnings").begin_array();
  for (const auto& w : p.warnings) json.value(w);
  json.end_array().key("notes").begin_array();
  for (const auto& n : p.notes) json.value(n);
  json.end_array().end_object();
  return json.str();
}

void print_columns(const host::DataProfile& p) {
  std::size_t width = 6;
  for (const auto& c : p.columns) width = std::max(width, characters(c.name));
  std::printf("%4s  %s  %-11s  %13s  %8s", "#", fit("column", width).c_str(), "type", "missing", "distinct");
  for (const char* h : {"mean", "std", "min", "25%", "50%", "75%", "max", "skew", "zeros"})
    std::printf("  %9s", h);
  std::printf("\n");
  for (std::size_t i = 0; i < p.columns.size(); ++i) {
    const auto& c = p.columns[i];
    const std::string missing =
        std::to_string(c.missing) + " (" + host::format_percent(c.missing_fraction) + ")";
    std::printf("%4zu  %s  %-11s  %13s  %8zu", i + 1, fit(c.name, width).c_str(),
                host::column_type_name(c.type), missing.c_str(), c.distinct);
    for (double v : {c.mean, c.std_dev, c.min, c.q25, c.median, c.q75, c.max, c.skew, c.zeros}) {
      std::printf("  %9s", format_statistic(v).c_str());
    }
    std::printf("\n");
  }
  bool heading = false;
  for (const auto& c : p.columns) {
    if (c.top.empty()) continue;
    if (!heading) std::printf("\nTop categories:\n");
    heading = true;
    std::string line;
    for (const auto& t : c.top) line += (line.empty() ? "" : ", ") + t.label + " " + std::to_string(t.count);
    std::printf("  %s: %s\n", c.name.c_str(), line.c_str());
  }
}

void print_target(const host::DataProfile& p) {
  if (p.target.kind == host::TargetKind::none) return;
  const auto& t = p.columns[static_cast<std::size_t>(p.target.column)];
  if (p.target.kind == host::TargetKind::numeric) {
    std::printf("\nTarget %s (numeric): mean %s, std %s, min %s, median %s, max %s, skew %s\n",
                t.name.c_str(), format_statistic(t.mean).c_str(), format_statistic(t.std_dev).c_str(),
                format_statistic(t.min).c_str(), format_statistic(t.median).c_str(),
                format_statistic(t.max).c_str(), format_statistic(t.skew).c_str());
    return;
  }
  std::printf("\nTarget %s: %zu classes\n", t.name.c_str(), p.target.classes.size());
  std::size_t width = 5;
  for (const auto& c : p.target.classes) width = std::max(width, characters(c.label));
  for (const auto& c : p.target.classes) {
    const double share = static_cast<double>(c.count) / static_cast<double>(t.present);
    std::printf("  %s  %7zu  %6s\n", fit(c.label, width).c_str(), c.count,
                host::format_percent(share).c_str());
  }
}

void print_correlation(const host::DataProfile& p) {
  const std::size_t k = p.correlation_columns.size();
  if (k < 2) return;
  if (k > kMaxTextMatrix) {
    std::printf("\nCorrelation: a %zu x %zu matrix (in --json and --html)\n", k, k);
  } else {
    std::printf("\nCorrelation (Pearson, pairwise complete rows):\n%12s", "");
    for (std::size_t j : p.correlation_columns) std::printf("  %s", fit(p.columns[j].name, 10, true).c_str());
    std::printf("\n");
    for (std::size_t a = 0; a < k; ++a) {
      std::printf("  %s", fit(p.columns[p.correlation_columns[a]].name, 10, true).c_str());
      for (std::size_t b = 0; b < k; ++b)
        std::printf("  %10s", format_statistic(p.correlation[a * k + b]).c_str());
      std::printf("\n");
    }
  }
  if (!p.top_pairs.empty()) {
    std::printf("\nMost correlated pairs:\n");
    for (const auto& pair : p.top_pairs) {
      std::printf("  %s and %s: %s\n", p.columns[pair.a].name.c_str(), p.columns[pair.b].name.c_str(),
                  format_statistic(pair.r).c_str());
    }
  }
  if (!p.vif.empty()) {
    std::printf("\nVariance inflation factors (%zu complete rows):\n", p.vif_rows);
    for (std::size_t j = 0; j < p.vif.size(); ++j) {
      std::printf("  %s: %s\n", p.columns[p.vif_columns[j]].name.c_str(), format_statistic(p.vif[j]).c_str());
    }
  }
}

void print_text(const host::DataProfile& p, const std::string& path) {
  const std::string target = p.target.kind == host::TargetKind::none
                                 ? ""
                                 : p.columns[static_cast<std::size_t>(p.target.column)].name;
  std::printf("%s: %zu rows, %zu columns%s\n\n", path.c_str(), p.rows, p.columns.size(),
              target.empty() ? "" : (" (target: " + target + ")").c_str());
  print_columns(p);
  print_target(p);
  if (!p.notes.empty()) std::printf("\n");
  for (const auto& n : p.notes) std::printf("Note: %s\n", n.c_str());
  print_correlation(p);
  if (p.warnings.empty()) {
    std::printf("\nWarnings: none\n");
  } else {
    std::printf("\nWarnings:\n");
    for (const auto& w : p.warnings) std::printf("  - %s\n", w.c_str());
  }
}

int run_describe(const ParsedArgs& args) {
  const std::string path = args.positional[0];
  host::CsvOptions options;
  if (const int rc = csv_options_or_usage(args, "describe", &options)) return rc;
  options.target = args.get("target");
  host::WarningThresholds warn;
  if (args.has("warn")) {
    const std::vector<std::string> pairs = split_list(args.get("warn"));
    const std::vector<ParamSpec> specs = {
        fraction("missing", &warn.missing_fraction),
        non_negative_number("skew", &warn.abs_skew),
        {"imbalance", "a number >= 1 (majority / minority)",
         [&warn](const std::string& v) {
           return parse_double(v, &warn.class_ratio) && warn.class_ratio >= 1.0;
         }},
        {"correlation", "a number in [0, 1]",
         [&warn](const std::string& v) {
           return parse_double(v, &warn.abs_correlation) && warn.abs_correlation >= 0.0 &&
                  warn.abs_correlation <= 1.0;
         }},
        positive_number("vif", &warn.vif)};
    std::string why;
    if (!apply_key_values(pairs, specs, "--warn", "describe --warn", &why))
      return usage_error("describe", why);
  }
  if (const int rc = check_output("describe", args.get("html"), {path})) return rc;
  host::Table table;
  host::Error error;
  {
    const MemoryScope scope("reading " + path);
    if (!host::read_csv(path, options, &table, &error)) return fail("describe", error.to_string());
  }
  const MemoryScope scope("describing " + path + " (" + std::to_string(table.rows) + " rows, " +
                          std::to_string(table.columns.size()) + " columns)");
  const host::DataProfile profile = host::profile_table(table, warn);

  // The report first: when it cannot be written, nothing else is printed.
  if (args.has("html")) {
    const std::string report = host::html_report(profile, path);
    if (!host::write_file_atomic(args.get("html"), report, &error))
      return fail("describe", error.to_string());
  }
  if (args.has("json")) {
    std::printf("%s\n", describe_json(profile, path).c_str());
  } else {
    print_text(profile, path);
  }
  return kExitOk;
}

}  // namespace

Command describe_command() {
  Command command;
  command.spec.name = "describe";
  command.spec.summary =
      "Explore a CSV file: per column type, missing, distinct, summary statistics; the target's balance; "
      "correlations, VIFs and warnings.";
  command.spec.usage = "DATA.csv [options]";
  command.spec.details =
      "A column is numeric when every present value is a number, else categorical.\n"
      "Missing values: empty, NA, N/A, NaN, nan, ?, null.\n"
      "std has ddof=1; quartiles interpolate linearly (NumPy's default); skew is pandas' G1;\n"
      "zeros is the share of present values equal to 0. Correlation is Pearson over the rows\n"
      "where both columns are present; VIF is the diagonal of the inverse correlation matrix\n"
      "of the numeric features over complete rows (inf when collinear, as always with fewer\n"
      "complete rows than features + 1). inf and -inf are counted apart and left out of every\n"
      "statistic. Correlation, pairs and VIF cover the first 500 numeric features (and the\n"
      "target); the HTML heatmap shows the first 100 of them.\n"
      "Warnings: >= 20% missing, constant, |skew| >= 2, class ratio worse than 1:3,\n"
      "|r| >= 0.9 between features, VIF >= 10; --warn missing=F,skew=S,imbalance=R,\n"
      "correlation=C,vif=V changes any of them (e.g. --warn missing=0.05,vif=5).";
  command.spec.min_positional = 1;
  command.spec.max_positional = 1;
  command.spec.options = {
      {"json", "", "print one JSON object on stdout instead of the text report"},
      {"html", "REPORT.html", "also write a self-contained HTML report (charts, heatmap) to this file"},
      {"target", "COL", "the column to predict: its class balance or summary; left out of pairs and VIF"},
      {"warn", "KEY=V,...", "warning thresholds: missing, skew, imbalance, correlation, vif"},
  };
  add_csv_options(&command.spec);
  command.run = run_describe;
  return command;
}

}  // namespace ember::cli
