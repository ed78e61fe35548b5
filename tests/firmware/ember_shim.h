/* What the firmware tests need beyond the C API (ember/runtime/ember_c.h),
 * from the C++ runtime through a small C++ shim (ember_shim.cpp):
 *   - the golden rows of a model's GOLD section (ember::golden_vectors), to
 *     run ember_predict and ember_predict_batch on the very rows that
 *     ember_self_test checks, and of an integer model's QGLD section
 *     (ember::quant_golden_vectors) for ember_predict_q;
 *   - the model file's CRC (ember::model_file_crc), to re-seal a corrupted
 *     RAM copy so that it gets past the checksum to the structural checks. */
#ifndef EMBER_FIRMWARE_EMBER_SHIM_H
#define EMBER_FIRMWARE_EMBER_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fw_golden {
    uint32_t n_rows;
    uint32_t n_features;   /* floats per row */
    uint32_t n_raw;        /* raw scores per row */
    uint32_t n_proba;      /* probabilities per row (0 for regression) */
    const float *rows;     /* [n_rows][n_features], in the model's bytes */
    const float *expected; /* [n_rows][n_raw + n_proba + 1]: raw, probabilities, label */
} fw_golden;

/* Loads bytes[0, size) with the C++ runtime and fills *golden from its GOLD
 * section; returns an ember_status value (0 = ok). */
int fw_golden_vectors(const void *bytes, size_t size, fw_golden *golden);

typedef struct fw_quant_golden {
    uint32_t n_rows;
    uint32_t n_features;     /* int16 values per row */
    uint32_t n_raw;          /* raw scores per row */
    uint32_t n_proba;        /* probabilities per row (0 for regression) */
    const int16_t *rows;     /* [n_rows][n_features], in the model's bytes */
    const int32_t *expected; /* [n_rows][n_raw + n_proba + 1]: raw, probabilities, label */
} fw_quant_golden;

/* The same for an integer model's QGLD section (ember::quant_golden_vectors). */
int fw_quant_golden_vectors(const void *bytes, size_t size, fw_quant_golden *golden);

/* The checksum a model file stores at byte 8: ember::model_file_crc. */
uint32_t fw_model_file_crc(const void *bytes, size_t file_size);

/* Rewrites the file-size field (byte 12) to file_size, when there is room for
 * it, and the CRC (byte 8) to match bytes[0, file_size). */
void fw_reseal(unsigned char *bytes, size_t file_size);

#ifdef __cplusplus
}
#endif

#endif
