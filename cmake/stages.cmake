# One static library per pipeline stage (docs/architecture.md), each linking only the stages
# it stands on. `pkgly_trail_stage(NAME DEPENDS <stages> LINK <public libs> PRIVATE_LINK <libs>)`
# builds src/NAME/*.cpp; the public headers are include/pkgly_trail/NAME/. The DEPENDS lists are
# also the rule that cmake/check_layers.cmake holds every #include to, so a file that includes
# a stage its own does not stand on fails the build.

set_property(GLOBAL PROPERTY PKGLY_TRAIL_STAGES "")

function(pkgly_trail_stage name)
  cmake_parse_arguments(STAGE "" "" "DEPENDS;LINK;PRIVATE_LINK" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX ".*/src/cli/main\\.cpp$")
  set(target pkgly_trail_${name})
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(${target} PRIVATE ${PKGLY_TRAIL_WARNINGS})
  foreach(dependency IN LISTS STAGE_DEPENDS)
    target_link_libraries(${target} PUBLIC pkgly_trail_${dependency})
  endforeach()
  # fmt and threads for every stage (merge reads on threads), and -pthread spelled out: RE2's
  # pkg-config flags carry it (it defines _REENTRANT) while glibc's Threads::Threads is empty.
  # The same flags everywhere let every stage reuse the first stage's precompiled header.
  target_compile_options(${target} PRIVATE -pthread)
  target_link_libraries(${target} PUBLIC fmt::fmt Threads::Threads ${STAGE_LINK}
    PRIVATE ${STAGE_PRIVATE_LINK})
  # Build time: the headers most sources include, parsed once for all stages.
  get_property(stages GLOBAL PROPERTY PKGLY_TRAIL_STAGES)
  if(stages STREQUAL "")
    target_precompile_headers(${target} PRIVATE <fmt/format.h> <algorithm> <string>
      <string_view> <vector>)
  else()
    list(GET stages 0 first)
    target_precompile_headers(${target} REUSE_FROM pkgly_trail_${first})
  endif()
  set_property(GLOBAL APPEND PROPERTY PKGLY_TRAIL_STAGES ${name})
  set_property(GLOBAL PROPERTY PKGLY_TRAIL_DEPENDS_${name} "${STAGE_DEPENDS}")
endfunction()

# After the last stage: the layering check, run on every build (it only reads the sources).
function(pkgly_trail_check_layers)
  get_property(stages GLOBAL PROPERTY PKGLY_TRAIL_STAGES)
  set(table "")
  foreach(stage IN LISTS stages)
    get_property(depends GLOBAL PROPERTY PKGLY_TRAIL_DEPENDS_${stage})
    string(REPLACE ";" "," depends "${depends}")
    list(APPEND table "${stage}:${depends}")
  endforeach()
  string(REPLACE ";" " " table "${table}")
  add_custom_target(pkgly-trail-layers ALL
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} "-DTABLE=${table}"
            -P ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake
    COMMENT "Checking that each stage includes only the stages it stands on"
    VERBATIM)
  foreach(stage IN LISTS stages)
    add_dependencies(pkgly_trail_${stage} pkgly-trail-layers)
  endforeach()
endfunction()
