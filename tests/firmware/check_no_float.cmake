# cmake -DNM=<nm> -DIMAGE=<image.elf> -P check_no_float.cmake
#
# An integer-only firmware image must hold no floating-point code: no
# soft-float routine of libgcc (__aeabi_f*, __aeabi_d*, the int<->float
# conversions __aeabi_i2f, __aeabi_ui2f, __aeabi_l2f ..., the generic
# __addsf3, __floatsisf, __fixsfsi, __extendsfdf2 ... and the comparisons
# __eqsf2, __aeabi_fcmp*) and no libm function. Prints each one found.
cmake_minimum_required(VERSION 3.21)
foreach(var NM IMAGE)
  if(NOT ${var})
    message(FATAL_ERROR "check_no_float.cmake: -D${var}=... is required")
  endif()
endforeach()
execute_process(COMMAND ${NM} ${IMAGE} OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${IMAGE}: ${err}")
endif()
string(REPLACE ";" "\\;" text "${text}")
string(REPLACE "\n" ";" lines "${text}")
set(soft_float
  "^__aeabi_[fd]"                      # __aeabi_fadd, __aeabi_dmul, __aeabi_fcmplt, __aeabi_f2iz, ...
  "^__aeabi_u?[il]2[fd]$"              # int -> float conversions
  "^__(add|sub|mul|div|neg)[sdt]f3$"   # generic soft-float arithmetic
  "^__(eq|ne|lt|le|gt|ge|un|cmp)[sdt]f2$"
  "^__float(un)?[sdt]i[sdt]f$"
  "^__fix(uns)?[sdt]f[sdt]i$"
  "^__(extend|trunc)[sdt]f[sdt]f2$")
set(libm
  "^(exp|log|pow|sqrt|floor|ceil|round|lround|fabs|frexp|ldexp|modf|fmod|sin|cos|tan|tanh|atan|expm1|log1p)f?$"
  "^__ieee754_")
set(found 0)
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F ]* ([A-Za-z]) (.+)$")
    set(symbol ${CMAKE_MATCH_2})
    math(EXPR count "${count} + 1")
    foreach(pattern IN LISTS soft_float)
      if(symbol MATCHES "${pattern}")
        message("${IMAGE}: soft-float routine ${symbol}")
        math(EXPR found "${found} + 1")
      endif()
    endforeach()
    foreach(pattern IN LISTS libm)
      if(symbol MATCHES "${pattern}")
        message("${IMAGE}: libm function ${symbol}")
        math(EXPR found "${found} + 1")
      endif()
    endforeach()
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${IMAGE}: no symbols read")
endif()
if(found GREATER 0)
  message(FATAL_ERROR "${IMAGE}: ${found} floating-point symbols among ${count}")
endif()
message("${IMAGE}: no floating-point symbol among ${count}")
