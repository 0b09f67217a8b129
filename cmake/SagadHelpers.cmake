# Conventions shared by every folder: one library per folder, tests beside it.

set(SAGAD_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

# sagad_library(NAME SOURCES ... DEPS ...)
# A static library whose public include root is the repository root, so code
# includes "core/status.h", "saga-dsl/parser.h" and so on.
function(sagad_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${SAGAD_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# sagad_test(NAME SOURCES ... DEPS ... [LABELS ...] [TIMEOUT s])
# A GoogleTest binary registered with ctest. Each TEST is its own ctest case
# so failures are reported by name.
function(sagad_test name)
  if(NOT SAGAD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SAGAD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
