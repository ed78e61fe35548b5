/* A header written by `ember export-c`, compiled as C99 (-std=c99
 * -pedantic) with the C API: the array loads in place, the #defines agree
 * with the runtime, and the golden vectors pass ember_self_test.
 *
 * The build trains a gbdt on tests/data/iris.csv with --golden 8 and exports
 * it as iris_model.h (tests/CMakeLists.txt). The GOLD section is also read
 * here by hand, from docs/FORMAT.md, to check the self-test against
 * predictions made through ember_predict. */
#include <stdio.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "iris_model.h"

/* Checked at compile time: a negative array size otherwise. */
typedef char bytes_define_matches_array[sizeof iris_model == IRIS_MODEL_BYTES ? 1 : -1];
#if defined(__GNUC__)
typedef char array_is_8_byte_aligned[__alignof__(iris_model) == 8 ? 1 : -1];
#endif

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

static uint32_t u32_at(const unsigned char* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(unsigned char* p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

/* CRC-32 as zlib computes it, bit by bit (not the runtime's table). */
static uint32_t crc32_bits(uint32_t crc, const unsigned char* p, size_t n) {
  size_t i;
  int k;
  crc = ~crc;
  for (i = 0; i < n; ++i) {
    crc ^= p[i];
    for (k = 0; k < 8; ++k) crc = (crc & 1u) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

/* FORMAT.md: the CRC covers bytes [0, 8) and [12, file_size). */
static void reseal(unsigned char* file, size_t size) {
  put_u32(file + 8, crc32_bits(crc32_bits(0, file, 8), file + 12, size - 12));
}

/* The offset of the GOLD section's payload, or 0. */
static uint32_t gold_offset(const unsigned char* file, uint32_t* entry) {
  const uint32_t n = u32_at(file + 20);
  uint32_t i;
  for (i = 0; i < n; ++i) {
    const unsigned char* e = file + 32 + 16 * i;
    if (memcmp(e, "GOLD", 4) == 0) {
      if (entry != NULL) *entry = 32 + 16 * i;
      return u32_at(e + 8);
    }
  }
  return 0;
}

static uint64_t copy[(IRIS_MODEL_BYTES + 7) / 8];

int main(void) {
  static unsigned char scratch[IRIS_MODEL_SELF_TEST_SCRATCH_BYTES];
  static unsigned char batch_scratch[IRIS_MODEL_BATCH_SCRATCH_BYTES];
  ember_model model;
  uint32_t checked = 0, bad = 0, gold, n_rows, n_features, n_raw, n_proba, r, entry = 0;
  const unsigned char* p;
  unsigned char* bytes = (unsigned char*)copy;

  EXPECT((uintptr_t)iris_model % 8 == 0);
  EXPECT(iris_model_size == IRIS_MODEL_BYTES);
  EXPECT(memcmp(iris_model, "EMBR", 4) == 0);
  EXPECT(ember_load(&model, iris_model, iris_model_size) == EMBER_STATUS_ok);
  EXPECT(ember_n_features(&model) == IRIS_MODEL_N_FEATURES);
  EXPECT(ember_n_classes(&model) == IRIS_MODEL_N_CLASSES);
  EXPECT(IRIS_MODEL_N_FEATURES == 4 && IRIS_MODEL_N_CLASSES == 3);
  EXPECT(ember_output_size(&model, EMBER_OUTPUT_RAW) == IRIS_MODEL_RAW_SIZE);
  EXPECT(ember_output_size(&model, EMBER_OUTPUT_PROBABILITY) == IRIS_MODEL_PROBABILITY_SIZE);
  EXPECT(ember_output_size(&model, EMBER_OUTPUT_LABEL) == IRIS_MODEL_LABEL_SIZE);
  EXPECT(ember_scratch_bytes(&model) == IRIS_MODEL_SCRATCH_BYTES);
  EXPECT(ember_batch_scratch_bytes(&model) == IRIS_MODEL_BATCH_SCRATCH_BYTES);
  EXPECT(ember_self_test_scratch_bytes(&model) == IRIS_MODEL_SELF_TEST_SCRATCH_BYTES);
  EXPECT(IRIS_MODEL_GOLDEN_ROWS == 8);

  /* The self-test passes, and a NULL for either count is fine. */
  EXPECT(ember_self_test(&model, scratch, sizeof scratch, &checked, &bad) == EMBER_STATUS_ok);
  EXPECT(checked == IRIS_MODEL_GOLDEN_ROWS);
  EXPECT(bad == UINT32_MAX);
  EXPECT(ember_self_test(&model, scratch, sizeof scratch, NULL, NULL) == EMBER_STATUS_ok);
  EXPECT(ember_self_test(&model, scratch, sizeof scratch - 1, &checked, NULL) ==
         EMBER_STATUS_invalid_argument);

  /* GOLD by hand: u32 n_rows, n_features, n_raw, n_proba, 2 reserved; the
   * rows; per row raw, probabilities, label. */
  gold = gold_offset(iris_model, NULL);
  EXPECT(gold != 0 && gold % 8 == 0);
  p = iris_model + gold;
  n_rows = u32_at(p);
  n_features = u32_at(p + 4);
  n_raw = u32_at(p + 8);
  n_proba = u32_at(p + 12);
  EXPECT(n_rows == IRIS_MODEL_GOLDEN_ROWS && n_features == 4 && n_raw == 3 && n_proba == 3);
  EXPECT(u32_at(p + 16) == 0 && u32_at(p + 20) == 0);
  if (n_rows == 8 && n_features == 4 && n_raw == 3 && n_proba == 3) {
    const unsigned char* want = p + 24 + 4 * 8 * 4; /* after the rows, 7 floats per row */
    for (r = 0; r < n_rows; ++r) {
      float row[4], raw[3], proba[3], label = -1.0f, batch[3], sum;
      memcpy(row, p + 24 + 16 * r, sizeof row);
      /* iris.csv's first training row: 5.1, 3.5, 1.4, 0.2 (setosa). */
      if (r == 0) EXPECT(row[0] == 5.1f && row[1] == 3.5f && row[2] == 1.4f && row[3] == 0.2f);
      EXPECT(ember_predict(&model, row, 4, scratch, sizeof scratch, EMBER_OUTPUT_RAW, raw, 3) ==
             EMBER_STATUS_ok);
      EXPECT(ember_predict(&model, row, 4, scratch, sizeof scratch, EMBER_OUTPUT_PROBABILITY, proba, 3) ==
             EMBER_STATUS_ok);
      EXPECT(ember_predict(&model, row, 4, scratch, sizeof scratch, EMBER_OUTPUT_LABEL, &label, 1) ==
             EMBER_STATUS_ok);
      EXPECT(memcmp(raw, want, sizeof raw) == 0);
      EXPECT(memcmp(proba, want + 12, sizeof proba) == 0);
      EXPECT(memcmp(&label, want + 24, sizeof label) == 0);
      EXPECT(label == 0.0f); /* the first 50 rows are setosa, class 0 */
      sum = proba[0] + proba[1] + proba[2];
      EXPECT(sum > 0.9999f && sum < 1.0001f);
      EXPECT(ember_predict_batch(&model, row, 1, 4, batch_scratch, sizeof batch_scratch,
                                 EMBER_OUTPUT_PROBABILITY, batch, 3) == EMBER_STATUS_ok);
      EXPECT(memcmp(batch, proba, sizeof batch) == 0);
      want += 4 * 7;
    }
  }

  /* One flipped bit in row 5's second probability: a mismatch there. */
  memcpy(bytes, iris_model, IRIS_MODEL_BYTES);
  bytes[gold + 24 + 4 * (8 * 4 + 5 * 7 + 3 + 1)] ^= 0x01u;
  reseal(bytes, IRIS_MODEL_BYTES);
  EXPECT(ember_load(&model, bytes, IRIS_MODEL_BYTES) == EMBER_STATUS_ok);
  EXPECT(ember_self_test(&model, scratch, sizeof scratch, &checked, &bad) == EMBER_STATUS_self_test_mismatch);
  EXPECT(checked == 5);
  EXPECT(bad == 5);

  /* The section renamed to a kind the runtime does not know: no golden vectors. */
  memcpy(bytes, iris_model, IRIS_MODEL_BYTES);
  gold_offset(bytes, &entry);
  bytes[entry + 3] = 'X';
  reseal(bytes, IRIS_MODEL_BYTES);
  EXPECT(ember_load(&model, bytes, IRIS_MODEL_BYTES) == EMBER_STATUS_ok);
  EXPECT(ember_self_test(&model, scratch, sizeof scratch, &checked, &bad) == EMBER_STATUS_section_not_found);
  EXPECT(strcmp(ember_status_name(EMBER_STATUS_section_not_found), "section_not_found") == 0);

  /* A GOLD section claiming 2^30 rows: a status, not a read past the end. */
  memcpy(bytes, iris_model, IRIS_MODEL_BYTES);
  put_u32(bytes + gold, 0x40000000u);
  reseal(bytes, IRIS_MODEL_BYTES);
  EXPECT(ember_load(&model, bytes, IRIS_MODEL_BYTES) == EMBER_STATUS_ok);
  EXPECT(ember_self_test(&model, scratch, sizeof scratch, &checked, &bad) == EMBER_STATUS_out_of_bounds);

  printf("export_c: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
