// Copyright 2026 GuestGuard authors.
#include "server/metrics.h"

#include <charconv>
#include <cmath>
#include <iterator>

namespace guestguard::server {
namespace {

constexpr std::string_view kTypeNames[] = {"rsvp_confirmation", "fraud_alert",
                                           "collaborator_invite", "other"};
constexpr AccessKind kKindValues[] = {AccessKind::kOpen, AccessKind::kRsvp, AccessKind::kCheckin};
constexpr Band kBandValues[] = {Band::kLow, Band::kMedium, Band::kHigh, Band::kBlock};

size_t TypeIndex(std::string_view type) {
  for (size_t i = 0; i + 1 < std::size(kTypeNames); ++i) {
    if (kTypeNames[i] == type) return i;
  }
  return std::size(kTypeNames) - 1;
}

uint64_t Load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

void Add(std::atomic<uint64_t>& a) { a.fetch_add(1, std::memory_order_relaxed); }

std::string Label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  out += EscapeLabelValue(value);
  out += '"';
  return out;
}

std::string FormatBound(int64_t micros) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<double>(micros) / 1e6);
  return std::string(buffer, end);
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendMetricFamily(std::string* out, std::string_view name, std::string_view type,
                        std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value) {
  out->append(name);
  if (!labels.empty()) out->append("{").append(labels).append("}");
  out->push_back(' ');
  char buffer[32];
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else {
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out->append(buffer, end);
  }
  out->push_back('\n');
}

ServerMetrics::ServerMetrics() {
  AddRoute("", "unmatched");  // kUnmatched
  AddRoute("", "rejected");   // kRejected
}

int ServerMetrics::AddRoute(std::string_view method, std::string_view pattern) {
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i]->method == method && routes_[i]->route == pattern) return static_cast<int>(i);
  }
  auto stats = std::make_unique<RouteStats>();
  stats->method = std::string(method);
  stats->route = std::string(pattern);
  routes_.push_back(std::move(stats));
  return static_cast<int>(routes_.size() - 1);
}

void ServerMetrics::RecordRequest(int slot, int status, int64_t micros) {
  if (slot < 0 || static_cast<size_t>(slot) >= routes_.size()) slot = kRejected;
  RouteStats& stats = *routes_[static_cast<size_t>(slot)];
  const int status_class = status / 100;
  if (status_class >= 1 && status_class <= 5) Add(stats.by_class[status_class - 1]);
  if (micros < 0) micros = 0;
  size_t bucket = 0;
  while (bucket < kLatencyBoundsMicros.size() && micros > kLatencyBoundsMicros[bucket]) ++bucket;
  Add(stats.buckets[bucket]);
  stats.sum_micros.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
  Add(stats.count);
}

void ServerMetrics::RecordCheck(AccessKind kind, CheckOutcome outcome, Band band, bool preview) {
  const size_t k = static_cast<size_t>(kind);
  if (k >= kKinds) return;
  switch (outcome) {
    case CheckOutcome::kDecided: {
      const size_t b = static_cast<size_t>(band);
      if (b < kBands) Add(checks_[k][b]);
      if (preview) Add(previews_);
      break;
    }
    case CheckOutcome::kInvalidLink:
      Add(invalid_links_[k]);
      break;
    case CheckOutcome::kError:
      Add(check_errors_[k]);
      break;
  }
}

void ServerMetrics::RecordNotificationSend(std::string_view type, bool delivered) {
  const size_t t = TypeIndex(type);
  Add(sends_[t]);
  if (!delivered) Add(send_failures_[t]);
}

