// SgdModelQ, the integer twin of SgdModel, against the float model trained
// the same way (same rows, epochs, order, seed, alpha): accuracy within 1
// point on the bundled classification sets and R2 within 0.02 on
// diabetes, both from standardised inputs given in Q11 and through the
// whole integer path (raw int16 -> RunningStatsQ -> standardize_q ->
// SgdModelQ); bad input, saturation and checkpoints; no heap.
//
// The measured figures are printed (MESSAGE); run with
//   build/<dir>/tests/test_sgd_q 2>&1 | grep -E 'accuracy|R2|rows right'
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "device_fit_q.h"
#include "ember/base/arena.h"
#include "ember/metrics.h"
#include "ember/rng.h"
#include "ember/running_stats_q.h"
#include "ember/sgd.h"
#include "ember/sgd_q.h"
#include "ember/sgd_q_export.h"
#include "heap_guard.h"
#include "host/csv.h"
#include "linear_fixtures.h"

using namespace ember;
using ember::test::Dataset;

namespace {

struct Set {
  const char* file;
  const char* target;
};

// The raw numeric columns of a bundled CSV (the target left out), and the
// standardised data set of linear_fixtures.h; a column with no spread, or
// a missing value, gives 0 in the standardised data (its mean).
struct Data {
  Dataset d;
  std::vector<float> raw;  // rows x cols, NaN where missing
};

Data load(const std::string& file, const std::string& target) {
  Data out;
  out.d = ember::test::load_dataset(file, target);
  host::Table t;
  host::Error e;
  host::CsvOptions options;
  options.target = target;
  REQUIRE(host::read_csv(std::string(EMBER_TEST_DATA_DIR) + "/" + file, options, &t, &e));
  std::vector<const host::Column*> cols;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    if (static_cast<int>(j) != t.target && t.columns[j].type == host::ColumnType::numeric)
      cols.push_back(&t.columns[j]);
  }
  REQUIRE(cols.size() == out.d.cols);
  if (out.d.n_classes == 0 && target == "digit") {
    // A numeric target of whole numbers (digits): its values are the classes.
    for (float v : out.d.target) {
      out.d.classes.push_back(static_cast<std::int32_t>(v));
      out.d.n_classes = std::max(out.d.n_classes, static_cast<std::uint32_t>(v) + 1);
    }
  }
  out.raw.assign(out.d.rows * out.d.cols, 0.0f);
  const std::size_t rows = out.d.rows, d = out.d.cols;
  for (std::size_t j = 0; j < d; ++j) {
    // As load_dataset (so the same floats on complete columns), skipping
    // missing values.
    const std::vector<float>& v = cols[j]->values;
    double mean = 0.0, n = 0.0, var = 0.0;
    for (float f : v) {
      if (!std::isfinite(f)) continue;
      mean += static_cast<double>(f);
      n += 1.0;
    }
    mean /= n;
    for (float f : v) {
      if (std::isfinite(f)) var += (static_cast<double>(f) - mean) * (static_cast<double>(f) - mean);
    }
    const double sd = std::sqrt(var / n);
    for (std::size_t i = 0; i < rows; ++i) {
      out.raw[i * d + j] = v[i];
      const bool usable = std::isfinite(v[i]) && sd > 0.0;
      out.d.x[i * d + j] = usable ? static_cast<float>((v[i] - mean) / sd) : 0.0f;
    }
  }
  return out;
}

// The input format: Q11 (+-16 standard deviations) unless the data reach
// further (digits' rare pixels reach 42: Q9, +-64).
unsigned frac_bits_for(const Dataset& d) {
  double top = 0.0;
  for (float v : d.x) top = std::fabs(v) > top ? std::fabs(v) : top;  // (no fmax: gcc 12 aarch64 -O3 ICE)
  unsigned frac = 11;
  while (frac > 0 && top >= std::ldexp(1.0, 15 - static_cast<int>(frac))) --frac;
  return frac;
}

