#include "host/pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "ember/base/arena.h"
#include "ember/lda.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "host/heap_upstream.h"
#include "host/model_build.h"
#include "host/span_of.h"

namespace ember::host {

namespace {

namespace f = format;

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", 100.0 * share);
  return text;
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

Status write_step(ModelWriter& w, const PipelineStep& s) {
  switch (s.kind) {
    case f::StepKind::impute:
      return w.impute(span_of(s.a), span_of(s.u));
    case f::StepKind::one_hot:
      return w.one_hot(span_of(s.u), s.unknown_is_error);
    case f::StepKind::ordinal:
      return w.ordinal(span_of(s.u), span_of(s.a), span_of(s.b));
    case f::StepKind::affine:
      return w.affine(span_of(s.a), span_of(s.b));
    case f::StepKind::discretize:
      return w.discretize(span_of(s.u), span_of(s.a));
    case f::StepKind::select:
      return w.select(s.n_in, span_of(s.u));
    case f::StepKind::project:
      return w.project(s.n_in, s.n_out, span_of(s.a), span_of(s.b));
  }
  return Status::invalid_argument;
}

// Runs steps[first, last) over n rows of x (width in_categories.size()) in
// the runtime, through a model file that holds only those steps.
bool run_steps(const std::vector<PipelineStep>& steps, std::size_t first, std::size_t last,
               const std::vector<std::uint32_t>& in_categories, const float* x, std::size_t n,
               std::vector<float>* out, Error* error) {
  const std::size_t width_in = in_categories.size();
  const std::uint32_t width_out = last > first ? steps[last - 1].n_out : static_cast<std::uint32_t>(width_in);
  const std::vector<float> weights(width_out, 0.0f), intercept(1, 0.0f);
  std::vector<std::uint64_t> storage;
  std::size_t size = 0;
  const bool built = build_model(
      [&](ModelWriter& w) {
        EMBER_TRY(w.schema({f::Task::regression, 0, span_of(in_categories)}));
        for (std::size_t s = first; s < last; ++s) EMBER_TRY(write_step(w, steps[s]));
        return w.linear({width_out, 1, f::Link::identity, span_of(weights), span_of(intercept)});
      },
      &storage, &size, error);
  if (!built) return false;
  Model m;
  Status s = load_model(storage.data(), size, &m);
  std::vector<unsigned char> scratch(s == Status::ok ? scratch_bytes(m) : 0);
  out->assign(n * width_out, 0.0f);
  for (std::size_t i = 0; i < n && s == Status::ok; ++i) {
    s = transform(m, Span<const float>(x + i * width_in, width_in),
                  Span<unsigned char>(scratch.data(), scratch.size()),
                  Span<float>(out->data() + i * width_out, width_out));
    if (s == Status::unknown_category) {
      *error = Error{"", 0, 0,
                     "row " + std::to_string(i + 1) +
                         ": a category not seen in training, and the one-hot encoding was fitted with "
                         "unknown=error"};
      return false;
    }
  }
  if (s != Status::ok) {
    *error = Error{"", 0, 0, std::string("internal: the pipeline does not run: ") + status_name(s)};
    return false;
  }
  return true;
}

// What a column of the pipeline's current output is, which decides the
// steps that touch it.
enum class Role : std::uint8_t {
  number,     // a raw number or a target encoding: discretized and scaled
  code,       // an ordinal-encoded category: scaled, not discretized
  category,   // a category code the model reads natively
  indicator,  // a 0/1 missing indicator
  one_hot,    // a 0/1 one-hot column
  bin,        // a bin number: scaled
};

// The fitting rows as they pass through the steps fitted so far.
struct State {
  std::size_t rows = 0;
  std::vector<float> x;  // rows x width
  std::vector<std::uint32_t> cats;
  std::vector<Role> role;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> labels;  // per category column

