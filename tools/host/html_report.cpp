#include "host/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ember::host {

namespace {

// The heatmap shows at most this many columns (its cells grow with the
// square); --json has the whole matrix.
constexpr std::size_t kMaxHeatmapColumns = 100;

const char kStyle[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222;max-width:1150px}"
    "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}"
    "th{background:#f3f3f3}td.name,th.name{text-align:left}"
    ".warn li{color:#8a3b00}.cards{display:flex;flex-wrap:wrap;gap:14px}"
    ".card{border:1px solid #ddd;border-radius:4px;padding:8px 10px;width:350px}"
    ".card h3{font-size:14px;margin:0 0 4px 0}.meta{font-size:12px;color:#555;margin-bottom:4px}"
    "svg text{font-family:'DejaVu Sans',Arial,sans-serif}";

// An SVG coordinate or size.
std::string px(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

std::string count_text(std::size_t n) { return std::to_string(n); }

// `name` cut to `limit` characters (on a UTF-8 boundary) with an ellipsis.
std::string shorten(const std::string& name, std::size_t limit) {
  if (name.size() <= limit) return name;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "\xE2\x80\xA6";
}

// Diverging colour for r in [-1, 1]: blue (negative), white (0), red
// (positive); grey when undefined.
std::string correlation_colour(double r) {
  if (std::isnan(r)) return "#dddddd";
  const double t = std::min(1.0, std::fabs(r));
  const int to[3] = {r >= 0 ? 178 : 33, r >= 0 ? 24 : 102, r >= 0 ? 43 : 172};
  char buffer[8];
  int c[3];
  for (int i = 0; i < 3; ++i) c[i] = static_cast<int>(std::lround(255.0 + t * (to[i] - 255.0)));
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buffer;
}

// Horizontal bars, one per label, longest = the largest count.
std::string bar_chart(const std::vector<LabelCount>& bars) {
  const double label_w = 120.0, bar_w = 170.0, row_h = 20.0;
  std::size_t most = 1;
  for (const LabelCount& b : bars) most = std::max(most, b.count);
  const double height = row_h * static_cast<double>(bars.size()) + 4.0;
  std::string s = "<svg width=\"340\" height=\"" + px(height) + "\" role=\"img\">";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double y = row_h * static_cast<double>(i) + 2.0;
    const double w = bar_w * static_cast<double>(bars[i].count) / static_cast<double>(most);
    s += "<text x=\"" + px(label_w - 4) + "\" y=\"" + px(y + 13) +
         "\" font-size=\"12\" text-anchor=\"end\">" + html_escape(shorten(bars[i].label, 16)) + "</text>";
    s += "<rect x=\"" + px(label_w) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 1.0)) +
         "\" height=\"" + px(row_h - 4) + "\" fill=\"#4a7fb5\"><title>" + html_escape(bars[i].label) + ": " +
         count_text(bars[i].count) + "</title></rect>";
    s += "<text x=\"" + px(label_w + w + 4) + "\" y=\"" + px(y + 13) + "\" font-size=\"11\">" +
         count_text(bars[i].count) + "</text>";
  }
  return s + "</svg>";
}

// Vertical bars of a histogram, with its range under the axis.
std::string histogram_chart(const Histogram& h) {
  const double w = 320.0, plot_h = 100.0;
  std::size_t most = 1;
  for (std::size_t n : h.counts) most = std::max(most, n);
  std::string s = "<svg width=\"" + px(w) + "\" height=\"" + px(plot_h + 20) + "\" role=\"img\">";
  const double bin_w = w / static_cast<double>(h.counts.size());
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const double bh = plot_h * static_cast<double>(h.counts[i]) / static_cast<double>(most);
    s += "<rect x=\"" + px(bin_w * static_cast<double>(i) + 0.5) + "\" y=\"" + px(plot_h - bh) +
         "\" width=\"" + px(bin_w - 1.0) + "\" height=\"" + px(bh) + "\" fill=\"#4a7fb5\"><title>" +
         count_text(h.counts[i]) + "</title></rect>";
  }
  s += "<line x1=\"0\" y1=\"" + px(plot_h) + "\" x2=\"" + px(w) + "\" y2=\"" + px(plot_h) +
       "\" stroke=\"#888\"/>";
  s += "<text x=\"0\" y=\"" + px(plot_h + 15) + "\" font-size=\"11\">" + format_statistic(h.lo) + "</text>";
  s += "<text x=\"" + px(w) + "\" y=\"" + px(plot_h + 15) + "\" font-size=\"11\" text-anchor=\"end\">" +
       format_statistic(h.hi) + "</text>";
  return s + "</svg>";
}

