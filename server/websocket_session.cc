// Copyright 2026 GuestGuard authors.
//
// Modelled on Beast's example/websocket/server/chat-multi: one strand per
// connection, one write at a time from a queue, fan-out senders post onto the
// strand. The queue is bounded; a message that would overflow it closes the
// socket (1008) instead.
#include "server/websocket_session.h"

#include <chrono>
#include <deque>
#include <utility>

#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/websocket.hpp"

namespace guestguard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::chrono::milliseconds ToChrono(absl::Duration d) {
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

class Session : public WebSocketPeer,
                public WebSocketControl,
                public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, WebSocketOpen on_open, const WebSocketSettings& settings,
          Logger& logger, std::string client_ip, std::string request_id)
      : ws_(std::move(socket)),
        close_timer_(ws_.get_executor()),
        on_open_(std::move(on_open)),
        settings_(settings),
        logger_(logger),
        client_ip_(std::move(client_ip)),
        request_id_(std::move(request_id)) {}

  void Run(http::request<http::string_body> request) {
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = ToChrono(settings_.handshake_timeout);
    timeout.idle_timeout = ToChrono(settings_.idle_timeout);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "guestguard"); }));
    ws_.read_message_max(settings_.max_message);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).set_option(
        net::socket_base::send_buffer_size(settings_.socket_send_buffer), ignored);
    request_ = std::move(request);
    ws_.async_accept(request_,
                     [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
  }

  void SendText(std::shared_ptr<const std::string> text) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->Enqueue(std::move(text));
    });
  }

  void Close(uint16_t code, std::string reason) override {
    if (reason.size() > 123) reason.resize(123);
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      self->CloseWith(static_cast<websocket::close_code>(code), reason);
    });
  }

  void Shutdown() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->CloseWith(websocket::close_code::going_away, "server shutting down");
    });
  }

 private:
  void OnAccept(beast::error_code ec) {
    request_ = {};
    if (ec) {
      logger_.Info("websocket handshake failed",
                   {{"request_id", request_id_}, {"error", ec.message()}});
      return Abort();
    }
    open_ = true;
    registration_ = on_open_(shared_from_this());
    on_open_ = nullptr;
    logger_.Info("websocket open", {{"request_id", request_id_}, {"client_ip", client_ip_}});
    Read();
  }

  void Read() {
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->read_buffer_.consume(self->read_buffer_.size());  // Incoming messages are ignored.
      self->Read();
    });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == websocket::error::message_too_big) {
      // Beast has sent 1009 (too big) and failed the connection.
      logger_.Info("websocket message too large; closed",
                   {{"request_id", request_id_}, {"limit", settings_.max_message}});
    } else if (ec != websocket::error::closed && !closing_) {
      logger_.Info("websocket closed", {{"request_id", request_id_}, {"error", ec.message()}});
    }
    Finish();
    Abort();
  }

  void Enqueue(std::shared_ptr<const std::string> text) {
    if (!open_ || closing_) return;
    if (queue_.size() >= settings_.send_queue) {
      logger_.Warn(
          "websocket client too slow; closing",
          {{"request_id", request_id_}, {"client_ip", client_ip_}, {"queued", queue_.size()}});
      return CloseWith(websocket::close_code::policy_error, "send queue full");
    }
    queue_.push_back(std::move(text));
    if (!writing_) WriteNext();
  }

  void WriteNext() {
    writing_ = true;
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    ws_.text(true);
    ws_.async_write(
        net::buffer(*in_flight_),
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    in_flight_.reset();
    if (ec) {
      Finish();
      return Abort();
    }
    if (!closing_ && !queue_.empty()) WriteNext();
  }

  // Starts the closing handshake (after a write in progress); the connection
  // is dropped if it does not complete within close_timeout.
  void CloseWith(websocket::close_code code, std::string_view reason) {
    if (!open_ || closing_) return;
    Finish();
    close_timer_.expires_after(ToChrono(settings_.close_timeout));
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Abort();
    });
    ws_.async_close(websocket::close_reason(code, beast::string_view(reason.data(), reason.size())),
                    [self = shared_from_this()](beast::error_code) { self->Abort(); });
  }

  // No more messages: unregister and forget the queue.
  void Finish() {
    closing_ = true;
    queue_.clear();
    registration_.reset();
  }

  void Abort() {
    close_timer_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  websocket::stream<tcp::socket> ws_;
  net::steady_timer close_timer_;
  WebSocketOpen on_open_;
  const WebSocketSettings settings_;
  Logger& logger_;
  const std::string client_ip_;
  const std::string request_id_;
  http::request<http::string_body> request_;  // Until the handshake is done.
  beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<const std::string> in_flight_;
  std::shared_ptr<void> registration_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
};

}  // namespace

std::shared_ptr<WebSocketControl> StartWebSocketSession(tcp::socket socket,
                                                        http::request<http::string_body> request,
                                                        WebSocketOpen on_open,
                                                        const WebSocketSettings& settings,
                                                        Logger& logger, std::string client_ip,
                                                        std::string request_id) {
  auto session = std::make_shared<Session>(std::move(socket), std::move(on_open), settings, logger,
                                           std::move(client_ip), std::move(request_id));
  session->Run(std::move(request));
  return session;
}

}  // namespace guestguard::server
