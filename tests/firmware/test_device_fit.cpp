// The firmware's training code (device_fit.cpp) run on the host: the fits
// succeed without the heap, their files load, and each model is what an
// independent computation here says it must be - the scaler a two-pass mean
// and population std, the logistic regression Newton's method on the same
// objective, SGD near that optimum, the tree an exhaustive greedy CART.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "device_data.h"
#include "device_fit.h"
#include "ember/runtime/model.h"
#include "ember/runtime/model_format.h"
#include "ember/runtime/predict.h"
#include "heap_guard.h"

using namespace ember;
namespace df = ember::device_fit;
namespace data = ember::device_data;

namespace {

constexpr std::size_t kN = data::kRows;
constexpr std::size_t kD = data::kFeatures;

double x_at(std::size_t i, std::size_t j) { return static_cast<double>(data::kX[i * kD + j]); }

// Runs the fits once for the whole binary.
void fit_once() {
  static bool done = false;
  if (done) return;
  ember::test::HeapGuard guard;
  REQUIRE(df::fit_all() == Status::ok);
  CHECK(guard.allocations() == 0);
  done = true;
}

Model loaded(df::Trainer t) {
  fit_once();
  const df::FitResult& r = df::result(t);
  REQUIRE(r.done);
  Model m;
  REQUIRE(load_model(r.bytes, r.size, &m) == Status::ok);
  return m;
}

std::vector<float> run(const Model& m, std::size_t row, Output kind) {
  std::vector<unsigned char> scratch(scratch_bytes(m));
  std::vector<float> out(kind == Output::raw ? m.n_outputs : output_size(m, kind));
  REQUIRE(predict(m, Span<const float>(data::kX + row * kD, kD), Span<unsigned char>(scratch.data(), scratch.size()),
                  kind, Span<float>(out.data(), out.size())) == Status::ok);
  return out;
}

std::vector<float> transformed(const Model& m, std::size_t row) {
  std::vector<unsigned char> scratch(scratch_bytes(m));
  std::vector<float> out(m.model_features);
  REQUIRE(transform(m, Span<const float>(data::kX + row * kD, kD), Span<unsigned char>(scratch.data(), scratch.size()),
                    Span<float>(out.data(), out.size())) == Status::ok);
  return out;
}

// Two-pass mean and population standard deviation per feature.
void moments(std::vector<double>* mean, std::vector<double>* sd) {
  mean->assign(kD, 0.0);
  sd->assign(kD, 0.0);
  for (std::size_t j = 0; j < kD; ++j) {
    for (std::size_t i = 0; i < kN; ++i) (*mean)[j] += x_at(i, j);
    (*mean)[j] /= static_cast<double>(kN);
    double ss = 0.0;
    for (std::size_t i = 0; i < kN; ++i) ss += (x_at(i, j) - (*mean)[j]) * (x_at(i, j) - (*mean)[j]);
    (*sd)[j] = std::sqrt(ss / static_cast<double>(kN));
  }
}

// The L2 logistic regression optimum by Newton's method, on rows
// standardised with the two-pass moments: minimises
// C sum log-loss + |w|^2 / 2 (intercept unpenalised). Returns w then b.
std::vector<double> newton_logistic(double c) {
  std::vector<double> mean, sd;
  moments(&mean, &sd);
  const std::size_t p = kD + 1;
  std::vector<double> z(kN * p);
  for (std::size_t i = 0; i < kN; ++i) {
    for (std::size_t j = 0; j < kD; ++j) z[i * p + j] = (x_at(i, j) - mean[j]) / sd[j];
    z[i * p + kD] = 1.0;
  }
  std::vector<double> beta(p, 0.0);
  for (int iter = 0; iter < 100; ++iter) {
    std::vector<double> g(p, 0.0), h(p * p, 0.0);
    for (std::size_t i = 0; i < kN; ++i) {
      double s = 0.0;
      for (std::size_t j = 0; j < p; ++j) s += beta[j] * z[i * p + j];
      const double q = 1.0 / (1.0 + std::exp(-s));
      const double r = q - static_cast<double>(data::kY[i]);
      for (std::size_t j = 0; j < p; ++j) {
        g[j] += c * r * z[i * p + j];
        for (std::size_t k = 0; k < p; ++k) h[j * p + k] += c * q * (1.0 - q) * z[i * p + j] * z[i * p + k];
      }
    }
    for (std::size_t j = 0; j < kD; ++j) {
      g[j] += beta[j];
      h[j * p + j] += 1.0;
    }
    // Solve h step = g by Gaussian elimination with partial pivoting.
    std::vector<double> step = g;
    for (std::size_t col = 0; col < p; ++col) {
      std::size_t piv = col;
      for (std::size_t r = col + 1; r < p; ++r) {
        if (std::fabs(h[r * p + col]) > std::fabs(h[piv * p + col])) piv = r;
      }
      for (std::size_t k = 0; k < p; ++k) std::swap(h[col * p + k], h[piv * p + k]);
      std::swap(step[col], step[piv]);
      for (std::size_t r = col + 1; r < p; ++r) {
        const double m = h[r * p + col] / h[col * p + col];
        for (std::size_t k = col; k < p; ++k) h[r * p + k] -= m * h[col * p + k];
        step[r] -= m * step[col];
      }
    }
    for (std::size_t col = p; col-- > 0;) {
      for (std::size_t k = col + 1; k < p; ++k) step[col] -= h[col * p + k] * step[k];
      step[col] /= h[col * p + col];
    }
    double largest = 0.0;
    for (std::size_t j = 0; j < p; ++j) {
      beta[j] -= step[j];
      largest = std::max(largest, std::fabs(step[j]));
    }
    if (largest < 1e-13) break;
  }
  return beta;
}

std::size_t accuracy_of(const std::vector<double>& beta) {
  std::vector<double> mean, sd;
  moments(&mean, &sd);
  std::size_t right = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    double s = beta[kD];
    for (std::size_t j = 0; j < kD; ++j) s += beta[j] * (x_at(i, j) - mean[j]) / sd[j];
    right += (s > 0.0 ? 1u : 0u) == data::kY[i] ? 1u : 0u;
  }
  return right;
}

