# Runs the detection benchmark twice with one seed and fails unless the two
# JSON reports are byte-identical (DETECTION.md §5.1).
foreach(run a b)
  execute_process(COMMAND ${BIN} --seed=11 --events=2 --fraud-events=4 --sweep-events=1
                    --json=${DIR}/detection-${run}.json
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${run} exited ${rc}")
  endif()
endforeach()
file(SHA256 ${DIR}/detection-a.json a)
file(SHA256 ${DIR}/detection-b.json b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "same seed, different reports: ${DIR}/detection-a.json vs -b.json")
endif()
message(STATUS "identical reports (${a})")
