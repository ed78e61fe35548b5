/* Stack painting: measure the peak stack use of a piece of code.
 *
 *     stack_paint();                 // fill the free stack below SP with a pattern
 *     f();
 *     uint32_t used = stack_used();  // bytes below the SP of stack_paint()'s caller
 *                                    // that f (and all it called) wrote
 *
 * Both are always inlined so that they work with the caller's SP and put no
 * frame of their own on the stack being measured. The stack is the linker
 * script's [__stack_bottom, __stack_top) (tests/firmware/ld/common.ld). */
#ifndef EMBER_FIRMWARE_STACK_PAINT_H
#define EMBER_FIRMWARE_STACK_PAINT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Its bytes differ, so the compiler cannot turn the fill loop into a memset
 * call (whose own frame would sit in the region being painted). */
#define STACK_PAINT_PATTERN 0xDEADBEEFu

extern uint32_t __stack_bottom[]; /* lowest stack address (linker script) */
extern uint32_t __stack_top[];    /* initial SP (linker script) */
extern uintptr_t stack_paint_sp;  /* SP at the last stack_paint() */

__attribute__((always_inline)) static inline uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Paints every word from the bottom of the stack up to the current SP. */
__attribute__((always_inline)) static inline void stack_paint(void)
{
    const uintptr_t sp = stack_pointer();
    stack_paint_sp = sp;
    for (volatile uint32_t *p = __stack_bottom; (uintptr_t)p < sp; ++p)
        *p = STACK_PAINT_PATTERN;
}

/* Peak bytes used below the SP of the last stack_paint(): the distance from
 * that SP down to the deepest word no longer holding the pattern. Counts
 * words written, not frames reserved (an array never written is not seen). */
__attribute__((always_inline)) static inline uint32_t stack_used(void)
{
    const volatile uint32_t *p = __stack_bottom;
    while ((uintptr_t)p < stack_paint_sp && *p == STACK_PAINT_PATTERN)
        ++p;
    return (uint32_t)(stack_paint_sp - (uintptr_t)p);
}

/* Size of the whole stack region in bytes. */
__attribute__((always_inline)) static inline uint32_t stack_size(void)
{
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

#ifdef __cplusplus
}
#endif

#endif