// Standardised values in Q(frac) (as a device given scaled inputs).
std::vector<std::int16_t> to_q(const Dataset& d, unsigned frac) {
  std::vector<std::int16_t> q(d.x.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double v = std::round(std::ldexp(d.x[i], static_cast<int>(frac)));
    q[i] = static_cast<std::int16_t>(std::fmax(-32767.0, std::fmin(32767.0, v)));
  }
  return q;
}
std::vector<std::int16_t> to_q11(const Dataset& d) { return to_q(d, 11); }

// Raw values as an int16 sensor would give them: each column in steps of
// max|v| / 30000, missing as kMissingQ16.
std::vector<std::int16_t> to_sensor(const Data& data) {
  const std::size_t rows = data.d.rows, cols = data.d.cols;
  std::vector<std::int16_t> q(rows * cols);
  for (std::size_t j = 0; j < cols; ++j) {
    double top = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
      const float v = data.raw[i * cols + j];
      if (std::isfinite(v) && std::fabs(v) > top) top = std::fabs(v);
    }
    const double unit = top > 0.0 ? top / 30000.0 : 1.0;
    for (std::size_t i = 0; i < rows; ++i) {
      const float v = data.raw[i * cols + j];
      q[i * cols + j] = std::isfinite(v) ? static_cast<std::int16_t>(std::round(v / unit)) : kMissingQ16;
    }
  }
  return q;
}

// `epochs` shuffled passes, the order drawn as tests/unit/test_online.cpp does.
std::vector<std::size_t> order_of(std::size_t rows, int epochs) {
  std::vector<std::size_t> order(rows), all;
  for (std::size_t i = 0; i < rows; ++i) order[i] = i;
  Rng rng(2026);
  for (int e = 0; e < epochs; ++e) {
    rng.shuffle(Span<std::size_t>(order.data(), order.size()));
    all.insert(all.end(), order.begin(), order.end());
  }
  return all;
}

std::uint32_t to_q32(double v) { return static_cast<std::uint32_t>(std::llround(std::ldexp(v, 32))); }

// The float model's predictions (class codes or values) on every row.
std::vector<double> fit_float(const Dataset& d, const SgdOptions& o, const std::vector<std::size_t>& order) {
  std::vector<unsigned char> buffer(1 << 16);
  Arena arena(buffer.data(), buffer.size());
  SgdModel m;
  REQUIRE(m.init(arena, d.cols, d.n_classes, o) == Status::ok);
  for (std::size_t i : order) {
    REQUIRE(m.partial_fit(Span<const float>(d.x.data() + i * d.cols, d.cols), d.target[i]) == Status::ok);
  }
  std::vector<float> coef(m.outputs() * d.cols), intercept(m.outputs());
  REQUIRE(m.coefficients(Span<float>(coef.data(), coef.size()),
                         Span<float>(intercept.data(), intercept.size())) == Status::ok);
  std::vector<double> out(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) {
    double best = -INFINITY;
    for (std::size_t k = 0; k < intercept.size(); ++k) {
      double z = intercept[k];
      for (std::size_t j = 0; j < d.cols; ++j) z += coef[k * d.cols + j] * d.x[i * d.cols + j];
      if (d.n_classes == 0) {
        out[i] = z;
      } else if (intercept.size() == 1) {
        out[i] = z > 0 ? 1 : 0;
      } else if (z > best) {
        best = z;
        out[i] = static_cast<double>(k);
      }
    }
  }
  return out;
}

