/* Firmware test: corrupt model files never crash the runtime.
 *
 * A RAM copy of one model (the NAME_small.h header: few golden rows, so that
 * the copy fits the micro:bit's RAM) is damaged in three ways, and each
 * result is loaded with ember_load through the C API:
 *
 *   A. one bit flipped at every byte: the CRC must refuse every one;
 *   B. bytes (but the CRC and the file size) changed three ways (xor 0x01,
 *      0x80, 0xff) and the file re-sealed with a recomputed CRC, so the
 *      change reaches the structural checks: a refusal, or a model that
 *      then predicts golden rows in every output kind, single and batch,
 *      and runs its self-test, without a fault. Every byte of the header,
 *      the section table and each section up to MAX_POSITIONS bytes; in a
 *      larger section MAX_POSITIONS bytes at an odd stride (every byte lane
 *      of its words), to keep within the test's time limit under QEMU;
 *   C. truncated to every size below the file size, with the header's file
 *      size and CRC rewritten to match: all refused (the section boundaries
 *      among them are listed).
 *
 * Any fault ends the program with exit status 2 (startup.c). Prints what was
 * refused and accepted per region of the file, the peak stack of all of it,
 * and exits 1 on a failed expectation. Compiled once per model with
 * MODEL_HEADER, MODEL_ID, MODEL_UPPER as model_test.c. */
#include <stdint.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "ember_shim.h"
#include "semihost.h"
#include "stack_paint.h"

#include MODEL_HEADER
#include "model_check.h"

/* A corrupt model that loads may need other sizes than the original: it is
 * only run when they fit these buffers. */
#define SCRATCH_CAP \
    MAX2(64, MAX2(MODEL_MACRO(_SCRATCH_BYTES), MAX2(MODEL_MACRO(_BATCH_SCRATCH_BYTES), MODEL_MACRO(_SELF_TEST_SCRATCH_BYTES))))
#define OUT_CAP MAX2(4, MAX2(MODEL_MACRO(_RAW_SIZE), MODEL_MACRO(_PROBABILITY_SIZE)))
#define BATCH_ROWS 2 /* golden rows predicted by a corrupt model that loads */
#define MAX_SECTIONS 8
#define MAX_POSITIONS 1024

static uint64_t copy64[(MODEL_SIZE + 7) / 8]; /* 8-byte aligned, as ember_load wants */
#define COPY ((unsigned char *)copy64)
static const unsigned char *const original = MODEL_ID;
static ember_model model;
static float scratch[(SCRATCH_CAP + 3) / 4];
static float out[BATCH_ROWS][OUT_CAP];
static fw_golden golden;

/* ---- the regions of the file: header, section table, each section -------- */
typedef struct region {
    char name[5];
    uint32_t begin, end;
    uint32_t stride;                /* B: every stride-th byte */
    uint32_t refused, accepted;     /* B: after the re-seal */
    uint32_t self_test_caught;      /* B: accepted, but the self-test failed */
} region;
static region regions[2 + MAX_SECTIONS];
static uint32_t n_regions;

static void find_regions(void)
{
    const uint32_t sections = read_u32(original + 20);
    memcpy(regions[0].name, "head", 5);
    regions[0].begin = 0;
    regions[0].end = 32;
    memcpy(regions[1].name, "tabl", 5);
    regions[1].begin = 32;
    regions[1].end = 32 + 16 * sections;
    n_regions = 2;
    for (uint32_t i = 0; i < sections && n_regions < 2 + MAX_SECTIONS; ++i) {
        const unsigned char *entry = original + 32 + 16 * i;
        region *r = &regions[n_regions++];
        memcpy(r->name, entry, 4); /* the FourCC: SCHM, PIPE, LINR, TREE, GOLD */
        r->name[4] = '\0';
        r->begin = read_u32(entry + 8);
        r->end = r->begin + read_u32(entry + 12);
    }
    for (uint32_t i = 0; i < n_regions; ++i) {
        const uint32_t size = regions[i].end - regions[i].begin;
        regions[i].stride = size <= MAX_POSITIONS ? 1u : (size / MAX_POSITIONS) | 1u;
    }
}

/* ---- running a corrupt model that loaded ---------------------------------- */
static uint32_t runs, skipped;

/* Returns whether the self-test passed. */
static int exercise(void)
{
    const uint32_t n_features = ember_n_features(&model);
    if (n_features != N_FEATURES || ember_scratch_bytes(&model) > sizeof scratch ||
        ember_batch_scratch_bytes(&model) > sizeof scratch) {
        ++skipped; /* the golden rows do not fit it */
    } else {
        for (int k = 0; k < 3; ++k) {
            const ember_output kind = (ember_output)k;
            const size_t width = ember_output_size(&model, kind);
            if (width == 0 || width > OUT_CAP)
                continue;
            const uint32_t n = golden.n_rows < BATCH_ROWS ? golden.n_rows : BATCH_ROWS;
            for (uint32_t i = 0; i < n; ++i)
                (void)ember_predict(&model, golden.rows + (size_t)i * N_FEATURES, N_FEATURES, scratch,
                                    sizeof scratch, kind, out[i], width);
            (void)ember_predict_batch(&model, golden.rows, n, N_FEATURES, scratch, sizeof scratch, kind,
                                      &out[0][0], OUT_CAP);
        }
        ++runs;
    }
    if (ember_self_test_scratch_bytes(&model) > sizeof scratch)
        return 0;
    return ember_self_test(&model, scratch, sizeof scratch, NULL, NULL) == EMBER_STATUS_ok;
}

