// The one tree-growing loop behind CART (decision_tree.cpp) and gradient
// boosting (gbdt.cpp). Internal to the core.
//
// A Policy supplies what differs between them: the per-row record and how
// it adds to a node's statistics, the gain of a split, whether a node may
// be split at all, and a leaf's value. The grower owns the rest: the open
// list (depth-first, or best-first under a leaf budget), per-feature
// histograms over bins, the split scan with a learned missing direction and
// categorical subsets, stable row partitioning, histogram subtraction, and
// the copy of the finished tree into the result arena.
//
// A packed policy (kPacked) turns each record into an integer increment,
// Policy::increment(record): all of a row's statistics and its count in one
// 64-bit word. Histograms are then built with one integer add per
// feature-row into a 256-entry table (indexed by the code itself, missing
// at kMissingBin), flushed into the double histograms every
// Policy::kPackedRows rows (before a field could overflow) by
// Policy::unpack, which also adds the count. Integer sums are exact, so
// they do not depend on the order of the rows at all.
//
// Determinism: each feature's histogram and best split are computed by one
// task in row order; the best over features is then taken in ascending
// feature order. Results therefore do not depend on the executor or the
// number of its workers.
//
// This file holds the class and grow() in its named steps; the rest is in
// one file per concept, included at the end: tree_workspace.h (working
// memory), tree_histogram.h (histograms), tree_partition.h (row
// partition), tree_split_search.h (best split).
#ifndef EMBER_SRC_TREE_GROWER_H
#define EMBER_SRC_TREE_GROWER_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "ember/base/arena.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/executor.h"
#include "ember/rng.h"
#include "ember/runtime/model_format.h"
#include "row_index.h"

namespace ember::detail {

constexpr std::size_t kSlots = kMaxBins + 1;  // value bins, then the missing slot (at n_bins)
constexpr std::size_t kPackedSlots = 256;     // a packed table, indexed by any 8-bit code

// Partitions of large nodes run in blocks of about this many rows.
constexpr std::uint32_t kPartitionRows = 16384;
constexpr std::uint32_t kMaxPartitionBlocks = 64;

// At most this many features' histograms are built by one task (they
// stay in L1 together).
constexpr std::size_t kGroup = 4;

// A node holding fewer than 1/kSparseRatio of the tree's rows has them
// scattered over the code columns: its histogram build prefetches the
// codes kPrefetchRows rows ahead, where the hardware prefetcher sees no
// stream. (For denser nodes it does, and prefetching only costs.)
constexpr std::size_t kSparseRatio = 32;
constexpr std::uint32_t kPrefetchRows = 16;

// Work (in feature-rows: histogram adds or the like) below which tasks run
// inline: the thread pool's hand-off costs a few microseconds.
constexpr std::size_t kParallelWork = std::size_t{1} << 13;
// Partitioning a row costs about this many histogram adds.
constexpr std::size_t kPartitionWork = 4;

// Nodes with fewer rows than this get their histograms built directly:
// subtracting a whole histogram costs more than scanning so few rows.
constexpr std::uint32_t kSubtractMinRows = 1024;

struct GrowOptions {
  std::uint32_t max_depth = 0;   // 0: no limit (below format::kMaxTreeDepth)
  std::uint32_t max_leaves = 0;  // 0: split every node a rule allows; else best-first to this many leaves
  std::uint32_t min_samples_split = 2;
  std::uint32_t min_samples_leaf = 1;
  std::uint32_t max_features = 0;      // features drawn per node from `features`; 0 = all of them
  bool random_splits = false;          // one random boundary per feature (extra trees)
  Span<const std::uint32_t> features;  // the candidate features, ascending; empty = every feature
  std::uint64_t seed = 0;
  const Executor* executor = nullptr;
};

// Where a leaf's rows are: positions [begin, end) of the rows array.
struct LeafRange {
  std::uint32_t begin = 0, end = 0;
};

// Which bins of a split go left (bit b of mask: bin b), and where missing go.
struct BinMask {
  bool missing_left = false;
  std::uint32_t mask[8] = {};

