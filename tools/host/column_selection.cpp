#include "host/column_selection.h"

#include <algorithm>
#include <cmath>

#include "ember/base/arena.h"
#include "ember/feature_scores.h"
#include "ember/feature_selection.h"
#include "ember/folds.h"
#include "host/heap_upstream.h"
#include "host/span_of.h"
#include "host/text.h"

namespace ember::host {

namespace {

MatrixView<const float> view_of(const SelectionData& d) { return {d.x, d.rows, d.cols, d.cols}; }

std::string number(double v) { return format_number("%.4g", v); }

Error select_error(const SelectionOptions& o, const std::string& message) {
  return Error{"", 0, 0, std::string("--select ") + select_method_name(o.method) + ": " + message};
}

// Filters need every value (as scikit-learn's); the message says where one is missing.
bool check_present(const SelectionOptions& o, const SelectionData& d, const std::vector<std::string>& names,
                   Error* error) {
  for (std::size_t i = 0; i < d.rows; ++i) {
    for (std::size_t j = 0; j < d.cols; ++j) {
      if (std::isnan(d.x[i * d.cols + j])) {
        *error = select_error(o, "needs every value, but '" + names[j] + "' is missing in training row " +
                                     std::to_string(i + 1) + "; add --impute");
        return false;
      }
    }
  }
  return true;
}

// The columns `mode` keeps of `scores` (higher is better), ascending.
bool keep_by(const SelectionOptions& o, const SelectOptions& mode, const std::vector<double>& scores,
             std::vector<std::uint32_t>* keep, Error* error) {
  std::vector<std::uint8_t> mask(scores.size());
  keep->assign(scores.size(), 0);
  Arena scratch(nullptr, 0, heap_upstream());
  std::size_t count = 0;
  Status s = select_features(span_of(scores), mode, scratch, Span<std::uint8_t>(mask.data(), mask.size()));
  if (s == Status::ok)
    s = kept_columns(span_of(mask), Span<std::uint32_t>(keep->data(), keep->size()), &count);
  if (s != Status::ok) {
    *error = select_error(
        o, std::string("cannot choose the columns: ") + status_name(s) + ": " + status_description(s));
    return false;
  }
  keep->resize(count);
  return true;
}

std::string mode_text(const SelectOptions& m) {
  switch (m.mode) {
    case SelectMode::k_best:
      return "the " + std::to_string(m.k) + " best";
    case SelectMode::percentile:
      return "the best " + number(m.percentile) + "%";
    case SelectMode::at_least:
      return "score >= " + number(m.threshold);
    case SelectMode::above:
      return "score > " + number(m.threshold);
  }
  return "";
}

// Univariate scores of every column; p-values where the test has them.
bool univariate(const SelectionOptions& o, const SelectionData& d, std::uint32_t n_classes,
                const std::vector<std::string>& names, std::vector<double>* scores, Error* error) {
  const bool classes = n_classes > 0;
  const bool for_classes =
      o.method == SelectMethod::chi2 || o.method == SelectMethod::anova || o.method == SelectMethod::fisher;
  if (for_classes && !classes) {
    *error = select_error(o,
                          "scores columns against classes; this target is numeric (use f_regression or "
                          "mutual_info)");
    return false;
  }
  if (o.method == SelectMethod::f_regression && classes) {
    *error =
        select_error(o, "is for a numeric target; this one holds classes (use anova, chi2 or mutual_info)");
    return false;
  }
  if (!check_present(o, d, names, error)) return false;
  if (o.method == SelectMethod::chi2) {
    for (std::size_t i = 0; i < d.rows; ++i) {
      for (std::size_t j = 0; j < d.cols; ++j) {
        if (d.x[i * d.cols + j] < 0.0f) {
          *error = select_error(o, "needs non-negative values (counts, frequencies, one-hot columns), but '" +
                                       names[j] + "' is " + number(static_cast<double>(d.x[i * d.cols + j])) +
                                       " in training row " + std::to_string(i + 1) +
                                       "; use --scale minmax or another score");
          return false;
        }
      }
    }
  }
  scores->assign(d.cols, 0.0);
  const Span<double> out(scores->data(), scores->size());
  const Span<const float> y(d.y, d.rows);
  Arena scratch(nullptr, 0, heap_upstream());
  Status s = Status::ok;
  switch (o.method) {
    case SelectMethod::variance:
      s = column_variance(view_of(d), out);
      break;
    case SelectMethod::chi2:
      s = chi2_scores(view_of(d), y, n_classes, scratch, out, {});
      break;
    case SelectMethod::anova:
      s = f_classif(view_of(d), y, n_classes, scratch, out, {});
      break;
    case SelectMethod::fisher:
      s = fisher_score(view_of(d), y, n_classes, scratch, out);
      break;
    case SelectMethod::f_regression:
      s = f_regression(view_of(d), y, out, {}, {});
      break;
    case SelectMethod::mutual_info: {
      std::vector<std::uint8_t> discrete(d.cols);
      for (std::size_t j = 0; j < d.cols; ++j) discrete[j] = d.categories[j] > 0 ? 1 : 0;
      MutualInfoOptions mo;
      mo.seed = o.seed;
      s = classes ? mutual_info_classif(view_of(d), span_of(discrete), y, n_classes, mo, scratch, out)
                  : mutual_info_regression(view_of(d), span_of(discrete), y, mo, scratch, out);
      break;
    }
    default:
      s = Status::invalid_argument;
  }
  if (s != Status::ok) {
    *error = select_error(
        o, std::string("cannot score the columns: ") + status_name(s) + ": " + status_description(s));
    return false;
  }
  return true;
}

// The data restricted to `columns`.
struct Subset {
  std::vector<float> x;
  SelectionData data;
};

Subset columns_of(const SelectionData& d, const std::vector<std::uint32_t>& columns,
                  const std::vector<std::size_t>* rows = nullptr) {
  Subset s;
  const std::size_t n = rows ? rows->size() : d.rows;
  s.x.resize(n * columns.size());
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t i = rows ? (*rows)[r] : r;
    for (std::size_t c = 0; c < columns.size(); ++c)
      s.x[r * columns.size() + c] = d.x[i * d.cols + columns[c]];
  }
  s.data.x = s.x.data();
  s.data.rows = n;
  s.data.cols = columns.size();
  for (std::uint32_t c : columns) s.data.categories.push_back(d.categories[c]);
  s.data.y = d.y;
  return s;
}

// Recursive feature elimination down to `target` columns (scikit-learn's
// RFE): refit, drop the `step` least important, again. *ranking gets, per
// round, the columns removed; *scores (with test rows) the score of each
// round's model, from all columns down.
bool eliminate(const SelectionOptions& o, const SelectionData& d, const SelectionData* test,
               std::size_t target, const SelectionModel& model, std::vector<std::uint32_t>* kept,
               std::vector<double>* scores, Error* error) {
  kept->clear();
  for (std::size_t j = 0; j < d.cols; ++j) kept->push_back(static_cast<std::uint32_t>(j));
  while (true) {
    const Subset sub = columns_of(d, *kept);
    Subset test_sub;
    if (test != nullptr) test_sub = columns_of(*test, *kept);
    std::vector<double> importance;
    double score = 0.0;
    if (!model(sub.data, test ? &test_sub.data : nullptr, &importance, &score, error)) return false;
    if (scores) scores->push_back(score);
    if (kept->size() <= target) return true;
    // Least important first; equal importances go in column order.
    std::vector<std::size_t> order(kept->size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return importance[a] < importance[b] || (importance[a] == importance[b] && a < b);
    });
    const std::size_t drop = std::min<std::size_t>(o.step, kept->size() - target);
    std::vector<std::uint8_t> gone(kept->size(), 0);
    for (std::size_t i = 0; i < drop; ++i) gone[order[i]] = 1;
    std::vector<std::uint32_t> next;
    for (std::size_t i = 0; i < kept->size(); ++i) {
      if (!gone[i]) next.push_back((*kept)[i]);
    }
    kept->swap(next);
  }
}

