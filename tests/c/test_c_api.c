/* The C API, from a translation unit compiled as C99. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ember/runtime/ember_c.h"

size_t ember_test_write_small_tree(void* buffer, size_t capacity);
size_t ember_test_write_quant_tree(void* buffer, size_t capacity);

static int passed = 0, failed = 0;
#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (cond) {                                                          \
      ++passed;                                                          \
    } else {                                                             \
      ++failed;                                                          \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                    \
  } while (0)

int main(void) {
  static uint64_t storage[128];
  unsigned char* bytes = (unsigned char*)storage;
  const size_t size = ember_test_write_small_tree(bytes, sizeof storage);
  EXPECT(size > 0);

  ember_model model;
  EXPECT(ember_load(&model, bytes, size) == EMBER_STATUS_ok);
  EXPECT(ember_n_features(&model) == 2);
  EXPECT(ember_n_classes(&model) == 0);
  EXPECT(ember_output_size(&model, EMBER_OUTPUT_RAW) == 1);
  EXPECT(ember_output_size(&model, EMBER_OUTPUT_PROBABILITY) == 0);

  unsigned char scratch[64];
  EXPECT(ember_scratch_bytes(&model) <= sizeof scratch);
  /* Hand-computed: see c_fixture.cpp. */
  const float rows[4][2] = {{0.4f, 9.0f}, {0.5f, 1.0f}, {0.7f, 2.0f}, {NAN, 0.0f}};
  const float expected[4] = {10.0f, 20.0f, 30.0f, 20.0f};
  for (int r = 0; r < 4; ++r) {
    float out = 0.0f;
    EXPECT(ember_predict(&model, rows[r], 2, scratch, sizeof scratch, EMBER_OUTPUT_LABEL, &out, 1) ==
           EMBER_STATUS_ok);
    EXPECT(out == expected[r]);
  }
  static unsigned char batch_scratch[1024];
  float batch[4] = {0};
  EXPECT(ember_batch_scratch_bytes(&model) <= sizeof batch_scratch);
  EXPECT(ember_predict_batch(&model, &rows[0][0], 4, 2, batch_scratch, sizeof batch_scratch, EMBER_OUTPUT_RAW,
                             batch, 1) == EMBER_STATUS_ok);
  EXPECT(memcmp(batch, expected, sizeof batch) == 0);

  float out = 0.0f;
  EXPECT(ember_predict(&model, rows[0], 3, scratch, sizeof scratch, EMBER_OUTPUT_RAW, &out, 1) ==
         EMBER_STATUS_shape_mismatch);
  EXPECT(ember_predict(&model, rows[0], 2, scratch, sizeof scratch, EMBER_OUTPUT_PROBABILITY, &out, 1) ==
         EMBER_STATUS_invalid_argument);

  bytes[size - 1] ^= 0x40u;
  EXPECT(ember_load(&model, bytes, size) == EMBER_STATUS_checksum_mismatch);
  EXPECT(strcmp(ember_status_name(EMBER_STATUS_checksum_mismatch), "checksum_mismatch") == 0);
  EXPECT(strcmp(ember_status_name(250), "unknown_status") == 0);
  EXPECT(strcmp(ember_status_name(-1), "unknown_status") == 0);
  EXPECT(ember_load(&model, bytes + 4, size - 4) == EMBER_STATUS_misaligned);

  /* An integer model (tests/support/quant_models.h, QuantTreeModel): Q8
   * outputs, base 5 + 1; hand-computed leaves. */
  static uint64_t qstorage[128];
  const size_t qsize = ember_test_write_quant_tree(qstorage, sizeof qstorage);
  EXPECT(qsize > 0);
  ember_model q;
  EXPECT(ember_load(&q, qstorage, qsize) == EMBER_STATUS_ok);
  EXPECT(ember_is_integer_model(&q) == 1);
  EXPECT(ember_output_frac_bits(&q) == 8);
  EXPECT(ember_scratch_bytes_q(&q) == ember_scratch_bytes(&q));
  EXPECT(ember_scratch_bytes_q(&q) <= sizeof scratch);
  {
    const int16_t qrows[3][2] = {{5, 1}, {10, 0}, {-32768, 2}};
    const int32_t qexpected[3] = {106, 3006, 3006};
    for (int r = 0; r < 3; ++r) {
      int32_t qout = 0;
      EXPECT(ember_predict_q(&q, qrows[r], 2, scratch, sizeof scratch, EMBER_OUTPUT_RAW, &qout, 1) ==
             EMBER_STATUS_ok);
      EXPECT(qout == qexpected[r]);
    }
    /* The float entry point: 2.5 / 0.5 = 5, category 1; raw 106 x 2^-8. */
    const float frow[2] = {2.5f, 1.0f};
    int16_t quantized[2] = {0, 0};
    EXPECT(ember_quantize_row(&q, frow, 2, quantized, 2) == EMBER_STATUS_ok);
    EXPECT(quantized[0] == 5 && quantized[1] == 1);
    float fout = 0.0f;
    EXPECT(ember_predict(&q, frow, 2, scratch, sizeof scratch, EMBER_OUTPUT_RAW, &fout, 1) ==
           EMBER_STATUS_ok);
    EXPECT(fout == 106.0f / 256.0f);
    int32_t qout = 0;
    EXPECT(ember_predict_q(&q, qrows[0], 2, scratch, sizeof scratch, EMBER_OUTPUT_PROBABILITY, &qout, 1) ==
           EMBER_STATUS_invalid_argument);
  }
  {
    /* ember_predict_q refuses a float model. */
    static uint64_t fstorage[128];
    const size_t fsize = ember_test_write_small_tree(fstorage, sizeof fstorage);
    ember_model fm;
    const int16_t row2[2] = {0, 0};
    int32_t qout = 0;
    EXPECT(ember_load(&fm, fstorage, fsize) == EMBER_STATUS_ok);
    EXPECT(ember_is_integer_model(&fm) == 0);
    EXPECT(ember_predict_q(&fm, row2, 2, scratch, sizeof scratch, EMBER_OUTPUT_RAW, &qout, 1) ==
           EMBER_STATUS_invalid_argument);
  }

  printf("c_api: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
