# sagad_fuzzer(NAME SOURCES ... LIBS ... [CORPUS dir...] [DICT file] [SECONDS s] [LABELS ...])
#
# A libFuzzer target built from SOURCES (the fuzz target) and the sagad
# libraries in LIBS with everything they link, plus its bounded run as the
# ctest `<NAME without "er">_smoke` (foo_fuzzer: foo_fuzz_smoke): SECONDS
# (default 5) of fuzzing from a scratch corpus in the build tree seeded by
# the CORPUS folders, with DICT, labelled `fuzz` and LABELS; a crashing input
# is written beside the binary as build/fuzz/<NAME>-crash-<hash>. As
# tests/dsl and http-api do for their fuzzers: libFuzzer + ASan + UBSan,
# -max_total_time, -rss_limit_mb=1024, -timeout=5. The smoke run's random
# seed is fixed (SAGAD_FUZZ_SEED, default 1): the suite explores the same
# inputs every time, so a red run replays here; exploring is what the
# longer runs by hand are for (tests/README.md, "Fuzzers").
#
# libFuzzer needs clang, and the project builds with g++. So, unless the
# whole build is already clang with ASan (scripts/test.sh --sanitize, where
# a fuzzer is an ordinary executable linking the sanitized libraries, which
# the root adds coverage instrumentation to), the libraries' sources are
# compiled again by clang++: one build edge per source file rather than one
# command per fuzzer (the decoders need ~50 translation units; one command
# would compile them serially, again for every fuzzer and on every change).
# Each object is shared by every fuzzer that needs it, and gets a depfile
# and ccache like any other.
#
# The definition is deferred to the end of the top directory: a fuzzer may
# name libraries defined in folders configured after its own (participants/
# before samples/), and one directory owning every object is what lets
# fuzzers share them.
if(NOT (SAGAD_BUILD_FUZZERS AND SAGAD_BUILD_TESTS))
  function(sagad_fuzzer)
  endfunction()
  return()
endif()

find_program(SAGAD_CLANGXX NAMES clang++-14 clang++)
set(SAGAD_FUZZ_SEED 1 CACHE STRING "libFuzzer's -seed for the suite's bounded fuzzer runs")
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND SAGAD_SANITIZERS MATCHES "address")
  set(_sagad_fuzz_native ON)
  # Coverage for libFuzzer in every object; unit tests keep working (the
  # sanitizer runtime has the default hooks).
  add_compile_options(-fsanitize=fuzzer-no-link)
else()
  set(_sagad_fuzz_native OFF)
  if(NOT SAGAD_CLANGXX)
    message(STATUS "clang++ not found: the decoder fuzzers are not built")
  endif()
endif()

# Line tables are all a sanitizer report needs to name file and line, and
# compile a fifth faster than -g (the objects are many and heavy).
set(_SAGAD_FUZZ_FLAGS -std=c++20 -gline-tables-only -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined)

