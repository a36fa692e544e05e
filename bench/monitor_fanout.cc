// Copyright 2026 GuestGuard authors.
//
// monitor_fanout: the WebSocket side of bench/monitor_fanout.py. Opens one
// live-monitor WebSocket per ticket, prints "ready <n>" once all are open,
// then counts the activity items each receives and measures their delivery
// latency (receipt time minus the item's "at", which the server stamps when
// the access is checked or the RSVP written: the latency covers scoring, the
// outbox, the relay, the bus and the fan-out). Reads the tickets from stdin
// (one per line, ended by a line "-"), then one line with the number of
// messages each client must receive; stops when every client has them or 60 s
// after that line, and prints one line of figures.
//
//   monitor_fanout PORT EVENT_ID < tickets-and-count
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/websocket.hpp"

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct Shared {
  std::mutex mu;
  std::vector<double> latencies_ms;  // Guarded by mu.
  std::atomic<size_t> open{0};
  std::atomic<size_t> failed{0};
  std::atomic<int64_t> first_us{0};
  std::atomic<int64_t> last_us{0};
  size_t clients = 0;
};

std::optional<absl::Time> AtOf(const std::string& text) {
  const std::string key = "\"at\":\"";
  const size_t start = text.find(key);
  if (start == std::string::npos) return std::nullopt;
  const size_t end = text.find('"', start + key.size());
  if (end == std::string::npos) return std::nullopt;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*SZ",
                       text.substr(start + key.size(), end - start - key.size()),
                       absl::UTCTimeZone(), &t, &error)) {
    return std::nullopt;
  }
  return t;
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& ioc, Shared& shared, std::string target)
      : ws_(ioc), shared_(shared), target_(std::move(target)) {}

  void Start(const tcp::endpoint& endpoint) {
    beast::get_lowest_layer(ws_).async_connect(
        endpoint, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->Fail("connect", ec);
          self->ws_.async_handshake("127.0.0.1", self->target_, [self](beast::error_code ec) {
            if (ec) return self->Fail("handshake", ec);
            if (++self->shared_.open == self->shared_.clients) {
              std::printf("ready %zu\n", self->shared_.clients);
              std::fflush(stdout);
            }
            self->Read();
          });
        });
  }

  size_t received() const { return received_.load(); }

  void Close() {
    net::post(ws_.get_executor(),
              [self = shared_from_this()] { beast::get_lowest_layer(self->ws_).close(); });
  }

 private:
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;  // Closed at the end.
      self->OnMessage(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void OnMessage(const std::string& text) {
    const absl::Time now = absl::Now();
    const int64_t now_us = absl::ToUnixMicros(now);
    int64_t zero = 0;
    shared_.first_us.compare_exchange_strong(zero, now_us);
    shared_.last_us = now_us;
    if (std::optional<absl::Time> at = AtOf(text)) {
      std::lock_guard<std::mutex> lock(shared_.mu);
      shared_.latencies_ms.push_back(absl::ToDoubleMilliseconds(now - *at));
    }
    ++received_;
  }

  void Fail(const char* what, beast::error_code ec) {
    ++shared_.failed;
    std::fprintf(stderr, "monitor_fanout: %s failed: %s\n", what, ec.message().c_str());
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Shared& shared_;
  const std::string target_;
  std::atomic<size_t> received_{0};
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: monitor_fanout PORT EVENT_ID < tickets, '-', count\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  const std::string event_id = argv[2];
  std::vector<std::string> tickets;
  for (std::string line; std::getline(std::cin, line) && line != "-";) tickets.push_back(line);

  Shared shared;
  shared.clients = tickets.size();
  net::io_context ioc(1);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  std::vector<std::shared_ptr<Client>> clients;
  for (const std::string& ticket : tickets) {
    clients.push_back(
        std::make_shared<Client>(ioc, shared, "/events/" + event_id + "/monitor?ticket=" + ticket));
    clients.back()->Start(endpoint);
  }
  std::thread io([&ioc] { ioc.run(); });
  auto guard = net::make_work_guard(ioc);

  std::string line;
  std::getline(std::cin, line);
  const size_t expect = static_cast<size_t>(std::stoul(line));
  auto complete = [&] {
    return static_cast<size_t>(std::count_if(
        clients.begin(), clients.end(), [&](const auto& c) { return c->received() >= expect; }));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (complete() + shared.failed.load() < clients.size() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const size_t done = complete();
  for (auto& c : clients) c->Close();
  guard.reset();
  ioc.stop();
  io.join();

  std::vector<double> lat;
  {
    std::lock_guard<std::mutex> lock(shared.mu);
    lat = shared.latencies_ms;
  }
  const double seconds = static_cast<double>(shared.last_us.load() - shared.first_us.load()) / 1e6;
  const double p50 = Percentile(lat, 0.50);
  const double p99 = Percentile(lat, 0.99);
  const double max = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  std::printf(
      "clients=%zu complete=%zu failed=%zu messages=%zu msgs_per_s=%.0f latency_ms p50=%.2f "
      "p99=%.2f max=%.2f\n",
      clients.size(), done, shared.failed.load(), lat.size(),
      seconds > 0 ? static_cast<double>(lat.size()) / seconds : 0.0, p50, p99, max);
  return done == clients.size() ? 0 : 1;
}
