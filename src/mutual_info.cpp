// Mutual information estimators of feature_scores.h, following
// scikit-learn's sklearn/feature_selection/_mutual_info.py (1.2): the
// contingency table for two label variables, Ross (2014) for a continuous
// and a label variable, Kraskov et al. (2004) for two continuous ones.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "ember/feature_scores.h"
#include "ember/base/portable_math.h"
#include "ember/rng.h"
#include "ember/special_functions.h"
#include "feature_scores_internal.h"
#include "row_index.h"

namespace ember {

namespace {

constexpr std::size_t kPadding = alignof(std::max_align_t);
// Points per leaf of the 2-d tree: below this a scan beats descending.
constexpr std::size_t kLeafSize = 8;

// Sort orders over row indices; the index breaks ties, so every order is
// total and the result does not depend on the sort algorithm.
struct ByValue {
  const double* v;
  bool operator()(std::uint32_t a, std::uint32_t b) const { return v[a] < v[b] || (v[a] == v[b] && a < b); }
};

struct ByLabelThenValue {
  const std::uint32_t* label;
  const double* v;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    if (label[a] != label[b]) return label[a] < label[b];
    return v[a] < v[b] || (v[a] == v[b] && a < b);
  }
};

struct ByColumnValue {
  const float* data;
  std::size_t stride;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    const float va = data[a * stride], vb = data[b * stride];
    return va < vb || (va == vb && a < b);
  }
};

// scikit-learn's preparation of a continuous variable: divided by its
// population standard deviation (scale(with_mean=False); one within
// rounding of 0 counts as 1), then noise 1e-10 * max(1, mean |value|) *
// N(0, 1) added to break ties.
void scale_with_noise(const float* v, std::size_t stride, std::size_t n, Rng& rng, double* out) {
  const double count = static_cast<double>(n);
  double mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i * stride];
  mean /= count;
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += (v[i * stride] - mean) * (v[i * stride] - mean);
  double sd = std::sqrt(ss / count);
  if (sd < 10.0 * DBL_EPSILON) sd = 1.0;
  double abs_mean = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = v[i * stride] / sd;
    abs_mean += std::fabs(out[i]);
  }
  abs_mean /= count;
  const double amplitude = 1e-10 * (abs_mean > 1.0 ? abs_mean : 1.0);
  for (std::size_t i = 0; i < n; ++i) out[i] += amplitude * rng.normal();
}

// How many entries of ascending s[0, n) lie within `radius` of c, i.e.
// |s - c| <= radius as computed: scikit-learn's KDTree.query_radius count
// in one dimension. Rounded differences are monotone in s, so both ends
// are found by bisection.
std::size_t count_within(const double* s, std::size_t n, double c, double radius) {
  std::size_t lo = 0, hi = n;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (c - s[mid] <= radius) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const std::size_t begin = lo;
  hi = n;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (s[mid] - c > radius) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo - begin;
}

// Dense labels of column j: equal values share a label, numbered in value
// order (NumPy's unique). `labels` has x.rows entries.
Status column_labels(MatrixView<const float> x, std::size_t j, Arena& scratch, std::uint32_t* labels,
                     std::uint32_t* n_labels) {
  const ArenaScope scope(scratch);
  const std::size_t n = x.rows;
  Span<std::uint32_t> order;
  EMBER_TRY(scratch.allocate_array(n, &order));
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  const float* column = x.data + j;
  std::sort(order.begin(), order.end(), ByColumnValue{column, x.stride});
  std::uint32_t label = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (t > 0 && column[order[t] * x.stride] != column[order[t - 1] * x.stride]) ++label;
    labels[order[t]] = label;
  }
  *n_labels = label + 1;
  return Status::ok;
}