// The integer model's predictions on every row of x (Q11), through
// linear_scores_q: the integer path a device runs. No heap while fitting.
std::vector<double> fit_integer(const Dataset& d, const std::vector<std::int16_t>& x, const SgdQOptions& o,
                                const std::vector<std::size_t>& order) {
  std::vector<unsigned char> buffer(1 << 16);
  Arena arena(buffer.data(), buffer.size());
  SgdModelQ m;
  REQUIRE(m.init(arena, d.cols, d.n_classes, o) == Status::ok);
  {
    ember::test::HeapGuard guard;
    for (std::size_t i : order) {
      const std::int32_t target =
          d.n_classes == 0
              ? static_cast<std::int32_t>(std::llround(std::ldexp(d.target[i], o.weight_frac_bits)))
              : d.classes[i];
      REQUIRE(m.partial_fit(Span<const std::int16_t>(x.data() + i * d.cols, d.cols), target) == Status::ok);
    }
    CHECK(guard.allocations() == 0);
  }
  CHECK(m.steps() == order.size());
  std::vector<std::int32_t> coef(m.outputs() * d.cols), intercept(m.outputs()), score(m.outputs());
  REQUIRE(m.coefficients(Span<std::int32_t>(coef.data(), coef.size()),
                         Span<std::int32_t>(intercept.data(), intercept.size())) == Status::ok);
  std::vector<double> out(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) {
    REQUIRE(linear_scores_q(Span<const std::int32_t>(coef.data(), coef.size()),
                            Span<const std::int32_t>(intercept.data(), intercept.size()),
                            Span<const std::int16_t>(x.data() + i * d.cols, d.cols), o.input_frac_bits,
                            Span<std::int32_t>(score.data(), score.size())) == Status::ok);
    if (d.n_classes == 0) {
      out[i] = std::ldexp(score[0], -static_cast<int>(o.weight_frac_bits));
    } else if (score.size() == 1) {
      out[i] = score[0] > 0 ? 1 : 0;
    } else {
      std::size_t best = 0;
      for (std::size_t k = 1; k < score.size(); ++k) best = score[k] > score[best] ? k : best;
      out[i] = static_cast<double>(best);
    }
  }
  return out;
}

double accuracy_of(const Dataset& d, const std::vector<double>& predicted) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < d.rows; ++i) right += predicted[i] == d.classes[i] ? 1 : 0;
  return static_cast<double>(right) / static_cast<double>(d.rows);
}

double r2_of(const Dataset& d, const std::vector<double>& predicted) {
  std::vector<float> p(predicted.begin(), predicted.end());
  double out = 0.0;
  REQUIRE(r2(Span<const float>(d.target.data(), d.rows), Span<const float>(p.data(), d.rows), {}, &out) ==
          Status::ok);
  return out;
}

// The whole integer path from sensor counts: RunningStatsQ over the rows,
// then every row standardised into Q(frac).
std::vector<std::int16_t> standardise_on_device(const Data& data, unsigned frac) {
  const std::size_t rows = data.d.rows, cols = data.d.cols;
  const std::vector<std::int16_t> sensor = to_sensor(data);
  std::vector<unsigned char> buffer(1 << 14);
  Arena arena(buffer.data(), buffer.size());
  RunningStatsQ stats;
  REQUIRE(stats.init(arena, cols) == Status::ok);
  Span<ScaleQ> steps;
  REQUIRE(arena.allocate_array(cols, &steps) == Status::ok);
  std::vector<std::int16_t> out(rows * cols);
  ember::test::HeapGuard guard;
  for (std::size_t i = 0; i < rows; ++i) {
    REQUIRE(stats.add(Span<const std::int16_t>(sensor.data() + i * cols, cols)) == Status::ok);
  }
  REQUIRE(stats.scaler(steps) == Status::ok);
  for (std::size_t i = 0; i < rows; ++i) {
    REQUIRE(standardize_q(steps, Span<const std::int16_t>(sensor.data() + i * cols, cols), frac,
                          Span<std::int16_t>(out.data() + i * cols, cols)) == Status::ok);
  }
  CHECK(guard.allocations() == 0);
  return out;
}

}  // namespace

