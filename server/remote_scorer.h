// Copyright 2026 GuestGuard authors.
//
// RemoteScorer: a guestguard::Scorer that asks a model service over plain
// HTTP/1.1 (`--scorer-url`). Each Score() POSTs one JSON document
// (EncodeScoreRequest: the access, its hashed features, a baseline summary
// and the heuristic verdict with its sub-scores) on a pooled keep-alive
// connection and parses the answer {score, reasons} strictly
// (ParseScoreAnswer). Every failure — no free connection with the pool at its
// cap, connection refused, the per-request timeout, a status other than 200,
// an oversized or malformed answer — is an error, so the Guard keeps its
// heuristic verdict with reason scorer_unavailable (or scorer_timeout when its
// own deadline passes first). Only http:// is spoken: TLS to a model service
// goes through a local sidecar. The wire format is in docs/operations.md
// ("Remote scorer").
//
//   absl::StatusOr<ScorerUrl> url = ParseScorerUrl("http://127.0.0.1:9000/score");
//   absl::StatusOr<std::shared_ptr<RemoteScorer>> scorer =
//       RemoteScorer::Create({.url = *url, .timeout = absl::Milliseconds(250)}, logger);
//   guard_options.scorer = *scorer;
#ifndef GUESTGUARD_SERVER_REMOTE_SCORER_H_
#define GUESTGUARD_SERVER_REMOTE_SCORER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/scoring.h"
#include "server/log.h"

namespace guestguard::server {

// A parsed "http://HOST[:PORT][/PATH][?QUERY]" (HOST a name, an IPv4 address
// or a bracketed IPv6 address; PORT defaults to 80, PATH to "/"). A value
// type; thread-compatible.
struct ScorerUrl {
  std::string host;         // Without IPv6 brackets.
  uint16_t port = 80;       // 1-65535.
  std::string target;       // Path and query as sent, starting with '/'.
  std::string host_header;  // The Host header: "host[:port]", brackets kept.
};

// InvalidArgument saying what is wrong: not http:// (https:// is refused with
// a pointer to a sidecar), user info (credentials do not belong in a URL that
// is logged), a fragment, whitespace or control characters, an empty host, a
// bad port.
[[nodiscard]] absl::StatusOr<ScorerUrl> ParseScorerUrl(std::string_view url);

// The request body for one check: a JSON object (see docs/operations.md).
// Holds no token and no secret: ids, the client's signals, the hashed
// features as hex, a summary of the baseline, the thresholds and
// `context.heuristic` (null when unset).
std::string EncodeScoreRequest(const ScoringContext& context);

// Answers hold at most this many reasons; a code is 1-64 of [a-z0-9_.-]; a
// message at most kMaxAnswerMessage bytes.
inline constexpr size_t kMaxAnswerReasons = 16;
inline constexpr size_t kMaxAnswerMessage = 500;

// Parses {"score": 0-100 integer, "reasons": [{"code", "score", "message"}]}
// (other members are ignored). The band is `thresholds`' band of the score
// (advisory: the Guard re-bands). InvalidArgument naming the first problem.
[[nodiscard]] absl::StatusOr<Verdict> ParseScoreAnswer(std::string_view body,
                                                       const Thresholds& thresholds);

struct RemoteScorerOptions {
  ScorerUrl url;  // Required (ParseScorerUrl).
  // Budget of one request: name resolution (when HOST is not an address),
  // connect, write and read together. Give it the Guard's scorer_deadline.
  // Default: 250 ms. Must be > 0.
  absl::Duration timeout = absl::Milliseconds(250);
  // Connections open at once (idle and in use). A call finding none idle and
  // the pool at this cap fails at once (Unavailable). Default: 8. Must be 1-256.
  int max_connections = 8;
  // Largest answer body read; a larger one is an error. Default: 64 KiB.
  size_t max_response_bytes = 64 * 1024;
};

// Thread-safe: Score() may run on many threads at once, each on its own
// pooled connection.
class RemoteScorer final : public Scorer {
 public:
  // InvalidArgument for bad options. Opens no connection: a model service
  // that is down at start-up only makes checks keep their heuristic verdicts.
  // `logger` (required) gets one warning when calls start failing and one
  // line when they succeed again.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<RemoteScorer>> Create(
      RemoteScorerOptions options, std::shared_ptr<Logger> logger);
  ~RemoteScorer() override;
  RemoteScorer(const RemoteScorer&) = delete;
  RemoteScorer& operator=(const RemoteScorer&) = delete;

  absl::StatusOr<Verdict> Score(const ScoringContext& context) override;

  // Connections open now, idle or in use (at most options.max_connections).
  int open_connections() const;

 private:
  struct Connection;

  RemoteScorer(RemoteScorerOptions options, std::shared_ptr<Logger> logger);

  // One POST of `body` within options_.timeout (a stale reused connection is
  // retried once on a new one); the answer's body.
  absl::StatusOr<std::string> Post(const std::string& body);
  // An idle connection, else a new unconnected one while under the cap, else null.
  std::unique_ptr<Connection> Acquire(bool fresh_only);
  // Back to the idle list when `reusable`, else closed.
  void Release(std::unique_ptr<Connection> connection, bool reusable);
  // Closes every idle connection (the peer restarted: they are all stale).
  void DropIdle();
  void NoteOutcome(const absl::Status& status);

  const RemoteScorerOptions options_;
  const std::shared_ptr<Logger> logger_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // Idle + lent out.
  bool failing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_REMOTE_SCORER_H_
