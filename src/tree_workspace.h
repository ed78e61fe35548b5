// The grower's workspace: the candidate features' histogram layout, the
// per-feature scratch of the split search, the tree under construction, and
// the per-node buffers handed out and back as nodes open and close.
//
// Part of Grower (tree_grower.h), which includes this file at its end;
// not to be included on its own.
#ifndef EMBER_SRC_TREE_WORKSPACE_H
#define EMBER_SRC_TREE_WORKSPACE_H

#include "tree_grower.h"

namespace ember::detail {

template <class Policy>
Status Grower<Policy>::acquire(std::uint32_t* buffer, Arena& scratch) noexcept {
  if (n_free_buffers_ == 0) {
    if (n_buffers_made_ == buffers_.size())
      return Status::out_of_memory;  // cannot happen: sized for the open list
    Buffer& b = buffers_[n_buffers_made_];
    Span<double> stats;
    Span<std::uint8_t> order;
    EMBER_TRY(scratch.allocate_array(2 * stride_, &stats));
    EMBER_TRY(scratch.allocate_array(kSlots, &order));
    b.stats = stats.data();
    b.left = stats.data() + stride_;
    b.order = order.data();
    b.hist = nullptr;
    free_buffers_[n_free_buffers_++] = static_cast<std::uint32_t>(n_buffers_made_++);
  }
  *buffer = free_buffers_[--n_free_buffers_];
  return Status::ok;
}

template <class Policy>
Status Grower<Policy>::acquire_hist(Buffer* b, Arena& scratch) noexcept {
  if (n_free_hists_ > 0) {
    b->hist = free_hists_[--n_free_hists_];
    return Status::ok;
  }
  Span<double> h;
  EMBER_TRY(scratch.allocate_array(hist_doubles(), &h));
  b->hist = h.data();
  return Status::ok;
}

// Workspace: the candidate features and each one's place in a histogram.
template <class Policy>
Status Grower<Policy>::layout_candidates(Arena& scratch, std::size_t* max_categories) noexcept {
  const std::size_t d = data_.n_features;
  const std::size_t n_cand = o_.features.empty() ? d : o_.features.size();
  EMBER_TRY(scratch.allocate_array(n_cand, &candidates_));
  EMBER_TRY(scratch.allocate_array(d, &offset_));
  for (std::size_t i = 0; i < n_cand; ++i) {
    candidates_[i] = o_.features.empty() ? static_cast<std::uint32_t>(i) : o_.features[i];
    if (candidates_[i] >= d) return Status::bad_index;
  }
  total_slots_ = 0;
  for (std::size_t i = 0; i < n_cand; ++i) {
    const FeatureBins& fb = data_.features[candidates_[i]];
    offset_[candidates_[i]] = total_slots_;
    total_slots_ += std::size_t{fb.n_bins} + 1;
    if (fb.categorical) *max_categories = std::max<std::size_t>(*max_categories, fb.n_bins);
  }
  subtract_ = o_.max_features == 0 || o_.max_features >= n_cand;
  return Status::ok;
}

// Workspace: the partition buffers and the split search's per-feature scratch.
template <class Policy>
Status Grower<Policy>::allocate_workspace(Arena& scratch) noexcept {
  const std::size_t n = rows_.size(), n_cand = candidates_.size();
  EMBER_TRY(scratch.allocate_array(n, &tmp_rows_));
  EMBER_TRY(scratch.allocate_array(n, &tmp_records_));
  EMBER_TRY(scratch.allocate_array(2 * std::size_t{kMaxPartitionBlocks}, &block_left_));
  EMBER_TRY(scratch.allocate_array(n_cand, &chosen_));
  EMBER_TRY(scratch.allocate_array(n_cand, &draws_));
  EMBER_TRY(scratch.allocate_objects(n_cand, &best_));
  // Per-feature scratch padded to whole cache lines: tasks on other cores
  // write their neighbours' entries.
  padded_ = (stride_ + 7) / 8 * 8;
  EMBER_TRY(scratch.allocate_array(n_cand * padded_, &cand_left_));
  EMBER_TRY(scratch.allocate_array(n_cand * padded_, &cand_acc_));
  EMBER_TRY(scratch.allocate_array(n_cand * 2 * padded_, &cand_side_));
  EMBER_TRY(scratch.allocate_array(n_cand * kSlots, &cand_order_));
  EMBER_TRY(scratch.allocate_array(n_cand * kSlots, &cand_keys_));
  EMBER_TRY(scratch.allocate_array(hist_doubles(), &tmp_hist_));
  if constexpr (Policy::kPacked) EMBER_TRY(scratch.allocate_array(n_cand * kPackedSlots, &packed_));
  return Status::ok;
}

// Workspace: the tree being grown (nodes, leaves, categories) and the open list.
template <class Policy>
Status Grower<Policy>::allocate_tree(Arena& scratch, std::size_t max_categories) noexcept {
  const std::size_t n = rows_.size();
  // Every split sends rows both ways, so a tree has fewer than n nodes.
  cap_ = n;
  if (o_.max_leaves > 0 && o_.max_leaves < cap_) cap_ = o_.max_leaves;
  if (o_.max_depth > 0 && o_.max_depth < 31 && (std::size_t{1} << o_.max_depth) < cap_)
    cap_ = std::size_t{1} << o_.max_depth;
  lw_ = p_.leaf_width();
  EMBER_TRY(scratch.allocate_objects(cap_, &nodes_));
  EMBER_TRY(scratch.allocate_objects(cap_ + 1, &leaf_ranges_));
  EMBER_TRY(scratch.allocate_array((cap_ + 1) * lw_, &leaf_values_));
  // Open nodes: depth-first keeps at most one pending sibling per level;
  // best-first at most the leaf budget.
  const std::size_t open_cap = o_.max_leaves > 0 ? cap_ + 1 : std::size_t{format::kMaxTreeDepth} + 2;
  EMBER_TRY(scratch.allocate_objects(open_cap, &open_));
  // Buffers: every open node, plus the one being split and its children.
  EMBER_TRY(scratch.allocate_objects(open_cap + 3, &buffers_));
  EMBER_TRY(scratch.allocate_array(open_cap + 3, &free_buffers_));
  EMBER_TRY(scratch.allocate_array(open_cap + 3, &free_hists_));
  if (max_categories > 0) EMBER_TRY(scratch.allocate_array(cap_ * max_categories, &category_pool_));
  EMBER_TRY(scratch.allocate_array(cap_, &category_at_));
  n_free_buffers_ = n_buffers_made_ = n_free_hists_ = 0;
  n_nodes_ = n_leaves_ = 0;
  n_open_ = pool_used_ = 0;
  depth_ = 0;
  total_gain_ = 0.0;
  return Status::ok;
}

}  // namespace ember::detail

#endif  // EMBER_SRC_TREE_WORKSPACE_H