// The correlation matrix as coloured cells, names on the left and on top,
// and a legend from -1 to 1.
std::string heatmap(const DataProfile& p) {
  const std::size_t all = p.correlation_columns.size();
  const std::size_t k = std::min(all, kMaxHeatmapColumns);
  const double cell =
      std::max(12.0, std::min(36.0, 640.0 / static_cast<double>(std::max<std::size_t>(k, 1))));
  const double left = 170.0, top = 150.0, side = cell * static_cast<double>(k);
  const double legend_x = left + side + 30.0;
  std::string s = "<svg width=\"" + px(legend_x + 80) + "\" height=\"" +
                  px(top + std::max(side, 220.0) + 10) + "\" role=\"img\">";
  const std::string font = px(std::min(12.0, cell * 0.8));
  for (std::size_t a = 0; a < k; ++a) {
    const std::string name = html_escape(shorten(p.columns[p.correlation_columns[a]].name, 22));
    const double c = cell * (static_cast<double>(a) + 0.5);
    s += "<text x=\"" + px(left - 4) + "\" y=\"" + px(top + c + 4) + "\" font-size=\"" + font +
         "\" text-anchor=\"end\">" + name + "</text>";
    s += "<text transform=\"translate(" + px(left + c + 4) + "," + px(top - 4) +
         ") rotate(-60)\" font-size=\"" + font + "\">" + name + "</text>";
    for (std::size_t b = 0; b < k; ++b) {
      const double r = p.correlation[a * all + b];
      s += "<rect x=\"" + px(left + cell * static_cast<double>(b)) + "\" y=\"" +
           px(top + cell * static_cast<double>(a)) + "\" width=\"" + px(cell) + "\" height=\"" + px(cell) +
           "\" fill=\"" + correlation_colour(r) + "\" stroke=\"#fff\" stroke-width=\"0.5\"><title>" +
           html_escape(p.columns[p.correlation_columns[a]].name) + " / " +
           html_escape(p.columns[p.correlation_columns[b]].name) + ": " + format_statistic(r) +
           "</title></rect>";
    }
  }
  // Legend: 11 steps from r = 1 (top) to r = -1 (bottom).
  const double step = 18.0;
  for (int i = 0; i <= 10; ++i) {
    const double r = 1.0 - 0.2 * i;
    const double y = top + step * i;
    s += "<rect x=\"" + px(legend_x) + "\" y=\"" + px(y) + "\" width=\"20\" height=\"" + px(step) +
         "\" fill=\"" + correlation_colour(r) + "\"/>";
    if (i % 5 == 0) {
      s += "<text x=\"" + px(legend_x + 26) + "\" y=\"" + px(y + 13) + "\" font-size=\"11\">" +
           (i == 0   ? "+1"
            : i == 5 ? "0"
                     : "-1") +
           "</text>";
    }
  }
  s += "<text x=\"" + px(legend_x) + "\" y=\"" + px(top - 8) + "\" font-size=\"12\">r</text>";
  return s + "</svg>";
}

void column_table(const DataProfile& p, std::string* out) {
  std::string& s = *out;
  s += "<table><tr><th>#</th><th class=\"name\">column</th><th class=\"name\">type</th><th>missing</th>"
       "<th>infinite</th><th>distinct</th><th>mean</th><th>std</th><th>min</th><th>25%</th><th>50%</"
       "th><th>75%</th><th>max</th>"
       "<th>skew</th><th>zeros</th></tr>";
  for (std::size_t j = 0; j < p.columns.size(); ++j) {
    const ColumnProfile& c = p.columns[j];
    s += "<tr><td>" + count_text(j + 1) + "</td><td class=\"name\">" + html_escape(c.name) +
         "</td><td class=\"name\">" + column_type_name(c.type) + "</td><td>" + count_text(c.missing) + " (" +
         format_percent(c.missing_fraction) + ")</td><td>" + count_text(c.pos_inf + c.neg_inf) + "</td><td>" +
         count_text(c.distinct) + "</td>";
    for (double v : {c.mean, c.std_dev, c.min, c.q25, c.median, c.q75, c.max, c.skew, c.zeros}) {
      s += "<td>" + format_statistic(v) + "</td>";
    }
    s += "</tr>";
  }
  s += "</table>";
}

