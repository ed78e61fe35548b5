/* Arm semihosting: console output and exit status for firmware under QEMU
 * (qemu-system-arm -semihosting-config enable=on,target=native).
 * No printf: these few helpers are all the tests need and pull in nothing. */
#ifndef EMBER_FIRMWARE_SEMIHOST_H
#define EMBER_FIRMWARE_SEMIHOST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes a NUL-terminated string to QEMU's stdout (SYS_WRITE0). */
void sh_write(const char *text);
/* Writes value in decimal, e.g. "1234". */
void sh_write_u32(uint32_t value);
/* Writes value as 0x followed by 8 hex digits, e.g. "0x0000abcd". */
void sh_write_hex(uint32_t value);
/* Ends the program: qemu-system-arm exits with status & 0xff. */
__attribute__((noreturn)) void sh_exit(int status);

#ifdef __cplusplus
}
#endif

#endif
