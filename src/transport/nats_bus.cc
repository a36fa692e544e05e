// Copyright 2026 GuestGuard authors.

#include "guestguard/nats_bus.h"

#include <nats/nats.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"
#include "guestguard/status_macros.h"
#include "internal/bus_delivery.h"

namespace guestguard {
namespace {

constexpr char kMsgIdHeader[] = "Nats-Msg-Id";
constexpr size_t kMaxIdLength = 256;
constexpr size_t kMaxSubjectLength = 256;
constexpr size_t kMaxPrefixLength = 64;
constexpr size_t kMaxNameLength = 64;
// Bytes the Nats-Msg-Id header adds to a message on top of the id itself
// ("NATS/1.0\r\nNats-Msg-Id: <id>\r\n\r\n" plus slack).
constexpr size_t kHeaderOverhead = 48;
// Messages a delivery thread fetches at once. One: cnats 3.4.1 (Debian 12)
// can return more messages from natsSubscription_Fetch than the batch it
// allocated for, writing past its array, when messages of an earlier fetch
// arrived late (seen after a NATS restart mid-burst: AddressSanitizer caught
// our read of Msgs[16] of a 16-slot list, and the heap was corrupted). With a
// batch of one the count cannot pass the array.
constexpr int kFetchBatch = 1;
// A fetch long-polls this long when the consumer is idle. Bounds how long a
// lost pull request (server restart) delays delivery; destroying the
// subscription interrupts it.
constexpr absl::Duration kFetchWait = absl::Seconds(1);
// Pause after a failed fetch (e.g. the connection closed) before the next.
constexpr absl::Duration kFetchRetryPause = absl::Milliseconds(200);
// Asynchronous publishes in flight before PublishBatch waits for acks.
constexpr int64_t kMaxAsyncPending = 4096;

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }
int64_t Nanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

// cnats' description of the last error on this thread, or of `s`.
std::string NatsErrorText(natsStatus s) {
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  if (last == s && text != nullptr && text[0] != '\0') return text;
  return natsStatus_GetText(s);
}

// Maps a cnats failure of `what` to a canonical status. `jerr` is the
// JetStream error code when the server answered with an error. Never includes
// the URL (it may hold credentials).
absl::Status FromNats(natsStatus s, absl::string_view what,
                      jsErrCode jerr = static_cast<jsErrCode>(0), std::string text = "") {
  if (text.empty()) text = NatsErrorText(s);
  const std::string message = absl::StrCat(what, ": ", text);
  switch (s) {
    case NATS_OK:
      return absl::OkStatus();
    case NATS_TIMEOUT:
      return absl::UnavailableError(
          absl::StrCat(what, ": no answer from NATS JetStream within request_timeout"));
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_IO_ERROR:
    case NATS_STALE_CONNECTION:
    case NATS_SECURE_CONNECTION_REQUIRED:
      return absl::UnavailableError(message);
    case NATS_NO_RESPONDERS:
      return absl::UnavailableError(absl::StrCat(
          what, ": no JetStream responder (is JetStream enabled, does the stream exist?)"));
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED:
      return absl::PermissionDeniedError(message);
    case NATS_MAX_PAYLOAD:
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
      return absl::InvalidArgumentError(message);
    case NATS_NOT_FOUND:
      return absl::NotFoundError(message);
    case NATS_ERR:
      if (jerr == JSNotEnabledErr || jerr == JSNotEnabledForAccountErr) {
        return absl::UnavailableError(
            absl::StrCat(what, ": JetStream is not enabled on the NATS server (run it with -js)"));
      }
      if (jerr == JSStorageResourcesExceededErr || jerr == JSAccountResourcesExceededErr ||
          jerr == JSInsufficientResourcesErr || jerr == JSMemoryResourcesExceededErr) {
        return absl::ResourceExhaustedError(
            absl::StrCat(message, " (lower NatsBusOptions.max_bytes or give JetStream more)"));
      }
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// A stream or durable consumer name: 1-64 characters of [A-Za-z0-9_-].
absl::Status ValidateName(std::string_view name, absl::string_view field) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be 1-", kMaxNameLength, " characters"));
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(field, " may contain only [A-Za-z0-9_-]"));
    }
  }
  return absl::OkStatus();
}

