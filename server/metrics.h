// Copyright 2026 GuestGuard authors.
//
// ServerMetrics: the counters the request path bumps (relaxed atomics, no
// lock, no allocation) and their rendering in the Prometheus text exposition
// format 0.0.4. Every label set is bounded: HTTP requests are labelled with
// the route template that answered ("/events/{id}", never a raw path) or
// "unmatched" / "rejected", and a status class; checks with one of three kinds
// and four bands; notification sends with one of four types. Gauges read from
// the database, the bus and the workers at scrape time are rendered by the
// /metrics handler (handlers/metrics.h), which appends them to Render().
//
//   ServerMetrics metrics;
//   int slot = metrics.AddRoute("GET", "/events/{id}");      // before serving
//   metrics.RecordRequest(slot, 200, /*micros=*/1234);         // any thread
//   std::string text; metrics.Render(&text);
//
// Thread-safe, except AddRoute, which must happen before the first Record or
// Render (the route table is fixed while serving).
#ifndef GUESTGUARD_SERVER_METRICS_H_
#define GUESTGUARD_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guestguard/access.h"
#include "guestguard/thresholds.h"

namespace guestguard::server {

class ServerMetrics {
 public:
  // Slots that exist from construction: a request no route matched (404, 405)
  // and one the HTTP layer refused before routing (400, 408, 413, 431).
  static constexpr int kUnmatched = 0;
  static constexpr int kRejected = 1;
  // Upper bounds of the request latency histogram, in microseconds.
  static constexpr std::array<int64_t, 13> kLatencyBoundsMicros = {
      1000,   2500,   5000,    10000,   25000,   50000,   100000,
      250000, 500000, 1000000, 2500000, 5000000, 10000000};

  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // The slot of route `method` `pattern`, added when new. Before serving only.
  int AddRoute(std::string_view method, std::string_view pattern);

  // One answered request (status 101 included) that took `micros`.
  // An invalid slot counts as kRejected.
  void RecordRequest(int slot, int status, int64_t micros);

  // HTTP connections (before any WebSocket upgrade) opened and closed.
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }

  // How a guest access check ended.
  enum class CheckOutcome {
    kDecided,      // A decision on a valid link: counted by band.
    kInvalidLink,  // Unknown, forged, expired or revoked token.
    kError,        // The check could not be made (store down).
  };
  // `band` and `preview` are read for kDecided only.
  void RecordCheck(AccessKind kind, CheckOutcome outcome, Band band = Band::kLow,
                   bool preview = false);

  // One delivery attempt of a notification of `type` by the sender.
  void RecordNotificationSend(std::string_view type, bool delivered);

  // Appends every counter and histogram above, each family with its # HELP
  // and # TYPE lines.
  void Render(std::string* out) const;

 private:
  static constexpr size_t kBuckets = kLatencyBoundsMicros.size() + 1;  // + Inf.
  struct RouteStats {
    std::string method;
    std::string route;
    std::array<std::atomic<uint64_t>, 5> by_class{};  // 1xx..5xx.
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};
    std::atomic<uint64_t> sum_micros{0};
    std::atomic<uint64_t> count{0};
  };
  static constexpr size_t kKinds = 3;
  static constexpr size_t kBands = 4;
  static constexpr size_t kTypes = 4;  // Three notification types and "other".

  std::vector<std::unique_ptr<RouteStats>> routes_;
  std::atomic<int64_t> open_connections_{0};
  std::array<std::array<std::atomic<uint64_t>, kBands>, kKinds> checks_{};
  std::array<std::atomic<uint64_t>, kKinds> invalid_links_{};
  std::array<std::atomic<uint64_t>, kKinds> check_errors_{};
  std::atomic<uint64_t> previews_{0};
  std::array<std::atomic<uint64_t>, kTypes> sends_{};
  std::array<std::atomic<uint64_t>, kTypes> send_failures_{};
};

// Appends one Prometheus family header: "# HELP name help\n# TYPE name type\n".
void AppendMetricFamily(std::string* out, std::string_view name, std::string_view type,
                        std::string_view help);
// Appends "name{labels} value\n"; `labels` is "" or 'a="x",b="y"' (already
// escaped with EscapeLabelValue).
void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value);
// A label value with \, " and newline escaped.
std::string EscapeLabelValue(std::string_view value);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_METRICS_H_
