/* Firmware test of one model, through the C API as firmware written in C
 * uses it: the model is the const array that `ember export-c --golden N`
 * wrote (in flash), its buffers are sized by the header's #defines.
 *
 *   1. ember_load from flash; the queries agree with the header's #defines.
 *   2. ember_self_test: every golden row, raw scores, probabilities and
 *      label, bit for bit against the host's outputs.
 *   3. ember_predict on every golden row and ember_predict_batch on the same
 *      rows, for every output kind: identical bits (and equal to the host's).
 *   4. Truncation: ember_load(bytes, size) for every size from 0 to the file
 *      size (every section boundary among them) refuses all but the whole.
 *   5. Stack: the peak stack of ember_load, ember_predict, ember_predict_batch
 *      and ember_self_test, measured by stack painting.
 *
 * Prints one line per check and a summary line; exits 1 on any failure (2
 * after a fault). Compiled once per model with
 *   MODEL_HEADER  the header, e.g. "bc_logistic.h"
 *   MODEL_ID      its array, bc_logistic
 *   MODEL_UPPER   its macro prefix, BC_LOGISTIC */
#include <stdint.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "ember_shim.h"
#include "semihost.h"
#include "stack_paint.h"

#include MODEL_HEADER
#include "model_check.h"

#define SCRATCH_BYTES \
    MAX2(MODEL_MACRO(_SCRATCH_BYTES), MAX2(MODEL_MACRO(_BATCH_SCRATCH_BYTES), MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES)))
#define OUT_MAX MAX2(RAW_SIZE, MAX2(PROBA_SIZE, LABEL_SIZE))
#define BATCH_ROWS 8 /* rows per ember_predict_batch call */

static ember_model model;
static float scratch[(SCRATCH_BYTES + 3) / 4]; /* float-aligned, as the runtime wants */
static float single[BATCH_ROWS][OUT_MAX];
static float batch[BATCH_ROWS][OUT_MAX];

static const char *const kind_names[3] = {"raw", "probability", "label"};

/* 3. predict vs predict_batch vs the host on every golden row, per kind. */
static uint32_t predict_stack, batch_stack;
static uint32_t check_predict(const fw_golden *g)
{
    uint32_t outputs = 0;
    const uint32_t stride = g->n_raw + g->n_proba + 1;
    for (int k = 0; k < 3; ++k) {
        const ember_output kind = (ember_output)k;
        const size_t width = ember_output_size(&model, kind);
        if (width == 0)
            continue;
        const uint32_t offset = kind == EMBER_OUTPUT_RAW ? 0 : kind == EMBER_OUTPUT_PROBABILITY ? g->n_raw
                                                                                               : g->n_raw + g->n_proba;
        uint32_t same_as_host = 0, same_as_batch = 0;
        for (uint32_t r0 = 0; r0 < g->n_rows; r0 += BATCH_ROWS) {
            const uint32_t n = g->n_rows - r0 < BATCH_ROWS ? g->n_rows - r0 : BATCH_ROWS;
            for (uint32_t i = 0; i < n; ++i) {
                const float *row = g->rows + (size_t)(r0 + i) * g->n_features;
                stack_paint();
                const ember_status s = ember_predict(&model, row, N_FEATURES, scratch, sizeof scratch, kind,
                                                     single[i], width);
                const uint32_t used = stack_used();
                predict_stack = used > predict_stack ? used : predict_stack;
                check_status(s, EMBER_STATUS_ok, "ember_predict");
                same_as_host += memcmp(single[i], g->expected + (size_t)(r0 + i) * stride + offset,
                                       width * sizeof(float)) == 0;
            }
            memset(batch, 0xA5, sizeof batch);
            stack_paint();
            const ember_status s = ember_predict_batch(&model, g->rows + (size_t)r0 * g->n_features, n, N_FEATURES,
                                                       scratch, sizeof scratch, kind, &batch[0][0], OUT_MAX);
            const uint32_t used = stack_used();
            batch_stack = used > batch_stack ? used : batch_stack;
            check_status(s, EMBER_STATUS_ok, "ember_predict_batch");
            for (uint32_t i = 0; i < n; ++i)
                same_as_batch += memcmp(single[i], batch[i], width * sizeof(float)) == 0;
        }
        sh_write(STR(MODEL_ID) ": ember_predict vs ember_predict_batch, ");
        sh_write(kind_names[k]);
        sh_write(": ");
        sh_write_u32(same_as_batch);
        sh_write(" of ");
        sh_write_u32(g->n_rows);
        sh_write(" rows identical, ");
        sh_write_u32(same_as_host);
        sh_write(" equal to the host's\n");
        check(same_as_batch == g->n_rows, "ember_predict_batch differs from ember_predict");
        check(same_as_host == g->n_rows, "ember_predict differs from the host's golden outputs");
        outputs += (uint32_t)width * g->n_rows;
    }
    return outputs;
}

/* 4. Every size below the file size (so every section boundary too) is
 * refused, in place in flash; the whole file loads. (The corruption images
 * also re-seal truncated RAM copies: corrupt_test.c.) */
static void check_truncation(void)
{
    const unsigned char *bytes = MODEL_ID;
    const uint32_t file_size = read_u32(bytes + 12);
    check(file_size == MODEL_SIZE, "the header's file size is MODEL_BYTES");
    uint32_t refused = 0, truncated = 0;
    ember_model m;
    for (uint32_t size = 0; size < file_size; ++size) {
        const ember_status s = ember_load(&m, bytes, size);
        refused += s != EMBER_STATUS_ok;
        truncated += s == EMBER_STATUS_truncated;
    }
    check_status(ember_load(&m, bytes, file_size), EMBER_STATUS_ok, "ember_load of the whole file");
    check_status(ember_load(&m, bytes + 4, file_size - 4), EMBER_STATUS_misaligned, "ember_load of bytes + 4");
    check_status(ember_load(&m, NULL, file_size), EMBER_STATUS_invalid_argument, "ember_load of NULL");
    sh_write(STR(MODEL_ID) ": truncation: ");
    sh_write_u32(refused);
    sh_write(" of ");
    sh_write_u32(file_size);
    sh_write(" sizes below the file size refused (");
    sh_write_u32(truncated);
    sh_write(" as truncated), the whole file loads\n");
    check(refused == file_size, "a truncated file was accepted");
}