  std::size_t width() const { return cats.size(); }
  MatrixView<const float> view() const { return {x.data(), rows, width(), width()}; }
};

Error fitter_error(const std::string& what, Status s) {
  return Error{"", 0, 0, "cannot fit " + what + ": " + status_name(s) + ": " + status_description(s)};
}

// Appends a fitted step and moves the fitting rows through it.
bool add_step(PipelineStep step, State* st, FittedPipeline* out, Error* error) {
  out->steps.push_back(std::move(step));
  std::vector<float> next;
  const std::size_t at = out->steps.size() - 1;
  if (!run_steps(out->steps, at, at + 1, st->cats, st->x.data(), st->rows, &next, error)) return false;
  st->x.swap(next);
  return true;
}

bool drop_columns(double threshold, State* st, FittedPipeline* out, Error* error) {
  const std::size_t d = st->width();
  std::vector<std::size_t> missing(d, 0);
  for (std::size_t i = 0; i < st->rows; ++i) {
    for (std::size_t j = 0; j < d; ++j) missing[j] += std::isnan(st->x[i * d + j]) ? 1u : 0u;
  }
  PipelineStep step;
  step.kind = f::StepKind::select;
  step.n_in = static_cast<std::uint32_t>(d);
  std::string dropped;
  for (std::size_t j = 0; j < d; ++j) {
    const double share = static_cast<double>(missing[j]) / static_cast<double>(st->rows);
    if (share > threshold) {
      dropped += (dropped.empty() ? "" : ", ") + st->names[j] + " (" + percent(share) + ")";
    } else {
      step.u.push_back(static_cast<std::uint32_t>(j));
    }
  }
  if (step.u.size() == d) return true;
  if (step.u.empty()) {
    *error = Error{"", 0, 0,
                   "--drop-missing columns=" + number(threshold) +
                       " drops every column (each is missing in more of the training rows)"};
    return false;
  }
  step.n_out = static_cast<std::uint32_t>(step.u.size());
  step.description = "drop columns missing in more than " + percent(threshold) + " of the rows: " + dropped;
  const std::vector<std::uint32_t> kept = step.u;
  if (!add_step(std::move(step), st, out, error)) return false;
  State next;
  for (std::uint32_t j : kept) {
    next.cats.push_back(st->cats[j]);
    next.role.push_back(st->role[j]);
    next.names.push_back(st->names[j]);
    next.labels.push_back(st->labels[j]);
  }
  st->cats.swap(next.cats);
  st->role.swap(next.role);
  st->names.swap(next.names);
  st->labels.swap(next.labels);
  return true;
}

bool has_categories(const State& st) {
  for (std::uint32_t k : st.cats) {
    if (k > 0) return true;
  }
  return false;
}

const char* impute_strategy_name(ImputeStrategy s) {
  switch (s) {
    case ImputeStrategy::mean:
      return "mean";
    case ImputeStrategy::median:
      return "median";
    case ImputeStrategy::most_frequent:
      return "most frequent";
    case ImputeStrategy::constant:
      return "constant";
  }
  return "?";
}

bool impute(const ImputerOptions& o, State* st, FittedPipeline* out, Error* error) {
  Arena scratch(nullptr, 0, heap_upstream()), result(nullptr, 0, heap_upstream());
  FittedImputer fi;
  const Status s = fit_imputer(st->view(), span_of(st->cats), o, scratch, result, &fi);
  if (s != Status::ok) {
    *error = fitter_error("the imputer", s);
    return false;
  }
  PipelineStep step;
  step.kind = f::StepKind::impute;
  step.n_in = static_cast<std::uint32_t>(st->width());
  step.n_out = static_cast<std::uint32_t>(st->width() + fi.indicators.size());
  step.a.assign(fi.fill.begin(), fi.fill.end());
  step.u.assign(fi.indicators.begin(), fi.indicators.end());
  step.description = std::string("impute ") + impute_strategy_name(o.strategy);
  if (o.strategy == ImputeStrategy::constant) {
    step.description += " " + number(static_cast<double>(o.fill_value));
  } else if (has_categories(*st)) {
    step.description += " (categories: most frequent)";
  }
  std::string filled;
  for (std::size_t j = 0; j < st->width(); ++j) {
    if (fi.missing_fraction[j] > 0.0) filled += (filled.empty() ? "" : ", ") + st->names[j];
  }
  step.description += filled.empty() ? "; nothing was missing" : "; filled: " + filled;
  if (o.add_indicator) {
    step.description += fi.indicators.size() == 0
                            ? "; no indicators (nothing missing)"
                            : "; " + std::to_string(fi.indicators.size()) + " missing indicators";
  }
  if (!add_step(std::move(step), st, out, error)) return false;
  for (std::uint32_t j : fi.indicators) {
    st->cats.push_back(0);
    st->role.push_back(Role::indicator);
    st->names.push_back(st->names[j] + "_missing");
    st->labels.emplace_back();
  }
  return true;
}

// Refuses a one-hot that is too wide (see kMaxOneHotColumns): `made` holds
// each encoded column's name, what it has ("5000 categories") and the
// columns it makes; `width` is the step's whole output width.
bool one_hot_fits(const std::vector<std::tuple<std::string, std::string, std::uint32_t>>& made,
                  std::size_t width, std::size_t rows, const std::string& what, const std::string& hint,
                  Error* error) {
  std::uint64_t columns = 0;
  for (const auto& m : made) columns += std::get<2>(m);
  const std::uint64_t bytes = std::uint64_t{width} * rows * sizeof(float);
  if (columns <= kMaxOneHotColumns && bytes <= kMaxOneHotBytes) return true;
  std::vector<std::tuple<std::string, std::string, std::uint32_t>> widest = made;
  std::stable_sort(widest.begin(), widest.end(),
                   [](const auto& a, const auto& b) { return std::get<2>(a) > std::get<2>(b); });
  std::string which;
  for (std::size_t i = 0; i < widest.size() && i < 3; ++i)
    which += (i ? ", " : "") + std::get<0>(widest[i]) + ": " + std::get<1>(widest[i]);
  if (widest.size() > 3) which += ", ...";
  const std::string size = columns > kMaxOneHotColumns
                               ? std::to_string(columns) + " columns (" + which + "), more than " +
                                     std::to_string(kMaxOneHotColumns)
                               : std::to_string(rows) + " rows x " + std::to_string(width) + " columns (" +
                                     which + "), " + std::to_string(bytes >> 20) +
                                     " MiB of values, more than " + std::to_string(kMaxOneHotBytes >> 30) +
                                     " GiB";
  *error = Error{"", 0, 0, what + " would make " + size + "; " + hint};
  return false;
}

bool one_hot(const OneHotOptions& o, State* st, FittedPipeline* out, Error* error) {
  Arena result(nullptr, 0, heap_upstream());
  FittedOneHot fo;
  const Status s = fit_one_hot(st->view(), span_of(st->cats), o, result, &fo);
  if (s != Status::ok) {
    *error = fitter_error("the one-hot encoding", s);
    return false;
  }
  const std::size_t d = st->width();
  // Per categorical column, the label of each output column: a kept
  // category's own, or "infrequent" for a bucket of several.
  std::vector<std::vector<std::string>> out_labels(d);
  std::string summary;
  std::size_t at = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const std::uint32_t k = st->cats[j];
    if (k == 0) continue;
    std::vector<std::vector<std::uint32_t>> codes(fo.n_out[j]);
    for (std::uint32_t c = 0; c < k; ++c) codes[static_cast<std::size_t>(fo.remap[at + c])].push_back(c);
    at += k;
    for (std::uint32_t col = 0; col < fo.n_out[j]; ++col) {
      const bool bucket = fo.infrequent[j] != 0 && col + 1 == fo.n_out[j];
      out_labels[j].push_back(bucket ? "infrequent" : st->labels[j][codes[col][0]]);
    }
    summary += (summary.empty() ? "" : ", ") + st->names[j] + " (" + std::to_string(k) + " categories";
    if (fo.n_out[j] != k) summary += " -> " + std::to_string(fo.n_out[j]) + " columns";
    summary += ")";
  }
  if (fo.merges) {
    PipelineStep remap;
    remap.kind = f::StepKind::ordinal;
    remap.n_in = remap.n_out = static_cast<std::uint32_t>(d);
    remap.u = st->cats;
    remap.a.assign(fo.unknown.begin(), fo.unknown.end());
    remap.b.assign(fo.remap.begin(), fo.remap.end());
    remap.description = "merge infrequent categories (";
    if (o.max_categories > 0) remap.description += "max_categories " + std::to_string(o.max_categories);
    if (o.max_categories > 0 && o.min_frequency > 1) remap.description += ", ";
    if (o.min_frequency > 1) remap.description += "min_frequency " + std::to_string(o.min_frequency);
    remap.description += ")";
    if (!add_step(std::move(remap), st, out, error)) return false;
    for (std::size_t j = 0; j < d; ++j) {
      if (st->cats[j] > 0) st->cats[j] = fo.n_out[j];
    }
  }
  {
    std::vector<std::tuple<std::string, std::string, std::uint32_t>> made;
    std::size_t width = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const std::uint32_t k = st->cats[j];
      width += k > 0 ? fo.n_out[j] : 1u;
      if (k == 0) continue;
      std::string has = std::to_string(k) + " categories";
      if (fo.n_out[j] != k) has += " -> " + std::to_string(fo.n_out[j]) + " columns";
      made.emplace_back(st->names[j], has, fo.n_out[j]);
    }
    if (!one_hot_fits(made, width, st->rows, "the one-hot encoding (--encode onehot)",
                      "give --encode onehot:max_categories=N (rare categories share a column) or --encode "
                      "target",
                      error))
      return false;
  }
  PipelineStep step;
  step.kind = f::StepKind::one_hot;
  step.n_in = static_cast<std::uint32_t>(d);
  step.u = st->cats;
  step.unknown_is_error = o.unknown == UnknownCategory::error;
  std::uint32_t width = 0;
  for (std::uint32_t k : st->cats) width += k > 0 ? k : 1u;
  step.n_out = width;
  step.description = "one-hot " + summary + "; unknown categories " +
                     (o.unknown == UnknownCategory::error        ? "are an error"
                      : o.unknown == UnknownCategory::infrequent ? "go to the infrequent column"
                                                                 : "become zeros");
  if (!add_step(std::move(step), st, out, error)) return false;
  State next;
  for (std::size_t j = 0; j < d; ++j) {
    if (st->cats[j] == 0) {
      next.cats.push_back(0);
      next.role.push_back(st->role[j]);
      next.names.push_back(st->names[j]);
      next.labels.emplace_back();
      continue;
    }
    for (const std::string& label : out_labels[j]) {
      next.cats.push_back(0);
      next.role.push_back(Role::one_hot);
      next.names.push_back(st->names[j] + "=" + label);
      next.labels.emplace_back();
    }
  }
  st->cats.swap(next.cats);
  st->role.swap(next.role);
  st->names.swap(next.names);
  st->labels.swap(next.labels);
  return true;
}

