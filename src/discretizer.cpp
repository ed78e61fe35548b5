#include "ember/discretizer.h"

#include <cmath>

#include "column_values.h"

namespace ember {

namespace {

constexpr std::uint32_t kMaxBins = 65536;
constexpr int kMaxKmeansIterations = 300;  // scikit-learn's max_iter

// Lloyd's algorithm on sorted values v (n > 0) with k centres started at
// c[0..k), ascending. Sorted data and ascending centres make each cluster a
// contiguous run, found by moving boundaries; stops when no boundary moves.
// Empty clusters keep their centre (scikit-learn moves them to far
// points; with the uniform start on more than k distinct values, a rare
// case).
void kmeans_1d(const float* v, std::size_t n, double* c, std::uint32_t k) {
  for (int iteration = 0; iteration < kMaxKmeansIterations; ++iteration) {
    bool moved = false;
    std::size_t begin = 0;
    for (std::uint32_t q = 0; q < k; ++q) {
      // Rows nearer to c[q] than to c[q + 1] (ties to the lower centre).
      std::size_t end = begin;
      if (q + 1 == k) {
        end = n;
      } else {
        const double mid = 0.5 * (c[q] + c[q + 1]);
        while (end < n && v[end] <= mid) ++end;
      }
      if (end > begin) {
        double sum = 0.0;
        for (std::size_t i = begin; i < end; ++i) sum += v[i];
        const double mean = sum / static_cast<double>(end - begin);
        if (mean != c[q]) moved = true;
        c[q] = mean;
      }
      begin = end;
    }
    // Lloyd's updates keep 1-D centres in order; sort defensively anyway.
    for (std::uint32_t a = 1; a < k; ++a) {
      for (std::uint32_t b = a; b > 0 && c[b] < c[b - 1]; --b) std::swap(c[b], c[b - 1]);
    }
    if (!moved) break;
  }
}

}  // namespace

Status fit_discretizer(MatrixView<const float> x, Span<const std::uint8_t> skip, const DiscretizerOptions& o,
                       Arena& scratch, Arena& result, FittedDiscretizer* out) noexcept {
  if (out == nullptr) return Status::invalid_argument;
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  const std::size_t d = x.cols;
  if (!skip.empty() && skip.size() != d) return Status::shape_mismatch;
  if (o.n_bins < 2 || o.n_bins > kMaxBins ||
      static_cast<unsigned>(o.strategy) > static_cast<unsigned>(DiscretizeStrategy::kmeans))
    return Status::bad_value;
  const std::uint32_t k = o.n_bins;
  FittedDiscretizer f;
  EMBER_TRY(result.allocate_array(d, &f.n_edges));
  // At most k - 1 inner edges per column; the unused tail is left behind.
  Span<float> all;
  EMBER_TRY(result.allocate_array(d * (k - 1), &all));
  const Arena::Marker start = scratch.mark();
  Span<double> edges, centres;
  EMBER_TRY(scratch.allocate_array(std::size_t{k} + 1, &edges));
  EMBER_TRY(scratch.allocate_array(k, &centres));
  std::size_t used = 0;
  for (std::size_t j = 0; j < d; ++j) {
    f.n_edges[j] = 0;
    if (!skip.empty() && skip[j] != 0) continue;
    const Arena::Marker mark = scratch.mark();
    Span<float> v;
    EMBER_TRY(detail::sorted_present(x, j, scratch, &v));
    const std::size_t n = v.size();
    if (n == 0 || v[0] == v[n - 1]) {
      scratch.rewind(mark);
      continue;
    }
    const double lo = v[0], hi = v[n - 1];
    // edges[0..k]: the outer ones are the column's min and max.
    for (std::uint32_t q = 0; q <= k; ++q) {
      if (o.strategy == DiscretizeStrategy::quantile) {
        edges[q] = detail::percentile(v.data(), n, 100.0 * q / k);
      } else {
        // NumPy's linspace: lo + q * step, the last one exactly hi.
        edges[q] = q == k ? hi : lo + q * ((hi - lo) / k);
      }
    }
    if (o.strategy == DiscretizeStrategy::kmeans) {
      // With at most k distinct values, k-means puts a centre on each (and
      // scikit-learn's repeated ones collapse below): take them directly.
      std::uint32_t distinct = 0;
      for (std::size_t i = 0; i < n && distinct <= k; ++i) {
        if (i == 0 || v[i] != v[i - 1]) {
          if (distinct < k) centres[distinct] = v[i];
          ++distinct;
        }
      }
      if (distinct <= k) {
        for (std::uint32_t q = distinct; q < k; ++q) centres[q] = centres[distinct - 1];
      } else {
        for (std::uint32_t q = 0; q < k; ++q) centres[q] = 0.5 * (edges[q] + edges[q + 1]);
        kmeans_1d(v.data(), n, centres.data(), k);
      }
      edges[0] = lo;
      edges[k] = hi;
      for (std::uint32_t q = 1; q < k; ++q) edges[q] = 0.5 * (centres[q - 1] + centres[q]);
    }
    scratch.rewind(mark);
    // As scikit-learn: for quantile and k-means bins, drop each edge within
    // 1e-8 of the one before it (in the full list, outer edges included); then the first and last kept
    // edges are the outer ones; also drop inner edges equal to the
    // previous one once rounded to float.
    std::uint32_t kept = 0;
    for (std::uint32_t q = 0; q <= k; ++q) {
      if (q == 0 || o.strategy == DiscretizeStrategy::uniform || edges[q] - edges[q - 1] > 1e-8)
        edges[kept++] = edges[q];
    }
    std::uint32_t count = 0;
    for (std::uint32_t q = 1; q + 1 < kept; ++q) {
      const auto e = static_cast<float>(edges[q]);
      if (count > 0 && !(e > all[used + count - 1])) continue;
      all[used + count++] = e;
    }
    f.n_edges[j] = count;
    used += count;
  }
  scratch.rewind(start);
  f.edges = Span<float>(all.data(), used);
  *out = f;
  return Status::ok;
}

}  // namespace ember
