// The grower's histogram construction (LightGBM's ConstructHistograms):
// per-feature sums of a node's rows over bins, in row order, in groups of
// kGroup features per task, packed into integer tables for packed policies.
//
// Part of Grower (tree_grower.h), which includes this file at its end;
// not to be included on its own.
#ifndef EMBER_SRC_TREE_HISTOGRAM_H
#define EMBER_SRC_TREE_HISTOGRAM_H

#include "tree_grower.h"

namespace ember::detail {

template <class Policy>
inline void Grower<Policy>::build_feature(std::size_t position, std::uint32_t begin, std::uint32_t end,
                                          double* h) const noexcept {
  const std::uint32_t j = candidates_[position];
  const std::uint32_t nb = data_.features[j].n_bins;
  std::fill(h, h + (std::size_t{nb} + 1) * stride(), 0.0);
  const std::uint8_t* col = data_.column(j);
  const std::size_t missing = nb;
  add_rows(&h, &col, &missing, 1, position, begin, end);
}

template <class Policy>
inline void Grower<Policy>::group_task(void* context, std::size_t t) noexcept {
  auto* job = static_cast<BuildJob*>(context);
  Grower& g = *job->self;
  const std::size_t n_cand = g.candidates_.size();
  const std::size_t k0 = t * n_cand / job->tasks, k1 = (t + 1) * n_cand / job->tasks;
  const std::size_t stride = g.stride();
  double* h[kGroup] = {};
  const std::uint8_t* col[kGroup] = {};
  std::size_t missing[kGroup] = {};
  const std::size_t m = k1 - k0;
  for (std::size_t k = 0; k < m; ++k) {
    const std::uint32_t j = g.candidates_[k0 + k];
    const std::uint32_t nb = g.data_.features[j].n_bins;
    h[k] = job->hist + g.slot_of(j);
    col[k] = g.data_.column(j);
    missing[k] = nb;
    std::fill(h[k], h[k] + (std::size_t{nb} + 1) * stride, 0.0);
  }
  g.add_rows(h, col, missing, m, k0, job->begin, job->end);
}

template <class Policy>
inline void Grower<Policy>::add_rows(double* const* h, const std::uint8_t* const* col,
                                     const std::size_t* missing, std::size_t m, std::size_t first,
                                     std::uint32_t begin, std::uint32_t end) const noexcept {
  if constexpr (Policy::kPacked) {
    std::uint64_t* table[kGroup] = {};
    for (std::size_t k = 0; k < m; ++k) table[k] = packed_.data() + (first + k) * kPackedSlots;
    for (std::uint32_t c0 = begin; c0 < end;) {
      const std::uint32_t c1 = end - c0 > Policy::kPackedRows ? c0 + Policy::kPackedRows : end;
      for (std::size_t k = 0; k < m; ++k) std::fill(table[k], table[k] + kPackedSlots, std::uint64_t{0});
      switch (m) {
        case 4:
          add_packed<4>(table, col, c0, c1);
          break;
        case 3:
          add_packed<3>(table, col, c0, c1);
          break;
        case 2:
          add_packed<2>(table, col, c0, c1);
          break;
        default:
          for (std::size_t k = 0; k < m; ++k) add_packed<1>(table + k, col + k, c0, c1);
      }
      for (std::size_t k = 0; k < m; ++k) {
        for (std::size_t b = 0; b < missing[k]; ++b) {
          if (table[k][b] != 0) p_.unpack(table[k][b], h[k] + b * stride());
        }
        if (table[k][kMissingBin] != 0) p_.unpack(table[k][kMissingBin], h[k] + missing[k] * stride());
      }
      c0 = c1;
    }
  } else {
    (void)first;
    const std::size_t stride = this->stride(), w = this->w();
    for_rows(col, m, begin, end, [&](std::uint32_t row, const Record& x) {
      for (std::size_t k = 0; k < m; ++k) {
        const std::uint8_t b = col[k][row];
        double* s = h[k] + (b == kMissingBin ? missing[k] : b) * stride;
        p_.add(s, x);
        s[w] += 1.0;
      }
    });
  }
}

template <class Policy>
template <std::size_t M>
inline void Grower<Policy>::add_packed(std::uint64_t* const* table, const std::uint8_t* const* col,
                                       std::uint32_t begin, std::uint32_t end) const noexcept {
  std::uint64_t* t[M];
  const std::uint8_t* c[M];
  for (std::size_t k = 0; k < M; ++k) {
    t[k] = table[k];
    c[k] = col[k];
  }
  for_rows(col, M, begin, end, [&](std::uint32_t row, const Record& x) {
    const std::uint64_t v = Policy::increment(x);
    for (std::size_t k = 0; k < M; ++k) t[k][c[k][row]] += v;
  });
}

template <class Policy>
template <class F>
inline void Grower<Policy>::for_rows(const std::uint8_t* const* col, std::size_t m, std::uint32_t begin,
                                     std::uint32_t end, F&& f) const noexcept {
  const std::uint32_t* rows = rows_.data();
  const Record* rec = records_.data();
  std::uint32_t r = begin;
  if (std::size_t{end - begin} * kSparseRatio < rows_.size()) {
    for (; r + kPrefetchRows < end; ++r) {
      const std::uint32_t ahead = rows[r + kPrefetchRows];
      for (std::size_t k = 0; k < m; ++k) __builtin_prefetch(col[k] + ahead);
      f(rows[r], rec[r]);
    }
  }
  for (; r < end; ++r) f(rows[r], rec[r]);
}

template <class Policy>
inline void Grower<Policy>::build_all(std::uint32_t begin, std::uint32_t end, double* hist) noexcept {
  const std::size_t n_cand = candidates_.size();
  const std::size_t workers = o_.executor != nullptr && o_.executor->workers > 1 ? o_.executor->workers : 1;
  const std::size_t rounds = (n_cand + workers * kGroup - 1) / (workers * kGroup);
  BuildJob job{this, begin, end, hist, std::min(n_cand, workers * rounds)};
  // A histogram pass over even a few hundred rows is worth a hand-off.
  run(job.tasks, std::size_t{end - begin} * n_cand, &Grower::group_task, &job);
}

}  // namespace ember::detail

#endif  // EMBER_SRC_TREE_HISTOGRAM_H