bool target_encode(const PipelineOptions& o, const std::vector<float>& y, std::uint32_t n_classes, State* st,
                   FittedPipeline* out, Error* error) {
  if (n_classes > 2) {
    *error = Error{"", 0, 0,
                   "--encode target needs a numeric or two-class target; this one has " +
                       std::to_string(n_classes) + " classes (use --encode onehot)"};
    return false;
  }
  if (o.target_folds > st->rows) {
    *error = Error{"", 0, 0,
                   "--encode target: folds=" + std::to_string(o.target_folds) + " is more than the " +
                       std::to_string(st->rows) + " training rows"};
    return false;
  }
  const std::size_t d = st->width();
  std::size_t total = 0;
  for (std::uint32_t k : st->cats) total += k;
  PipelineStep step;
  step.kind = f::StepKind::ordinal;
  step.n_in = step.n_out = static_cast<std::uint32_t>(d);
  step.u = st->cats;
  step.a.assign(d, 0.0f);
  step.b.assign(total, 0.0f);
  Arena scratch(nullptr, 0, heap_upstream());
  const Span<const float> target = span_of(y);
  Status s = fit_target_encoder(st->view(), span_of(st->cats), target, o.target, scratch,
                                Span<float>(step.b.data(), step.b.size()),
                                Span<float>(step.a.data(), step.a.size()));
  // The model learns from out-of-fold encodings of its own rows, so that no
  // row's target leaks into its feature; the file holds the full fit.
  std::vector<float> oof(st->x.size());
  if (s == Status::ok) {
    s = target_encode_out_of_fold(st->view(), span_of(st->cats), target, o.target, o.target_folds, o.seed,
                                  scratch, MatrixView<float>{oof.data(), st->rows, d, d});
  }
  if (s != Status::ok) {
    *error = fitter_error("the target encoding", s);
    return false;
  }
  std::string which;
  for (std::size_t j = 0; j < d; ++j) {
    if (st->cats[j] > 0) which += (which.empty() ? "" : ", ") + st->names[j];
  }
  step.description = "target-encode " + which + " (smooth " +
                     (o.target.smooth < 0.0 ? std::string("auto") : number(o.target.smooth)) +
                     "; training rows encoded out of " + std::to_string(o.target_folds) + " folds)";
  if (!add_step(std::move(step), st, out, error)) return false;
  st->x.swap(oof);
  for (std::size_t j = 0; j < d; ++j) {
    if (st->cats[j] == 0) continue;
    st->cats[j] = 0;
    st->role[j] = Role::number;
    st->labels[j].clear();
  }
  return true;
}