// Dot-separated tokens of printable ASCII without space, '*' or '>', none
// empty; with `allow_tail_wildcard`, the last token may be ">".
bool IsValidSubject(std::string_view subject, bool allow_tail_wildcard) {
  if (subject.empty() || subject.size() > kMaxSubjectLength) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = subject.find('.', start);
    const std::string_view token =
        subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) return false;
    const bool last = dot == std::string_view::npos;
    if (token == ">" && last && allow_tail_wildcard) return true;
    for (char c : token) {
      if (c <= ' ' || c > '~' || c == '*' || c == '>') return false;
    }
    if (last) return true;
    start = dot + 1;
  }
}

absl::Status ValidateOptions(const NatsBusOptions& o) {
  if (o.url.empty()) return absl::InvalidArgumentError("NatsBusOptions.url must not be empty");
  if (o.subject_prefix.size() > kMaxPrefixLength ||
      !IsValidSubject(o.subject_prefix, /*allow_tail_wildcard=*/false)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NatsBusOptions.subject_prefix must be 1-", kMaxPrefixLength,
                     " characters of dot-separated non-empty tokens without spaces or wildcards"));
  }
  GG_RETURN_IF_ERROR(ValidateName(o.stream_name, "NatsBusOptions.stream_name"));
  if (o.duplicate_window < absl::Seconds(1) || o.duplicate_window > absl::Hours(24)) {
    return absl::InvalidArgumentError("NatsBusOptions.duplicate_window must be 1 s - 1 day");
  }
  if (o.max_age < absl::Minutes(1)) {
    return absl::InvalidArgumentError("NatsBusOptions.max_age must be >= 1 min");
  }
  if (o.duplicate_window > o.max_age) {
    return absl::InvalidArgumentError("NatsBusOptions.duplicate_window must be <= max_age");
  }
  if (o.max_bytes < (int64_t{1} << 20)) {
    return absl::InvalidArgumentError("NatsBusOptions.max_bytes must be >= 1 MiB");
  }
  if (o.connect_timeout < absl::Milliseconds(100) || o.connect_timeout > absl::Seconds(60)) {
    return absl::InvalidArgumentError("NatsBusOptions.connect_timeout must be 100 ms - 60 s");
  }
  if (o.request_timeout < absl::Milliseconds(100) || o.request_timeout > absl::Seconds(60)) {
    return absl::InvalidArgumentError("NatsBusOptions.request_timeout must be 100 ms - 60 s");
  }
  if (o.reconnect_wait < absl::Milliseconds(10) || o.reconnect_wait > absl::Seconds(60)) {
    return absl::InvalidArgumentError("NatsBusOptions.reconnect_wait must be 10 ms - 60 s");
  }
  if (o.max_reconnects < -1) {
    return absl::InvalidArgumentError("NatsBusOptions.max_reconnects must be >= -1");
  }
  if (o.ack_wait < absl::Seconds(1) || o.ack_wait > absl::Hours(1)) {
    return absl::InvalidArgumentError("NatsBusOptions.ack_wait must be 1 s - 1 hour");
  }
  return absl::OkStatus();
}

// The connection and its JetStream contexts, shared by the bus and its
// subscriptions (which may outlive it). Thread-safe.
class NatsConnection {
 public:
  NatsConnection(NatsBusOptions options, natsConnection* nc)
      : options_(std::move(options)), nc_(nc) {}

