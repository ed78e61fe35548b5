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

// The rows of a data set, one at a time: the concepts are drawn up front,
// each row from the row stream in order (so the rows never depend on how
// many are asked for).
class RowMaker {
 public:
  explicit RowMaker(const SynthOptions& o) : o_(o), rng_(o.seed, 2), z_(o.features) {
    const std::size_t d = o.features;
    classes_ = o.task == SynthTask::binary ? 2u : (o.task == SynthTask::multiclass ? o.classes : 0u);
    for (std::size_t j = 0; j < d; ++j) n_categories_.push_back(j + o.categorical >= d ? kLevels : 0u);
    // The concept and the rows come from separate streams, so that the
    // concept does not change with the number of rows.
    Rng concept_rng(o.seed, 1);
    concepts_.resize(o.task == SynthTask::multiclass ? o.classes : 1);
    for (auto& c : concepts_) c.draw(concept_rng, n_categories_);
  }

  const std::vector<std::uint32_t>& n_categories() const { return n_categories_; }
  std::uint32_t classes() const { return classes_; }

  // The next row's features (o.features values) and its target.
  void next(float* row, float* y) {
    const std::size_t d = o_.features;
    for (std::size_t j = 0; j < d; ++j) z_[j] = rng_.normal();
    for (std::size_t j = 0; j < d; ++j) {
      // Neighbours share a little: corr(x_j, x_j-1) = 0.3.
      const double v = j == 0 ? z_[0] : 0.954 * z_[j] + 0.3 * z_[j - 1];
      if (n_categories_[j] > 0) {
        // Eight roughly equal levels of the normal value.
        const double q = std::floor((v + 2.0) * 2.0);
        row[j] = static_cast<float>(q < 0.0 ? 0.0 : (q > kLevels - 1 ? kLevels - 1 : q));
      } else {
        row[j] = static_cast<float>(v);
      }
    }
    if (o_.task == SynthTask::binary) {
      const double p = portable_sigmoid(1.5 * concepts_[0].score(row, n_categories_));
      *y = rng_.uniform() < p ? 1.0f : 0.0f;
    } else if (o_.task == SynthTask::regression) {
      *y = static_cast<float>(10.0 * concepts_[0].score(row, n_categories_) + 3.0 * rng_.normal());
    } else {
      std::uint32_t best = 0;
      double top = 0.0;
      for (std::uint32_t k = 0; k < o_.classes; ++k) {
        // Gumbel noise: argmax of score + G draws from the softmax of the scores.
        const double u = rng_.uniform();
        const double g = -portable_log(-portable_log(u > 0.0 ? u : 1e-300));
        const double v = 2.0 * concepts_[k].score(row, n_categories_) + g;
        if (k == 0 || v > top) {
          top = v;
          best = k;
        }
      }
      *y = static_cast<float>(best);
    }
    if (o_.missing > 0.0) {
      for (std::size_t j = 0; j < d; ++j) {
        if (rng_.uniform() < o_.missing) row[j] = NAN;
      }
    }
  }

 private:
  SynthOptions o_;
  Rng rng_;
  std::vector<double> z_;
  std::vector<std::uint32_t> n_categories_;
  std::vector<Concept> concepts_;
  std::uint32_t classes_ = 0;
};

void append_float(float v, std::string* text) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  text->append(buf, r.ptr);
}

void append_header(std::size_t features, std::string* text) {
  for (std::size_t j = 0; j < features; ++j) *text += "f" + std::to_string(j) + ",";
  *text += "target\n";
}

// One CSV line: features (categories as c0..c7, empty when missing), then
// the target (class0... or the value).
void append_row(const float* row, float y, const std::vector<std::uint32_t>& n_categories,
                std::uint32_t classes, std::string* text) {
  for (std::size_t j = 0; j < n_categories.size(); ++j) {
    const float v = row[j];
    if (v == v) {
      if (n_categories[j] > 0) {
        *text += 'c';
        *text += std::to_string(static_cast<int>(v));
      } else {
        append_float(v, text);
      }
    }
    *text += ',';
  }
  if (classes > 0) {
    *text += "class";
    *text += std::to_string(static_cast<int>(y));
  } else {
    append_float(y, text);
  }
  *text += '\n';
}

}  // namespace

bool check_synth_options(const SynthOptions& o, std::string* error) {
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
  return true;
}

bool make_synthetic(const SynthOptions& o, SynthData* out, std::string* error) {
  if (!check_synth_options(o, error)) return false;
  if (o.rows > (std::size_t{1} << 31) / o.features) {
    *error = "rows x features must stay below 2^31 values (in memory; write_synthetic_csv streams any size)";
    return false;
  }
  const std::size_t n = o.rows, d = o.features;
  RowMaker maker(o);
  SynthData& s = *out;
  s = SynthData{};
  s.rows = n;
  s.features = d;
  s.classes = maker.classes();
  s.n_categories = maker.n_categories();
  for (std::size_t j = 0; j < d; ++j) s.names.push_back("f" + std::to_string(j));
  s.x.resize(n * d);
  s.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) maker.next(s.x.data() + i * d, &s.y[i]);
  return true;
}

bool write_synthetic_csv(const SynthData& s, const std::string& path, Error* error) {
  std::string text;
  text.reserve(s.rows * (s.features + 1) * 11 + 64);
  append_header(s.features, &text);
  for (std::size_t i = 0; i < s.rows; ++i)
    append_row(s.x.data() + i * s.features, s.y[i], s.n_categories, s.classes, &text);
  return write_file_atomic(path, text, error);
}

bool write_synthetic_csv(const SynthOptions& o, const std::string& path, Error* error) {
  std::string message;
  if (!check_synth_options(o, &message)) {
    *error = Error{path, 0, 0, message};
    return false;
  }
  RowMaker maker(o);
  AtomicFile file;
  if (!file.open(path, error)) return false;
  constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  std::string text;
  text.reserve(kFlushBytes + 64 + o.features * 16);
  append_header(o.features, &text);
  std::vector<float> row(o.features);
  for (std::size_t i = 0; i < o.rows; ++i) {
    float y = 0.0f;
    maker.next(row.data(), &y);
    append_row(row.data(), y, maker.n_categories(), maker.classes(), &text);
    if (text.size() >= kFlushBytes) {
      if (!file.write(text, error)) return false;
      text.clear();
    }
  }
  return file.write(text, error) && file.commit(error);
}

}  // namespace ember::host