const char* discretize_strategy_name(DiscretizeStrategy s) {
  switch (s) {
    case DiscretizeStrategy::uniform:
      return "uniform";
    case DiscretizeStrategy::quantile:
      return "quantile";
    case DiscretizeStrategy::kmeans:
      return "kmeans";
  }
  return "?";
}

bool discretize(const PipelineOptions& o, State* st, FittedPipeline* out, Error* error) {
  const std::size_t d = st->width();
  std::vector<std::uint8_t> skip(d);
  for (std::size_t j = 0; j < d; ++j) skip[j] = st->role[j] == Role::number ? 0 : 1;
  Arena scratch(nullptr, 0, heap_upstream()), result(nullptr, 0, heap_upstream());
  FittedDiscretizer fd;
  const Status s = fit_discretizer(st->view(), span_of(skip), o.discretizer, scratch, result, &fd);
  if (s != Status::ok) {
    *error = fitter_error("the discretizer", s);
    return false;
  }
  PipelineStep step;
  step.kind = f::StepKind::discretize;
  step.n_in = step.n_out = static_cast<std::uint32_t>(d);
  step.u.assign(fd.n_edges.begin(), fd.n_edges.end());
  step.a.assign(fd.edges.begin(), fd.edges.end());
  std::string which;
  std::size_t binned = 0;
  for (std::size_t j = 0; j < d; ++j) {
    if (fd.n_edges[j] == 0) continue;
    ++binned;
    which += (which.empty() ? "" : ", ") + st->names[j] + " (" + std::to_string(fd.n_edges[j] + 1) + ")";
  }
  if (binned == 0) return true;  // nothing numeric, or only constant columns
  step.description = std::string("discretize ") + discretize_strategy_name(o.discretizer.strategy) +
                     " into " + std::to_string(o.discretizer.n_bins) + " bins: " + which;
  if (!add_step(std::move(step), st, out, error)) return false;
  std::vector<std::uint32_t> bins(d, 0);
  for (std::size_t j = 0; j < d; ++j) {
    if (fd.n_edges[j] == 0) continue;
    bins[j] = fd.n_edges[j] + 1;
    st->role[j] = Role::bin;
  }
  if (!o.discretize_one_hot) return true;
  {
    std::vector<std::tuple<std::string, std::string, std::uint32_t>> made;
    std::size_t width = 0;
    for (std::size_t j = 0; j < d; ++j) {
      width += bins[j] > 0 ? bins[j] : 1u;
      if (bins[j] > 0) made.emplace_back(st->names[j], std::to_string(bins[j]) + " bins", bins[j]);
    }
    if (!one_hot_fits(made, width, st->rows, "--discretize ...:output=onehot",
                      "give fewer bins (bins=N) or output=ordinal", error))
      return false;
  }
  PipelineStep hot;
  hot.kind = f::StepKind::one_hot;
  hot.n_in = static_cast<std::uint32_t>(d);
  hot.u = bins;
  std::uint32_t width = 0;
  for (std::uint32_t k : bins) width += k > 0 ? k : 1u;
  hot.n_out = width;
  hot.description = "one-hot the bins";
  // The bin columns are codes now: the one-hot step reads them as such.
  const std::vector<std::uint32_t> cats = st->cats;
  for (std::size_t j = 0; j < d; ++j) {
    if (bins[j] > 0) st->cats[j] = bins[j];
  }
  if (!add_step(std::move(hot), st, out, error)) return false;
  State next;
  for (std::size_t j = 0; j < d; ++j) {
    const std::uint32_t k = bins[j] > 0 ? bins[j] : 1u;
    for (std::uint32_t c = 0; c < k; ++c) {
      next.cats.push_back(bins[j] > 0 ? 0u : cats[j]);
      next.role.push_back(bins[j] > 0 ? Role::one_hot : st->role[j]);
      next.names.push_back(bins[j] > 0 ? st->names[j] + "=bin" + std::to_string(c) : st->names[j]);
      next.labels.push_back(bins[j] > 0 ? std::vector<std::string>{} : st->labels[j]);
    }
  }
  st->cats.swap(next.cats);
  st->role.swap(next.role);
  st->names.swap(next.names);
  st->labels.swap(next.labels);
  return true;
}