// scikit-learn's KFold / StratifiedKFold without shuffling: the test fold
// of each row (ember/folds.h).
std::vector<std::uint32_t> fold_of_rows(const SelectionData& d, std::uint32_t n_classes, std::uint32_t folds,
                                        Status* status) {
  std::vector<std::uint32_t> fold(d.rows);
  const Span<std::uint32_t> out(fold.data(), fold.size());
  if (n_classes == 0) {
    *status = kfold(d.rows, folds, Shuffle{}, out);
    return fold;
  }
  std::vector<std::int32_t> y(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) y[i] = static_cast<std::int32_t>(d.y[i]);
  Arena scratch(nullptr, 0, heap_upstream());
  *status = stratified_kfold(Span<const std::int32_t>(y.data(), y.size()), n_classes, folds, Shuffle{},
                             scratch, out);
  return fold;
}

bool rfecv(const SelectionOptions& o, const SelectionData& d, std::uint32_t n_classes,
           const SelectionModel& model, std::vector<std::uint32_t>* keep, std::string* summary,
           Error* error) {
  if (o.folds > d.rows) {
    *error = select_error(o, "folds=" + std::to_string(o.folds) + " is more than the " +
                                 std::to_string(d.rows) + " training rows");
    return false;
  }
  const std::size_t min_features = std::min<std::size_t>(o.min_features, d.cols);
  Status status = Status::ok;
  const std::vector<std::uint32_t> fold = fold_of_rows(d, n_classes, o.folds, &status);
  if (status != Status::ok) {
    *error = select_error(
        o, std::string("cannot make ") + std::to_string(o.folds) + " folds: " + status_description(status) +
               (status == Status::bad_value ? " (every class has fewer rows than folds)" : ""));
    return false;
  }
  std::vector<double> total;
  for (std::uint32_t f = 0; f < o.folds; ++f) {
    std::vector<std::size_t> train_rows, test_rows;
    for (std::size_t i = 0; i < d.rows; ++i) (fold[i] == f ? test_rows : train_rows).push_back(i);
    std::vector<std::uint32_t> all(d.cols);
    for (std::size_t j = 0; j < d.cols; ++j) all[j] = static_cast<std::uint32_t>(j);
    Subset train = columns_of(d, all, &train_rows), test = columns_of(d, all, &test_rows);
    std::vector<float> y_train, y_test;
    for (std::size_t i : train_rows) y_train.push_back(d.y[i]);
    for (std::size_t i : test_rows) y_test.push_back(d.y[i]);
    train.data.y = y_train.data();
    test.data.y = y_test.data();
    std::vector<std::uint32_t> kept;
    std::vector<double> scores;
    if (!eliminate(o, train.data, &test.data, min_features, model, &kept, &scores, error)) return false;
    if (total.empty()) total.assign(scores.size(), 0.0);
    for (std::size_t s = 0; s < scores.size() && s < total.size(); ++s) total[s] += scores[s];
  }
  // Round r kept max(cols - r * step, min_features) columns; the best mean
  // score wins, the fewest columns among equals (scikit-learn's reversed argmax).
  std::size_t best = total.size() - 1;
  for (std::size_t r = total.size(); r-- > 0;) {
    if (total[r] > total[best]) best = r;
  }
  const std::size_t n_keep = std::max(d.cols - std::min(d.cols, best * o.step), min_features);
  std::vector<double> ignored;
  if (!eliminate(o, d, nullptr, n_keep, model, keep, nullptr, error)) return false;
  *summary = "rfecv (" + std::to_string(o.folds) + " folds): mean score " +
             number(total[best] / static_cast<double>(o.folds)) + " with " + std::to_string(n_keep) +
             " columns";
  return true;
}

}  // namespace

