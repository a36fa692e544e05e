// Copyright 2026 GuestGuard authors.
//
// One server-side WebSocket (Beast), started by the HTTP session once a
// handler accepted an upgrade (Response::websocket, see websocket.h). Private
// to the HTTP front end: only http_server.cc and websocket_session.cc include
// Beast. Limits: incoming messages at most `max_message` bytes (1009 above;
// they are read and discarded), a ping after half of `idle_timeout` without
// incoming data and a close after all of it, at most `send_queue` messages
// waiting to be written (a client that stops reading is closed with 1008 and
// never grows memory; the kernel send buffer is bounded too), and any close that does not complete
// within `close_timeout` drops the connection.
#ifndef GUESTGUARD_SERVER_WEBSOCKET_SESSION_H_
#define GUESTGUARD_SERVER_WEBSOCKET_SESSION_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"
#include "server/config.h"
#include "server/log.h"
#include "server/websocket.h"

namespace guestguard::server {

struct WebSocketSettings {
  size_t max_message = kMaxWebSocketMessage;
  size_t send_queue = 256;
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration handshake_timeout = absl::Seconds(10);
  absl::Duration close_timeout = absl::Seconds(5);
  // The socket's kernel send buffer (SO_SNDBUF): with send_queue, bounds what
  // a client that stops reading can hold in the server. Default: 64 KiB.
  int socket_send_buffer = 64 * 1024;
};

// What the HTTP front end keeps to close a WebSocket at shutdown.
// Thread-safe.
class WebSocketControl {
 public:
  virtual ~WebSocketControl() = default;
  // Starts a close with 1001 (going away).
  virtual void Shutdown() = 0;
};

// Performs the handshake answering `request` on `socket` (whose executor is
// the connection's strand), then runs the session; `on_open` is called once
// the socket is open. The session keeps itself alive while open. `logger`
// must outlive it.
std::shared_ptr<WebSocketControl> StartWebSocketSession(
    boost::asio::ip::tcp::socket socket,
    boost::beast::http::request<boost::beast::http::string_body> request, WebSocketOpen on_open,
    const WebSocketSettings& settings, Logger& logger, std::string client_ip,
    std::string request_id);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WEBSOCKET_SESSION_H_
