# guestguard_embed_migrations(SOURCE_DIR FUNCTION OUTPUT): turns every
# SOURCE_DIR/NNNN_name.sql into OUTPUT, a generated .cc defining
# `const std::vector<sql::Migration>& guestguard::internal::FUNCTION()`
# (cmake/EmbedMigrations.cmake), regenerated when a migration changes.
function(guestguard_embed_migrations source_dir function output)
  file(GLOB files CONFIGURE_DEPENDS ${source_dir}/*.sql)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DDIR=${source_dir} -DOUT=${output} -DFUNCTION=${function}
      -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding migrations of ${source_dir}")
endfunction()
