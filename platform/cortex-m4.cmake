# Bare-metal Cortex-M4: Arm MPS2 AN386, ARMv7E-M with single-precision FPU (enabled by tests/firmware/startup.c).
# Firmware images run under: qemu-system-arm -M mps2-an386 (tests/firmware).
set(EMBER_CORTEX_M_FLAGS "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
set(EMBER_FIRMWARE_MACHINE mps2-an386 CACHE STRING "qemu-system-arm -M machine that runs the firmware images")
set(EMBER_FIRMWARE_CPU m4 CACHE STRING "Cortex-M core of the firmware target (m0, m3, m4)")
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m-common.cmake)
