# scdoc.cmake - run scdoc(1) in script mode: cmake -DSCDOC=<scdoc>
# -DSRC=<page.scd> -DDST=<page> -P scdoc.cmake. scdoc reads standard input
# and writes standard output; a failed run leaves no half-written page.
foreach(v SCDOC SRC DST)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "scdoc.cmake: -D${v}=... is required")
    endif()
endforeach()

execute_process(
    COMMAND "${SCDOC}"
    INPUT_FILE "${SRC}"
    OUTPUT_FILE "${DST}.tmp"
    ERROR_VARIABLE err
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(REMOVE "${DST}.tmp")
    message(FATAL_ERROR "scdoc failed on ${SRC} (${rc}):\n${err}")
endif()
file(RENAME "${DST}.tmp" "${DST}")