const char* scaler_name(ScalerKind k) {
  switch (k) {
    case ScalerKind::standard:
      return "standard";
    case ScalerKind::minmax:
      return "minmax";
    case ScalerKind::robust:
      return "robust";
    case ScalerKind::maxabs:
      return "maxabs";
  }
  return "?";
}

bool scale(const ScalerOptions& o, State* st, FittedPipeline* out, Error* error) {
  const std::size_t d = st->width();
  std::vector<std::uint8_t> skip(d);
  std::size_t scaled = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const Role r = st->role[j];
    skip[j] = r == Role::number || r == Role::code || r == Role::bin ? 0 : 1;
    scaled += skip[j] ? 0u : 1u;
  }
  if (scaled == 0) return true;
  PipelineStep step;
  step.kind = f::StepKind::affine;
  step.n_in = step.n_out = static_cast<std::uint32_t>(d);
  step.a.assign(d, 0.0f);
  step.b.assign(d, 1.0f);
  Arena scratch(nullptr, 0, heap_upstream());
  const Status s = fit_scaler(st->view(), span_of(skip), o, scratch, Span<float>(step.a.data(), d),
                              Span<float>(step.b.data(), d));
  if (s != Status::ok) {
    *error = fitter_error("the scaler", s);
    return false;
  }
  step.description = std::string("scale ") + scaler_name(o.kind) + ": " + std::to_string(scaled) + " of " +
                     std::to_string(d) + " columns (not one-hot columns, indicators or categories)";
  return add_step(std::move(step), st, out, error);
}

