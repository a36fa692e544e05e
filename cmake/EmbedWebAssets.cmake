# cmake -DDIR=<web dir> -DOUT=<file.cc> [-DGZIP=<gzip program>] -P EmbedWebAssets.cmake
# Writes a .cc defining guestguard::server::internal::kEmbeddedWebAssets: every
# servable file under DIR (by extension; tests, docs and scripts are left out)
# with its path relative to DIR, content type, SHA-256 and bytes, plus a
# `gzip -9 -n` copy when GZIP is given and the copy is smaller.
set(types
  "html=text/html\\; charset=utf-8"
  "js=text/javascript\\; charset=utf-8"
  "mjs=text/javascript\\; charset=utf-8"
  "css=text/css\\; charset=utf-8"
  "svg=image/svg+xml"
  "png=image/png"
  "ico=image/x-icon"
  "json=application/json"
  "webmanifest=application/manifest+json"
  "txt=text/plain\\; charset=utf-8")
file(GLOB_RECURSE files RELATIVE ${DIR} ${DIR}/*)
list(SORT files)

# `name` = C array initialiser of the bytes of `path` (a trailing 0 keeps
# empty files valid C++; sizes are recorded separately).
function(hex_array path name)
  file(READ ${path} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  set(${name} "${hex}0x00" PARENT_SCOPE)
endfunction()

set(arrays "")
set(entries "")
set(index 0)
foreach(f IN LISTS files)
  if(f MATCHES "^tests/" OR f MATCHES "(^|/)\\." OR f STREQUAL "package.json")
    continue()
  endif()
  get_filename_component(ext ${f} LAST_EXT)
  string(SUBSTRING "${ext}" 1 -1 ext)
  set(type "")
  foreach(t IN LISTS types)
    if(t MATCHES "^${ext}=(.*)$")
      set(type "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(type STREQUAL "")
    continue()
  endif()
  set(path ${DIR}/${f})
  file(SIZE ${path} size)
  file(SHA256 ${path} sha)
  hex_array(${path} body)
  string(APPEND arrays "const unsigned char kBody${index}[] = {\n${body}};\n")
  set(gz_name "nullptr")
  set(gz_size 0)
  if(GZIP)
    set(gz ${OUT}.${index}.gz)
    execute_process(COMMAND ${GZIP} -9 -n -c ${path} OUTPUT_FILE ${gz} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "gzip failed on ${path}")
    endif()
    file(SIZE ${gz} gz_bytes)
    if(gz_bytes LESS size)
      hex_array(${gz} gzbody)
      string(APPEND arrays "const unsigned char kGzip${index}[] = {\n${gzbody}};\n")
      set(gz_name "kGzip${index}")
      set(gz_size ${gz_bytes})
    endif()
    file(REMOVE ${gz})
  endif()
  string(APPEND entries
    "    {\"${f}\", \"${type}\", \"${sha}\", kBody${index}, ${size}, ${gz_name}, ${gz_size}},\n")
  math(EXPR index "${index} + 1")
endforeach()

file(WRITE ${OUT}.tmp "// Generated from ${DIR} by cmake/EmbedWebAssets.cmake. Do not edit.
#include <cstddef>

#include \"server/web_assets.h\"

namespace guestguard::server::internal {
namespace {

${arrays}
}  // namespace

const EmbeddedWebAsset kEmbeddedWebAssets[] = {
${entries}    {nullptr, nullptr, nullptr, nullptr, 0, nullptr, 0},
};
const size_t kEmbeddedWebAssetCount = ${index};

}  // namespace guestguard::server::internal
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
