// Copyright 2026 GuestGuard authors.
#include "server/monitor_access.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {

struct MonitorAccess::Registry {
  struct Entry {
    std::weak_ptr<WebSocketPeer> peer;
    int64_t event_id = 0;
    int64_t user_id = 0;
    std::string session_hash;
  };
  absl::Mutex mu;
  uint64_t next_key ABSL_GUARDED_BY(mu) = 0;
  std::map<uint64_t, Entry> entries ABSL_GUARDED_BY(mu);
};

namespace {

// Stops checking its socket when destroyed.
class Watch {
 public:
  Watch(std::shared_ptr<MonitorAccess::Registry> registry, uint64_t key)
      : registry_(std::move(registry)), key_(key) {}
  ~Watch() {
    absl::MutexLock lock(&registry_->mu);
    registry_->entries.erase(key_);
  }

 private:
  const std::shared_ptr<MonitorAccess::Registry> registry_;
  const uint64_t key_;
};

// Why the socket of `entry` must close now (its code and reason); nullopt
// while its session and role still hold.
absl::StatusOr<std::optional<std::pair<uint16_t, std::string>>> Verdict(
    sql::Connection& c, const MonitorAccess::Registry::Entry& entry, absl::Time now,
    absl::Duration idle) {
  using Result = std::optional<std::pair<uint16_t, std::string>>;
  GG_ASSIGN_OR_RETURN(
      sql::Rows rows,
      c.Query("SELECT s.expires_at, COALESCE(s.last_seen_at, s.created_at),"
              " (SELECT m.role FROM event_members m WHERE m.event_id = ? AND m.user_id = ?)"
              " FROM sessions s WHERE s.token_hash = ? AND s.user_id = ?",
              {sql::Int(entry.event_id), sql::Int(entry.user_id), sql::Text(entry.session_hash),
               sql::Int(entry.user_id)}));
  if (rows.empty()) return Result({kCloseSessionEnded, "session ended"});
  GG_ASSIGN_OR_RETURN(absl::Time expires_at, rows.Time(0, 0));
  GG_ASSIGN_OR_RETURN(absl::Time last_seen, rows.Time(0, 1));
  if (!SessionLive(expires_at, last_seen, now, idle)) {
    return Result({kCloseSessionEnded, "session ended"});
  }
  std::optional<Role> role;
  if (!rows.IsNull(0, 2)) {
    GG_ASSIGN_OR_RETURN(std::string name, rows.Text(0, 2));
    role = ParseRole(name);
  }
  if (!role.has_value() || *role < Role::kViewer) {
    return Result({kCloseAccessRemoved, "access removed"});
  }
  return Result();
}

}  // namespace

MonitorAccess::MonitorAccess(std::shared_ptr<sql::Database> db, absl::Duration interval,
                             absl::Duration idle_timeout, std::shared_ptr<Logger> logger)
    : db_(std::move(db)),
      interval_(interval),
      idle_timeout_(idle_timeout),
      logger_(std::move(logger)),
      registry_(std::make_shared<Registry>()) {}

std::unique_ptr<MonitorAccess> MonitorAccess::Start(std::shared_ptr<sql::Database> db,
                                                    absl::Duration interval,
                                                    absl::Duration idle_timeout,
                                                    std::shared_ptr<Logger> logger) {
  std::unique_ptr<MonitorAccess> access(
      new MonitorAccess(std::move(db), interval, idle_timeout, std::move(logger)));
  MonitorAccess* self = access.get();
  access->thread_ = std::thread([self] { self->Run(); });
  return access;
}

MonitorAccess::~MonitorAccess() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<void> MonitorAccess::Watch(std::shared_ptr<WebSocketPeer> peer, int64_t event_id,
                                           int64_t user_id, std::string session_hash) {
  absl::MutexLock lock(&registry_->mu);
  const uint64_t key = registry_->next_key++;
  registry_->entries[key] = {peer, event_id, user_id, std::move(session_hash)};
  return std::make_shared<server::Watch>(registry_, key);
}

int MonitorAccess::CheckNow() {
  std::vector<Registry::Entry> entries;
  {
    absl::MutexLock lock(&registry_->mu);
    for (const auto& [key, entry] : registry_->entries) entries.push_back(entry);
  }
  int closed = 0;
  const absl::Time now = NowMicros(*SystemClock());
  for (const Registry::Entry& entry : entries) {
    std::shared_ptr<WebSocketPeer> peer = entry.peer.lock();
    if (!peer) continue;
    absl::StatusOr<std::optional<std::pair<uint16_t, std::string>>> verdict;
    absl::Status status = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      verdict = Verdict(c, entry, now, idle_timeout_);
      return verdict.status();
    });
    if (!status.ok()) {
      logger_->Warn("monitor access check failed", {{"error", std::string(status.message())}});
      continue;
    }
    if (!verdict->has_value()) continue;
    logger_->Info("monitor closed: access re-checked",
                  {{"user_id", std::to_string(entry.user_id)},
                   {"event_id", std::to_string(entry.event_id)},
                   {"code", (*verdict)->first},
                   {"reason", (*verdict)->second}});
    peer->Close((*verdict)->first, (*verdict)->second);
    ++closed;
  }
  return closed;
}

void MonitorAccess::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
      if (stopping_) return;
    }
    CheckNow();
  }
}

}  // namespace guestguard::server
