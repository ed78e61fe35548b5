#include "host/quant_linear.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/quant_probe.h"
#include "host/text.h"

namespace ember::host {

namespace {

namespace f = format;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMaxBins = 4096;
constexpr int kSamples = 256;

using Scores = std::vector<double>;

// One raw feature's contribution to every output, in score units: NaN
// where the float model cannot take the value.
struct Term {
  f::QuantTerm kind = f::QuantTerm::none;
  Scores slope;                    // linear: per output, per unit of q
  std::vector<std::int32_t> cuts;  // bins
  std::vector<Scores> entries;     // the table: per entry, per output
};

// The float score of rows that differ from a base row in one feature.
class Contributions {
 public:
  Contributions(const Model& m, const QuantInputScales& in) : m_(m), probe_(m), x_(probe_.width()) {
    for (std::uint32_t j = 0; j < m.n_features; ++j)
      base_.push_back(m.n_categories[j] ? 0.0f : in.real(j, in.zero_point[j]));
    base_score_ = score(base_.data());
  }
  // The score of `row`, NaN per output when the pipeline refuses it.
  Scores score(const float* row) {
    Scores s(m_.n_outputs, kNaN);
    if (probe_.transform(row, x_.data()) == Status::ok) probe_.linear_scores(x_.data(), s.data());
    return s;
  }
  // f_j(v): the score with feature j = v, minus the base row's.
  Scores of(std::uint32_t j, float v) {
    std::vector<float> row = base_;
    row[j] = v;
    Scores s = score(row.data());
    for (std::size_t o = 0; o < s.size(); ++o) s[o] -= base_score_[o];
    return s;
  }
  const Scores& base_score() const { return base_score_; }

