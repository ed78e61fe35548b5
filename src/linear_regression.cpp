#include "ember/linear_regression.h"

#include <cmath>

#include "linalg.h"

namespace ember {

namespace {

// Below this fraction of the largest eigenvalue of the Gram matrix, a
// direction counts as absent. The Gram matrix is formed in double from
// float data, so an exactly collinear direction comes out near 1e-16 of
// the largest; true directions of float data sit far above 1e-10.
constexpr double kRankCutoff = 1e-10;

bool finite(double v) { return v - v == 0.0; }

// Weighted means of the columns and of y (zero without an intercept), and
// the total weight.
struct Centre {
  Span<double> x_mean;
  double y_mean = 0.0;
  double weight_sum = 0.0;
};

double weight_of(Span<const float> w, std::size_t i) { return w.empty() ? 1.0 : static_cast<double>(w[i]); }

Status check_inputs(MatrixView<const float> x, Span<const float> y, Span<const float> w,
                    const LinearRegressionOptions& o, Span<float> coef) {
  if (y.size() != x.rows || coef.size() != x.cols || (!w.empty() && w.size() != x.rows)) {
    return Status::shape_mismatch;
  }
  if (x.rows == 0) return Status::empty_input;
  if (o.penalty != Penalty::none && !(o.alpha > 0.0 && finite(o.alpha))) return Status::bad_value;
  if (o.penalty == Penalty::elasticnet && !(o.l1_ratio >= 0.0 && o.l1_ratio <= 1.0)) return Status::bad_value;
  if (!(o.tol > 0.0 && finite(o.tol))) return Status::bad_value;
  if (static_cast<unsigned>(o.penalty) > static_cast<unsigned>(Penalty::elasticnet)) return Status::bad_value;
  double total = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double wi = weight_of(w, i);
    if (!(wi >= 0.0) || !finite(wi) || !finite(y[i])) return Status::bad_value;
    total += wi;
    for (std::size_t j = 0; j < x.cols; ++j) {
      if (!finite(x(i, j))) return Status::bad_value;
    }
  }
  if (!(total > 0.0)) return Status::empty_input;
  return Status::ok;
}

Status centre(MatrixView<const float> x, Span<const float> y, Span<const float> w, bool fit_intercept,
              Arena& arena, Centre* c) {
  EMBER_TRY(arena.allocate_array(x.cols, &c->x_mean));
  for (std::size_t i = 0; i < x.rows; ++i) c->weight_sum += weight_of(w, i);
  if (!fit_intercept) return Status::ok;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double wi = weight_of(w, i);
    c->y_mean += wi * y[i];
    for (std::size_t j = 0; j < x.cols; ++j) c->x_mean[j] += wi * x(i, j);
  }
  c->y_mean /= c->weight_sum;
  for (std::size_t j = 0; j < x.cols; ++j) c->x_mean[j] /= c->weight_sum;
  return Status::ok;
}

// Sum of weighted squared residuals of the double solution.
double residual_sum_of_squares(MatrixView<const float> x, Span<const float> y, Span<const float> w,
                               const double* coef, double intercept) {
  double rss = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    double pred = intercept;
    for (std::size_t j = 0; j < x.cols; ++j) pred += coef[j] * x(i, j);
    const double r = y[i] - pred;
    rss += weight_of(w, i) * r * r;
  }
  return rss;
}

