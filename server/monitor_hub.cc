// Copyright 2026 GuestGuard authors.
#include "server/monitor_hub.h"

#include <map>
#include <random>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "guestguard/access.h"
#include "guestguard/access_scored.h"
#include "guestguard/status_macros.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"
#include "server/handlers/activity.h"
#include "server/roles.h"

namespace guestguard::server {

struct MonitorHub::Registry {
  mutable absl::Mutex mu;
  uint64_t next_key ABSL_GUARDED_BY(mu) = 0;
  size_t count ABSL_GUARDED_BY(mu) = 0;
  std::map<int64_t, std::map<uint64_t, std::weak_ptr<WebSocketPeer>>> by_event ABSL_GUARDED_BY(mu);
};

namespace {

// Unregisters its socket when destroyed.
class Registration {
 public:
  Registration(std::shared_ptr<MonitorHub::Registry> registry, int64_t event_id, uint64_t key)
      : registry_(std::move(registry)), event_id_(event_id), key_(key) {}
  ~Registration() {
    absl::MutexLock lock(&registry_->mu);
    auto it = registry_->by_event.find(event_id_);
    if (it == registry_->by_event.end()) return;
    if (it->second.erase(key_) > 0) --registry_->count;
    if (it->second.empty()) registry_->by_event.erase(it);
  }

 private:
  const std::shared_ptr<MonitorHub::Registry> registry_;
  const int64_t event_id_;
  const uint64_t key_;
};

const boost::json::value* Field(const boost::json::object& o, const char* name) {
  return o.if_contains(name);
}

absl::StatusOr<std::string> StringField(const boost::json::object& o, const char* name) {
  const boost::json::value* v = Field(o, name);
  if (v == nullptr || !v->is_string()) {
    return absl::InvalidArgumentError(std::string("payload: ") + name + " must be a string");
  }
  return std::string(v->as_string());
}

absl::StatusOr<int64_t> IntField(const boost::json::object& o, const char* name) {
  const boost::json::value* v = Field(o, name);
  if (v == nullptr || !v->is_int64()) {
    return absl::InvalidArgumentError(std::string("payload: ") + name + " must be an integer");
  }
  return v->as_int64();
}

absl::StatusOr<int64_t> IdField(const boost::json::object& o, const char* name) {
  GG_ASSIGN_OR_RETURN(std::string text, StringField(o, name));
  std::optional<int64_t> id = ParseEventId(text);
  if (!id) return absl::InvalidArgumentError(std::string("payload: ") + name + " is not an id");
  return *id;
}

absl::StatusOr<absl::Time> TimeField(const boost::json::object& o, const char* name) {
  GG_ASSIGN_OR_RETURN(std::string text, StringField(o, name));
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*SZ", text, absl::UTCTimeZone(), &t, &error)) {
    return absl::InvalidArgumentError(std::string("payload: ") + name + " is not a time");
  }
  return t;
}

std::string UniqueConsumerName() {
  std::random_device rd;
  uint64_t bits = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "monitor-";
  for (int i = 0; i < 16; ++i, bits >>= 4) name.push_back(kHex[bits & 0xf]);
  return name;
}

}  // namespace

MonitorHub::MonitorHub(std::shared_ptr<sql::Database> db, std::string prefix,
                       std::shared_ptr<Logger> logger)
    : db_(std::move(db)),
      prefix_(std::move(prefix)),
      logger_(std::move(logger)),
      registry_(std::make_shared<Registry>()) {}

absl::StatusOr<std::unique_ptr<MonitorHub>> MonitorHub::Start(std::shared_ptr<Bus> bus,
                                                              std::shared_ptr<sql::Database> db,
                                                              std::string prefix,
                                                              std::shared_ptr<Logger> logger) {
  std::unique_ptr<MonitorHub> hub(
      new MonitorHub(std::move(db), std::move(prefix), std::move(logger)));
  MonitorHub* raw = hub.get();
  SubscribeOptions options;
  options.max_deliveries = 1;  // Live view: a message that cannot be shown is not retried.
  options.dead_letter = [raw](const Message& m, const absl::Status& error) {
    raw->logger_->Warn("monitor dropped a message",
                       {{"message_id", m.id}, {"error", std::string(error.message())}});
  };
  GG_ASSIGN_OR_RETURN(
      hub->subscription_,
      bus->Subscribe(hub->prefix_ + ".>", UniqueConsumerName(),
                     IdempotentHandler([raw](const Message& m) { return raw->Deliver(m); }, 10000),
                     std::move(options)));
  return hub;
}