const char* select_method_name(SelectMethod m) {
  switch (m) {
    case SelectMethod::none:
      return "none";
    case SelectMethod::variance:
      return "variance";
    case SelectMethod::correlation:
      return "correlation";
    case SelectMethod::chi2:
      return "chi2";
    case SelectMethod::anova:
      return "anova";
    case SelectMethod::f_regression:
      return "f_regression";
    case SelectMethod::mutual_info:
      return "mutual_info";
    case SelectMethod::fisher:
      return "fisher";
    case SelectMethod::rfe:
      return "rfe";
    case SelectMethod::rfecv:
      return "rfecv";
    case SelectMethod::l1:
      return "l1";
    case SelectMethod::model:
      return "model";
  }
  return "?";
}

bool fit_linear_importance(const SelectionData& train, const SelectionData* test, std::uint32_t n_classes,
                           const LinearRegressionOptions& linear, const LogisticRegressionOptions& logistic,
                           std::vector<double>* importance, double* score, Error* error) {
  const std::size_t d = train.cols;
  const std::uint32_t outputs = n_classes > 0 ? logistic_outputs(n_classes) : 1u;
  std::vector<float> coef(std::size_t{outputs} * d), intercept(outputs);
  Arena arena(nullptr, 0, heap_upstream());
  FitReport report;
  Status s = Status::ok;
  if (n_classes > 0) {
    std::vector<std::int32_t> codes(train.rows);
    for (std::size_t i = 0; i < train.rows; ++i) codes[i] = static_cast<std::int32_t>(train.y[i]);
    s = fit_logistic_regression(view_of(train), span_of(codes), n_classes, {}, {}, logistic, arena,
                                Span<float>(coef.data(), coef.size()),
                                Span<float>(intercept.data(), intercept.size()), &report);
  } else {
    s = fit_linear_regression(view_of(train), Span<const float>(train.y, train.rows), {}, linear, arena,
                              Span<float>(coef.data(), coef.size()), intercept.data(), &report);
  }
  if (s != Status::ok) {
    *error = Error{
        "", 0, 0,
        std::string("cannot fit the selection model: ") + status_name(s) + ": " + status_description(s)};
    return false;
  }
  importance->assign(d, 0.0);
  for (std::uint32_t o = 0; o < outputs; ++o) {
    for (std::size_t j = 0; j < d; ++j) (*importance)[j] += std::fabs(static_cast<double>(coef[o * d + j]));
  }
  if (test == nullptr) return true;
  // Accuracy (the largest decision wins; one output: positive is class 1),
  // or R^2.
  double hits = 0.0, sse = 0.0, sst = 0.0, mean = 0.0;
  for (std::size_t i = 0; i < test->rows; ++i) mean += static_cast<double>(test->y[i]);
  mean /= static_cast<double>(test->rows);
  for (std::size_t i = 0; i < test->rows; ++i) {
    std::uint32_t best = 0;
    double best_value = 0.0;
    for (std::uint32_t o = 0; o < outputs; ++o) {
      double v = intercept[o];
      for (std::size_t j = 0; j < d; ++j)
        v += static_cast<double>(coef[o * d + j]) * static_cast<double>(test->x[i * d + j]);
      if (o == 0 || v > best_value) {
        best = o;
        best_value = v;
      }
    }
    const double y = test->y[i];
    if (n_classes > 0) {
      const double label = outputs == 1 ? (best_value > 0.0 ? 1.0 : 0.0) : static_cast<double>(best);
      hits += label == y ? 1.0 : 0.0;
    } else {
      sse += (y - best_value) * (y - best_value);
      sst += (y - mean) * (y - mean);
    }
  }
  *score = n_classes > 0 ? hits / static_cast<double>(test->rows) : (sst > 0.0 ? 1.0 - sse / sst : 0.0);
  return true;
}