  ~NatsConnection() {
    jsCtx_Destroy(async_js_);
    jsCtx_Destroy(js_);
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }

  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // Creates both JetStream contexts; called once, right after construction.
  absl::Status Init() {
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = Millis(options_.request_timeout);
    natsStatus s = natsConnection_JetStream(&js_, nc_, &jo);
    if (s != NATS_OK) return FromNats(s, "creating the JetStream context");
    jo.PublishAsync.MaxPending = kMaxAsyncPending;
    jo.PublishAsync.StallWait = Millis(options_.request_timeout);
    jo.PublishAsync.AckHandler = &NatsConnection::OnAsyncAck;
    jo.PublishAsync.AckHandlerClosure = this;
    s = natsConnection_JetStream(&async_js_, nc_, &jo);
    if (s != NATS_OK) return FromNats(s, "creating the JetStream context");
    return absl::OkStatus();
  }

  const NatsBusOptions& options() const { return options_; }
  jsCtx* js() const { return js_; }

  // Unavailable unless the connection is up right now (not reconnecting).
  absl::Status CheckConnected() const {
    switch (natsConnection_Status(nc_)) {
      case NATS_CONN_STATUS_CONNECTED:
        return absl::OkStatus();
      case NATS_CONN_STATUS_CLOSED:
        return absl::UnavailableError("NATS connection closed (reconnection attempts exhausted)");
      default:
        return absl::UnavailableError("NATS is not connected (reconnecting)");
    }
  }

