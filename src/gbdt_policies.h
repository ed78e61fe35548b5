// The grower policies of gradient boosting (tree_grower.h): float
// gradients, and LightGBM-style quantized ones. Internal to gbdt.cpp.
#ifndef EMBER_SRC_GBDT_POLICIES_H
#define EMBER_SRC_GBDT_POLICIES_H

#include <cstddef>
#include <cstdint>

#include "ember/gbdt.h"

namespace ember::detail {

// Gradient statistics (G, H); XGBoost's gain and leaf formulas. The sums
// may be in units of gradient_scale and hessian_scale (the quantized
// policy's); a scale of 1 changes nothing, bit for bit.
class GradientMath {
 public:
  explicit GradientMath(const GbdtOptions& o) : o_(o) {}

  void set_scales(double gradient_scale, double hessian_scale) {
    gs_ = gradient_scale;
    hs_ = hessian_scale;
  }
  std::size_t width() const { return 2; }
  std::size_t leaf_width() const { return 1; }
  double mass(const double* s) const { return s[1] * hs_; }
  double threshold_l1(double g) const {
    if (g > o_.lambda_l1) return g - o_.lambda_l1;
    if (g < -o_.lambda_l1) return g + o_.lambda_l1;
    return 0.0;
  }
  double score(double g, double h) const {
    const double t = threshold_l1(g * gs_);
    return t * t / (h * hs_ + o_.lambda_l2);
  }
  double node_score(const double* s) const { return score(s[0], s[1]); }
  bool splittable(const double* s) const { return s[1] * hs_ >= 2.0 * o_.min_child_weight; }
  bool admissible(const double* left, const double* right) const {
    return left[1] * hs_ >= o_.min_child_weight && right[1] * hs_ >= o_.min_child_weight;
  }
  double gain(const double* left, const double* right, const double*, double parent) const {
    return 0.5 * (score(left[0], left[1]) + score(right[0], right[1]) - parent) - o_.min_split_gain;
  }
  double initial_best() const { return 0.0; }
  bool accept(double gain) const { return gain > 0.0; }
  // Categories by G / H: the leaf value each would get alone.
  double category_key(const double* bin, const double*) const {
    return bin[0] * gs_ / (bin[1] * hs_ + o_.lambda_l2);
  }
  // The leaf value for sums in true units.
  double leaf_value(double g, double h) const {
    return -o_.learning_rate * threshold_l1(g) / (h + o_.lambda_l2);
  }
  void leaf(const double* s, float* out) const {
    out[0] = static_cast<float>(leaf_value(s[0] * gs_, s[1] * hs_));
  }

 private:
  const GbdtOptions& o_;
  double gs_ = 1.0, hs_ = 1.0;
};

class GradientPolicy : public GradientMath {
 public:
  // Gradients in single precision, as XGBoost's: half the memory traffic
  // of the histogram builds. Sums are in double.
  struct Record {
    float g, h;
  };
  static constexpr std::size_t kFixedWidth = 2;
  static constexpr bool kPacked = false;

  using GradientMath::GradientMath;
  void add(double* s, const Record& r) const {
    s[0] += r.g;
    s[1] += r.h;
  }
};

// Quantized gradients (LightGBM 4's use_quantized_grad): each row's g and
// h stochastically rounded to integers, g in [-kLevels, kLevels] and h in
// [0, kLevels] in units of the round's scales. A record keeps g + kLevels
// in its high byte and h in its low one (2 bytes to move per row in a
// partition); the histograms add increment(record), all the statistics
// and a count of 1 in one word: bits [0, 16) the count, [16, 38) h,
// [38, 61) g + kLevels. Over kPackedRows rows no field can carry into the
// next.
class QuantizedPolicy : public GradientMath {
 public:
  using Record = std::uint16_t;
  static constexpr std::size_t kFixedWidth = 2;
  static constexpr bool kPacked = true;
  static constexpr std::int64_t kLevels = 64;
  static constexpr std::uint32_t kPackedRows = (1u << 16) - 1;
  static_assert(2 * kLevels < 256, "g + kLevels in a byte");
  static_assert(2 * kLevels * kPackedRows < (std::int64_t{1} << 23), "g field");
  static_assert(kLevels * kPackedRows < (std::int64_t{1} << 22), "h field");

  using GradientMath::GradientMath;
  // g in [-kLevels, kLevels], h in [0, kLevels].
  static Record pack(std::int64_t g, std::int64_t h) { return static_cast<Record>(((g + kLevels) << 8) | h); }
  static std::uint64_t increment(Record r) {
    return (std::uint64_t{r} >> 8 << 38) | (std::uint64_t{r & 0xFFu} << 16) | 1u;
  }
  void add(double* s, const Record& r) const { unpack_into(increment(r), s, nullptr); }
  void unpack(std::uint64_t sum, double* s) const { unpack_into(sum, s, s + 2); }

 private:
  static void unpack_into(std::uint64_t v, double* s, double* count) {
    const auto c = static_cast<std::int64_t>(v & 0xFFFFu);
    s[0] += static_cast<double>(static_cast<std::int64_t>(v >> 38) - kLevels * c);
    s[1] += static_cast<double>((v >> 16) & ((std::uint64_t{1} << 22) - 1));
    if (count != nullptr) *count += static_cast<double>(c);
  }
};

}  // namespace ember::detail

#endif  // EMBER_SRC_GBDT_POLICIES_H