  bool goes_left(std::uint8_t code) const noexcept {
    return code == kMissingBin ? missing_left : ((mask[code >> 5] >> (code & 31u)) & 1u) != 0;
  }
};

template <class Policy>
class Grower {
 public:
  using Record = typename Policy::Record;

  Grower(const BinnedData& data, const Policy& policy, const GrowOptions& options) noexcept
      : data_(data), p_(policy), o_(options), rng_(options.seed) {
    w_ = Policy::kFixedWidth > 0 ? Policy::kFixedWidth : policy.width();
    stride_ = w_ + 1;  // the statistics, then the row count
  }

  // Grows a tree on rows[i] with records[i] (both permuted in place: a
  // leaf's rows end up contiguous). Working memory and leaves()
  // stay in `scratch` until the caller rewinds it; the tree goes to `result`.
  Status grow(Span<std::uint32_t> rows, Span<Record> records, Arena& scratch, Arena& result, FittedTree* out,
              Importance* importance) noexcept;

  Span<const LeafRange> leaves() const noexcept { return {leaf_ranges_.data(), n_leaves_}; }

 private:
  struct Split {
    bool found = false;
    std::uint32_t feature = 0;
    std::uint32_t prefix = 0;  // order[0..prefix] goes left
    bool missing_left = false;
    double gain = 0.0;
  };
  // What an open node keeps apart from its place in the open list.
  struct Buffer {
    double* stats = nullptr;  // stride
    double* left = nullptr;   // stride: the best split's left side
    double* hist = nullptr;   // every candidate's histogram, or nullptr
    std::uint8_t* order = nullptr;
  };
  struct Open {
    std::uint32_t begin = 0, end = 0, depth = 0;
    std::int32_t parent = -1;
    bool is_left = false;
    std::uint32_t buffer = 0;
    Split split;
  };
  struct ScanJob {
    Grower* self;
    const Open* node;
    double* hist;  // node histogram (all candidates) or nullptr: build into tmp_hist_
    double parent_score;
  };
  struct BuildJob {
    Grower* self;
    std::uint32_t begin, end;
    double* hist;
    std::size_t tasks;
  };

  // The width as a constant when the policy fixes it, so loops unroll.
  std::size_t w() const noexcept { return Policy::kFixedWidth > 0 ? Policy::kFixedWidth : w_; }
  std::size_t stride() const noexcept { return Policy::kFixedWidth > 0 ? Policy::kFixedWidth + 1 : stride_; }
  std::size_t slot_of(std::uint32_t j) const noexcept { return offset_[j] * stride(); }
  std::size_t hist_doubles() const noexcept { return total_slots_ * stride_; }

  // Candidate `position` (feature j) over rows [begin, end) into h.
  void build_feature(std::size_t position, std::uint32_t begin, std::uint32_t end, double* h) const noexcept;
  // Candidates [k0, k1) over rows [begin, end): each row's record is read
  // once for the group instead of once per feature, and each feature's
  // sums still run in row order (the same as build_feature's).
  static void group_task(void* context, std::size_t t) noexcept;
  // Rows [begin, end) into the histograms h[k] of the features whose codes
  // are col[k] (missing slot missing[k]), k < m, in row order; the
  // features are candidates first, first + 1, ...
  void add_rows(double* const* h, const std::uint8_t* const* col, const std::size_t* missing, std::size_t m,
                std::size_t first, std::uint32_t begin, std::uint32_t end) const noexcept;
  // The packed kernel for M features: one integer add per feature-row.
  template <std::size_t M>
  void add_packed(std::uint64_t* const* table, const std::uint8_t* const* col, std::uint32_t begin,
                  std::uint32_t end) const noexcept;
  // f(row, record) for positions [begin, end) in order, prefetching the
  // codes col[k] (k < m) ahead where the node's rows are sparse.
  template <class F>
  void for_rows(const std::uint8_t* const* col, std::size_t m, std::uint32_t begin, std::uint32_t end,
                F&& f) const noexcept;
  // Every candidate's histogram of rows[begin, end) into `hist`.
  // The candidates go to tasks in even runs of at most kGroup, their
  // number a multiple of the workers so that none waits on the last task.
  // (Each feature's sums are the same whichever task makes them.)
  void build_all(std::uint32_t begin, std::uint32_t end, double* hist) noexcept;
  // Stable partition of rows[begin, end) by `mask` on `feature`: rows keep
  // ascending order within each side. Large nodes go in blocks whose number
  // depends only on the node's size: each block split into tmp, then gathered back.
  struct PartitionJob {
    Grower* self;
    std::uint32_t begin, end, blocks;
    const std::uint8_t* codes;
    const BinMask* mask;
    std::uint32_t mid;
  };
  static std::uint32_t block_begin(const PartitionJob& p, std::size_t b) noexcept;
  // Pass 1, per block: its lefts to the front of its span of tmp in
  // order, its rights to the back in reverse order.
  static void split_task(void* context, std::size_t b) noexcept;
  // Pass 2, per block: its lefts after earlier blocks' lefts, its rights
  // (read backwards, so in order again) after all lefts and earlier
  // blocks' rights.
  static void gather_task(void* context, std::size_t b) noexcept;
  std::uint32_t partition(std::uint32_t begin, std::uint32_t end, std::uint32_t feature,
                          const BinMask& mask) noexcept;

