// Integer (quantized) predict against float predict, in the same process:
//
//   bench_quantized --float M.ember --int MQ.ember --csv DATA.csv --name NAME [--repeats N] [--copies N]
//   [--json]
//
// The rows are the data file's, read for the float model and repeated
// `copies` times (default: to about 100,000 rows). Four timings per model,
// each the median over repeats, alternated so a noisy neighbour slows all
// alike:
//   float single   predict() row by row on the float model
//   float batch    predict_batch() on the float model
//   int16 single   predict_q() row by row on int16 rows (quantized once,
//                  outside the timing: a device whose sensors give integers)
//   float entry    predict() row by row on the integer model: quantize_row,
//                  then predict_q, then the outputs back to float
// and the ratio float single / int16 single (median of paired ratios).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"
#include "ember/runtime/predict.h"
#include "ember/runtime/predict_q.h"
#include "host/model_file.h"
#include "host/model_input.h"

using ember::bench::median;
using ember::bench::time_repeats;

namespace {

struct Args {
  std::string float_path, int_path, csv_path, name;
  int repeats = 7;
  std::size_t copies = 0;
  bool json = false;
};

bool parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const bool has_value = i + 1 < argc;
    if (k == "--json") {
      a->json = true;
    } else if (k == "--float" && has_value) {
      a->float_path = argv[++i];
    } else if (k == "--int" && has_value) {
      a->int_path = argv[++i];
    } else if (k == "--csv" && has_value) {
      a->csv_path = argv[++i];
    } else if (k == "--name" && has_value) {
      a->name = argv[++i];
    } else if (k == "--repeats" && has_value) {
      a->repeats = std::atoi(argv[++i]);
    } else if (k == "--copies" && has_value) {
      a->copies = static_cast<std::size_t>(std::atoll(argv[++i]));
    } else {
      return false;
    }
  }
  return !a->float_path.empty() && !a->int_path.empty() && !a->csv_path.empty() && a->repeats > 0;
}

bool load(const std::string& path, ember::host::LoadedModel* lm) {
  ember::host::Error e;
  if (ember::host::load_model_file(path, lm, &e)) return true;
  std::fprintf(stderr, "bench_quantized: %s\n", e.to_string().c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, &a)) {
    std::fprintf(stderr,
                 "usage: bench_quantized --float M.ember --int MQ.ember --csv DATA.csv --name NAME "
                 "[--repeats N] [--copies N] [--json]\n");
    return 2;
  }
  ember::host::LoadedModel fm, qm;
  if (!load(a.float_path, &fm) || !load(a.int_path, &qm)) return 1;
  if (!ember::is_integer_model(qm.model)) {
    std::fprintf(stderr, "bench_quantized: %s is not an integer model\n", a.int_path.c_str());
    return 1;
  }
  ember::host::ModelInput in;
  ember::host::Error e;
  if (!ember::host::read_model_input(a.csv_path, fm, ember::host::CsvOptions{}, &in, &e)) {
    std::fprintf(stderr, "bench_quantized: %s\n", e.to_string().c_str());
    return 1;
  }
  const std::size_t w = fm.model.n_features, data_rows = in.table.rows;
  const std::size_t copies = a.copies > 0 ? a.copies : (100000 + data_rows - 1) / data_rows;
  const std::size_t n = data_rows * copies;
  std::vector<float> rows(n * w);
  for (std::size_t c = 0; c < copies; ++c)
    std::memcpy(rows.data() + c * data_rows * w, in.rows.data(), data_rows * w * sizeof(float));
  std::vector<std::int16_t> qrows(n * w);
  for (std::size_t r = 0; r < n; ++r) {
    if (ember::quantize_row(qm.model, ember::Span<const float>(rows.data() + r * w, w),
                            ember::Span<std::int16_t>(qrows.data() + r * w, w)) != ember::Status::ok) {
      std::fprintf(stderr, "bench_quantized: quantize_row failed on row %zu\n", r + 1);
      return 1;
    }
  }
  // The label: what a device acts on; the same output for every kind of model.
  const ember::Output kind = ember::Output::label;
  std::vector<float> out(n);
  std::vector<std::int32_t> qout(n);
  std::vector<unsigned char> scratch(ember::scratch_bytes(fm.model)),
      batch_scratch(ember::batch_scratch_bytes(fm.model)), qscratch(ember::scratch_bytes(qm.model));
  auto float_single = [&] {
    for (std::size_t r = 0; r < n; ++r)
      ember::predict(fm.model, ember::Span<const float>(rows.data() + r * w, w),
                     ember::Span<unsigned char>(scratch.data(), scratch.size()), kind,
                     ember::Span<float>(&out[r], 1));
  };
  auto float_batch = [&] {
    ember::predict_batch(fm.model, ember::MatrixView<const float>{rows.data(), n, w, w},
                         ember::Span<unsigned char>(batch_scratch.data(), batch_scratch.size()), kind,
                         ember::MatrixView<float>{out.data(), n, 1, 1});
  };
  auto int_single = [&] {
    for (std::size_t r = 0; r < n; ++r)
      ember::predict_q(qm.model, ember::Span<const std::int16_t>(qrows.data() + r * w, w),
                       ember::Span<unsigned char>(qscratch.data(), qscratch.size()), kind,
                       ember::Span<std::int32_t>(&qout[r], 1));
  };
  auto float_entry = [&] {
    for (std::size_t r = 0; r < n; ++r)
      ember::predict(qm.model, ember::Span<const float>(rows.data() + r * w, w),
                     ember::Span<unsigned char>(qscratch.data(), qscratch.size()), kind,
                     ember::Span<float>(&out[r], 1));
  };
  std::vector<double> fs, fb, is, fe, ratio;
  for (int i = 0; i < a.repeats; ++i) {
    fs.push_back(time_repeats(1, float_single)[0]);
    fb.push_back(time_repeats(1, float_batch)[0]);
    is.push_back(time_repeats(1, int_single)[0]);
    fe.push_back(time_repeats(1, float_entry)[0]);
    ratio.push_back(fs.back() / is.back());
  }
  const double per_row = 1e9 / static_cast<double>(n);
  const double v[4] = {median(fs) * per_row, median(fb) * per_row, median(is) * per_row,
                       median(fe) * per_row};
  const char* what[4] = {"float single row", "float batch", "int16 single row", "integer model, float entry"};
  char speed[64];
  std::snprintf(speed, sizeof speed, "%.2fx the float single-row speed", median(ratio));
  for (int k = 0; k < 4; ++k) {
    if (a.json) {
      std::printf("{\"name\":\"predict %s (%s)\",\"value\":%.1f,\"unit\":\"ns/row\",\"note\":\"%s\"}\n",
                  what[k], a.name.c_str(), v[k], k == 2 ? speed : "label output, median of paired runs");
    } else {
      std::printf("%-14s %-28s %8.1f ns/row\n", a.name.c_str(), what[k], v[k]);
    }
  }
  if (!a.json) std::printf("%-14s int16 / float single-row speed: %.2fx\n", a.name.c_str(), median(ratio));
  return 0;
}
