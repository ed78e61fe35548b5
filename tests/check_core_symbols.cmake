# Fails when the core library imports a symbol that would mean heap use,
# exceptions, RTTI, iostream or threads. Run: cmake -DNM=nm -DLIB=libember.a -P this.
execute_process(COMMAND ${NM} --undefined-only --demangle ${LIB}
                OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIB}")
endif()
string(REPLACE ";" "," undefined "${undefined}")
string(REPLACE "\n" ";" lines "${undefined}")
set(forbidden "^U (malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign)$"
              "^U operator (new|delete)" "^U __cxa_(throw|allocate_exception|begin_catch)"
              "^U __gxx_personality" "^U typeinfo for" "^U __dynamic_cast"
              "^U std::(ios_base|basic_ostream|basic_istream|thread|mutex)" "^U pthread_")
set(found "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  foreach(pattern IN LISTS forbidden)
    if(line MATCHES "${pattern}")
      list(APPEND found "${line}")
    endif()
  endforeach()
endforeach()
if(found)
  list(JOIN found "\n  " text)
  message(FATAL_ERROR "the core library imports forbidden symbols:\n  ${text}")
endif()
message(STATUS "core symbols clean: ${LIB}")
