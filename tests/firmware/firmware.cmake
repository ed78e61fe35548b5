# ember_add_firmware(<name> <source>...
#                    [DEFINES <definition>...] [LIBRARIES <target>...]
#                    [EXIT_STATUS <n>])
#
# Builds <name>.elf for the machine of the Cortex-M toolchain file in use
# (platform/cortex-m{0,3,4}.cmake): the sources plus the start-up, semihosting
# and stack-painting support, linked with the machine's linker script, a
# <name>.map next to the image, and arm-none-eabi-size printed after each link.
# Registers CTest test <name> (label `firmware`) running the image under
# qemu-system-arm; the test passes when QEMU exits with status <n>, 0 unless
# given (the status is main's return value, 2 after a fault; README.md).
include_guard(GLOBAL)

if(NOT EMBER_FIRMWARE_MACHINE OR NOT EMBER_FIRMWARE_CPU)
  message(FATAL_ERROR "firmware.cmake needs a Cortex-M toolchain file, e.g. "
                      "-DCMAKE_TOOLCHAIN_FILE=platform/cortex-m4.cmake")
endif()

set(EMBER_FIRMWARE_DIR ${CMAKE_CURRENT_LIST_DIR})
if(EMBER_FIRMWARE_MACHINE STREQUAL "microbit")
  set(EMBER_FIRMWARE_LINKER_SCRIPT ${EMBER_FIRMWARE_DIR}/ld/microbit.ld)
elseif(EMBER_FIRMWARE_MACHINE MATCHES "^mps2-an38[56]$")
  set(EMBER_FIRMWARE_LINKER_SCRIPT ${EMBER_FIRMWARE_DIR}/ld/mps2.ld)
else()
  message(FATAL_ERROR "no linker script for EMBER_FIRMWARE_MACHINE=${EMBER_FIRMWARE_MACHINE}")
endif()

get_filename_component(_ember_bin_dir ${CMAKE_C_COMPILER} DIRECTORY)
find_program(EMBER_ARM_SIZE arm-none-eabi-size HINTS ${_ember_bin_dir} REQUIRED)
find_program(EMBER_QEMU_SYSTEM_ARM qemu-system-arm REQUIRED)
unset(_ember_bin_dir)

# -monitor none -serial none: -nographic would otherwise put the monitor and
# the UART on stdio; the firmware talks only through semihosting.
set(EMBER_FIRMWARE_RUNNER
    ${EMBER_QEMU_SYSTEM_ARM} -M ${EMBER_FIRMWARE_MACHINE} -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native -kernel)

# Same rules as the rest of ember: strict warnings, and no fused multiply-add
# (the M4's VFMA) so float results match the host builds bit for bit.
set(EMBER_FIRMWARE_COMPILE_OPTIONS -Wall -Wextra -Werror -ffp-contract=off)

add_library(ember_firmware_support OBJECT
  ${EMBER_FIRMWARE_DIR}/startup.c
  ${EMBER_FIRMWARE_DIR}/semihost.c
  ${EMBER_FIRMWARE_DIR}/stack_paint.c)
target_include_directories(ember_firmware_support PUBLIC ${EMBER_FIRMWARE_DIR})
# GNU C: naked functions and range designators in startup.c.
set_target_properties(ember_firmware_support PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
target_compile_options(ember_firmware_support PRIVATE ${EMBER_FIRMWARE_COMPILE_OPTIONS})
target_compile_definitions(ember_firmware_support PUBLIC EMBER_FIRMWARE_MACHINE="${EMBER_FIRMWARE_MACHINE}")
# The objects (and with them the vector table) go straight into each image:
# an archive member nothing references would be dropped.
target_link_options(ember_firmware_support INTERFACE
  -T${EMBER_FIRMWARE_LINKER_SCRIPT} -L${EMBER_FIRMWARE_DIR}/ld)

function(ember_add_firmware name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXIT_STATUS" "DEFINES;LIBRARIES;QEMU_OPTIONS")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ember_add_firmware(${name}): no sources")
  endif()
  add_executable(${name} ${arg_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES
    SUFFIX .elf
    LINK_DEPENDS "${EMBER_FIRMWARE_DIR}/ld/common.ld;${EMBER_FIRMWARE_LINKER_SCRIPT}")
  target_compile_options(${name} PRIVATE ${EMBER_FIRMWARE_COMPILE_OPTIONS})
  target_compile_definitions(${name} PRIVATE ${arg_DEFINES})
  target_link_libraries(${name} PRIVATE ember_firmware_support ${arg_LIBRARIES})
  target_link_options(${name} PRIVATE -Wl,-Map=$<TARGET_FILE_DIR:${name}>/${name}.map)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${EMBER_ARM_SIZE} $<TARGET_FILE:${name}>
    VERBATIM)

  set(runner ${EMBER_FIRMWARE_RUNNER})
  if(arg_QEMU_OPTIONS)  # before the final -kernel
    list(POP_BACK runner)
    list(APPEND runner ${arg_QEMU_OPTIONS} -kernel)
  endif()
  if(NOT arg_EXIT_STATUS OR arg_EXIT_STATUS EQUAL 0)
    add_test(NAME ${name} COMMAND ${runner} $<TARGET_FILE:${name}>)
  else()
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -DEXIT_STATUS=${arg_EXIT_STATUS} -P ${EMBER_FIRMWARE_DIR}/expect_exit.cmake
                     ${runner} $<TARGET_FILE:${name}>)
  endif()
  # A hang is a failure (Timeout), whatever EXIT_STATUS says.
  set_tests_properties(${name} PROPERTIES TIMEOUT 60 LABELS firmware)
endfunction()
