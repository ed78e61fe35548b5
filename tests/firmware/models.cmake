# The test models, made at build time by the host build's `ember` CLI from the
# bundled data (tests/data) and exported as C headers with golden vectors:
#
#   ember train DATA.csv ... -o NAME.ember
#   ember export-c NAME.ember -o NAME.h --name NAME --strip-metadata --golden N DATA.csv
#
# EMBER_HOST_BUILD names the host build (default build/release, made by
# `cmake --preset release && cmake --build --preset release`); its
# tools/ember runs here (and is brought up to date first). Each model gets
# two headers in
# ${EMBER_FIRMWARE_MODEL_DIR}:
#   NAME.h        every row of the data as golden vectors (model_NAME images)
#   NAME_small.h  the first EMBER_FIRMWARE_SMALL_GOLDEN rows, small enough
#                 for a RAM copy on the micro:bit (corrupt_NAME and the
#                 footprint images)
include_guard(GLOBAL)

set(EMBER_HOST_BUILD "${PROJECT_SOURCE_DIR}/build/release" CACHE PATH
    "The host build whose tools/ember CLI makes the firmware test models")
set(EMBER_HOST_CLI "${EMBER_HOST_BUILD}/tools/ember")
if(NOT EXISTS "${EMBER_HOST_CLI}")
  message(FATAL_ERROR
    "The firmware tests need the host CLI to make their models, and there is no "
    "${EMBER_HOST_CLI}.\n"
    "Build the host first:\n"
    "  cmake --preset release && cmake --build --preset release\n"
    "or point -DEMBER_HOST_BUILD=DIR at another host build directory.")
endif()

# Every build first brings the host CLI up to date (a no-op when it is), so
# that the models and their golden outputs come from the current sources;
# the models are remade when the CLI changes.
add_custom_target(ember_host_cli
  COMMAND ${CMAKE_COMMAND} --build ${EMBER_HOST_BUILD} --target ember_cli
  BYPRODUCTS ${EMBER_HOST_CLI}
  COMMENT "Bringing the host CLI up to date (${EMBER_HOST_BUILD})"
  VERBATIM)

set(EMBER_FIRMWARE_MODEL_DIR ${CMAKE_CURRENT_BINARY_DIR}/models)
set(EMBER_FIRMWARE_SMALL_GOLDEN 4)
set(EMBER_FIRMWARE_DATA_DIR ${PROJECT_SOURCE_DIR}/tests/data)
file(MAKE_DIRECTORY ${EMBER_FIRMWARE_MODEL_DIR})
set(EMBER_FIRMWARE_MODELS)

# ember_firmware_model_headers(<name> <model.ember> <golden csv>)
# <name>.h with every row of the csv as golden vectors (GOLD, or QGLD for an
# integer model: export-c picks) and <name>_small.h with the first
# EMBER_FIRMWARE_SMALL_GOLDEN. The header comment, the bytes and the rows all
# come from the file: no row count is hard-coded here.
function(ember_firmware_model_headers name model golden_data)
  file(STRINGS ${golden_data} lines)
  list(LENGTH lines n_lines)
  math(EXPR n_rows "${n_lines} - 1")
  foreach(variant IN ITEMS full small)
    if(variant STREQUAL "full")
      set(id ${name})
      set(rows ${n_rows})
    else()
      set(id ${name}_small)
      set(rows ${EMBER_FIRMWARE_SMALL_GOLDEN})
    endif()
    add_custom_command(OUTPUT ${EMBER_FIRMWARE_MODEL_DIR}/${id}.h
      COMMAND ${EMBER_HOST_CLI} export-c ${model} -o ${EMBER_FIRMWARE_MODEL_DIR}/${id}.h --name ${id}
              --strip-metadata --golden ${rows} ${golden_data}
      DEPENDS ember_host_cli ${EMBER_HOST_CLI} ${model} ${golden_data}
      COMMENT "ember export-c: ${id}.h, ${rows} golden rows"
      VERBATIM)
  endforeach()
endfunction()

