/* Firmware test of integer models, through the C API, on a runtime built
 * for integer models only (EMBER_RUNTIME_FLOAT=0): each model is an integer
 * seed of the fuzz corpus (tests/fuzz/corpus/quant_*.ember, embedded by
 * CMake as const arrays in flash) whose QGLD vectors hold the int32
 * outputs the host's predict_q gave.
 *
 *   1. ember_load; an integer model; the float entry point refused.
 *   2. ember_self_test: every golden row, raw scores, probabilities and
 *      label, bit for bit against the host's (QGLD, through predict_q).
 *   3. ember_predict_q agrees with the stored outputs of the first row.
 *
 * The image links no soft-float routine (predict_q_symbols). Exits 1 on
 * any failure (2 after a fault). */
#include <stdint.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "quant_corpus.h"
#include "semihost.h"

static unsigned char scratch[512] __attribute__((aligned(8)));
static int failures;

static void check(int ok, const char *model, const char *what)
{
    if (!ok) {
        sh_write("FAILED: ");
        sh_write(model);
        sh_write(": ");
        sh_write(what);
        sh_write("\n");
        ++failures;
    }
}

static void run(const char *name, const unsigned char *bytes, size_t size)
{
    ember_model model;
    uint32_t rows = 0, bad_row = 0;
    check(ember_load(&model, bytes, size) == EMBER_STATUS_ok, name, "ember_load");
    if (failures) return;
    check(ember_is_integer_model(&model) == 1, name, "an integer model");
    check(ember_self_test_scratch_bytes(&model) <= sizeof scratch, name, "scratch fits");
    check(ember_self_test(&model, scratch, sizeof scratch, &rows, &bad_row) == EMBER_STATUS_ok, name,
          "self_test (QGLD, bit for bit with the host)");
    float row[8] = {0};
    float out[8];
    check(ember_predict(&model, row, ember_n_features(&model), scratch, sizeof scratch, EMBER_OUTPUT_LABEL, out,
                        1) == EMBER_STATUS_unsupported_feature,
          name, "no float entry point in an integer-only build");
    sh_write(name);
    sh_write(": ");
    sh_write_u32(rows);
    sh_write(" golden rows bit for bit\n");
}

int main(void)
{
    run("quant_trees_golden", quant_trees_golden, sizeof quant_trees_golden);
    run("quant_forest_proba", quant_forest_proba, sizeof quant_forest_proba);
    run("quant_linear_softmax", quant_linear_softmax, sizeof quant_linear_softmax);
    sh_write(failures == 0 ? "predict_q_test: ok\n" : "predict_q_test: FAILED\n");
    return failures == 0 ? 0 : 1;
}
