// Copyright 2026 GuestGuard authors.
//
// The HTTP/1.1 request parser as the server uses it: Beast's request parser
// with the header and body limits of the configuration (431 and 413 above
// them), and the framing rules the server adds on a parsed header against
// request smuggling. Shared by http_server.cc and the fuzz harness
// (fuzz/http_request_fuzzer.cc), so that what is fuzzed is what is served.
//
//   RequestParser parser;
//   ConfigureRequestParser(config, parser);
//   ... http::async_read_header(socket, buffer, parser, ...) ...
//   if (HeaderTooLarge(config, bytes_read)) → 431
//   if (std::string_view e = FramingError(parser.get()); !e.empty()) → 400 e
//
// Thread-compatible (plain functions over the caller's parser).
#ifndef GUESTGUARD_SERVER_HTTP_REQUEST_PARSER_H_
#define GUESTGUARD_SERVER_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <string_view>

#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"
#include "server/config.h"

namespace guestguard::server {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Sets `parser`'s header limit to config.max_header and its body limit to
// config.max_body. Call on a fresh parser, before the first byte.
void ConfigureRequestParser(const Config& config, RequestParser& parser);

// True when a parsed header of `header_bytes` bytes (what the parser consumed
// for it, start line included) is over config.max_header (8 KiB): answer 431.
// Beast's header_limit bounds the start line and the fields separately (each
// to the limit, give or take 16 bytes), so on its own it lets a header of up
// to about twice the limit through when both arrive in one read; this check
// makes the configured limit exact.
bool HeaderTooLarge(const Config& config, size_t header_bytes);

// "" when the framing of the parsed header `request` is acceptable;
// otherwise the message of the 400 to send before closing: both
// Content-Length and Transfer-Encoding set, more than one Transfer-Encoding,
// or a Transfer-Encoding other than "chunked".
std::string_view FramingError(const RequestParser::value_type& request);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HTTP_REQUEST_PARSER_H_
