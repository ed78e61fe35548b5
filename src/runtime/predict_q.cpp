// predict_q: integer models run on integer rows, with integer operations
// only; and the float entry point's bridge to them (predict.cpp calls it).
#include "ember/runtime/predict_q.h"

#include <cstring>

#include "ember/runtime/config.h"
#include "ember/runtime/fixed_point.h"
#include "runtime/category_code.h"
#include "runtime/quant_layout.h"
#include "runtime/runtime_internal.h"

namespace ember {

namespace f = format;

namespace {

// Scratch, after rounding its start up to 8: i64 sums[n_outputs] (trees'
// exact sums), i32 acc[A], u16 codes[n] (padded to 4) for predict_q; then
// i32 out[A] and i16 row[n] (padded) for predict(), which quantizes the row
// first. A = max(n_outputs, n_classes, 2).
std::uint32_t acc_words(const Model& m) {
  std::uint32_t n = m.n_outputs > m.n_classes ? m.n_outputs : m.n_classes;
  return n < 2 ? 2 : n;
}
std::uint32_t code_bytes(const Model& m) { return (2 * m.n_features + 3) & ~3u; }
std::uint32_t sum_bytes(const Model& m) { return 8 * m.n_outputs; }
std::uint32_t predict_q_bytes(const Model& m) { return sum_bytes(m) + 4 * acc_words(m) + code_bytes(m); }

unsigned char* aligned8(Span<unsigned char> scratch) {
  const auto address = reinterpret_cast<std::uintptr_t>(scratch.data());
  return scratch.data() + ((8 - (address & 7u)) & 7u);
}

[[maybe_unused]] std::int32_t saturate(std::int64_t v) {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : static_cast<std::int32_t>(v);
}

// The row's code per feature: missing, a category (or unknown), or the
// number of cuts <= q (binary search in the feature's cut table).
void row_codes(const Model& m, const std::int16_t* row, const std::uint32_t* cut_begin,
               const std::int32_t* cuts, std::uint16_t* codes) {
  for (std::uint32_t j = 0; j < m.n_features; ++j) {
    const std::int32_t q = row[j];
    const std::uint32_t k = m.n_categories[j];
    if (q == m.quant_inputs[j].missing_code) {
      codes[j] = kQuantCodeMissing;
    } else if (k != 0) {
      codes[j] =
          q >= 0 && static_cast<std::uint32_t>(q) < k ? static_cast<std::uint16_t>(q) : kQuantCodeUnknown;
    } else {
      std::uint32_t lo = cut_begin[j], hi = cut_begin[j + 1];
      const std::uint32_t first = lo;
      while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (cuts[mid] <= q) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      codes[j] = static_cast<std::uint16_t>(lo - first);
    }
  }
}

#if EMBER_RUNTIME_TREES
// The leaf (within its tree) that the row's codes reach from the root
// `nodes` of a tree with at least one node. Children are later nodes
// (verified), so the walk ends.
std::uint32_t leaf_of(const f::QuantNode* nodes, const std::uint32_t* bitsets, const std::uint16_t* codes) {
  std::uint32_t i = 0;
  for (;;) {
    const f::QuantNode& n = nodes[i];
    const std::uint32_t c = codes[n.feature], flags = n.flags;
    bool left;
    if (c == kQuantCodeMissing) {
      left = (flags & f::kQNodeDefaultLeft) != 0;
    } else if ((flags & f::kQNodeCategorical) == 0) {
      left = c <= n.split;
    } else if (c == kQuantCodeUnknown) {
      left = (flags & f::kQNodeUnknownLeft) != 0;
    } else {
      const std::uint32_t* set = bitsets + n.split;
      left = (c >> 5) < set[0] && ((set[1 + (c >> 5)] >> (c & 31u)) & 1u) != 0;
    }
    i = left ? n.left : n.right;
    if (flags & (left ? f::kQNodeLeftIsLeaf : f::kQNodeRightIsLeaf)) return i;
  }
}

// Base score plus every tree's leaf, summed exactly in int64 (at most
// 2^29 trees fit a section: no wrap), then saturated to int32 once, so that
// the result does not depend on the order of the trees.
[[gnu::noinline]] void tree_scores(const Model& m, const std::int16_t* row, std::int64_t* sums,
                                   std::uint16_t* codes, std::int32_t* acc) {
  const QuantTreesView v(m);
  const f::QuantTreesHeader& h = v.h();
  const std::uint32_t* node_begin = v.node_begin();
  const f::QuantNode* nodes = v.nodes();
  const std::uint32_t width = h.leaf_width;
  row_codes(m, row, v.cut_begin(), v.cuts(), codes);
  for (std::uint32_t o = 0; o < h.n_outputs; ++o) sums[o] = v.base_score()[o];
  for (std::uint32_t t = 0; t < h.n_trees; ++t) {
    std::uint32_t leaf = v.leaf_begin()[t];
    if (node_begin[t + 1] != node_begin[t]) leaf += leaf_of(nodes + node_begin[t], v.bitsets(), codes);
    // A scalar leaf adds to its tree's output; a vector leaf (tree_output
    // 0, verified) to every output.
    const std::int32_t* value = v.leaf_value() + std::size_t{leaf} * width;
    std::int64_t* sum = sums + v.tree_output()[t];
    for (std::uint32_t o = 0; o < width; ++o) sum[o] += value[o];
  }
  for (std::uint32_t o = 0; o < h.n_outputs; ++o) acc[o] = saturate(sums[o]);
}
#endif

#if EMBER_RUNTIME_LINEAR
// round(acc x multiplier / 2^shift), halves away from zero, saturated.
// |acc| < 2^47 and multiplier < 2^15 (verified): the product fits int64.
std::int32_t requantize(std::int64_t acc, std::int32_t multiplier, std::uint32_t shift) {
  const std::int64_t p = acc * multiplier;
  std::uint64_t mag = p < 0 ? 0u - static_cast<std::uint64_t>(p) : static_cast<std::uint64_t>(p);
  if (shift > 0) mag = (mag + (std::uint64_t{1} << (shift - 1))) >> shift;
  if (p >= 0) return mag > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(mag);
  return mag >= (std::uint64_t{1} << 31) ? INT32_MIN : -static_cast<std::int32_t>(mag);
}

// Per output: bias plus each feature's contribution, in int64. A feature's
// table entries for output o are table[table_begin[j] + slot x n_out + o];
// its missing slot is its last, a category's unknown slot the one before.
[[gnu::noinline]] Status linear_scores(const Model& m, const std::int16_t* row, std::uint16_t* codes,
                                       std::int32_t* acc) {
  const QuantLinearView v(m);
  const f::QuantLinearHeader& h = v.h();
  const std::uint32_t n_out = h.n_outputs, n_features = h.n_features;
  const std::uint8_t* term = v.term();
  const std::uint32_t* table_begin = v.table_begin();
  const std::int32_t* table = v.table();
  const auto* w8 = static_cast<const std::int8_t*>(v.weights());
  const auto* w16 = static_cast<const std::int16_t*>(v.weights());
  row_codes(m, row, v.cut_begin(), v.cuts(), codes);
  for (std::uint32_t o = 0; o < n_out; ++o) {
    std::int64_t sum = v.bias()[o];
    for (std::uint32_t j = 0; j < n_features; ++j) {
      const std::uint32_t c = codes[j];
      std::uint32_t at;  // the table entry, for terms that read one
      if (term[j] == static_cast<std::uint8_t>(f::QuantTerm::none)) {
        continue;
      } else if (c == kQuantCodeMissing) {
        at = table_begin[j + 1] - n_out;
      } else if (term[j] == static_cast<std::uint8_t>(f::QuantTerm::linear)) {
        // |weight| <= 2^15 and |q - zero_point| < 2^16: the product fits int32.
        const std::size_t w = std::size_t{o} * n_features + j;
        const std::int32_t weight = h.weight_bits == 8 ? w8[w] : w16[w];
        sum += weight * (std::int32_t{row[j]} - m.quant_inputs[j].zero_point);
        continue;
      } else if (c == kQuantCodeUnknown) {  // (category terms only)
        at = table_begin[j + 1] - 2 * n_out;
      } else {
        at = table_begin[j] + c * n_out;
      }
      const std::int32_t t = table[at + o];
      if (t == INT32_MIN) return c == kQuantCodeUnknown ? Status::unknown_category : Status::bad_value;
      sum += t;
    }
    acc[o] = requantize(sum, v.multiplier()[o], v.shift()[o]);
  }
  return Status::ok;
}
#endif

// Raw scores (acc) into the requested output.
[[gnu::noinline]] void finish_output(const Model& m, std::int32_t* acc, Output kind, std::int32_t* out) {
  if (kind == Output::raw || m.task == f::Task::regression) {
    for (std::uint32_t o = 0; o < (kind == Output::raw ? m.n_outputs : 1u); ++o) out[o] = acc[o];
    return;
  }
  const std::uint32_t k = m.n_classes;
  if (kind == Output::label) {
    // No link needed: the logit against 0 (sigmoid(x) > 1/2 exactly when
    // x > 0), else the argmax of the scores, ties to the lowest class.
    std::uint32_t best = 0;
    if (m.link == f::Link::logistic) {
      best = acc[0] > 0 ? 1 : 0;
    } else {
      for (std::uint32_t c = 1; c < k; ++c) best = acc[c] > acc[best] ? c : best;
    }
    out[0] = static_cast<std::int32_t>(best);
    return;
  }
  if (m.link == f::Link::logistic) {
    fixed::logistic_probabilities(acc[0], out);
  } else if (m.link == f::Link::softmax || !EMBER_RUNTIME_TREES) {  // (identity: trees only)
    fixed::softmax_q16(acc, k, out);
  } else {  // tree leaves that are probabilities (Q0.16)
    for (std::uint32_t c = 0; c < k; ++c) out[c] = acc[c] < 0 ? 0 : acc[c] > 65535 ? 65535 : acc[c];
  }
}

// predict_q without the argument checks; `work` holds predict_q_bytes.
Status run_q(const Model& m, const std::int16_t* row, unsigned char* work, Output kind, std::int32_t* out) {
  [[maybe_unused]] auto* sums = static_cast<std::int64_t*>(static_cast<void*>(work));
  auto* acc = static_cast<std::int32_t*>(static_cast<void*>(work + sum_bytes(m)));
  auto* codes =
      static_cast<std::uint16_t*>(static_cast<void*>(work + sum_bytes(m) + 4 * std::size_t{acc_words(m)}));
  if (m.kind == ModelKind::quant_trees) {
#if EMBER_RUNTIME_TREES
    tree_scores(m, row, sums, codes, acc);
#endif
  } else {
#if EMBER_RUNTIME_LINEAR
    EMBER_TRY(linear_scores(m, row, codes, acc));
#endif
  }
  finish_output(m, acc, kind, out);
  return Status::ok;
}

Status check_call(const Model& m, std::size_t row_size, std::size_t scratch_size, Output kind,
                  std::size_t out_size) {
  if (!is_integer_model(m)) return Status::invalid_argument;
  if (row_size != m.n_features) return Status::shape_mismatch;
  const std::size_t n = output_size(m, kind);
  if (n == 0 || scratch_size < m.scratch_bytes) return Status::invalid_argument;
  return out_size == n ? Status::ok : Status::shape_mismatch;
}

#if EMBER_RUNTIME_FLOAT
float from_bits(std::uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// 2^-e as a float (e <= 30: a normal number), so that scaling is exact.
float exp2_neg(unsigned e) { return from_bits((127u - e) << 23); }

// round(t), halves away from zero, for |t| <= 2^16 (exact: t - trunc(t)
// is exact in float).
std::int32_t round_half_away(float t) {
  const auto i = static_cast<std::int32_t>(t);
  const float frac = t - static_cast<float>(i);
  return frac >= 0.5f ? i + 1 : frac <= -0.5f ? i - 1 : i;
}

std::int16_t quantize_value(const f::QuantInput& in, std::uint32_t n_categories, float x) {
  const std::int32_t missing = in.missing_code;
  if (x != x) return static_cast<std::int16_t>(missing);
  if (n_categories != 0) {
    if (detail::is_category_code(x, n_categories))
      return static_cast<std::int16_t>(static_cast<std::int32_t>(x));
    // An unknown category: a value that is neither a code nor missing.
    return static_cast<std::int16_t>(missing == -1 ? static_cast<std::int32_t>(n_categories) : -1);
  }
  float t = x / from_bits(in.scale_bits);
  if (!(t < 65536.0f)) t = 65536.0f;  // (also +inf)
  if (!(t > -65536.0f)) t = -65536.0f;
  std::int32_t q = in.zero_point + round_half_away(t);
  q = q < -32768 ? -32768 : q > 32767 ? 32767 : q;
  if (q == missing) {  // one step toward the zero point (or inward at an end)
    q += q < in.zero_point ? 1 : q > in.zero_point ? -1 : q < 32767 ? 1 : -1;
  }
  return static_cast<std::int16_t>(q);
}
#endif

}  // namespace

std::uint32_t quant_scratch_bytes(const Model& m) noexcept {
  // Alignment slack, predict_q's share, predict()'s outputs and row.
  return 8 + predict_q_bytes(m) + 4 * acc_words(m) + code_bytes(m);
}

bool is_integer_model(const Model& m) noexcept { return integer_model(m); }

unsigned output_frac_bits(const Model& m) noexcept { return is_integer_model(m) ? m.out_frac_bits : 0u; }

std::size_t scratch_bytes_q(const Model& m) noexcept { return is_integer_model(m) ? m.scratch_bytes : 0u; }

std::uint32_t link_error_q32(f::Link link, std::uint32_t n_outputs) noexcept {
  // Both links are within 2^-16 (65536 units) of the exact probability:
  // the rounding to Q0.16 costs 2^-17, the fixed-point exp < 2^-28 per
  // class, and where the exact value rounds to 65536 the clamp to 65535
  // costs at most 2^-16 (the maximum, reached as p -> 1). Softmax adds each
  // class's exp error to the sum: 16 units per class bounds it. The tests
  // check these figures over the whole input range.
  switch (link) {
    case f::Link::identity:
      return 0;
    case f::Link::logistic:
      return 65536u;
    case f::Link::softmax:
      return n_outputs > 0x0FFFFFFFu ? 0xFFFFFFFFu : 65536u + 16u * n_outputs;
  }
  return 0xFFFFFFFFu;
}

Status predict_q(const Model& m, Span<const std::int16_t> row, Span<unsigned char> scratch, Output kind,
                 Span<std::int32_t> out) noexcept {
  EMBER_TRY(check_call(m, row.size(), scratch.size(), kind, out.size()));
  return run_q(m, row.data(), aligned8(scratch), kind, out.data());
}

Status quantize_row(const Model& m, Span<const float> row, Span<std::int16_t> out) noexcept {
  if (!is_integer_model(m)) return Status::invalid_argument;
  if (row.size() != m.n_features || out.size() != m.n_features) return Status::shape_mismatch;
#if EMBER_RUNTIME_FLOAT
  for (std::uint32_t j = 0; j < m.n_features; ++j)
    out[j] = quantize_value(m.quant_inputs[j], m.n_categories[j], row[j]);
  return Status::ok;
#else
  return Status::unsupported_feature;
#endif
}

#if EMBER_RUNTIME_FLOAT
Status predict_integer(const Model& m, Span<const float> row, Span<unsigned char> scratch, Output kind,
                       Span<float> out) noexcept {
  EMBER_TRY(check_call(m, row.size(), scratch.size(), kind, out.size()));
  unsigned char* work = aligned8(scratch);
  auto* q_out = static_cast<std::int32_t*>(static_cast<void*>(work + predict_q_bytes(m)));
  auto* q_row = static_cast<std::int16_t*>(static_cast<void*>(work + predict_q_bytes(m) + 4 * acc_words(m)));
  EMBER_TRY(quantize_row(m, row, Span<std::int16_t>(q_row, m.n_features)));
  EMBER_TRY(run_q(m, q_row, work, kind, q_out));
  // The only conversions to float: exact scalings by powers of two.
  const bool is_class = kind == Output::label && m.task != f::Task::regression;
  const float scale = kind == Output::probability ? exp2_neg(16)
                      : is_class                  ? 1.0f
                                                  : exp2_neg(m.out_frac_bits);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(q_out[i]) * scale;
  return Status::ok;
}
#endif

#if !EMBER_RUNTIME_FLOAT
// An integer-only build has no float entry points (predict.cpp compiles
// none of them): they refuse every model.
Status predict(const Model&, Span<const float>, Span<unsigned char>, Output, Span<float>) noexcept {
  return Status::unsupported_feature;
}
Status transform(const Model&, Span<const float>, Span<unsigned char>, Span<float>) noexcept {
  return Status::unsupported_feature;
}
Status predict_batch(const Model&, MatrixView<const float>, Span<unsigned char>, Output,
                     MatrixView<float>) noexcept {
  return Status::unsupported_feature;
}
#endif

}  // namespace ember
