// Copyright 2026 GuestGuard authors.
#include "server/client_ip.h"

#include <utility>

#include "absl/status/statusor.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t comma = s.find(',');
    out.push_back(TrimSpaces(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool IsTrusted(std::string_view ip, const CidrSet& trusted) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(ip);
  return address.ok() && trusted.Contains(*address);
}

}  // namespace

std::string ResolveClientIp(std::string_view peer, const std::vector<std::string>& forwarded_for,
                            const CidrSet& trusted) {
  if (trusted.empty() || !IsTrusted(peer, trusted)) return std::string(peer);
  std::vector<std::string_view> entries;
  for (const std::string& header : forwarded_for) {
    for (std::string_view entry : SplitCommas(header)) entries.push_back(entry);
  }
  std::string_view client = peer;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(*it);
    if (!address.ok()) break;  // Garbage: keep the last hop we could trust.
    client = *it;
    if (!trusted.Contains(*address)) break;
  }
  return std::string(client);
}

absl::StatusOr<CidrSet> ParseTrustedProxies(std::string_view text) {
  std::vector<Cidr> entries;
  if (TrimSpaces(text).empty()) return CidrSet();
  for (std::string_view entry : SplitCommas(text)) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(entry);
    if (!cidr.ok()) {
      return absl::InvalidArgumentError("invalid CIDR \"" + std::string(entry) +
                                        "\": " + std::string(cidr.status().message()));
    }
    entries.push_back(*std::move(cidr));
  }
  return CidrSet(std::move(entries));
}

std::string RateLimitKey(std::string_view client_ip) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(client_ip);
  if (!address.ok()) return std::string(client_ip);
  const IpAddress ip = address->Unmapped();
  if (ip.is_v4()) return ip.ToString();
  absl::StatusOr<Cidr> network = Cidr::Make(ip, 64);
  return network.ok() ? network->ToString() : ip.ToString();
}

}  // namespace guestguard::server
