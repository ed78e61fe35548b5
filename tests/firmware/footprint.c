/* Footprint image: what the ember runtime costs on the device (tools/footprint).
 *
 * The program uses the whole C API - ember_load, ember_predict in every
 * output kind, ember_predict_batch, ember_self_test, the scratch and shape
 * queries, ember_status_name (with FOOTPRINT_INTEGER: ember_predict_q
 * instead of ember_predict and ember_predict_batch, on integer models) -
 * on models it picks at run time (through a
 * volatile pointer), so that the linker keeps every kind of model the
 * runtime build carries. For each model it prints one line with the peak
 * stack of each call, measured by stack painting:
 *
 *   footprint model=bc_logistic_small bytes=1896 load=800 predict=220 batch=220 self_test=428
 *
 * and ends with `footprint models=N bytes=B` (B: the model bytes in flash,
 * which tools/footprint subtracts). FOOTPRINT_EMPTY builds the baseline:
 * the same start-up, semihosting and report, no runtime.
 *
 * Generated per image: footprint_models.h (footprint.cmake) includes the
 * model headers and defines
 *   FOOTPRINT_MODELS(X)   X(id, ID) for each model
 *   FOOTPRINT_SCRATCH     the largest scratch any of them needs
 *   FOOTPRINT_FEATURES    the widest input row
 *   FOOTPRINT_OUTPUTS     the widest output */
#include <stddef.h>
#include <stdint.h>

#include "semihost.h"
#include "stack_paint.h"

#ifndef FOOTPRINT_EMPTY
#include "ember/runtime/ember_c.h"
#include "footprint_models.h"
#endif

typedef struct usage {
    uint32_t load, predict, batch, self_test;
} usage;

static void report(const char *name, uint32_t bytes, const usage *u)
{
    sh_write("footprint model=");
    sh_write(name);
    sh_write(" bytes=");
    sh_write_u32(bytes);
    sh_write(" load=");
    sh_write_u32(u->load);
    sh_write(" predict=");
    sh_write_u32(u->predict);
    sh_write(" batch=");
    sh_write_u32(u->batch);
    sh_write(" self_test=");
    sh_write_u32(u->self_test);
    sh_write("\n");
}

static void report_total(uint32_t models, uint32_t bytes, int failures)
{
    sh_write("footprint models=");
    sh_write_u32(models);
    sh_write(" bytes=");
    sh_write_u32(bytes);
    sh_write(failures == 0 ? "\nok\n" : "\nnot ok\n");
}

#ifdef FOOTPRINT_EMPTY

int main(void)
{
    usage u = {0, 0, 0, 0};
    stack_paint();
    u.load = stack_used();
    report("none", 0, &u);
    report_total(0, 0, 0);
    return 0;
}

#else

typedef struct model_ref {
    const char *name;
    const unsigned char *bytes;
    uint32_t size;
} model_ref;

#define FOOTPRINT_REF(id, ID) {#id, id, ID##_BYTES},
static const model_ref models[] = {FOOTPRINT_MODELS(FOOTPRINT_REF)};
#define N_MODELS (sizeof models / sizeof models[0])

static ember_model model;
static uint64_t scratch[(FOOTPRINT_SCRATCH + 7) / 8];
#ifdef FOOTPRINT_INTEGER
/* Integer models through ember_predict_q only: what an integer-only build
 * (EMBER_RUNTIME_FLOAT=0) links. "batch" reports 0. */
static int16_t row[FOOTPRINT_FEATURES];
static int32_t out[FOOTPRINT_OUTPUTS];
#else
static float row[FOOTPRINT_FEATURES];
static float out[FOOTPRINT_OUTPUTS];
#endif
/* Read at run time: the compiler cannot know which model or which output. */
static const unsigned char *volatile chosen_bytes;
static volatile uint32_t chosen_size;
static volatile int chosen_kind;
static int failures;

static void expect(int status, const char *what)
{
    if (status != EMBER_STATUS_ok) {
        sh_write("FAILED: ");
        sh_write(what);
        sh_write(": ");
        sh_write(ember_status_name(status));
        sh_write("\n");
        ++failures;
    }
}

static usage run(void)
{
    usage u = {0, 0, 0, 0};
    uint32_t used;

    stack_paint();
    const ember_status loaded = ember_load(&model, chosen_bytes, chosen_size);
    u.load = stack_used();
    expect(loaded, "ember_load");
    if (loaded != EMBER_STATUS_ok)
        return u;
    const uint32_t n = ember_n_features(&model);
    if (n > FOOTPRINT_FEATURES || ember_scratch_bytes(&model) > sizeof scratch ||
        ember_batch_scratch_bytes(&model) > sizeof scratch || ember_self_test_scratch_bytes(&model) > sizeof scratch) {
        expect(EMBER_STATUS_invalid_argument, "buffer sizes");
        return u;
    }
#ifdef FOOTPRINT_INTEGER
    for (uint32_t i = 0; i < n; ++i)
        row[i] = (int16_t)(i * 7u); /* any row will do */
#else
    for (uint32_t i = 0; i < n; ++i)
        row[i] = (float)i * 0.5f; /* any row will do */
#endif
    (void)ember_n_classes(&model);

    for (int k = EMBER_OUTPUT_RAW; k <= EMBER_OUTPUT_LABEL; ++k) {
        chosen_kind = k;
        const ember_output kind = (ember_output)chosen_kind;
        const size_t width = ember_output_size(&model, kind);
        if (width == 0)
            continue;
        stack_paint();
#ifdef FOOTPRINT_INTEGER
        const ember_status s = ember_predict_q(&model, row, n, scratch, sizeof scratch, kind, out, width);
        used = stack_used();
        u.predict = used > u.predict ? used : u.predict;
        expect(s, "ember_predict_q");
#else
        const ember_status s = ember_predict(&model, row, n, scratch, sizeof scratch, kind, out, width);
        used = stack_used();
        u.predict = used > u.predict ? used : u.predict;
        expect(s, "ember_predict");

        stack_paint();
        const ember_status b = ember_predict_batch(&model, row, 1, n, scratch, sizeof scratch, kind, out, width);
        used = stack_used();
        u.batch = used > u.batch ? used : u.batch;
        expect(b, "ember_predict_batch");
#endif
    }

    stack_paint();
    const ember_status t = ember_self_test(&model, scratch, sizeof scratch, NULL, NULL);
    u.self_test = stack_used();
    expect(t, "ember_self_test");
    return u;
}

int main(void)
{
    uint32_t bytes = 0;
    for (uint32_t i = 0; i < N_MODELS; ++i) {
        chosen_bytes = models[i].bytes;
        chosen_size = models[i].size;
        const usage u = run();
        report(models[i].name, models[i].size, &u);
        bytes += models[i].size;
    }
    report_total(N_MODELS, bytes, failures);
    return failures == 0 ? 0 : 1;
}

#endif
