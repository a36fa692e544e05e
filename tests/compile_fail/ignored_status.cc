// Must NOT compile: it ignores a [[nodiscard]] absl::Status, which the
// project's warning set turns into an error (-Werror=unused-result).
#include "guestguard/thresholds.h"

int main() {
  guestguard::Thresholds t;
  t.Validate();  // Ignored result: a build error.
  return 0;
}
