// Copyright 2026 GuestGuard authors.
#include "server/ws_tickets.h"

#include <utility>

#include "server/auth.h"

namespace guestguard::server {

WsTickets::WsTickets(absl::Duration ttl, size_t capacity, std::shared_ptr<Clock> clock)
    : ttl_(ttl), capacity_(capacity), clock_(clock ? std::move(clock) : SystemClock()) {}

absl::StatusOr<WsTickets::Issued> WsTickets::Issue(std::string_view user_id, int64_t event_id,
                                                   std::string_view session_hash) {
  Issued issued;
  issued.ticket = NewSessionToken();
  const absl::Time now = clock_->Now();
  issued.expires_at = now + ttl_;
  absl::MutexLock lock(&mu_);
  if (by_hash_.size() >= capacity_) {
    absl::erase_if(by_hash_, [now](const auto& entry) { return entry.second.expires_at <= now; });
    if (by_hash_.size() >= capacity_) {
      return absl::ResourceExhaustedError("too many monitor tickets outstanding; retry shortly");
    }
  }
  by_hash_[HashSessionToken(issued.ticket)] = {std::string(user_id), event_id, issued.expires_at,
                                               std::string(session_hash)};
  return issued;
}

std::optional<std::string> WsTickets::Redeem(std::string_view ticket, int64_t event_id,
                                             std::string* session_hash) {
  if (ticket.empty() || ticket.size() > 128) return std::nullopt;
  const std::string hash = HashSessionToken(ticket);
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  by_hash_.erase(it);  // Single use, whatever the outcome.
  if (now >= entry.expires_at || entry.event_id != event_id) return std::nullopt;
  if (session_hash != nullptr) *session_hash = std::move(entry.session_hash);
  return std::move(entry.user_id);
}

}  // namespace guestguard::server
