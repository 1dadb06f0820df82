# Each fuzz target, built with the project's compiler and linked to fuzz/replay_main.cpp instead
# of libFuzzer, replays its committed seed corpus as one ctest test: the checks of
# fuzz/fuzz_support.hpp run on every ordinary `ctest`, with or without clang.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
foreach(target IN LISTS PKGLY_TRAIL_FUZZ_TARGETS)
  add_executable(${target}_replay fuzz/${target}.cpp fuzz/replay_main.cpp)
  target_compile_options(${target}_replay PRIVATE ${PKGLY_TRAIL_WARNINGS})
  # The parser targets reach their stage's private headers; forgery_fuzz the tests' dialects.
  target_include_directories(${target}_replay PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src
    ${CMAKE_CURRENT_SOURCE_DIR}/tests)
  target_link_libraries(${target}_replay PRIVATE pkgly_trail_core)
  add_test(NAME "fuzz corpus replay: ${target}"
    COMMAND ${target}_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${target})
endforeach()
