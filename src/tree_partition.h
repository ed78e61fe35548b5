// The grower's stable row partition (LightGBM's DataPartition::Split):
// a split node's rows, lefts first, each side in ascending order, in
// blocks whose number depends only on the node's size.
//
// Part of Grower (tree_grower.h), which includes this file at its end;
// not to be included on its own.
#ifndef EMBER_SRC_TREE_PARTITION_H
#define EMBER_SRC_TREE_PARTITION_H

#include "tree_grower.h"

namespace ember::detail {

template <class Policy>
inline std::uint32_t Grower<Policy>::block_begin(const PartitionJob& p, std::size_t b) noexcept {
  return static_cast<std::uint32_t>(p.begin + std::uint64_t{p.end - p.begin} * b / p.blocks);
}

template <class Policy>
inline void Grower<Policy>::split_task(void* context, std::size_t b) noexcept {
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

template <class Policy>
inline void Grower<Policy>::gather_task(void* context, std::size_t b) noexcept {
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

template <class Policy>
inline std::uint32_t Grower<Policy>::partition(std::uint32_t begin, std::uint32_t end, std::uint32_t feature,
                                               const BinMask& mask) noexcept {
  const std::uint32_t n = end - begin;
  PartitionJob job{
      this,
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

}  // namespace ember::detail

#endif  // EMBER_SRC_TREE_PARTITION_H
