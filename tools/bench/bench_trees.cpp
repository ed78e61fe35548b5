// Tree-ensemble training benchmark: gradient boosting or a random forest on
// a synthetic binary task (host/synthetic.h), timed end to end through the
// host trainer (binning included) and scored by ROC AUC on held-out rows
// through the runtime. --export-train/--export-test write the same rows for
// tools/bench/fit_trees_reference.py (XGBoost, scikit-learn).
//   bench_trees --model gbdt|forest [--rows N] [--test-rows M] [--features D]
//               [--trees T] [--depth K] [--threads J] [--repeats R] [--seed S]
//               [--export-train PATH --export-test PATH] [--quantized] [--json]
// --quantized fits gbdt with use_quantized_grad. The README's comparison:
//   bench_trees --model gbdt --rows 1000000 --test-rows 200000 --threads 2
//     --repeats 3 --export-train T --export-test V
//   bench_trees --model gbdt --rows 1000000 --test-rows 200000 --threads 2
//     --repeats 3 --quantized
//   /usr/bin/python3 tools/bench/fit_trees_reference.py gbdt T V --threads 2 --repeats 3
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"
#include "ember/metrics.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "host/heap_upstream.h"
#include "host/synthetic.h"
#include "host/tree_trainer.h"

namespace {

using namespace ember;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

// Layout shared with bench_fit --export: n, d, classes (u64), x (f32, row-major), y (i32).
bool export_rows(const host::SynthData& s, std::size_t begin, std::size_t end, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const std::uint64_t header[3] = {end - begin, s.features, s.classes};
  std::fwrite(header, sizeof header, 1, f);
  std::fwrite(s.x.data() + begin * s.features, sizeof(float), (end - begin) * s.features, f);
  std::vector<std::int32_t> y(end - begin);
  for (std::size_t i = begin; i < end; ++i) y[i - begin] = static_cast<std::int32_t>(s.y[i]);
  std::fwrite(y.data(), sizeof(std::int32_t), y.size(), f);
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model = "gbdt", export_train, export_test;
  std::size_t rows = 100000, test_rows = 50000, features = 28;
  std::uint32_t trees = 100, depth = 6;
  unsigned threads = 2;
  int repeats = 3;
  std::uint64_t seed = 1;
  bool json = false, quantized = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--model") {
      model = next();
    } else if (a == "--rows") {
      rows = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--test-rows") {
      test_rows = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--features") {
      features = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--trees") {
      trees = static_cast<std::uint32_t>(std::strtoul(next().c_str(), nullptr, 10));
    } else if (a == "--depth") {
      depth = static_cast<std::uint32_t>(std::strtoul(next().c_str(), nullptr, 10));
    } else if (a == "--threads") {
      threads = static_cast<unsigned>(std::strtoul(next().c_str(), nullptr, 10));
    } else if (a == "--repeats") {
      repeats = std::atoi(next().c_str());
    } else if (a == "--seed") {
      seed = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--export-train") {
      export_train = next();
    } else if (a == "--export-test") {
      export_test = next();
    } else if (a == "--json") {
      json = true;
    } else if (a == "--quantized") {
      quantized = true;
    } else {
      std::fprintf(stderr, "usage: see the comment at the top of bench_trees.cpp\n");
      return 2;
    }
  }
  if ((model != "gbdt" && model != "forest") || rows == 0 || test_rows == 0 || repeats < 1) {
    std::fprintf(stderr, "bench_trees: --model gbdt|forest, positive --rows, --test-rows and --repeats\n");
    return 2;
  }
  host::SynthOptions so;
  so.rows = rows + test_rows;
  so.features = features;
  so.seed = seed;
  host::SynthData data;
  std::string message;
  if (!host::make_synthetic(so, &data, &message)) {
    std::fprintf(stderr, "bench_trees: %s\n", message.c_str());
    return 2;
  }
  if (!export_train.empty() && (!export_rows(data, 0, rows, export_train) ||
                                !export_rows(data, rows, rows + test_rows, export_test))) {
    std::fprintf(stderr, "bench_trees: cannot write the exported rows\n");
    return 1;
  }
  // The training rows as a table (column-major), the test rows as a matrix.
  host::Table table;
  table.rows = rows;
  for (std::size_t j = 0; j < features; ++j) {
    host::Column c;
    c.name = data.names[j];
    c.values.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) c.values[i] = data.x[i * features + j];
    table.columns.push_back(std::move(c));
  }
  host::Column target;
  target.name = "target";
  target.type = host::ColumnType::categorical;
  target.labels = {"class0", "class1"};
  target.codes.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) target.codes[i] = static_cast<std::int32_t>(data.y[i]);
  table.columns.push_back(std::move(target));
  table.target = static_cast<int>(features);
  std::vector<float> test_x(data.x.begin() + static_cast<std::ptrdiff_t>(rows * features), data.x.end());
  std::vector<std::int32_t> test_y(test_rows);
  for (std::size_t i = 0; i < test_rows; ++i) test_y[i] = static_cast<std::int32_t>(data.y[rows + i]);
  data = host::SynthData{};
  const double rss_loaded = peak_rss_mb();

  host::TreeTrainOptions o;
  o.kind = model == "gbdt" ? host::TreeKind::gbdt : host::TreeKind::forest;
  o.n_jobs = threads;
  o.seed = seed;
  o.bins.max_bins = 255;  // + the missing bin: 256, as XGBoost's max_bin=256
  if (o.kind == host::TreeKind::gbdt) {
    o.gbdt.n_estimators = trees;
    o.gbdt.max_depth = depth;
    o.gbdt.learning_rate = 0.1;
    o.gbdt.min_data_in_leaf = 1;  // XGBoost has no such rule; min_child_weight=1 as it
    o.gbdt.quantized_gradients = quantized;
  } else {
    o.n_estimators = trees;
    o.bootstrap = true;
  }
  host::TrainedTrees trained;
  std::vector<double> seconds;
  for (int r = 0; r < repeats; ++r) {
    host::Error error;
    if (!host::train_tree_model(table, o, &trained, &error)) {
      std::fprintf(stderr, "bench_trees: %s\n", error.to_string().c_str());
      return 1;
    }
    seconds.push_back(trained.fit_seconds);
  }
  const double rss_peak = peak_rss_mb();
  Model m;
  if (load_model(trained.storage.data(), trained.size, &m) != Status::ok) return 1;
  const std::size_t k = output_size(m, Output::probability);
  std::vector<float> proba(test_rows * k);
  std::vector<unsigned char> scratch(batch_scratch_bytes(m));
  Status s = predict_batch(m, MatrixView<const float>{test_x.data(), test_rows, features, features},
                           Span<unsigned char>(scratch.data(), scratch.size()), Output::probability,
                           MatrixView<float>{proba.data(), test_rows, k, k});
  std::vector<float> score(test_rows);
  for (std::size_t i = 0; i < test_rows; ++i) score[i] = proba[i * k + k - 1];
  Arena arena(nullptr, 0, host::heap_upstream());
  double auc = 0.0;
  if (s == Status::ok)
    s = roc_auc(Span<const std::int32_t>(test_y.data(), test_rows),
                Span<const float>(score.data(), test_rows), {}, arena, &auc);
  if (s != Status::ok) {
    std::fprintf(stderr, "bench_trees: scoring failed: %s\n", status_name(s));
    return 1;
  }
  const std::string name =
      std::string(model == "gbdt" ? "gbdt" : "random forest") + " fit, ember (" + std::to_string(rows) +
      " x " + std::to_string(features) + ", " + std::to_string(trees) + " trees" +
      (model == "gbdt" ? ", depth " + std::to_string(depth) : "") + ", " + std::to_string(trained.threads) +
      " threads" + (quantized ? ", quantized" : "") + ")";
  const double med = ember::bench::median(seconds);
  if (json) {
    std::printf(
        "{\"name\":\"%s\",\"value\":%.3f,\"unit\":\"s\",\"auc\":%.6f,\"peak_rss_mb\":%.1f,"
        "\"training_rss_mb\":%.1f,\"note\":\"median of %d; test AUC %.4f; peak RSS %.0f MB (%.0f MB over the "
        "loaded data)\"}\n",
        name.c_str(), med, auc, rss_peak, rss_peak - rss_loaded, repeats, auc, rss_peak,
        rss_peak - rss_loaded);
  } else {
    std::printf("%s: median %.3f s over %d, test AUC %.4f, peak RSS %.0f MB (%.0f MB over the loaded data)\n",
                name.c_str(), med, repeats, auc, rss_peak, rss_peak - rss_loaded);
  }
  return 0;
}
