// A predict-only program, linked against ember_runtime alone (the firmware
// case): loads a model given on the command line and predicts one row per
// output kind. tests/runtime_only/check_symbols.cmake then checks what the
// linked program contains.
#include <cstdio>
#include <cstring>

#include "ember/runtime/ember_c.h"

#ifdef EMBER_ALSO_FIT
int also_fit();  // also_fits.cpp: uses a trainer, which the symbol check must catch
#endif

int main(int argc, char** argv) {
#ifdef EMBER_ALSO_FIT
  if (argc == 3) return also_fit();
#endif
  if (argc != 2) {
    std::fputs("usage: predict_only MODEL.ember\n", stderr);
    return 2;
  }
  static unsigned long long storage[1 << 16];  // 512 KB, 8-byte aligned
  std::FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr) return 1;
  const std::size_t size = std::fread(storage, 1, sizeof storage, f);
  std::fclose(f);
  ember_model model;
  const ember_status s = ember_load(&model, storage, size);
  if (s != EMBER_STATUS_ok) {
    std::fprintf(stderr, "load: %s\n", ember_status_name(s));
    return 1;
  }
  static unsigned char scratch[1 << 16];
  static float row[1 << 12], out[1 << 12];
  const std::size_t n = ember_n_features(&model);
  if (n > sizeof row / sizeof row[0] || ember_scratch_bytes(&model) > sizeof scratch) return 1;
  for (std::size_t j = 0; j < n; ++j) row[j] = 0.5f;
  for (int kind = EMBER_OUTPUT_RAW; kind <= EMBER_OUTPUT_LABEL; ++kind) {
    const std::size_t width = ember_output_size(&model, static_cast<ember_output>(kind));
    if (width == 0) continue;
    if (ember_predict(&model, row, n, scratch, sizeof scratch, static_cast<ember_output>(kind), out, width) !=
        EMBER_STATUS_ok)
      return 1;
    std::printf("%d:", kind);
    for (std::size_t o = 0; o < width; ++o) std::printf(" %.9g", static_cast<double>(out[o]));
    std::printf("\n");
  }
  return 0;
}
