#include "stack_paint.h"

uintptr_t stack_paint_sp;
