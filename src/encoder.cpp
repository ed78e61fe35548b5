#include "ember/encoder.h"

#include <algorithm>
#include <cmath>

#include "runtime/category_code.h"
#include "ember/folds.h"

namespace ember {

namespace {

Status check_codes(MatrixView<const float> x, Span<const std::uint32_t> n_categories) {
  if (x.rows == 0 || x.cols == 0) return Status::empty_input;
  if (n_categories.size() != x.cols) return Status::shape_mismatch;
  for (std::size_t i = 0; i < x.rows; ++i) {
    for (std::size_t j = 0; j < x.cols; ++j) {
      const float v = x.data[i * x.stride + j];
      if (n_categories[j] > 0 && v == v && !detail::is_category_code(v, n_categories[j]))
        return Status::bad_index;
    }
  }
  return Status::ok;
}

std::size_t total_codes(Span<const std::uint32_t> n_categories, std::uint32_t* widest) {
  std::size_t total = 0;
  *widest = 0;
  for (std::uint32_t k : n_categories) {
    total += k;
    *widest = std::max(*widest, k);
  }
  return total;
}

// The encodings from the rows whose fold is not `skip` (fold == nullptr:
// every row). sums, counts, squares: the widest column's codes each.
void encode(MatrixView<const float> x, Span<const std::uint32_t> n_categories, Span<const float> y,
            const TargetEncoderOptions& o, const std::uint32_t* fold, std::uint32_t skip, double* sums,
            double* counts, double* squares, float* values, float* unknown) {
  auto used = [&](std::size_t i) { return fold == nullptr || fold[i] != skip; };
  double n = 0.0, sum = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    if (!used(i)) continue;
    n += 1.0;
    sum += y[i];
  }
  const double mean = n > 0.0 ? sum / n : 0.0;
  double variance = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    if (used(i)) variance += (y[i] - mean) * (y[i] - mean);
  }
  variance = n > 0.0 ? variance / n : 0.0;
  for (std::size_t j = 0; j < x.cols; ++j) {
    const std::uint32_t k = n_categories[j];
    unknown[j] = static_cast<float>(mean);
    if (k == 0) continue;
    std::fill(sums, sums + k, 0.0);
    std::fill(counts, counts + k, 0.0);
    std::fill(squares, squares + k, 0.0);
    for (std::size_t i = 0; i < x.rows; ++i) {
      const float v = x.data[i * x.stride + j];
      if (!used(i) || v != v) continue;
      const auto c = static_cast<std::size_t>(v);
      sums[c] += y[i];
      counts[c] += 1.0;
    }
    if (o.smooth < 0.0) {
      // Micci-Barreca's empirical Bayes weight, as scikit-learn's "auto":
      // lambda = var * n_c / (var * n_c + ss_c / n_c), ss_c the squared
      // deviations from the category's own mean.
      for (std::size_t i = 0; i < x.rows; ++i) {
        const float v = x.data[i * x.stride + j];
        if (!used(i) || v != v) continue;
        const auto c = static_cast<std::size_t>(v);
        const double d = y[i] - sums[c] / counts[c];
        squares[c] += d * d;
      }
      for (std::uint32_t c = 0; c < k; ++c) {
        double value = mean;
        if (counts[c] > 0.0) {
          const double own = sums[c] / counts[c];
          const double lambda = variance * counts[c] / (variance * counts[c] + squares[c] / counts[c]);
          if (lambda == lambda) value = lambda * own + (1.0 - lambda) * mean;  // 0/0: the overall mean
        }
        values[c] = static_cast<float>(value);
      }
    } else {
      for (std::uint32_t c = 0; c < k; ++c) {
        const double denominator = counts[c] + o.smooth;
        values[c] = static_cast<float>(denominator > 0.0 ? (sums[c] + o.smooth * mean) / denominator : mean);
      }
    }
    values += k;
  }
}

Status check_target(Span<const float> target, std::size_t rows, const TargetEncoderOptions& o) {
  if (target.size() != rows) return Status::shape_mismatch;
  if (!std::isfinite(o.smooth)) return Status::bad_value;
  for (float y : target) {
    if (!std::isfinite(y)) return Status::bad_value;
  }
  return Status::ok;
}

}  // namespace

