#include "host/synthetic.h"

#include <charconv>
#include <cmath>

#include "ember/base/portable_math.h"
#include "ember/rng.h"
#include "host/file_io.h"

namespace ember::host {

namespace {

constexpr std::uint32_t kLevels = 8;  // categories of a categorical feature

// One hidden score function of the features.
struct Concept {
  std::vector<double> linear;  // per feature (numeric)
  std::vector<double> level;   // categorical: features x kLevels effects
  struct Pair {
    std::size_t a, b;
    double c;
  };
  std::vector<Pair> pairs;
  struct Step {
    std::size_t feature;
    double at, height;
  };
  std::vector<Step> steps;

  void draw(Rng& rng, const std::vector<std::uint32_t>& n_categories) {
    const std::size_t d = n_categories.size();
    linear.assign(d, 0.0);
    level.assign(d * kLevels, 0.0);
    for (std::size_t j = 0; j < d; ++j) {
      linear[j] = rng.normal();
      for (std::uint32_t l = 0; l < kLevels; ++l) level[j * kLevels + l] = rng.normal();
    }
    // Interactions and steps only between numeric features.
    std::vector<std::size_t> numeric;
    for (std::size_t j = 0; j < d; ++j) {
      if (n_categories[j] == 0) numeric.push_back(j);
    }
    pairs.clear();
    steps.clear();
    if (numeric.empty()) return;
    const std::size_t m = std::max<std::size_t>(1, numeric.size() / 2);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t a = numeric[static_cast<std::size_t>(rng.below64(numeric.size()))];
      const std::size_t b = numeric[static_cast<std::size_t>(rng.below64(numeric.size()))];
      pairs.push_back(Pair{a, b, rng.normal()});
    }
    const std::size_t s = std::max<std::size_t>(1, numeric.size() / 4);
    for (std::size_t i = 0; i < s; ++i) {
      steps.push_back(Step{numeric[static_cast<std::size_t>(rng.below64(numeric.size()))], 0.5 * rng.normal(),
                           2.0 * rng.normal()});
    }
  }

  // Scaled so that each part has variance near 1 whatever the width.
  double score(const float* x, const std::vector<std::uint32_t>& n_categories) const {
    const std::size_t d = n_categories.size();
    double lin = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      lin += n_categories[j] > 0 ? level[j * kLevels + static_cast<std::size_t>(x[j])] : linear[j] * x[j];
    }
    double inter = 0.0;
    for (const Pair& p : pairs) inter += p.c * x[p.a] * x[p.b];
    double step = 0.0;
    for (const Step& s : steps) step += x[s.feature] > s.at ? s.height : -s.height;
    return lin / std::sqrt(static_cast<double>(d)) +
           (pairs.empty() ? 0.0 : inter / std::sqrt(static_cast<double>(pairs.size()))) +
           (steps.empty() ? 0.0 : 0.5 * step / std::sqrt(static_cast<double>(steps.size())));
  }
};

}  // namespace