// Mutual information of two label variables from their contingency table,
// term by term as scikit-learn's mutual_info_score (cells in row-major
// order, terms below the double epsilon dropped, the sum clipped at 0).
Status contingency_mi(const std::uint32_t* a, std::uint32_t n_a, const std::uint32_t* b, std::uint32_t n_b,
                      std::size_t n, Arena& scratch, double* out) {
  const ArenaScope scope(scratch);
  Span<std::uint32_t> count_b;
  EMBER_TRY(scratch.allocate_array(n_b, &count_b));
  for (std::size_t i = 0; i < n; ++i) ++count_b[b[i]];
  std::uint32_t present_b = 0;
  for (std::uint32_t k = 0; k < n_b; ++k) present_b += count_b[k] > 0 ? 1u : 0u;
  *out = 0.0;
  if (n_a < 2 || present_b < 2) return Status::ok;
  Span<std::uint64_t> cells;
  EMBER_TRY(scratch.allocate_array(n, &cells));
  for (std::size_t i = 0; i < n; ++i) cells[i] = (static_cast<std::uint64_t>(a[i]) << 32) | b[i];
  std::sort(cells.begin(), cells.end());
  const double total = static_cast<double>(n), log_total = portable_log(total);
  double sum = 0.0;
  for (std::size_t s = 0; s < n;) {
    const std::uint64_t row = cells[s] >> 32;
    std::size_t e = s + 1;
    while (e < n && cells[e] >> 32 == row) ++e;
    const double count_a = static_cast<double>(e - s);
    for (std::size_t c = s; c < e;) {
      std::size_t f = c + 1;
      while (f < e && cells[f] == cells[c]) ++f;
      const double nij = static_cast<double>(f - c);
      const double share = nij / total;
      const double outer = count_a * static_cast<double>(count_b[static_cast<std::uint32_t>(cells[c])]);
      const double log_outer = -portable_log(outer) + log_total + log_total;
      double term = share * (portable_log(nij) - log_total) + share * log_outer;
      if (std::fabs(term) < DBL_EPSILON) term = 0.0;
      sum += term;
      c = f;
    }
    s = e;
  }
  *out = sum > 0.0 ? sum : 0.0;
  return Status::ok;
}

// Ross's estimate of the mutual information between continuous c and
// labels (< n_labels), as scikit-learn's _compute_mi_cd: for each point,
// the distance to its k-th nearest neighbour with the same label (k =
// min(n_neighbors, label size - 1)), and m, the points of any label within
// that distance (just below it: NumPy's nextafter towards 0); labels with
// one point are left out. psi(N) + <psi(k)> - <psi(label size)> - <psi(m)>,
// clipped at 0. Neighbours on a line come from sorting: O(n log n).
Status ross_mi(const double* c, const std::uint32_t* label, std::size_t n, std::uint32_t n_labels,
               std::uint32_t n_neighbors, Arena& scratch, double* out) {
  const ArenaScope scope(scratch);
  Span<std::uint32_t> size;
  EMBER_TRY(scratch.allocate_array(n_labels, &size));
  for (std::size_t i = 0; i < n; ++i) ++size[label[i]];
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) m += size[label[i]] > 1 ? 1u : 0u;
  *out = 0.0;
  if (m == 0) return Status::ok;
  Span<std::uint32_t> order;
  Span<double> sorted;
  EMBER_TRY(scratch.allocate_array(m, &order));
  EMBER_TRY(scratch.allocate_array(m, &sorted));
  for (std::size_t i = 0, t = 0; i < n; ++i) {
    if (size[label[i]] > 1) order[t++] = static_cast<std::uint32_t>(i);
  }
  std::sort(order.begin(), order.end(), ByValue{c});
  for (std::size_t t = 0; t < m; ++t) sorted[t] = c[order[t]];
  std::sort(order.begin(), order.end(), ByLabelThenValue{label, c});
  double sum_k = 0.0, sum_label = 0.0, sum_m = 0.0;
  for (std::size_t s = 0; s < m;) {
    const std::uint32_t l = label[order[s]];
    std::size_t e = s + 1;
    while (e < m && label[order[e]] == l) ++e;
    const std::size_t members = e - s;
    const std::size_t k = n_neighbors < members - 1 ? n_neighbors : members - 1;
    const double psi_k = digamma(static_cast<double>(k));
    const double psi_members = digamma(static_cast<double>(members));
    for (std::size_t p = s; p < e; ++p) {
      // The k-th nearest of the same label: merge outwards from p.
      const double v = c[order[p]];
      std::size_t left = p, right = p + 1;
      double distance = 0.0;
      for (std::size_t step = 0; step < k; ++step) {
        const double dl = left > s ? v - c[order[left - 1]] : INFINITY;
        const double dr = right < e ? c[order[right]] - v : INFINITY;
        if (dl <= dr) {
          distance = dl;
          --left;
        } else {
          distance = dr;
          ++right;
        }
      }
      const double radius = std::nextafter(distance, 0.0);
      sum_m += digamma(static_cast<double>(count_within(sorted.data(), m, v, radius)));
      sum_k += psi_k;
      sum_label += psi_members;
    }
    s = e;
  }
  const double count = static_cast<double>(m);
  const double mi = digamma(count) + sum_k / count - sum_label / count - sum_m / count;
  *out = mi > 0.0 ? mi : 0.0;
  return Status::ok;
}

