// Copyright 2026 GuestGuard authors.
//
// Fuzzes Cidr::Parse and IpAddress::Parse (include/guestguard/cidr.h): every
// line of the input is parsed as both. Invariants:
//   - what parses prints (ToString) a canonical form that parses to the same
//     value and prints the same again; a CIDR's prefix is in range, its
//     network has no host bits and it contains its own network address;
//   - a bare address parses as a /32 or /128 of itself;
//   - Unmapped/IsV4Mapped agree with the bytes, and v4() round-trips FromV4;
//   - CidrSet::Contains (binary search over merged ranges) agrees with a
//     linear scan over every parsed block and every parsed address, including
//     the v4-mapped matching rule, before and after erasing one entry.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "guestguard/cidr.h"

namespace {

using guestguard::Cidr;
using guestguard::CidrSet;
using guestguard::IpAddress;

IpAddress MapToV6(const IpAddress& v4) {
  std::array<uint8_t, 16> bytes{};
  bytes[10] = bytes[11] = 0xff;
  for (int i = 0; i < 4; ++i) bytes[12 + i] = v4.bytes()[i];
  return IpAddress::FromV6(bytes);
}

// The rule CidrSet states, one entry at a time.
bool LinearContains(const std::vector<Cidr>& entries, const IpAddress& a) {
  for (const Cidr& c : entries) {
    if (c.Contains(a)) return true;
    if (a.IsV4Mapped() && c.Contains(a.Unmapped())) return true;
    if (a.is_v4() && c.Contains(MapToV6(a))) return true;
  }
  return false;
}

void CheckAddress(const IpAddress& a) {
  const std::string text = a.ToString();
  absl::StatusOr<IpAddress> again = IpAddress::Parse(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == a);
  FUZZ_CHECK(again->ToString() == text);
  if (a.is_v4()) {
    FUZZ_CHECK(IpAddress::FromV4(a.v4()) == a);
    FUZZ_CHECK(!a.IsV4Mapped());
    FUZZ_CHECK(a.Unmapped() == a);
    for (int i = 4; i < 16; ++i) FUZZ_CHECK(a.bytes()[i] == 0);
  } else if (a.IsV4Mapped()) {
    FUZZ_CHECK(a.Unmapped().is_v4());
    FUZZ_CHECK(MapToV6(a.Unmapped()) == a);
  } else {
    FUZZ_CHECK(a.Unmapped() == a);
  }
  absl::StatusOr<Cidr> host = Cidr::Parse(text);
  FUZZ_CHECK(host.ok());
  FUZZ_CHECK(host->network() == a);
  FUZZ_CHECK(host->prefix_length() == (a.is_v4() ? 32 : 128));
}

void CheckCidr(const Cidr& c) {
  const int max = c.family() == IpAddress::Family::kV4 ? 32 : 128;
  FUZZ_CHECK(c.prefix_length() >= 0 && c.prefix_length() <= max);
  const std::string text = c.ToString();
  absl::StatusOr<Cidr> again = Cidr::Parse(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == c);
  FUZZ_CHECK(again->ToString() == text);
  FUZZ_CHECK(c.Contains(c.network()));
  absl::StatusOr<Cidr> made = Cidr::Make(c.network(), c.prefix_length());
  FUZZ_CHECK(made.ok() && *made == c);
  // No host bits: the bytes after the prefix are zero.
  for (int bit = c.prefix_length(); bit < max; ++bit) {
    FUZZ_CHECK((c.network().bytes()[bit / 8] & (0x80 >> (bit % 8))) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<Cidr> cidrs;
  std::vector<IpAddress> addresses;
  while (true) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (absl::StatusOr<IpAddress> a = IpAddress::Parse(line); a.ok()) {
      CheckAddress(*a);
      addresses.push_back(*a);
    }
    if (absl::StatusOr<Cidr> c = Cidr::Parse(line); c.ok()) {
      CheckCidr(*c);
      cidrs.push_back(*c);
      addresses.push_back(c->network());
    }
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }

  CidrSet set(cidrs);
  for (const IpAddress& a : addresses) FUZZ_CHECK(set.Contains(a) == LinearContains(cidrs, a));
  if (!cidrs.empty()) {
    const Cidr gone = cidrs.front();
    FUZZ_CHECK(set.Erase(gone));
    std::vector<Cidr> left;
    for (const Cidr& c : cidrs) {
      if (!(c == gone)) left.push_back(c);
    }
    FUZZ_CHECK(set.size() == CidrSet(left).size());
    for (const IpAddress& a : addresses) FUZZ_CHECK(set.Contains(a) == LinearContains(left, a));
    FUZZ_CHECK(set.Insert(gone));
    FUZZ_CHECK(!set.Insert(gone));
  }
  return 0;
}
