// Copyright 2026 GuestGuard authors.
//
// Modelled on Beast's example/advanced/server: one strand per connection,
// size limits on the parser, deadlines on a per-session timer (so that a 408
// can still be written after a timed-out read), responses written one at a
// time in request order, and a drain on SIGINT/SIGTERM.
#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/dispatch.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "guestguard/cidr.h"
#include "server/client_ip.h"
#include "server/http_request_parser.h"
#include "server/websocket_session.h"
#include "server/wire.h"
#include "server/work_pool.h"

namespace guestguard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds ToChrono(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

// Correlation id, not a secret: a per-thread PRNG seeded from the OS is enough.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 2; ++i) {
    uint64_t bits = rng();
    for (int j = 0; j < 16; ++j) {
      id.push_back(kHex[bits & 0xf]);
      bits >>= 4;
    }
  }
  return id;
}

class Session;
class ConnectionSlot;

// An open WebSocket and the connection slot it holds until it ends.
struct OpenWebSocket {
  std::weak_ptr<WebSocketControl> control;
  std::shared_ptr<ConnectionSlot> slot;
};

// What one listener serves: a router, and the metrics slot of each of its
// routes (by route index).
struct Front {
  const Router& router;
  std::vector<int> slots;
};

// State shared by the listeners, the sessions and the signal handler.
struct Shared {
  Shared(const Config& c, Logger& l, ServerMetrics* m, WorkPool* h)
      : config(c), logger(l), metrics(m), handlers(h) {}

  const Config& config;
  Logger& logger;
  ServerMetrics* const metrics;  // May be null.
  WorkPool* const handlers;      // Runs the routes that are not inline.

  std::atomic<bool> stopping{false};

  absl::Mutex mu;
  std::map<Session*, std::weak_ptr<Session>> sessions ABSL_GUARDED_BY(mu);
  // Open WebSockets (expired entries, and so their slots, are swept when
  // counted).
  std::vector<OpenWebSocket> websockets ABSL_GUARDED_BY(mu);

  // Connection slots (see ConnectionSlot). Never lock mu while holding
  // slots_mu (a slot is released under mu when a WebSocket is swept).
  absl::Mutex slots_mu ABSL_ACQUIRED_AFTER(mu);
  size_t open_connections ABSL_GUARDED_BY(slots_mu) = 0;
  std::unordered_map<std::string, int> per_address ABSL_GUARDED_BY(slots_mu);
  int64_t refused ABSL_GUARDED_BY(slots_mu) = 0;
  Clock::time_point refusal_logged ABSL_GUARDED_BY(slots_mu);

  size_t SessionCount() {
    std::vector<OpenWebSocket> ended;  // Released outside the lock.
    absl::MutexLock lock(&mu);
    for (auto it = websockets.begin(); it != websockets.end();) {
      if (it->control.expired()) {
        ended.push_back(std::move(*it));
        it = websockets.erase(it);
      } else {
        ++it;
      }
    }
    return sessions.size() + websockets.size();
  }
};

// One counted connection: taken when it is accepted, given back when it ends
// (the HTTP session, or the WebSocket it became). `address` is empty for a
// peer exempt from the per-address cap (a trusted proxy).
class ConnectionSlot {
 public:
  ConnectionSlot(Shared& shared, std::string address)
      : shared_(shared), address_(std::move(address)) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() {
    absl::MutexLock lock(&shared_.slots_mu);
    --shared_.open_connections;
    if (address_.empty()) return;
    auto it = shared_.per_address.find(address_);
    if (it != shared_.per_address.end() && --it->second <= 0) shared_.per_address.erase(it);
  }

 private:
  Shared& shared_;
  const std::string address_;
};

