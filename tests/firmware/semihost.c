#include "semihost.h"

enum {
    SYS_WRITE0 = 0x04,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
    ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN = 0x20023,
};

/* On M-profile the semihosting trap is BKPT 0xAB (there is no SVC variant).
 * Operation in r0, argument in r1, result in r0. */
static uintptr_t semihost_call(uintptr_t op, uintptr_t arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_write(const char *text)
{
    semihost_call(SYS_WRITE0, (uintptr_t)text);
}

void sh_write_u32(uint32_t value)
{
    char text[11]; /* 4294967295 and the NUL */
    char *p = text + sizeof text;
    *--p = '\0';
    do {
        *--p = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    sh_write(p);
}

void sh_write_hex(uint32_t value)
{
    char text[11] = "0x";
    for (int i = 0; i < 8; ++i) {
        const uint32_t nibble = (value >> (28 - 4 * i)) & 0xfu;
        text[2 + i] = (char)(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u);
    }
    text[10] = '\0';
    sh_write(text);
}

void sh_exit(int status)
{
    /* The 32-bit SYS_EXIT carries only a reason, no status: QEMU maps
     * ApplicationExit to exit status 0 and every other reason to 1.
     * SYS_EXIT_EXTENDED takes {reason, status} and QEMU exits with status,
     * so the firmware's exact code reaches CTest. */
    const uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status};
    semihost_call(SYS_EXIT_EXTENDED, (uintptr_t)block);
    /* Only reached if the host lacks SYS_EXIT_EXTENDED: keep success/failure. */
    semihost_call(SYS_EXIT,
                  status == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN);
    for (;;) {
    }
}