  // `work`: the cost of all the tasks together, in feature-rows (one
  // histogram add each).
  void run(std::size_t tasks, std::size_t work, Executor::Task task, void* context) const noexcept {
    // Small nodes are not worth a hand-off to other threads.
    if (o_.executor != nullptr && tasks > 1 && work >= kParallelWork) {
      o_.executor->parallel_for(tasks, task, context);
    } else {
      for (std::size_t i = 0; i < tasks; ++i) task(context, i);
    }
  }

  void scan_feature(std::size_t position, const ScanJob& job) noexcept;
  static void scan_task(void* context, std::size_t i) noexcept {
    auto* job = static_cast<ScanJob*>(context);
    job->self->scan_feature(i, *job);
  }
  void find_split(Open* node, double* hist) noexcept;
  bool better(double gain, double best) const noexcept { return gain > best + 1e-12 * std::fabs(best); }
  Status acquire(std::uint32_t* buffer, Arena& scratch) noexcept;
  Status acquire_hist(Buffer* b, Arena& scratch) noexcept;
  void release(std::uint32_t buffer) noexcept {
    Buffer& b = buffers_[buffer];
    if (b.hist != nullptr) free_hists_[n_free_hists_++] = b.hist;
    b.hist = nullptr;
    free_buffers_[n_free_buffers_++] = buffer;
  }
  // grow()'s steps, in the order it takes them.
  Status layout_candidates(Arena& scratch, std::size_t* max_categories) noexcept;
  Status allocate_workspace(Arena& scratch) noexcept;
  Status allocate_tree(Arena& scratch, std::size_t max_categories) noexcept;
  Status open_root(Arena& scratch) noexcept;
  bool pick(std::size_t* at) noexcept;
  std::uint32_t split_rows(const Open& node) noexcept;
  std::size_t add_split_node(const Open& node, Importance* importance) noexcept;
  Status open_children(const Open& node, std::uint32_t mid, std::size_t index, Arena& scratch) noexcept;
  Status child_histograms(const Open& node, const Open& small, const Open& large, Arena& scratch,
                          double** small_hist, double** large_hist) noexcept;
  Status copy_out(Arena& result, FittedTree* out) const noexcept;
  // The parent's child pointer to `child` (a node index, or -(leaf + 1)).
  void link(const Open& node, std::int32_t child) noexcept {
    if (node.parent < 0) return;
    const auto p = static_cast<std::size_t>(node.parent);
    (node.is_left ? nodes_[p].left : nodes_[p].right) = child;
  }
  void make_leaf(const Open& node) noexcept {
    p_.leaf(buffers_[node.buffer].stats, leaf_values_.data() + n_leaves_ * lw_);
    leaf_ranges_[n_leaves_] = LeafRange{node.begin, node.end};
    link(node, -static_cast<std::int32_t>(n_leaves_) - 1);
    ++n_leaves_;
    release(node.buffer);
  }

  const BinnedData& data_;
  const Policy& p_;
  const GrowOptions& o_;
  Rng rng_;
  std::size_t w_ = 0, stride_ = 0;
  bool subtract_ = false;
  std::uint32_t max_depth_ = 0;

