# Shared part of the bare-metal Cortex-M toolchain files (cortex-m0/m3/m4.cmake).
# The including file sets EMBER_CORTEX_M_FLAGS (and the cache variables
# EMBER_FIRMWARE_MACHINE / EMBER_FIRMWARE_CPU) first. Firmware images run
# under qemu-system-arm (tests/firmware/README.md), not a user-mode emulator,
# so CMAKE_CROSSCOMPILING_EMULATOR stays unset.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# There is no startup code or linker script until the firmware build supplies
# them, so CMake's compiler checks must not try to link an executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# No optimisation level here: the build type (MinSizeRel -> -Os) chooses it.
# Sections per function/object so --gc-sections drops what is not referenced;
# no unwind tables since nothing unwinds (-fno-exceptions).
set(_ember_common "${EMBER_CORTEX_M_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-unwind-tables -fno-asynchronous-unwind-tables")
set(CMAKE_C_FLAGS_INIT "${_ember_common}")
set(CMAKE_CXX_FLAGS_INIT "${_ember_common} -fno-rtti")
set(CMAKE_ASM_FLAGS_INIT "${EMBER_CORTEX_M_FLAGS}")
# newlib-nano for memcpy/memset/memcmp; -nostartfiles because the firmware
# brings its own vector table and reset handler (tests/firmware/startup.c).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections --specs=nano.specs -nostartfiles")
unset(_ember_common)

