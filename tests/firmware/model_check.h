/* What every per-model firmware test (model_test.c, model_q_test.c,
 * corrupt_test.c) starts with: the model's macros from its export-c header,
 * a failure count and the checks that print and count a failure.
 *
 * Include after MODEL_HEADER, with MODEL_ID (the array) and MODEL_UPPER (the
 * macro prefix) defined, as the images are compiled. Header-only, static
 * inline functions: one copy per image, no warning where one is unused. */
#ifndef EMBER_FIRMWARE_MODEL_CHECK_H
#define EMBER_FIRMWARE_MODEL_CHECK_H

#include <stdint.h>
#include <string.h>

#include "ember/runtime/ember_c.h"
#include "semihost.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(x) #x
#define STR(x) STR_(x)
#define MODEL_MACRO(suffix) CAT(MODEL_UPPER, suffix)
#define MAX2(a, b) ((a) > (b) ? (a) : (b))

#define MODEL_SIZE MODEL_MACRO(_BYTES)
#define N_FEATURES MODEL_MACRO(_N_FEATURES)
#define N_CLASSES MODEL_MACRO(_N_CLASSES)
#define RAW_SIZE MODEL_MACRO(_RAW_SIZE)
#define PROBA_SIZE MODEL_MACRO(_PROBABILITY_SIZE)
#define LABEL_SIZE MODEL_MACRO(_LABEL_SIZE)
#define GOLDEN_ROWS MODEL_MACRO(_GOLDEN_ROWS)

static int failures;

static inline void check(int ok, const char *what)
{
    if (!ok) {
        sh_write("FAILED: " STR(MODEL_ID) ": ");
        sh_write(what);
        sh_write("\n");
        ++failures;
    }
}

static inline void check_status(ember_status got, ember_status want, const char *what)
{
    if (got != want) {
        sh_write("FAILED: " STR(MODEL_ID) ": ");
        sh_write(what);
        sh_write(": ");
        sh_write(ember_status_name(got));
        sh_write(", expected ");
        sh_write(ember_status_name(want));
        sh_write("\n");
        ++failures;
    }
}

static inline uint32_t read_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

#endif