// none and l2: (G + alpha I) w = c from the centred, weighted Gram matrix.
Status closed_form(MatrixView<const float> x, Span<const float> y, Span<const float> w,
                   const LinearRegressionOptions& o, const Centre& c, Arena& arena, double* coef) {
  const std::size_t d = x.cols;
  Span<double> gram, rhs, row;
  EMBER_TRY(arena.allocate_array(d * d, &gram));
  EMBER_TRY(arena.allocate_array(d, &rhs));
  EMBER_TRY(arena.allocate_array(d, &row));
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double wi = weight_of(w, i);
    if (wi == 0.0) continue;
    for (std::size_t j = 0; j < d; ++j) row[j] = x(i, j) - c.x_mean[j];
    const double yi = y[i] - c.y_mean;
    for (std::size_t j = 0; j < d; ++j) {
      const double wr = wi * row[j];
      rhs[j] += wr * yi;
      for (std::size_t k = 0; k <= j; ++k) gram[j * d + k] += wr * row[k];
    }
  }
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t k = 0; k < j; ++k) gram[k * d + j] = gram[j * d + k];
  }
  if (o.penalty == Penalty::l2) {
    for (std::size_t j = 0; j < d; ++j) gram[j * d + j] += o.alpha;
    if (linalg::cholesky_solve(gram.data(), d, rhs.data())) {
      for (std::size_t j = 0; j < d; ++j) coef[j] = rhs[j];
      return Status::ok;
    }
    return Status::bad_value;  // not reachable with alpha > 0 and finite data
  }
  Span<double> vectors, values;
  EMBER_TRY(arena.allocate_array(d * d, &vectors));
  EMBER_TRY(arena.allocate_array(d, &values));
  linalg::symmetric_eigen(gram.data(), d, vectors.data(), values.data());
  linalg::pseudo_inverse_solve(vectors.data(), values.data(), d, rhs.data(), kRankCutoff, row.data(), coef);
  return Status::ok;
}

// l1 and elasticnet: scikit-learn's enet_coordinate_descent on the centred
// rows scaled by sqrt(n s_i / sum s), in its unnormalised form
//   1/2 |y~ - X~ w|^2 + l1 |w|_1 + l2/2 |w|^2,  l1 = alpha rho n, l2 = alpha (1 - rho) n.
Status coordinate_descent(MatrixView<const float> x, Span<const float> y, Span<const float> w,
                          const LinearRegressionOptions& o, const Centre& c, Arena& arena, double* coef,
                          FitReport* report) {
  const std::size_t n = x.rows, d = x.cols;
  const double rho = o.penalty == Penalty::l1 ? 1.0 : o.l1_ratio;
  const double dn = static_cast<double>(n);
  const double l1 = o.alpha * rho * dn, l2 = o.alpha * (1.0 - rho) * dn;
  Span<double> scale, residual, norm;
  EMBER_TRY(arena.allocate_array(n, &scale));
  EMBER_TRY(arena.allocate_array(n, &residual));
  EMBER_TRY(arena.allocate_array(d, &norm));
  double yy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    scale[i] = std::sqrt(weight_of(w, i) * dn / c.weight_sum);
    residual[i] = scale[i] * (y[i] - c.y_mean);  // w = 0: the residual is y~
    yy += residual[i] * residual[i];
  }
  auto xt = [&](std::size_t i, std::size_t j) { return scale[i] * (x(i, j) - c.x_mean[j]); };
  for (std::size_t j = 0; j < d; ++j) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += xt(i, j) * xt(i, j);
    norm[j] = s;
  }
  const double gap_tol = o.tol * yy;
  report->converged = false;
  for (std::uint32_t it = 0; it < o.max_iter; ++it) {
    double w_max = 0.0, dw_max = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      if (norm[j] == 0.0) continue;
      const double old = coef[j];
      double dot = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double v = xt(i, j);
        if (old != 0.0) residual[i] += v * old;
        dot += v * residual[i];
      }
      const double shrunk = std::fabs(dot) - l1;
      const double updated = shrunk > 0.0 ? (dot > 0.0 ? shrunk : -shrunk) / (norm[j] + l2) : 0.0;
      coef[j] = updated;
      if (updated != 0.0) {
        for (std::size_t i = 0; i < n; ++i) residual[i] -= xt(i, j) * updated;
      }
      dw_max = std::fmax(dw_max, std::fabs(updated - old));
      w_max = std::fmax(w_max, std::fabs(updated));
    }
    report->iterations = it + 1;
    if (w_max == 0.0 || dw_max / w_max < o.tol || it + 1 == o.max_iter) {
      // The duality gap of the current point.
      double dual_norm = 0.0, r_norm2 = 0.0, r_dot_y = 0.0, w_norm2 = 0.0, l1_norm = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        double xr = 0.0;
        for (std::size_t i = 0; i < n; ++i) xr += xt(i, j) * residual[i];
        dual_norm = std::fmax(dual_norm, std::fabs(xr - l2 * coef[j]));
        w_norm2 += coef[j] * coef[j];
        l1_norm += std::fabs(coef[j]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        r_norm2 += residual[i] * residual[i];
        r_dot_y += residual[i] * scale[i] * (y[i] - c.y_mean);
      }
      double k = 1.0, gap = r_norm2;
      if (dual_norm > l1) {
        k = l1 / dual_norm;
        gap = 0.5 * (r_norm2 + r_norm2 * k * k);
      }
      gap += l1 * l1_norm - k * r_dot_y + 0.5 * l2 * (1.0 + k * k) * w_norm2;
      if (gap < gap_tol) {
        report->converged = true;
        break;
      }
    }
  }
  return Status::ok;
}

}  // namespace

