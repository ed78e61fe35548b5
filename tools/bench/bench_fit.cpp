// Logistic regression fit time: ember's fit_logistic_regression with
// scikit-learn's defaults (l2, C = 1, tol 1e-4, max_iter 100), on a bundled
// CSV (numeric columns, standardised) or a synthetic set. --export writes
// the exact matrix and labels for tools/bench/fit_sklearn.py, so both fit
// the same data in the same run of tools/bench/run.
//
//   bench_fit (--csv FILE --target COL | --synthetic ROWS COLS) [--repeats 5] [--export PATH] [--json]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"
#include "ember/base/arena.h"
#include "ember/logistic_regression.h"
#include "ember/rng.h"
#include "host/csv.h"
#include "host/heap_upstream.h"

namespace {

struct Data {
  std::size_t n = 0, d = 0;
  std::uint32_t classes = 0;
  std::vector<float> x;
  std::vector<std::int32_t> y;
  std::string name;
};

bool load_csv(const std::string& path, const std::string& target, Data* out) {
  ember::host::Table t;
  ember::host::Error e;
  ember::host::CsvOptions options;
  options.target = target;
  if (!ember::host::read_csv(path, options, &t, &e)) {
    std::fprintf(stderr, "bench_fit: %s\n", e.to_string().c_str());
    return false;
  }
  const ember::host::Column& y = t.columns[static_cast<std::size_t>(t.target)];
  if (y.type != ember::host::ColumnType::categorical) {
    std::fprintf(stderr, "bench_fit: the target must hold class labels\n");
    return false;
  }
  std::vector<const ember::host::Column*> cols;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    if (static_cast<int>(j) != t.target && t.columns[j].type == ember::host::ColumnType::numeric) {
      cols.push_back(&t.columns[j]);
    }
  }
  out->n = t.rows;
  out->d = cols.size();
  out->x.assign(out->n * out->d, 0.0f);
  for (std::size_t j = 0; j < out->d; ++j) {
    double mean = 0.0, var = 0.0;
    for (float v : cols[j]->values) mean += v;
    mean /= static_cast<double>(out->n);
    for (float v : cols[j]->values) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / static_cast<double>(out->n));
    for (std::size_t i = 0; i < out->n; ++i) {
      out->x[i * out->d + j] = static_cast<float>(sd > 0 ? (cols[j]->values[i] - mean) / sd : 0.0);
    }
  }
  out->y = y.codes;
  out->classes = static_cast<std::uint32_t>(y.labels.size());
  return true;
}

// Binary labels from a logistic model with N(0, 1/d) weights on N(0, 1) features.
void synthetic(std::size_t n, std::size_t d, Data* out) {
  ember::Rng rng(7);
  out->n = n;
  out->d = d;
  out->classes = 2;
  out->x.resize(n * d);
  out->y.resize(n);
  std::vector<double> w(d);
  for (double& v : w) v = rng.normal() / std::sqrt(static_cast<double>(d)) * 3.0;
  for (std::size_t i = 0; i < n; ++i) {
    double z = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const float v = static_cast<float>(rng.normal());
      out->x[i * d + j] = v;
      z += w[j] * v;
    }
    out->y[i] = rng.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1 : 0;
  }
}

bool export_data(const Data& data, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const std::uint64_t header[3] = {data.n, data.d, data.classes};
  std::fwrite(header, sizeof header, 1, f);
  std::fwrite(data.x.data(), sizeof(float), data.x.size(), f);
  std::fwrite(data.y.data(), sizeof(std::int32_t), data.y.size(), f);
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Data data;
  int repeats = 5;
  bool json = false;
  std::string csv, target, export_path;
  std::size_t rows = 0, cols = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--csv" && i + 1 < argc) {
      csv = argv[++i];
    } else if (a == "--target" && i + 1 < argc) {
      target = argv[++i];
    } else if (a == "--synthetic" && i + 2 < argc) {
      rows = std::strtoul(argv[++i], nullptr, 10);
      cols = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
    } else if (a == "--export" && i + 1 < argc) {
      export_path = argv[++i];
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(
          stderr,
          "usage: bench_fit (--csv FILE --target COL | --synthetic ROWS COLS) [--repeats N] [--export PATH] "
          "[--json]\n");
      return 2;
    }
  }
  if (!csv.empty()) {
    if (!load_csv(csv, target, &data)) return 1;
    const std::size_t slash = csv.find_last_of('/');
    data.name = csv.substr(slash == std::string::npos ? 0 : slash + 1);
  } else if (rows > 0 && cols > 0) {
    synthetic(rows, cols, &data);
    data.name = "synthetic " + std::to_string(rows) + " x " + std::to_string(cols);
  } else {
    std::fprintf(stderr, "bench_fit: give --csv FILE --target COL or --synthetic ROWS COLS\n");
    return 2;
  }
  if (!export_path.empty() && !export_data(data, export_path)) {
    std::fprintf(stderr, "bench_fit: cannot write %s\n", export_path.c_str());
    return 1;
  }
  const std::uint32_t k = ember::logistic_outputs(data.classes);
  std::vector<float> coef(k * data.d), intercept(k);
  ember::FitReport report;
  std::size_t peak = 0;
  bool ok = true;
  const auto seconds = ember::bench::time_repeats(repeats, [&] {
    ember::Arena arena(nullptr, 0, ember::host::heap_upstream());
    const ember::Status s = ember::fit_logistic_regression(
        ember::MatrixView<const float>{data.x.data(), data.n, data.d, data.d},
        ember::Span<const std::int32_t>(data.y.data(), data.y.size()), data.classes, {}, {},
        ember::LogisticRegressionOptions{}, arena, ember::Span<float>(coef.data(), coef.size()),
        ember::Span<float>(intercept.data(), intercept.size()), &report);
    ok = ok && s == ember::Status::ok;
    peak = arena.high_water();
  });
  if (!ok) {
    std::fprintf(stderr, "bench_fit: the fit failed\n");
    return 1;
  }
  const double ms = ember::bench::median(seconds) * 1e3;
  if (json) {
    std::printf(
        "{\"name\":\"logistic fit, ember (%s)\",\"value\":%.2f,\"unit\":\"ms\",\"note\":\"%u iterations, "
        "objective %.6f, solver memory %zu bytes beside the %zu-byte float32 matrix\"}\n",
        data.name.c_str(), ms, report.iterations, report.objective, peak, data.x.size() * sizeof(float));
  } else {
    std::printf(
        "%s: %zu x %zu, %u classes: fit %.2f ms (median of %d), %u iterations, objective %.6f, memory %zu "
        "bytes\n",
        data.name.c_str(), data.n, data.d, data.classes, ms, repeats, report.iterations, report.objective,
        peak);
  }
  return 0;
}
