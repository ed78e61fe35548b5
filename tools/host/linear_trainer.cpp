#include "host/linear_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ember/arena.h"
#include "ember/model.h"
#include "ember/model_writer.h"
#include "ember/predict.h"
#include "host/heap_upstream.h"
#include "host/model_build.h"

namespace ember::host {

namespace {

namespace f = format;

// Everything a model file of this trainer holds; written at three stages
// (without the scaler, without the fit, complete).
struct Recipe {
  f::Task task = f::Task::regression;
  std::uint32_t n_classes = 0;
  std::vector<std::uint32_t> n_categories;
  std::vector<float> fill;
  bool affine = false;
  std::vector<float> offset, scale;
  std::uint32_t width = 0;  // after one-hot
  std::uint32_t n_outputs = 1;
  f::Link link = f::Link::identity;
  std::vector<float> weights, intercepts;
  StandardMetadata metadata;
};

template <class T>
Span<const T> span_of(const std::vector<T>& v) {
  return Span<const T>(v.data(), v.size());
}

Status fill_writer(ModelWriter& w, const Recipe& r) {
  EMBER_TRY(w.schema({r.task, r.n_classes, span_of(r.n_categories)}));
  EMBER_TRY(w.impute(span_of(r.fill), {}));
  const bool categorical =
      std::any_of(r.n_categories.begin(), r.n_categories.end(), [](auto k) { return k > 0; });
  if (categorical) EMBER_TRY(w.one_hot(span_of(r.n_categories), /*unknown_is_error=*/false));
  if (r.affine) EMBER_TRY(w.affine(span_of(r.offset), span_of(r.scale)));
  EMBER_TRY(w.linear({r.width, r.n_outputs, r.link, span_of(r.weights), span_of(r.intercepts)}));
  return write_metadata(w, r.metadata);
}

bool write_recipe(const Recipe& r, TrainedModel* out, Error* error) {
  return build_model([&](ModelWriter& w) { return fill_writer(w, r); }, &out->storage, &out->size, error);
}

// The pipeline of `r` applied to every raw row: n x r.width.
bool transform_all(const Recipe& r, const std::vector<float>& raw, std::size_t n, std::vector<float>* out,
                   Error* error) {
  TrainedModel file;
  if (!write_recipe(r, &file, error)) return false;
  Model m;
  const Status loaded = load_model(file.storage.data(), file.size, &m);
  if (loaded != Status::ok) {
    *error = Error{"", 0, 0, std::string("internal: the staged model does not load: ") + status_name(loaded)};
    return false;
  }
  const std::size_t f_in = m.n_features, w = m.model_features;
  std::vector<unsigned char> scratch(scratch_bytes(m));
  out->assign(n * w, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const Status s =
        transform(m, Span<const float>(raw.data() + i * f_in, f_in),
                  Span<unsigned char>(scratch.data(), scratch.size()), Span<float>(out->data() + i * w, w));
    if (s != Status::ok) {
      *error = Error{"", 0, 0, std::string("internal: transform failed: ") + status_name(s)};
      return false;
    }
  }
  return true;
}

float median_of(std::vector<float> v) {
  if (v.empty()) return 0.0f;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  if (v.size() % 2 == 1) return v[h];
  return static_cast<float>((static_cast<double>(v[h - 1]) + static_cast<double>(v[h])) / 2.0);
}

std::string model_name(const LinearTrainOptions& o) {
  if (o.kind == LinearKind::logistic) return "logistic";
  switch (o.linear.penalty) {
    case Penalty::none:
      return "linear";
    case Penalty::l2:
      return "ridge";
    case Penalty::l1:
      return "lasso";
    case Penalty::elasticnet:
      return "elasticnet";
  }
  return "linear";
}

}  // namespace

bool train_linear_model(const Table& table, const LinearTrainOptions& options, TrainedModel* out,
                        Error* error) {
  if (table.target < 0) {
    *error = Error{"", 0, 0, "no target column: choose one with --target"};
    return false;
  }
  const Column& target = table.columns[static_cast<std::size_t>(table.target)];
  const bool logistic = options.kind == LinearKind::logistic;
  if (logistic && target.type == ColumnType::numeric) {
    *error =
        Error{"", 0, 0,
              "target '" + target.name +
                  "' is numeric: logistic regression predicts classes; use --model linear for a number, or "
                  "--type " +
                  target.name + "=categorical if the numbers are class labels"};
    return false;
  }
  if (!logistic && target.type == ColumnType::categorical) {
    *error = Error{
        "", 0, 0, "target '" + target.name + "' holds class labels: use --model logistic for classification"};
    return false;
  }
  const std::size_t n = table.rows;
  std::string message;
  if (!check_training_target(target, n, logistic, &message)) {
    *error = Error{"", 0, 0, message};
    return false;
  }

  // Raw rows as the runtime takes them, and the imputer's fill values.
  Recipe r;
  std::vector<std::size_t> features;
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    if (static_cast<int>(j) != table.target) features.push_back(j);
  }
  const std::size_t f_in = features.size();
  std::vector<float> raw(n * f_in);
  for (std::size_t k = 0; k < f_in; ++k) {
    const Column& c = table.columns[features[k]];
    r.metadata.feature_names.push_back(c.name);
    const bool categorical = c.type == ColumnType::categorical && !c.labels.empty();
    r.n_categories.push_back(categorical ? static_cast<std::uint32_t>(c.labels.size()) : 0u);
    r.metadata.categories.push_back(categorical ? c.labels : std::vector<std::string>{});
    if (categorical) {
      // Most frequent code; the smallest on ties, as scikit-learn.
      std::vector<std::size_t> counts(c.labels.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (c.codes[i] >= 0) ++counts[static_cast<std::size_t>(c.codes[i])];
        raw[i * f_in + k] = c.codes[i] < 0 ? NAN : static_cast<float>(c.codes[i]);
      }
      r.fill.push_back(static_cast<float>(std::max_element(counts.begin(), counts.end()) - counts.begin()));
    } else {
      std::vector<float> present;
      for (std::size_t i = 0; i < n; ++i) {
        const float v = c.type == ColumnType::numeric ? c.values[i] : NAN;
        raw[i * f_in + k] = v;
        if (!std::isnan(v)) present.push_back(v);
      }
      r.fill.push_back(median_of(present));  // an all-missing column becomes 0
    }
  }
  std::vector<bool> numeric_column;  // per model feature: came from a number
  for (std::uint32_t k : r.n_categories) {
    if (k == 0) {
      numeric_column.push_back(true);
    } else {
      numeric_column.insert(numeric_column.end(), k, false);
    }
  }
  r.width = static_cast<std::uint32_t>(numeric_column.size());
  r.metadata.target = target.name;
  r.metadata.model_name = model_name(options);
  if (logistic) {
    r.n_classes = static_cast<std::uint32_t>(target.labels.size());
    r.task = r.n_classes == 2 ? f::Task::binary : f::Task::multiclass;
    r.n_outputs = logistic_outputs(r.n_classes);
    r.link = r.n_classes == 2 ? f::Link::logistic : f::Link::softmax;
    r.metadata.classes = target.labels;
  }
  r.weights.assign(std::size_t{r.n_outputs} * r.width, 0.0f);
  r.intercepts.assign(r.n_outputs, 0.0f);