// A slot for a connection from `peer`, or null when config.max_connections
// are open, or config.max_connections_per_address from the peer's address
// (its RateLimitKey: an IPv6 peer counts by /64). Refusals are logged at
// most every 10 s, with how many there were.
std::shared_ptr<ConnectionSlot> TakeConnectionSlot(Shared& shared, const net::ip::address& peer) {
  std::string address;
  if (absl::StatusOr<IpAddress> ip = IpAddress::Parse(peer.to_string());
      !ip.ok() || !shared.config.trusted_proxies.Contains(*ip)) {
    address = RateLimitKey(peer.to_string());
  }
  for (int pass = 0; pass < 2; ++pass) {
    {
      absl::MutexLock lock(&shared.slots_mu);
      const bool total_full =
          shared.open_connections >= static_cast<size_t>(shared.config.max_connections);
      auto it = address.empty() ? shared.per_address.end() : shared.per_address.find(address);
      const bool address_full =
          it != shared.per_address.end() && it->second >= shared.config.max_connections_per_address;
      if (!total_full && !address_full) {
        ++shared.open_connections;
        if (!address.empty()) ++shared.per_address[address];
        return std::make_shared<ConnectionSlot>(shared, address);
      }
      if (pass == 1) {
        ++shared.refused;
        const Clock::time_point now = Clock::now();
        if (now - shared.refusal_logged >= std::chrono::seconds(10)) {
          shared.logger.Warn(
              total_full ? "connection cap reached; closing new connections"
                         : "per-address connection cap reached; closing its "
                           "new connections",
              {{"client_ip", peer.to_string()},
               {"open", shared.open_connections},
               {"max_connections", shared.config.max_connections},
               {"max_connections_per_address", shared.config.max_connections_per_address},
               {"refused", shared.refused}});
          shared.refusal_logged = now;
          shared.refused = 0;
        }
        return nullptr;
      }
    }
    shared.SessionCount();  // Sweeps ended WebSockets, which frees their slots.
  }
  return nullptr;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Shared& shared, const Front& front,
          std::shared_ptr<ConnectionSlot> slot)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        shared_(shared),
        front_(front),
        slot_(std::move(slot)) {
    if (shared_.metrics != nullptr) shared_.metrics->ConnectionOpened();
  }

  ~Session() {
    if (shared_.metrics != nullptr) shared_.metrics->ConnectionClosed();
    absl::MutexLock lock(&shared_.mu);
    shared_.sessions.erase(this);
  }

  void Run() {
    boost::system::error_code ec;
    tcp::endpoint remote = socket_.remote_endpoint(ec);
    if (!ec) client_ip_ = remote.address().to_string();
    {
      absl::MutexLock lock(&shared_.mu);
      shared_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Called (on any thread) when the server starts draining: an idle
  // connection is closed now; one with a request under way finishes it.
  void OnServerStopping() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->reading_header_ && self->buffer_.size() == 0 &&
          !(self->parser_ && self->parser_->got_some())) {
        self->cancel_reason_ = CancelReason::kShutdown;
        boost::system::error_code ignored;
        self->socket_.cancel(ignored);
      }
    });
  }

 private:
  enum class CancelReason { kNone, kTimeout, kShutdown };

  void ArmDeadline(Clock::time_point at) {
    uint64_t generation = ++deadline_generation_;
    cancel_reason_ = CancelReason::kNone;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
      if (ec || generation != self->deadline_generation_) return;
      self->cancel_reason_ = CancelReason::kTimeout;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

  void DisarmDeadline() {
    ++deadline_generation_;
    timer_.cancel();
  }

  void ReadHeader() {
    if (shared_.stopping.load() && buffer_.size() == 0) return Close();
    parser_.emplace();
    ConfigureRequestParser(shared_.config, *parser_);
    request_start_ = Clock::now();
    request_id_ = NewRequestId();
    method_.clear();
    path_.clear();
    metrics_slot_ = ServerMetrics::kRejected;
    reading_header_ = true;
    ArmDeadline(request_start_ + ToChrono(shared_.config.header_timeout));
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](boost::system::error_code ec, size_t header_bytes) {
          self->OnHeader(ec, header_bytes);
        });
  }

  void OnHeader(boost::system::error_code ec, size_t header_bytes) {
    reading_header_ = false;
    if (ec) return OnReadError(ec);
    if (HeaderTooLarge(shared_.config, header_bytes)) return OnReadError(http::error::header_limit);
    const auto& req = parser_->get();
    method_ = std::string(req.method_string());
    std::string_view target = req.target();
    path_ = std::string(target.substr(0, target.find('?')));

    // Request smuggling guards, on the raw fields.
    if (std::string_view error = FramingError(req); !error.empty()) {
      return SendErrorAndClose(400, "bad_request", std::string(error));
    }
    if (parser_->is_done()) return Handle();
    ArmDeadline(request_start_ + ToChrono(shared_.config.request_timeout));
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](boost::system::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(boost::system::error_code ec) {
    if (ec) return OnReadError(ec);
    Handle();
  }

  void OnReadError(boost::system::error_code ec) {
    if (cancel_reason_ == CancelReason::kShutdown) return Close();
    if (cancel_reason_ == CancelReason::kTimeout) {
      bool started = buffer_.size() > 0 || (parser_ && parser_->got_some());
      if (!started) return Close();  // An idle keep-alive connection.
      return SendErrorAndClose(408, "request_timeout", "the request took too long to arrive");
    }
    if (ec == http::error::end_of_stream) return Close();
    if (ec == http::error::header_limit) {
      return SendErrorAndClose(431, "header_too_large", "the request header is too large");
    }
    if (ec == http::error::body_limit) {
      return SendErrorAndClose(
          413, "payload_too_large",
          "the request body is larger than " + std::to_string(shared_.config.max_body) + " bytes");
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
      return SendErrorAndClose(400, "bad_request", "malformed HTTP request: " + ec.message());
    }
    Close();  // Connection reset and the like: nobody to answer.
  }

  // Builds the handler's Request from the parsed one. An inline route runs
  // here; any other is handed to the handler pool, and its answer comes back
  // to this connection's strand. A full pool answers 503 at once.
  void Handle() {
    DisarmDeadline();  // The request has arrived; handling is not I/O.
    auto& req = parser_->get();
    Request request;
    request.method = method_;
    request.target = std::string(req.target());
    request.client_ip = client_ip_;
    request.request_id = request_id_;
    if (!ParseTarget(request.target, &request.path, &request.query)) {
      return Respond(Response::Error(400, "bad_request", "invalid request target"));
    }
    std::vector<std::string> forwarded_for;
    for (const auto& field : req) {
      request.headers.emplace_back(absl::AsciiStrToLower(AbslView(field.name_string())),
                                   std::string(field.value()));
      if (request.headers.back().first == "x-forwarded-for") {
        forwarded_for.push_back(request.headers.back().second);
      }
    }
    request.client_ip = ResolveClientIp(client_ip_, forwarded_for, shared_.config.trusted_proxies);
    request.body = std::move(req.body());
    if (shared_.handlers == nullptr || front_.router.RunsInline(request)) {
      return RespondRouted(DispatchOrInternalError(front_.router, request, shared_.logger));
    }
    const bool queued =
        shared_.handlers->TryPost([self = shared_from_this(), request = std::move(request)] {
          Response response =
              DispatchOrInternalError(self->front_.router, request, self->shared_.logger);
          net::post(self->socket_.get_executor(), [self, response = std::move(response)]() mutable {
            self->RespondRouted(std::move(response));
          });
        });
    if (!queued) {
      Response busy = Response::Error(503, "unavailable", "the server is busy; try again shortly");
      busy.headers.emplace_back("Retry-After", "1");
      Respond(std::move(busy));
    }
  }

  // Respond, counting the answer under the route that gave it.
  void RespondRouted(Response response) {
    metrics_slot_ = response.route >= 0 && static_cast<size_t>(response.route) < front_.slots.size()
                        ? front_.slots[static_cast<size_t>(response.route)]
                        : ServerMetrics::kUnmatched;
    Respond(std::move(response));
  }

  // On the strand: upgrades to a WebSocket when the handler accepted one,
  // otherwise writes `response`.
  void Respond(Response response) {
    const auto& req = parser_->get();
    if (response.status == 101 && response.websocket && !shared_.stopping.load()) {
      return Upgrade(std::move(response.websocket));
    }
    if (response.status == 101) response = Response::Error(503, "unavailable", "shutting down");
    const bool keep_alive = req.keep_alive() && !shared_.stopping.load();
    Send(std::move(response), keep_alive, req.version());
  }

  // Hands the connection to a WebSocket session; this HTTP session ends.
  void Upgrade(WebSocketOpen on_open) {
    DisarmDeadline();
    const int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_start_)
            .count();
    if (shared_.metrics != nullptr) shared_.metrics->RecordRequest(metrics_slot_, 101, micros);
    // The path only, never the query string: monitor tickets travel there.
    shared_.logger.Info("request", {{"request_id", request_id_},
                                    {"status", 101},
                                    {"duration_us", micros},
                                    {"client_ip", client_ip_},
                                    {"method", method_},
                                    {"path", PathForLog(path_)}});
    WebSocketSettings settings;
    settings.send_queue = shared_.config.ws_send_queue;
    settings.idle_timeout = shared_.config.ws_idle_timeout;
    std::shared_ptr<WebSocketControl> control =
        StartWebSocketSession(std::move(socket_), parser_->release(), std::move(on_open), settings,
                              shared_.logger, client_ip_, request_id_);
    absl::MutexLock lock(&shared_.mu);
    shared_.websockets.push_back(OpenWebSocket{control, std::move(slot_)});
  }

  void SendErrorAndClose(int status, std::string_view code, const std::string& message) {
    Send(Response::Error(status, code, message), /*keep_alive=*/false, 11, /*linger=*/true);
  }

  void Send(Response response, bool keep_alive, unsigned version, bool linger = false) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version == 10 ? 10 : 11);
    res->set(http::field::server, "guestguard");
    if (!response.content_type.empty()) {
      res->set(http::field::content_type, response.content_type);
    }
    res->set("X-Request-Id", request_id_);
    // On every answer, unless the response sets its own: guest links carry
    // their token in the URL (no Referer may leak it), nothing is sniffed, and
    // nothing is cached (API answers carry tokens, passes and private data;
    // static web files say no-cache with an ETag instead).
    res->set("X-Content-Type-Options", "nosniff");
    res->set("Referrer-Policy", "no-referrer");
    res->set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : response.headers) res->set(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    response_ = res;

    const int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_start_)
            .count();
    if (shared_.metrics != nullptr) {
      shared_.metrics->RecordRequest(metrics_slot_, response.status, micros);
    }
    const LogLevel level = response.status >= 500 ? LogLevel::kError : LogLevel::kInfo;
    if (shared_.logger.Enabled(level)) {  // Not even built at --log-level warn.
      boost::json::object fields = {{"request_id", request_id_},
                                    {"status", response.status},
                                    {"duration_us", micros},
                                    {"client_ip", client_ip_}};
      // The path only, never the query string, and never a token segment.
      if (!method_.empty()) fields["method"] = method_;
      if (!path_.empty()) fields["path"] = PathForLog(path_);
      shared_.logger.Log(level, "request", std::move(fields));
    }

    ArmDeadline(Clock::now() + ToChrono(shared_.config.request_timeout));
    http::async_write(
        socket_, *res,
        [self = shared_from_this(), keep_alive, linger](boost::system::error_code ec, size_t) {
          self->OnWrite(ec, keep_alive, linger);
        });
  }

  void OnWrite(boost::system::error_code ec, bool keep_alive, bool linger) {
    DisarmDeadline();
    response_.reset();
    if (ec) return Close();
    if (!keep_alive) return linger ? Linger() : CloseGracefully();
    // Requests that arrived before the previous response was sent are
    // pipelined; a client that keeps more than max_pipelined of them queued is
    // cut off rather than buffered without bound.
    pipelined_ = buffer_.size() > 0 ? pipelined_ + 1 : 0;
    if (pipelined_ > shared_.config.max_pipelined) {
      shared_.logger.Warn("too many pipelined requests; closing",
                          {{"client_ip", client_ip_}, {"limit", shared_.config.max_pipelined}});
      return Linger();
    }
    ReadHeader();
  }

  // After an error answer the client may still be sending (a body we refused):
  // closing now would reset the connection and could destroy the answer in
  // flight. Half-close, discard what arrives for a short while, then close.
  void Linger() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    ArmDeadline(Clock::now() + std::chrono::seconds(2));
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (size_t{1} << 20)) return self->Close();
                              self->DrainSome();
                            });
  }

  void CloseGracefully() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    // Wait briefly for the client's EOF so that it reads the whole response.
    ArmDeadline(Clock::now() + std::chrono::seconds(2));
    DrainSome();
  }

  void Close() {
    DisarmDeadline();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  net::steady_timer timer_;
  Shared& shared_;
  const Front& front_;
  std::shared_ptr<ConnectionSlot> slot_;  // Moves to the WebSocket on upgrade.
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::string client_ip_;
  std::string request_id_;
  std::string method_;
  std::string path_;
  Clock::time_point request_start_;
  int metrics_slot_ = ServerMetrics::kRejected;
  uint64_t deadline_generation_ = 0;
  CancelReason cancel_reason_ = CancelReason::kNone;
  bool reading_header_ = false;
  int pipelined_ = 0;
  size_t drained_ = 0;
  std::array<char, 4096> drain_{};
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, Shared& shared, const Front& front)
      : ioc_(ioc),
        acceptor_(net::make_strand(ioc)),
        backoff_timer_(acceptor_.get_executor()),
        shared_(shared),
        front_(front) {}

  absl::Status Listen(const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return absl::UnavailableError("cannot listen: " + ec.message());
    return absl::OkStatus();
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void Start() { Accept(); }

  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->backoff_timer_.cancel();
    });
  }

 private:
  static constexpr std::chrono::milliseconds kFirstBackoff{50};
  static constexpr std::chrono::milliseconds kMaxBackoff{1000};

  // Out of descriptors or kernel memory: accepting again at once would fail
  // again at once (the pending connection stays queued), a busy spin.
  static bool IsResourceShortage(const boost::system::error_code& ec) {
    return ec == net::error::no_descriptors ||
           ec == boost::system::errc::too_many_files_open_in_system ||
           ec == net::error::no_buffer_space || ec == net::error::no_memory;
  }

  void Accept() {
    acceptor_.async_accept(
        net::make_strand(ioc_),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          self->OnAccept(ec, std::move(socket));
        });
  }

  // On the acceptor's strand.
  void OnAccept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (IsResourceShortage(ec)) return BackOff(ec);
    if (backoff_.count() > 0) {
      shared_.logger.Info("accepting connections again", {{"backoffs", backoffs_}});
      backoff_ = std::chrono::milliseconds(0);
      backoffs_ = 0;
    }
    if (ec) {
      shared_.logger.Warn("accept failed", {{"error", ec.message()}});
    } else if (shared_.stopping.load()) {
      return;  // Drop the socket: we are draining.
    } else {
      boost::system::error_code peer_ec;
      const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
      std::shared_ptr<ConnectionSlot> slot =
          peer_ec ? nullptr : TakeConnectionSlot(shared_, peer.address());
      if (slot == nullptr) {
        // Over a cap (or already gone): closed without an answer, which costs
        // nothing more than the accept.
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), shared_, front_, std::move(slot))->Run();
      }
    }
    Accept();
  }

  // Waits 50 ms, doubling up to 1 s while the shortage lasts, then accepts
  // again; the first failure of an episode is logged, and its end.
  void BackOff(const boost::system::error_code& ec) {
    if (backoff_.count() == 0) {
      shared_.logger.Warn("accept: out of file descriptors or memory; backing off",
                          {{"error", ec.message()}});
      backoff_ = kFirstBackoff;
    } else {
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    }
    ++backoffs_;
    backoff_timer_.expires_after(backoff_);
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code e) {
      if (e || !self->acceptor_.is_open()) return;
      self->Accept();
    });
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer backoff_timer_;
  std::chrono::milliseconds backoff_{0};  // Zero when not backing off. On the strand.
  int64_t backoffs_ = 0;
  Shared& shared_;
  const Front& front_;
};

