// Copyright 2026 GuestGuard authors.
//
// WebSockets as handlers see them, without Beast. A handler accepts an upgrade
// by answering 101 with Response::websocket set; the HTTP layer then performs
// the handshake and calls it with the open socket's WebSocketPeer. What it
// returns is kept alive exactly as long as the socket is open (a registration
// whose destructor unregisters, typically).
//
//   Response res;
//   res.status = 101;
//   res.websocket = [hub, event](std::shared_ptr<WebSocketPeer> peer) {
//     return hub->Register(event, std::move(peer));
//   };
#ifndef GUESTGUARD_SERVER_WEBSOCKET_H_
#define GUESTGUARD_SERVER_WEBSOCKET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace guestguard::server {

// The server's end of one open WebSocket. Thread-safe: SendText may be called
// from any thread.
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues one text message. A peer whose bounded send queue is full is closed
  // with 1008 (policy violation) and the message dropped; after close, a no-op.
  virtual void SendText(std::shared_ptr<const std::string> text) = 0;
  // Starts the closing handshake with `code` (1000-4999) and `reason` (at
  // most 123 bytes; longer is cut). After close, a no-op.
  virtual void Close(uint16_t code, std::string reason) = 0;
};

// Called once, on the socket's strand, right after the handshake.
using WebSocketOpen = std::function<std::shared_ptr<void>(std::shared_ptr<WebSocketPeer>)>;

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WEBSOCKET_H_
