// Copyright 2026 GuestGuard authors.

#include "guestguard/cidr.h"

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace guestguard {
namespace {

// The canonical text of `text` parsed as a CIDR, or the error message.
std::string Canonical(std::string_view text) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
  if (!cidr.ok()) return std::string(cidr.status().message());
  return cidr->ToString();
}

// Expects Cidr::Parse(text) to fail with InvalidArgument whose message
// contains `reason`.
void ExpectRejected(std::string_view text, std::string_view reason) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
  ASSERT_FALSE(cidr.ok()) << "accepted \"" << text << "\" as " << cidr->ToString();
  EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument) << cidr.status();
  EXPECT_NE(std::string(cidr.status().message()).find(reason), std::string::npos)
      << "message for \"" << text << "\" is \"" << cidr.status().message()
      << "\", expected it to mention \"" << reason << "\"";
}

IpAddress Ip(std::string_view text) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.ok()) << address.status();
  return address.value_or(IpAddress());
}

Cidr Block(std::string_view text) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
  EXPECT_TRUE(cidr.ok()) << cidr.status();
  return cidr.value_or(Cidr());
}

IpAddress MapToV6(const IpAddress& v4) {
  std::array<uint8_t, 16> bytes{};
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  for (int i = 0; i < 4; ++i) bytes[12 + i] = v4.bytes()[i];
  return IpAddress::FromV6(bytes);
}

// ------------------------------------------------------------ Cidr parsing

TEST(Cidr, WidensBareIpv4ToSlash32) {
  EXPECT_EQ(Canonical("203.0.113.42"), "203.0.113.42/32");
  EXPECT_EQ(Canonical("0.0.0.0"), "0.0.0.0/32");
  EXPECT_EQ(Canonical("255.255.255.255"), "255.255.255.255/32");
}

TEST(Cidr, WidensBareIpv6ToSlash128) {
  EXPECT_EQ(Canonical("2001:db8::1"), "2001:db8::1/128");
  EXPECT_EQ(Canonical("::"), "::/128");
  EXPECT_EQ(Canonical("::1"), "::1/128");
}

TEST(Cidr, ClearsIpv4HostBits) {
  EXPECT_EQ(Canonical("203.0.113.42/24"), "203.0.113.0/24");
  EXPECT_EQ(Canonical("10.255.2.3/9"), "10.128.0.0/9");
  EXPECT_EQ(Canonical("192.0.2.255/31"), "192.0.2.254/31");
  EXPECT_EQ(Canonical("198.51.100.7/0"), "0.0.0.0/0");
}

TEST(Cidr, ClearsIpv6HostBits) {
  EXPECT_EQ(Canonical("2001:db8::1/32"), "2001:db8::/32");
  EXPECT_EQ(Canonical("2001:db8:ffff:1234::1/33"), "2001:db8:8000::/33");
  EXPECT_EQ(Canonical("2001:db8::ffff/127"), "2001:db8::fffe/127");
  EXPECT_EQ(Canonical("2001:db8::1/0"), "::/0");
}