// `router`'s routes with their metrics slots (none without metrics).
Front FrontOf(const Router& router, ServerMetrics* metrics) {
  Front front{router, {}};
  if (metrics == nullptr) return front;
  for (const Router::RouteInfo& route : router.routes()) {
    front.slots.push_back(metrics->AddRoute(route.method, route.pattern));
  }
  return front;
}

}  // namespace

absl::Status RunHttpServer(const Config& config, Logger& logger, const Router& router,
                           ServerMetrics* metrics, const Router* metrics_router) {
  // The handler pool: its queue is bounded by the connection cap (a
  // connection has one request in handling at a time). Drained before the
  // io_context goes, since its tasks post their answers there.
  std::optional<WorkPool> handlers(std::in_place, config.threads,
                                   static_cast<size_t>(config.max_connections));
  // Declared before the io_context: sessions still queued in it at
  // destruction unregister themselves from `shared` and refer to a front.
  Shared shared{config, logger, metrics, &*handlers};
  const Front public_front = FrontOf(router, metrics);
  const bool separate_metrics = config.metrics_listen && metrics_router != nullptr;
  const Front metrics_front =
      separate_metrics ? FrontOf(*metrics_router, metrics) : Front{router, public_front.slots};
  const int io_threads =
      config.io_threads > 0
          ? config.io_threads
          : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 16);
  net::io_context ioc(io_threads);

  auto start = [&](const std::string& host, uint16_t port, const Front& front,
                   std::string_view what) -> absl::StatusOr<std::shared_ptr<Listener>> {
    boost::system::error_code ec;
    net::ip::address address = net::ip::make_address(host, ec);
    if (ec) {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(host, "", ec);
      if (ec || results.empty()) {
        return absl::InvalidArgumentError("cannot resolve listen host \"" + host + "\"");
      }
      address = results.begin()->endpoint().address();
    }
    auto listener = std::make_shared<Listener>(ioc, shared, front);
    absl::Status listening = listener->Listen(tcp::endpoint(address, port));
    if (!listening.ok()) {
      return absl::UnavailableError(std::string(listening.message()) + " (" + host + ":" +
                                    std::to_string(port) + ")");
    }
    tcp::endpoint bound = listener->local_endpoint();
    logger.Info(what, {{"address", bound.address().to_string()},
                       {"port", bound.port()},
                       {"io_threads", io_threads},
                       {"handler_threads", config.threads}});
    return listener;
  };
  absl::StatusOr<std::shared_ptr<Listener>> main_listener =
      start(config.listen_host, config.listen_port, public_front, "listening");
  if (!main_listener.ok()) return main_listener.status();
  std::shared_ptr<Listener> listener = *std::move(main_listener);
  std::shared_ptr<Listener> metrics_listener;
  if (separate_metrics) {
    absl::StatusOr<std::shared_ptr<Listener>> started =
        start(config.metrics_host, config.metrics_port, metrics_front, "metrics listening");
    if (!started.ok()) return started.status();
    metrics_listener = *std::move(started);
  }
  listener->Start();
  if (metrics_listener) metrics_listener->Start();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  net::steady_timer drain_timer(ioc);
  Clock::time_point drain_deadline;
  std::function<void()> poll_drain = [&] {
    size_t open = shared.SessionCount();
    if (open == 0) {
      signals.cancel();
      ioc.stop();
      return;
    }
    if (Clock::now() >= drain_deadline) {
      logger.Warn("shutdown deadline passed; abandoning connections", {{"open", open}});
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code e) {
      if (!e) poll_drain();
    });
  };
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code e,
                                                                      int signal_number) {
    if (e) return;
    if (shared.stopping.exchange(true)) {
      logger.Warn("second signal: stopping now", {{"signal", signal_number}});
      ioc.stop();
      return;
    }
    logger.Info("shutting down", {{"signal", signal_number}});
    listener->Stop();
    if (metrics_listener) metrics_listener->Stop();
    std::vector<std::shared_ptr<Session>> sessions;
    {
      absl::MutexLock lock(&shared.mu);
      for (auto& [raw, weak] : shared.sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    std::vector<std::shared_ptr<WebSocketControl>> websockets;
    {
      absl::MutexLock lock(&shared.mu);
      for (auto& open : shared.websockets) {
        if (auto ws = open.control.lock()) websockets.push_back(std::move(ws));
      }
    }
    for (auto& session : sessions) session->OnServerStopping();
    for (auto& ws : websockets) ws->Shutdown();
    sessions.clear();
    websockets.clear();
    drain_deadline = Clock::now() + ToChrono(config.shutdown_timeout);
    poll_drain();
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (std::thread& t : threads) t.join();
  handlers.reset();  // Finishes what is queued; its answers are dropped with the io_context.
  return absl::OkStatus();
}

}  // namespace guestguard::server