# ember_firmware_model(<name> DATA <csv> [GOLDEN_DATA <csv>] TRAIN <args>...)
# Trains <name>.ember on DATA with `ember train DATA <args>`, then writes
# <name>.h (golden vectors: every row of GOLDEN_DATA, default DATA) and
# <name>_small.h. Adds <name> to EMBER_FIRMWARE_MODELS.
function(ember_firmware_model name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DATA;GOLDEN_DATA" "TRAIN")
  if(NOT arg_GOLDEN_DATA)
    set(arg_GOLDEN_DATA ${arg_DATA})
  endif()
  set(model ${EMBER_FIRMWARE_MODEL_DIR}/${name}.ember)
  add_custom_command(OUTPUT ${model}
    COMMAND ${EMBER_HOST_CLI} train ${arg_DATA} ${arg_TRAIN} --seed 1 --no-track -o ${model}
    DEPENDS ember_host_cli ${EMBER_HOST_CLI} ${arg_DATA}
    COMMENT "ember train: ${name}"
    VERBATIM)
  ember_firmware_model_headers(${name} ${model} ${arg_GOLDEN_DATA})
  set(EMBER_FIRMWARE_MODELS ${EMBER_FIRMWARE_MODELS} ${name} PARENT_SCOPE)
endfunction()

# The header of model <id> (a name, or name_small) and its macro prefix.
function(ember_firmware_model_header id out_header out_upper)
  set(${out_header} ${EMBER_FIRMWARE_MODEL_DIR}/${id}.h PARENT_SCOPE)
  string(TOUPPER ${id} upper)
  set(${out_upper} ${upper} PARENT_SCOPE)
endfunction()

# Penguins with a numeric target: the rows whose target is missing must go
# (train refuses them); the golden rows come from the whole file, so the
# device also imputes a row with every number missing.
set(penguins_mass ${EMBER_FIRMWARE_MODEL_DIR}/penguins_body_mass.csv)
add_custom_command(OUTPUT ${penguins_mass}
  COMMAND ${CMAKE_COMMAND} -DIN=${EMBER_FIRMWARE_DATA_DIR}/penguins.csv -DOUT=${penguins_mass}
          -DCOLUMN=body_mass_g -P ${CMAKE_CURRENT_LIST_DIR}/csv_drop_missing.cmake
  DEPENDS ${EMBER_FIRMWARE_DATA_DIR}/penguins.csv ${CMAKE_CURRENT_LIST_DIR}/csv_drop_missing.cmake
  VERBATIM)

# (a) logistic regression, two classes; the default pipeline (impute, scale).
ember_firmware_model(bc_logistic DATA ${EMBER_FIRMWARE_DATA_DIR}/breast_cancer.csv
  TRAIN --target diagnosis --model logistic)
# (b) multinomial logistic regression, three classes.
ember_firmware_model(iris_multinomial DATA ${EMBER_FIRMWARE_DATA_DIR}/iris.csv
  TRAIN --target species --model logistic)
# (c) linear regression behind a full pipeline: impute (sex is missing in
# some rows), one-hot (species, island, sex), scale.
ember_firmware_model(penguins_linear DATA ${penguins_mass} GOLDEN_DATA ${EMBER_FIRMWARE_DATA_DIR}/penguins.csv
  TRAIN --target body_mass_g --model linear --impute median --encode onehot --scale standard)
# (d) random forest, 10 trees, native categorical splits and missing values.
ember_firmware_model(penguins_forest DATA ${EMBER_FIRMWARE_DATA_DIR}/penguins.csv
  TRAIN --target species --model forest --encode native --param n_estimators=10)
# (e) gradient boosting, 100 trees.
ember_firmware_model(bc_gbdt DATA ${EMBER_FIRMWARE_DATA_DIR}/breast_cancer.csv
  TRAIN --target diagnosis --model gbdt --param n_estimators=100)

# ---- integer (quantized) models --------------------------------------------
# ember_firmware_qmodel(<name> FROM <float model name> CALIBRATION <csv>
#                       [GOLDEN_DATA <csv>] [ARGS <quantize args>...])
#   ember quantize FROM.ember --calibration CSV ARGS -o <name>.ember
#   ember export-c <name>.ember ... --golden N CSV   (integer golden vectors, QGLD)
# gives <name>.h and <name>_small.h as ember_firmware_model does, and adds
# <name> to EMBER_FIRMWARE_QMODELS.
set(EMBER_FIRMWARE_QMODELS)
function(ember_firmware_qmodel name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FROM;CALIBRATION;GOLDEN_DATA" "ARGS")
  if(NOT arg_GOLDEN_DATA)
    set(arg_GOLDEN_DATA ${arg_CALIBRATION})
  endif()
  set(source ${EMBER_FIRMWARE_MODEL_DIR}/${arg_FROM}.ember)
  set(model ${EMBER_FIRMWARE_MODEL_DIR}/${name}.ember)
  add_custom_command(OUTPUT ${model}
    COMMAND ${EMBER_HOST_CLI} quantize ${source} --calibration ${arg_CALIBRATION} ${arg_ARGS} -o ${model}
    DEPENDS ember_host_cli ${EMBER_HOST_CLI} ${source} ${arg_CALIBRATION}
    COMMENT "ember quantize: ${name}"
    VERBATIM)
  ember_firmware_model_headers(${name} ${model} ${arg_GOLDEN_DATA})
  set(EMBER_FIRMWARE_QMODELS ${EMBER_FIRMWARE_QMODELS} ${name} PARENT_SCOPE)
endfunction()

# The float models above, quantized to int16 inputs on their own data.
ember_firmware_qmodel(bc_logistic_q FROM bc_logistic CALIBRATION ${EMBER_FIRMWARE_DATA_DIR}/breast_cancer.csv)
ember_firmware_qmodel(iris_multinomial_q FROM iris_multinomial CALIBRATION ${EMBER_FIRMWARE_DATA_DIR}/iris.csv)
ember_firmware_qmodel(penguins_linear_q FROM penguins_linear CALIBRATION ${penguins_mass}
  GOLDEN_DATA ${EMBER_FIRMWARE_DATA_DIR}/penguins.csv)
ember_firmware_qmodel(penguins_forest_q FROM penguins_forest CALIBRATION ${EMBER_FIRMWARE_DATA_DIR}/penguins.csv)
ember_firmware_qmodel(bc_gbdt_q FROM bc_gbdt CALIBRATION ${EMBER_FIRMWARE_DATA_DIR}/breast_cancer.csv)
