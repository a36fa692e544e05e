// Copyright 2026 GuestGuard authors.
#include "server/smtp_sender.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/email_mime.h"

namespace guestguard::server {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool LooksLikeAddress(std::string_view a) {
  const size_t at = a.find('@');
  return !a.empty() && a.size() <= 254 && at != std::string_view::npos && at > 0 &&
         at + 1 < a.size() && a.find_first_of(" <>\r\n\t,;") == std::string_view::npos;
}

struct Upload {
  std::string data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

void InitCurl() {
  static const bool done = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)done;
}

absl::Status ValidateSmtpOptions(const SmtpOptions& options) {
  if (!absl::StartsWith(options.url, "smtp://") && !absl::StartsWith(options.url, "smtps://")) {
    return absl::InvalidArgumentError("the SMTP URL must start with smtp:// or smtps://");
  }
  if (HasLineBreak(options.url) || options.url.size() > 2048) {
    return absl::InvalidArgumentError("the SMTP URL is malformed");
  }
  if (HasLineBreak(options.from) || !LooksLikeAddress(AddressOf(options.from))) {
    return absl::InvalidArgumentError(
        "the SMTP from address must be addr@host or \"Name <addr@host>\"");
  }
  if (options.password.empty() != options.username.empty()) {
    return absl::InvalidArgumentError("give both the SMTP username and password, or neither");
  }
  return absl::OkStatus();
}

SmtpNotificationSender::SmtpNotificationSender(SmtpOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::string> SmtpNotificationSender::Send(const Notification& n) {
  if (!LooksLikeAddress(n.recipient)) {
    return absl::InvalidArgumentError("the recipient is not an email address");
  }
  const std::string message_id = n.message_id.empty() ? NewMessageId(options_.from) : n.message_id;
  // Header values with a line break are refused there (InvalidArgument: no retry).
  absl::StatusOr<std::string> data = BuildMimeMessage({.from = options_.from,
                                                       .to = n.recipient,
                                                       .subject = n.subject,
                                                       .message_id = message_id,
                                                       .date = absl::Now(),
                                                       .text = n.text,
                                                       .html = n.html});
  if (!data.ok()) return data.status();
  Upload upload;
  upload.data = *std::move(data);

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return absl::UnavailableError("smtp: cannot create a curl handle");
  std::unique_ptr<curl_slist, SlistDeleter> recipients(
      curl_slist_append(nullptr, absl::StrCat("<", n.recipient, ">").c_str()));
  const std::string mail_from = absl::StrCat("<", AddressOf(options_.from), ">");
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   options_.tls == SmtpTls::kNone  ? static_cast<long>(CURLUSESSL_NONE)
                   : options_.tls == SmtpTls::kTry ? static_cast<long>(CURLUSESSL_TRY)
                                                   : static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    return absl::UnavailableError(absl::StrCat("smtp: ", error[0] ? error : curl_easy_strerror(rc),
                                               reply ? absl::StrCat(" (reply ", reply, ")") : ""));
  }
  return message_id;
}

}  // namespace guestguard::server
