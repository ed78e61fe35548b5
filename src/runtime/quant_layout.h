// Where the arrays of an integer model's QTRE and QLIN sections lie: one
// function per section, used by the loader (which checks that the section
// is exactly this long, then verifies the arrays), by predict_q and by the
// writer, so that the three cannot disagree. Internal to the core.
#ifndef EMBER_SRC_QUANT_LAYOUT_H
#define EMBER_SRC_QUANT_LAYOUT_H

#include <cstdint>

#include "ember/base/status.h"
#include "ember/runtime/model.h"
#include "ember/runtime/model_format.h"

namespace ember {

// Row codes (predict_q): a numeric feature's code is its number of cuts
// <= q (at most kQuantMaxCuts), a categorical one's its category; these two
// are reserved.
constexpr std::uint16_t kQuantCodeMissing = 0xFFFFu;
constexpr std::uint16_t kQuantCodeUnknown = 0xFFFEu;
constexpr std::uint32_t kQuantMaxCuts = 0xFFFDu;                  // per feature
constexpr std::uint32_t kQuantMaxCategories = 32767u;             // per categorical feature
constexpr std::uint64_t kQuantAccLimit = std::uint64_t{1} << 47;  // |acc| of QLIN stays below

// Where the arrays of a QTRE or QLIN section lie: the section's first byte
// (8-byte aligned) and each array's offset from it, in the order of the
// format (quant_layout); the views below name them.
constexpr unsigned kQuantArrays = 9;
struct QuantView {
  const unsigned char* p = nullptr;
  std::uint32_t offset[kQuantArrays];  // set by quant_layout

  template <class T>
  const T* at(unsigned i) const noexcept {
    return static_cast<const T*>(static_cast<const void*>(p + offset[i]));
  }
  template <class T>
  const T* header() const noexcept {
    return static_cast<const T*>(static_cast<const void*>(p));
  }
};

// Sets v->offset for the QTRE (`trees`) or QLIN section at v->p from its
// header, and returns the section's byte count that the header implies
// (64-bit, so that no count can wrap: the header's widths, at most 2^20,
// are checked first). The offsets mean something only when the section
// has that many bytes, which the loader checks before any other read.
std::uint64_t quant_layout(bool trees, QuantView* v) noexcept;

struct QuantTreesView : QuantView {
  // The section at `section`; its offsets are set by quant_layout.
  explicit QuantTreesView(const unsigned char* section) noexcept { p = section; }
  // A loaded model's.
  explicit QuantTreesView(const Model& m) noexcept : QuantTreesView(m.quant_model) {
    quant_layout(true, this);
  }
  const format::QuantTreesHeader& h() const noexcept { return *header<format::QuantTreesHeader>(); }
  const std::int32_t* base_score() const noexcept { return at<std::int32_t>(0); }
  const std::uint32_t* cut_begin() const noexcept { return at<std::uint32_t>(1); }
  const std::int32_t* cuts() const noexcept { return at<std::int32_t>(2); }
  const std::uint32_t* node_begin() const noexcept { return at<std::uint32_t>(3); }
  const std::uint32_t* leaf_begin() const noexcept { return at<std::uint32_t>(4); }
  const std::uint32_t* tree_output() const noexcept { return at<std::uint32_t>(5); }
  const format::QuantNode* nodes() const noexcept { return at<format::QuantNode>(6); }
  const std::int32_t* leaf_value() const noexcept { return at<std::int32_t>(7); }
  const std::uint32_t* bitsets() const noexcept { return at<std::uint32_t>(8); }
};

struct QuantLinearView : QuantView {
  explicit QuantLinearView(const unsigned char* section) noexcept { p = section; }
  explicit QuantLinearView(const Model& m) noexcept : QuantLinearView(m.quant_model) {
    quant_layout(false, this);
  }
  const format::QuantLinearHeader& h() const noexcept { return *header<format::QuantLinearHeader>(); }
  const std::uint8_t* term() const noexcept { return at<std::uint8_t>(0); }
  const std::uint32_t* cut_begin() const noexcept { return at<std::uint32_t>(1); }
  const std::int32_t* cuts() const noexcept { return at<std::int32_t>(2); }
  const std::uint32_t* table_begin() const noexcept { return at<std::uint32_t>(3); }
  const std::int32_t* table() const noexcept { return at<std::int32_t>(4); }
  const std::int32_t* bias() const noexcept { return at<std::int32_t>(5); }
  const std::int32_t* multiplier() const noexcept { return at<std::int32_t>(6); }
  const std::uint32_t* shift() const noexcept { return at<std::uint32_t>(7); }
  const void* weights() const noexcept { return at<void>(8); }  // int8 or int16 by weight_bits
};

// The loader's checks of QINP, QTRE and QLIN (quant_model.cpp). `m` holds
// the schema (task, n_features, n_classes, n_categories); each call fills
// the fields of its section. Shared with the writer, which verifies what
// it wrote with them.
Status check_quant_inputs(const unsigned char* p, std::uint32_t size, Model* m) noexcept;
Status check_quant_trees(const unsigned char* p, std::uint32_t size, Model* m) noexcept;
Status check_quant_linear(const unsigned char* p, std::uint32_t size, Model* m) noexcept;

// The integer half of load_model: the QINP and QTRE/QLIN sections of the
// table (either may be null: refused), once the schema is in `m`.
// Refuses an integer model that this build leaves out (unsupported_feature)
// and one that claims a minor version before kVersionMinorInteger.
Status check_integer_model(const unsigned char* bytes, std::uint16_t version_minor,
                           const format::SectionEntry* qinp, const format::SectionEntry* qmodel,
                           Model* m) noexcept;

// Scratch bytes of an integer model (predict_q and predict() alike), from
// the fields the checks fill; the writer stores the same figure.
std::uint32_t quant_scratch_bytes(const Model& m) noexcept;

}  // namespace ember

#endif  // EMBER_SRC_QUANT_LAYOUT_H
