#include "host/quant_inputs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "host/text.h"

namespace ember::host {

namespace {

std::string number(double v) { return format_number("%.9g", v); }

// A float as the CSV said it: the shortest text that reads back as it.
std::string number(float v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

// The p-th percentile (0..100) of sorted values, interpolated linearly
// between the two nearest ranks (NumPy's default).
double percentile(const std::vector<float>& sorted, double p) {
  const double at = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(at));
  const std::size_t j = std::min(i + 1, sorted.size() - 1);
  const double t = at - static_cast<double>(i);
  return static_cast<double>(sorted[i]) * (1.0 - t) + static_cast<double>(sorted[j]) * t;
}

std::vector<float> present_values(const ModelInput& in, std::size_t width, std::size_t j) {
  std::vector<float> v;
  for (std::size_t r = 0; r < in.table.rows; ++r) {
    const float x = in.rows[r * width + j];
    if (!std::isnan(x)) v.push_back(x);
  }
  std::sort(v.begin(), v.end());
  return v;
}

const StatedScale* stated_for(const InputScaleOptions& o, const std::string& name) {
  for (const StatedScale& s : o.stated) {
    if (s.column == name) return &s;
  }
  return nullptr;
}

// A scale from the calibration range of feature j (sorted present values).
bool scale_from_range(const std::vector<float>& v, const std::string& where, const InputScaleOptions& o,
                      double* low, double* high, float* scale, std::int32_t* zero, Error* error) {
  if (v.empty()) {
    error->message = where +
                     " has no value in the calibration rows (every row is missing), so its range"
                     " cannot be chosen; state it with --input-scale COL=S[,Z]";
    return false;
  }
  *low = o.percentile > 0 ? percentile(v, o.percentile) : static_cast<double>(v.front());
  *high = o.percentile > 0 ? percentile(v, 100.0 - o.percentile) : static_cast<double>(v.back());
  if (!(*high > *low)) {
    error->message = where + " is constant in the calibration rows (every present value is " +
                     number(v.front()) + "), so its range cannot be chosen; state it with --input-scale" +
                     " COL=S[,Z] or calibrate on rows where it varies";
    return false;
  }
  const double lo = std::min(*low, 0.0), hi = std::max(*high, 0.0);
  *scale = static_cast<float>((hi - lo) / 65534.0);
  const double z = std::round(-32767.0 - lo / static_cast<double>(*scale));
  *zero = static_cast<std::int32_t>(std::clamp(z, -32767.0, 32767.0));
  return true;
}

// Every calibration value of feature j must fit at a stated scale.
bool check_stated_range(const ModelInput& in, std::size_t width, std::size_t j, const QuantInputScales& q,
                        const std::string& where, Error* error) {
  for (std::size_t r = 0; r < in.table.rows; ++r) {
    const float x = in.rows[r * width + j];
    if (std::isnan(x)) continue;
    const double v = std::round(static_cast<double>(x) / static_cast<double>(q.scale[j])) + q.zero_point[j];
    if (v < kQuantMin || v > kQuantMax) {
      error->message = "data row " + std::to_string(r + 1) + ", " + where + ": " + number(x) +
                       " is outside the int16 range at scale " + number(q.scale[j]) + " and zero point " +
                       std::to_string(q.zero_point[j]) + " (it would be q = " + number(v) +
                       "; present values take -32767..32767, -32768 is the missing code)";
      return false;
    }
  }
  return true;
}

}  // namespace

float QuantInputScales::real(std::size_t feature, std::int32_t q) const {
  if (q == kQuantMissing) return std::numeric_limits<float>::quiet_NaN();
  return static_cast<float>(q - zero_point[feature]) * scale[feature];
}

std::int32_t QuantInputScales::quantize(std::size_t feature, float x) const {
  if (std::isnan(x)) return kQuantMissing;
  const float steps = std::round(x / scale[feature]);
  const double q =
      std::clamp(static_cast<double>(steps) + zero_point[feature], double{kQuantMin}, double{kQuantMax});
  return static_cast<std::int32_t>(q);
}

bool choose_input_scales(const LoadedModel& lm, const ModelInput& calibration, const std::string& path,
                         const InputScaleOptions& options, QuantInputScales* out, Error* error) {
  const Model& m = lm.model;
  const std::size_t width = m.n_features;
  *error = Error{path, 0, 0, ""};
  for (const StatedScale& s : options.stated) {
    const auto it = std::find(lm.feature_names.begin(), lm.feature_names.end(), s.column);
    if (it == lm.feature_names.end() || m.n_categories[it - lm.feature_names.begin()] != 0) {
      error->file.clear();
      error->message = "--input-scale " + s.column + ": the model has no numeric feature of that name";
      return false;
    }
  }
  QuantInputScales q;
  q.native = options.native;
  for (std::size_t j = 0; j < width; ++j) {
    const std::string where = "column '" + lm.feature_names[j] + "'";
    double low = std::numeric_limits<double>::quiet_NaN(), high = low;
    float scale = 1.0f;
    std::int32_t zero = 0;
    std::string rule = "category code";
    if (m.n_categories[j] > static_cast<std::uint32_t>(kQuantMax) + 1) {
      error->message = where + " has " + std::to_string(m.n_categories[j]) +
                       " categories; an int16 input holds codes up to 32767";
      return false;
    }
    if (m.n_categories[j] == 0) {
      if (const StatedScale* s = stated_for(options, lm.feature_names[j])) {
        scale = static_cast<float>(s->scale);
        zero = s->zero_point;
        rule = "stated";
      } else if (options.native) {
        error->file.clear();
        error->message = "--inputs int16 needs the scale of every numeric column: " + where +
                         " has none (--input-scale " + lm.feature_names[j] + "=S[,Z])";
        return false;
      } else {
        const std::vector<float> v = present_values(calibration, width, j);
        const bool unread = !options.read.empty() && !options.read[j];
        if (unread && (v.empty() || v.front() == v.back())) {
          rule = "not read by the model (scale 1)";
        } else {
          if (!scale_from_range(v, where, options, &low, &high, &scale, &zero, error)) return false;
          rule = options.percentile > 0 ? "percentile " + number(options.percentile) : "min/max";
        }
      }
    }
    q.scale.push_back(scale);
    q.zero_point.push_back(zero);
    q.low.push_back(low);
    q.high.push_back(high);
    q.rule.push_back(rule);
    format::QuantInput qi{};
    qi.zero_point = zero;
    std::memcpy(&qi.scale_bits, &scale, sizeof scale);
    qi.missing_code = kQuantMissing;
    q.inputs.push_back(qi);
    if (rule == "stated" && !check_stated_range(calibration, width, j, q, where, error)) return false;
  }
  *out = std::move(q);
  return true;
}

}  // namespace ember::host