// Greedy CART with gini, written out: every threshold between distinct
// values of every feature ("x < t goes left", t a data value), the largest
// weighted impurity decrease, ties to the lower feature, then the lower
// threshold; pure nodes and nodes at max_depth are leaves.
struct Cart {
  std::size_t max_depth;
  // Class-1 share of the leaf each row reaches.
  std::vector<double> leaf_share = std::vector<double>(kN, 0.0);
  std::size_t splits = 0;

  static double gini(double n1, double n) { return n > 0 ? 1.0 - (n1 / n) * (n1 / n) - ((n - n1) / n) * ((n - n1) / n) : 0.0; }

  void grow(const std::vector<std::size_t>& rows, std::size_t depth) {
    const double n = static_cast<double>(rows.size());
    double n1 = 0;
    for (std::size_t i : rows) n1 += data::kY[i];
    bool split = depth < max_depth && n1 > 0 && n1 < n && rows.size() >= 2;
    std::size_t best_f = 0;
    float best_t = 0.0f;
    double best = -1.0;
    if (split) {
      for (std::size_t f = 0; f < kD; ++f) {
        std::vector<float> values;
        for (std::size_t i : rows) values.push_back(data::kX[i * kD + f]);
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        for (std::size_t k = 1; k < values.size(); ++k) {
          double l = 0, l1 = 0;
          for (std::size_t i : rows) {
            if (data::kX[i * kD + f] < values[k]) {
              l += 1;
              l1 += data::kY[i];
            }
          }
          const double r = n - l, r1 = n1 - l1;
          const double decrease = n / kN * (gini(n1, n) - l / n * gini(l1, l) - r / n * gini(r1, r));
          if (decrease > best + 1e-12) {
            best = decrease;
            best_f = f;
            best_t = values[k];
          }
        }
      }
      split = best >= 0.0;
    }
    if (!split) {
      for (std::size_t i : rows) leaf_share[i] = n1 / n;
      return;
    }
    ++splits;
    std::vector<std::size_t> left, right;
    for (std::size_t i : rows) (data::kX[i * kD + best_f] < best_t ? left : right).push_back(i);
    grow(left, depth + 1);
    grow(right, depth + 1);
  }
};

}  // namespace

