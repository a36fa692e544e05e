// Copyright 2026 GuestGuard authors.
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "server/client_ip.h"
#include "server/config.h"
#include "server/handlers/activity.h"

namespace guestguard::server {
namespace {

CidrSet Trusted(std::string_view text) {
  absl::StatusOr<CidrSet> set = ParseTrustedProxies(text);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : CidrSet();
}

TEST(ClientIp, IgnoresForwardedForWithoutTrustedProxies) {
  EXPECT_EQ(ResolveClientIp("127.0.0.1", {"203.0.113.7"}, CidrSet()), "127.0.0.1");
}

TEST(ClientIp, IgnoresForwardedForFromAnUntrustedPeer) {
  EXPECT_EQ(ResolveClientIp("198.51.100.1", {"203.0.113.7"}, Trusted("10.0.0.0/8")),
            "198.51.100.1");
}

TEST(ClientIp, TakesTheRightmostUntrustedEntry) {
  const CidrSet trusted = Trusted("10.0.0.0/8, 127.0.0.1");
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {"1.1.1.1, 203.0.113.7, 10.9.9.9"}, trusted),
            "203.0.113.7");
  // Several headers are one list, in order.
  EXPECT_EQ(ResolveClientIp("127.0.0.1", {"1.1.1.1", "203.0.113.8,10.0.0.2"}, trusted),
            "203.0.113.8");
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {"2001:db8::1"}, trusted), "2001:db8::1");
}

TEST(ClientIp, FallsBackWhenNothingUsable) {
  const CidrSet trusted = Trusted("10.0.0.0/8");
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {}, trusted), "10.1.2.3");
  // Every entry trusted: the leftmost (the first proxy's client).
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {"10.0.0.5, 10.0.0.6"}, trusted), "10.0.0.5");
  // Garbage stops the walk at the last hop we could trust.
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {"203.0.113.7, not-an-ip"}, trusted), "10.1.2.3");
  EXPECT_EQ(ResolveClientIp("10.1.2.3", {"evil, 10.0.0.6"}, trusted), "10.0.0.6");
}

TEST(ClientIp, V4MappedPeerMatchesV4Entries) {
  EXPECT_EQ(ResolveClientIp("::ffff:127.0.0.1", {"203.0.113.7"}, Trusted("127.0.0.1/32")),
            "203.0.113.7");
}

TEST(ClientIp, ParsesTrustedProxies) {
  EXPECT_TRUE(ParseTrustedProxies("").ok());
  EXPECT_TRUE(ParseTrustedProxies("").value().empty());
  EXPECT_EQ(Trusted("10.0.0.0/8,192.168.1.1, ::1").size(), 3u);
  EXPECT_FALSE(ParseTrustedProxies("10.0.0.0/33").ok());
  EXPECT_FALSE(ParseTrustedProxies("10.0.0.0/8,,").ok());
  EXPECT_FALSE(ParseTrustedProxies("proxy.example").ok());
}

TEST(ClientIp, RateLimitKeysFoldIpv6To64AndUnmapIpv4) {
  EXPECT_EQ(RateLimitKey("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(RateLimitKey("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(RateLimitKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(RateLimitKey("2001:db8:1:2:ffff:1:2:3"), RateLimitKey("2001:db8:1:2::9"));
  EXPECT_NE(RateLimitKey("2001:db8:1:3::1"), RateLimitKey("2001:db8:1:2::1"));
  EXPECT_EQ(RateLimitKey("not an ip"), "not an ip");
}

}  // namespace
}  // namespace guestguard::server