MonitorHub::~MonitorHub() { subscription_.reset(); }

std::shared_ptr<void> MonitorHub::Register(int64_t event_id, std::shared_ptr<WebSocketPeer> peer) {
  absl::MutexLock lock(&registry_->mu);
  const uint64_t key = registry_->next_key++;
  registry_->by_event[event_id][key] = peer;
  ++registry_->count;
  return std::make_shared<Registration>(registry_, event_id, key);
}

size_t MonitorHub::watchers() const {
  absl::MutexLock lock(&registry_->mu);
  return registry_->count;
}

absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> MonitorHub::ItemOf(
    const Message& message, bool only_watched) {
  using Result = std::optional<std::pair<int64_t, std::string>>;
  const std::string rsvp_subject = prefix_ + "." + std::string(kSubjectRsvpConfirmed);
  const std::string access_subject = prefix_ + "." + std::string(kSubjectAccessScored);
  if (message.subject != rsvp_subject && message.subject != access_subject) return Result();
  auto unwatched = [&](int64_t event_id) {
    if (!only_watched) return false;
    absl::MutexLock lock(&registry_->mu);
    return registry_->by_event.find(event_id) == registry_->by_event.end();
  };
  if (message.subject == rsvp_subject) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(message.payload, ec);
    if (ec || !parsed.is_object()) {
      return absl::InvalidArgumentError("payload is not a JSON object");
    }
    const boost::json::object& o = parsed.as_object();
    GG_ASSIGN_OR_RETURN(const int64_t event_id, IdField(o, "event_id"));
    if (unwatched(event_id)) return Result();
    GG_ASSIGN_OR_RETURN(const int64_t guest_id, IdField(o, "guest_id"));
    GG_ASSIGN_OR_RETURN(const std::string guest_name, StringField(o, "guest_name"));
    GG_ASSIGN_OR_RETURN(const std::string response, StringField(o, "response"));
    GG_ASSIGN_OR_RETURN(const int64_t plus_ones, IntField(o, "plus_ones"));
    GG_ASSIGN_OR_RETURN(const absl::Time at, TimeField(o, "at"));
    return Result({event_id, boost::json::serialize(
                                 RsvpActivityItem(at, guest_id, guest_name, response, plus_ones))});
  }
  // The library's one codec (guestguard/access_scored.h).
  GG_ASSIGN_OR_RETURN(const AccessRecord record, DecodeAccessScored(message.payload));
  const std::optional<int64_t> event_id = ParseEventId(record.event_id);
  if (!event_id) return absl::InvalidArgumentError("payload: event_id is not an id");
  if (unwatched(*event_id)) return Result();
  boost::json::value guest_name = nullptr;
  if (std::optional<int64_t> guest_id = ParseEventId(record.guest_id)) {
    sql::Rows rows;
    GG_RETURN_IF_ERROR(db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT name FROM guests WHERE id = ? AND event_id = ?",
                                        {sql::Int(*guest_id), sql::Int(*event_id)}));
      return absl::OkStatus();
    }));
    if (!rows.empty()) {
      GG_ASSIGN_OR_RETURN(std::string name, rows.Text(0, 0));
      guest_name = boost::json::value(name);
    }
  }
  return Result(
      {*event_id, boost::json::serialize(AccessActivityItem(record, guest_name, std::nullopt))});
}

absl::Status MonitorHub::Deliver(const Message& message) {
  // Cheap pre-check: nobody watching anything means nothing to build.
  if (watchers() == 0) return absl::OkStatus();
  GG_ASSIGN_OR_RETURN(auto item, ItemOf(message, /*only_watched=*/true));
  if (!item) return absl::OkStatus();
  std::vector<std::shared_ptr<WebSocketPeer>> peers;
  {
    absl::MutexLock lock(&registry_->mu);
    auto it = registry_->by_event.find(item->first);
    if (it == registry_->by_event.end()) return absl::OkStatus();
    for (auto& [key, weak] : it->second) {
      if (auto peer = weak.lock()) peers.push_back(std::move(peer));
    }
  }
  auto text = std::make_shared<const std::string>(std::move(item->second));
  for (auto& peer : peers) peer->SendText(text);
  return absl::OkStatus();
}

}  // namespace guestguard::server