TEST_CASE("device_fit on the host: four fits in the static arena, no heap, files back to back") {
  fit_once();
  std::size_t files = 0;
  for (std::size_t k = 0; k < df::kTrainers; ++k) {
    const auto t = static_cast<df::Trainer>(k);
    const df::FitResult& r = df::result(t);
    INFO(df::trainer_name(t) << " " << r.step << " " << status_name(r.status));
    REQUIRE(r.done);
    CHECK(r.status == Status::ok);
    CHECK(r.arena_bytes > 0);
    CHECK(r.converged);
    CHECK(r.file_buffer >= r.size);
    Model m;
    REQUIRE(load_model(r.bytes, r.size, &m) == Status::ok);
    files += (r.size + 7) / 8 * 8;
  }
  // What is kept: the scaler's offset and scale, then the four files.
  CHECK(df::arena_used() == 2 * kD * sizeof(float) + files);
  CHECK(df::arena_peak() <= df::arena_capacity());
  const df::FitResult& tree = df::result(df::Trainer::tree);
  CHECK(tree.binning_used > 0);
  CHECK(tree.binning_used <= tree.binning_bound);
  // The same fits again give the same bytes.
  std::vector<std::vector<unsigned char>> first;
  for (std::size_t k = 0; k < df::kTrainers; ++k) {
    const df::FitResult& r = df::result(static_cast<df::Trainer>(k));
    first.emplace_back(r.bytes, r.bytes + r.size);
  }
  REQUIRE(df::fit_all() == Status::ok);
  for (std::size_t k = 0; k < df::kTrainers; ++k) {
    const df::FitResult& r = df::result(static_cast<df::Trainer>(k));
    CHECK(std::vector<unsigned char>(r.bytes, r.bytes + r.size) == first[k]);
  }
}

TEST_CASE("scaler: its transform is (x - mean) / population std of a two-pass computation") {
  const Model m = loaded(df::Trainer::scaler);
  CHECK(m.task == format::Task::regression);
  CHECK(m.n_steps == 1);
  std::vector<double> mean, sd;
  moments(&mean, &sd);
  for (std::size_t i = 0; i < kN; ++i) {
    const std::vector<float> z = transformed(m, i);
    for (std::size_t j = 0; j < kD; ++j) CHECK(z[j] == doctest::Approx((x_at(i, j) - mean[j]) / sd[j]).epsilon(1e-5).scale(1.0));
  }
  const df::FitResult& r = df::result(df::Trainer::scaler);
  REQUIRE(r.prediction_width == kD);
  for (std::size_t k = 0; k < df::kPredictRows; ++k) {
    const std::vector<float> z = transformed(m, df::predict_row(k));
    CHECK(std::memcmp(z.data(), r.predictions + k * df::kPredictWidth, kD * sizeof(float)) == 0);
  }
}

TEST_CASE("logistic: the coefficients are Newton's optimum of the same objective") {
  const Model m = loaded(df::Trainer::logistic);
  REQUIRE(m.kind == ModelKind::linear);
  CHECK(m.n_steps == 1);  // the scaler's affine step
  const std::vector<double> beta = newton_logistic(df::kLogisticC);
  INFO("newton " << beta[0] << " " << beta[1] << " " << beta[2] << " " << beta[3] << " " << beta[4]);
  // The solver stops once the largest gradient component is below 1e-4;
  // the Hessian's smallest eigenvalue is at least 1 (the penalty), so the
  // coefficients are within about 1e-4 of the optimum.
  for (std::size_t j = 0; j < kD; ++j) CHECK(std::fabs(m.weights[j] - beta[j]) < 1e-3);
  CHECK(std::fabs(m.intercepts[0] - beta[kD]) < 1e-3);
  const df::FitResult& r = df::result(df::Trainer::logistic);
  const std::size_t reference = accuracy_of(beta);
  INFO("reference accuracy " << reference << "/" << kN << ", file " << r.correct);
  CHECK(r.correct + 1 >= reference);
  CHECK(r.correct >= 120);  // 84% of the rows; the optimum gets 94%
  // Predictions are probabilities that sum to 1.
  for (std::size_t k = 0; k < df::kPredictRows; ++k) {
    CHECK(r.predictions[k * df::kPredictWidth] + r.predictions[k * df::kPredictWidth + 1] == doctest::Approx(1.0));
  }
}

