// The grower's best-split search (LightGBM's FindBestSplitsFromHistograms):
// per chosen feature, a scan over its occupied bins (categories sorted by
// the policy's key) with missing rows tried on both sides; then the best
// over features in ascending feature order.
//
// Part of Grower (tree_grower.h), which includes this file at its end;
// not to be included on its own.
#ifndef EMBER_SRC_TREE_SPLIT_SEARCH_H
#define EMBER_SRC_TREE_SPLIT_SEARCH_H

#include "tree_grower.h"

namespace ember::detail {

template <class Policy>
void Grower<Policy>::scan_feature(std::size_t position, const ScanJob& job) noexcept {
  const Open& node = *job.node;
  const double* t = buffers_[node.buffer].stats;
  const std::uint32_t n_rows = node.end - node.begin;
  const std::uint32_t j = candidates_[chosen_[position]];
  Split& best = best_[position].split;
  best = Split{};
  best.gain = p_.initial_best();
  const FeatureBins& fb = data_.features[j];
  const std::uint32_t nb = fb.n_bins;
  if (nb < 2 && !fb.categorical) return;
  double* h = (job.hist != nullptr ? job.hist : tmp_hist_.data()) + slot_of(j);
  if (job.hist == nullptr) build_feature(chosen_[position], node.begin, node.end, h);
  std::uint8_t* order = cand_order_.data() + position * kSlots;
  float* keys = cand_keys_.data() + position * kSlots;
  std::uint32_t n_order = 0;
  // Occupied bins only: a boundary among empty ones is the same partition.
  for (std::uint32_t b = 0; b < nb; ++b) {
    if (h[std::size_t{b} * stride() + w()] > 0.0) order[n_order++] = static_cast<std::uint8_t>(b);
  }
  if (fb.categorical) {
    for (std::uint32_t q = 0; q < n_order; ++q) {
      keys[order[q]] = static_cast<float>(p_.category_key(h + std::size_t{order[q]} * stride(), t));
    }
    // Insertion sort: stable, and no buffer (std::stable_sort may allocate).
    for (std::uint32_t a = 1; a < n_order; ++a) {
      const std::uint8_t v = order[a];
      std::uint32_t b = a;
      for (; b > 0 && keys[v] < keys[order[b - 1]]; --b) order[b] = order[b - 1];
      order[b] = v;
    }
  }
  if (n_order < 2) return;
  const double* miss = h + std::size_t{nb} * stride();
  const bool has_missing = miss[w()] > 0.0;
  double* acc = cand_acc_.data() + position * padded_;
  double* left = cand_side_.data() + position * 2 * padded_;
  double* right = left + stride();
  double* kept = cand_left_.data() + position * padded_;
  std::fill(acc, acc + stride(), 0.0);
  // Extra trees: one boundary, drawn at random.
  const std::uint32_t only =
      o_.random_splits ? static_cast<std::uint32_t>((std::uint64_t{draws_[position]} * (n_order - 1)) >> 32)
                       : 0u;
  for (std::uint32_t q = 0; q + 1 < n_order; ++q) {
    const double* s = h + std::size_t{order[q]} * stride();
    for (std::size_t c = 0; c < stride(); ++c) acc[c] += s[c];
    if (o_.random_splits && q != only) continue;
    for (int missing_left = 0; missing_left < 2; ++missing_left) {
      if (missing_left == 1 && !has_missing) break;
      for (std::size_t c = 0; c < stride(); ++c) {
        left[c] = acc[c] + (missing_left ? miss[c] : 0.0);
        right[c] = t[c] - left[c];
      }
      const double lc = left[w()], rc = static_cast<double>(n_rows) - lc;
      if (lc < o_.min_samples_leaf || rc < o_.min_samples_leaf) continue;
      if (!p_.admissible(left, right)) continue;
      const double gain = p_.gain(left, right, t, job.parent_score);
      if (better(gain, best.gain)) {
        best.found = true;
        best.feature = j;
        best.prefix = q;
        // Without missing rows here, NaN follows the heavier side.
        best.missing_left = has_missing ? missing_left == 1 : p_.mass(left) >= p_.mass(right);
        best.gain = gain;
        std::memcpy(kept, left, stride() * sizeof(double));
      }
    }
  }
}

template <class Policy>
void Grower<Policy>::find_split(Open* node, double* hist) noexcept {
  node->split = Split{};
  const std::uint32_t n_rows = node->end - node->begin;
  Buffer& buf = buffers_[node->buffer];
  if (n_rows < o_.min_samples_split || n_rows < 2 * o_.min_samples_leaf || node->depth >= max_depth_ ||
      !p_.splittable(buf.stats)) {
    return;
  }
  // The features tried here: all candidates, or a partial Fisher-Yates draw.
  const std::size_t d = candidates_.size();
  const std::size_t m = o_.max_features == 0 || o_.max_features >= d ? d : o_.max_features;
  for (std::size_t i = 0; i < d; ++i) chosen_[i] = static_cast<std::uint32_t>(i);
  if (m < d) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t k = i + static_cast<std::size_t>(rng_.below64(d - i));
      std::swap(chosen_[i], chosen_[k]);
    }
    std::sort(chosen_.data(), chosen_.data() + m);  // ties then go to the lowest feature
  }
  n_chosen_ = m;
  if (o_.random_splits) {
    for (std::size_t i = 0; i < m; ++i) draws_[i] = rng_.next_u32();
  }
  ScanJob job{this, node, hist, p_.node_score(buf.stats)};
  run(m, std::size_t{n_rows} * m, &Grower::scan_task, &job);
  std::size_t pick = m;
  double top = p_.initial_best();
  for (std::size_t i = 0; i < m; ++i) {
    if (best_[i].split.found && better(best_[i].split.gain, top)) {
      pick = i;
      top = best_[i].split.gain;
    }
  }
  if (pick == m || !p_.accept(top)) return;
  node->split = best_[pick].split;
  std::memcpy(buf.left, cand_left_.data() + pick * padded_, stride_ * sizeof(double));
  std::memcpy(buf.order, cand_order_.data() + pick * kSlots, kSlots);
}

}  // namespace ember::detail

#endif  // EMBER_SRC_TREE_SPLIT_SEARCH_H