bool select(const SelectionOptions& o, const std::vector<float>& y, std::uint32_t n_classes,
            const SelectionModel& model, State* st, FittedPipeline* out, Error* error) {
  SelectionData data;
  data.x = st->x.data();
  data.rows = st->rows;
  data.cols = st->width();
  data.categories = st->cats;
  data.y = y.data();
  std::vector<std::uint32_t> keep;
  PipelineStep step;
  if (!select_columns(o, data, n_classes, st->names, model, &keep, &step.description, error)) return false;
  step.kind = f::StepKind::select;
  step.n_in = static_cast<std::uint32_t>(st->width());
  step.n_out = static_cast<std::uint32_t>(keep.size());
  step.u = keep;
  if (!add_step(std::move(step), st, out, error)) return false;
  State next;
  for (std::uint32_t j : keep) {
    next.cats.push_back(st->cats[j]);
    next.role.push_back(st->role[j]);
    next.names.push_back(st->names[j]);
    next.labels.push_back(st->labels[j]);
  }
  st->cats.swap(next.cats);
  st->role.swap(next.role);
  st->names.swap(next.names);
  st->labels.swap(next.labels);
  return true;
}

bool lda(std::uint32_t components, const std::vector<float>& y, std::uint32_t n_classes, State* st,
         FittedPipeline* out, Error* error) {
  const std::size_t d = st->width();
  if (n_classes < 2) {
    *error = Error{"", 0, 0, "--project lda needs classes; this target is numeric"};
    return false;
  }
  if (has_categories(*st)) {
    *error = Error{"", 0, 0, "--project lda reads numbers: encode the categories (--encode onehot)"};
    return false;
  }
  const std::size_t limit = std::min<std::size_t>(n_classes - 1, d);
  if (components == 0) components = static_cast<std::uint32_t>(limit);
  if (components > limit) {
    *error = Error{"", 0, 0,
                   "--project lda:components=" + std::to_string(components) +
                       " is more than min(classes - 1, " + "columns) = " + std::to_string(limit)};
    return false;
  }
  PipelineStep step;
  step.kind = f::StepKind::project;
  step.n_in = static_cast<std::uint32_t>(d);
  step.n_out = components;
  step.a.assign(std::size_t{components} * d, 0.0f);
  step.b.assign(components, 0.0f);
  Arena scratch(nullptr, 0, heap_upstream());
  const Status s =
      fit_lda(st->view(), span_of(y), n_classes, components, scratch,
              Span<float>(step.a.data(), step.a.size()), Span<float>(step.b.data(), step.b.size()));
  if (s == Status::bad_value) {
    for (std::size_t i = 0; i < st->x.size(); ++i) {
      if (std::isnan(st->x[i])) {
        *error = Error{"", 0, 0,
                       "--project lda needs every value, but '" + st->names[i % d] +
                           "' is missing in a training "
                           "row; add --impute"};
        return false;
      }
    }
  }
  if (s != Status::ok) {
    *error = fitter_error(
        "the LDA projection (too few rows, or the classes are not separable in that many "
        "directions)",
        s);
    return false;
  }
  step.description = "project onto " + std::to_string(components) + " linear discriminant directions of " +
                     std::to_string(d) + " columns";
  if (!add_step(std::move(step), st, out, error)) return false;
  st->cats.assign(components, 0);
  st->role.assign(components, Role::number);
  st->names.clear();
  for (std::uint32_t c = 0; c < components; ++c) st->names.push_back("lda" + std::to_string(c));
  st->labels.assign(components, {});
  return true;
}

}  // namespace