void ServerMetrics::Render(std::string* out) const {
  // Requests: every route appears (zeros included) so that rates exist from
  // the first scrape; the status classes only once seen.
  AppendMetricFamily(out, "guestguard_http_requests_total", "counter",
                     "HTTP requests answered, by route template and status class.");
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (size_t i = 0; i < routes_.size(); ++i) {
    const RouteStats* r = routes_[i].get();
    const std::string route_labels =
        Label("method", r->method.empty() ? "any" : r->method) + "," + Label("route", r->route);
    // A route's 2xx series always (rates exist from the first scrape), the
    // other classes and the two pseudo-routes once seen.
    const bool pseudo = i == static_cast<size_t>(kUnmatched) || i == static_cast<size_t>(kRejected);
    for (size_t c = 0; c < std::size(kClasses); ++c) {
      const uint64_t n = Load(r->by_class[c]);
      if (n == 0 && (c != 1 || pseudo)) continue;
      AppendSample(out, "guestguard_http_requests_total",
                   route_labels + "," + Label("code", kClasses[c]), static_cast<double>(n));
    }
  }
  AppendMetricFamily(out, "guestguard_http_request_duration_seconds", "histogram",
                     "Time from the start of a request to its response being queued, by route.");
  for (const auto& r : routes_) {
    const std::string route_labels =
        Label("method", r->method.empty() ? "any" : r->method) + "," + Label("route", r->route);
    // Routes never requested have no histogram (it would be 16 zero lines each).
    if (Load(r->count) == 0) continue;
    // Counts are read bucket by bucket while requests go on: keep the
    // cumulative series monotonic and _count equal to the +Inf bucket.
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      cumulative += Load(r->buckets[b]);
      const std::string le =
          b < kLatencyBoundsMicros.size() ? FormatBound(kLatencyBoundsMicros[b]) : "+Inf";
      AppendSample(out, "guestguard_http_request_duration_seconds_bucket",
                   route_labels + "," + Label("le", le), static_cast<double>(cumulative));
    }
    AppendSample(out, "guestguard_http_request_duration_seconds_sum", route_labels,
                 static_cast<double>(Load(r->sum_micros)) / 1e6);
    AppendSample(out, "guestguard_http_request_duration_seconds_count", route_labels,
                 static_cast<double>(cumulative));
  }
  AppendMetricFamily(out, "guestguard_http_open_connections", "gauge",
                     "HTTP connections open now (monitor WebSockets are counted apart).");
  AppendSample(out, "guestguard_http_open_connections", "",
               static_cast<double>(open_connections_.load(std::memory_order_relaxed)));

  AppendMetricFamily(out, "guestguard_checks_total", "counter",
                     "Guest access checks decided on a valid link, by kind and band.");
  for (size_t k = 0; k < kKinds; ++k) {
    for (size_t b = 0; b < kBands; ++b) {
      AppendSample(out, "guestguard_checks_total",
                   Label("kind", AccessKindName(kKindValues[k])) + "," +
                       Label("band", BandName(kBandValues[b])),
                   static_cast<double>(Load(checks_[k][b])));
    }
  }
  AppendMetricFamily(out, "guestguard_check_invalid_links_total", "counter",
                     "Guest access checks on an unknown, forged, expired or revoked link.");
  for (size_t k = 0; k < kKinds; ++k) {
    AppendSample(out, "guestguard_check_invalid_links_total",
                 Label("kind", AccessKindName(kKindValues[k])),
                 static_cast<double>(Load(invalid_links_[k])));
  }
  AppendMetricFamily(out, "guestguard_check_errors_total", "counter",
                     "Guest access checks that could not be made (refused as unavailable).");
  for (size_t k = 0; k < kKinds; ++k) {
    AppendSample(out, "guestguard_check_errors_total",
                 Label("kind", AccessKindName(kKindValues[k])),
                 static_cast<double>(Load(check_errors_[k])));
  }
  AppendMetricFamily(out, "guestguard_previews_total", "counter",
                     "Link previews and mail scanners recorded (decisions with preview; also in "
                     "guestguard_checks_total).");
  AppendSample(out, "guestguard_previews_total", "", static_cast<double>(Load(previews_)));

  AppendMetricFamily(out, "guestguard_notification_sends_total", "counter",
                     "Notification delivery attempts by this process's sender, by type.");
  for (size_t t = 0; t < kTypes; ++t) {
    AppendSample(out, "guestguard_notification_sends_total", Label("type", kTypeNames[t]),
                 static_cast<double>(Load(sends_[t])));
  }
  AppendMetricFamily(out, "guestguard_notification_send_failures_total", "counter",
                     "Notification delivery attempts the sender failed, by type.");
  for (size_t t = 0; t < kTypes; ++t) {
    AppendSample(out, "guestguard_notification_send_failures_total", Label("type", kTypeNames[t]),
                 static_cast<double>(Load(send_failures_[t])));
  }
}

}  // namespace guestguard::server