bool select_columns(const SelectionOptions& o, const SelectionData& d, std::uint32_t n_classes,
                    const std::vector<std::string>& names, const SelectionModel& model,
                    std::vector<std::uint32_t>* keep, std::string* summary, Error* error) {
  std::vector<double> scores;
  switch (o.method) {
    case SelectMethod::none:
      keep->clear();
      for (std::size_t j = 0; j < d.cols; ++j) keep->push_back(static_cast<std::uint32_t>(j));
      return true;
    case SelectMethod::variance: {
      SelectOptions above;
      above.mode = SelectMode::above;
      above.threshold = o.threshold_given ? o.scores.threshold : 0.0;
      if (!univariate(o, d, n_classes, names, &scores, error) || !keep_by(o, above, scores, keep, error))
        return false;
      *summary = "variance > " + number(above.threshold);
      break;
    }
    case SelectMethod::correlation: {
      if (!check_present(o, d, names, error)) return false;
      std::vector<std::uint8_t> mask(d.cols);
      Arena scratch(nullptr, 0, heap_upstream());
      const double threshold = o.threshold_given ? o.scores.threshold : 0.9;
      const Status s =
          correlation_filter(view_of(d), threshold, scratch, Span<std::uint8_t>(mask.data(), mask.size()));
      if (s != Status::ok) {
        *error = select_error(o, std::string("cannot filter: ") + status_name(s));
        return false;
      }
      keep->clear();
      for (std::size_t j = 0; j < d.cols; ++j) {
        if (mask[j]) keep->push_back(static_cast<std::uint32_t>(j));
      }
      *summary = "no two kept columns with |r| > " + number(threshold);
      break;
    }
    case SelectMethod::chi2:
    case SelectMethod::anova:
    case SelectMethod::f_regression:
    case SelectMethod::mutual_info:
    case SelectMethod::fisher:
      if (o.scores.mode == SelectMode::k_best && o.scores.k > d.cols) {
        *error = select_error(o, "k=" + std::to_string(o.scores.k) + " is more than the " +
                                     std::to_string(d.cols) + " columns");
        return false;
      }
      if (!univariate(o, d, n_classes, names, &scores, error) || !keep_by(o, o.scores, scores, keep, error))
        return false;
      *summary = std::string(select_method_name(o.method)) + ", " + mode_text(o.scores);
      break;
    case SelectMethod::rfe: {
      const std::size_t target = o.scores.k > 0 ? std::min<std::size_t>(o.scores.k, d.cols) : d.cols / 2;
      if (!eliminate(o, d, nullptr, std::max<std::size_t>(target, 1), model, keep, nullptr, error))
        return false;
      std::sort(keep->begin(), keep->end());
      *summary =
          "rfe to " + std::to_string(keep->size()) + " columns, " + std::to_string(o.step) + " per round";
      break;
    }
    case SelectMethod::rfecv:
      if (!rfecv(o, d, n_classes, model, keep, summary, error)) return false;
      std::sort(keep->begin(), keep->end());
      break;
    case SelectMethod::l1:
    case SelectMethod::model: {
      std::vector<double> importance;
      double ignored = 0.0;
      if (o.method == SelectMethod::l1) {
        LinearRegressionOptions lasso;
        lasso.penalty = Penalty::l1;
        lasso.alpha = o.alpha;
        LogisticRegressionOptions l1;
        l1.penalty = Penalty::l1;
        l1.c = 1.0 / (o.alpha * static_cast<double>(d.rows));
        if (!check_present(o, d, names, error) ||
            !fit_linear_importance(d, nullptr, n_classes, lasso, l1, &importance, &ignored, error))
          return false;
      } else if (!model(d, nullptr, &importance, &ignored, error)) {
        return false;
      }
      // SelectFromModel's thresholds: 1e-5 for an L1 model, else the mean;
      // max_features (k) then keeps the most important of those.
      SelectOptions at_least;
      at_least.mode = SelectMode::at_least;
      at_least.threshold = o.method == SelectMethod::l1 ? 1e-5 : 0.0;
      if (o.threshold_given) {
        at_least.threshold = o.scores.threshold;
      } else if (o.method == SelectMethod::model) {
        for (double v : importance) at_least.threshold += v;
        at_least.threshold /= static_cast<double>(importance.size());
      }
      std::vector<std::uint32_t> order;
      if (!keep_by(o, at_least, importance, &order, error)) return false;
      if (o.scores.k > 0 && order.size() > o.scores.k) {
        std::vector<double> passed(importance.size(), -INFINITY);
        for (std::uint32_t j : order) passed[j] = importance[j];
        SelectOptions best;
        best.k = o.scores.k;
        if (!keep_by(o, best, passed, &order, error)) return false;
      }
      const double threshold = at_least.threshold;
      *keep = order;
      *summary = std::string(o.method == SelectMethod::l1 ? "l1 (alpha " + number(o.alpha) + ")"
                                                          : "model importance") +
                 ", importance >= " + number(threshold);
      break;
    }
  }
  if (keep->empty()) {
    *error = select_error(o, "keeps no column (" + *summary + ")");
    return false;
  }
  std::string kept;
  for (std::uint32_t j : *keep) kept += (kept.empty() ? "" : ", ") + names[j];
  *summary = "select " + std::to_string(keep->size()) + " of " + std::to_string(d.cols) + " columns by " +
             *summary + ": " + kept;
  return true;
}

}  // namespace ember::host