  // Validates `m` against the bus contract and this server's limits.
  absl::Status ValidateMessage(const Message& m) const {
    if (m.id.empty()) return absl::InvalidArgumentError("message id must not be empty");
    if (m.id.size() > kMaxIdLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("message id must be at most ", kMaxIdLength, " characters"));
    }
    for (char c : m.id) {
      if (c <= ' ' || c > '~') {
        return absl::InvalidArgumentError(
            "message id may contain only printable ASCII characters without spaces");
      }
    }
    if (m.subject.empty()) return absl::InvalidArgumentError("message subject must not be empty");
    if (!IsValidSubject(m.subject, /*allow_tail_wildcard=*/false) ||
        !SubjectMatches(absl::StrCat(options_.subject_prefix, ".>"), m.subject)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "message subject must be at most ", kMaxSubjectLength, " characters under \"",
          options_.subject_prefix, ".\", of non-empty tokens without spaces or wildcards"));
    }
    const int64_t max_payload = natsConnection_GetMaxPayload(nc_);
    if (max_payload > 0 &&
        static_cast<int64_t>(m.payload.size() + m.id.size() + kHeaderOverhead) > max_payload) {
      return absl::InvalidArgumentError(
          absl::StrCat("message payload of ", m.payload.size(),
                       " bytes exceeds the NATS server's max_payload of ", max_payload,
                       " bytes (including the id header)"));
    }
    return absl::OkStatus();
  }

  // A new message with the id header; the caller owns it.
  static absl::StatusOr<natsMsg*> NewMsg(const Message& m) {
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, m.subject.c_str(), nullptr, m.payload.data(),
                                  static_cast<int>(m.payload.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, kMsgIdHeader, m.id.c_str());
    if (s != NATS_OK) {
      natsMsg_Destroy(msg);
      return FromNats(s, "building the message");
    }
    return msg;
  }

  absl::Status Publish(const Message& m) {
    GG_RETURN_IF_ERROR(ValidateMessage(m));
    GG_RETURN_IF_ERROR(CheckConnected());
    GG_ASSIGN_OR_RETURN(natsMsg * msg, NewMsg(m));
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = Millis(options_.request_timeout);
    jsPubAck* ack = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = js_PublishMsg(&ack, js_, msg, &po, &jerr);
    natsMsg_Destroy(msg);
    jsPubAck_Destroy(ack);  // ack->Duplicate: dropped by the server, still a success.
    return FromNats(s, "publishing to JetStream", jerr);
  }

  std::vector<absl::Status> PublishBatch(std::span<const Message> messages)
      ABSL_LOCKS_EXCLUDED(batch_mu_, ack_mu_) {
    std::vector<absl::Status> results(messages.size());
    std::vector<size_t> valid;
    for (size_t i = 0; i < messages.size(); ++i) {
      results[i] = ValidateMessage(messages[i]);
      if (results[i].ok()) valid.push_back(i);
    }
    if (valid.empty()) return results;
    // One batch at a time: completion and the pending list are per context.
    absl::MutexLock batch_lock(&batch_mu_);
    if (absl::Status up = CheckConnected(); !up.ok()) {
      for (size_t i : valid) results[i] = up;
      return results;
    }
    const absl::Status no_ack = absl::UnavailableError(
        "publishing to JetStream: no ack within request_timeout; publish it again (same id)");
    for (size_t i : valid) results[i] = no_ack;
    {
      absl::MutexLock lock(&ack_mu_);
      acks_ = &results;
      in_flight_.clear();
    }
    // After a failed send (stalled, disconnected) the rest are not sent: each
    // could stall for request_timeout, and they keep their Unavailable status.
    bool sending = true;
    for (size_t i : valid) {
      if (!sending || !CheckConnected().ok()) break;
      absl::StatusOr<natsMsg*> built = NewMsg(messages[i]);
      if (!built.ok()) {
        SetResult(i, built.status());
        continue;
      }
      natsMsg* msg = *built;
      natsMsg* const sent = msg;
      {
        // Registered before sending: the ack may arrive before the call returns.
        absl::MutexLock lock(&ack_mu_);
        in_flight_[sent] = i;
      }
      const natsStatus s = js_PublishMsgAsync(async_js_, &msg, nullptr);
      if (s != NATS_OK) {
        // Still ours (msg not cleared): the library never registered it.
        const absl::Status error = FromNats(s, "publishing to JetStream");
        absl::MutexLock lock(&ack_mu_);
        in_flight_.erase(sent);
        results[i] = error;
        sending = false;
      }
      natsMsg_Destroy(msg);  // No-op when the library took it.
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = Millis(options_.request_timeout);
    if (js_PublishAsyncComplete(async_js_, &po) != NATS_OK) {
      // Take back what is still unacked: no callback will come for it.
      natsMsgList pending;
      if (js_PublishAsyncGetPendingList(&pending, async_js_) == NATS_OK) {
        natsMsgList_Destroy(&pending);
      }
    }
    absl::MutexLock lock(&ack_mu_);
    acks_ = nullptr;
    in_flight_.clear();
    return results;
  }

 private:
  void SetResult(size_t index, absl::Status status) ABSL_LOCKS_EXCLUDED(ack_mu_) {
    absl::MutexLock lock(&ack_mu_);
    if (acks_ != nullptr) (*acks_)[index] = std::move(status);
  }

  // cnats' ack callback for async publishes (on its own thread); owns `msg`.
  static void OnAsyncAck(jsCtx* /*js*/, natsMsg* msg, jsPubAck* /*pa*/, jsPubAckErr* pae,
                         void* closure) {
    auto* self = static_cast<NatsConnection*>(closure);
    {
      absl::MutexLock lock(&self->ack_mu_);
      const auto it = self->in_flight_.find(msg);
      if (it != self->in_flight_.end() && self->acks_ != nullptr) {
        (*self->acks_)[it->second] =
            pae == nullptr ? absl::OkStatus()
                           : FromNats(pae->Err, "publishing to JetStream", pae->ErrCode,
                                      pae->ErrText == nullptr ? "" : pae->ErrText);
        self->in_flight_.erase(it);
      }
    }
    natsMsg_Destroy(msg);
  }

  const NatsBusOptions options_;
  natsConnection* const nc_;
  jsCtx* js_ = nullptr;        // Synchronous publishes and API calls.
  jsCtx* async_js_ = nullptr;  // PublishBatch only; its acks go to OnAsyncAck.

  absl::Mutex batch_mu_;  // Held for a whole PublishBatch.
  absl::Mutex ack_mu_;
  // The running batch's results and its unacked messages (by pointer, each to
  // its index); null / empty between batches.
  std::vector<absl::Status>* acks_ ABSL_GUARDED_BY(ack_mu_) = nullptr;
  absl::flat_hash_map<natsMsg*, size_t> in_flight_ ABSL_GUARDED_BY(ack_mu_);
};

