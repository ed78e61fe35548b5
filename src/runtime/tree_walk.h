// The node-word codec and tree walks shared by the loader, the predictor and
// the writer: one piece of code for the tree encoding of model_format.h.
#ifndef EMBER_SRC_TREE_WALK_H
#define EMBER_SRC_TREE_WALK_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "ember/runtime/config.h"
#include "ember/runtime/model_format.h"

namespace ember {

template <class Word>
struct NodeDecoder {
  unsigned feature_shift;  // kNodeFlagBits + skip_bits
  Word skip_mask;

  explicit NodeDecoder(const format::TreesHeader& h)
      : feature_shift(format::kNodeFlagBits + h.skip_bits),
        skip_mask(static_cast<Word>((std::uint64_t{1} << h.skip_bits) - 1)) {}

  // (Shifted as an unsigned 32/64-bit value: a promoted int would shift
  // arithmetically and cost a sign extension per step.)
  std::uint32_t feature(Word w) const {
    using Wide = std::conditional_t<(sizeof(Word) > 4), std::uint64_t, std::uint32_t>;
    return static_cast<std::uint32_t>(static_cast<Wide>(w) >> feature_shift);
  }
  std::uint32_t skip(Word w) const {
    return static_cast<std::uint32_t>((w >> format::kNodeFlagBits) & skip_mask);
  }
  unsigned flags(Word w) const { return static_cast<unsigned>(w & 7u); }
  bool right_leaf(Word w) const { return (w & 1u) != 0; }
  bool default_left(Word w) const { return (w & 2u) != 0; }
  bool categorical(Word w) const { return (w & 4u) != 0; }
};

// The inverse of NodeDecoder; fields must fit their widths.
inline std::uint64_t encode_node_word(std::uint32_t feature, std::uint32_t skip, bool right_leaf,
                                      bool default_left, bool categorical, unsigned skip_bits) {
  const std::uint64_t flags = (right_leaf ? 1u : 0u) | (default_left ? 2u : 0u) | (categorical ? 4u : 0u);
  return flags | std::uint64_t{skip} << format::kNodeFlagBits |
         std::uint64_t{feature} << (format::kNodeFlagBits + skip_bits);
}

// A node word of any width this build reads: 64-bit only when 8-byte words
// are enabled (EMBER_RUNTIME_WORDS), so that 32-bit targets that leave them
// out do no 64-bit arithmetic.
#if EMBER_RUNTIME_WORDS & 8
using AnyWord = std::uint64_t;
#else
using AnyWord = std::uint32_t;
#endif

// Node words read at the width the file states (2, 4 or 8 bytes): the
// loader's checks and the compact walk (EMBER_RUNTIME_FAST 0) use this one
// reader instead of a template per width.
struct NodeWords {
  const unsigned char* base;
  unsigned bytes;          // word_bytes
  unsigned feature_shift;  // kNodeFlagBits + skip_bits
  std::uint32_t skip_mask;

  NodeWords(const void* words, const format::TreesHeader& h)
      : base(static_cast<const unsigned char*>(words)),
        bytes(h.word_bytes),
        feature_shift(format::kNodeFlagBits + h.skip_bits),
        skip_mask(static_cast<std::uint32_t>((std::uint64_t{1} << h.skip_bits) - 1)) {}

