/* ember.h - the C API of the ember runtime: load a model file, size the
 * scratch, predict, self-test.
 *
 * Everything the C++ runtime promises holds here: no heap, no global state
 * (re-entrant), a model executes in place from the caller's bytes, and a
 * corrupt file gives a status, never a crash.
 *
 *   ember_model model;
 *   if (ember_load(&model, bytes, size) != EMBER_STATUS_ok) { ... }
 *   static unsigned char scratch[256];   // >= ember_scratch_bytes(&model)
 *   float proba[2];
 *   ember_predict(&model, row, n, scratch, sizeof scratch, EMBER_OUTPUT_PROBABILITY, proba, 2);
 */
#ifndef EMBER_H
#define EMBER_H

#include <stddef.h>
#include <stdint.h>

#include "ember/base/status_list.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: EMBER_STATUS_ok (0), EMBER_STATUS_out_of_memory, ... */
typedef enum ember_status {
#define EMBER_C_STATUS(name, description) EMBER_STATUS_##name,
  EMBER_STATUS_LIST(EMBER_C_STATUS)
#undef EMBER_C_STATUS
      EMBER_STATUS_COUNT
} ember_status;

/* What predict writes: raw scores (n_outputs), class probabilities
 * (n_classes), or one label (class index, or the regression value). */
typedef enum ember_output {
  EMBER_OUTPUT_RAW = 0,
  EMBER_OUTPUT_PROBABILITY = 1,
  EMBER_OUTPUT_LABEL = 2
} ember_output;

/* A loaded model: a view into the caller's bytes, which must outlive it.
 * Opaque; fill it with ember_load. Sized for the C++ Model it holds: 124
 * bytes on 32-bit targets, 192 on 64-bit ones (pointers, then 32-bit fields). */
typedef struct ember_model {
  void* opaque_pointers[17];
  uint32_t opaque_words[14];
} ember_model;

/* Verifies `data[0, size)` (8-byte aligned) and fills *model. */
ember_status ember_load(ember_model* model, const void* data, size_t size);

/* The identifier of a status ("checksum_mismatch"); "unknown_status" for a
 * value outside the list; never NULL. Takes an int so that any value is
 * safe to pass. */
const char* ember_status_name(int status);

uint32_t ember_n_features(const ember_model* model); /* floats per input row */
uint32_t ember_n_classes(const ember_model* model);  /* 0 for regression */
/* Floats that `kind` produces per row; 0 when the model lacks that output. */
size_t ember_output_size(const ember_model* model, ember_output kind);
/* Scratch bytes for ember_predict / ember_predict_batch. */
size_t ember_scratch_bytes(const ember_model* model);
size_t ember_batch_scratch_bytes(const ember_model* model);

/* Predicts one row of n_features floats (NaN = missing) into out[out_size]. */
ember_status ember_predict(const ember_model* model, const float* row, size_t n_features, void* scratch,
                           size_t scratch_size, ember_output kind, float* out, size_t out_size);

/* Predicts n_rows rows (row r at rows + r * row_stride) into out + r * out_stride. */
ember_status ember_predict_batch(const ember_model* model, const float* rows, size_t n_rows,
                                 size_t row_stride, void* scratch, size_t scratch_size, ember_output kind,
                                 float* out, size_t out_stride);

/* Self-test: replays the model's golden vectors (its optional GOLD section,
 * written by `ember train --golden N` or `ember export-c --golden N`) and
 * compares every output bit for bit with what the host computed.
 * EMBER_STATUS_ok when all match; EMBER_STATUS_self_test_mismatch at the
 * first output that differs; EMBER_STATUS_section_not_found when the model
 * has no golden vectors; a corrupt GOLD section gives its status. The
 * scratch needs ember_self_test_scratch_bytes(model) bytes: the predict
 * scratch for models with at most 4 raw scores and 4 classes.
 * *rows_checked receives the rows that matched, *first_bad_row the failing
 * row (UINT32_MAX when none); either pointer may be NULL. */
ember_status ember_self_test(const ember_model* model, void* scratch, size_t scratch_size,
                             uint32_t* rows_checked, uint32_t* first_bad_row);
size_t ember_self_test_scratch_bytes(const ember_model* model);

/* Integer models (quantized; 1.2). ember_predict also runs them (it
 * quantizes the float row first); these take the integer row directly and
 * use integer operations only.
 * ember_is_integer_model: 1 for an integer model, else 0.
 * ember_output_frac_bits: F of the raw outputs (value x 2^-F); 0 for float.
 * ember_scratch_bytes_q: scratch for ember_predict_q (the same figure as
 * ember_scratch_bytes for an integer model).
 * ember_predict_q: one row of n_features int16 values (missing_code =
 * missing) into out[out_size] int32: raw scores in Q F, probabilities in
 * Q0.16 (0..65535), or the label (class index, or the regression value in
 * Q F). EMBER_STATUS_invalid_argument for a float model.
 * ember_quantize_row: a float row (NaN = missing) to the model's int16
 * inputs, as ember_predict does it. */
int ember_is_integer_model(const ember_model* model);
uint32_t ember_output_frac_bits(const ember_model* model);
size_t ember_scratch_bytes_q(const ember_model* model);
ember_status ember_predict_q(const ember_model* model, const int16_t* row, size_t n_features, void* scratch,
                             size_t scratch_size, ember_output kind, int32_t* out, size_t out_size);
ember_status ember_quantize_row(const ember_model* model, const float* row, size_t n_features, int16_t* out,
                                size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* EMBER_H */