RawFeatures raw_features(const Table& table) {
  RawFeatures r;
  for (std::size_t j = 0; j < table.columns.size(); ++j) {
    if (static_cast<int>(j) != table.target) r.columns.push_back(j);
  }
  r.n = table.rows;
  r.d = r.columns.size();
  r.x.resize(r.n * r.d);
  for (std::size_t k = 0; k < r.d; ++k) {
    const Column& c = table.columns[r.columns[k]];
    r.names.push_back(c.name);
    const bool categorical = c.type == ColumnType::categorical && !c.labels.empty();
    r.n_categories.push_back(categorical ? static_cast<std::uint32_t>(c.labels.size()) : 0u);
    r.labels.push_back(categorical ? c.labels : std::vector<std::string>{});
    for (std::size_t i = 0; i < r.n; ++i) {
      if (categorical) {
        r.x[i * r.d + k] = c.codes[i] < 0 ? NAN : static_cast<float>(c.codes[i]);
      } else {
        r.x[i * r.d + k] = c.type == ColumnType::numeric ? c.values[i] : NAN;
      }
    }
  }
  return r;
}

std::vector<std::size_t> sparse_rows(const RawFeatures& raw, double threshold) {
  std::vector<std::size_t> rows;
  if (threshold >= 1.0 || raw.d == 0) return rows;
  for (std::size_t i = 0; i < raw.n; ++i) {
    std::size_t missing = 0;
    for (std::size_t j = 0; j < raw.d; ++j) missing += std::isnan(raw.x[i * raw.d + j]) ? 1u : 0u;
    if (static_cast<double>(missing) > threshold * static_cast<double>(raw.d)) rows.push_back(i);
  }
  return rows;
}

