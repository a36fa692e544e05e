// Copyright 2026 GuestGuard authors.
#include "server/email_verification.h"

#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "guestguard/bus.h"
#include "guestguard/status_macros.h"
#include "server/invite_tokens.h"
#include "server/outbox.h"
#include "server/wire.h"

namespace guestguard::server {

std::string VerificationLink(std::string_view public_url, std::string_view token) {
  std::string link(public_url);
  link += "/console/verify#";
  link += token;
  return link;
}

absl::StatusOr<bool> EnqueueAccountEmail(sql::Connection& c, const AppState& app, int64_t user_id,
                                         AccountEmail kind, absl::Time now) {
  // The one statement that applies the limit: concurrent requests queue on the row.
  GG_ASSIGN_OR_RETURN(
      sql::Rows user,
      c.Query("UPDATE users SET account_email_at = ?"
              " WHERE id = ? AND (account_email_at IS NULL OR account_email_at <= ?)"
              " RETURNING email, name",
              {now, sql::Int(user_id), now - kAccountEmailInterval}));
  if (user.empty()) {
    GG_ASSIGN_OR_RETURN(sql::Rows exists,
                        c.Query("SELECT 1 FROM users WHERE id = ?", {sql::Int(user_id)}));
    if (exists.empty()) return absl::NotFoundError("account not found");
    return false;
  }
  GG_ASSIGN_OR_RETURN(std::string email, user.Text(0, 0));
  GG_ASSIGN_OR_RETURN(std::string name, user.Text(0, 1));
  boost::json::object payload{{"user_id", std::to_string(user_id)},
                              {"email", email},
                              {"name", name},
                              {"sign_in_url", app.config.public_url + "/console/signin"}};
  if (kind == AccountEmail::kVerify) {
    const std::string token = NewInviteToken();  // Same shape and strength as invite tokens.
    const absl::Time expires_at = now + kVerificationLifetime;
    GG_RETURN_IF_ERROR(
        c.Exec("INSERT INTO email_verifications (token_hash, user_id, created_at,"
               " expires_at) VALUES (?, ?, ?, ?)",
               {sql::Text(HashInviteToken(token)), sql::Int(user_id), now, expires_at})
            .status());
    payload["kind"] = "verify";
    payload["expires_at"] = FormatRfc3339(expires_at);
    // The link is a credential (it signs in): it travels sealed.
    payload["link_sealed"] = app.sealer->Seal(VerificationLink(app.config.public_url, token));
  } else {
    payload["kind"] = "signup_attempt";
  }
  GG_RETURN_IF_ERROR(EnqueueEvent(c, app.config.subject_prefix, kSubjectAccountEmail,
                                  boost::json::serialize(payload))
                         .status());
  return true;
}

absl::StatusOr<int64_t> ConsumeVerification(sql::Connection& c, std::string_view token_hash,
                                            absl::Time now) {
  GG_ASSIGN_OR_RETURN(sql::Rows won,
                      c.Query("UPDATE email_verifications SET used_at = ?"
                              " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"
                              " RETURNING user_id",
                              {now, sql::Text(token_hash), now}));
  if (won.empty()) {
    GG_ASSIGN_OR_RETURN(sql::Rows known,
                        c.Query("SELECT used_at IS NOT NULL FROM email_verifications"
                                " WHERE token_hash = ?",
                                {sql::Text(token_hash)}));
    if (known.empty()) return absl::NotFoundError("verification link not found");
    GG_ASSIGN_OR_RETURN(bool used, known.Bool(0, 0));
    return absl::FailedPreconditionError(
        used ? "this verification link has already been used; sign in"
             : "this verification link has expired; ask for a new one");
  }
  GG_ASSIGN_OR_RETURN(int64_t user_id, won.Int(0, 0));
  GG_RETURN_IF_ERROR(c.Exec("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?)"
                            " WHERE id = ?",
                            {now, sql::Int(user_id)})
                         .status());
  GG_RETURN_IF_ERROR(c.Exec("UPDATE email_verifications SET used_at = ?"
                            " WHERE user_id = ? AND used_at IS NULL",
                            {now, sql::Int(user_id)})
                         .status());
  return user_id;
}

}  // namespace guestguard::server
