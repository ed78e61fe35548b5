#include "ember/binning.h"

#include <algorithm>
#include <cmath>

#include "runtime/category_code.h"
#include "ember/rng.h"
#include "row_index.h"

namespace ember {

namespace {

// The Rng stream of the subsample draw: not one a trainer draws from with
// the same seed.
constexpr std::uint64_t kBinningStream = 5;

// The bin of value v under numeric edges e[0..n_edges): the number of
// edges <= v; NaN is missing.
std::uint8_t numeric_code(const float* e, std::uint32_t n_edges, float v) {
  if (v != v) return kMissingBin;
  // Branch-free halving (the comparisons are data-dependent coin flips):
  // lo counts the edges <= v seen so far.
  std::uint32_t lo = 0, n = n_edges;
  while (n > 0) {
    const std::uint32_t half = n / 2;
    const bool right = e[lo + half] <= v;
    lo = right ? lo + half + 1 : lo;
    n = right ? n - half - 1 : half;
  }
  return static_cast<std::uint8_t>(lo);
}

// A category code as its bin; unknown codes and NaN are missing.
std::uint8_t category_code(std::uint32_t n_bins, float v) {
  return detail::is_category_code(v, n_bins) ? static_cast<std::uint8_t>(v) : kMissingBin;
}

// Bins feature j of `x` into f and codes (n of them), with edges from the
// rows in `sample` (every row when it is empty); `sorted` holds as many
// floats as the rows the edges come from.
void bin_feature(MatrixView<const float> x, std::size_t j, std::uint32_t n_categories,
                 const BinOptions& options, Span<const std::uint32_t> sample, float* e, std::uint8_t* codes,
                 float* sorted_buf, FeatureBins& f) {
  const std::size_t n = x.rows;
  const std::size_t n_sample = sample.empty() ? n : sample.size();
  Span<float> sorted(sorted_buf, n_sample);
  if (n_categories > 0) {
    f.categorical = true;
    f.n_bins = n_categories;
    for (std::size_t i = 0; i < n; ++i) codes[i] = category_code(f.n_bins, x(i, j));
    return;
  }
  // Distinct present values, sorted (-0 counted as +0).
  std::size_t m = 0;
  for (std::size_t i = 0; i < n_sample; ++i) {
    const float v = x(sample.empty() ? i : sample[i], j);
    if (v == v) sorted[m++] = v == 0.0f ? 0.0f : v;
  }
  std::sort(sorted.data(), sorted.data() + m);
  f.edges = e;
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < m; ++i) distinct += (i == 0 || sorted[i] != sorted[i - 1]) ? 1u : 0u;
  std::uint32_t n_edges = 0;
  if (distinct <= options.max_bins) {
    // A bin per distinct value: the edges are the values after the first.
    for (std::size_t i = 1; i < m; ++i) {
      if (sorted[i] != sorted[i - 1]) e[n_edges++] = sorted[i];
    }
  } else {
    // Quantiles of the rows: edge b at rank b m / max_bins, kept strictly
    // increasing (a run of equal values stays in one bin).
    for (std::uint32_t k = 1; k < options.max_bins; ++k) {
      const float candidate = sorted[(k * m) / options.max_bins];
      if (n_edges == 0 || candidate > e[n_edges - 1]) {
        if (candidate > sorted[0]) e[n_edges++] = candidate;
      }
    }
  }
  f.n_bins = distinct == 0 ? 0u : n_edges + 1;
  for (std::size_t i = 0; i < n; ++i) codes[i] = numeric_code(e, n_edges, x(i, j));
}

}  // namespace

std::size_t binning_arena_bytes(std::size_t n_rows, std::size_t n_features,
                                const BinOptions& options) noexcept {
  const std::size_t bins = options.max_bins > 0 ? options.max_bins : 1;
  const std::size_t sampled =
      options.subsample > 0 && n_rows > options.subsample ? options.subsample : n_rows;
  // features, edges, codes, then the sample and the per-feature sort buffer
  // (given back), each with room for alignment.
  return n_features * sizeof(FeatureBins) + n_features * (bins - 1) * sizeof(float) + n_rows * n_features +
         (sampled < n_rows ? sampled * sizeof(std::uint32_t) : 0) + sampled * sizeof(float) + 5 * 64;
}