// One subscription's pull subscription and delivery loop. Shared by the
// Subscription handle and its delivery thread. Thread-safe.
class SubscriptionState {
 public:
  SubscriptionState(std::shared_ptr<NatsConnection> conn, natsSubscription* sub,
                    std::string durable_name, Handler handler, SubscribeOptions options)
      : conn_(std::move(conn)),
        sub_(sub),
        durable_name_(std::move(durable_name)),
        handler_(std::move(handler)),
        options_(std::move(options)) {}

  ~SubscriptionState() { natsSubscription_Destroy(sub_); }

  SubscriptionState(const SubscriptionState&) = delete;
  SubscriptionState& operator=(const SubscriptionState&) = delete;

  // Makes Run() return after the message in hand; interrupts a waiting fetch.
  // Leaves the durable consumer on the server. Any thread.
  void Stop() {
    if (stop_.HasBeenNotified()) return;
    stop_.Notify();
    natsSubscription_Unsubscribe(sub_);  // Wakes Fetch; a bound consumer is kept.
  }

  // The delivery loop: runs on the subscription's own thread until Stop().
  void Run() {
    absl::BitGen random;
    while (!stop_.HasBeenNotified()) {
      natsMsgList list;
      jsErrCode jerr = static_cast<jsErrCode>(0);
      const natsStatus s =
          natsSubscription_Fetch(&list, sub_, kFetchBatch, Millis(kFetchWait), &jerr);
      for (int i = 0; i < list.Count; ++i) {
        if (stop_.HasBeenNotified()) {
          natsMsg_Nak(list.Msgs[i], nullptr);  // Back to the consumer at once.
        } else {
          Deliver(list.Msgs[i], random);
        }
      }
      natsMsgList_Destroy(&list);
      if (s != NATS_OK && s != NATS_TIMEOUT) {
        stop_.WaitForNotificationWithTimeout(kFetchRetryPause);
      }
    }
  }

 private:
  // Hands `msg` to the handler and settles it: ack, nak with backoff, or
  // dead letter then terminate.
  void Deliver(natsMsg* msg, absl::BitGen& random) {
    Message m;
    m.subject = natsMsg_GetSubject(msg);
    m.payload.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    const char* id = nullptr;
    if (natsMsgHeader_Get(msg, kMsgIdHeader, &id) != NATS_OK) id = nullptr;
    if (id != nullptr) m.id = id;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      m.attempt =
          static_cast<int>(std::min<uint64_t>(meta->NumDelivered, std::numeric_limits<int>::max()));
      // Published without an id (not through a Bus): the stream position is one.
      if (id == nullptr) m.id = absl::StrCat(meta->Stream, ":", meta->Sequence.Stream);
      jsMsgMetaData_Destroy(meta);
    }

    const absl::Status status = internal::CallHandler(handler_, m);
    if (status.ok()) {
      // Asynchronous: a lost ack means one redelivery, which idempotent
      // consumers absorb.
      natsMsg_Ack(msg, nullptr);
    } else if (m.attempt >= options_.max_deliveries) {
      // The sink first: if the process dies in between, the message comes
      // back and is dead-lettered again rather than lost.
      internal::DeadLetter(options_, durable_name_, m, status);
      natsMsg_Term(msg, nullptr);
    } else {
      natsMsg_NakWithDelay(msg, Millis(internal::JitteredBackoff(options_, m.attempt, random)),
                           nullptr);
    }
  }

  const std::shared_ptr<NatsConnection> conn_;  // Keeps the connection alive.
  natsSubscription* const sub_;
  const std::string durable_name_;
  const Handler handler_;
  const SubscribeOptions options_;
  absl::Notification stop_;
};

