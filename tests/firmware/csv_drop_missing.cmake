# cmake -DIN=DATA.csv -DOUT=OUT.csv -DCOLUMN=NAME -P csv_drop_missing.cmake
# Copies DATA.csv without the rows whose COLUMN is empty (a missing value), so
# that the column can be a training target. For the bundled data only: fields
# are split at every comma (no quoted commas), quotes around a name are ignored.
file(STRINGS "${IN}" lines)
list(POP_FRONT lines header)
string(REPLACE "," ";" names "${header}")
string(REPLACE "\"" "" names "${names}")
list(FIND names "${COLUMN}" index)
if(index LESS 0)
  message(FATAL_ERROR "${IN}: no column ${COLUMN}")
endif()
set(text "${header}\n")
set(dropped 0)
foreach(line IN LISTS lines)
  # A trailing empty field would vanish from the list: pad every field.
  string(REPLACE "," ";_" fields "_${line}")
  list(GET fields ${index} field)
  if(field STREQUAL "_" OR field MATCHES "^_(NA|\"\")$")
    math(EXPR dropped "${dropped} + 1")
  else()
    string(APPEND text "${line}\n")
  endif()
endforeach()
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
message(STATUS "${OUT}: ${IN} without the ${dropped} rows missing ${COLUMN}")
