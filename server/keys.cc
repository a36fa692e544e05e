// Copyright 2026 GuestGuard authors.
#include "server/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "guestguard/sql/sqlite_driver.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

// Largest keyring text read from a file or stdin.
constexpr size_t kMaxSpecBytes = 64 * 1024;

// The pieces of `text` between `separator`s, trimmed of ASCII whitespace;
// blank ones and, when `comment` is set, those starting with it dropped.
std::vector<absl::string_view> Pieces(std::string_view text, char separator, char comment = 0) {
  std::vector<absl::string_view> pieces;
  for (absl::string_view piece : absl::StrSplit(AbslView(text), separator)) {
    piece = absl::StripAsciiWhitespace(piece);
    if (!piece.empty() && (comment == 0 || piece.front() != comment)) pieces.push_back(piece);
  }
  return pieces;
}

// The entries of `spec` trimmed and joined with ',' (no blank entries).
std::string NormalisedSpec(std::string_view spec) { return absl::StrJoin(Pieces(spec, ','), ","); }

// Keyring text: lines starting with '#' and blank lines dropped, the rest
// joined with ','.
std::string SpecOfText(std::string_view text) {
  return NormalisedSpec(absl::StrJoin(Pieces(text, '\n', '#'), ","));
}

absl::Status ErrnoStatus(const char* what, const std::string& path, int error) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(error));
  if (error == ENOENT) return absl::NotFoundError(message);
  if (error == EACCES || error == EPERM || error == EROFS) {
    return absl::PermissionDeniedError(message);
  }
  return absl::InternalError(message);
}

// Reads at most kMaxSpecBytes from `fd`.
absl::StatusOr<std::string> ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::InternalError(std::strerror(errno));
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxSpecBytes) return absl::InvalidArgumentError("larger than 64 KiB");
  }
}

// The keyring in `path`; NotFound when there is no such file.
absl::StatusOr<KeyringFile> ReadKeyringFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ErrnoStatus("cannot open the keyring file", path, errno);
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("the keyring file ", path, " is not a regular file"));
  }
  absl::StatusOr<std::string> text = ReadAll(fd);
  close(fd);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the keyring file ", path, ": ", text.status().message()));
  }
  // Keyring::Parse names the entry and the problem, never the secret.
  absl::StatusOr<Keyring> keyring = Keyring::Parse(SpecOfText(*text));
  if (!keyring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the keyring file ", path, " is invalid: ", keyring.status().message()));
  }
  KeyringFile file;
  file.keyring = *std::move(keyring);
  file.too_open = (st.st_mode & 077) != 0;
  return file;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes a new keyring to a private temporary file and links it to `path`.
// Returns true when this call created `path`, false when it already existed.
absl::StatusOr<bool> CreateKeyringFile(const std::string& path) {
  absl::StatusOr<std::string> entry = NewKeyringEntry(DefaultKeyId(absl::Now()));
  if (!entry.ok()) return entry.status();
  const std::string text = absl::StrCat(
      "# GuestGuard development signing keys: kid:BASE64, the first signs, the others verify.\n"
      "# Secret. Production takes its keyring from --keyring / GUESTGUARD_KEYRING instead.\n",
      *entry, "\n");
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno == EEXIST) {
    // Left by a crashed process that had our pid; it never became the keyring.
    unlink(temporary.c_str());
    fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  }
  if (fd < 0) return ErrnoStatus("cannot create the keyring file", temporary, errno);
  const bool written = fchmod(fd, 0600) == 0 && WriteAll(fd, text) && fsync(fd) == 0;
  const int write_errno = errno;
  close(fd);
  if (!written) {
    unlink(temporary.c_str());
    return ErrnoStatus("cannot write the keyring file", temporary, write_errno);
  }
  // link() never replaces an existing file: of processes racing here, one wins.
  const int linked = link(temporary.c_str(), path.c_str());
  const int link_errno = errno;
  unlink(temporary.c_str());
  if (linked != 0 && link_errno == EEXIST) return false;
  if (linked != 0) return ErrnoStatus("cannot create the keyring file", path, link_errno);
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);  // Best effort: the entry survives a power loss.
    close(dir_fd);
  }
  return true;
}

int Usage(std::FILE* err) {
  std::fputs(
      "usage: guestguard-server keygen [--kid ID]\n"
      "       guestguard-server keygen --rotate SPEC|- [--kid ID]\n"
      "Prints a keyring entry kid:BASE64 (32 random bytes), or SPEC (read from stdin for -)\n"
      "with a new active key first and the old keys kept after it for verification.\n"
      "Key ids: 1-16 of [A-Za-z0-9_-]; default k<UTC date>.\n",
      err);
  return 2;
}

}  // namespace

