# Bare-metal Cortex-M3: Arm MPS2 AN385, ARMv7-M, no FPU.
# Firmware images run under: qemu-system-arm -M mps2-an385 (tests/firmware).
set(EMBER_CORTEX_M_FLAGS "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
set(EMBER_FIRMWARE_MACHINE mps2-an385 CACHE STRING "qemu-system-arm -M machine that runs the firmware images")
set(EMBER_FIRMWARE_CPU m3 CACHE STRING "Cortex-M core of the firmware target (m0, m3, m4)")
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m-common.cmake)
