/* Instructions per prediction on the device, for tools/bench/firmware.
 *
 * Runs ember_predict (a float model) or, with BENCH_INTEGER, ember_predict_q
 * (an integer model) on every golden row of the model, label output, and
 * reads SysTick around the loop. Under `qemu-system-arm -icount shift=0`
 * every instruction advances the virtual clock by 1 ns, so SysTick ticks
 * count instructions: the image calibrates the instructions per tick on a
 * loop of known length (2 instructions per turn) and prints
 *
 *   bench model=bc_gbdt rows=569 instructions=123456789 per_prediction=4321
 *
 * Without -icount the virtual clock follows the host's and the figures
 * mean nothing (CTest runs it with -icount too). Compiled per model with MODEL_HEADER, MODEL_ID and
 * MODEL_UPPER as model_test.c. */
#include <stdint.h>

#include "ember/runtime/ember_c.h"
#include "ember_shim.h"
#include "semihost.h"

#include MODEL_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(x) #x
#define STR(x) STR_(x)
#define MODEL_MACRO(suffix) CAT(MODEL_UPPER, suffix)

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_MASK 0x00FFFFFFu /* a 24-bit down counter */

static ember_model model;
static uint64_t scratch[(MODEL_MACRO(_SCRATCH_BYTES) + 7) / 8];

/* 2 instructions per turn (subs, bne), n turns. */
__attribute__((noinline)) static void spin(uint32_t n)
{
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b\n" : "+l"(n));
}

static uint32_t ticks_between(uint32_t before, uint32_t after)
{
    return (before - after) & SYST_MASK;
}

int main(void)
{
    SYST_RVR = SYST_MASK;
    SYST_CVR = 0;
    SYST_CSR = 5; /* enabled, processor clock, no interrupt */
    const uint32_t turns = 1000000;
    uint32_t t0 = SYST_CVR;
    spin(turns);
    const uint32_t calibration = ticks_between(t0, SYST_CVR);
    if (calibration == 0) {
        sh_write("bench: SysTick does not count\n");
        return 1;
    }
    if (ember_load(&model, MODEL_ID, MODEL_MACRO(_BYTES)) != EMBER_STATUS_ok) {
        sh_write("bench: ember_load failed\n");
        return 1;
    }
    const uint32_t n = ember_n_features(&model);
    uint32_t rows = 0, failures = 0, ticks = 0;
#ifdef BENCH_INTEGER
    fw_quant_golden g;
    if (fw_quant_golden_vectors(MODEL_ID, MODEL_MACRO(_BYTES), &g) != 0)
        return 1;
    int32_t out[1];
    t0 = SYST_CVR;
    for (uint32_t r = 0; r < g.n_rows; ++r)
        failures += ember_predict_q(&model, g.rows + (uint32_t)r * n, n, scratch, sizeof scratch, EMBER_OUTPUT_LABEL,
                                    out, 1) != EMBER_STATUS_ok;
    ticks = ticks_between(t0, SYST_CVR);
#else
    fw_golden g;
    if (fw_golden_vectors(MODEL_ID, MODEL_MACRO(_BYTES), &g) != 0)
        return 1;
    float out[1];
    t0 = SYST_CVR;
    for (uint32_t r = 0; r < g.n_rows; ++r)
        failures += ember_predict(&model, g.rows + (uint32_t)r * n, n, scratch, sizeof scratch, EMBER_OUTPUT_LABEL,
                                  out, 1) != EMBER_STATUS_ok;
    ticks = ticks_between(t0, SYST_CVR);
#endif
    rows = g.n_rows;
    /* instructions = ticks x (2 turns / calibration ticks), in 64 bits. */
    const uint64_t instructions = (uint64_t)ticks * 2u * turns / calibration;
    sh_write("bench model=" STR(MODEL_ID) " rows=");
    sh_write_u32(rows);
    sh_write(" instructions=");
    sh_write_u32((uint32_t)instructions);
    sh_write(" per_prediction=");
    sh_write_u32(rows > 0 ? (uint32_t)(instructions / rows) : 0);
    sh_write("\n");
    return failures == 0 ? 0 : 1;
}