Status bin_data(MatrixView<const float> x, Span<const std::uint32_t> n_categories, const BinOptions& options,
                Arena& arena, BinnedData* out) noexcept {
  const std::size_t n = x.rows, d = x.cols;
  if (n_categories.size() != d) return Status::shape_mismatch;
  if (options.max_bins < 2 || options.max_bins > kMaxBins) return Status::bad_value;
  if (n == 0 || d == 0) return Status::empty_input;
  for (std::size_t j = 0; j < d; ++j) {
    if (n_categories[j] > options.max_bins) return Status::bad_value;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) {
      if (std::isinf(x(i, j))) return Status::bad_value;
    }
  }
  BinnedData b;
  b.n_rows = n;
  b.n_features = d;
  Span<float> edges;
  EMBER_TRY(arena.allocate_objects(d, &b.features));
  EMBER_TRY(arena.allocate_array(d * (options.max_bins - 1), &edges));
  EMBER_TRY(arena.allocate_array(n * d, &b.codes));
  const Arena::Marker scratch_start = arena.mark();

  // Features are independent: each task bins a contiguous range of them
  // with its own sort buffer, so the result does not depend on the workers.
  const std::size_t tasks =
      options.executor != nullptr
          ? std::min<std::size_t>(d, options.executor->workers > 0 ? options.executor->workers : 1)
          : 1;
  // The rows the edges come from: all, or a uniform draw of `subsample`
  // of them in ascending order (selection sampling, Knuth's Algorithm S).
  Span<std::uint32_t> sample;
  if (options.subsample > 0 && n > options.subsample) {
    if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
    EMBER_TRY(arena.allocate_array(options.subsample, &sample));
    Rng rng(options.seed, kBinningStream);
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < n && chosen < sample.size(); ++i) {
      if (rng.below64(n - i) < sample.size() - chosen) sample[chosen++] = static_cast<std::uint32_t>(i);
    }
  }
  const std::size_t n_sample = sample.empty() ? n : sample.size();
  Span<float> sorted;
  EMBER_TRY(arena.allocate_array(n_sample * tasks, &sorted));
  struct Job {
    MatrixView<const float> x;
    Span<const std::uint32_t> n_categories;
    Span<const std::uint32_t> sample;
    std::size_t n_sample;
    const BinOptions* options;
    BinnedData* b;
    float* edges;
    float* sorted;
    std::size_t d, tasks;
  } job{x, n_categories, sample, n_sample, &options, &b, edges.data(), sorted.data(), d, tasks};
  auto task = [](void* context, std::size_t t) {
    const Job& jb = *static_cast<const Job*>(context);
    const std::size_t n_rows = jb.x.rows;
    for (std::size_t j = t * jb.d / jb.tasks; j < (t + 1) * jb.d / jb.tasks; ++j) {
      bin_feature(jb.x, j, jb.n_categories[j], *jb.options, jb.sample,
                  jb.edges + j * (jb.options->max_bins - 1), jb.b->codes.data() + j * n_rows,
                  jb.sorted + t * jb.n_sample, jb.b->features[j]);
    }
  };
  if (options.executor != nullptr) {
    options.executor->parallel_for(tasks, task, &job);
  } else {
    task(&job, 0);
  }
  arena.rewind(scratch_start);
  *out = b;
  return Status::ok;
}

}  // namespace ember

namespace ember {

Status bin_like(const BinnedData& reference, MatrixView<const float> x, Arena& arena,
                BinnedData* out) noexcept {
  const std::size_t n = x.rows, d = x.cols;
  if (d != reference.n_features) return Status::shape_mismatch;
  if (n == 0 || d == 0) return Status::empty_input;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) {
      if (std::isinf(x(i, j))) return Status::bad_value;
    }
  }
  BinnedData b;
  b.n_rows = n;
  b.n_features = d;
  b.features = reference.features;
  EMBER_TRY(arena.allocate_array(n * d, &b.codes));
  for (std::size_t j = 0; j < d; ++j) {
    const FeatureBins& f = b.features[j];
    std::uint8_t* codes = b.codes.data() + j * n;
    const std::uint32_t n_edges = f.n_bins > 0 ? f.n_bins - 1 : 0u;
    for (std::size_t i = 0; i < n; ++i) {
      codes[i] = f.categorical ? category_code(f.n_bins, x(i, j)) : numeric_code(f.edges, n_edges, x(i, j));
    }
  }
  *out = b;
  return Status::ok;
}

}  // namespace ember
