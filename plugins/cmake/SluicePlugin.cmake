# sluice_add_plugin(): builds a Sluice plugin shared library the way the worker expects it.
# Shipped with the SDK package (find_package(SluiceSDK) includes it) and used in-tree.
#
#   sluice_add_plugin(<name> [OUTPUT_DIRECTORY <dir>] [OUTPUT_NAME <file stem>] <source>...)
#
# Makes a MODULE library <name> (a plugin is only ever dlopen'ed, never linked against) named
# exactly <name>.so (no "lib" prefix), compiled as C++20 with hidden visibility so that
# sluice_plugin_entry is the only exported symbol, and linked to Sluice::sdk.
include_guard(GLOBAL)

function(sluice_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_DIRECTORY;OUTPUT_NAME" "")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "sluice_add_plugin(${name}): no source files given")
  endif()
  add_library(${name} MODULE ${arg_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE Sluice::sdk)
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(arg_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME})
  endif()
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
  endif()
endfunction()