function(sagad_fuzzer name)
  cmake_parse_arguments(ARG "" "DICT;SECONDS" "SOURCES;LIBS;CORPUS;LABELS" ${ARGN})
  if(NOT _sagad_fuzz_native AND NOT SAGAD_CLANGXX)
    return()
  endif()
  list(TRANSFORM ARG_SOURCES PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
  list(TRANSFORM ARG_CORPUS PREPEND "${CMAKE_CURRENT_SOURCE_DIR}/")
  # libFuzzer refuses to start on a missing corpus folder, so a seed corpus
  # that was never committed would only show as a failing smoke test.
  foreach(dir IN LISTS ARG_CORPUS)
    if(NOT IS_DIRECTORY ${dir})
      message(FATAL_ERROR "sagad_fuzzer(${name}): the seed corpus ${dir} does not exist")
    endif()
  endforeach()
  if(ARG_DICT)
    set(ARG_DICT "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_DICT}")
  endif()
  if(NOT ARG_SECONDS)
    set(ARG_SECONDS 5)
  endif()
  foreach(field SOURCES LIBS CORPUS LABELS DICT SECONDS)
    set_property(GLOBAL PROPERTY SAGAD_FUZZER_${name}_${field} "${ARG_${field}}")
  endforeach()
  cmake_language(EVAL CODE
    "cmake_language(DEFER DIRECTORY \"${PROJECT_SOURCE_DIR}\" CALL _sagad_define_fuzzer \"${name}\")")
endfunction()

# The sagad libraries `libs` need, themselves included (`out_libs`), and the
# imported targets and plain flags they link (`out_imported`).
function(_sagad_link_closure libs out_libs out_imported)
  set(seen_libs "")
  set(imported "")
  set(queue ${libs})
  while(queue)
    list(POP_FRONT queue item)
    if(NOT TARGET ${item})
      if(NOT item MATCHES "^\\$<")  # generator expressions (LINK_ONLY) carry nothing we use
        list(APPEND imported ${item})
      endif()
      continue()
    endif()
    get_target_property(aliased ${item} ALIASED_TARGET)
    if(aliased)
      set(item ${aliased})
    endif()
    if(item IN_LIST seen_libs OR item IN_LIST imported)
      continue()
    endif()
    get_target_property(is_imported ${item} IMPORTED)
    if(is_imported)
      list(APPEND imported ${item})
      get_target_property(deps ${item} INTERFACE_LINK_LIBRARIES)
    else()
      list(APPEND seen_libs ${item})
      get_target_property(deps ${item} LINK_LIBRARIES)
    endif()
    if(deps)
      list(APPEND queue ${deps})
    endif()
  endwhile()
  set(${out_libs} ${seen_libs} PARENT_SCOPE)
  set(${out_imported} ${imported} PARENT_SCOPE)
endfunction()

# Compile flags (`out_flags`) and link arguments (`out_link`) for the
# imported targets and flags in `imported`.
function(_sagad_imported_usage imported out_flags out_link)
  set(flags "")
  set(link "")
  foreach(item IN LISTS imported)
    if(NOT TARGET ${item})
      if(item MATCHES "^-")
        list(APPEND link ${item})
      else()
        list(APPEND link -l${item})
      endif()
      continue()
    endif()
    get_target_property(defs ${item} INTERFACE_COMPILE_DEFINITIONS)
    foreach(d IN LISTS defs)
      # Conditional ones (generator expressions) are nlohmann_json's opt-in
      # switches, all off in Debian's package.
      if(d AND NOT d MATCHES "^\\$<")
        list(APPEND flags -D${d})
      endif()
    endforeach()
    get_target_property(dirs ${item} INTERFACE_INCLUDE_DIRECTORIES)
    foreach(d IN LISTS dirs)
      # Not the compiler's own (-isystem /usr/include breaks libstdc++'s #include_next).
      if(d AND NOT d IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES AND NOT d STREQUAL "/usr/include")
        list(APPEND flags -isystem ${d})
      endif()
    endforeach()
    get_target_property(type ${item} TYPE)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      list(APPEND link $<TARGET_LINKER_FILE:${item}>)
    endif()
  endforeach()
  list(REMOVE_DUPLICATES flags)
  list(APPEND link -pthread)
  set(${out_flags} ${flags} PARENT_SCOPE)
  set(${out_link} ${link} PARENT_SCOPE)
endfunction()

# One clang++ object for `source`, defined once for the whole build, with
# the usage requirements of `libs` and the compile definitions of `own_lib`
# (the library it belongs to, if any); its path in `out_object`.
function(_sagad_fuzz_object source libs own_lib out_object)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${source})
  set(object ${PROJECT_BINARY_DIR}/fuzz-objects/${rel}.o)
  set(${out_object} ${object} PARENT_SCOPE)
  get_property(defined GLOBAL PROPERTY SAGAD_FUZZ_OBJECT_${rel} SET)
  if(defined)
    return()
  endif()
  set_property(GLOBAL PROPERTY SAGAD_FUZZ_OBJECT_${rel} ON)
  _sagad_link_closure("${libs}" _ imported)
  _sagad_imported_usage("${imported}" flags _)
  set(defs "")
  if(own_lib)
    get_target_property(lib_defs ${own_lib} COMPILE_DEFINITIONS)
    foreach(d IN LISTS lib_defs)
      if(d)
        list(APPEND defs -D${d})
      endif()
    endforeach()
  endif()
  get_filename_component(dir ${object} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  add_custom_command(
    OUTPUT ${object}
    COMMAND ${CMAKE_CXX_COMPILER_LAUNCHER} ${SAGAD_CLANGXX} ${_SAGAD_FUZZ_FLAGS} -fsanitize=fuzzer-no-link
            ${defs} -I${PROJECT_SOURCE_DIR} ${flags} -MD -MF ${object}.d -c ${source} -o ${object}
    DEPENDS ${source}
    DEPFILE ${object}.d
    # The same command in every build directory: ccache shares the objects.
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "clang++ (fuzzer) ${rel}"
    VERBATIM)
endfunction()

function(_sagad_define_fuzzer name)
  foreach(field SOURCES LIBS CORPUS LABELS DICT SECONDS)
    get_property(ARG_${field} GLOBAL PROPERTY SAGAD_FUZZER_${name}_${field})
  endforeach()

  if(_sagad_fuzz_native)
    add_executable(${name} ${ARG_SOURCES})
    target_compile_options(${name} PRIVATE ${SAGAD_WARNINGS})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(binary $<TARGET_FILE:${name}>)
  else()
    _sagad_link_closure("${ARG_LIBS}" libs imported)
    _sagad_imported_usage("${imported}" _ link)
    set(objects "")
    foreach(source IN LISTS ARG_SOURCES)
      _sagad_fuzz_object(${source} "${ARG_LIBS}" "" object)
      list(APPEND objects ${object})
    endforeach()
    foreach(lib IN LISTS libs)
      get_target_property(lib_sources ${lib} SOURCES)
      get_target_property(lib_dir ${lib} SOURCE_DIR)
      foreach(source IN LISTS lib_sources)
        if(source MATCHES "\\.cc$")
          if(NOT IS_ABSOLUTE ${source})
            set(source ${lib_dir}/${source})
          endif()
          _sagad_fuzz_object(${source} ${lib} ${lib} object)
          list(APPEND objects ${object})
        endif()
      endforeach()
    endforeach()
    set(binary ${PROJECT_BINARY_DIR}/fuzz/${name})
    add_custom_command(
      OUTPUT ${binary}
      COMMAND ${SAGAD_CLANGXX} -fsanitize=fuzzer,address,undefined ${objects} ${link} -o ${binary}
      DEPENDS ${objects}
      COMMENT "Linking ${name} with clang++ (libFuzzer + ASan + UBSan)"
      VERBATIM)
    add_custom_target(${name} ALL DEPENDS ${binary})
  endif()

  set(corpus ${PROJECT_BINARY_DIR}/fuzz/${name}-corpus)
  file(MAKE_DIRECTORY ${corpus})
  set(dict "")
  if(ARG_DICT)
    set(dict -dict=${ARG_DICT})
  endif()
  string(REGEX REPLACE "_fuzzer$" "_fuzz" test ${name})
  add_test(NAME ${test}_smoke
    COMMAND ${binary} -seed=${SAGAD_FUZZ_SEED} -max_total_time=${ARG_SECONDS} -rss_limit_mb=1024 -timeout=5
            -artifact_prefix=${PROJECT_BINARY_DIR}/fuzz/${name}- ${dict} ${corpus} ${ARG_CORPUS})
  set_tests_properties(${test}_smoke PROPERTIES TIMEOUT 120 LABELS "${ARG_LABELS};fuzz")
endfunction()