 private:
  const Model& m_;
  PipelineProbe probe_;
  std::vector<float> x_, base_;
  Scores base_score_;
};

double largest(const Scores& s) {
  double v = 0.0;
  for (double x : s) v = std::max(v, std::isnan(x) ? 0.0 : std::fabs(x));
  return v;
}

// Runs every int16 value: the runs of equal contributions become bins.
bool bins_term(Contributions& c, const QuantInputScales& in, std::uint32_t j, const std::string& name,
               Term* t, Error* error) {
  t->kind = f::QuantTerm::bins;
  Scores last = c.of(j, in.real(j, kQuantMin));
  t->entries.push_back(last);
  for (std::int32_t q = kQuantMin + 1; q <= kQuantMax; ++q) {
    Scores s = c.of(j, in.real(j, q));
    if (s == last) continue;
    if (t->cuts.size() == kMaxBins) {
      error->message = "feature '" + name + "': its contribution to the score is neither affine nor a step" +
                       " function of few bins (more than " + std::to_string(kMaxBins) +
                       " changes over the int16 range), so no integer term reproduces it";
      return false;
    }
    t->cuts.push_back(q);
    t->entries.push_back(s);
    last = std::move(s);
  }
  return true;
}

bool numeric_term(Contributions& c, const QuantInputScales& in, std::uint32_t j, const std::string& name,
                  Term* t, Error* error) {
  const std::size_t n_out = c.base_score().size();
  const std::int32_t zp = in.zero_point[j];
  const Scores lo = c.of(j, in.real(j, kQuantMin)), hi = c.of(j, in.real(j, kQuantMax));
  Scores slope(n_out);
  for (std::size_t o = 0; o < n_out; ++o) slope[o] = (hi[o] - lo[o]) / double{kQuantMax - kQuantMin};
  double residual = 0.0, size = std::max(largest(lo), largest(hi));
  for (int k = 0; k <= kSamples; ++k) {
    const auto q =
        static_cast<std::int32_t>(kQuantMin + (std::int64_t{kQuantMax} - kQuantMin) * k / kSamples);
    const Scores s = c.of(j, in.real(j, q));
    for (std::size_t o = 0; o < n_out; ++o)
      residual = std::max(residual, std::fabs(s[o] - slope[o] * (q - zp)));
    size = std::max(size, largest(s));
  }
  if (!(residual <= 1e-5 * size + 1e-12)) return bins_term(c, in, j, name, t, error);
  t->kind = size == 0.0 ? f::QuantTerm::none : f::QuantTerm::linear;
  t->slope = slope;
  return true;
}

bool measure_terms(const Model& m, const LoadedModel& lm, Contributions& c, const QuantInputScales& in,
                   std::vector<Term>* terms, LinearQuantStats* stats, Error* error) {
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    Term t;
    const std::uint32_t k = m.n_categories[j];
    if (k == 0) {
      if (!numeric_term(c, in, j, lm.feature_names[j], &t, error)) return false;
    } else {
      t.kind = f::QuantTerm::category;
      for (std::uint32_t code = 0; code <= k; ++code) t.entries.push_back(c.of(j, static_cast<float>(code)));
    }
    const Scores missing = c.of(j, std::numeric_limits<float>::quiet_NaN());
    if (t.kind == f::QuantTerm::none && largest(missing) != 0.0) {
      t.kind = f::QuantTerm::linear;  // only missing values move the score
      t.slope.assign(m.n_outputs, 0.0);
    }
    if (t.kind != f::QuantTerm::none) t.entries.push_back(missing);
    stats->linear += t.kind == f::QuantTerm::linear;
    stats->bins += t.kind == f::QuantTerm::bins;
    stats->category += t.kind == f::QuantTerm::category;
    stats->none += t.kind == f::QuantTerm::none;
    terms->push_back(std::move(t));
  }
  return true;
}

// The sum of the terms against the float score, on up to 256 calibration
// rows: a model whose score is not additive would be misquantized.
bool check_additive(const Model& m, Contributions& c, const std::vector<Term>& terms, const ModelInput& cal,
                    const QuantInputScales& in, LinearQuantStats* stats, Error* error) {
  const std::size_t rows = std::min<std::size_t>(cal.table.rows, 256), width = m.n_features;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = cal.rows.data() + r * width;
    const Scores want = c.score(row);
    Scores sum = c.base_score();
    for (std::uint32_t j = 0; j < width; ++j) {
      if (terms[j].kind == f::QuantTerm::none) continue;
      const Scores s = c.of(j, row[j]);
      for (std::size_t o = 0; o < sum.size(); ++o) sum[o] += s[o];
    }
    (void)in;
    for (std::size_t o = 0; o < sum.size(); ++o) {
      if (std::isnan(want[o]) && std::isnan(sum[o])) continue;
      const double e = std::fabs(want[o] - sum[o]);
      stats->max_additivity_error = std::max(stats->max_additivity_error, e);
      if (!(e <= 1e-4 * (1.0 + std::fabs(want[o])))) {
        error->message = "data row " + std::to_string(r + 1) + ": the float score (" +
                         format_number("%.9g", want[o]) + ") is not the sum of one term per raw feature (" +
                         format_number("%.9g", sum[o]) +
                         "), so the pipeline cannot be folded into an integer" + " linear model";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

namespace {

// S_o for every output: from the largest slope (weights use the whole
// signed range of `bits`), coarser when a table entry or the bias would
// not fit 2^30 units.
std::vector<double> weight_scales(const Model& m, const std::vector<Term>& terms, const Scores& bias,
                                  unsigned bits) {
  const double w_max = bits == 8 ? 127.0 : 32767.0;
  std::vector<double> scale(m.n_outputs);
  for (std::uint32_t o = 0; o < m.n_outputs; ++o) {
    double slope = 0.0, table = std::fabs(bias[o]);
    for (const Term& t : terms) {
      if (t.kind == f::QuantTerm::linear) slope = std::max(slope, std::fabs(t.slope[o]));
      for (const Scores& e : t.entries) table = std::max(table, std::isnan(e[o]) ? 0.0 : std::fabs(e[o]));
    }
    double s = slope / w_max;
    if (s == 0.0) s = table / std::ldexp(1.0, 24);
    s = std::max(s, table / std::ldexp(1.0, 30));
    scale[o] = s > 0.0 ? s : 1.0;
  }
  return scale;
}

// Multiplier and shift with multiplier x 2^-shift ~ x, multiplier in
// [2^14, 2^15).
bool requantizer(double x, std::int32_t* multiplier, std::uint32_t* shift) {
  int e = 0;
  std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  int s = 15 - e;
  long long mul = std::llround(std::ldexp(x, s));
  if (mul >= (1 << 15)) mul = std::llround(std::ldexp(x, --s));
  if (s < 0 || s > 62 || mul < (1 << 14)) return false;
  *multiplier = static_cast<std::int32_t>(mul);
  *shift = static_cast<std::uint32_t>(s);
  return true;
}

std::int32_t units(double v, double scale) {
  if (std::isnan(v)) return std::numeric_limits<std::int32_t>::min();
  return static_cast<std::int32_t>(std::llround(v / scale));
}

// Fills the integer arrays; *bound gets, per output, the largest |acc|
// any int16 row can make.
void fill_arrays(const Model& m, const QuantInputScales& in, const std::vector<Term>& terms,
                 const Scores& bias, unsigned bits, QuantLinearModel* q, std::vector<double>* bound) {
  const std::uint32_t n_out = m.n_outputs;
  const double w_max = bits == 8 ? 127.0 : 32767.0;
  q->weight_scale = weight_scales(m, terms, bias, bits);
  q->weights.assign(std::size_t{n_out} * m.n_features, 0);
  q->cut_begin.assign(1, 0);
  q->table_begin.assign(1, 0);
  bound->assign(n_out, 0.0);
  for (std::uint32_t o = 0; o < n_out; ++o) {
    q->bias.push_back(units(bias[o], q->weight_scale[o]));
    (*bound)[o] = std::fabs(static_cast<double>(q->bias[o]));
  }
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    const Term& t = terms[j];
    q->terms.push_back(static_cast<std::uint8_t>(t.kind));
    q->cuts.insert(q->cuts.end(), t.cuts.begin(), t.cuts.end());
    q->cut_begin.push_back(static_cast<std::uint32_t>(q->cuts.size()));
    const double reach = std::max(std::fabs(double{kQuantMin} - in.zero_point[j]),
                                  std::fabs(double{kQuantMax} - in.zero_point[j]));
    for (std::uint32_t o = 0; o < n_out; ++o) {
      double most = 0.0;
      if (t.kind == f::QuantTerm::linear) {
        const double w = std::clamp(std::round(t.slope[o] / q->weight_scale[o]), -w_max, w_max);
        q->weights[std::size_t{o} * m.n_features + j] = static_cast<std::int16_t>(w);
        most = std::fabs(w) * reach;
      }
      for (const Scores& e : t.entries)
        most = std::max(most, std::isnan(e[o]) ? 0.0 : std::fabs(e[o]) / q->weight_scale[o]);
      (*bound)[o] += most + 1.0;
    }
    for (const Scores& e : t.entries)
      for (std::uint32_t o = 0; o < n_out; ++o) q->table.push_back(units(e[o], q->weight_scale[o]));
    q->table_begin.push_back(static_cast<std::uint32_t>(q->table.size()));
  }
}

// out_frac_bits, multipliers and shifts.
bool requantize(const Model& m, const std::vector<double>& bound, QuantLinearModel* q, Error* error) {
  unsigned frac = 16;
  if (m.link == f::Link::identity) {
    double reach = 0.0;
    for (std::uint32_t o = 0; o < m.n_outputs; ++o) reach = std::max(reach, bound[o] * q->weight_scale[o]);
    frac = 30;
    while (frac > 0 && reach * std::ldexp(1.0, static_cast<int>(frac)) >= 2147483000.0) --frac;
  }
  q->out_frac_bits = static_cast<std::uint8_t>(frac);
  for (std::uint32_t o = 0; o < m.n_outputs; ++o) {
    if (bound[o] >= std::ldexp(1.0, 47)) {
      error->message = "output " + std::to_string(o) + ": the integer accumulator could reach " +
                       format_number("%.3g", bound[o]) + ", beyond the 2^47 the format allows";
      return false;
    }
    std::int32_t mul = 0;
    std::uint32_t shift = 0;
    if (!requantizer(q->weight_scale[o] * std::ldexp(1.0, static_cast<int>(frac)), &mul, &shift)) {
      error->message = "output " + std::to_string(o) +
                       ": no multiplier in [2^14, 2^15) and shift in 0..62 maps" +
                       " the accumulator (one unit = " + format_number("%.3g", q->weight_scale[o]) +
                       ") onto Q" + std::to_string(frac);
      return false;
    }
    q->multiplier.push_back(mul);
    q->shift.push_back(shift);
  }
  return true;
}

}  // namespace

bool quantize_linear(const LoadedModel& lm, const ModelInput& calibration, const QuantInputScales& in,
                     unsigned bits, QuantLinearModel* out, LinearQuantStats* stats, Error* error) {
  const Model& m = lm.model;
  Contributions c(m, in);
  std::vector<Term> terms;
  if (!measure_terms(m, lm, c, in, &terms, stats, error)) return false;
  if (!check_additive(m, c, terms, calibration, in, stats, error)) return false;
  const Scores& bias = c.base_score();
  for (double b : bias) {
    if (std::isnan(b)) {
      error->message = "the float model cannot score its base row (every number 0, every category code 0)";
      return false;
    }
  }
  QuantLinearModel q;
  q.n_outputs = m.n_outputs;
  q.link = m.link;
  q.weight_bits = static_cast<std::uint8_t>(bits);
  std::vector<double> bound;
  fill_arrays(m, in, terms, bias, bits, &q, &bound);
  if (!requantize(m, bound, &q, error)) return false;
  *out = std::move(q);
  return true;
}

}  // namespace ember::host