TEST(Cidr, PrintsIpv6InCanonicalCompressedLowercaseForm) {
  EXPECT_EQ(Canonical("2001:DB8:0:0:0:0:0:1"), "2001:db8::1/128");
  EXPECT_EQ(Canonical("2001:0db8:0000::/32"), "2001:db8::/32");
  EXPECT_EQ(Canonical("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1/128");
  // "::" never stands for a single zero group.
  EXPECT_EQ(Canonical("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1/128");
  EXPECT_EQ(Canonical("::FFFF:192.0.2.1"), "::ffff:192.0.2.1/128");
  EXPECT_EQ(Canonical("0:0:0:0:0:ffff:c000:0201/120"), "::ffff:192.0.2.0/120");
}

TEST(Cidr, IgnoresSurroundingAsciiWhitespace) {
  EXPECT_EQ(Canonical("  10.0.0.0/8\t\n"), "10.0.0.0/8");
  EXPECT_EQ(Canonical("\r2001:db8::/32 "), "2001:db8::/32");
}

TEST(Cidr, AcceptsBoundaryPrefixLengths) {
  EXPECT_EQ(Canonical("10.0.0.1/32"), "10.0.0.1/32");
  EXPECT_EQ(Canonical("0.0.0.0/0"), "0.0.0.0/0");
  EXPECT_EQ(Canonical("2001:db8::1/128"), "2001:db8::1/128");
  EXPECT_EQ(Canonical("::/0"), "::/0");
}

TEST(Cidr, RejectsIpv4PrefixAbove32SayingTheMaximum) {
  ExpectRejected("10.0.0.0/33", "at most 32");
  ExpectRejected("10.0.0.0/1000", "at most 32");
}

TEST(Cidr, RejectsIpv6PrefixAbove128SayingTheMaximum) {
  ExpectRejected("2001:db8::/129", "at most 128");
}

TEST(Cidr, RejectsIpv4WithoutFourParts) {
  ExpectRejected("1.2.3", "expected 4 dot-separated parts, found 3");
  ExpectRejected("1.2.3.4.5", "expected 4 dot-separated parts, found 5");
  ExpectRejected("10", "expected 4 dot-separated parts, found 1");
}

TEST(Cidr, RejectsPathLikeInput) {
  ExpectRejected("../etc", "file path");
  ExpectRejected("../../etc/passwd", "file path");
  ExpectRejected("/etc/passwd", "file path");
  ExpectRejected("10.0.0.0/8/../x", "file path");
  ExpectRejected("..\\windows", "file path");
  ExpectRejected("./10.0.0.0", "file path");
}

TEST(Cidr, RejectsEmptyString) { ExpectRejected("", "empty string"); }

TEST(Cidr, RejectsWhitespaceOnly) { ExpectRejected("   ", "only whitespace"); }

TEST(Cidr, RejectsTrailingJunk) {
  ExpectRejected("10.0.0.0/8x", "unexpected trailing characters \"x\" after the prefix length");
  ExpectRejected("1.2.3.4 junk", "unexpected trailing characters \" junk\" after the address");
  ExpectRejected("1.2.3.4x/8", "unexpected trailing characters \"x\" after the address");
  ExpectRejected("2001:db8::/32 x", "unexpected trailing characters \" x\"");
}

TEST(Cidr, RejectsLeadingZeroInAnAddressPart) {
  ExpectRejected("01.2.3.4", "part 1 \"01\" has a leading zero");
  ExpectRejected("1.2.3.00", "part 4 \"00\" has a leading zero");
}

TEST(Cidr, RejectsLeadingZeroInThePrefixLength) { ExpectRejected("10.0.0.0/08", "leading zero"); }

TEST(Cidr, RejectsAddressPartsAbove255) {
  ExpectRejected("256.1.1.1", "part 1 \"256\" is out of range 0-255");
  ExpectRejected("1.1.1.1000", "part 4 \"1000\" is out of range 0-255");
}

TEST(Cidr, RejectsEmptyAddressPart) { ExpectRejected("1..2.3", "part 2 is empty"); }

TEST(Cidr, RejectsSlashWithoutPrefixLength) {
  ExpectRejected("1.2.3.4/", "missing prefix length after '/'");
  ExpectRejected("10.0.0.0/", "missing prefix length after '/'");
}

TEST(Cidr, RejectsSlashWithoutAddress) { ExpectRejected("/24", "missing address before '/'"); }

TEST(Cidr, RejectsSignedPrefixLength) {
  ExpectRejected("1.2.3.4/-1", "unsigned decimal");
  ExpectRejected("1.2.3.4/+8", "unsigned decimal");
}

TEST(Cidr, RejectsSignedAddressParts) { ExpectRejected("-1.2.3.4", "sign '-'"); }

TEST(Cidr, RejectsIpv6ZoneId) {
  ExpectRejected("fe80::1%eth0", "zone id");
  ExpectRejected("fe80::1%eth0/64", "zone id");
}

TEST(Cidr, RejectsBracketsAndPorts) {
  ExpectRejected("[2001:db8::1]", "brackets");
  ExpectRejected("[2001:db8::1]:443", "brackets");
  ExpectRejected("192.0.2.1:8080", "port");
}

TEST(Cidr, RejectsMalformedIpv6) {
  ExpectRejected("2001:db8:::1", "not a valid IPv6 address");
  ExpectRejected("2001:db8::1::2", "not a valid IPv6 address");
  ExpectRejected("12345::", "not a valid IPv6 address");
  ExpectRejected("2001:db8::g", "unexpected character 'g'");
}

TEST(Cidr, RejectsWords) {
  ExpectRejected("localhost", "not an IPv4 or IPv6 address");
  ExpectRejected("any", "not an IPv4 or IPv6 address");
}

TEST(Cidr, QuotesTheInputInTheMessage) {
  ExpectRejected("10.0.0.0/33", "invalid CIDR \"10.0.0.0/33\"");
  ExpectRejected("a\x01", "\"a\\x01\"");
}

TEST(Cidr, BoundsTheQuotedInputLength) {
  const std::string huge(10000, '1');
  absl::StatusOr<Cidr> cidr = Cidr::Parse(huge);
  ASSERT_FALSE(cidr.ok());
  EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(cidr.status().message().size(), 200u) << cidr.status();
  EXPECT_NE(std::string(cidr.status().message()).find("...\""), std::string::npos);
  EXPECT_NE(std::string(cidr.status().message()).find("too long"), std::string::npos);
}

TEST(Cidr, MakeClearsHostBitsAndRejectsOutOfRangePrefixes) {
  absl::StatusOr<Cidr> cidr = Cidr::Make(Ip("192.0.2.77"), 28);
  ASSERT_TRUE(cidr.ok()) << cidr.status();
  EXPECT_EQ(cidr->ToString(), "192.0.2.64/28");
  EXPECT_EQ(Cidr::Make(Ip("192.0.2.77"), 33).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Cidr::Make(Ip("192.0.2.77"), -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Cidr::Make(Ip("2001:db8::"), 129).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Cidr, ContainsAddressesOfItsOwnFamilyOnly) {
  const Cidr v4 = Block("10.0.0.0/8");
  EXPECT_TRUE(v4.Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(v4.Contains(Ip("10.255.255.255")));
  EXPECT_FALSE(v4.Contains(Ip("11.0.0.0")));
  EXPECT_FALSE(v4.Contains(Ip("::ffff:10.0.0.1")));
  const Cidr v6 = Block("2001:db8::/33");
  EXPECT_TRUE(v6.Contains(Ip("2001:db8:7fff::1")));
  EXPECT_FALSE(v6.Contains(Ip("2001:db8:8000::")));
  EXPECT_FALSE(v6.Contains(Ip("10.0.0.1")));
}

// --------------------------------------------------------------- IpAddress

TEST(IpAddress, RoundTripsCanonicalText) {
  for (std::string_view text :
       {"0.0.0.0", "192.0.2.1", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::1:2",
        "2001:db8:0:1:1:1:1:1", "::ffff:192.0.2.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
    ASSERT_TRUE(address.ok()) << address.status();
    EXPECT_EQ(address->ToString(), text);
  }
}

TEST(IpAddress, RoundTripsRandomAddressesThroughText) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::array<uint8_t, 16> bytes{};
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng());
    for (const IpAddress& address :
         {IpAddress::FromV4(static_cast<uint32_t>(rng())), IpAddress::FromV6(bytes)}) {
      absl::StatusOr<IpAddress> parsed = IpAddress::Parse(address.ToString());
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(*parsed, address) << address.ToString();
    }
  }
}

TEST(IpAddress, KeepsHostOrderAndNetworkOrderConsistent) {
  const IpAddress address = IpAddress::FromV4(0xC0000201u);
  EXPECT_EQ(address.ToString(), "192.0.2.1");
  EXPECT_EQ(address.v4(), 0xC0000201u);
  EXPECT_EQ(address.bytes()[0], 192);
  EXPECT_EQ(address.bytes()[3], 1);
  EXPECT_EQ(IpAddress().ToString(), "0.0.0.0");
}

TEST(IpAddress, RecognisesAndUnmapsV4MappedAddresses) {
  const IpAddress mapped = Ip("::ffff:203.0.113.42");
  EXPECT_FALSE(mapped.is_v4());
  EXPECT_TRUE(mapped.IsV4Mapped());
  EXPECT_EQ(mapped.Unmapped(), Ip("203.0.113.42"));
  EXPECT_FALSE(Ip("2001:db8::1").IsV4Mapped());
  EXPECT_FALSE(Ip("::203.0.113.42").IsV4Mapped());
  EXPECT_FALSE(Ip("203.0.113.42").IsV4Mapped());
  EXPECT_EQ(Ip("2001:db8::1").Unmapped(), Ip("2001:db8::1"));
}

TEST(IpAddress, RejectsCidrNotationAndJunk) {
  for (std::string_view text : {"10.0.0.0/8", "", "1.2.3", "01.2.3.4", "fe80::1%1", "[::1]"}) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(std::string(address.status().message()).find("invalid IP address"), std::string::npos)
        << address.status();
  }
}

// ----------------------------------------------------------------- CidrSet

TEST(CidrSet, EmptySetContainsNothing) {
  const CidrSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.Contains(Ip("0.0.0.0")));
  EXPECT_FALSE(set.Contains(Ip("::")));
}

TEST(CidrSet, MatchesV4MappedIpv6AddressAgainstIpv4Entry) {
  CidrSet set;
  ASSERT_TRUE(set.Insert(Block("203.0.113.42")));
  EXPECT_TRUE(set.Contains(Ip("203.0.113.42")));
  EXPECT_TRUE(set.Contains(Ip("::ffff:203.0.113.42")));
  EXPECT_FALSE(set.Contains(Ip("::ffff:203.0.113.43")));
  EXPECT_FALSE(set.Contains(Ip("::203.0.113.42")));
}

TEST(CidrSet, MatchesIpv4AddressAgainstV4MappedIpv6Entry) {
  const CidrSet set({Block("::ffff:198.51.100.0/120")});
  EXPECT_TRUE(set.Contains(Ip("198.51.100.200")));
  EXPECT_TRUE(set.Contains(Ip("::ffff:198.51.100.200")));
  EXPECT_FALSE(set.Contains(Ip("198.51.101.0")));
}

TEST(CidrSet, ZeroPrefixCoversItsWholeFamily) {
  const CidrSet v4_all({Block("0.0.0.0/0")});
  EXPECT_TRUE(v4_all.Contains(Ip("255.255.255.255")));
  EXPECT_TRUE(v4_all.Contains(Ip("::ffff:1.2.3.4")));
  EXPECT_FALSE(v4_all.Contains(Ip("2001:db8::1")));
  const CidrSet v6_all({Block("::/0")});
  EXPECT_TRUE(v6_all.Contains(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_TRUE(v6_all.Contains(Ip("1.2.3.4")));  // As ::ffff:1.2.3.4.
}

TEST(CidrSet, MergesAdjacentAndNestedBlocksWithoutWideningThem) {
  const CidrSet set({Block("10.0.0.0/25"), Block("10.0.0.128/25"), Block("10.0.0.64/26"),
                     Block("2001:db8::/127"), Block("2001:db8::2/127")});
  EXPECT_TRUE(set.Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(set.Contains(Ip("10.0.0.127")));
  EXPECT_TRUE(set.Contains(Ip("10.0.0.128")));
  EXPECT_TRUE(set.Contains(Ip("10.0.0.255")));
  EXPECT_FALSE(set.Contains(Ip("10.0.1.0")));
  EXPECT_FALSE(set.Contains(Ip("9.255.255.255")));
  EXPECT_TRUE(set.Contains(Ip("2001:db8::3")));
  EXPECT_FALSE(set.Contains(Ip("2001:db8::4")));
  EXPECT_EQ(set.size(), 5u);
}

TEST(CidrSet, ConstructorSortsAndCollapsesDuplicates) {
  const CidrSet set(
      {Block("2001:db8::/32"), Block("10.0.0.0/8"), Block("10.1.2.3/8"), Block("192.0.2.0/24")});
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.entries()[0].ToString(), "10.0.0.0/8");
  EXPECT_EQ(set.entries()[1].ToString(), "192.0.2.0/24");
  EXPECT_EQ(set.entries()[2].ToString(), "2001:db8::/32");
}

TEST(CidrSet, InsertReturnsFalseForDuplicate) {
  CidrSet set;
  EXPECT_TRUE(set.Insert(Block("192.0.2.0/24")));
  EXPECT_FALSE(set.Insert(Block("192.0.2.99/24")));  // Same block once host bits are cleared.
  EXPECT_TRUE(set.Insert(Block("192.0.2.0/25")));    // Nested but distinct.
  EXPECT_EQ(set.size(), 2u);
}

TEST(CidrSet, EraseRemovesOnlyTheExactBlockAndUpdatesContainment) {
  CidrSet set({Block("192.0.2.0/24"), Block("192.0.2.0/28"), Block("2001:db8::/32")});
  EXPECT_FALSE(set.Erase(Block("192.0.2.0/27")));
  EXPECT_TRUE(set.Erase(Block("192.0.2.0/24")));
  EXPECT_FALSE(set.Erase(Block("192.0.2.0/24")));
  EXPECT_TRUE(set.Contains(Ip("192.0.2.15")));  // Still inside the /28.
  EXPECT_FALSE(set.Contains(Ip("192.0.2.16")));
  EXPECT_TRUE(set.Erase(Block("2001:db8::/32")));
  EXPECT_FALSE(set.Contains(Ip("2001:db8::1")));
  EXPECT_EQ(set.size(), 1u);
}

// ------------------------------------------------------ randomised checks

// Entries and probes over a mix of IPv4, IPv6 and v4-mapped IPv6, with
// overlapping blocks. Deterministic for a given seed.
class RandomNetworks {
 public:
  explicit RandomNetworks(uint64_t seed) : rng_(seed) {
    for (auto& site : sites_) site = static_cast<uint32_t>(rng_());
  }

  Cidr Entry() {
    const int kind = Uniform(0, 9);
    if (kind < 5)
      return MakeCidr(IpAddress::FromV4(static_cast<uint32_t>(rng_())), Uniform(12, 32));
    if (kind < 9) return MakeCidr(SiteAddress(), Uniform(33, 128));
    return MakeCidr(MapToV6(IpAddress::FromV4(static_cast<uint32_t>(rng_()))), Uniform(108, 128));
  }

  // Half inside (often on the edge of) an entry, half anywhere.
  IpAddress Probe(const std::vector<Cidr>& entries) {
    if (Uniform(0, 1) == 0) {
      const Cidr& cidr =
          entries[static_cast<size_t>(Uniform(0, static_cast<int>(entries.size()) - 1))];
      const int edge = Uniform(0, 3);  // 0: first address, 1: last, else random.
      std::array<uint8_t, 16> host = RandomBytes();
      if (edge < 2) host.fill(edge == 0 ? 0 : 0xff);
      IpAddress address = WithHostBits(cidr, host);
      if (address.is_v4() && Uniform(0, 2) == 0) address = MapToV6(address);
      if (address.IsV4Mapped() && Uniform(0, 1) == 0) address = address.Unmapped();
      return address;
    }
    switch (Uniform(0, 3)) {
      case 0:
        return IpAddress::FromV4(static_cast<uint32_t>(rng_()));
      case 1:
        return MapToV6(IpAddress::FromV4(static_cast<uint32_t>(rng_())));
      case 2:
        return SiteAddress();
      default:
        return IpAddress::FromV6(RandomBytes());
    }
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::array<uint8_t, 16> RandomBytes() {
    std::array<uint8_t, 16> bytes{};
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng_());
    return bytes;
  }

  // A random address inside one of a few /32 sites, so IPv6 blocks overlap.
  IpAddress SiteAddress() {
    std::array<uint8_t, 16> bytes = RandomBytes();
    const uint32_t site = sites_[static_cast<size_t>(Uniform(0, kSites - 1))];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(site >> (24 - 8 * i));
    return IpAddress::FromV6(bytes);
  }

  static Cidr MakeCidr(const IpAddress& address, int prefix_length) {
    absl::StatusOr<Cidr> cidr = Cidr::Make(address, prefix_length);
    EXPECT_TRUE(cidr.ok()) << cidr.status();
    return cidr.value_or(Cidr());
  }

  // The network bits of `cidr` with the host bits taken from `host`.
  static IpAddress WithHostBits(const Cidr& cidr, const std::array<uint8_t, 16>& host) {
    std::array<uint8_t, 16> bytes = cidr.network().bytes();
    const int size = cidr.network().is_v4() ? 4 : 16;
    for (int i = 0; i < size; ++i) {
      const int kept = cidr.prefix_length() - 8 * i;
      if (kept >= 8) continue;
      const uint8_t host_mask = kept <= 0 ? 0xff : static_cast<uint8_t>(0xff >> kept);
      bytes[i] = static_cast<uint8_t>((bytes[i] & ~host_mask) | (host[i] & host_mask));
    }
    if (!cidr.network().is_v4()) return IpAddress::FromV6(bytes);
    return IpAddress::FromV4(static_cast<uint32_t>(bytes[0]) << 24 |
                             static_cast<uint32_t>(bytes[1]) << 16 |
                             static_cast<uint32_t>(bytes[2]) << 8 | bytes[3]);
  }

  static constexpr int kSites = 8;
  std::mt19937_64 rng_;
  std::array<uint32_t, kSites> sites_{};
};

// The reference: every entry, tried with the address and its other form.
bool LinearContains(const std::vector<Cidr>& entries, const IpAddress& address) {
  const bool v4 = address.is_v4();
  const bool mapped = address.IsV4Mapped();
  const IpAddress other = v4 ? MapToV6(address) : address.Unmapped();
  for (const Cidr& cidr : entries) {
    if (cidr.Contains(address)) return true;
    if ((v4 || mapped) && cidr.Contains(other)) return true;
  }
  return false;
}

TEST(CidrSet, AgreesWithLinearScanOn10000RandomEntries) {
  RandomNetworks random(20260101);
  std::vector<Cidr> entries;
  for (int i = 0; i < 10000; ++i) entries.push_back(random.Entry());
  const CidrSet set(entries);
  ASSERT_GT(set.size(), 9900u);

  int matched = 0;
  int unmatched = 0;
  for (int i = 0; i < 100000; ++i) {
    const IpAddress probe = random.Probe(set.entries());
    const bool expected = LinearContains(set.entries(), probe);
    if (set.Contains(probe) != expected) {
      ADD_FAILURE() << "probe " << i << " " << probe.ToString() << ": set says " << !expected
                    << ", linear scan says " << expected;
      break;
    }
    (expected ? matched : unmatched)++;
  }
  EXPECT_GT(matched, 10000);
  EXPECT_GT(unmatched, 10000);
}

TEST(CidrSet, StaysConsistentWithLinearScanUnderInsertAndErase) {
  RandomNetworks random(99);
  CidrSet set;
  std::vector<Cidr> inserted;
  for (int i = 0; i < 600; ++i) {
    const Cidr cidr = random.Entry();
    inserted.push_back(cidr);
    set.Insert(cidr);
  }
  EXPECT_EQ(set.entries(), CidrSet(inserted).entries());
  for (size_t i = 0; i < inserted.size(); i += 2) set.Erase(inserted[i]);

  int matched = 0;
  for (int i = 0; i < 20000; ++i) {
    const IpAddress probe = random.Probe(set.entries());
    const bool expected = LinearContains(set.entries(), probe);
    ASSERT_EQ(set.Contains(probe), expected) << probe.ToString();
    matched += expected ? 1 : 0;
  }
  EXPECT_GT(matched, 0);
  EXPECT_LT(matched, 20000);
}

}  // namespace
}  // namespace guestguard