TEST_CASE("SgdModelQ reaches the float SGD's accuracy within 1 point on every classification set") {
  const Set sets[] = {{"breast_cancer.csv", "diagnosis"},
                      {"wine.csv", "cultivar"},
                      {"iris.csv", "species"},
                      {"digits.csv", "digit"},
                      {"penguins.csv", "species"},
                      {"credit_german.csv", "class"}};
  for (const Set& set : sets) {
    INFO(std::string(set.file));
    const Data data = load(set.file, set.target);
    const Dataset& d = data.d;
    REQUIRE(d.n_classes >= 2);
    SgdOptions fo;
    fo.alpha = 1e-3;  // as tests/unit/test_online.cpp
    SgdQOptions qo;
    qo.alpha_q32 = to_q32(fo.alpha);
    qo.input_frac_bits = static_cast<std::uint8_t>(frac_bits_for(d));
    const std::vector<std::size_t> order = order_of(d.rows, 30);
    const double float_acc = accuracy_of(d, fit_float(d, fo, order));
    const double q_acc = accuracy_of(d, fit_integer(d, to_q(d, qo.input_frac_bits), qo, order));
    const double device_acc =
        accuracy_of(d, fit_integer(d, standardise_on_device(data, qo.input_frac_bits), qo, order));
    MESSAGE(std::string(set.file) << ": accuracy float " << float_acc << ", integer (Q"
                                  << unsigned{qo.input_frac_bits} << " inputs) " << q_acc
                                  << ", integer (int16 sensor -> RunningStatsQ -> Q"
                                  << unsigned{qo.input_frac_bits} << ") " << device_acc);
    CHECK(q_acc >= float_acc - 0.01);
    CHECK(device_acc >= float_acc - 0.01);
  }
}

TEST_CASE("SgdModelQ with squared loss reaches the float SGD's R2 within 0.02 on diabetes") {
  const Data data = load("diabetes.csv", "progression");
  const Dataset& d = data.d;
  SgdOptions fo;  // as tests/unit/test_online.cpp
  fo.loss = SgdLoss::squared;
  fo.alpha = 1e-4;
  fo.eta0 = 0.01;
  SgdQOptions qo;
  qo.loss = SgdLoss::squared;
  qo.alpha_q32 = to_q32(fo.alpha);
  qo.eta0_q32 = to_q32(fo.eta0);
  const std::vector<std::size_t> order = order_of(d.rows, 50);
  const double float_r2 = r2_of(d, fit_float(d, fo, order));
  const double q11_r2 = r2_of(d, fit_integer(d, to_q11(d), qo, order));
  const double device_r2 = r2_of(d, fit_integer(d, standardise_on_device(data, 11), qo, order));
  MESSAGE("diabetes.csv: R2 float " << float_r2 << ", integer (Q11 inputs) " << q11_r2
                                    << ", integer (int16 sensor -> RunningStatsQ -> Q11) " << device_r2);
  CHECK(q11_r2 >= float_r2 - 0.02);
  CHECK(device_r2 >= float_r2 - 0.02);
}

TEST_CASE("SgdModelQ coefficients track the float model's on the same inputs, and export as floats") {
  // The float model sees the Q11 values too (x_q / 2048), so that only the
  // arithmetic differs: the input rounding alone moves the coefficients
  // of this collinear set by some percent (with the same accuracy).
  const Data data = load("breast_cancer.csv", "diagnosis");
  const Dataset& d = data.d;
  const std::vector<std::size_t> order = order_of(d.rows, 5);
  std::vector<unsigned char> buffer(1 << 14);
  Arena arena(buffer.data(), buffer.size());
  SgdModel f;
  SgdModelQ q;
  SgdOptions fo;
  fo.alpha = 1e-3;
  SgdQOptions qo;
  qo.alpha_q32 = to_q32(fo.alpha);
  REQUIRE(f.init(arena, d.cols, 2, fo) == Status::ok);
  REQUIRE(q.init(arena, d.cols, 2, qo) == Status::ok);
  const std::vector<std::int16_t> x = to_q11(d);
  std::vector<float> dequantised(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) dequantised[i] = static_cast<float>(x[i]) / 2048.0f;
  for (std::size_t i : order) {
    REQUIRE(f.partial_fit(Span<const float>(dequantised.data() + i * d.cols, d.cols), d.target[i]) ==
            Status::ok);
    REQUIRE(q.partial_fit(Span<const std::int16_t>(x.data() + i * d.cols, d.cols), d.classes[i]) ==
            Status::ok);
  }
  std::vector<float> fc(d.cols), fb(1), qc(d.cols), qb(1);
  std::vector<std::int32_t> ic(d.cols), ib(1);
  REQUIRE(f.coefficients(Span<float>(fc.data(), d.cols), Span<float>(fb.data(), 1)) == Status::ok);
  REQUIRE(q.coefficients(Span<std::int32_t>(ic.data(), d.cols), Span<std::int32_t>(ib.data(), 1)) ==
          Status::ok);
  REQUIRE(sgd_q_coefficients_to_float(
              Span<const std::int32_t>(ic.data(), d.cols), Span<const std::int32_t>(ib.data(), 1),
              qo.weight_frac_bits, Span<float>(qc.data(), d.cols), Span<float>(qb.data(), 1)) == Status::ok);
  double norm = 0.0, diff = 0.0;
  for (std::size_t j = 0; j < d.cols; ++j) {
    norm += fc[j] * fc[j];
    diff += (fc[j] - qc[j]) * (fc[j] - qc[j]);
  }
  MESSAGE("breast_cancer, 5 epochs: |w_float - w_integer| / |w_float| = " << std::sqrt(diff / norm));
  CHECK(std::sqrt(diff / norm) < 0.01);
  CHECK(qb[0] == doctest::Approx(fb[0]).epsilon(0.01));
  CHECK(qc[0] == std::ldexp(static_cast<float>(ic[0]), -20));
}