  // Word i (little-endian, as the file stores it). Each width a fixed-size
  // copy, which compiles to one load (no call to memcpy).
  AnyWord at(std::size_t i) const {
    const unsigned char* p = base + i * bytes;
    if (bytes == 2) {
      std::uint16_t w;
      std::memcpy(&w, p, sizeof w);
      return w;
    }
#if EMBER_RUNTIME_WORDS & 8
    if (bytes == 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      return w;
    }
#endif
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  std::uint32_t feature(AnyWord w) const { return static_cast<std::uint32_t>(w >> feature_shift); }
  std::uint32_t skip(AnyWord w) const {
    return static_cast<std::uint32_t>(w >> format::kNodeFlagBits) & skip_mask;
  }
};

// A categorical split (x not NaN): `threshold` holds, as bits, the offset
// of its bitset (u32 n_words, then the words); codes in the set go left,
// anything else (a fraction, a negative, a code past the set) right. Shared
// by the fast and the compact walks.
inline std::uint32_t categorical_goes_right(float threshold, const std::uint32_t* bitsets, float x) {
  std::uint32_t offset;
  std::memcpy(&offset, &threshold, sizeof offset);
  const std::uint32_t* set = bitsets + offset;
  if (!(x >= 0.0f && x < static_cast<float>(set[0]) * 32.0f)) return 1u;
  const auto c = static_cast<std::uint32_t>(x);
  const bool in_set = static_cast<float>(c) == x && ((set[1 + (c >> 5)] >> (c & 31u)) & 1u) != 0;
  return in_set ? 0u : 1u;
}

#if EMBER_RUNTIME_FAST
// 1 when `row` goes right at node i, else 0. Numeric splits: x < threshold
// goes left, NaN by the default flag. Categorical: in-set codes go left,
// anything else right. Specialised at compile time on whether the rows may
// hold NaN and the model has categorical splits, so that the common case
// pays for neither.
template <bool kNaN, bool kCategorical, class Word>
inline std::uint32_t goes_right(Word w, std::uint32_t feature, const float* thresholds,
                                const std::uint32_t* bitsets, std::size_t i, const float* row) {
  const float x = row[feature];
  if (!kCategorical || __builtin_expect((w & 4u) == 0, 1)) {
    const float t = thresholds[i];
    if (!kNaN) return static_cast<std::uint32_t>(x >= t);
    // !(x < t) is "right, or NaN"; x >= t is "right, not NaN". The default
    // flag picks one. Written as integer selects: a mispredicted branch here
    // would cost more than the whole test.
    const auto not_less = static_cast<std::uint32_t>(!(x < t));
    const auto at_least = static_cast<std::uint32_t>(x >= t);
    const auto default_left = static_cast<std::uint32_t>((w >> 1) & 1u);
    return (at_least & (0u - default_left)) | (not_less & (default_left - 1u));
  }
  if (kNaN && x != x) return (w & 2u) ? 0u : 1u;
  return categorical_goes_right(thresholds[i], bitsets, x);
}

// One step down from node *i: advances *i and *leaf and returns whether a
// leaf was reached (then *leaf is its index within the tree). Going left
// leads to node i + 1, or to leaf `leaf` when skip is 0; going right leads
// to node i + 1 + skip, or to leaf `leaf + skip + 1`.
template <bool kNaN, bool kCategorical, class Word>
inline bool step_down(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                      const std::uint32_t* bitsets, const float* row, std::uint32_t* i, std::uint32_t* leaf) {
  const Word w = words[*i];
  const std::uint32_t skip = d.skip(w);
  const std::uint32_t right = goes_right<kNaN, kCategorical>(w, d.feature(w), thresholds, bitsets, *i, row);
  const std::uint32_t right_mask = 0u - right;
  const auto right_leaf = static_cast<std::uint32_t>(w & 1u);
  const auto left_leaf = static_cast<std::uint32_t>(skip == 0);
  const std::uint32_t done = (right_leaf & right_mask) | (left_leaf & ~right_mask);
  *leaf += (skip + 1) & right_mask;
  *i += 1 + (skip & right_mask);
  return done != 0;
}

// The index (within its tree) of the leaf that `row` reaches. Trusts the
// tree: call only on verified models.
template <bool kNaN, bool kCategorical, class Word>
inline std::uint32_t find_leaf(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                               const std::uint32_t* bitsets, std::uint32_t n_nodes, const float* row) {
  if (n_nodes == 0) return 0;
  std::uint32_t i = 0, leaf = 0;
  while (!step_down<kNaN, kCategorical>(d, words, thresholds, bitsets, row, &i, &leaf)) {
  }
  return leaf;
}

// find_leaf for n rows (n <= kLanes) at once, in lockstep: the rows'
// independent walks overlap in the CPU instead of waiting on each other.
constexpr std::size_t kLanes = 8;

template <bool kNaN, bool kCategorical, class Word>
inline void find_leaves(const NodeDecoder<Word>& d, const Word* words, const float* thresholds,
                        const std::uint32_t* bitsets, std::uint32_t n_nodes, const float* const* rows,
                        std::size_t n, std::uint32_t* leaves) {
  std::uint32_t node[kLanes] = {}, done_mask = 0;
  for (std::size_t r = 0; r < n; ++r) leaves[r] = 0;
  if (n_nodes == 0) return;
  const std::uint32_t all = (1u << n) - 1u;
  while (done_mask != all) {
    for (std::size_t r = 0; r < n; ++r) {
      if (done_mask & (1u << r)) continue;
      if (step_down<kNaN, kCategorical>(d, words, thresholds, bitsets, rows[r], &node[r], &leaves[r])) {
        done_mask |= 1u << r;
      }
    }
  }
}

#endif  // EMBER_RUNTIME_FAST

}  // namespace ember

#endif  // EMBER_SRC_TREE_WALK_H
