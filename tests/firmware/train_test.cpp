// Training on the device, proven there: runs device_fit.cpp's four fits
// (scaler, logistic regression, SGD, depth-4 tree) on the rows in flash, in
// its one static arena, and compares each model file byte for byte with the
// file the host wrote from the same rows and settings
// (device_fit_expected.h, generated at build time by the host build's
// device_fit_host), and its predictions bit for bit. Prints per model: the
// verdict (or the first differing byte and the field it lies in), the file
// size, the arena bytes and the stack the fit used (stack painting around
// each fit). Returns 1 when a fit fails or anything differs.
//
//   -DEMBER_TRAIN_TEST_SKIP_TREE  leaves the tree out (a part whose RAM
//                                 cannot hold the tree fit's arena, e.g. the
//                                 micro:bit's 16 KB) and says so
#include <stdint.h>
#include <string.h>

#include "device_fit.h"
#include "device_fit_expected.h"
#include "ember/base/status.h"
#include "semihost.h"
#include "stack_paint.h"

#ifndef EMBER_FIRMWARE_MACHINE
#define EMBER_FIRMWARE_MACHINE "unknown"
#endif

namespace df = ember::device_fit;
namespace expected = ember::device_fit::expected;

namespace {

void say(const char* before, uint32_t value, const char* after)
{
    sh_write(before);
    sh_write_u32(value);
    sh_write(after);
}

uint32_t word_at(const unsigned char* bytes, uint32_t size, uint32_t at)
{
    uint32_t w = 0;
    if (at + 4 <= size)
        memcpy(&w, bytes + at, 4);
    return w;
}

// 0 when the file is the host's; else 1, after saying where it first differs.
int compare_bytes(const df::FitResult& r, const expected::Model& e)
{
    const uint32_t common = r.size < e.size ? r.size : e.size;
    uint32_t at = common;
    for (uint32_t i = 0; i < common; ++i) {
        if (r.bytes[i] != e.bytes[i]) {
            at = i;
            break;
        }
    }
    if (at == common && r.size == e.size) {
        say("  bytes: equal to the host's (", r.size, " B)\n");
        return 0;
    }
    if (at == common) {
        say("  bytes: DIFFER in size: device ", r.size, " B, ");
        say("host ", e.size, " B\n");
        return 1;
    }
    char field[96];
    say("  bytes: DIFFER, first at offset ", at, ": ");
    sh_write(df::describe_offset(r.bytes, r.size, at, field, sizeof field));
    // Fields are 4-byte words (floats, u32) aligned in the file.
    const uint32_t word = at & ~3u;
    say("; the word at ", word, ": device ");
    sh_write_hex(word_at(r.bytes, r.size, word));
    sh_write(", host ");
    sh_write_hex(word_at(e.bytes, e.size, word));
    sh_write("\n");
    return 1;
}

// 0 when the predictions, the correct-label count and the iteration count
// are the host's (the predictions bit for bit).
int compare_results(const df::FitResult& r, const expected::Model& e)
{
    int failures = 0;
    uint32_t differ = 0;
    for (std::size_t i = 0; i < df::kPredictRows * df::kPredictWidth; ++i) {
        uint32_t bits = 0;
        memcpy(&bits, &r.predictions[i], 4);
        if (bits != e.prediction_bits[i]) {
            if (differ++ == 0) {
                say("  predictions: DIFFER, first row ", static_cast<uint32_t>(df::predict_row(i / df::kPredictWidth)),
                    "");
                say(" value ", static_cast<uint32_t>(i % df::kPredictWidth), ": device ");
                sh_write_hex(bits);
                sh_write(", host ");
                sh_write_hex(e.prediction_bits[i]);
                sh_write("\n");
            }
        }
    }
    if (differ == 0 && r.prediction_width == e.prediction_width) {
        say("  predictions: equal to the host's (", static_cast<uint32_t>(df::kPredictRows), " rows x ");
        say("", r.prediction_width, " floats, bit for bit)\n");
    } else {
        ++failures;
    }
    if (r.correct != e.correct || r.iterations != e.iterations) {
        say("  DIFFER: training rows right ", r.correct, "");
        say(" (host ", e.correct, "), ");
        say("iterations ", r.iterations, "");
        say(" (host ", e.iterations, ")\n");
        ++failures;
    }
    return failures;
}

}  // namespace

int main()
{
    say("train_test on " EMBER_FIRMWARE_MACHINE ": ", static_cast<uint32_t>(df::data_rows()), " rows in flash, ");
    say("one static arena of ", static_cast<uint32_t>(df::arena_capacity()), " B, ");
    say("stack ", stack_size(), " B\n");

    df::reset();
    int failures = 0;
    uint32_t peak_stack = 0;
    for (std::size_t k = 0; k < df::kTrainers; ++k) {
        const auto t = static_cast<df::Trainer>(k);
#if defined(EMBER_TRAIN_TEST_SKIP_TREE)
        if (t == df::Trainer::tree) {
            sh_write("tree: skipped (EMBER_TRAIN_TEST_SKIP_TREE: its fit needs more arena than this part has RAM)\n");
            continue;
        }
#endif
        stack_paint();
        const ember::Status s = df::fit(t);
        const uint32_t stack = stack_used();
        peak_stack = stack > peak_stack ? stack : peak_stack;
        const df::FitResult& r = df::result(t);
        sh_write(df::trainer_name(t));
        if (s != ember::Status::ok) {
            sh_write(": FAILED at ");
            sh_write(r.step);
            sh_write(": ");
            sh_write(ember::status_name(s));
            sh_write("\n");
            ++failures;
            continue;
        }
        say(": file ", r.size, " B, ");
        say("arena ", r.arena_bytes, " B");
        if (r.binning_bound != 0) {
            say(" (bin_data ", r.binning_used, " B");
            say(" of binning_arena_bytes() ", r.binning_bound, " B)");
        }
        say(", stack ", stack, " B, ");
        say("iterations ", r.iterations, "");
        if (t != df::Trainer::scaler)
            say(", training rows right ", r.correct, "");
        if (!r.converged)
            sh_write(" (not converged)");
        sh_write("\n");
        failures += compare_bytes(r, expected::kModels[k]);
        failures += compare_results(r, expected::kModels[k]);
    }
    say("arena: peak ", static_cast<uint32_t>(df::arena_peak()), " B, ");
    say("holding ", static_cast<uint32_t>(df::arena_used()), " B at the end (scaler parameters and the files)\n");
    if (peak_stack >= stack_size()) {
        sh_write("FAILED: the stack overflowed\n");
        ++failures;
    }
    sh_write(failures == 0 ? "ok: every model fitted is byte-identical to the host's\n" : "not ok\n");
    return failures == 0 ? 0 : 1;
}