// A 2-d tree over the points (x[i], y[i]), stored implicitly: the range
// [lo, hi) of `index` at depth d is split at its middle point by
// coordinate d % 2 (nth_element), which stays at index[mid] as the node's
// own point; [lo, mid) holds coordinates <= its coordinate and
// [mid + 1, hi) coordinates >=, down to kLeafSize points. The middle point
// must stay out of both children: building [mid, hi) would move another
// point to index[mid], and the search would then read a split value that
// is not the bound of the lower half's coordinates (and skip subtrees
// holding nearer points).
struct PlaneTree {
  const double* x;
  const double* y;
  std::uint32_t* index;

  const double* axis(unsigned depth) const { return depth % 2 == 0 ? x : y; }

  void build(std::size_t lo, std::size_t hi, unsigned depth) {
    if (hi - lo <= kLeafSize) return;
    const std::size_t mid = lo + (hi - lo) / 2;
    std::nth_element(index + lo, index + mid, index + hi, ByValue{axis(depth)});
    build(lo, mid, depth + 1);
    build(mid + 1, hi, depth + 1);
  }
};

// The k smallest distances seen so far, ascending.
struct Nearest {
  double* best;
  std::size_t k;
  std::size_t found = 0;

  double bound() const { return found < k ? INFINITY : best[k - 1]; }
  void offer(double d) {
    if (found == k && !(d < best[k - 1])) return;
    std::size_t p = found < k ? found++ : k - 1;
    while (p > 0 && best[p - 1] > d) {
      best[p] = best[p - 1];
      --p;
    }
    best[p] = d;
  }
};

// Max-norm distances from point q to every other point, offered to `near`
// (a node's own point first, then its children); a subtree is skipped when its distance along the split axis
// alone (the rounded difference is monotone, so this bound is exact) cannot beat the current k-th.
void search(const PlaneTree& t, std::size_t lo, std::size_t hi, unsigned depth, std::uint32_t q,
            Nearest& near) {
  if (hi - lo <= kLeafSize) {
    for (std::size_t p = lo; p < hi; ++p) {
      const std::uint32_t j = t.index[p];
      if (j == q) continue;
      const double dx = std::fabs(t.x[j] - t.x[q]), dy = std::fabs(t.y[j] - t.y[q]);
      near.offer(dx > dy ? dx : dy);
    }
    return;
  }
  const std::size_t mid = lo + (hi - lo) / 2;
  const std::uint32_t m = t.index[mid];
  if (m != q) {
    const double dx = std::fabs(t.x[m] - t.x[q]), dy = std::fabs(t.y[m] - t.y[q]);
    near.offer(dx > dy ? dx : dy);
  }
  const double* coordinate = t.axis(depth);
  const double diff = coordinate[q] - coordinate[m];
  if (diff < 0.0) {
    search(t, lo, mid, depth + 1, q, near);
    if (-diff < near.bound()) search(t, mid + 1, hi, depth + 1, q, near);
  } else {
    search(t, mid + 1, hi, depth + 1, q, near);
    if (diff < near.bound()) search(t, lo, mid, depth + 1, q, near);
  }
}

