// Copyright 2026 GuestGuard authors.
//
// RemoteScorer's HTTP/1.1 client (the only Beast in the library-facing part of
// the server). Each pooled connection owns an io_context that only the thread
// holding the connection runs: every step (resolve, connect, write, read) is
// started asynchronously and the io_context is run until the step completes or
// the request's deadline passes, so one deadline bounds the whole exchange and
// an expired step is cancelled, never waited for.
#include "server/remote_scorer.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace guestguard::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Deadline = std::chrono::steady_clock::time_point;

constexpr uint32_t kMaxResponseHeader = 8 * 1024;

// The address when `host` is an IP literal (no resolution needed).
std::optional<asio::ip::address> LiteralAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return address;
}

// Errors meaning the peer closed or reset a kept-alive connection before it
// read our request: the request can be sent again on a new connection.
bool IsStaleConnectionError(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

struct RemoteScorer::Connection {
  asio::io_context ioc{1};
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;

  // Runs the step `start` begins (it is given the completion handler) until it
  // completes or `deadline` passes; then `cancel` aborts it and the aborted
  // step is reaped before returning timed_out.
  template <typename Start, typename Cancel>
  beast::error_code Await(Deadline deadline, Start&& start, Cancel&& cancel) {
    beast::error_code result;
    bool done = false;
    start([&result, &done](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.restart();
    ioc.run_until(deadline);
    if (done) return result;
    cancel();
    ioc.restart();
    ioc.run();  // The cancelled step's handler runs with operation_aborted.
    return asio::error::timed_out;
  }

  void Close() {
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
};

RemoteScorer::RemoteScorer(RemoteScorerOptions options, std::shared_ptr<Logger> logger)
    : options_(std::move(options)), logger_(std::move(logger)) {}

RemoteScorer::~RemoteScorer() = default;

absl::StatusOr<std::shared_ptr<RemoteScorer>> RemoteScorer::Create(RemoteScorerOptions options,
                                                                   std::shared_ptr<Logger> logger) {
  if (options.url.host.empty() || options.url.target.empty() || options.url.target[0] != '/' ||
      options.url.port == 0) {
    return absl::InvalidArgumentError("remote scorer: options.url is not a parsed URL");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("remote scorer: options.timeout must be positive");
  }
  if (options.max_connections < 1 || options.max_connections > 256) {
    return absl::InvalidArgumentError("remote scorer: options.max_connections must be 1-256");
  }
  if (options.max_response_bytes == 0) {
    return absl::InvalidArgumentError("remote scorer: options.max_response_bytes must be positive");
  }
  if (!logger) return absl::InvalidArgumentError("remote scorer: a logger is required");
  return std::shared_ptr<RemoteScorer>(new RemoteScorer(std::move(options), std::move(logger)));
}

int RemoteScorer::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

std::unique_ptr<RemoteScorer::Connection> RemoteScorer::Acquire(bool fresh_only) {
  {
    absl::MutexLock lock(&mu_);
    if (!fresh_only && !idle_.empty()) {
      std::unique_ptr<Connection> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ >= options_.max_connections) return nullptr;
    ++open_;
  }
  try {
    return std::make_unique<Connection>();
  } catch (...) {  // No descriptor for the io_context: give the slot back.
    absl::MutexLock lock(&mu_);
    --open_;
    return nullptr;
  }
}

void RemoteScorer::Release(std::unique_ptr<Connection> connection, bool reusable) {
  if (reusable) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(std::move(connection));
    return;
  }
  connection->Close();
  connection.reset();
  absl::MutexLock lock(&mu_);
  --open_;
}

void RemoteScorer::DropIdle() {
  std::vector<std::unique_ptr<Connection>> stale;
  {
    absl::MutexLock lock(&mu_);
    stale.swap(idle_);
    open_ -= static_cast<int>(stale.size());
  }
  for (auto& c : stale) c->Close();
}

absl::StatusOr<std::string> RemoteScorer::Post(const std::string& body) {
  const Deadline deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMicroseconds(options_.timeout);
  http::request<http::string_body> request{http::verb::post, options_.url.target, 11};
  request.set(http::field::host, options_.url.host_header);
  request.set(http::field::user_agent, "guestguard-server");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::accept, "application/json");
  request.body() = body;
  request.prepare_payload();

  bool fresh_only = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> c = Acquire(fresh_only);
    if (!c) {
      return absl::UnavailableError(
          absl::StrCat("remote scorer: all ", options_.max_connections, " connections are busy"));
    }
    // Whatever path leaves this iteration (an exception included) gives the
    // slot back; the paths that keep the connection release it explicitly.
    absl::Cleanup give_back = [&] {
      if (c) Release(std::move(c), false);
    };
    const bool reused = c->socket.is_open();
    auto fail = [&](std::string_view step, const beast::error_code& ec) {
      Release(std::move(c), false);
      const std::string message =
          absl::StrCat("remote scorer: ", std::string(step), ": ", ec.message());
      return ec == asio::error::timed_out ? absl::DeadlineExceededError(message)
                                          : absl::UnavailableError(message);
    };
    if (!reused) {
      std::vector<tcp::endpoint> endpoints;
      beast::error_code ec;
      if (std::optional<asio::ip::address> literal = LiteralAddress(options_.url.host)) {
        endpoints.emplace_back(*literal, options_.url.port);
      } else {
        tcp::resolver resolver(c->ioc);
        ec = c->Await(
            deadline,
            [&](auto handler) {
              resolver.async_resolve(
                  options_.url.host, std::to_string(options_.url.port),
                  [&endpoints, handler](beast::error_code e,
                                        const tcp::resolver::results_type& results) mutable {
                    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                    handler(e);
                  });
            },
            [&] { resolver.cancel(); });
        if (ec) return fail("resolve", ec);
      }
      ec = c->Await(
          deadline, [&](auto handler) { asio::async_connect(c->socket, endpoints, handler); },
          [&] { c->Close(); });
      if (ec) return fail("connect", ec);
      c->socket.set_option(tcp::no_delay(true), ec);
    }

    beast::error_code ec = c->Await(
        deadline, [&](auto handler) { http::async_write(c->socket, request, handler); },
        [&] { c->Close(); });
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxResponseHeader);
    parser.body_limit(options_.max_response_bytes);
    if (!ec) {
      ec = c->Await(
          deadline, [&](auto handler) { http::async_read(c->socket, c->buffer, parser, handler); },
          [&] { c->Close(); });
    }
    if (ec) {
      // A kept-alive connection the peer closed meanwhile: the peer read
      // nothing, so send again once on a new one (the others are stale too).
      if (reused && !parser.got_some() && IsStaleConnectionError(ec)) {
        Release(std::move(c), false);
        DropIdle();
        fresh_only = true;
        continue;
      }
      return fail("exchange", ec);
    }
    http::response<http::string_body> response = parser.release();
    const bool reusable = response.keep_alive() && c->buffer.size() == 0;
    Release(std::move(c), reusable);
    if (response.result() != http::status::ok) {
      return absl::UnavailableError(
          absl::StrCat("remote scorer: answered HTTP ", response.result_int()));
    }
    const std::string_view type = response[http::field::content_type];
    const std::string_view media = type.substr(0, type.find(';'));
    if (!absl::EqualsIgnoreCase(
            absl::StripAsciiWhitespace(absl::string_view(media.data(), media.size())),
            "application/json")) {
      return absl::InvalidArgumentError(
          "remote scorer: the answer's Content-Type is not application/json");
    }
    return std::move(response.body());
  }
  return absl::UnavailableError("remote scorer: the connection was closed twice");
}

void RemoteScorer::NoteOutcome(const absl::Status& status) {
  bool changed = false;
  {
    absl::MutexLock lock(&mu_);
    changed = failing_ != !status.ok();
    failing_ = !status.ok();
  }
  if (!changed) return;
  if (status.ok()) {
    logger_->Info("remote scorer answering again", {{"host", options_.url.host_header}});
  } else {
    logger_->Warn("remote scorer failing; checks keep the built-in verdict",
                  {{"host", options_.url.host_header}, {"error", std::string(status.message())}});
  }
}

absl::StatusOr<Verdict> RemoteScorer::Score(const ScoringContext& context) {
  absl::StatusOr<Verdict> verdict = [&]() -> absl::StatusOr<Verdict> {
    try {
      absl::StatusOr<std::string> body = Post(EncodeScoreRequest(context));
      if (!body.ok()) return body.status();
      return ParseScoreAnswer(*body, context.thresholds);
    } catch (const std::exception& e) {  // Allocation or Asio failures: no exception escapes.
      return absl::InternalError(absl::StrCat("remote scorer: ", e.what()));
    }
  }();
  NoteOutcome(verdict.status());
  return verdict;
}

}  // namespace guestguard::server
