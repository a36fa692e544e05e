// Copyright 2026 GuestGuard authors.
//
// Signing keys for operators:
//
//  - `guestguard-server keygen [--kid ID]` prints a new keyring entry
//    "kid:BASE64" (32 bytes from the kernel's CSPRNG, getrandom(2));
//    `guestguard-server keygen --rotate SPEC|- [--kid ID]` prints SPEC (or the
//    spec read from stdin) with a new active key first and the old keys kept
//    after it, verify-only. Nothing is written but the line on stdout.
//  - The development keyring file: with no keyring configured outside
//    production, the server keeps its keys in "<sqlite path>.keyring" (created
//    once, mode 0600, atomically: written to a temporary file opened with
//    O_EXCL, then hard-linked into place so that a file already there is never
//    replaced) and reuses them at every start, so guest links survive
//    restarts.
//
//   int code = RunKeygen({"--kid", "k2"}, stdin, stdout, stderr);
//   absl::StatusOr<KeyringFile> file = LoadOrCreateKeyringFile("/var/lib/gg/gg.db.keyring");
//
// Thread-compatible functions; the file functions are safe against other
// processes creating the same file at once (one file wins, all read it).
#ifndef GUESTGUARD_SERVER_KEYS_H_
#define GUESTGUARD_SERVER_KEYS_H_

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/token.h"

namespace guestguard::server {

// "kid:BASE64" (standard base64, padded) of 32 fresh bytes from getrandom(2).
// InvalidArgument for a key id Keyring refuses; Internal when the kernel's
// generator fails.
[[nodiscard]] absl::StatusOr<std::string> NewKeyringEntry(std::string_view key_id);

// The key id keygen picks when none is given: "k" + the UTC date at `now`
// ("k20260314"), with "-2", "-3", ... appended while `taken` holds it.
std::string DefaultKeyId(absl::Time now, const Keyring& taken = Keyring());

// The keygen subcommand. `args` are those after "keygen". Writes the spec line
// to `out` and any error (never a secret) to `err`; `in` is read for
// "--rotate -". Returns the exit code: 0, or 2 for invalid arguments.
int RunKeygen(const std::vector<std::string>& args, std::FILE* in, std::FILE* out, std::FILE* err);

// Where the development keyring of `database_url` lives: "<file>.keyring" for
// "sqlite:<file>"; nullopt for "sqlite::memory:" and PostgreSQL.
std::optional<std::string> DevKeyringPath(std::string_view database_url);

struct KeyringFile {
  Keyring keyring;
  bool created = false;   // This call created the file.
  bool too_open = false;  // The file is readable by group or others.
};

// Reads the keyring in `path` (comment lines starting with '#' and blank lines
// ignored; the other lines are joined with ','), or creates the file with one
// new key (id DefaultKeyId) when it does not exist. Errors: InvalidArgument
// when the file holds no valid keyring (the message names the file, never a
// secret), FailedPrecondition when it is not a regular file, and the errno
// mapped for I/O failures.
[[nodiscard]] absl::StatusOr<KeyringFile> LoadOrCreateKeyringFile(const std::string& path);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_KEYS_H_
