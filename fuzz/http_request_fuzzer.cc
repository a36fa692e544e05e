// Copyright 2026 GuestGuard authors.
//
// Fuzzes the HTTP/1.1 request parser as the server configures it
// (server/http_request_parser.h: Beast's request_parser with the header and
// body limits of the configuration, then the server's framing rules and its
// target parser), reading a connection's bytes the way Beast's read
// algorithms do: the header first (not eager), then the body (eager), bytes
// arriving in chunks, pipelined requests parsed one after another from the
// same buffer. The first input byte picks the chunk size (bits 0-5, +1; bit 7:
// all at once) and the configuration (bit 6: a 64-byte body limit, as
// --max-body 64; otherwise the defaults); the rest is the connection's bytes.
// Invariants:
//   - a parser never consumes more bytes than it was given;
//   - Beast reads at most about twice the header limit, and the server
//     accepts a header only within the limit (HeaderTooLarge);
//   - a complete request's body is within the body limit, and equals its
//     Content-Length when one is set (and framing accepted it);
//   - a request the framing rules accept has at most one Transfer-Encoding,
//     "chunked", and never beside a Content-Length.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "boost/asio/buffer.hpp"
#include "boost/beast/core/string.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/field.hpp"
#include "fuzz/fuzz_check.h"
#include "server/config.h"
#include "server/http_request_parser.h"
#include "server/router.h"

namespace {

namespace http = boost::beast::http;
using guestguard::server::Config;
using guestguard::server::RequestParser;

constexpr int kMaxRequestsPerConnection = 8;

// The connection: hands out its bytes `chunk` at a time.
class Stream {
 public:
  Stream(std::string_view bytes, size_t chunk) : rest_(bytes), chunk_(chunk) {}
  // Appends the next chunk to `buffer`; false at end of stream.
  bool Read(std::string& buffer) {
    if (rest_.empty()) return false;
    const size_t n = std::min(chunk_, rest_.size());
    buffer.append(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view rest_;
  size_t chunk_;
};

// Beast's read_some: puts the buffered bytes, reading more while the parser
// needs more and `done` does not hold; false on a parse error (the server
// answers 400, 413 or 431 and closes) or when the stream ends first. Adds the
// bytes the parser consumed to *consumed.
template <typename Done>
bool ReadUntil(Stream& stream, std::string& buffer, RequestParser& parser, Done done,
               size_t* consumed) {
  while (!done()) {
    boost::system::error_code ec;
    if (!buffer.empty()) {
      const size_t used = parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec);
      FUZZ_CHECK(used <= buffer.size());
      *consumed += used;
      buffer.erase(0, used);
      if (ec && ec != http::error::need_more) return false;
      if (!ec && used > 0) continue;
    }
    if (!stream.Read(buffer)) {
      if (!parser.got_some()) return false;  // end_of_stream: the connection closes.
      parser.put_eof(ec);
      return !ec && done();
    }
  }
  return true;
}

void CheckRequest(const RequestParser& parser, const Config& config) {
  const auto& req = parser.get();
  FUZZ_CHECK(req.body().size() <= config.max_body);
  int content_lengths = 0;
  int transfer_encodings = 0;
  std::string_view content_length, transfer_encoding;
  for (const auto& field : req) {
    if (field.name() == http::field::content_length) {
      ++content_lengths;
      content_length = field.value();
    }
    if (field.name() == http::field::transfer_encoding) {
      ++transfer_encodings;
      transfer_encoding = field.value();
    }
  }
  FUZZ_CHECK(transfer_encodings <= 1 && !(transfer_encodings == 1 && content_lengths > 0));
  if (transfer_encodings == 1) {
    FUZZ_CHECK(transfer_encoding.find_first_not_of(" \t") != std::string_view::npos);
    FUZZ_CHECK(parser.chunked());
  }
  if (content_lengths > 0 && parser.content_length()) {
    FUZZ_CHECK(req.body().size() == *parser.content_length() ||
               // The last of several equal Content-Length fields is what counts.
               std::to_string(req.body().size()) == content_length);
  }
  // The server's next step: the target. Just run it (target_fuzzer checks it).
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  guestguard::server::ParseTarget(req.target(), &path, &query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  Config config;
  if ((control & 0x40) != 0) config.max_body = 64;
  const size_t chunk = (control & 0x80) != 0 ? size : (control & 0x3f) + 1;
  Stream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), chunk);
  std::string buffer;  // The connection's read buffer, kept across requests.

  for (int i = 0; i < kMaxRequestsPerConnection; ++i) {
    RequestParser parser;
    guestguard::server::ConfigureRequestParser(config, parser);
    parser.eager(false);
    size_t header_bytes = 0;
    if (!ReadUntil(
            stream, buffer, parser, [&] { return parser.is_header_done(); }, &header_bytes)) {
      return 0;
    }
    // Beast's header_limit bounds the start line and the fields separately,
    // each give or take 16 bytes (seeds header-at-limit-plus-* and
    // pipelined-header-over-limit, found by 10-minute runs), so what it reads
    // is bounded by about twice the limit; the server then refuses any
    // header over the limit itself (431, closed).
    FUZZ_CHECK(header_bytes <= 2 * (config.max_header + 16));
    if (guestguard::server::HeaderTooLarge(config, header_bytes)) return 0;
    if (!guestguard::server::FramingError(parser.get()).empty()) return 0;  // 400, closed.
    parser.eager(true);
    size_t body_bytes = 0;
    if (!ReadUntil(
            stream, buffer, parser, [&] { return parser.is_done(); }, &body_bytes)) {
      return 0;
    }
    CheckRequest(parser, config);
    if (!parser.get().keep_alive()) return 0;
  }
  return 0;
}
