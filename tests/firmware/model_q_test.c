/* Firmware test of one integer (quantized) model, through the C API: the
 * model is the const array that `ember export-c --golden N` wrote from an
 * `ember quantize` output, with integer golden vectors (QGLD).
 *
 *   1. ember_load from flash; it is an integer model; the queries agree
 *      with the header's #defines.
 *   2. ember_self_test: every golden row, raw scores, probabilities and
 *      label, exactly against the host's int32 outputs.
 *   3. ember_predict_q on every golden row for every output kind: equal to
 *      the host's outputs.
 *   4. Truncation: every size below the file size is refused.
 *   5. Stack: the peak stack of ember_load, ember_predict_q and
 *      ember_self_test, by stack painting.
 *
 * Integer operations only: linked with an integer-only runtime
 * (EMBER_RUNTIME_FLOAT=0) the image must hold no soft-float routine
 * (tests/firmware/CMakeLists.txt checks it with nm). Compiled per model
 * with MODEL_HEADER, MODEL_ID and MODEL_UPPER as model_test.c. */
#include <stdint.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "ember_shim.h"
#include "semihost.h"
#include "stack_paint.h"

#include MODEL_HEADER
#include "model_check.h"

#define SCRATCH_BYTES MAX2(MODEL_MACRO(_SCRATCH_BYTES), MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES))
#define OUT_MAX MAX2(RAW_SIZE, MAX2(PROBA_SIZE, LABEL_SIZE))

static ember_model model;
static uint64_t scratch[(SCRATCH_BYTES + 7) / 8]; /* 8-aligned: the runtime keeps int64 sums there */
static int32_t out[OUT_MAX];

static const char *const kind_names[3] = {"raw", "probability", "label"};

/* 3. predict_q vs the host on every golden row, per kind. */
static uint32_t predict_stack;
static uint32_t check_predict(const fw_quant_golden *g)
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
        uint32_t same_as_host = 0;
        for (uint32_t r = 0; r < g->n_rows; ++r) {
            stack_paint();
            const ember_status s = ember_predict_q(&model, g->rows + (size_t)r * g->n_features, N_FEATURES, scratch,
                                                   sizeof scratch, kind, out, width);
            const uint32_t used = stack_used();
            predict_stack = used > predict_stack ? used : predict_stack;
            check_status(s, EMBER_STATUS_ok, "ember_predict_q");
            same_as_host += memcmp(out, g->expected + (size_t)r * stride + offset, width * sizeof(int32_t)) == 0;
        }
        sh_write(STR(MODEL_ID) ": ember_predict_q, ");
        sh_write(kind_names[k]);
        sh_write(": ");
        sh_write_u32(same_as_host);
        sh_write(" of ");
        sh_write_u32(g->n_rows);
        sh_write(" rows equal to the host's\n");
        check(same_as_host == g->n_rows, "ember_predict_q differs from the host's golden outputs");
        outputs += (uint32_t)width * g->n_rows;
    }
    return outputs;
}

/* 4. Every size below the file size is refused, in place in flash. */
static void check_truncation(void)
{
    const unsigned char *bytes = MODEL_ID;
    const uint32_t file_size = read_u32(bytes + 12);
    check(file_size == MODEL_SIZE, "the header's file size is MODEL_BYTES");
    uint32_t refused = 0;
    ember_model m;
    for (uint32_t size = 0; size < file_size; ++size)
        refused += ember_load(&m, bytes, size) != EMBER_STATUS_ok;
    check_status(ember_load(&m, bytes, file_size), EMBER_STATUS_ok, "ember_load of the whole file");
    sh_write(STR(MODEL_ID) ": truncation: ");
    sh_write_u32(refused);
    sh_write(" of ");
    sh_write_u32(file_size);
    sh_write(" sizes below the file size refused, the whole file loads\n");
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
    check(ember_is_integer_model(&model) == 1, "an integer model");
    check(ember_n_features(&model) == N_FEATURES, "ember_n_features is MODEL_N_FEATURES");
    check(ember_n_classes(&model) == N_CLASSES, "ember_n_classes is MODEL_N_CLASSES");
    check(ember_output_size(&model, EMBER_OUTPUT_RAW) == RAW_SIZE, "raw size");
    check(ember_output_size(&model, EMBER_OUTPUT_PROBABILITY) == PROBA_SIZE, "probability size");
    check(ember_output_size(&model, EMBER_OUTPUT_LABEL) == LABEL_SIZE, "label size");
    check(ember_scratch_bytes_q(&model) <= MODEL_MACRO(_SCRATCH_BYTES), "ember_scratch_bytes_q");
    sh_write(STR(MODEL_ID) ": scratch: predict_q ");
    sh_write_u32((uint32_t)ember_scratch_bytes_q(&model));
    sh_write(" B, self-test ");
    sh_write_u32((uint32_t)ember_self_test_scratch_bytes(&model));
    sh_write(" B, raw outputs in Q");
    sh_write_u32(ember_output_frac_bits(&model));
    sh_write("\n");

    /* 2. Self-test: every stored row, every output, exactly. */
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
    sh_write(" rows exactly\n");

    /* 3. predict_q on the golden rows. */
    fw_quant_golden g;
    const int found = fw_quant_golden_vectors(MODEL_ID, MODEL_SIZE, &g);
    check_status((ember_status)found, EMBER_STATUS_ok, "integer golden vectors");
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
    sh_write(STR(MODEL_ID) ": stack: load ");
    sh_write_u32(load_stack);
    sh_write(" B, predict_q ");
    sh_write_u32(predict_stack);
    sh_write(" B, self_test ");
    sh_write_u32(self_test_stack);
    sh_write(" B\n");

    sh_write(STR(MODEL_ID) ": ");
    sh_write_u32(outputs);
    sh_write(" outputs checked\n");
    sh_write(failures == 0 ? "ok\n" : "not ok\n");
    return failures == 0 ? 0 : 1;
}