  Span<std::uint32_t> rows_, tmp_rows_;
  Span<std::uint32_t> block_left_;  // partition: per block, lefts then their prefix sums
  Span<Record> records_, tmp_records_;
  Span<std::uint32_t> candidates_;  // candidate features, ascending
  Span<std::size_t> offset_;        // slot offset of each feature's histogram
  std::size_t total_slots_ = 0;
  Span<std::uint32_t> chosen_;  // positions into candidates_ tried at the current node
  std::size_t n_chosen_ = 0;
  Span<std::uint32_t> draws_;  // extra trees: one random number per chosen feature
  struct alignas(64) PaddedSplit {
    Split split;
  };
  Span<PaddedSplit> best_;         // per chosen feature
  std::size_t padded_ = 0;         // doubles per feature in the cand_ arrays
  Span<double> cand_left_;         // per chosen feature: stride
  Span<double> cand_acc_;          // per chosen feature: stride (scan accumulator)
  Span<double> cand_side_;         // per chosen feature: 2 x stride (left and right of a trial)
  Span<std::uint8_t> cand_order_;  // per chosen feature: kSlots
  Span<float> cand_keys_;          // per chosen feature: kSlots
  Span<double> tmp_hist_;          // histograms of nodes that keep none
  Span<std::uint64_t> packed_;     // packed policies: per candidate, kPackedSlots integer sums

  Span<Buffer> buffers_;
  Span<std::uint32_t> free_buffers_;
  std::size_t n_free_buffers_ = 0, n_buffers_made_ = 0;
  Span<double*> free_hists_;
  std::size_t n_free_hists_ = 0;

  Span<LeafRange> leaf_ranges_;
  std::size_t n_nodes_ = 0, n_leaves_ = 0;

