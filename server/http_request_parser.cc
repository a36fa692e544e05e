// Copyright 2026 GuestGuard authors.
#include "server/http_request_parser.h"

#include <cstdint>

#include "boost/beast/core/string.hpp"
#include "boost/beast/http/field.hpp"
#include "server/wire.h"

namespace guestguard::server {

namespace http = boost::beast::http;

void ConfigureRequestParser(const Config& config, RequestParser& parser) {
  parser.header_limit(static_cast<uint32_t>(config.max_header));
  parser.body_limit(config.max_body);
}

bool HeaderTooLarge(const Config& config, size_t header_bytes) {
  return header_bytes > config.max_header;
}

std::string_view FramingError(const RequestParser::value_type& request) {
  // On the raw fields: Beast itself takes the last Content-Length it accepts.
  int content_lengths = 0;
  int transfer_encodings = 0;
  std::string_view transfer_encoding;
  for (const auto& field : request) {
    if (field.name() == http::field::content_length) ++content_lengths;
    if (field.name() == http::field::transfer_encoding) {
      ++transfer_encodings;
      transfer_encoding = TrimSpaces(field.value());
    }
  }
  if (content_lengths > 0 && transfer_encodings > 0) {
    return "Content-Length and Transfer-Encoding must not both be set";
  }
  if (transfer_encodings > 1 ||
      (transfer_encodings == 1 && !boost::beast::iequals(transfer_encoding, "chunked"))) {
    return "only Transfer-Encoding: chunked is supported";
  }
  return "";
}

}  // namespace guestguard::server