TEST_CASE("SgdModelQ refuses bad setups and examples, changing nothing") {
  alignas(8) unsigned char buffer[2048];
  Arena arena(buffer, sizeof buffer);
  SgdModelQ m;
  SgdQOptions o;
  CHECK(m.init(arena, 0, 2, o) == Status::invalid_argument);
  CHECK(m.init(arena, 65536, 2, o) == Status::invalid_argument);
  CHECK(m.init(arena, 3, 0, o) == Status::invalid_argument);  // log loss needs classes
  CHECK(m.init(arena, 3, 1, o) == Status::invalid_argument);
  o.input_frac_bits = 16;
  CHECK(m.init(arena, 3, 2, o) == Status::invalid_argument);
  o = SgdQOptions{};
  o.weight_frac_bits = 25;
  CHECK(m.init(arena, 3, 2, o) == Status::invalid_argument);
  o = SgdQOptions{};
  o.alpha_q32 = 0;
  CHECK(m.init(arena, 3, 2, o) == Status::bad_value);
  o = SgdQOptions{};
  alignas(8) unsigned char tiny[64];
  Arena small(tiny, sizeof tiny);
  CHECK(m.init(small, 30, 3, o) == Status::out_of_memory);
  REQUIRE(m.init(arena, 3, 3, o) == Status::ok);
  const std::int16_t x[3] = {100, -200, 300};
  CHECK(m.partial_fit(Span<const std::int16_t>(x, 2), 0) == Status::shape_mismatch);
  CHECK(m.partial_fit(Span<const std::int16_t>(x, 3), 3) == Status::bad_index);
  CHECK(m.partial_fit(Span<const std::int16_t>(x, 3), -1) == Status::bad_index);
  CHECK(m.partial_fit(Span<const std::int16_t>(x, 3), 1, (1u << 24) + 1) == Status::bad_value);
  CHECK(m.steps() == 0);
  CHECK(m.partial_fit(Span<const std::int16_t>(x, 3), 1) == Status::ok);
  std::int32_t c[9], b[3];
  CHECK(m.coefficients(Span<std::int32_t>(c, 8), Span<std::int32_t>(b, 3)) == Status::shape_mismatch);
  std::int32_t s[3];
  CHECK(linear_scores_q(Span<const std::int32_t>(c, 9), Span<const std::int32_t>(b, 3),
                        Span<const std::int16_t>(x, 2), 11,
                        Span<std::int32_t>(s, 3)) == Status::shape_mismatch);
  CHECK(linear_scores_q(Span<const std::int32_t>(c, 9), Span<const std::int32_t>(b, 3),
                        Span<const std::int16_t>(x, 3), 16,
                        Span<std::int32_t>(s, 3)) == Status::invalid_argument);
}

