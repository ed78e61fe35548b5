# cmake -DEXIT_STATUS=<n> -P expect_exit.cmake <command> [<arg>...]
# Runs the command and succeeds only if it exits with status <n>: CTest's
# WILL_FAIL would accept any failure, QEMU's own errors included.
set(command)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(found_script)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} MATCHES "expect_exit\\.cmake$")
    set(found_script TRUE)
  endif()
endforeach()
execute_process(COMMAND ${command} RESULT_VARIABLE status)
if(NOT status STREQUAL "${EXIT_STATUS}")
  message(FATAL_ERROR "exit status ${status}, expected ${EXIT_STATUS}")
endif()
