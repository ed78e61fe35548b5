// Demo firmware: proves start-up (C++ constructors), semihosting output and
// exit status, stack painting and floating point on each machine.
//   -DHELLO_FAIL   main returns 1: the CTest test must see a failure
//   -DHELLO_FAULT  executes an undefined instruction: the fault handler must
//                  report it and exit with a failure
#include <stdint.h>

#include "semihost.h"
#include "stack_paint.h"

#ifndef EMBER_FIRMWARE_MACHINE
#define EMBER_FIRMWARE_MACHINE "unknown"
#endif

namespace {

volatile uint32_t seed = 42;

// Not constant-initialised (it reads a volatile), so `value` is only set if
// the start-up code ran the .init_array constructors.
struct Constructed {
    uint32_t value;
    Constructed() : value(seed + 1) {}
};
Constructed constructed;

// Each level keeps a small array live across the recursive call, so the
// stack use grows with depth and cannot be optimised into a loop.
__attribute__((noinline)) uint32_t recurse(uint32_t depth)
{
    volatile uint32_t local[4] = {depth, depth + 1, depth + 2, depth + 3};
    if (depth == 0)
        return local[0];
    return recurse(depth - 1) + local[3];
}

uint32_t measure(uint32_t depth)
{
    stack_paint();
    recurse(depth);
    return stack_used();
}

int check(bool ok, const char *what)
{
    if (!ok) {
        sh_write("FAILED: ");
        sh_write(what);
        sh_write("\n");
    }
    return ok ? 0 : 1;
}

}  // namespace

int main()
{
    sh_write("hello from " EMBER_FIRMWARE_MACHINE "\n");
    int failures = check(constructed.value == 43, "static constructor ran");

    const uint32_t used10 = measure(10);
    const uint32_t used20 = measure(20);
    sh_write("stack: recurse(10) ");
    sh_write_u32(used10);
    sh_write(" B, recurse(20) ");
    sh_write_u32(used20);
    sh_write(" B, of ");
    sh_write_u32(stack_size());
    sh_write(" B\n");
    failures += check(used10 > 0 && used20 > used10 && used20 < stack_size(), "stack use grows with depth");

    // Hardware vmul.f32 on the M4 (FPU enabled by startup.c), a libgcc
    // __aeabi_fmul call on the M0/M3. volatile: computed at run time.
    volatile float a = 1.5f, b = 2.25f;
    const float product = a * b;
    sh_write("float: 1.5 * 2.25 = ");
    sh_write_u32(static_cast<uint32_t>(product * 1000.0f));
    sh_write(" / 1000\n");
    failures += check(product == 3.375f, "float multiply");

#if defined(HELLO_FAULT)
    __asm__ volatile("udf #0");
#endif
#if defined(HELLO_FAIL)
    failures += check(false, "HELLO_FAIL forces a failure");
#endif
    sh_write(failures == 0 ? "ok\n" : "not ok\n");
    return failures == 0 ? 0 : 1;
}
