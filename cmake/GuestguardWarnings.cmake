# guestguard_set_warnings(target): the project's warning set, scoped to one target.
# An ignored [[nodiscard]] result (every Status / StatusOr we return) is an error.
# With clang, -Wthread-safety checks the ABSL_GUARDED_BY annotations.
function(guestguard_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror=unused-result -Werror=return-type
    $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>)
endfunction()