  // The tree being grown, in scratch until copy_out.
  std::size_t cap_ = 0, lw_ = 0;  // node capacity; floats per leaf
  Span<TreeNodeSpec> nodes_;
  Span<float> leaf_values_;
  Span<Open> open_;
  std::size_t n_open_ = 0;
  Span<std::uint32_t> category_pool_;  // left categories of every categorical split, in node order
  Span<std::size_t> category_at_;      // pool offset of node i's categories
  std::size_t pool_used_ = 0;
  std::uint32_t depth_ = 0;
  double total_gain_ = 0.0;
};

// grow() in named steps (compare LightGBM's SerialTreeLearner::Train:
// ConstructHistograms, FindBestSplitsFromHistograms, Split): workspace,
// root, then per node pick, partition, split node, children; copy out.
template <class Policy>
Status Grower<Policy>::grow(Span<std::uint32_t> rows, Span<Record> records, Arena& scratch, Arena& result,
                            FittedTree* out, Importance* importance) noexcept {
  const std::size_t n = rows.size();
  if (n == 0 || records.size() != n) return Status::empty_input;
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
  rows_ = rows;
  records_ = records;
  max_depth_ = o_.max_depth == 0 ? format::kMaxTreeDepth - 1 : o_.max_depth;
  std::size_t max_categories = 0;
  EMBER_TRY(layout_candidates(scratch, &max_categories));
  EMBER_TRY(allocate_workspace(scratch));
  EMBER_TRY(allocate_tree(scratch, max_categories));
  EMBER_TRY(open_root(scratch));
  while (n_open_ > 0) {
    std::size_t at = 0;
    if (!pick(&at)) break;
    const Open node = open_[at];
    open_[at] = open_[n_open_ - 1];
    --n_open_;
    if (!node.split.found || n_nodes_ >= cap_) {
      make_leaf(node);
      continue;
    }
    const std::uint32_t mid = split_rows(node);
    const std::size_t index = add_split_node(node, importance);
    EMBER_TRY(open_children(node, mid, index, scratch));
  }
  return copy_out(result, out);
}

// The root: its statistics, its histogram (when children will subtract
// from it) and its best split, as the first open node.
template <class Policy>
Status Grower<Policy>::open_root(Arena& scratch) noexcept {
  const std::size_t n = rows_.size();
  Open root{};
  root.end = static_cast<std::uint32_t>(n);
  EMBER_TRY(acquire(&root.buffer, scratch));
  double* t = buffers_[root.buffer].stats;
  std::fill(t, t + stride_, 0.0);
  for (std::size_t r = 0; r < n; ++r) p_.add(t, records_[r]);
  t[w_] = static_cast<double>(n);
  double* root_hist = nullptr;
  if (subtract_ && n >= kSubtractMinRows) {
    EMBER_TRY(acquire_hist(&buffers_[root.buffer], scratch));
    build_all(0, root.end, buffers_[root.buffer].hist);
    root_hist = buffers_[root.buffer].hist;
  }
  find_split(&root, root_hist);
  open_[n_open_++] = root;
  return Status::ok;
}

// Pick: best-first under a leaf budget (the largest gain; the oldest on
// ties), otherwise depth-first (the newest). False when the budget ends
// the tree: the open nodes have then all become leaves.
template <class Policy>
bool Grower<Policy>::pick(std::size_t* at) noexcept {
  *at = n_open_ - 1;
  if (o_.max_leaves == 0) return true;
  std::size_t best = n_open_;
  for (std::size_t i = 0; i < n_open_; ++i) {
    if (open_[i].split.found && (best == n_open_ || open_[i].split.gain > open_[best].split.gain)) best = i;
  }
  if (best == n_open_ || n_nodes_ + 1 >= o_.max_leaves) {
    // Nothing left to split, or the leaf budget is spent: the rest are leaves.
    for (std::size_t i = 0; i < n_open_; ++i) make_leaf(open_[i]);
    return false;
  }
  *at = best;
  return true;
}

// Partition: the node's rows by its split, lefts first; returns where the
// rights begin.
template <class Policy>
std::uint32_t Grower<Policy>::split_rows(const Open& node) noexcept {
  const Split& s = node.split;
  const Buffer& buf = buffers_[node.buffer];
  BinMask bn;
  bn.missing_left = s.missing_left;
  for (std::uint32_t q = 0; q <= s.prefix; ++q) bn.mask[buf.order[q] >> 5] |= 1u << (buf.order[q] & 31u);
  return partition(node.begin, node.end, s.feature, bn);
}

// The split node's spec (threshold or left categories), its link from
// its parent, and its gain in the totals; returns its index.
template <class Policy>
std::size_t Grower<Policy>::add_split_node(const Open& node, Importance* importance) noexcept {
  const Split& s = node.split;
  const Buffer& buf = buffers_[node.buffer];
  const std::size_t index = n_nodes_++;
  TreeNodeSpec& spec = nodes_[index];
  spec = TreeNodeSpec{};
  spec.feature = s.feature;
  spec.default_left = s.missing_left;
  category_at_[index] = pool_used_;
  if (data_.features[s.feature].categorical) {
    std::uint32_t* cats = category_pool_.data() + pool_used_;
    for (std::uint32_t q = 0; q <= s.prefix; ++q) cats[q] = buf.order[q];
    std::sort(cats, cats + s.prefix + 1);
    pool_used_ += s.prefix + 1;
    spec.categories = Span<const std::uint32_t>(cats, s.prefix + 1);
  } else {
    spec.threshold = data_.threshold(s.feature, buf.order[s.prefix]);
  }
  link(node, static_cast<std::int32_t>(index));
  total_gain_ += s.gain;
  if (importance != nullptr) {
    importance->gain[s.feature] += s.gain;
    importance->splits[s.feature] += 1;
  }
  depth_ = std::max(depth_, node.depth + 1);
  return index;
}

// Children: their statistics, their histograms (by subtraction where it
// pays), their best splits, and both onto the open list.
template <class Policy>
Status Grower<Policy>::open_children(const Open& node, std::uint32_t mid, std::size_t index,
                                     Arena& scratch) noexcept {
  Open left{}, right{};
  left.begin = node.begin;
  left.end = mid;
  right.begin = mid;
  right.end = node.end;
  left.depth = right.depth = node.depth + 1;
  left.parent = right.parent = static_cast<std::int32_t>(index);
  left.is_left = true;
  EMBER_TRY(acquire(&left.buffer, scratch));
  EMBER_TRY(acquire(&right.buffer, scratch));
  Buffer& lb = buffers_[left.buffer];
  Buffer& rb = buffers_[right.buffer];
  const Buffer& pb = buffers_[node.buffer];
  for (std::size_t c = 0; c < stride_; ++c) {
    lb.stats[c] = pb.left[c];
    rb.stats[c] = pb.stats[c] - pb.left[c];
  }
  lb.stats[w_] = static_cast<double>(left.end - left.begin);
  rb.stats[w_] = static_cast<double>(right.end - right.begin);
  Open& small = left.end - left.begin <= right.end - right.begin ? left : right;
  Open& large = &small == &left ? right : left;
  double* small_hist = nullptr;
  double* large_hist = nullptr;
  EMBER_TRY(child_histograms(node, small, large, scratch, &small_hist, &large_hist));
  release(node.buffer);
  // Right first (the order the draws of max_features follow). A small
  // child's histogram in tmp_hist_ survives the large child's scan,
  // which has a histogram of its own and builds nothing.
  find_split(&right, &right == &small ? small_hist : large_hist);
  find_split(&left, &left == &small ? small_hist : large_hist);
  // Right pushed first so that depth-first visits left first.
  open_[n_open_++] = right;
  open_[n_open_++] = left;
  return Status::ok;
}

// Histogram subtraction: build the smaller child, and the larger one is
// its parent's histogram minus that. Without a parent histogram (or for a
// small large child) both stay nullptr and each scan builds its own.
template <class Policy>
Status Grower<Policy>::child_histograms(const Open& node, const Open& small, const Open& large,
                                        Arena& scratch, double** small_hist, double** large_hist) noexcept {
  Buffer& pb = buffers_[node.buffer];
  if (pb.hist == nullptr || large.end - large.begin < kSubtractMinRows) return Status::ok;
  Buffer& sb = buffers_[small.buffer];
  double* sh = tmp_hist_.data();
  if (small.end - small.begin >= kSubtractMinRows) {
    EMBER_TRY(acquire_hist(&sb, scratch));
    sh = sb.hist;
  }
  build_all(small.begin, small.end, sh);
  double* ph = pb.hist;
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    const std::uint32_t j = candidates_[i];
    double* a = ph + slot_of(j);
    const double* b = sh + slot_of(j);
    const std::size_t count = (std::size_t{data_.features[j].n_bins} + 1) * stride_;
    for (std::size_t k = 0; k < count; ++k) a[k] -= b[k];
  }
  buffers_[large.buffer].hist = ph;  // handed on, not released
  pb.hist = nullptr;
  *small_hist = sh;
  *large_hist = ph;
  return Status::ok;
}