void column_cards(const DataProfile& p, std::string* out) {
  std::string& s = *out;
  s += "<div class=\"cards\">";
  for (const ColumnProfile& c : p.columns) {
    s += "<div class=\"card\"><h3>" + html_escape(c.name) + "</h3><div class=\"meta\">" +
         column_type_name(c.type) + ", " + count_text(c.missing) + " missing, " +
         (c.pos_inf + c.neg_inf > 0 ? count_text(c.pos_inf + c.neg_inf) + " infinite, " : std::string()) +
         count_text(c.distinct) + " distinct</div>";
    if (c.type == ColumnType::numeric) {
      if (!c.histogram.counts.empty()) s += histogram_chart(c.histogram);
    } else {
      std::vector<LabelCount> bars = c.top;
      std::size_t rest = c.present;
      for (const LabelCount& b : bars) rest -= b.count;
      if (rest > 0) bars.push_back({"(other)", rest});
      s += bar_chart(bars);
    }
    s += "</div>";
  }
  s += "</div>";
}

void target_section(const DataProfile& p, std::string* out) {
  if (p.target.kind == TargetKind::none) return;
  const ColumnProfile& t = p.columns[static_cast<std::size_t>(p.target.column)];
  std::string& s = *out;
  s += "<h2>Target: " + html_escape(t.name) + "</h2>";
  if (p.target.kind == TargetKind::classes) {
    s += "<p>Class balance (" + count_text(p.target.classes.size()) + " classes)</p>" +
         bar_chart(p.target.classes);
  } else {
    s += "<p>Numeric target: mean " + format_statistic(t.mean) + ", std " + format_statistic(t.std_dev) +
         ", median " + format_statistic(t.median) + ", range " + format_statistic(t.min) + " to " +
         format_statistic(t.max) + "</p>";
    if (!t.histogram.counts.empty()) s += histogram_chart(t.histogram);
  }
}

void correlation_section(const DataProfile& p, std::string* out) {
  if (p.correlation_columns.size() < 2) return;
  std::string& s = *out;
  s += "<h2>Correlation (Pearson, pairwise complete rows)</h2>";
  const std::size_t k = p.correlation_columns.size();
  if (k > kMaxHeatmapColumns) {
    s += "<p class=\"meta\">The heatmap shows the first " + count_text(kMaxHeatmapColumns) + " of these " +
         count_text(k) + " columns; the whole matrix is in <code>--json</code>.</p>";
  }
  s += heatmap(p);
  if (!p.top_pairs.empty()) {
    s += "<h2>Most correlated pairs</h2><table><tr><th class=\"name\">a</th><th "
         "class=\"name\">b</th><th>r</th></tr>";
    for (const CorrelatedPair& pair : p.top_pairs) {
      s += "<tr><td class=\"name\">" + html_escape(p.columns[pair.a].name) + "</td><td class=\"name\">" +
           html_escape(p.columns[pair.b].name) + "</td><td>" + format_statistic(pair.r) + "</td></tr>";
    }
    s += "</table>";
  }
  if (!p.vif.empty()) {
    s += "<h2>Variance inflation factors (" + count_text(p.vif_rows) +
         " complete rows)</h2><table><tr><th class=\"name\">feature</th><th>VIF</th></tr>";
    for (std::size_t j = 0; j < p.vif.size(); ++j) {
      s += "<tr><td class=\"name\">" + html_escape(p.columns[p.vif_columns[j]].name) + "</td><td>" +
           format_statistic(p.vif[j]) + "</td></tr>";
    }
    s += "</table>";
  }
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_report(const DataProfile& p, const std::string& source) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ember describe: " +
                  html_escape(source) + "</title><style>" + kStyle + "</style></head><body>";
  s += "<h1>ember describe: " + html_escape(source) + "</h1><p>" + count_text(p.rows) + " rows, " +
       count_text(p.columns.size()) + " columns</p>";
  for (const std::string& n : p.notes) s += "<p class=\"meta\">Note: " + html_escape(n) + "</p>";
  s += "<h2>Warnings</h2>";
  if (p.warnings.empty()) {
    s += "<p>None.</p>";
  } else {
    s += "<ul class=\"warn\">";
    for (const std::string& w : p.warnings) s += "<li>" + html_escape(w) + "</li>";
    s += "</ul>";
  }
  s += "<h2>Columns</h2>";
  column_table(p, &s);
  target_section(p, &s);
  s += "<h2>Distributions</h2>";
  column_cards(p, &s);
  correlation_section(p, &s);
  return s + "</body></html>\n";
}

}  // namespace ember::host
