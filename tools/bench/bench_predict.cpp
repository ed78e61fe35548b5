// Prediction speed of the runtime: single-row predict() against
// predict_batch() on the same model and rows, in one process.
//
//   bench_predict [--trees 100] [--depth 6] [--features 28] [--rows 100000] [--repeats 7]
//                 [--nan 5] [--json]
//
// The model is a random boosted ensemble of complete trees (binary, logistic
// link) built with the writer; rows are N(0, 1) with --nan percent missing.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"
#include "ember/runtime/model.h"
#include "ember/runtime/predict.h"
#include "random_model.h"

using ember::bench::median;
using ember::bench::time_repeats;

int main(int argc, char** argv) {
  ember::test::RandomForestShape shape;
  shape.n_trees = 100;
  shape.max_depth = 6;
  shape.n_features = 28;
  shape.full = true;
  shape.task = ember::format::Task::binary;
  shape.link = ember::format::Link::logistic;
  std::size_t n_rows = 100000;
  int repeats = 7;
  bool json = false;
  std::uint32_t nan_percent = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::strtoul(argv[++i], nullptr, 10) : 0ul; };
    if (a == "--trees")
      shape.n_trees = static_cast<std::uint32_t>(next());
    else if (a == "--depth")
      shape.max_depth = static_cast<std::uint32_t>(next());
    else if (a == "--features")
      shape.n_features = static_cast<std::uint32_t>(next());
    else if (a == "--rows")
      n_rows = next();
    else if (a == "--repeats")
      repeats = static_cast<int>(next());
    else if (a == "--nan")
      nan_percent = static_cast<std::uint32_t>(next());
    else if (a == "--json")
      json = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_predict [--trees N] [--depth N] [--features N] [--rows N] [--repeats N] "
                   "[--nan PERCENT] [--json]\n");
      return 2;
    }
  }
  const auto ensemble = ember::test::random_ensemble(shape, 42);
  const auto bytes = ember::test::random_tree_model(shape, 42);
  ember::Model m;
  if (bytes.status != ember::Status::ok ||
      ember::load_model(bytes.data(), bytes.size, &m) != ember::Status::ok) {
    std::fprintf(stderr, "bench_predict: could not build the model\n");
    return 1;
  }
  const auto rows = ember::test::random_rows(shape, n_rows, 7, ensemble.n_categories, nan_percent);
  std::vector<float> out(n_rows);
  std::vector<unsigned char> scratch(ember::scratch_bytes(m)), batch_scratch(ember::batch_scratch_bytes(m));
  const std::size_t w = shape.n_features;

  auto run_single = [&] {
    for (std::size_t r = 0; r < n_rows; ++r) {
      ember::predict(m, ember::Span<const float>(rows.data() + r * w, w),
                     ember::Span<unsigned char>(scratch.data(), scratch.size()), ember::Output::raw,
                     ember::Span<float>(&out[r], 1));
    }
  };
  auto run_batch = [&] {
    ember::predict_batch(m, ember::MatrixView<const float>{rows.data(), n_rows, w, w},
                         ember::Span<unsigned char>(batch_scratch.data(), batch_scratch.size()),
                         ember::Output::raw, ember::MatrixView<float>{out.data(), n_rows, 1, 1});
  };
  // Alternate the two so that a noisy neighbour slows both alike; the
  // speed-up is the median of the paired ratios.
  std::vector<double> single, batch, ratio;
  for (int i = 0; i < repeats; ++i) {
    single.push_back(time_repeats(1, run_single)[0]);
    batch.push_back(time_repeats(1, run_batch)[0]);
    ratio.push_back(single.back() / batch.back());
  }
  const double single_ns = median(single) / static_cast<double>(n_rows) * 1e9;
  const double batch_ns = median(batch) / static_cast<double>(n_rows) * 1e9;
  const std::string shape_text = std::to_string(shape.n_trees) + " trees, depth " +
                                 std::to_string(shape.max_depth) + ", " + std::to_string(shape.n_features) +
                                 " features, " + std::to_string(nan_percent) + "% missing";
  if (json) {
    std::printf(
        "{\"name\":\"predict single row (%s)\",\"value\":%.1f,\"unit\":\"ns/row\","
        "\"note\":\"model %zu bytes; median of %d x %zu rows\"}\n",
        shape_text.c_str(), single_ns, bytes.size, repeats, n_rows);
    std::printf(
        "{\"name\":\"predict batch (%s)\",\"value\":%.1f,\"unit\":\"ns/row\","
        "\"note\":\"%.2fx the single-row speed (median of paired ratios)\"}\n",
        shape_text.c_str(), batch_ns, median(ratio));
  } else {
    std::printf("%s, %zu bytes: single row %.1f ns/row, batch %.1f ns/row (%.2fx)\n", shape_text.c_str(),
                bytes.size, single_ns, batch_ns, median(ratio));
  }
  return 0;
}