namespace ember::host {

namespace {

// round_half_away(t / scale) as quantize_row computes it, then the real
// value that integer stands for: not below t when t is aligned.
bool aligned(float t, float scale) {
  const float steps = std::round(t / scale);
  return steps * scale >= t;
}

std::size_t misaligned(const std::vector<float>& thresholds, float scale) {
  std::size_t n = 0;
  for (float t : thresholds) n += !aligned(t, scale);
  return n;
}

// The decimal step every threshold is a multiple of (10^-d, d <= 6), or 0.
double decimal_step(const std::vector<float>& thresholds) {
  for (int d = 0; d <= 6; ++d) {
    const double unit = std::pow(10.0, d);
    bool all = true;
    for (float t : thresholds) {
      const double v = static_cast<double>(t) * unit;
      all = all && std::fabs(v - std::round(v)) <= 1e-6 * std::max(1.0, std::fabs(v));
    }
    if (all) return 1.0 / unit;
  }
  return 0.0;
}

float best_scale(const std::vector<float>& thresholds, float least) {
  float best = least;
  std::size_t fewest = misaligned(thresholds, least);
  const auto consider = [&](float s) {
    if (!(s >= least) || !(s <= 2.0f * least) || fewest == 0) return;
    const std::size_t n = misaligned(thresholds, s);
    if (n < fewest) fewest = n, best = s;
  };
  if (const double step = decimal_step(thresholds); step > 0) {
    const double n_max = std::floor(step / static_cast<double>(least));
    for (double n = n_max; n >= 1 && n >= n_max / 2 && fewest > 0; --n)
      consider(static_cast<float>(step / n));
  }
  for (int k = 1; k <= 65536 && fewest > 0; ++k) consider(least * (1.0f + static_cast<float>(k) / 65536.0f));
  return best;
}

}  // namespace

std::size_t align_scales_to_thresholds(const std::vector<std::vector<float>>& thresholds,
                                       QuantInputScales* s) {
  std::size_t left = 0;
  for (std::size_t j = 0; j < thresholds.size() && j < s->scale.size(); ++j) {
    if (thresholds[j].empty() || std::isnan(s->low[j])) continue;  // a category, or a stated scale
    const float scale = best_scale(thresholds[j], s->scale[j]);
    left += misaligned(thresholds[j], scale);
    if (scale == s->scale[j]) continue;
    const double lo = std::min(s->low[j], 0.0);
    const double z = std::round(-32767.0 - lo / static_cast<double>(scale));
    s->scale[j] = scale;
    s->zero_point[j] = static_cast<std::int32_t>(std::clamp(z, -32767.0, 32767.0));
    s->inputs[j].zero_point = s->zero_point[j];
    std::memcpy(&s->inputs[j].scale_bits, &scale, sizeof scale);
    s->rule[j] += ", aligned to the split thresholds";
  }
  return left;
}

}  // namespace ember::host