// Kraskov, Stoegbauer and Grassberger's first estimate, as scikit-learn's
// _compute_mi_cc: for each point the max-norm distance to its k-th
// nearest neighbour in the plane, then nx and ny, the other points within
// (just below) that distance in x and in y alone. psi(n) + psi(k) -
// <psi(nx + 1)> - <psi(ny + 1)>, clipped at 0. `y_sorted` is y ascending.
Status ksg_mi(const double* x, const double* y, const double* y_sorted, std::size_t n, std::uint32_t k,
              Arena& scratch, double* out) {
  const ArenaScope scope(scratch);
  Span<double> x_sorted, best;
  Span<std::uint32_t> index;
  EMBER_TRY(scratch.allocate_array(n, &x_sorted));
  EMBER_TRY(scratch.allocate_array(n, &index));
  EMBER_TRY(scratch.allocate_array(k, &best));
  for (std::size_t i = 0; i < n; ++i) {
    x_sorted[i] = x[i];
    index[i] = static_cast<std::uint32_t>(i);
  }
  std::sort(x_sorted.begin(), x_sorted.end());
  PlaneTree tree{x, y, index.data()};
  tree.build(0, n, 0);
  double sum_x = 0.0, sum_y = 0.0;
  for (std::size_t q = 0; q < n; ++q) {
    Nearest near{best.data(), k};
    search(tree, 0, n, 0, static_cast<std::uint32_t>(q), near);
    const double radius = std::nextafter(near.best[k - 1], 0.0);
    // The counts include q itself: scikit-learn's nx + 1 and ny + 1.
    sum_x += digamma(static_cast<double>(count_within(x_sorted.data(), n, x[q], radius)));
    sum_y += digamma(static_cast<double>(count_within(y_sorted, n, y[q], radius)));
  }
  const double count = static_cast<double>(n);
  const double mi = digamma(count) + digamma(static_cast<double>(k)) - sum_x / count - sum_y / count;
  *out = mi > 0.0 ? mi : 0.0;
  return Status::ok;
}

Status check_mi_input(MatrixView<const float> x, Span<const std::uint8_t> discrete, Span<const float> target,
                      const MutualInfoOptions& options, Span<double> scores) {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (target.size() != x.rows || scores.size() != x.cols || (!discrete.empty() && discrete.size() != x.cols))
    return Status::shape_mismatch;
  if (options.n_neighbors == 0) return Status::bad_value;
  // Row indices are stored in 32 bits.
  if (!detail::row_indices_fit_u32(x.rows)) return Status::size_overflow;
  return detail::check_features(x, false);
}

// `count` elements of `size` bytes from an arena, with room for alignment;
// SIZE_MAX on overflow.
std::size_t array_bytes(std::size_t count, std::size_t size) {
  if (count > (SIZE_MAX - kPadding) / size) return SIZE_MAX;
  return count * size + kPadding;
}

std::size_t add(std::size_t a, std::size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

std::size_t ross_bytes(std::size_t n, std::size_t n_labels) {
  return add(array_bytes(n_labels, 4), add(array_bytes(n, 4), array_bytes(n, 8)));
}

}  // namespace

std::size_t mutual_info_arena_bytes(std::size_t rows, std::uint32_t n_classes,
                                    const MutualInfoOptions& options) noexcept {
  const std::size_t n = rows;
  if (n_classes > 0) {
    const std::size_t continuous = add(array_bytes(n, 8), ross_bytes(n, n_classes));
    const std::size_t contingency = add(array_bytes(n_classes, 4), array_bytes(n, 8));
    const std::size_t discrete = add(array_bytes(n, 4), std::max(array_bytes(n, 4), contingency));
    return add(array_bytes(n, 4), std::max(continuous, discrete));
  }
  const std::size_t continuous = add(add(array_bytes(n, 8), array_bytes(n, 8)),
                                     add(array_bytes(n, 4), array_bytes(options.n_neighbors, 8)));
  const std::size_t discrete = add(array_bytes(n, 4), std::max(array_bytes(n, 4), ross_bytes(n, n)));
  return add(add(array_bytes(n, 8), array_bytes(n, 8)), std::max(continuous, discrete));
}

