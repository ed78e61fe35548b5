/* Reset and exception handling for the firmware images: vector table, RAM
 * initialisation, FPU enable, C++ constructors, main(), fault reporting.
 * Linked with -nostartfiles, so this is the whole C runtime start-up. */
#include <stdint.h>
#include <string.h>

#include "semihost.h"

/* Exit status of a fault or an unexpected exception. */
#define FAULT_EXIT_STATUS 2

/* From the linker script (ld/common.ld). */
extern uint32_t __stack_bottom[], __stack_top[];
extern uint32_t __data_start[], __data_end[], __bss_start[], __bss_end[];
extern const uint32_t __data_load[];
typedef void (*init_function)(void);
extern const init_function __preinit_array_start[], __preinit_array_end[];
extern const init_function __init_array_start[], __init_array_end[];

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void fault_report(const uint32_t *frame);

/* Word 0 is the initial SP, word 1 the reset handler, then the exception
 * handlers (ARMv7-M ARM B1.5.3, ARMv6-M ARM B1.5.2). Nothing enables
 * interrupts, so every exception other than reset is unexpected. */
typedef union {
    void (*handler)(void);
    void *stack;
} vector;

#define EXTERNAL_IRQS 32 /* both the MPS2 AN385/AN386 and the nRF51 have 32 */

__attribute__((section(".vectors"), used)) static const vector vector_table[16 + EXTERNAL_IRQS] = {
    [0] = {.stack = __stack_top},
    [1] = {.handler = Reset_Handler},
    [2 ... 16 + EXTERNAL_IRQS - 1] = {.handler = Fault_Handler},
};

/* Everything after the FPU enable. noinline so that no floating-point
 * instruction can be scheduled before CPACR has been written. */
__attribute__((noreturn, noinline)) static void start(void)
{
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    /* Our own loop rather than newlib's __libc_init_array, which also calls
     * _init() from crti.o, an object -nostartfiles leaves out. */
    for (const init_function *f = __preinit_array_start; f < __preinit_array_end; ++f)
        (*f)();
    for (const init_function *f = __init_array_start; f < __init_array_end; ++f)
        (*f)();
    sh_exit(main());
}

void Reset_Handler(void)
{
#if defined(__ARM_FP)
    /* The FPU resets disabled: the first floating-point instruction would
     * raise a UsageFault (NOCP). Grant full access to CP10/CP11 in CPACR. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    start();
}

/* Every unexpected exception lands here. Naked, because the fault may be a
 * stack overflow and fault_report needs a stack to run on: if SP is within
 * FAULT_STACK_NEED bytes of the bottom (or below it), move it back to the top
 * of the stack. Otherwise leave it, so that fault_report's frame goes below
 * the exception frame instead of over it. r0 keeps the SP the exception frame
 * was pushed at (only MSP is ever used). */
#define FAULT_STACK_NEED 256
#define STR_(x) #x
#define STR(x) STR_(x)
__attribute__((naked)) void Fault_Handler(void)
{
    __asm__ volatile("mrs r0, msp\n\t"
                     "ldr r1, =__stack_bottom + " STR(FAULT_STACK_NEED) "\n\t"
                     "cmp r0, r1\n\t"
                     "bhs 1f\n\t"
                     "ldr r1, =__stack_top\n\t"
                     "mov sp, r1\n"
                     "1:\n\t"
                     "bl fault_report\n\t");
}

void fault_report(const uint32_t *frame)
{
    static const char *const names[16] = {
        [2] = "NMI",        [3] = "HardFault", [4] = "MemManage", [5] = "BusFault",
        [6] = "UsageFault", [11] = "SVCall",   [12] = "DebugMon", [14] = "PendSV",
        [15] = "SysTick",
    };
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    const uint32_t exception = ipsr & 0x1ffu;

    sh_write("fault: ");
    sh_write(exception < 16 && names[exception] ? names[exception] : "IRQ");
    sh_write(" (exception ");
    sh_write_u32(exception);
    sh_write(")");
    /* The stacked PC (frame word 6) is readable only if the frame was pushed
     * inside the stack region. */
    if (frame >= __stack_bottom && frame + 8 <= __stack_top) {
        sh_write(" pc=");
        sh_write_hex(frame[6]);
    }
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    sh_write(" cfsr=");
    sh_write_hex(*(const volatile uint32_t *)0xE000ED28u);
    sh_write(" hfsr=");
    sh_write_hex(*(const volatile uint32_t *)0xE000ED2Cu);
#endif
    sh_write("\n");
    sh_exit(FAULT_EXIT_STATUS);
}

/* C++ registers the destructors of static objects with __cxa_atexit, and
 * __dso_handle normally comes from crtbegin.o. The program ends with
 * sh_exit, so destructors never run: registering nothing keeps newlib's
 * atexit tables out of the image. */
void *__dso_handle;
int __cxa_atexit(void (*destructor)(void *), void *object, void *dso);
int __cxa_atexit(void (*destructor)(void *), void *object, void *dso)
{
    (void)destructor;
    (void)object;
    (void)dso;
    return 0;
}
