// Copyright 2026 GuestGuard authors.
//
// IP addresses, CIDR blocks and allowlist sets, for IPv4 and IPv6.
//
// Parsing is strict and canonicalising: a bare address widens to /32 or /128,
// host bits are cleared, IPv6 prints in RFC 5952 compressed form. Typos,
// out-of-range prefixes, trailing junk, path-like input and empty strings are
// rejected with InvalidArgument saying why. Surrounding ASCII whitespace is
// ignored.
//
//   auto cidr = guestguard::Cidr::Parse("203.0.113.42");   // "203.0.113.42/32"
//   guestguard::CidrSet set;
//   set.Insert(*cidr);
//   bool ok = set.Contains(*guestguard::IpAddress::Parse("::ffff:203.0.113.42"));  // true
#ifndef GUESTGUARD_CIDR_H_
#define GUESTGUARD_CIDR_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace guestguard {

// An IPv4 or IPv6 address. A value type; thread-compatible.
class IpAddress {
 public:
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  // Accepts dotted-quad IPv4 ("192.0.2.1", no leading zeros) or IPv6 text
  // (including "::ffff:192.0.2.1"); no zone ids, ports or brackets.
  [[nodiscard]] static absl::StatusOr<IpAddress> Parse(std::string_view text);
  static IpAddress FromV4(uint32_t host_order);
  static IpAddress FromV6(const std::array<uint8_t, 16>& bytes);

  IpAddress() = default;  // 0.0.0.0

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  // True for IPv6 addresses in ::ffff:0:0/96.
  bool IsV4Mapped() const;
  // The IPv4 address inside a v4-mapped IPv6 address; *this otherwise.
  IpAddress Unmapped() const;

  // IPv4: the first 4 bytes are the address in network order, the rest zero.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // IPv4 only: the address in host byte order.
  uint32_t v4() const;

  // Canonical text: dotted quad, or RFC 5952 compressed lowercase IPv6.
  std::string ToString() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

// A network: address with host bits cleared, plus prefix length. A value type.
class Cidr {
 public:
  // "a.b.c.d", "a.b.c.d/n" (n <= 32), "ipv6", "ipv6/n" (n <= 128).
  [[nodiscard]] static absl::StatusOr<Cidr> Parse(std::string_view text);
  // Clears host bits of `address`; InvalidArgument if the prefix is out of range.
  [[nodiscard]] static absl::StatusOr<Cidr> Make(const IpAddress& address, int prefix_length);

  const IpAddress& network() const { return network_; }
  int prefix_length() const { return prefix_length_; }
  IpAddress::Family family() const { return network_.family(); }

  // Canonical text, always with the prefix: "203.0.113.42/32", "2001:db8::/32".
  std::string ToString() const;

  // Same-family containment only (see CidrSet for v4-mapped matching).
  bool Contains(const IpAddress& address) const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
  friend auto operator<=>(const Cidr&, const Cidr&) = default;

 private:
  IpAddress network_;
  int prefix_length_ = 0;
};

// A set of CIDR blocks with containment in O(log n) for both families.
// An IPv4-mapped IPv6 address matches IPv4 entries (and an IPv4 address
// matches IPv6 entries in ::ffff:0:0/96).
// Thread-compatible: const methods may run concurrently; mutation needs
// exclusive access.
class CidrSet {
 public:
  CidrSet() = default;
  // Builds in O(n log n); duplicates are collapsed.
  explicit CidrSet(std::vector<Cidr> entries);

  // Returns false (and changes nothing) when the exact block is present. O(n).
  bool Insert(const Cidr& cidr);
  // Returns false when the exact block is absent. O(n).
  bool Erase(const Cidr& cidr);

  bool Contains(const IpAddress& address) const;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The entries, sorted, as inserted (not merged).
  const std::vector<Cidr>& entries() const { return entries_; }

 private:
  void Rebuild();

  std::vector<Cidr> entries_;  // sorted, unique
  // Merged, disjoint, sorted inclusive ranges per family, for binary search.
  std::vector<std::pair<uint32_t, uint32_t>> v4_ranges_;
  std::vector<std::pair<unsigned __int128, unsigned __int128>> v6_ranges_;
};

}  // namespace guestguard

#endif  // GUESTGUARD_CIDR_H_
