# cmake -DDIR=<dir of NNNN_name.sql files> -DOUT=<file.cc> -DFUNCTION=<name> -P EmbedMigrations.cmake
# Writes a .cc defining `const std::vector<sql::Migration>& guestguard::internal::FUNCTION()`
# with every migration file of DIR, in version order, embedded as a raw string.
file(GLOB files RELATIVE ${DIR} ${DIR}/*.sql)
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  if(NOT f MATCHES "^([0-9]+)_([A-Za-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file name must be NNNN_name.sql: ${f}")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name ${CMAKE_MATCH_2})
  file(READ ${DIR}/${f} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"gg_sql(${sql})gg_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from ${DIR} by cmake/EmbedMigrations.cmake. Do not edit.
#include <vector>

#include \"guestguard/sql/sql.h\"

namespace guestguard::internal {

const std::vector<sql::Migration>& ${FUNCTION}() {
  static const std::vector<sql::Migration> migrations = {
${body}  };
  return migrations;
}

}  // namespace guestguard::internal
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