TEST_CASE("SgdModelQ saturates on extreme examples instead of overflowing") {
  // Targets at the int32 limits, inputs at the int16 limits, a large rate,
  // and a weight of 256: every clamp is reached, and (under UBSan) no
  // arithmetic overflows.
  alignas(8) unsigned char buffer[1024];
  Arena arena(buffer, sizeof buffer);
  SgdModelQ m;
  SgdQOptions o;
  o.loss = SgdLoss::squared;
  o.eta0_q32 = UINT32_MAX;
  o.alpha_q32 = UINT32_MAX;
  o.input_frac_bits = 0;
  o.weight_frac_bits = 24;
  REQUIRE(m.init(arena, 4, 0, o) == Status::ok);
  const std::int16_t hi[4] = {32767, -32767, 32767, kMissingQ16};
  for (int i = 0; i < 200; ++i) {
    const std::int32_t target = i % 3 == 0 ? INT32_MIN : INT32_MAX;
    REQUIRE(m.partial_fit(Span<const std::int16_t>(hi, 4), target, 1u << 24) == Status::ok);
  }
  std::int32_t c[4], b[1];
  REQUIRE(m.coefficients(Span<std::int32_t>(c, 4), Span<std::int32_t>(b, 1)) == Status::ok);
  for (std::int32_t v : m.iterates()) CHECK(v != INT32_MIN);
  // The log loss with a tiny alpha (the largest rates) at the limits too.
  SgdModelQ l;
  SgdQOptions lo;
  lo.alpha_q32 = 1;
  lo.input_frac_bits = 0;
  lo.weight_frac_bits = 24;
  REQUIRE(l.init(arena, 4, 3, lo) == Status::ok);
  for (int i = 0; i < 200; ++i)
    REQUIRE(l.partial_fit(Span<const std::int16_t>(hi, 4), i % 3, 1u << 24) == Status::ok);
  std::int32_t lc[12], lb[3], s[3];
  REQUIRE(l.coefficients(Span<std::int32_t>(lc, 12), Span<std::int32_t>(lb, 3)) == Status::ok);
  CHECK(linear_scores_q(Span<const std::int32_t>(lc, 12), Span<const std::int32_t>(lb, 3),
                        Span<const std::int16_t>(hi, 4), 0, Span<std::int32_t>(s, 3)) == Status::ok);
}

TEST_CASE("SgdModelQ resumes from a checkpoint bit for bit, and stops at its step limit") {
  const Data data = load("wine.csv", "cultivar");
  const Dataset& d = data.d;
  const std::vector<std::int16_t> x = to_q11(d);
  std::vector<unsigned char> buffer(1 << 14);
  Arena arena(buffer.data(), buffer.size());
  SgdQOptions o;
  o.alpha_q32 = to_q32(1e-3);
  SgdModelQ whole, first, second;
  REQUIRE(whole.init(arena, d.cols, d.n_classes, o) == Status::ok);
  REQUIRE(first.init(arena, d.cols, d.n_classes, o) == Status::ok);
  REQUIRE(second.init(arena, d.cols, d.n_classes, o) == Status::ok);
  const std::vector<std::size_t> order = order_of(d.rows, 3);
  for (std::size_t n = 0; n < order.size(); ++n) {
    const std::size_t i = order[n];
    const Span<const std::int16_t> row(x.data() + i * d.cols, d.cols);
    REQUIRE(whole.partial_fit(row, d.classes[i]) == Status::ok);
    if (n < order.size() / 2) {
      REQUIRE(first.partial_fit(row, d.classes[i]) == Status::ok);
      continue;
    }
    if (n == order.size() / 2)
      REQUIRE(second.restore(first.steps(), first.iterates(), first.iterate_sums()) == Status::ok);
    REQUIRE(second.partial_fit(row, d.classes[i]) == Status::ok);
  }
  const std::size_t k = whole.outputs() * (d.cols + 1);
  for (std::size_t i = 0; i < k; ++i) {
    REQUIRE(whole.iterates()[i] == second.iterates()[i]);
    REQUIRE(whole.iterate_sums()[i] == second.iterate_sums()[i]);
  }
  CHECK(second.restore(SgdModelQ::kMaxSteps + 1, whole.iterates(), whole.iterate_sums()) ==
        Status::bad_value);
  std::vector<std::int64_t> too_large(whole.iterate_sums().begin(), whole.iterate_sums().end());
  too_large[2] = (std::int64_t{1} << 31) * 10 + 1;  // more than 10 steps of int32 iterates can sum to
  CHECK(second.restore(10, whole.iterates(), Span<const std::int64_t>(too_large.data(), too_large.size())) ==
        Status::bad_value);
  CHECK(second.restore(1, whole.iterates().first(3), whole.iterate_sums()) == Status::shape_mismatch);
  // At the step limit the next example is refused and nothing changes.
  REQUIRE(second.restore(SgdModelQ::kMaxSteps, whole.iterates(), whole.iterate_sums()) == Status::ok);
  CHECK(second.partial_fit(Span<const std::int16_t>(x.data(), d.cols), 0) == Status::size_overflow);
  CHECK(second.steps() == SgdModelQ::kMaxSteps);
  CHECK(second.iterates()[0] == whole.iterates()[0]);
}