// Owns a subscription's delivery thread. Destroying it stops fetching, naks
// fetched messages not yet handled (redelivered at once to the durable) and
// waits for a handler call in progress to return — unless called from that
// handler: then it returns at once and the thread exits after the handler.
class NatsSubscription final : public Subscription {
 public:
  explicit NatsSubscription(std::shared_ptr<SubscriptionState> state)
      : state_(std::move(state)), thread_([state = state_] { state->Run(); }) {}

  ~NatsSubscription() override {
    state_->Stop();
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // Run() holds its own reference to the state.
    } else {
      thread_.join();
    }
  }

  NatsSubscription(const NatsSubscription&) = delete;
  NatsSubscription& operator=(const NatsSubscription&) = delete;

 private:
  const std::shared_ptr<SubscriptionState> state_;
  std::thread thread_;
};

class NatsBus final : public Bus {
 public:
  explicit NatsBus(std::shared_ptr<NatsConnection> conn) : conn_(std::move(conn)) {}

  absl::Status Publish(const Message& message) override { return conn_->Publish(message); }

  absl::Status Ping() override { return conn_->CheckConnected(); }

  std::vector<absl::Status> PublishBatch(std::span<const Message> messages) override {
    return conn_->PublishBatch(messages);
  }

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::string_view subject,
                                                          std::string_view durable_name,
                                                          Handler handler,
                                                          SubscribeOptions options) override {
    GG_RETURN_IF_ERROR(internal::ValidateSubscription(subject, handler, options));
    const NatsBusOptions& bus_options = conn_->options();
    const std::string filter(subject);
    if (!IsValidSubject(filter, /*allow_tail_wildcard=*/true) ||
        !(filter == absl::StrCat(bus_options.subject_prefix, ".>") ||
          SubjectMatches(absl::StrCat(bus_options.subject_prefix, ".>"), filter))) {
      return absl::InvalidArgumentError(
          absl::StrCat("subject must lie under \"", bus_options.subject_prefix,
                       ".\": non-empty tokens without spaces or wildcards, except a final \">\""));
    }
    const std::string durable(durable_name);
    GG_RETURN_IF_ERROR(ValidateName(durable, "durable_name"));
    GG_RETURN_IF_ERROR(conn_->CheckConnected());

    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = Millis(bus_options.request_timeout);
    // Created by us, then bound to: unsubscribing never deletes it.
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = durable.c_str();
    cc.FilterSubject = filter.c_str();
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = Nanos(bus_options.ack_wait);
    cc.DeliverPolicy = options.from_oldest ? js_DeliverAll : js_DeliverNew;
    cc.MaxDeliver = -1;  // The delivery loop dead-letters at max_deliveries itself.
    jsConsumerInfo* info = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    // JetStream would silently retarget an existing durable to the new subject
    // (and so its other subscribers): refuse instead.
    natsStatus s = js_GetConsumerInfo(&info, conn_->js(), bus_options.stream_name.c_str(),
                                      durable.c_str(), &jo, &jerr);
    if (s == NATS_OK) {
      const char* existing = info->Config == nullptr ? nullptr : info->Config->FilterSubject;
      const std::string existing_subject = existing == nullptr ? "" : existing;
      jsConsumerInfo_Destroy(info);
      info = nullptr;
      if (existing_subject != filter) {
        return absl::FailedPreconditionError(
            absl::StrCat("durable consumer \"", durable, "\" exists with subject \"",
                         existing_subject, "\"; subscribe with another durable name"));
      }
    } else if (s != NATS_NOT_FOUND) {
      return FromNats(s, absl::StrCat("looking up durable consumer \"", durable, "\""), jerr);
    }
    s = js_AddConsumer(&info, conn_->js(), bus_options.stream_name.c_str(), &cc, &jo, &jerr);
    jsConsumerInfo_Destroy(info);
    if (s != NATS_OK) {
      absl::Status error =
          FromNats(s, absl::StrCat("creating durable consumer \"", durable, "\""), jerr);
      if (error.code() == absl::StatusCode::kFailedPrecondition) {
        error = absl::FailedPreconditionError(absl::StrCat(
            error.message(), " (a durable of that name may exist with another subject)"));
      }
      return error;
    }

    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = bus_options.stream_name.c_str();
    so.Consumer = durable.c_str();
    so.ManualAck = true;
    natsSubscription* sub = nullptr;
    s = js_PullSubscribe(&sub, conn_->js(), filter.c_str(), durable.c_str(), &jo, &so, &jerr);
    if (s != NATS_OK) {
      return FromNats(s, absl::StrCat("binding to durable consumer \"", durable, "\""), jerr);
    }
    auto state = std::make_shared<SubscriptionState>(conn_, sub, durable, std::move(handler),
                                                     std::move(options));
    return std::make_unique<NatsSubscription>(std::move(state));
  }

 private:
  const std::shared_ptr<NatsConnection> conn_;
};

