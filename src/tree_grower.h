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
#ifndef EMBER_SRC_TREE_GROWER_H
#define EMBER_SRC_TREE_GROWER_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "ember/base/arena.h"
#include "ember/binning.h"
#include "ember/decision_tree.h"
#include "ember/executor.h"
#include "ember/runtime/model_format.h"
#include "ember/rng.h"
#include "ember/base/span.h"
#include "ember/base/status.h"
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
  void build_feature(std::size_t position, std::uint32_t begin, std::uint32_t end, double* h) const noexcept {
    const std::uint32_t j = candidates_[position];
    const std::uint32_t nb = data_.features[j].n_bins;
    std::fill(h, h + (std::size_t{nb} + 1) * stride(), 0.0);
    const std::uint8_t* col = data_.column(j);
    const std::size_t missing = nb;
    add_rows(&h, &col, &missing, 1, position, begin, end);
  }
  // Candidates [k0, k1) over rows [begin, end): each row's record is read
  // once for the group instead of once per feature, and each feature's
  // sums still run in row order (the same as build_feature's).
  static void group_task(void* context, std::size_t t) noexcept {
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
  // Rows [begin, end) into the histograms h[k] of the features whose codes
  // are col[k] (missing slot missing[k]), k < m, in row order; the
  // features are candidates first, first + 1, ...
  void add_rows(double* const* h, const std::uint8_t* const* col, const std::size_t* missing, std::size_t m,
                std::size_t first, std::uint32_t begin, std::uint32_t end) const noexcept {
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
  // The packed kernel for M features: one integer add per feature-row.
  template <std::size_t M>
  void add_packed(std::uint64_t* const* table, const std::uint8_t* const* col, std::uint32_t begin,
                  std::uint32_t end) const noexcept {
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
  // f(row, record) for positions [begin, end) in order, prefetching the
  // codes col[k] (k < m) ahead where the node's rows are sparse.
  template <class F>
  void for_rows(const std::uint8_t* const* col, std::size_t m, std::uint32_t begin, std::uint32_t end,
                F&& f) const noexcept {
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
  // Every candidate's histogram of rows[begin, end) into `hist`.
  // The candidates go to tasks in even runs of at most kGroup, their
  // number a multiple of the workers so that none waits on the last task.
  // (Each feature's sums are the same whichever task makes them.)
  void build_all(std::uint32_t begin, std::uint32_t end, double* hist) noexcept {
    const std::size_t n_cand = candidates_.size();
    const std::size_t workers = o_.executor != nullptr && o_.executor->workers > 1 ? o_.executor->workers : 1;
    const std::size_t rounds = (n_cand + workers * kGroup - 1) / (workers * kGroup);
    BuildJob job{this, begin, end, hist, std::min(n_cand, workers * rounds)};
    // A histogram pass over even a few hundred rows is worth a hand-off.
    run(job.tasks, std::size_t{end - begin} * n_cand, &Grower::group_task, &job);
  }
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
  static std::uint32_t block_begin(const PartitionJob& p, std::size_t b) noexcept {
    return static_cast<std::uint32_t>(p.begin + std::uint64_t{p.end - p.begin} * b / p.blocks);
  }
  // Pass 1, per block: its lefts to the front of its span of tmp in
  // order, its rights to the back in reverse order.
  static void split_task(void* context, std::size_t b) noexcept {
    auto* p = static_cast<PartitionJob*>(context);
    Grower& g = *p->self;
    const std::uint32_t b0 = block_begin(*p, b), b1 = block_begin(*p, b + 1);
    const std::uint32_t* rows = g.rows_.data();
    const Record* rec = g.records_.data();
    // tmp holds every row position: a block uses its own positions there.
    std::uint32_t* tmp_rows = g.tmp_rows_.data();
    Record* tmp_rec = g.tmp_records_.data();
    std::uint32_t left = b0, right = b1;
    for (std::uint32_t r = b0; r < b1; ++r) {
      const bool goes_left = p->mask->goes_left(p->codes[rows[r]]);
      const std::uint32_t to = goes_left ? left++ : --right;
      tmp_rows[to] = rows[r];
      tmp_rec[to] = rec[r];
    }
    g.block_left_[b] = left - b0;
  }
  // Pass 2, per block: its lefts after earlier blocks' lefts, its rights
  // (read backwards, so in order again) after all lefts and earlier
  // blocks' rights.
  static void gather_task(void* context, std::size_t b) noexcept {
    auto* p = static_cast<PartitionJob*>(context);
    Grower& g = *p->self;
    const std::uint32_t b0 = block_begin(*p, b), b1 = block_begin(*p, b + 1);
    const std::uint32_t lefts = g.block_left_[b], lefts_before = g.block_left_[b + p->blocks];
    const std::uint32_t* tmp_rows = g.tmp_rows_.data();
    const Record* tmp_rec = g.tmp_records_.data();
    const std::uint32_t left_at = p->begin + lefts_before;
    std::memcpy(g.rows_.data() + left_at, tmp_rows + b0, lefts * sizeof(std::uint32_t));
    std::memcpy(static_cast<void*>(g.records_.data() + left_at), tmp_rec + b0, lefts * sizeof(Record));
    std::uint32_t to = p->mid + (b0 - p->begin - lefts_before);
    for (std::uint32_t r = b1; r-- > b0 + lefts; ++to) {
      g.rows_[to] = tmp_rows[r];
      g.records_[to] = tmp_rec[r];
    }
  }
  std::uint32_t partition(std::uint32_t begin, std::uint32_t end, std::uint32_t feature,
                          const BinMask& mask) noexcept {
    const std::uint32_t n = end - begin;
    PartitionJob job{this,
                     begin,
                     end,
                     std::min<std::uint32_t>(kMaxPartitionBlocks, std::max<std::uint32_t>(1u, n / kPartitionRows)),
                     data_.column(feature),
                     &mask,
                     0};
    run(job.blocks, std::size_t{n} * kPartitionWork, &Grower::split_task, &job);
    std::uint32_t lefts = 0;
    for (std::uint32_t b = 0; b < job.blocks; ++b) {
      const std::uint32_t c = block_left_[b];
      block_left_[b + job.blocks] = lefts;
      lefts += c;
    }
    job.mid = begin + lefts;
    run(job.blocks, std::size_t{n} * kPartitionWork, &Grower::gather_task, &job);
    return job.mid;
  }
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
};

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

template <class Policy>
Status Grower<Policy>::grow(Span<std::uint32_t> rows, Span<Record> records, Arena& scratch, Arena& result,
                            FittedTree* out, Importance* importance) noexcept {
  const std::size_t n = rows.size();
  if (n == 0 || records.size() != n) return Status::empty_input;
  if (!detail::row_indices_fit_u32(n)) return Status::size_overflow;
  rows_ = rows;
  records_ = records;
  const std::size_t d = data_.n_features;
  max_depth_ = o_.max_depth == 0 ? format::kMaxTreeDepth - 1 : o_.max_depth;

  // Candidates and histogram layout.
  const std::size_t n_cand = o_.features.empty() ? d : o_.features.size();
  EMBER_TRY(scratch.allocate_array(n_cand, &candidates_));
  EMBER_TRY(scratch.allocate_array(d, &offset_));
  for (std::size_t i = 0; i < n_cand; ++i) {
    candidates_[i] = o_.features.empty() ? static_cast<std::uint32_t>(i) : o_.features[i];
    if (candidates_[i] >= d) return Status::bad_index;
  }
  total_slots_ = 0;
  std::size_t max_categories = 0;
  for (std::size_t i = 0; i < n_cand; ++i) {
    const FeatureBins& fb = data_.features[candidates_[i]];
    offset_[candidates_[i]] = total_slots_;
    total_slots_ += std::size_t{fb.n_bins} + 1;
    if (fb.categorical) max_categories = std::max<std::size_t>(max_categories, fb.n_bins);
  }
  subtract_ = o_.max_features == 0 || o_.max_features >= n_cand;
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

  // Every split sends rows both ways, so a tree has fewer than n nodes.
  std::size_t cap = n;
  if (o_.max_leaves > 0 && o_.max_leaves < cap) cap = o_.max_leaves;
  if (o_.max_depth > 0 && o_.max_depth < 31 && (std::size_t{1} << o_.max_depth) < cap)
    cap = std::size_t{1} << o_.max_depth;
  const std::size_t lw = p_.leaf_width();
  Span<TreeNodeSpec> nodes;
  Span<float> leaves;
  Span<Open> open;
  Span<std::uint32_t> category_pool;  // left categories of every categorical split, in node order
  Span<std::size_t> category_at;      // pool offset of node i's categories
  EMBER_TRY(scratch.allocate_objects(cap, &nodes));
  EMBER_TRY(scratch.allocate_objects(cap + 1, &leaf_ranges_));
  EMBER_TRY(scratch.allocate_array((cap + 1) * lw, &leaves));
  // Open nodes: depth-first keeps at most one pending sibling per level;
  // best-first at most the leaf budget.
  const std::size_t open_cap = o_.max_leaves > 0 ? cap + 1 : std::size_t{format::kMaxTreeDepth} + 2;
  EMBER_TRY(scratch.allocate_objects(open_cap, &open));
  // Buffers: every open node, plus the one being split and its children.
  EMBER_TRY(scratch.allocate_objects(open_cap + 3, &buffers_));
  EMBER_TRY(scratch.allocate_array(open_cap + 3, &free_buffers_));
  EMBER_TRY(scratch.allocate_array(open_cap + 3, &free_hists_));
  if (max_categories > 0) EMBER_TRY(scratch.allocate_array(cap * max_categories, &category_pool));
  EMBER_TRY(scratch.allocate_array(cap, &category_at));
  n_free_buffers_ = n_buffers_made_ = n_free_hists_ = 0;
  n_nodes_ = n_leaves_ = 0;

  std::size_t n_open = 0, pool_used = 0;
  std::uint32_t depth = 0;
  double total_gain = 0.0;
  auto link = [&](const Open& node, std::int32_t child) {
    if (node.parent < 0) return;
    const auto p = static_cast<std::size_t>(node.parent);
    (node.is_left ? nodes[p].left : nodes[p].right) = child;
  };
  auto make_leaf = [&](const Open& node) {
    p_.leaf(buffers_[node.buffer].stats, leaves.data() + n_leaves_ * lw);
    leaf_ranges_[n_leaves_] = LeafRange{node.begin, node.end};
    link(node, -static_cast<std::int32_t>(n_leaves_) - 1);
    ++n_leaves_;
    release(node.buffer);
  };

  Open root{};
  root.end = static_cast<std::uint32_t>(n);
  EMBER_TRY(acquire(&root.buffer, scratch));
  {
    double* t = buffers_[root.buffer].stats;
    std::fill(t, t + stride_, 0.0);
    for (std::size_t r = 0; r < n; ++r) p_.add(t, records_[r]);
    t[w_] = static_cast<double>(n);
  }
  double* root_hist = nullptr;
  if (subtract_ && n >= kSubtractMinRows) {
    EMBER_TRY(acquire_hist(&buffers_[root.buffer], scratch));
    build_all(0, root.end, buffers_[root.buffer].hist);
    root_hist = buffers_[root.buffer].hist;
  }
  find_split(&root, root_hist);
  open[n_open++] = root;
  while (n_open > 0) {
    // Best-first under a leaf budget (the largest gain; the oldest on
    // ties), otherwise depth-first (the newest).
    std::size_t pick = n_open - 1;
    if (o_.max_leaves > 0) {
      pick = n_open;
      for (std::size_t i = 0; i < n_open; ++i) {
        if (open[i].split.found && (pick == n_open || open[i].split.gain > open[pick].split.gain)) pick = i;
      }
      if (pick == n_open || n_nodes_ + 1 >= o_.max_leaves) {
        // Nothing left to split, or the leaf budget is spent: the rest are leaves.
        for (std::size_t i = 0; i < n_open; ++i) make_leaf(open[i]);
        break;
      }
    }
    const Open node = open[pick];
    open[pick] = open[n_open - 1];
    --n_open;
    if (!node.split.found || n_nodes_ >= cap) {
      make_leaf(node);
      continue;
    }
    const Split& s = node.split;
    Buffer& buf = buffers_[node.buffer];
    BinMask bn;
    bn.missing_left = s.missing_left;
    for (std::uint32_t q = 0; q <= s.prefix; ++q) bn.mask[buf.order[q] >> 5] |= 1u << (buf.order[q] & 31u);
    const std::uint32_t mid = partition(node.begin, node.end, s.feature, bn);

    const std::size_t index = n_nodes_++;
    TreeNodeSpec& spec = nodes[index];
    spec = TreeNodeSpec{};
    spec.feature = s.feature;
    spec.default_left = s.missing_left;
    category_at[index] = pool_used;
    if (data_.features[s.feature].categorical) {
      std::uint32_t* cats = category_pool.data() + pool_used;
      for (std::uint32_t q = 0; q <= s.prefix; ++q) cats[q] = buf.order[q];
      std::sort(cats, cats + s.prefix + 1);
      pool_used += s.prefix + 1;
      spec.categories = Span<const std::uint32_t>(cats, s.prefix + 1);
    } else {
      spec.threshold = data_.threshold(s.feature, buf.order[s.prefix]);
    }
    link(node, static_cast<std::int32_t>(index));
    total_gain += s.gain;
    if (importance != nullptr) {
      importance->gain[s.feature] += s.gain;
      importance->splits[s.feature] += 1;
    }
    depth = std::max(depth, node.depth + 1);

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
    Buffer& pb = buffers_[node.buffer];
    for (std::size_t c = 0; c < stride_; ++c) {
      lb.stats[c] = pb.left[c];
      rb.stats[c] = pb.stats[c] - pb.left[c];
    }
    lb.stats[w_] = static_cast<double>(left.end - left.begin);
    rb.stats[w_] = static_cast<double>(right.end - right.begin);
    // Histogram subtraction: build the smaller child, and the larger one
    // is its parent's histogram minus that.
    Open& small = left.end - left.begin <= right.end - right.begin ? left : right;
    Open& large = &small == &left ? right : left;
    double* small_hist = nullptr;
    double* large_hist = nullptr;
    if (pb.hist != nullptr && large.end - large.begin >= kSubtractMinRows) {
      Buffer& sb = buffers_[small.buffer];
      double* sh = tmp_hist_.data();
      if (small.end - small.begin >= kSubtractMinRows) {
        EMBER_TRY(acquire_hist(&sb, scratch));
        sh = sb.hist;
      }
      build_all(small.begin, small.end, sh);
      double* ph = pb.hist;
      for (std::size_t i = 0; i < n_cand; ++i) {
        const std::uint32_t j = candidates_[i];
        double* a = ph + slot_of(j);
        const double* b = sh + slot_of(j);
        const std::size_t count = (std::size_t{data_.features[j].n_bins} + 1) * stride_;
        for (std::size_t k = 0; k < count; ++k) a[k] -= b[k];
      }
      buffers_[large.buffer].hist = ph;  // handed on, not released
      pb.hist = nullptr;
      small_hist = sh;
      large_hist = ph;
    }
    release(node.buffer);
    // Right first (the order the draws of max_features follow). A small
    // child's histogram in tmp_hist_ survives the large child's scan,
    // which has a histogram of its own and builds nothing.
    find_split(&right, &right == &small ? small_hist : large_hist);
    find_split(&left, &left == &small ? small_hist : large_hist);
    // Right pushed first so that depth-first visits left first.
    open[n_open++] = right;
    open[n_open++] = left;
  }

  // Copy the tree out of the scratch space into `result`.
  FittedTree t;
  t.leaf_width = static_cast<std::uint32_t>(lw);
  t.depth = depth;
  t.total_decrease = total_gain;
  Span<std::uint32_t> kept_categories;
  if (pool_used > 0) {
    EMBER_TRY(result.allocate_array(pool_used, &kept_categories));
    std::memcpy(kept_categories.data(), category_pool.data(), pool_used * sizeof(std::uint32_t));
  }
  EMBER_TRY(result.allocate_objects(n_nodes_, &t.nodes));
  EMBER_TRY(result.allocate_array(n_leaves_ * lw, &t.leaf_values));
  for (std::size_t i = 0; i < n_nodes_; ++i) {
    t.nodes[i] = nodes[i];
    if (!nodes[i].categories.empty()) {
      t.nodes[i].categories =
          Span<const std::uint32_t>(kept_categories.data() + category_at[i], nodes[i].categories.size());
    }
  }
  std::memcpy(t.leaf_values.data(), leaves.data(), n_leaves_ * lw * sizeof(float));
  *out = t;
  return Status::ok;
}

}  // namespace ember::detail

#endif  // EMBER_SRC_TREE_GROWER_H