Status fit_one_hot(MatrixView<const float> x, Span<const std::uint32_t> n_categories, const OneHotOptions& o,
                   Arena& result, FittedOneHot* out) noexcept {
  if (out == nullptr) return Status::invalid_argument;
  EMBER_TRY(check_codes(x, n_categories));
  if (o.max_categories == 1 ||
      static_cast<unsigned>(o.unknown) > static_cast<unsigned>(UnknownCategory::infrequent))
    return Status::bad_value;
  const std::size_t d = x.cols;
  std::uint32_t widest = 0;
  const std::size_t total = total_codes(n_categories, &widest);
  FittedOneHot f;
  EMBER_TRY(result.allocate_array(d, &f.n_out));
  EMBER_TRY(result.allocate_array(total, &f.remap));
  EMBER_TRY(result.allocate_array(d, &f.unknown));
  EMBER_TRY(result.allocate_array(d, &f.infrequent));
  // remap doubles as the count of each code, then as its output column.
  std::size_t at = 0;
  for (std::size_t j = 0; j < d; ++j) {
    const std::uint32_t k = n_categories[j];
    f.n_out[j] = 0;
    f.unknown[j] = 0.0f;
    f.infrequent[j] = 0;
    if (k == 0) continue;
    float* slot = f.remap.data() + at;
    at += k;
    std::fill(slot, slot + k, 0.0f);
    // Counts as floats are exact up to 2^24 rows of a category; beyond,
    // they stop growing, which only matters for ties among such giants.
    for (std::size_t i = 0; i < x.rows; ++i) {
      const float v = x.data[i * x.stride + j];
      if (v == v) slot[static_cast<std::size_t>(v)] += 1.0f;
    }
    // Infrequent: below min_frequency, then the least frequent until at
    // most max_categories - 1 remain (stable: lower codes first on ties).
    std::uint32_t kept = 0;
    for (std::uint32_t c = 0; c < k; ++c) {
      const bool rare = o.min_frequency > 1 && slot[c] < static_cast<float>(o.min_frequency);
      if (rare) slot[c] = -1.0f - slot[c];  // marked infrequent, count kept as -1 - count
      if (!rare) ++kept;
    }
    // scikit-learn counts the infrequent column even when there is none
    // yet: with kept >= max_categories, only max_categories - 1 stay.
    if (o.max_categories > 0 && kept >= o.max_categories) {
      std::uint32_t drop = kept - (o.max_categories - 1);
      while (drop-- > 0) {
        std::uint32_t pick = k;
        for (std::uint32_t c = 0; c < k; ++c) {
          if (slot[c] >= 0.0f && (pick == k || slot[c] < slot[pick])) pick = c;
        }
        slot[pick] = -1.0f - slot[pick];
        --kept;
      }
    }
    const bool merged = kept < k;
    std::uint32_t next = 0;
    for (std::uint32_t c = 0; c < k; ++c) slot[c] = slot[c] >= 0.0f ? static_cast<float>(next++) : -1.0f;
    for (std::uint32_t c = 0; c < k; ++c) {
      if (slot[c] < 0.0f) slot[c] = static_cast<float>(kept);
    }
    f.n_out[j] = kept + (merged ? 1u : 0u);
    f.merges = f.merges || merged;
    f.infrequent[j] = merged ? 1 : 0;
    const bool to_infrequent = merged && o.unknown == UnknownCategory::infrequent;
    f.unknown[j] = static_cast<float>(to_infrequent ? kept : f.n_out[j]);
  }
  *out = f;
  return Status::ok;
}

Status fit_target_encoder(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                          Span<const float> target, const TargetEncoderOptions& o, Arena& scratch,
                          Span<float> values, Span<float> unknown) noexcept {
  EMBER_TRY(check_codes(x, n_categories));
  EMBER_TRY(check_target(target, x.rows, o));
  std::uint32_t widest = 0;
  if (values.size() != total_codes(n_categories, &widest) || unknown.size() != x.cols)
    return Status::shape_mismatch;
  const Arena::Marker mark = scratch.mark();
  Span<double> work;
  EMBER_TRY(scratch.allocate_array(3 * std::size_t{widest} + 3, &work));
  double* w = work.data();
  encode(x, n_categories, target, o, nullptr, 0, w, w + widest + 1, w + 2 * widest + 2, values.data(),
         unknown.data());
  scratch.rewind(mark);
  return Status::ok;
}

Status target_encode_out_of_fold(MatrixView<const float> x, Span<const std::uint32_t> n_categories,
                                 Span<const float> target, const TargetEncoderOptions& o, std::uint32_t folds,
                                 std::uint64_t seed, Arena& scratch, MatrixView<float> out) noexcept {
  EMBER_TRY(check_codes(x, n_categories));
  EMBER_TRY(check_target(target, x.rows, o));
  if (folds < 2 || folds > x.rows) return Status::bad_value;
  if (out.rows != x.rows || out.cols != x.cols) return Status::shape_mismatch;
  std::uint32_t widest = 0;
  const std::size_t total = total_codes(n_categories, &widest);
  const Arena::Marker mark = scratch.mark();
  Span<std::uint32_t> fold;
  Span<double> work;
  Span<float> values, unknown;
  EMBER_TRY(scratch.allocate_array(x.rows, &fold));
  EMBER_TRY(scratch.allocate_array(3 * std::size_t{widest} + 3, &work));
  EMBER_TRY(scratch.allocate_array(total + 1, &values));
  EMBER_TRY(scratch.allocate_array(x.cols, &unknown));
  // A shuffled k-fold (scikit-learn's TargetEncoder: KFold with shuffle).
  Shuffle shuffle;
  shuffle.enabled = true;
  shuffle.seed = seed;
  EMBER_TRY(kfold(x.rows, folds, shuffle, fold));
  double* w = work.data();
  for (std::uint32_t f = 0; f < folds; ++f) {
    encode(x, n_categories, target, o, fold.data(), f, w, w + widest + 1, w + 2 * widest + 2, values.data(),
           unknown.data());
    for (std::size_t i = 0; i < x.rows; ++i) {
      if (fold[i] != f) continue;
      std::size_t at = 0;
      for (std::size_t j = 0; j < x.cols; ++j) {
        const float v = x.data[i * x.stride + j];
        const std::uint32_t k = n_categories[j];
        out.data[i * out.stride + j] = k == 0 || v != v ? v : values[at + static_cast<std::size_t>(v)];
        at += k;
      }
    }
  }
  scratch.rewind(mark);
  return Status::ok;
}

}  // namespace ember