// Creates the stream, or brings an existing one to `options`' settings.
absl::Status EnsureStream(NatsConnection& conn) {
  const NatsBusOptions& o = conn.options();
  const std::string subjects = absl::StrCat(o.subject_prefix, ".>");
  const char* subject_list[] = {subjects.c_str()};
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  sc.Name = o.stream_name.c_str();
  sc.Subjects = subject_list;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  sc.Retention = js_LimitsPolicy;
  sc.Discard = js_DiscardOld;
  sc.MaxAge = Nanos(o.max_age);
  sc.MaxBytes = o.max_bytes;
  sc.Duplicates = Nanos(o.duplicate_window);
  jsStreamInfo* info = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&info, conn.js(), &sc, nullptr, &jerr);
  if (s == NATS_ERR && jerr == JSStreamNameExistErr) {
    jsStreamInfo_Destroy(info);
    info = nullptr;
    s = js_UpdateStream(&info, conn.js(), &sc, nullptr, &jerr);
  }
  jsStreamInfo_Destroy(info);
  if (s != NATS_OK) {
    return FromNats(s, absl::StrCat("creating or updating stream \"", o.stream_name, "\""), jerr);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Bus>> NewNatsBus(NatsBusOptions options) {
  GG_RETURN_IF_ERROR(ValidateOptions(options));
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, options.url.c_str());
  if (s != NATS_OK) {
    natsOptions_Destroy(opts);
    return absl::InvalidArgumentError("NatsBusOptions.url is not a valid NATS URL list");
  }
  if (s == NATS_OK) s = natsOptions_SetName(opts, "guestguard");
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, Millis(options.connect_timeout));
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, options.max_reconnects);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, Millis(options.reconnect_wait));
  if (s != NATS_OK) {
    natsOptions_Destroy(opts);
    return FromNats(s, "configuring the NATS connection");
  }
  natsConnection* nc = nullptr;
  s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    // Not NatsErrorText: cnats' text may quote the URL, and with it credentials.
    return FromNats(s, "connecting to NATS", static_cast<jsErrCode>(0),
                    s == NATS_NO_SERVER ? "no server reachable at NatsBusOptions.url within "
                                          "connect_timeout"
                                        : natsStatus_GetText(s));
  }
  auto conn = std::make_shared<NatsConnection>(std::move(options), nc);
  GG_RETURN_IF_ERROR(conn->Init());
  GG_RETURN_IF_ERROR(EnsureStream(*conn));
  return std::make_unique<NatsBus>(std::move(conn));
}

}  // namespace guestguard