TEST_CASE("sgd: streamed row by row, it ends near the batch optimum") {
  const Model m = loaded(df::Trainer::sgd);
  const std::vector<double> beta = newton_logistic(df::kLogisticC);
  const df::FitResult& r = df::result(df::Trainer::sgd);
  CHECK(r.iterations == df::kSgdEpochs * kN);
  double distance = 0.0, norm = 0.0;
  for (std::size_t j = 0; j < kD; ++j) {
    distance += (m.weights[j] - beta[j]) * (m.weights[j] - beta[j]);
    norm += beta[j] * beta[j];
  }
  distance += (m.intercepts[0] - beta[kD]) * (m.intercepts[0] - beta[kD]);
  norm += beta[kD] * beta[kD];
  INFO("relative distance to the optimum " << std::sqrt(distance / norm));
  CHECK(std::sqrt(distance / norm) < 0.1);
  CHECK(r.correct + 2 >= accuracy_of(beta));
}

TEST_CASE("tree: the file predicts what an exhaustive greedy CART of depth 4 predicts") {
  const Model m = loaded(df::Trainer::tree);
  REQUIRE(m.kind == ModelKind::trees);
  Cart cart{df::kTreeMaxDepth};
  std::vector<std::size_t> all(kN);
  for (std::size_t i = 0; i < kN; ++i) all[i] = i;
  cart.grow(all, 0);
  const df::FitResult& r = df::result(df::Trainer::tree);
  CHECK(r.iterations == cart.splits);
  std::size_t right = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    const std::vector<float> p = run(m, i, Output::probability);
    INFO("row " << i);
    CHECK(p[1] == doctest::Approx(cart.leaf_share[i]).epsilon(1e-6));
    right += (cart.leaf_share[i] > 0.5 ? 1u : 0u) == data::kY[i] ? 1u : 0u;
  }
  CHECK(r.correct == right);
}

TEST_CASE("describe_offset names the field a byte lies in") {
  fit_once();
  const df::FitResult& r = df::result(df::Trainer::logistic);
  char text[96];
  CHECK(std::string(df::describe_offset(r.bytes, r.size, 9, text, sizeof text)) == "header crc32");
  CHECK(std::string(df::describe_offset(r.bytes, r.size, 33, text, sizeof text)) == "section[0] kind");
  CHECK(std::string(df::describe_offset(r.bytes, r.size, r.size, text, sizeof text)) == "past the end");
  // Find the sections from the table and probe their fields.
  format::FileHeader h;
  std::memcpy(&h, r.bytes, sizeof h);
  for (std::uint32_t k = 0; k < h.section_count; ++k) {
    format::SectionEntry e;
    std::memcpy(&e, r.bytes + sizeof h + k * sizeof e, sizeof e);
    if (e.kind == static_cast<std::uint32_t>(format::SectionKind::linear)) {
      CHECK(std::string(df::describe_offset(r.bytes, r.size, e.offset + 16 + 4 * 2, text, sizeof text)) ==
            "LINR weights[2]");
      CHECK(std::string(df::describe_offset(r.bytes, r.size, e.offset + 16 + 4 * kD + 1, text, sizeof text)) ==
            "LINR intercepts[0]");
    } else if (e.kind == static_cast<std::uint32_t>(format::SectionKind::pipeline)) {
      // Pipeline header (8), step header (16), offset[4], scale[4].
      CHECK(std::string(df::describe_offset(r.bytes, r.size, e.offset + 8 + 16 + 4 * kD + 4, text, sizeof text)) ==
            "PIPE step[0] affine scale[1]");
    } else if (e.kind == static_cast<std::uint32_t>(format::SectionKind::schema)) {
      CHECK(std::string(df::describe_offset(r.bytes, r.size, e.offset + 16 + 8, text, sizeof text)) ==
            "SCHM n_categories[2]");
    }
  }
  const df::FitResult& t = df::result(df::Trainer::tree);
  CHECK(std::string(df::describe_offset(t.bytes, t.size, 60, text, sizeof text)).rfind("section[1]", 0) == 0);
}
