# Bare-metal Cortex-M0: nRF51 (BBC micro:bit), ARMv6-M, no FPU.
# Firmware images run under: qemu-system-arm -M microbit (tests/firmware).
set(EMBER_CORTEX_M_FLAGS "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft")
set(EMBER_FIRMWARE_MACHINE microbit CACHE STRING "qemu-system-arm -M machine that runs the firmware images")
set(EMBER_FIRMWARE_CPU m0 CACHE STRING "Cortex-M core of the firmware target (m0, m3, m4)")
include(${CMAKE_CURRENT_LIST_DIR}/cortex-m-common.cmake)