/* A: single bit flips, CRC left as it was. */
static void flips(void)
{
    uint32_t refused = 0;
    for (uint32_t at = 0; at < MODEL_SIZE; ++at) {
        const unsigned char bit = (unsigned char)(1u << (at & 7u));
        COPY[at] ^= bit;
        refused += ember_load(&model, COPY, MODEL_SIZE) != EMBER_STATUS_ok;
        COPY[at] ^= bit;
    }
    sh_write(STR(MODEL_ID) ": A. bit flips: ");
    sh_write_u32(refused);
    sh_write(" of ");
    sh_write_u32(MODEL_SIZE);
    sh_write(" refused\n");
    check(refused == MODEL_SIZE, "a bit flip was accepted without a re-seal");
    check(ember_load(&model, COPY, MODEL_SIZE) == EMBER_STATUS_ok, "the restored copy loads");
}

/* B: changed bytes behind a recomputed CRC. */
static void resealed_changes(void)
{
    static const unsigned char masks[3] = {0x01, 0x80, 0xff};
    uint32_t refused = 0, accepted = 0, caught = 0, trials = 0, magic_or_major_accepted = 0;
    for (uint32_t i = 0; i < n_regions; ++i) {
        region *r = &regions[i];
        for (uint32_t at = r->begin; at < r->end; at += r->stride) {
            if (at >= 8 && at < 16)
                continue; /* the CRC and the file size: re-sealing rewrites them */
            for (int m = 0; m < 3; ++m) {
                COPY[at] ^= masks[m];
                fw_reseal(COPY, MODEL_SIZE);
                ++trials;
                if (ember_load(&model, COPY, MODEL_SIZE) != EMBER_STATUS_ok) {
                    ++refused;
                    ++r->refused;
                } else {
                    ++accepted;
                    ++r->accepted;
                    magic_or_major_accepted += at < 6;
                    if (!exercise()) {
                        ++caught;
                        ++r->self_test_caught;
                    }
                }
                COPY[at] ^= masks[m];
            }
        }
    }
    memcpy(COPY, original, MODEL_SIZE);
    sh_write(STR(MODEL_ID) ": B. re-sealed changes: ");
    sh_write_u32(trials);
    sh_write(" files, ");
    sh_write_u32(refused);
    sh_write(" refused by ember_load, ");
    sh_write_u32(accepted);
    sh_write(" loaded (");
    sh_write_u32(runs);
    sh_write(" ran ember_predict and ember_predict_batch in every kind, ");
    sh_write_u32(skipped);
    sh_write(" had other sizes; ");
    sh_write_u32(caught);
    sh_write(" failed their self-test), no fault\n");
    for (uint32_t i = 0; i < n_regions; ++i) {
        const region *r = &regions[i];
        sh_write("    ");
        sh_write(r->name);
        sh_write(" [");
        sh_write_u32(r->begin);
        sh_write(", ");
        sh_write_u32(r->end);
        sh_write(")");
        if (r->stride > 1) {
            sh_write(" every ");
            sh_write_u32(r->stride);
            sh_write("th byte");
        }
        sh_write(": refused ");
        sh_write_u32(r->refused);
        sh_write(", loaded ");
        sh_write_u32(r->accepted);
        sh_write(" of which the self-test caught ");
        sh_write_u32(r->self_test_caught);
        sh_write("\n");
    }
    /* Many changes leave a valid model (a weight, a threshold, a golden value,
     * a newer minor version, an unknown optional section): the point is that
     * none faults. The magic and the major version are always refused. */
    check(refused > 0, "the structural checks refused nothing");
    check(magic_or_major_accepted == 0, "a changed magic or major version was accepted");
}

/* C: truncated copies with a matching header. */
static void resealed_truncations(void)
{
    uint32_t refused = 0, boundaries = 0, boundaries_refused = 0;
    for (uint32_t size = 0; size < MODEL_SIZE; ++size) {
        memcpy(COPY, original, size);
        fw_reseal(COPY, size);
        const int refuse = ember_load(&model, COPY, size) != EMBER_STATUS_ok;
        refused += refuse;
        int boundary = size == 0;
        for (uint32_t i = 0; i < n_regions; ++i)
            boundary |= size == regions[i].begin || size == regions[i].end;
        boundaries += boundary;
        boundaries_refused += boundary && refuse;
    }
    memcpy(COPY, original, MODEL_SIZE);
    sh_write(STR(MODEL_ID) ": C. re-sealed truncations: ");
    sh_write_u32(refused);
    sh_write(" of ");
    sh_write_u32(MODEL_SIZE);
    sh_write(" sizes refused, the ");
    sh_write_u32(boundaries);
    sh_write(" section boundaries among them: ");
    sh_write_u32(boundaries_refused);
    sh_write(" refused\n");
    check(refused == MODEL_SIZE, "a re-sealed truncated file was accepted");
}

int main(void)
{
    sh_write(STR(MODEL_ID) ": corrupt RAM copies of " STR(MODEL_HEADER) ", ");
    sh_write_u32(MODEL_SIZE);
    sh_write(" bytes, on " EMBER_FIRMWARE_MACHINE "\n");
    check(fw_golden_vectors(original, MODEL_SIZE, &golden) == 0, "the original's golden vectors");
    find_regions();
    memcpy(COPY, original, MODEL_SIZE);

    stack_paint();
    flips();
    resealed_changes();
    resealed_truncations();
    const uint32_t used = stack_used();
    sh_write(STR(MODEL_ID) ": peak stack of all of it: ");
    sh_write_u32(used);
    sh_write(" B (of ");
    sh_write_u32(stack_size());
    sh_write(" B)\n");
    check(used < stack_size(), "stack within the region");
    sh_write(failures == 0 ? "ok\n" : "not ok\n");
    return failures == 0 ? 0 : 1;
}