int main(void)
{
    sh_write(STR(MODEL_ID) ": " STR(MODEL_HEADER) ", ");
    sh_write_u32(MODEL_SIZE);
    sh_write(" bytes, on " EMBER_FIRMWARE_MACHINE "\n");

    /* 1. Load from flash. */
    stack_paint();
    const ember_status loaded = ember_load(&model, MODEL_ID, MODEL_SIZE);
    const uint32_t load_stack = stack_used();
    check_status(loaded, EMBER_STATUS_ok, "ember_load");
    if (loaded != EMBER_STATUS_ok) {
        sh_write("not ok\n");
        return 1;
    }
    check(ember_n_features(&model) == N_FEATURES, "ember_n_features is MODEL_N_FEATURES");
    check(ember_n_classes(&model) == N_CLASSES, "ember_n_classes is MODEL_N_CLASSES");
    check(ember_output_size(&model, EMBER_OUTPUT_RAW) == RAW_SIZE, "raw size");
    check(ember_output_size(&model, EMBER_OUTPUT_PROBABILITY) == PROBA_SIZE, "probability size");
    check(ember_output_size(&model, EMBER_OUTPUT_LABEL) == LABEL_SIZE, "label size");
    check(ember_scratch_bytes(&model) == MODEL_MACRO(_SCRATCH_BYTES), "ember_scratch_bytes");
    /* The header's batch figure is the host's, whose runtime (EMBER_RUNTIME_FAST=1)
     * predicts batches in blocks of rows; the compact device build runs them
     * row by row in the predict scratch. The header's is an upper bound. */
    check(ember_batch_scratch_bytes(&model) <= MODEL_MACRO(_BATCH_SCRATCH_BYTES), "ember_batch_scratch_bytes");
    check(ember_self_test_scratch_bytes(&model) == MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES),
          "ember_self_test_scratch_bytes");

    sh_write(STR(MODEL_ID) ": scratch: predict ");
    sh_write_u32((uint32_t)ember_scratch_bytes(&model));
    sh_write(" B, batch ");
    sh_write_u32((uint32_t)ember_batch_scratch_bytes(&model));
    sh_write(" B (header: ");
    sh_write_u32(MODEL_MACRO(_BATCH_SCRATCH_BYTES));
    sh_write(" B), self-test ");
    sh_write_u32((uint32_t)ember_self_test_scratch_bytes(&model));
    sh_write(" B\n");

    /* 2. Self-test: every stored row, every output, bit for bit. */
    uint32_t rows_checked = 0, first_bad = 0;
    stack_paint();
    const ember_status tested = ember_self_test(&model, scratch, sizeof scratch, &rows_checked, &first_bad);
    const uint32_t self_test_stack = stack_used();
    check_status(tested, EMBER_STATUS_ok, "ember_self_test");
    check(rows_checked == GOLDEN_ROWS, "ember_self_test checked every golden row");
    sh_write(STR(MODEL_ID) ": ember_self_test: ");
    sh_write(ember_status_name(tested));
    sh_write(", ");
    sh_write_u32(rows_checked);
    sh_write(" of ");
    sh_write_u32(GOLDEN_ROWS);
    sh_write(" rows (raw");
    sh_write(PROBA_SIZE > 0 ? ", probability" : "");
    sh_write(", label) bit for bit\n");
    if (MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES) > 0)
        check_status(ember_self_test(&model, scratch, MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES) - 1, NULL, NULL),
                     EMBER_STATUS_invalid_argument, "ember_self_test with too little scratch");

    /* 3. Single and batch predictions on the golden rows. */
    fw_golden g;
    const int found = fw_golden_vectors(MODEL_ID, MODEL_SIZE, &g);
    check_status((ember_status)found, EMBER_STATUS_ok, "golden vectors");
    uint32_t outputs = 0;
    if (found == 0) {
        check(g.n_rows == GOLDEN_ROWS && g.n_features == N_FEATURES && g.n_raw == RAW_SIZE &&
                  g.n_proba == PROBA_SIZE,
              "golden vectors' shape");
        outputs = check_predict(&g);
    }

    /* 4. Truncated files. */
    check_truncation();

    /* 5. Stack. */
    sh_write(STR(MODEL_ID) ": stack: ember_load ");
    sh_write_u32(load_stack);
    sh_write(" B, ember_predict ");
    sh_write_u32(predict_stack);
    sh_write(" B, ember_predict_batch ");
    sh_write_u32(batch_stack);
    sh_write(" B, ember_self_test ");
    sh_write_u32(self_test_stack);
    sh_write(" B (of ");
    sh_write_u32(stack_size());
    sh_write(" B)\n");
    check(load_stack < stack_size() && predict_stack < stack_size() && self_test_stack < stack_size(),
          "stack within the region");

    sh_write(STR(MODEL_ID) ": ");
    sh_write_u32(rows_checked);
    sh_write(" rows checked, ");
    sh_write_u32(outputs);
    sh_write(" outputs compared: ");
    sh_write(failures == 0 ? "ok\n" : "not ok\n");
    return failures == 0 ? 0 : 1;
}