TEST_CASE(
    "The device's integer fit (tests/firmware/device_fit_q.h) reaches the float SGD's accuracy within 1 "
    "point") {
  namespace dd = ember::device_data;
  namespace q = ember::device_fit_q;
  std::vector<unsigned char> buffer(4096);
  Arena arena(buffer.data(), buffer.size());
  q::FitQResult r;
  {
    ember::test::HeapGuard guard;
    r = q::fit(arena);
    CHECK(guard.allocations() == 0);
  }
  INFO(r.step);
  REQUIRE(r.status == Status::ok);
  // The float reference: the same rows (device_data.h's floats), a double
  // two-pass standard scaler, SgdModel with the same alpha, order, epochs.
  std::vector<float> x(dd::kRows * dd::kFeatures);
  for (std::size_t j = 0; j < dd::kFeatures; ++j) {
    double mean = 0.0, var = 0.0;
    for (std::size_t i = 0; i < dd::kRows; ++i) mean += dd::kX[i * dd::kFeatures + j];
    mean /= dd::kRows;
    for (std::size_t i = 0; i < dd::kRows; ++i) {
      var += (dd::kX[i * dd::kFeatures + j] - mean) * (dd::kX[i * dd::kFeatures + j] - mean);
    }
    const double sd = std::sqrt(var / dd::kRows);
    for (std::size_t i = 0; i < dd::kRows; ++i) {
      x[i * dd::kFeatures + j] = static_cast<float>((dd::kX[i * dd::kFeatures + j] - mean) / sd);
    }
  }
  SgdModel f;
  SgdOptions fo;
  fo.alpha = 1e-3;
  REQUIRE(f.init(arena, dd::kFeatures, 2, fo) == Status::ok);
  for (int e = 0; e < q::kEpochs; ++e) {
    for (std::size_t k = 0; k < dd::kRows; ++k) {
      const std::size_t i = q::row_of(e, k);
      REQUIRE(f.partial_fit(Span<const float>(x.data() + i * dd::kFeatures, dd::kFeatures), dd::kY[i]) ==
              Status::ok);
    }
  }
  float fc[dd::kFeatures], fb[1];
  REQUIRE(f.coefficients(Span<float>(fc, dd::kFeatures), Span<float>(fb, 1)) == Status::ok);
  std::uint32_t float_correct = 0;
  for (std::size_t i = 0; i < dd::kRows; ++i) {
    double z = fb[0];
    for (std::size_t j = 0; j < dd::kFeatures; ++j) z += fc[j] * x[i * dd::kFeatures + j];
    float_correct += (z > 0 ? 1u : 0u) == dd::kY[i] ? 1u : 0u;
  }
  MESSAGE("device_fit_q (143 breast-cancer rows, 4 int16 columns): training rows right: float "
          << float_correct << ", integer " << r.correct << "; integer coefficients " << r.coef[0] << ", "
          << r.coef[1] << ", " << r.coef[2] << ", " << r.coef[3] << ", intercept " << r.intercept
          << "; arena " << r.arena_bytes << " B");
  CHECK(r.correct + 0.01 * dd::kRows >= float_correct);
  // (What the firmware image must reproduce bit for bit is this fit's
  // result on the host: device_fit_host --q-header, at its build time.)
}
