# Training on the device: the firmware image train_test (train_test.cpp +
# device_fit.cpp), which fits a standard scaler, a logistic regression, an
# SGD model and a depth-4 tree on rows in flash in one static arena and
# checks that every model file is byte-identical to the one the host writes.
#
# include()d from tests/firmware/CMakeLists.txt after firmware.cmake, in a
# build that has the core targets (ember_train, ...): the main project
# configured with a firmware preset. The expected bytes come from the host
# build in EMBER_HOST_BUILD (default build/release): at build time its
# device_fit_host target is brought up to date and run, and writes
# device_fit_expected.h (and device_fit_q_expected.h, for train_q_test
# below).
include_guard(GLOBAL)

if(NOT COMMAND ember_add_firmware)
  message(FATAL_ERROR "training.cmake: include firmware.cmake first")
endif()
if(NOT TARGET ember_train)
  message(STATUS "train_test: skipped (no ember_train target: configure the main project with a firmware preset)")
  return()
endif()

get_filename_component(_ember_training_root ${CMAKE_CURRENT_LIST_DIR}/../.. ABSOLUTE)
if(NOT EMBER_HOST_BUILD)
  set(EMBER_HOST_BUILD ${_ember_training_root}/build/release)
endif()
if(NOT EXISTS ${EMBER_HOST_BUILD}/CMakeCache.txt)
  message(WARNING "train_test needs a configured host build in EMBER_HOST_BUILD=${EMBER_HOST_BUILD} "
                  "(e.g. cmake --preset release); building train_test will fail until there is one")
endif()

# The static arena. The tree's fit needs about 41 KB of it on a 32-bit
# part (the other fits under 5 KB; device_fit.h), which the MPS2 boards
# (4 MB RAM) have and the micro:bit (Cortex-M0, 16 KB RAM: stack 4 KB,
# arena, results) has not: there the image fits the three linear models
# in an 8 KB arena and skips the tree.
if(EMBER_FIRMWARE_CPU STREQUAL "m0")
  set(_ember_train_test_arena 8192)
  set(_ember_train_test_defines EMBER_TRAIN_TEST_SKIP_TREE)
else()
  set(_ember_train_test_arena 65536)
  set(_ember_train_test_defines)
endif()
set(EMBER_TRAIN_TEST_ARENA_BYTES ${_ember_train_test_arena} CACHE STRING
    "Static arena of the train_test firmware image (bytes)")

set(_ember_expected_dir ${CMAKE_CURRENT_BINARY_DIR}/device_fit_expected)
set(_ember_expected ${_ember_expected_dir}/device_fit_expected.h)
set(_ember_expected_q ${_ember_expected_dir}/device_fit_q_expected.h)  # train_q_test's, below
set(_ember_host_fit ${EMBER_HOST_BUILD}/tests/device_fit_host${CMAKE_EXECUTABLE_SUFFIX})
# Whatever can change the models: the fitting code, its data, the core.
# One run of device_fit_host writes both headers (two commands would build
# the host tree at the same time).
file(GLOB _ember_training_depends CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/device_fit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_fit.h
  ${CMAKE_CURRENT_LIST_DIR}/device_data.h
  ${CMAKE_CURRENT_LIST_DIR}/device_fit_q.h
  ${CMAKE_CURRENT_LIST_DIR}/device_data_q.h
  ${CMAKE_CURRENT_LIST_DIR}/host_fit_main.cpp
  ${_ember_training_root}/src/*.cpp
  ${_ember_training_root}/src/*.h
  ${_ember_training_root}/src/*/*.cpp
  ${_ember_training_root}/src/*/*.h
  ${_ember_training_root}/include/ember/*.h
  ${_ember_training_root}/include/ember/*/*.h)
add_custom_command(
  OUTPUT ${_ember_expected} ${_ember_expected_q}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_ember_expected_dir}
  COMMAND ${CMAKE_COMMAND} --build ${EMBER_HOST_BUILD} --target device_fit_host
  COMMAND ${_ember_host_fit} --header ${_ember_expected} --q-header ${_ember_expected_q}
  DEPENDS ${_ember_training_depends}
  COMMENT "Fitting the device_fit models, float and integer, on the host (${EMBER_HOST_BUILD}) for train_test and train_q_test"
  VERBATIM)

ember_add_firmware(train_test
  ${CMAKE_CURRENT_LIST_DIR}/train_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_fit.cpp
  ${_ember_expected}
  DEFINES EMBER_DEVICE_FIT_ARENA_BYTES=${EMBER_TRAIN_TEST_ARENA_BYTES} ${_ember_train_test_defines}
  LIBRARIES ember_train)
target_include_directories(train_test PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${_ember_expected_dir})
target_compile_options(train_test PRIVATE -Wconversion -Wsign-conversion -Wshadow)

unset(_ember_train_test_arena)
unset(_ember_train_test_defines)

# ---- training in integers (device_fit_q.h): every core, no float ----------
# train_q_test fits RunningStatsQ + SgdModelQ on int16 rows and must reach
# the host's results bit for bit: at build time the host build's
# device_fit_host runs the same fit and writes device_fit_q_expected.h.
# train_q_symbols checks that the image links no soft-float routine (the
# point on an FPU-less Cortex-M0).
ember_add_firmware(train_q_test ${CMAKE_CURRENT_LIST_DIR}/train_q_test.cpp ${_ember_expected_q}
  LIBRARIES ember_train)
target_include_directories(train_q_test PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${_ember_expected_dir})
target_compile_options(train_q_test PRIVATE -Wconversion -Wsign-conversion -Wshadow)
add_test(NAME train_q_symbols
  COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DIMAGE=$<TARGET_FILE:train_q_test>
          -P ${CMAKE_CURRENT_LIST_DIR}/check_no_float.cmake)
set_tests_properties(train_q_symbols PROPERTIES LABELS firmware)

unset(_ember_training_root)
unset(_ember_training_depends)
unset(_ember_expected_q)