  // Stage 1: impute + one-hot, through the runtime; then the scaler's statistics.
  std::vector<float> x;
  if (!transform_all(r, raw, n, &x, error)) return false;
  const std::size_t w = r.width;
  r.affine = true;
  r.offset.assign(w, 0.0f);
  r.scale.assign(w, 1.0f);
  for (std::size_t j = 0; j < w; ++j) {
    if (!numeric_column[j]) continue;
    double mean = 0.0, var = 0.0;
    for (std::size_t i = 0; i < n; ++i) mean += static_cast<double>(x[i * w + j]);
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double dv = static_cast<double>(x[i * w + j]) - mean;
      var += dv * dv;
    }
    const double sd = std::sqrt(var / static_cast<double>(n));
    r.offset[j] = static_cast<float>(mean);
    r.scale[j] = sd > 0.0 ? static_cast<float>(1.0 / sd) : 1.0f;  // a constant column stays as it is
  }
  // Stage 2: the whole pipeline; the model is fitted on its output.
  if (!transform_all(r, raw, n, &x, error)) return false;

  Arena arena(nullptr, 0, heap_upstream());
  const MatrixView<const float> xv{x.data(), n, w, w};
  const auto start = std::chrono::steady_clock::now();
  Status s = Status::ok;
  if (logistic) {
    std::vector<float> class_weight;
    if (options.balanced_class_weight) {
      class_weight.resize(r.n_classes);
      s = balanced_class_weights(Span<const std::int32_t>(target.codes.data(), n), r.n_classes,
                                 Span<float>(class_weight.data(), class_weight.size()));
    }
    if (s == Status::ok) {
      s = fit_logistic_regression(xv, Span<const std::int32_t>(target.codes.data(), n), r.n_classes, {},
                                  span_of(class_weight), options.logistic, arena,
                                  Span<float>(r.weights.data(), r.weights.size()),
                                  Span<float>(r.intercepts.data(), r.intercepts.size()), &out->report);
    }
    out->solver = options.logistic.penalty == Penalty::l1 || options.logistic.penalty == Penalty::elasticnet
                      ? "owlqn"
                      : "lbfgs";
  } else {
    s = fit_linear_regression(xv, Span<const float>(target.values.data(), n), {}, options.linear, arena,
                              Span<float>(r.weights.data(), r.weights.size()), &r.intercepts[0],
                              &out->report);
    out->solver = options.linear.penalty == Penalty::none ? "lstsq"
                  : options.linear.penalty == Penalty::l2 ? "cholesky"
                                                          : "coordinate descent";
  }
  out->fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s != Status::ok) {
    *error = Error{"", 0, 0, std::string("fitting failed: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  out->model_features = w;
  out->model_name = r.metadata.model_name;
  return write_recipe(r, out, error);
}

}  // namespace ember::host