bool make_synthetic(const SynthOptions& o, SynthData* out, std::string* error) {
  if (o.rows == 0) {
    *error = "rows must be at least 1";
    return false;
  }
  if (o.features == 0 || o.features > 100000) {
    *error = "features must be 1..100000";
    return false;
  }
  if (o.categorical > o.features) {
    *error = "categorical (" + std::to_string(o.categorical) + ") must not exceed features (" +
             std::to_string(o.features) + ")";
    return false;
  }
  if (!(o.missing >= 0.0 && o.missing < 1.0)) {
    *error = "missing must be in [0, 1)";
    return false;
  }
  if (o.task == SynthTask::multiclass && (o.classes < 3 || o.classes > 255)) {
    *error = "classes must be 3..255 for a multiclass task";
    return false;
  }
  if (o.rows > (std::size_t{1} << 31) / o.features) {
    *error = "rows x features must stay below 2^31 values";
    return false;
  }
  const std::size_t n = o.rows, d = o.features;
  SynthData& s = *out;
  s = SynthData{};
  s.rows = n;
  s.features = d;
  s.classes = o.task == SynthTask::binary ? 2u : (o.task == SynthTask::multiclass ? o.classes : 0u);
  for (std::size_t j = 0; j < d; ++j) {
    s.names.push_back("f" + std::to_string(j));
    s.n_categories.push_back(j + o.categorical >= d ? kLevels : 0u);
  }
  // The concept and the rows come from separate streams, so that the
  // concept does not change with the number of rows.
  Rng concept_rng(o.seed, 1);
  const std::size_t n_concepts = o.task == SynthTask::multiclass ? o.classes : 1;
  std::vector<Concept> concepts(n_concepts);
  for (auto& c : concepts) c.draw(concept_rng, s.n_categories);

  Rng rng(o.seed, 2);
  s.x.resize(n * d);
  s.y.resize(n);
  std::vector<double> z(d);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = s.x.data() + i * d;
    for (std::size_t j = 0; j < d; ++j) z[j] = rng.normal();
    for (std::size_t j = 0; j < d; ++j) {
      // Neighbours share a little: corr(x_j, x_j-1) = 0.3.
      const double v = j == 0 ? z[0] : 0.954 * z[j] + 0.3 * z[j - 1];
      if (s.n_categories[j] > 0) {
        // Eight roughly equal levels of the normal value.
        const double q = std::floor((v + 2.0) * 2.0);
        row[j] = static_cast<float>(q < 0.0 ? 0.0 : (q > kLevels - 1 ? kLevels - 1 : q));
      } else {
        row[j] = static_cast<float>(v);
      }
    }
    if (o.task == SynthTask::binary) {
      const double p = portable_sigmoid(1.5 * concepts[0].score(row, s.n_categories));
      s.y[i] = rng.uniform() < p ? 1.0f : 0.0f;
    } else if (o.task == SynthTask::regression) {
      s.y[i] = static_cast<float>(10.0 * concepts[0].score(row, s.n_categories) + 3.0 * rng.normal());
    } else {
      std::uint32_t best = 0;
      double top = 0.0;
      for (std::uint32_t k = 0; k < o.classes; ++k) {
        // Gumbel noise: argmax of score + G draws from the softmax of the scores.
        const double u = rng.uniform();
        const double g = -portable_log(-portable_log(u > 0.0 ? u : 1e-300));
        const double v = 2.0 * concepts[k].score(row, s.n_categories) + g;
        if (k == 0 || v > top) {
          top = v;
          best = k;
        }
      }
      s.y[i] = static_cast<float>(best);
    }
    if (o.missing > 0.0) {
      for (std::size_t j = 0; j < d; ++j) {
        if (rng.uniform() < o.missing) row[j] = NAN;
      }
    }
  }
  return true;
}

bool write_synthetic_csv(const SynthData& s, const std::string& path, Error* error) {
  std::string text;
  text.reserve(s.rows * (s.features + 1) * 11 + 64);
  for (std::size_t j = 0; j < s.features; ++j) text += s.names[j] + ",";
  text += "target\n";
  char buf[32];
  for (std::size_t i = 0; i < s.rows; ++i) {
    for (std::size_t j = 0; j < s.features; ++j) {
      const float v = s.x[i * s.features + j];
      if (v == v) {
        if (s.n_categories[j] > 0) {
          text += 'c';
          text += std::to_string(static_cast<int>(v));
        } else {
          const auto r = std::to_chars(buf, buf + sizeof buf, v);
          text.append(buf, r.ptr);
        }
      }
      text += ',';
    }
    if (s.classes > 0) {
      text += "class";
      text += std::to_string(static_cast<int>(s.y[i]));
    } else {
      const auto r = std::to_chars(buf, buf + sizeof buf, s.y[i]);
      text.append(buf, r.ptr);
    }
    text += '\n';
  }
  return write_file_atomic(path, text, error);
}

}  // namespace ember::host