absl::StatusOr<std::string> NewKeyringEntry(std::string_view key_id) {
  std::string secret(kMinKeyBytes, '\0');
  size_t filled = 0;
  while (filled < secret.size()) {
    const ssize_t n = getrandom(secret.data() + filled, secret.size() - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InternalError("the kernel's random generator failed");
    filled += static_cast<size_t>(n);
  }
  std::string spec = absl::StrCat(std::string(key_id), ":", absl::Base64Escape(secret));
  // The library's own check of the id and the encoding.
  absl::StatusOr<Keyring> checked = Keyring::Parse(spec);
  if (!checked.ok()) return checked.status();
  return spec;
}

std::string DefaultKeyId(absl::Time now, const Keyring& taken) {
  const std::string base = absl::FormatTime("k%Y%m%d", now, absl::UTCTimeZone());
  std::string id = base;
  for (int n = 2; taken.HasKey(id); ++n) id = absl::StrCat(base, "-", n);
  return id;
}

int RunKeygen(const std::vector<std::string>& args, std::FILE* in, std::FILE* out, std::FILE* err) {
  std::optional<std::string> kid;
  std::optional<std::string> rotate;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::optional<std::string>* target = nullptr;
    std::string value;
    for (auto [name, slot] : {std::pair{"--kid", &kid}, std::pair{"--rotate", &rotate}}) {
      const std::string flag(name);
      if (arg == flag) {
        if (i + 1 >= args.size()) {
          std::fprintf(err, "guestguard-server keygen: %s needs a value\n", name);
          return 2;
        }
        target = slot;
        value = args[++i];
      } else if (arg.rfind(flag + "=", 0) == 0) {
        target = slot;
        value = arg.substr(flag.size() + 1);
      }
    }
    if (arg == "--help" || arg == "-h") {
      Usage(out);
      return 0;
    }
    if (target == nullptr) {
      // Never echo the argument: it may be a keyring.
      std::fputs("guestguard-server keygen: unexpected argument\n", err);
      return Usage(err);
    }
    *target = std::move(value);
  }

  Keyring old;
  std::string old_spec;
  if (rotate) {
    if (*rotate == "-") {
      absl::StatusOr<std::string> text = ReadAll(fileno(in));
      if (!text.ok()) {
        std::fprintf(err, "guestguard-server keygen: cannot read the keyring from stdin: %s\n",
                     std::string(text.status().message()).c_str());
        return 2;
      }
      old_spec = SpecOfText(*text);
    } else {
      old_spec = NormalisedSpec(*rotate);
    }
    absl::StatusOr<Keyring> parsed = Keyring::Parse(old_spec);
    if (!parsed.ok()) {
      std::fprintf(err, "guestguard-server keygen: --rotate: %s\n",
                   std::string(parsed.status().message()).c_str());
      return 2;
    }
    old = *std::move(parsed);
    if (kid && old.HasKey(*kid)) {
      std::fprintf(err, "guestguard-server keygen: --kid %s is already in the keyring\n",
                   kid->c_str());
      return 2;
    }
  }
  absl::StatusOr<std::string> entry = NewKeyringEntry(kid ? *kid : DefaultKeyId(absl::Now(), old));
  if (!entry.ok()) {
    std::fprintf(err, "guestguard-server keygen: %s\n",
                 std::string(entry.status().message()).c_str());
    return absl::IsInvalidArgument(entry.status()) ? 2 : 1;
  }
  const std::string spec = old_spec.empty() ? *entry : absl::StrCat(*entry, ",", old_spec);
  std::fprintf(out, "%s\n", spec.c_str());
  return std::fflush(out) == 0 ? 0 : 1;
}

std::optional<std::string> DevKeyringPath(std::string_view database_url) {
  if (database_url.substr(0, 7) != "sqlite:") return std::nullopt;
  absl::StatusOr<std::string_view> path = sql::SqlitePathFromUrl(database_url);
  if (!path.ok() || *path == ":memory:" || path->empty()) return std::nullopt;
  return std::string(*path) + ".keyring";
}

absl::StatusOr<KeyringFile> LoadOrCreateKeyringFile(const std::string& path) {
  // At most two rounds: a file another process created between our read and
  // our link is read in the second.
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<KeyringFile> loaded = ReadKeyringFile(path);
    if (loaded.ok() || !absl::IsNotFound(loaded.status())) return loaded;
    absl::StatusOr<bool> created = CreateKeyringFile(path);
    if (!created.ok()) return created.status();
    if (!*created) continue;
    absl::StatusOr<KeyringFile> fresh = ReadKeyringFile(path);
    if (fresh.ok()) fresh->created = true;
    return fresh;
  }
  return absl::UnavailableError(
      absl::StrCat("the keyring file ", path, " appeared and disappeared while starting"));
}

}  // namespace guestguard::server