// Copy out: the tree from the scratch space into `result`.
template <class Policy>
Status Grower<Policy>::copy_out(Arena& result, FittedTree* out) const noexcept {
  FittedTree t;
  t.leaf_width = static_cast<std::uint32_t>(lw_);
  t.depth = depth_;
  t.total_decrease = total_gain_;
  Span<std::uint32_t> kept_categories;
  if (pool_used_ > 0) {
    EMBER_TRY(result.allocate_array(pool_used_, &kept_categories));
    std::memcpy(kept_categories.data(), category_pool_.data(), pool_used_ * sizeof(std::uint32_t));
  }
  EMBER_TRY(result.allocate_objects(n_nodes_, &t.nodes));
  EMBER_TRY(result.allocate_array(n_leaves_ * lw_, &t.leaf_values));
  for (std::size_t i = 0; i < n_nodes_; ++i) {
    t.nodes[i] = nodes_[i];
    if (!nodes_[i].categories.empty()) {
      t.nodes[i].categories =
          Span<const std::uint32_t>(kept_categories.data() + category_at_[i], nodes_[i].categories.size());
    }
  }
  std::memcpy(t.leaf_values.data(), leaf_values_.data(), n_leaves_ * lw_ * sizeof(float));
  *out = t;
  return Status::ok;
}

}  // namespace ember::detail

// The definitions of the steps, one file per concept.
#include "tree_histogram.h"
#include "tree_partition.h"
#include "tree_split_search.h"
#include "tree_workspace.h"

#endif  // EMBER_SRC_TREE_GROWER_H
