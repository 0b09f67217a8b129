# Turns the dashboard's static files into a C++ source defining
# sagad::http::DashboardFiles() (http-api/dashboard_files.h).
#   cmake -DINPUT_DIR=dir -DFILES=a.html,b.js -DOUTPUT=out.cc -P embed.cmake
# Bytes are written as hex so no file content can break the C++ syntax.
string(REPLACE "," ";" files "${FILES}")
set(arrays "")
set(entries "")
set(index 0)
foreach(name IN LISTS files)
  file(READ "${INPUT_DIR}/${name}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  # A trailing 0 keeps an empty file's array legal; the view leaves it out.
  string(APPEND arrays "const unsigned char kFile${index}[] = {${hex}0x00};\n")
  string(APPEND entries "      {\"${name}\", {reinterpret_cast<const char*>(kFile${index}), sizeof(kFile${index}) - 1}},\n")
  math(EXPR index "${index} + 1")
endforeach()
set(text "// Generated from http-api/dashboard/ by http-api/dashboard/embed.cmake: do not edit.
#include \"http-api/dashboard_files.h\"

namespace sagad::http {
namespace {

${arrays}
}  // namespace

std::span<const DashboardFile> DashboardFiles() {
  static const DashboardFile kFiles[] = {
${entries}  };
  return kFiles;
}

}  // namespace sagad::http
")
# Rewrite only on change, so an unchanged dashboard recompiles nothing.
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