Status mutual_info_classif(MatrixView<const float> x, Span<const std::uint8_t> discrete,
                           Span<const float> target, std::uint32_t n_classes,
                           const MutualInfoOptions& options, Arena& scratch, Span<double> scores) noexcept {
  EMBER_TRY(check_mi_input(x, discrete, target, options, scores));
  EMBER_TRY(detail::check_classes(target, n_classes));
  const std::size_t n = x.rows;
  const ArenaScope scope(scratch);
  Span<std::uint32_t> classes;
  EMBER_TRY(scratch.allocate_array(n, &classes));
  for (std::size_t i = 0; i < n; ++i) classes[i] = static_cast<std::uint32_t>(target[i]);
  for (std::size_t j = 0; j < x.cols; ++j) {
    const ArenaScope column(scratch);
    double mi = 0.0;
    if (!discrete.empty() && discrete[j] != 0) {
      Span<std::uint32_t> labels;
      std::uint32_t n_labels = 0;
      EMBER_TRY(scratch.allocate_array(n, &labels));
      EMBER_TRY(column_labels(x, j, scratch, labels.data(), &n_labels));
      EMBER_TRY(contingency_mi(labels.data(), n_labels, classes.data(), n_classes, n, scratch, &mi));
    } else {
      Span<double> c;
      EMBER_TRY(scratch.allocate_array(n, &c));
      Rng rng(options.seed, 1 + j);
      scale_with_noise(x.data + j, x.stride, n, rng, c.data());
      EMBER_TRY(ross_mi(c.data(), classes.data(), n, n_classes, options.n_neighbors, scratch, &mi));
    }
    scores[j] = mi;
  }
  return Status::ok;
}

Status mutual_info_regression(MatrixView<const float> x, Span<const std::uint8_t> discrete,
                              Span<const float> target, const MutualInfoOptions& options, Arena& scratch,
                              Span<double> scores) noexcept {
  EMBER_TRY(check_mi_input(x, discrete, target, options, scores));
  EMBER_TRY(detail::check_numeric_target(target));
  const std::size_t n = x.rows;
  if (options.n_neighbors >= n) return Status::bad_value;
  const ArenaScope scope(scratch);
  Span<double> y, y_sorted;
  EMBER_TRY(scratch.allocate_array(n, &y));
  EMBER_TRY(scratch.allocate_array(n, &y_sorted));
  Rng target_rng(options.seed, 0);
  scale_with_noise(target.data(), 1, n, target_rng, y.data());
  for (std::size_t i = 0; i < n; ++i) y_sorted[i] = y[i];
  std::sort(y_sorted.begin(), y_sorted.end());
  for (std::size_t j = 0; j < x.cols; ++j) {
    const ArenaScope column(scratch);
    double mi = 0.0;
    if (!discrete.empty() && discrete[j] != 0) {
      Span<std::uint32_t> labels;
      std::uint32_t n_labels = 0;
      EMBER_TRY(scratch.allocate_array(n, &labels));
      EMBER_TRY(column_labels(x, j, scratch, labels.data(), &n_labels));
      EMBER_TRY(ross_mi(y.data(), labels.data(), n, n_labels, options.n_neighbors, scratch, &mi));
    } else {
      Span<double> c;
      EMBER_TRY(scratch.allocate_array(n, &c));
      Rng rng(options.seed, 1 + j);
      scale_with_noise(x.data + j, x.stride, n, rng, c.data());
      EMBER_TRY(ksg_mi(c.data(), y.data(), y_sorted.data(), n, options.n_neighbors, scratch, &mi));
    }
    scores[j] = mi;
  }
  return Status::ok;
}

}  // namespace ember
