#include "ember/logistic_regression.h"

#include <cmath>
#include <cstring>
#include <initializer_list>

#include "ember/base/portable_math.h"
#include "softmax.h"

namespace ember {

namespace {

bool finite(double v) { return v - v == 0.0; }

constexpr std::size_t kBlockRows = 64;  // rows per block in smooth_value

// The problem in the solver's scaling: everything divided by C S, where S
// is the total weight, so that tol does not depend on n or C.
struct Problem {
  MatrixView<const float> x;
  Span<const std::int32_t> y;
  Span<const float> sample_weight;
  Span<const float> class_weight;
  std::uint32_t outputs = 1;  // K: 1 (binary) or n_classes
  std::size_t d = 0;
  bool fit_intercept = true;
  double weight_sum = 0.0;  // S
  double l2 = 0.0;          // coefficient of |W|^2 / 2 in the scaled objective
  double l1 = 0.0;          // coefficient of |W|_1 in the scaled objective
  double scale = 1.0;       // C S: scaled objective x scale = scikit-learn's objective
  Span<double> z;           // K scores of each row of a block

  std::size_t n_params() const { return outputs * (d + 1); }
  // Parameter layout: W (K x d, row-major), then the K intercepts.
  bool penalised(std::size_t i) const { return i < outputs * d; }
  double weight(std::size_t i) const {
    double w = sample_weight.empty() ? 1.0 : static_cast<double>(sample_weight[i]);
    if (!class_weight.empty()) w *= static_cast<double>(class_weight[static_cast<std::size_t>(y[i])]);
    return w;
  }
};

// On x86-64 Linux the two inner loops also get an AVX2 clone, chosen at load
// time. The clone does the same IEEE operations in the same order (no FMA:
// the target adds only AVX2), so the results are the same bits.
#if defined(__x86_64__) && defined(__linux__) && !defined(EMBER_NO_TARGET_CLONES) && defined(__GNUC__) && \
    !defined(__clang__)
#define EMBER_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EMBER_VECTOR_CLONES
#endif

// Four doubles as one value (GCC/Clang vector extension): lane-wise IEEE
// operations, which the compiler maps to SSE2/AVX/NEON registers or plain
// scalar code, with the same results everywhere.
typedef double Double4 __attribute__((vector_size(32)));
typedef float Float4 __attribute__((vector_size(16)));

// x[0..3] widened to double (exact). Always inlined: a 32-byte vector is
// returned in a register by the AVX2 clones below but through memory by
// code compiled for the baseline target, so an out-of-line call from a clone
// (as at -O0) would mismatch the two conventions and write through a wrong
// pointer. Inlined, there is no call and GCC's -Wpsabi note does not apply.
#if defined(__GNUC__)  // GCC and Clang
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
__attribute__((always_inline)) inline Double4 widen4(const float* x) {
  Float4 f;
  std::memcpy(&f, x, sizeof f);
  return __builtin_convertvector(f, Double4);
}

// w . x in double with four partial sums (lanes), combined in a fixed order,
// so that the additions overlap instead of waiting on each other.
EMBER_VECTOR_CLONES double row_dot(const double* w, const float* x, std::size_t d) {
  Double4 acc = {0.0, 0.0, 0.0, 0.0}, acc2 = {0.0, 0.0, 0.0, 0.0};
  std::size_t j = 0;
  for (; j + 8 <= d; j += 8) {
    Double4 wv, wv2;
    std::memcpy(&wv, w + j, sizeof wv);
    std::memcpy(&wv2, w + j + 4, sizeof wv2);
    acc += wv * widen4(x + j);
    acc2 += wv2 * widen4(x + j + 4);
  }
  acc += acc2;
  for (; j + 4 <= d; j += 4) {
    Double4 wv;
    std::memcpy(&wv, w + j, sizeof wv);
    acc += wv * widen4(x + j);
  }
  double tail = 0.0;
  for (; j < d; ++j) tail += w[j] * static_cast<double>(x[j]);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail;
}

// g += a x, element by element.
EMBER_VECTOR_CLONES void add_scaled_row(double* g, double a, const float* x, std::size_t d) {
  std::size_t j = 0;
  const Double4 av = {a, a, a, a};
  for (; j + 4 <= d; j += 4) {
    Double4 gv;
    std::memcpy(&gv, g + j, sizeof gv);
    gv += av * widen4(x + j);
    std::memcpy(g + j, &gv, sizeof gv);
  }
  for (; j < d; ++j) g[j] += a * static_cast<double>(x[j]);
}

// The smooth part of the scaled objective at theta, and its gradient.
double smooth_value(const Problem& p, const double* theta, double* grad) {
  const std::size_t d = p.d, k_out = p.outputs, n_params = p.n_params();
  const double* b = theta + k_out * d;
  for (std::size_t i = 0; i < n_params; ++i) grad[i] = 0.0;
  double loss = 0.0;
  // Rows go in blocks: scores for the block, then its losses (independent
  // exp/log chains that overlap), then its gradient terms. Every sum still
  // runs over rows in order, so blocking does not change a bit.
  for (std::size_t first = 0; first < p.x.rows; first += kBlockRows) {
    const std::size_t count = p.x.rows - first < kBlockRows ? p.x.rows - first : kBlockRows;
    for (std::size_t r = 0; r < count; ++r) {
      const float* row = p.x.data + (first + r) * p.x.stride;
      for (std::size_t k = 0; k < k_out; ++k) p.z[r * k_out + k] = b[k] + row_dot(theta + k * d, row, d);
    }
    for (std::size_t r = 0; r < count; ++r) {
      const std::size_t i = first + r;
      const double s = p.weight(i);
      double* z = &p.z[r * k_out];
      const auto label = static_cast<std::size_t>(p.y[i]);
      if (k_out == 1) {
        // -log p = softplus(z) - y z; d/dz = sigmoid(z) - y. One exponential
        // serves both: e = exp(-|z|), softplus(z) = max(z, 0) + log1p(e),
        // sigmoid(z) = 1 / (1 + e) or e / (1 + e).
        const double yi = label == 1 ? 1.0 : 0.0;
        const double zi = z[0];
        const double e = portable_exp(zi >= 0.0 ? -zi : zi);
        if (s != 0.0) loss += s * ((zi > 0.0 ? zi : 0.0) + portable_log1p(e) - yi * zi);
        z[0] = s * ((zi >= 0.0 ? 1.0 : e) / (1.0 + e) - yi);
      } else {
        // -log p = logsumexp(z) - z_y; d/dz_k = softmax_k - [k == y].
        // softmax_k as exp(z_k - lse) rather than exp(z_k - top) / sum: the
        // two differ in the last bits, and the coefficients follow this form.
        const double lse = detail::log_sum_exp(detail::softmax_sum(z, k_out));
        if (s != 0.0) loss += s * (lse - z[label]);
        for (std::size_t k = 0; k < k_out; ++k)
          z[k] = s * (portable_exp(z[k] - lse) - (k == label ? 1.0 : 0.0));
      }
    }
    for (std::size_t r = 0; r < count; ++r) {
      if (p.weight(first + r) == 0.0) continue;
      const float* row = p.x.data + (first + r) * p.x.stride;
      for (std::size_t k = 0; k < k_out; ++k) {
        const double dz = p.z[r * k_out + k];
        add_scaled_row(grad + k * d, dz, row, d);
        grad[k_out * d + k] += dz;
      }
    }
  }
  const double inv = 1.0 / p.weight_sum;
  double value = loss * inv, norm2 = 0.0;
  for (std::size_t i = 0; i < n_params; ++i) grad[i] *= inv;
  for (std::size_t i = 0; i < k_out * d; ++i) {
    norm2 += theta[i] * theta[i];
    grad[i] += p.l2 * theta[i];
  }
  value += 0.5 * p.l2 * norm2;
  if (!p.fit_intercept) {
    for (std::size_t k = 0; k < k_out; ++k) grad[k_out * d + k] = 0.0;
  }
  return value;
}

double l1_norm(const Problem& p, const double* theta) {
  double sum = 0.0;
  for (std::size_t i = 0; i < p.outputs * p.d; ++i) sum += std::fabs(theta[i]);
  return sum;
}

// OWL-QN's pseudo-gradient: the steepest-descent direction of smooth + L1,
// with the L1 term's one-sided derivatives at zero.
void pseudo_gradient(const Problem& p, const double* theta, const double* grad, double* out) {
  const std::size_t n = p.n_params();
  for (std::size_t i = 0; i < n; ++i) {
    if (p.l1 == 0.0 || !p.penalised(i)) {
      out[i] = grad[i];
    } else if (theta[i] > 0.0) {
      out[i] = grad[i] + p.l1;
    } else if (theta[i] < 0.0) {
      out[i] = grad[i] - p.l1;
    } else if (grad[i] + p.l1 < 0.0) {
      out[i] = grad[i] + p.l1;
    } else if (grad[i] - p.l1 > 0.0) {
      out[i] = grad[i] - p.l1;
    } else {
      out[i] = 0.0;
    }
  }
}

double dot(const double* a, const double* b, std::size_t n) {
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const double* a, std::size_t n) {
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(a[i]));
  return m;
}

struct Workspace {
  Span<double> theta, next, grad, next_grad, pgrad, dir, alpha;
  Span<double> s, y, rho;  // history: m pairs of n_params, ring buffer
};

Status allocate(Arena& arena, std::size_t n, std::size_t m, std::size_t k_out, Problem* p, Workspace* w) {
  for (Span<double>* v : {&w->theta, &w->next, &w->grad, &w->next_grad, &w->pgrad, &w->dir}) {
    EMBER_TRY(arena.allocate_array(n, v));
  }
  EMBER_TRY(arena.allocate_array(m, &w->alpha));
  EMBER_TRY(arena.allocate_array(m, &w->rho));
  if (m > SIZE_MAX / n) return Status::size_overflow;
  EMBER_TRY(arena.allocate_array(m * n, &w->s));
  EMBER_TRY(arena.allocate_array(m * n, &w->y));
  return arena.allocate_array(kBlockRows * k_out, &p->z);
}

// Minimises smooth + l1 |W|_1 from theta = 0. Returns the scaled objective.
double owlqn(const Problem& p, const LogisticRegressionOptions& o, Workspace& w, FitReport* report) {
  const std::size_t n = p.n_params(), m = o.history;
  double* theta = w.theta.data();
  double f = smooth_value(p, theta, w.grad.data()) + p.l1 * l1_norm(p, theta);
  pseudo_gradient(p, theta, w.grad.data(), w.pgrad.data());
  std::size_t stored = 0, newest = 0;  // history pairs in use; index of the newest
  // scikit-learn hands tol to L-BFGS-B as gtol on the gradient of
  // sum s loss + |W|^2 / (2 C): the scaled gradient times S.
  const double gtol = o.tol / p.weight_sum;
  report->converged = max_abs(w.pgrad.data(), n) <= gtol;
  for (std::uint32_t it = 0; it < o.max_iter && !report->converged; ++it) {
    // Direction: -H pg by the two-loop recursion over the history.
    double* dir = w.dir.data();
    for (std::size_t i = 0; i < n; ++i) dir[i] = -w.pgrad[i];
    for (std::size_t h = 0; h < stored; ++h) {
      const std::size_t at = (newest + m - h) % m;
      w.alpha[at] = w.rho[at] * dot(&w.s[at * n], dir, n);
      for (std::size_t i = 0; i < n; ++i) dir[i] -= w.alpha[at] * w.y[at * n + i];
    }
    if (stored > 0) {
      const double gamma =
          dot(&w.s[newest * n], &w.y[newest * n], n) / dot(&w.y[newest * n], &w.y[newest * n], n);
      for (std::size_t i = 0; i < n; ++i) dir[i] *= gamma;
    }
    for (std::size_t h = stored; h-- > 0;) {
      const std::size_t at = (newest + m - h) % m;
      const double beta = w.rho[at] * dot(&w.y[at * n], dir, n);
      for (std::size_t i = 0; i < n; ++i) dir[i] += (w.alpha[at] - beta) * w.s[at * n + i];
    }
    // Keep to the orthant the pseudo-gradient points out of.
    if (p.l1 > 0.0) {
      for (std::size_t i = 0; i < n; ++i) {
        if (p.penalised(i) && dir[i] * w.pgrad[i] >= 0.0) dir[i] = 0.0;
      }
    }
    double slope = dot(dir, w.pgrad.data(), n);
    if (!(slope < 0.0)) {  // not a descent direction: restart from steepest descent
      stored = 0;
      for (std::size_t i = 0; i < n; ++i) dir[i] = -w.pgrad[i];
      slope = dot(dir, w.pgrad.data(), n);
    }
    // Backtracking line search, projected onto the current orthant.
    double step = stored == 0 ? 1.0 / std::fmax(1.0, std::sqrt(-slope)) : 1.0;
    double f_next = f;
    bool accepted = false;
    for (int trial = 0; trial < 60; ++trial) {
      for (std::size_t i = 0; i < n; ++i) {
        double v = theta[i] + step * dir[i];
        if (p.l1 > 0.0 && p.penalised(i)) {
          const double orthant = theta[i] != 0.0 ? theta[i] : -w.pgrad[i];
          if (v * orthant <= 0.0) v = 0.0;
        }
        w.next[i] = v;
      }
      f_next = smooth_value(p, w.next.data(), w.next_grad.data()) + p.l1 * l1_norm(p, w.next.data());
      double decrease = 0.0;  // pg . (next - theta)
      for (std::size_t i = 0; i < n; ++i) decrease += w.pgrad[i] * (w.next[i] - theta[i]);
      if (f_next <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    report->iterations = it + 1;
    if (!accepted) {
      // No step lowers the objective: at the optimum to machine precision
      // when the gradient is tiny, else stuck.
      report->converged = max_abs(w.pgrad.data(), n) <= 1e3 * gtol;
      break;
    }
    // Update the history with the smooth part's curvature.
    const std::size_t slot = stored == 0 ? 0 : (newest + 1) % m;
    double sy = 0.0, yy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      w.s[slot * n + i] = w.next[i] - theta[i];
      w.y[slot * n + i] = w.next_grad[i] - w.grad[i];
    }
    sy = dot(&w.s[slot * n], &w.y[slot * n], n);
    yy = dot(&w.y[slot * n], &w.y[slot * n], n);
    if (sy > 1e-10 * yy && yy > 0.0) {
      w.rho[slot] = 1.0 / sy;
      newest = slot;
      if (stored < m) ++stored;
    }
    const double f_prev = f;
    for (std::size_t i = 0; i < n; ++i) {
      theta[i] = w.next[i];
      w.grad[i] = w.next_grad[i];
    }
    f = f_next;
    pseudo_gradient(p, theta, w.grad.data(), w.pgrad.data());
    if (max_abs(w.pgrad.data(), n) <= gtol) report->converged = true;
    // And scipy's other L-BFGS-B test: the objective's relative decrease
    // has become negligible.
    if ((f_prev - f) <= o.ftol * std::fmax(std::fmax(std::fabs(f_prev), std::fabs(f)), 1.0)) {
      report->converged = true;
    }
  }
  return f;
}

Status check(MatrixView<const float> x, Span<const std::int32_t> y, std::uint32_t n_classes,
             Span<const float> sample_weight, Span<const float> class_weight,
             const LogisticRegressionOptions& o, Span<float> coef, Span<float> intercept) {
  if (n_classes < 2) return Status::bad_value;
  const std::uint32_t k_out = logistic_outputs(n_classes);
  if (y.size() != x.rows || (!sample_weight.empty() && sample_weight.size() != x.rows) ||
      (!class_weight.empty() && class_weight.size() != n_classes) || intercept.size() != k_out ||
      x.cols > SIZE_MAX / k_out || coef.size() != std::size_t{k_out} * x.cols) {
    return Status::shape_mismatch;
  }
  if (x.rows == 0) return Status::empty_input;
  if (static_cast<unsigned>(o.penalty) > static_cast<unsigned>(Penalty::elasticnet)) return Status::bad_value;
  if (o.penalty != Penalty::none && !(o.c > 0.0 && finite(o.c))) return Status::bad_value;
  if (o.penalty == Penalty::elasticnet && !(o.l1_ratio >= 0.0 && o.l1_ratio <= 1.0)) return Status::bad_value;
  if (!(o.tol > 0.0 && finite(o.tol)) || !(o.ftol >= 0.0 && finite(o.ftol)) || o.history == 0) {
    return Status::bad_value;
  }
  for (float cw : class_weight) {
    if (!(cw >= 0.0f) || !finite(cw)) return Status::bad_value;
  }
  for (std::size_t i = 0; i < x.rows; ++i) {
    if (y[i] < 0 || static_cast<std::uint32_t>(y[i]) >= n_classes) return Status::bad_index;
    if (!sample_weight.empty() && (!(sample_weight[i] >= 0.0f) || !finite(sample_weight[i])))
      return Status::bad_value;
    for (std::size_t j = 0; j < x.cols; ++j) {
      if (!finite(x(i, j))) return Status::bad_value;
    }
  }
  return Status::ok;
}

}  // namespace

std::uint32_t logistic_outputs(std::uint32_t n_classes) noexcept { return n_classes <= 2 ? 1u : n_classes; }

Status fit_logistic_regression(MatrixView<const float> x, Span<const std::int32_t> y, std::uint32_t n_classes,
                               Span<const float> sample_weight, Span<const float> class_weight,
                               const LogisticRegressionOptions& options, Arena& arena, Span<float> coef,
                               Span<float> intercept, FitReport* report) noexcept {
  if (report == nullptr) return Status::invalid_argument;
  EMBER_TRY(check(x, y, n_classes, sample_weight, class_weight, options, coef, intercept));
  *report = FitReport{};
  Problem p;
  p.x = x;
  p.y = y;
  p.sample_weight = sample_weight;
  p.class_weight = class_weight;
  p.outputs = logistic_outputs(n_classes);
  p.d = x.cols;
  p.fit_intercept = options.fit_intercept;
  for (std::size_t i = 0; i < x.rows; ++i) p.weight_sum += p.weight(i);
  if (!(p.weight_sum > 0.0)) return Status::empty_input;
  const double c = options.penalty == Penalty::none ? 1.0 : options.c;
  p.scale = c * p.weight_sum;
  const double rho = options.penalty == Penalty::l1           ? 1.0
                     : options.penalty == Penalty::elasticnet ? options.l1_ratio
                                                              : 0.0;
  const double ridge = options.penalty == Penalty::l2           ? 1.0
                       : options.penalty == Penalty::elasticnet ? 1.0 - rho
                                                                : 0.0;
  p.l1 = rho / p.scale;
  p.l2 = ridge / p.scale;

  const Arena::Marker start = arena.mark();
  Workspace w;
  const Status s = allocate(arena, p.n_params(), options.history, p.outputs, &p, &w);
  if (s == Status::ok) {
    const double scaled = owlqn(p, options, w, report);
    report->objective = scaled * p.scale;
    const std::size_t k_out = p.outputs, d = p.d;
    for (std::size_t i = 0; i < k_out * d; ++i) coef[i] = static_cast<float>(w.theta[i]);
    for (std::size_t k = 0; k < k_out; ++k) intercept[k] = static_cast<float>(w.theta[k_out * d + k]);
  }
  arena.rewind(start);
  return s;
}

Status balanced_class_weights(Span<const std::int32_t> y, std::uint32_t n_classes, Span<float> out) noexcept {
  if (out.size() != n_classes) return Status::shape_mismatch;
  if (y.empty()) return Status::empty_input;
  for (std::int32_t c : y) {
    if (c < 0 || static_cast<std::uint32_t>(c) >= n_classes) return Status::bad_index;
  }
  for (std::uint32_t k = 0; k < n_classes; ++k) {
    std::size_t count = 0;  // counted exactly, whatever n
    for (std::int32_t c : y) count += static_cast<std::uint32_t>(c) == k ? 1u : 0u;
    if (count == 0) return Status::empty_input;
    out[k] = static_cast<float>(static_cast<double>(y.size()) /
                                (static_cast<double>(n_classes) * static_cast<double>(count)));
  }
  return Status::ok;
}

}  // namespace ember
