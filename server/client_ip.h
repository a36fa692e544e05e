// Copyright 2026 GuestGuard authors.
//
// The client IP of a request. A request arriving from a trusted proxy (the
// socket peer is in `trusted`) is attributed to the rightmost X-Forwarded-For
// entry that is not itself a trusted proxy (entries left of it are whatever
// the client claimed and cannot be trusted); any other request is attributed
// to its socket peer and X-Forwarded-For is ignored. A malformed entry stops
// the walk: the peer (or the last trusted entry seen) is used.
//
//   std::string ip = ResolveClientIp(peer, request.Header("x-forwarded-for"), trusted);
//
// Pure; thread-safe.
#ifndef GUESTGUARD_SERVER_CLIENT_IP_H_
#define GUESTGUARD_SERVER_CLIENT_IP_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "guestguard/cidr.h"

namespace guestguard::server {

// `forwarded_for` holds the X-Forwarded-For header values in arrival order
// (several headers are one comma-separated list).
std::string ResolveClientIp(std::string_view peer, const std::vector<std::string>& forwarded_for,
                            const CidrSet& trusted);

// "CIDR,CIDR,..." (a bare IP is a single address; spaces around entries are
// ignored; an empty list is the empty set) → the set; InvalidArgument naming
// the bad entry.
[[nodiscard]] absl::StatusOr<CidrSet> ParseTrustedProxies(std::string_view text);

// The key a per-client rate limit counts `client_ip` under: an IPv4 address
// as is, an IPv4-mapped IPv6 address as its IPv4 address, any other IPv6
// address as its /64 (one subscriber usually holds a whole /64, so counting
// single addresses would let one client rotate through 2^64 of them). Text
// that is not an address is returned unchanged.
std::string RateLimitKey(std::string_view client_ip);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_CLIENT_IP_H_