Status FittedPipeline::write_steps(ModelWriter& w) const {
  for (const PipelineStep& s : steps) EMBER_TRY(write_step(w, s));
  return Status::ok;
}

std::vector<std::string> FittedPipeline::descriptions() const {
  std::vector<std::string> d;
  for (const PipelineStep& s : steps) d.push_back(s.description);
  return d;
}

bool fit_pipeline(const RawFeatures& raw, const std::vector<std::size_t>& rows, const std::vector<float>& y,
                  std::uint32_t n_classes, const PipelineOptions& options, const SelectionModel& model,
                  FittedPipeline* out, std::vector<float>* x_fit, Error* error) {
  *out = FittedPipeline{};
  out->in_categories = raw.n_categories;
  State st;
  st.rows = rows.size();
  st.x.resize(rows.size() * raw.d);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::copy(raw.x.begin() + static_cast<std::ptrdiff_t>(rows[r] * raw.d),
              raw.x.begin() + static_cast<std::ptrdiff_t>((rows[r] + 1) * raw.d),
              st.x.begin() + static_cast<std::ptrdiff_t>(r * raw.d));
  }
  st.cats = raw.n_categories;
  st.names = raw.names;
  st.labels = raw.labels;
  for (std::uint32_t k : raw.n_categories) st.role.push_back(k > 0 ? Role::category : Role::number);
  if (rows.empty()) {
    *error = Error{"", 0, 0, "no training rows left to fit the pipeline on"};
    return false;
  }

  bool ok = true;
  if (options.drop_column_missing < 1.0) ok = drop_columns(options.drop_column_missing, &st, out, error);
  if (ok && options.impute) ok = impute(options.imputer, &st, out, error);
  if (ok && has_categories(st)) {
    switch (options.encoding) {
      case Encoding::native:
        break;
      case Encoding::one_hot:
        ok = one_hot(options.one_hot, &st, out, error);
        break;
      case Encoding::ordinal:
        for (std::size_t j = 0; j < st.width(); ++j) {
          if (st.cats[j] == 0) continue;
          st.cats[j] = 0;
          st.role[j] = Role::code;
        }
        break;
      case Encoding::target:
        ok = target_encode(options, y, n_classes, &st, out, error);
        break;
    }
  }
  if (ok && options.discretize) ok = discretize(options, &st, out, error);
  if (ok && options.scale) ok = scale(options.scaler, &st, out, error);
  if (ok && options.select.method != SelectMethod::none) {
    SelectionOptions select_options = options.select;
    select_options.seed = options.seed;
    ok = select(select_options, y, n_classes, model, &st, out, error);
  }
  if (ok && options.lda) ok = lda(options.lda_components, y, n_classes, &st, out, error);
  if (!ok) return false;
  out->out_categories = st.cats;
  out->out_names = st.names;
  x_fit->swap(st.x);
  return true;
}

bool apply_pipeline(const FittedPipeline& p, const float* x, std::size_t n, std::vector<float>* out,
                    Error* error) {
  return run_steps(p.steps, 0, p.steps.size(), p.in_categories, x, n, out, error);
}

}  // namespace ember::host
