# Checks a linked predict-only program: it must define no symbol of the
# layers above the runtime (writer, trainers) and import nothing that means
# heap, exceptions, RTTI or threads.
#   cmake -DNM=nm -DEXE=predict_only -DABOVE="libember_writer.a;libember_train.a" -P this
execute_process(COMMAND ${NM} --defined-only --demangle ${EXE} OUTPUT_VARIABLE exe_defined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${EXE}")
endif()
execute_process(COMMAND ${NM} --undefined-only --demangle ${EXE} OUTPUT_VARIABLE exe_undefined RESULT_VARIABLE rc)

# Names (third column) of the global code and data symbols a listing defines
# (local ones may share a name across layers without being the same thing).
function(defined_names listing out)
  string(REPLACE ";" "," listing "${listing}")
  string(REPLACE "\n" ";" lines "${listing}")
  set(names "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]+ [TDBR] (.+)$")
      list(APPEND names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

defined_names("${exe_defined}" exe_names)
set(found "")
foreach(lib IN LISTS ABOVE)
  execute_process(COMMAND ${NM} --defined-only --demangle ${lib} OUTPUT_VARIABLE lib_defined RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${lib}")
  endif()
  defined_names("${lib_defined}" lib_names)
  # (Inline functions and template instances are weak, W/V, and may be
  # emitted by both layers: only strong definitions identify a layer.)
  foreach(name IN LISTS lib_names)
    list(FIND exe_names "${name}" at)
    if(NOT at EQUAL -1 AND NOT name MATCHES "^(std::|__gnu_cxx::|operator )")
      list(APPEND found "defines ${name} (from ${lib})")
    endif()
  endforeach()
endforeach()

string(REPLACE ";" "," exe_undefined "${exe_undefined}")
string(REPLACE "\n" ";" lines "${exe_undefined}")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  if(line MATCHES "^[Uw] (malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign)(@.*)?$"
     OR line MATCHES "^[Uw] operator (new|delete)" OR line MATCHES "^[Uw] __cxa_(throw|allocate_exception|begin_catch)"
     OR line MATCHES "^[Uw] __gxx_personality" OR line MATCHES "^[Uw] (typeinfo|vtable) for"
     OR line MATCHES "^[Uw] __dynamic_cast" OR line MATCHES "^[Uw] std::(thread|mutex)" OR line MATCHES "^[Uw] pthread_")
    list(APPEND found "imports ${line}")
  endif()
endforeach()

if(found)
  list(JOIN found "\n  " text)
  message(FATAL_ERROR "${EXE} links more than the runtime:\n  ${text}")
endif()
message(STATUS "runtime only: ${EXE}")