const char* penalty_name(Penalty p) noexcept {
  switch (p) {
    case Penalty::none:
      return "none";
    case Penalty::l2:
      return "l2";
    case Penalty::l1:
      return "l1";
    case Penalty::elasticnet:
      return "elasticnet";
  }
  return "unknown";
}

Status fit_linear_regression(MatrixView<const float> x, Span<const float> y, Span<const float> sample_weight,
                             const LinearRegressionOptions& options, Arena& arena, Span<float> coef,
                             float* intercept, FitReport* report) noexcept {
  if (intercept == nullptr || report == nullptr) return Status::invalid_argument;
  EMBER_TRY(check_inputs(x, y, sample_weight, options, coef));
  *report = FitReport{};
  const Arena::Marker start = arena.mark();
  Status s = Status::ok;
  Centre c;
  Span<double> solution;
  s = centre(x, y, sample_weight, options.fit_intercept, arena, &c);
  if (s == Status::ok) s = arena.allocate_array(x.cols, &solution);
  if (s == Status::ok) {
    if (options.penalty == Penalty::none || options.penalty == Penalty::l2) {
      s = closed_form(x, y, sample_weight, options, c, arena, solution.data());
      report->converged = true;
    } else {
      s = coordinate_descent(x, y, sample_weight, options, c, arena, solution.data(), report);
    }
  }
  if (s == Status::ok) {
    double b = c.y_mean;
    for (std::size_t j = 0; j < x.cols; ++j) b -= c.x_mean[j] * solution[j];
    if (!options.fit_intercept) b = 0.0;
    const double rss = residual_sum_of_squares(x, y, sample_weight, solution.data(), b);
    double l1_norm = 0.0, l2_norm2 = 0.0;
    for (std::size_t j = 0; j < x.cols; ++j) {
      l1_norm += std::fabs(solution[j]);
      l2_norm2 += solution[j] * solution[j];
    }
    switch (options.penalty) {
      case Penalty::none:
        report->objective = rss;
        break;
      case Penalty::l2:
        report->objective = rss + options.alpha * l2_norm2;
        break;
      case Penalty::l1:
        report->objective = rss / (2.0 * c.weight_sum) + options.alpha * l1_norm;
        break;
      case Penalty::elasticnet:
        report->objective = rss / (2.0 * c.weight_sum) + options.alpha * options.l1_ratio * l1_norm +
                            0.5 * options.alpha * (1.0 - options.l1_ratio) * l2_norm2;
        break;
    }
    for (std::size_t j = 0; j < x.cols; ++j) coef[j] = static_cast<float>(solution[j]);
    *intercept = static_cast<float>(b);
  }
  arena.rewind(start);
  return s;
}

}  // namespace ember
