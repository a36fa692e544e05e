// Copyright 2026 GuestGuard authors.
#include "server/mail_dir_sender.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth.h"
#include "server/email_mime.h"

namespace guestguard::server {
namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string RandomHex(size_t bytes) {
  unsigned char raw[16];
  randombytes_buf(raw, bytes);
  char hex[sizeof(raw) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), raw, bytes);
  return std::string(hex);
}

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrCat("mail-dir: write: ", strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> MailDirNotificationSender::Send(const Notification& n) {
  if (n.recipient.empty() || HasLineBreak(n.recipient) ||
      n.recipient.find_first_of("<> \t") != std::string::npos) {
    return absl::InvalidArgumentError("the recipient is not an email address");
  }
  if (!InitCrypto().ok()) return absl::InternalError("libsodium failed to initialise");
  const std::string message_id = n.message_id.empty() ? NewMessageId(from_) : n.message_id;
  const absl::Time now = absl::Now();
  // The same bytes an SMTP server would receive, plus the notification type
  // (tests and developers sort the directory by it).
  absl::StatusOr<std::string> wire = BuildMimeMessage({.from = from_,
                                                       .to = n.recipient,
                                                       .subject = n.subject,
                                                       .message_id = message_id,
                                                       .date = now,
                                                       .text = n.text,
                                                       .html = n.html});
  if (!wire.ok()) return wire.status();
  const std::string message = absl::StrCat("X-GuestGuard-Type: ", n.type, "\r\n", *wire);
  const std::string name = absl::StrCat(
      absl::FormatTime("%Y%m%dT%H%M%E6S", now, absl::UTCTimeZone()), "-", RandomHex(8), ".eml");
  const std::string final_path = absl::StrCat(dir_, "/", name);
  const std::string temp_path = absl::StrCat(dir_, "/.", name, ".tmp");
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("mail-dir: cannot create a file in ", dir_, ": ", strerror(errno)));
  }
  absl::Status written = WriteAll(fd, message);
  if (::close(fd) != 0 && written.ok()) {
    written = absl::UnavailableError(absl::StrCat("mail-dir: close: ", strerror(errno)));
  }
  if (written.ok() && std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    written = absl::UnavailableError(absl::StrCat("mail-dir: rename: ", strerror(errno)));
  }
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return written;
  }
  return message_id;
}

}  // namespace guestguard::server
