// Copyright 2026 GuestGuard authors.

#include "guestguard/baseline.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guestguard/access.h"

namespace guestguard {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// Reference FNV-1a 64, written independently of the library.
uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

AccessAttempt Attempt(std::string fingerprint, std::string client_ip, absl::Time at) {
  AccessAttempt a;
  a.event_id = "ev";
  a.guest_id = "g1";
  a.at = at;
  a.client_ip = std::move(client_ip);
  a.signals.fingerprint = std::move(fingerprint);
  a.signals.user_agent = "Mozilla/5.0";
  return a;
}

AccessFeatures FeaturesOf(const AccessAttempt& attempt) {
  absl::StatusOr<AccessFeatures> f = AccessFeatures::From(attempt);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.value_or(AccessFeatures());
}

AccessFeatures Features(std::string fingerprint, std::string client_ip, absl::Time at = kT0) {
  return FeaturesOf(Attempt(std::move(fingerprint), std::move(client_ip), at));
}

std::vector<uint64_t> Fingerprints(const Baseline& b) {
  std::vector<uint64_t> out;
  for (const Baseline::Device& d : b.devices()) out.push_back(d.fingerprint);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint64_t> Networks(const Baseline& b) {
  std::vector<uint64_t> out;
  for (const Baseline::Network& n : b.networks()) out.push_back(n.network);
  std::sort(out.begin(), out.end());
  return out;
}

// ------------------------------------------------------------ AccessFeatures

TEST(AccessFeatures, HashesTheFingerprintStablyWithFnv1a64) {
  const AccessFeatures a = Features("device-a", "");
  EXPECT_EQ(a.fingerprint, Features("device-a", "").fingerprint);
  EXPECT_NE(a.fingerprint, Features("device-b", "").fingerprint);
  EXPECT_NE(a.fingerprint, 0u);
  // Persisted baselines depend on this exact value never changing.
  EXPECT_EQ(Features("a", "").fingerprint, 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Features("foobar", "").fingerprint, 0x85944171f73967e8ull);
  EXPECT_EQ(a.fingerprint, Fnv1a64("device-a"));
}

TEST(AccessFeatures, EmptyFingerprintHashesToZero) {
  const AccessFeatures f = Features("", "");
  EXPECT_EQ(f.fingerprint, 0u);
  for (uint32_t c : f.components) EXPECT_EQ(c, 0u);
}

TEST(AccessFeatures, HashesEachComponentIntoItsOwnSlot) {
  AccessAttempt attempt = Attempt("fp", "", kT0);
  attempt.signals.timezone = "Europe/Paris";
  attempt.signals.screen = "1920x1080";
  const AccessFeatures f = FeaturesOf(attempt);
  const uint64_t tz = Fnv1a64("Europe/Paris");
  const uint64_t screen = Fnv1a64("1920x1080");
  EXPECT_EQ(f.components[0], static_cast<uint32_t>(tz ^ (tz >> 32)));  // timezone
  EXPECT_EQ(f.components[1], 0u);                                      // language: not sent
  EXPECT_EQ(f.components[2], static_cast<uint32_t>(screen ^ (screen >> 32)));
  EXPECT_EQ(f.components[3], 0u);  // platform: not sent

  attempt.signals.language = "fr-FR";
  attempt.signals.platform = "MacIntel";
  const AccessFeatures all = FeaturesOf(attempt);
  for (uint32_t c : all.components) EXPECT_NE(c, 0u);
  EXPECT_EQ(all.components[0], f.components[0]);
  EXPECT_EQ(all.components[2], f.components[2]);
  // The fingerprint hash does not depend on the components.
  EXPECT_EQ(all.fingerprint, f.fingerprint);
}

TEST(AccessFeatures, KeepsTheAccessTime) {
  EXPECT_EQ(Features("fp", "192.0.2.1", kT0 + absl::Seconds(42)).at, kT0 + absl::Seconds(42));
}

TEST(AccessFeatures, Ipv4NeighboursInOneSlash24ShareTheNetworkButNotTheAddress) {
  const AccessFeatures a = Features("fp", "192.0.2.1");
  const AccessFeatures b = Features("fp", "192.0.2.254");
  const AccessFeatures other = Features("fp", "192.0.3.1");
  EXPECT_TRUE(a.has_ip);
  EXPECT_EQ(a.network, b.network);
  EXPECT_NE(a.address, b.address);
  EXPECT_NE(a.network, other.network);
  EXPECT_NE(a.network, 0u);
  EXPECT_EQ(a.address, Features("other-fp", "192.0.2.1").address);
}

TEST(AccessFeatures, Ipv6AddressesInOneSlash48ShareTheNetwork) {
  const AccessFeatures a = Features("fp", "2001:db8:1::1");
  const AccessFeatures b = Features("fp", "2001:db8:1:ffff:1:2:3:4");
  const AccessFeatures other = Features("fp", "2001:db8:2::1");
  EXPECT_TRUE(a.has_ip);
  EXPECT_EQ(a.network, b.network);
  EXPECT_NE(a.address, b.address);
  EXPECT_NE(a.network, other.network);
  // Same text in two spellings is the same address.
  EXPECT_EQ(a.address, Features("fp", "2001:0db8:0001:0000:0000:0000:0000:0001").address);
  // IPv4 and IPv6 never share a network.
  EXPECT_NE(Features("fp", "192.0.2.1").network, Features("fp", "::c000:201").network);
}

TEST(AccessFeatures, V4MappedIpv6IsTheSameAsIpv4) {
  const AccessFeatures v4 = Features("fp", "192.0.2.77");
  for (std::string mapped : {"::ffff:192.0.2.77", "::ffff:c000:24d"}) {
    const AccessFeatures m = Features("fp", mapped);
    EXPECT_EQ(m.has_ip, v4.has_ip) << mapped;
    EXPECT_EQ(m.network, v4.network) << mapped;
    EXPECT_EQ(m.address, v4.address) << mapped;
  }
}

TEST(AccessFeatures, RejectsAnInvalidClientIp) {
  for (std::string bad : {"not-an-ip", "192.0.2.256", "192.0.2.1:8080", "[::1]", "192.0.2",
                          "1.2.3.4.5", "2001:db8::1::2", "192.0.2.1/24", "192.0.2.1 x"}) {
    absl::StatusOr<AccessFeatures> f = AccessFeatures::From(Attempt("fp", bad, kT0));
    ASSERT_FALSE(f.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(AccessFeatures, EmptyClientIpMeansNoIp) {
  const AccessFeatures f = Features("fp", "");
  EXPECT_FALSE(f.has_ip);
  EXPECT_EQ(f.network, 0u);
  EXPECT_EQ(f.address, 0u);
}

// ------------------------------------------------------------ Learn

TEST(Baseline, StartsEmpty) {
  const Baseline b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.accesses(), 0u);
  EXPECT_TRUE(b.devices().empty());
  EXPECT_TRUE(b.networks().empty());
}

TEST(Baseline, LearnsTheDeviceNetworkAndTimesOfAnAccess) {
  AccessAttempt attempt = Attempt("fp", "192.0.2.1", kT0);
  attempt.signals.language = "en-GB";
  const AccessFeatures f = FeaturesOf(attempt);
  Baseline b;
  b.Learn(f);

  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.accesses(), 1u);
  EXPECT_EQ(b.first_seen(), kT0);
  EXPECT_EQ(b.last_seen(), kT0);
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(b.devices()[0].fingerprint, f.fingerprint);
  EXPECT_EQ(b.devices()[0].components, f.components);
  EXPECT_EQ(b.devices()[0].last_seen, absl::ToUnixSeconds(kT0));
  ASSERT_EQ(b.networks().size(), 1u);
  EXPECT_EQ(b.networks()[0].network, f.network);
  EXPECT_EQ(b.networks()[0].address, f.address);
  EXPECT_EQ(b.networks()[0].last_seen, absl::ToUnixSeconds(kT0));
}

TEST(Baseline, RefreshesAKnownDeviceInsteadOfAddingIt) {
  AccessAttempt first = Attempt("fp", "192.0.2.1", kT0);
  first.signals.screen = "1920x1080";
  AccessAttempt second = Attempt("fp", "192.0.2.9", kT0 + absl::Hours(2));
  second.signals.screen = "2560x1440";
  Baseline b;
  b.Learn(FeaturesOf(first));
  b.Learn(FeaturesOf(second));

  EXPECT_EQ(b.accesses(), 2u);
  EXPECT_EQ(b.first_seen(), kT0);
  EXPECT_EQ(b.last_seen(), kT0 + absl::Hours(2));
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(b.devices()[0].last_seen, absl::ToUnixSeconds(kT0 + absl::Hours(2)));
  EXPECT_EQ(b.devices()[0].components, FeaturesOf(second).components);
  // Same /24: one network, holding the latest address.
  ASSERT_EQ(b.networks().size(), 1u);
  EXPECT_EQ(b.networks()[0].address, FeaturesOf(second).address);
  EXPECT_EQ(b.networks()[0].last_seen, absl::ToUnixSeconds(kT0 + absl::Hours(2)));
}

TEST(Baseline, CountsAccessesWithoutDeviceOrNetwork) {
  Baseline b;
  AccessAttempt bare = Attempt("", "", kT0);
  bare.signals.user_agent.clear();
  b.Learn(FeaturesOf(bare));
  bare.at = kT0 + absl::Minutes(5);
  b.Learn(FeaturesOf(bare));
  EXPECT_EQ(b.accesses(), 2u);
  EXPECT_TRUE(b.devices().empty());
  EXPECT_TRUE(b.networks().empty());
  EXPECT_EQ(b.first_seen(), kT0);
  EXPECT_EQ(b.last_seen(), kT0 + absl::Minutes(5));
}

TEST(Baseline, TracksFirstAndLastSeenWhateverTheOrder) {
  Baseline b;
  b.Learn(Features("fp", "192.0.2.1", kT0 + absl::Hours(1)));
  b.Learn(Features("fp", "192.0.2.1", kT0));
  b.Learn(Features("fp", "192.0.2.1", kT0 + absl::Hours(3)));
  b.Learn(Features("fp", "192.0.2.1", kT0 + absl::Hours(2)));
  EXPECT_EQ(b.accesses(), 4u);
  EXPECT_EQ(b.first_seen(), kT0);
  EXPECT_EQ(b.last_seen(), kT0 + absl::Hours(3));
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(b.devices()[0].last_seen, absl::ToUnixSeconds(kT0 + absl::Hours(3)));
}

TEST(Baseline, KeepsOnlyTheMostRecentlySeenDevices) {
  Baseline b;
  std::vector<uint64_t> all;
  for (int i = 0; i < 10; ++i) {
    const AccessFeatures f = Features(absl::StrCat("device-", i), "", kT0 + absl::Minutes(i));
    all.push_back(f.fingerprint);
    b.Learn(f);
  }
  EXPECT_EQ(b.accesses(), 10u);
  ASSERT_EQ(b.devices().size(), Baseline::kMaxDevices);
  std::vector<uint64_t> newest(all.end() - Baseline::kMaxDevices, all.end());
  std::sort(newest.begin(), newest.end());
  EXPECT_EQ(Fingerprints(b), newest);
}

TEST(Baseline, EvictsTheLeastRecentlySeenDeviceNotTheFirstLearned) {
  Baseline b;
  std::vector<AccessFeatures> devices;
  for (int i = 0; i <= 4; ++i) devices.push_back(Features(absl::StrCat("device-", i), ""));
  for (int i = 0; i < 4; ++i) {
    AccessFeatures f = devices[i];
    f.at = kT0 + absl::Minutes(i);
    b.Learn(f);
  }
  // Device 0 comes back, so device 1 is now the least recently seen.
  AccessFeatures again = devices[0];
  again.at = kT0 + absl::Minutes(10);
  b.Learn(again);
  AccessFeatures fresh = devices[4];
  fresh.at = kT0 + absl::Minutes(11);
  b.Learn(fresh);

  std::vector<uint64_t> expected = {devices[0].fingerprint, devices[2].fingerprint,
                                    devices[3].fingerprint, devices[4].fingerprint};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Fingerprints(b), expected);
}

TEST(Baseline, KeepsOnlyTheMostRecentlySeenNetworks) {
  Baseline b;
  std::vector<uint64_t> all;
  for (int i = 0; i < 10; ++i) {
    const AccessFeatures f =
        Features("fp", absl::StrCat("198.51.", i, ".7"), kT0 + absl::Minutes(i));
    all.push_back(f.network);
    b.Learn(f);
  }
  EXPECT_EQ(b.accesses(), 10u);
  ASSERT_EQ(b.networks().size(), Baseline::kMaxNetworks);
  std::vector<uint64_t> newest(all.end() - Baseline::kMaxNetworks, all.end());
  std::sort(newest.begin(), newest.end());
  EXPECT_EQ(Networks(b), newest);
  ASSERT_EQ(b.devices().size(), 1u);
}

TEST(Baseline, EntryLastSeenIsTheLatestAccessOfThatEntryEvenOutOfOrder) {
  // A host can mark an old access legitimate after newer ones were learned, so
  // Learn sees times out of order. A device or network must never claim to
  // have been seen at a time when it was not.
  Baseline b;
  std::map<uint64_t, int64_t> device_seen, network_seen;
  auto learn = [&](const AccessFeatures& f) {
    b.Learn(f);
    const int64_t at = absl::ToUnixSeconds(f.at);
    device_seen[f.fingerprint] = std::max(device_seen[f.fingerprint], at);
    network_seen[f.network] = std::max(network_seen[f.network], at);
  };
  for (int i = 0; i < 8; ++i) {
    learn(Features(absl::StrCat("device-", i), absl::StrCat("198.51.", i, ".7"),
                   kT0 + absl::Hours(10 + i)));
  }
  // Full on both; now an older access with a new device and a new network.
  learn(Features("late-device", "203.0.113.5", kT0 + absl::Hours(1)));

  for (const Baseline::Device& d : b.devices()) {
    EXPECT_EQ(d.last_seen, device_seen[d.fingerprint])
        << "device " << d.fingerprint << " claims last_seen " << absl::FromUnixSeconds(d.last_seen)
        << " but was last seen at " << absl::FromUnixSeconds(device_seen[d.fingerprint]);
  }
  for (const Baseline::Network& n : b.networks()) {
    EXPECT_EQ(n.last_seen, network_seen[n.network])
        << "network " << n.network << " claims last_seen " << absl::FromUnixSeconds(n.last_seen)
        << " but was last seen at " << absl::FromUnixSeconds(network_seen[n.network]);
  }
}

TEST(Baseline, AnOlderAccessDoesNotOverwriteTheLatestAddressOrComponents) {
  AccessAttempt newer = Attempt("fp", "192.0.2.200", kT0 + absl::Hours(5));
  newer.signals.language = "en-GB";
  AccessAttempt older = Attempt("fp", "192.0.2.100", kT0);
  older.signals.language = "de-DE";
  Baseline b;
  b.Learn(FeaturesOf(newer));
  b.Learn(FeaturesOf(older));  // e.g. feedback on an earlier access.

  ASSERT_EQ(b.networks().size(), 1u);
  EXPECT_EQ(b.networks()[0].address, FeaturesOf(newer).address)
      << "the network's address is documented as the last one seen";
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(b.devices()[0].components, FeaturesOf(newer).components);
  EXPECT_EQ(b.devices()[0].last_seen, absl::ToUnixSeconds(kT0 + absl::Hours(5)));
}

// ------------------------------------------------------------ Serialization

Baseline FullBaseline() {
  Baseline b;
  for (int i = 0; i < 10; ++i) {
    AccessAttempt a = Attempt(absl::StrCat("device-", i), absl::StrCat("198.51.", i, ".", 10 + i),
                              kT0 + absl::Minutes(i));
    a.signals.timezone = absl::StrCat("tz-", i);
    a.signals.platform = "Linux";
    b.Learn(FeaturesOf(a));
  }
  b.Learn(Features("v6-device", "2001:db8:7::1", kT0 + absl::Hours(1)));
  return b;
}

void ExpectCorrupt(std::string_view bytes, std::string_view what) {
  absl::StatusOr<Baseline> parsed = Baseline::Parse(bytes);
  ASSERT_FALSE(parsed.ok()) << "accepted " << what;
  EXPECT_TRUE(parsed.status().code() == absl::StatusCode::kDataLoss ||
              parsed.status().code() == absl::StatusCode::kInvalidArgument)
      << what << ": " << parsed.status();
}

TEST(Baseline, RoundTripsAnEmptyBaseline) {
  const Baseline empty;
  const std::string bytes = empty.Serialize();
  EXPECT_FALSE(bytes.empty());
  absl::StatusOr<Baseline> parsed = Baseline::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, empty);
  EXPECT_TRUE(parsed->empty());
}

TEST(Baseline, RoundTripsAFullBaseline) {
  const Baseline full = FullBaseline();
  ASSERT_EQ(full.devices().size(), Baseline::kMaxDevices);
  ASSERT_EQ(full.networks().size(), Baseline::kMaxNetworks);
  const std::string bytes = full.Serialize();
  absl::StatusOr<Baseline> parsed = Baseline::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, full);
  EXPECT_EQ(parsed->accesses(), full.accesses());
  EXPECT_EQ(parsed->first_seen(), full.first_seen());
  EXPECT_EQ(parsed->last_seen(), full.last_seen());
  EXPECT_EQ(Fingerprints(*parsed), Fingerprints(full));
  EXPECT_EQ(Networks(*parsed), Networks(full));
  EXPECT_EQ(parsed->Serialize(), bytes);
}

TEST(Baseline, RoundTripsAPartlyFilledBaseline) {
  Baseline b;
  b.Learn(Features("a", "192.0.2.1", kT0));
  b.Learn(Features("b", "2001:db8::1", kT0 + absl::Seconds(1)));
  b.Learn(Features("", "198.51.100.1", kT0 + absl::Seconds(2)));
  absl::StatusOr<Baseline> parsed = Baseline::Parse(b.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, b);
  // Two fingerprints, and the third access's browser known by its headers.
  EXPECT_EQ(parsed->devices().size(), 3u);
  EXPECT_EQ(parsed->networks().size(), 3u);
  // A learned baseline differs from the empty one, and the difference survives.
  EXPECT_NE(*parsed, Baseline());
}

TEST(Baseline, ParseRejectsEveryTruncation) {
  const std::string bytes = FullBaseline().Serialize();
  // (Zero bytes is the store's "no baseline yet" and parses as empty.)
  for (size_t n = 1; n < bytes.size(); ++n) {
    ExpectCorrupt(bytes.substr(0, n), absl::StrCat("a prefix of ", n, " bytes"));
  }
  const std::string empty_bytes = Baseline().Serialize();
  for (size_t n = 1; n < empty_bytes.size(); ++n) {
    ExpectCorrupt(empty_bytes.substr(0, n), absl::StrCat("an empty baseline's first ", n));
  }
}

TEST(Baseline, ParseRejectsAnotherVersion) {
  for (const Baseline& b : {Baseline(), FullBaseline()}) {
    const std::string bytes = b.Serialize();
    for (int version : {0, 3, 0xff}) {
      std::string mutated = bytes;
      mutated[0] = static_cast<char>(version);
      ExpectCorrupt(mutated, absl::StrCat("version ", version));
    }
  }
}

TEST(Baseline, ParseRejectsCountsOverTheLimit) {
  const std::string bytes = FullBaseline().Serialize();
  constexpr size_t kHeader = 1 + 1 + 1 + 1 + 1 + 8 + 8 + 4;
  constexpr size_t kDevice = 8 + 4 * 4 + 4 + 8 + 8 + 1;
  constexpr size_t kNetwork = 8 + 8 + 8 + 8 + 1;
  ASSERT_EQ(bytes.size(),
            kHeader + Baseline::kMaxDevices * kDevice + Baseline::kMaxNetworks * kNetwork);
  ASSERT_EQ(size_t{static_cast<uint8_t>(bytes[1])}, Baseline::kMaxDevices);
  ASSERT_EQ(size_t{static_cast<uint8_t>(bytes[2])}, Baseline::kMaxNetworks);

  // One device too many, with the bytes to match so only the count is wrong.
  std::string devices = bytes;
  devices[1] = static_cast<char>(Baseline::kMaxDevices + 1);
  devices.insert(kHeader, bytes.substr(kHeader, kDevice));
  ExpectCorrupt(devices, "kMaxDevices + 1 devices");

  std::string networks = bytes;
  networks[2] = static_cast<char>(Baseline::kMaxNetworks + 1);
  networks.insert(kHeader + Baseline::kMaxDevices * kDevice,
                  bytes.substr(kHeader + Baseline::kMaxDevices * kDevice, kNetwork));
  ExpectCorrupt(networks, "kMaxNetworks + 1 networks");

  std::string huge = bytes;
  huge[1] = static_cast<char>(0xff);
  ExpectCorrupt(huge, "255 devices");
}

TEST(Baseline, ParseRejectsTrailingBytesAsDataLoss) {
  for (const Baseline& b : {Baseline(), FullBaseline()}) {
    for (std::string_view tail : {std::string_view("\0", 1), std::string_view("x"),
                                  std::string_view("more trailing bytes")}) {
      const std::string bytes = absl::StrCat(b.Serialize(), std::string(tail));
      absl::StatusOr<Baseline> parsed = Baseline::Parse(bytes);
      ASSERT_FALSE(parsed.ok()) << "accepted " << tail.size() << " trailing bytes";
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss) << parsed.status();
    }
  }
}

TEST(Baseline, ParseRejectsCountsThatDisagreeWithTheBytes) {
  const std::string bytes = FullBaseline().Serialize();
  std::string fewer = bytes;
  fewer[1] = static_cast<char>(Baseline::kMaxDevices - 1);
  ExpectCorrupt(fewer, "one device fewer than the bytes hold");
  std::string fewer_networks = bytes;
  fewer_networks[2] = 0;
  ExpectCorrupt(fewer_networks, "no networks but network bytes");
}

TEST(Baseline, ParsesVersionOneWithItsEntriesConfirmed) {
  // Version 1 (before the use history): one device, one network, no flags.
  std::string v1;
  auto put = [&v1](uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) v1.push_back(static_cast<char>(v >> (8 * i)));
  };
  v1 += std::string("\x01\x01\x01", 3);
  put(1000, 8);  // first seen
  put(2000, 8);  // last seen
  put(3, 4);     // accesses
  put(77, 8);    // device
  for (int i = 0; i < 4; ++i) put(i + 1, 4);
  put(2000, 8);
  put(88, 8);  // network
  put(99, 8);
  put(1500, 8);
  absl::StatusOr<Baseline> parsed = Baseline::Parse(v1);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->accesses(), 3u);
  ASSERT_EQ(parsed->devices().size(), 1u);
  EXPECT_EQ(parsed->devices()[0].fingerprint, 77u);
  EXPECT_TRUE(parsed->devices()[0].confirmed);
  ASSERT_EQ(parsed->networks().size(), 1u);
  EXPECT_EQ(parsed->networks()[0].last_seen, 1500);
  EXPECT_TRUE(parsed->networks()[0].confirmed);
  EXPECT_TRUE(parsed->uses().empty());
  // Written back in the current version.
  EXPECT_EQ(Baseline::Parse(parsed->Serialize()).value(), *parsed);
}

TEST(Baseline, KeepsTheNewestUsesNewestFirst) {
  Baseline b;
  for (uint32_t i = 0; i < Baseline::kMaxUses + 5; ++i) {
    Baseline::Use u;
    u.at = 1000 + i;
    u.device = i;
    b.RecordUse(u);
  }
  ASSERT_EQ(b.uses().size(), Baseline::kMaxUses);
  EXPECT_EQ(b.uses().front().at, 1000u + Baseline::kMaxUses + 4);
  EXPECT_EQ(b.uses().back().at, 1000u + 5);
  Baseline::Use late;  // An older use slots in by time.
  late.at = 1010;
  late.device = 999;
  b.RecordUse(late);
  EXPECT_TRUE(std::is_sorted(b.uses().begin(), b.uses().end(),
                             [](const auto& x, const auto& y) { return x.at > y.at; }));
  EXPECT_EQ(Baseline::Parse(b.Serialize()).value(), b);
}

TEST(Baseline, AdmitsEachDeviceOnceUpToTheLimit) {
  Baseline b;
  EXPECT_TRUE(b.Admit(1));
  EXPECT_FALSE(b.Admit(1));
  for (uint64_t d = 2; d <= Baseline::kMaxAdmitted; ++d) EXPECT_TRUE(b.Admit(d));
  EXPECT_FALSE(b.Admit(100));
  EXPECT_EQ(b.admitted().size(), Baseline::kMaxAdmitted);
  EXPECT_EQ(Baseline::Parse(b.Serialize()).value(), b);
}

TEST(Baseline, LearnedEntriesAreProvisionalUntilSeenAgainLater) {
  Baseline b;
  b.Learn(Features("first", "192.0.2.1", kT0));
  EXPECT_FALSE(b.has_confirmed_device());
  b.Learn(Features("first", "192.0.2.1", kT0 + absl::Hours(1)));
  EXPECT_FALSE(b.has_confirmed_device()) << "an hour later is the same visit";
  b.Learn(Features("first", "192.0.2.1", kT0 + absl::Hours(7)));
  EXPECT_TRUE(b.has_confirmed_device());
  EXPECT_TRUE(b.networks()[0].confirmed);

  b.Learn(Features("second", "198.51.100.1", kT0 + absl::Hours(8)));
  b.Learn(Features("later", "198.51.101.1", kT0 + absl::Hours(10)));
  b.DropProvisionalBefore(kT0 + absl::Hours(9));
  EXPECT_EQ(b.devices().size(), 2u) << "first and later stay";
  EXPECT_EQ(b.networks().size(), 2u);
  b.Forget(Features("later", "198.51.101.1"));
  b.Learn(Features("third", "203.0.113.1", kT0 + absl::Hours(9)), /*vouched=*/true);
  b.Forget(Features("third", "203.0.113.1"));
  EXPECT_EQ(b.devices().size(), 2u) << "vouched entries are not forgotten";
  b.Learn(Features("fourth", "203.0.114.1", kT0 + absl::Hours(9)));
  b.Forget(Features("fourth", "203.0.114.1"));
  EXPECT_EQ(b.devices().size(), 2u);
  EXPECT_EQ(b.networks().size(), 2u);
}

TEST(Baseline, DropProvisionalBetweenForgetsOnlyProvisionalEntriesLearnedInTheWindow) {
  Baseline b;
  b.Learn(Features("seat", "198.51.100.1", kT0));  // The first learned access.
  b.Learn(Features("confirmed", "198.51.101.1", kT0 + absl::Hours(1)));
  b.Learn(Features("confirmed", "198.51.101.1", kT0 + absl::Hours(8)));  // Seen again 7 h later.
  b.Learn(Features("admitted", "198.51.103.1", kT0 + absl::Hours(9)));
  ASSERT_TRUE(b.Admit(Features("admitted", "198.51.103.1").device));
  b.Learn(Features("leaked", "198.51.104.1", kT0 + absl::Hours(9)));
  b.DropProvisionalBetween(kT0 + absl::Hours(7), kT0 + absl::Hours(10));
  std::vector<uint64_t> kept;
  for (const char* fp : {"seat", "confirmed", "admitted"}) {
    kept.push_back(Features(fp, "198.51.100.1").device);
  }
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(Fingerprints(b), kept) << "the seat, a confirmed device and an admitted one stay";
  EXPECT_EQ(b.networks().size(), 2u) << "the leaked and the admitted device's networks go";
  // The seat stays even inside the window.
  b.DropProvisionalBetween(kT0, kT0 + absl::Hours(10));
  ASSERT_EQ(b.devices().size(), 3u);
  EXPECT_EQ(b.devices()[0].fingerprint, Features("seat", "198.51.100.1").device);
}

TEST(Baseline, TimeDoesNotConfirmAnEntryWhileAnotherDeviceContestedTheLink) {
  Baseline b;
  b.Learn(Features("first-opener", "198.51.100.1", kT0));
  Baseline::Use other;  // Someone else, flagged but not refused, an hour later.
  other.device = Features("guest", "203.0.113.1").device;
  other.network = Features("guest", "203.0.113.1").network;
  other.at = static_cast<uint32_t>(absl::ToUnixSeconds(kT0 + absl::Hours(1)));
  other.flagged = true;
  b.RecordUse(other);
  b.Learn(Features("first-opener", "198.51.100.1", kT0 + absl::Hours(8)));
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_FALSE(b.devices()[0].confirmed) << "coming back while contested confirms nothing";
  EXPECT_FALSE(b.networks()[0].confirmed);
  // A refused use contests nothing (a blocked stranger is not a rival guest).
  Baseline c;
  c.Learn(Features("guest", "198.51.100.1", kT0));
  other.blocked = true;
  c.RecordUse(other);
  c.Learn(Features("guest", "198.51.100.1", kT0 + absl::Hours(8)));
  EXPECT_TRUE(c.devices()[0].confirmed);
}

TEST(AccessFeatures, RecognisesAnAppsEmbeddedBrowser) {
  AccessAttempt a = Attempt("fp", "198.51.100.1", kT0);
  a.signals.user_agent =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) GSA/351.0 Mobile/15E148 Safari/604.1";
  EXPECT_TRUE(FeaturesOf(a).embedded_browser);
  a.signals.user_agent = "Mozilla/5.0 (Linux; Android 10; K; wv) AppleWebKit/537.36 Chrome/156.0";
  EXPECT_TRUE(FeaturesOf(a).embedded_browser);
  a.signals.user_agent =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
  EXPECT_FALSE(FeaturesOf(a).embedded_browser);
}

TEST(Baseline, RoundTripsTheEmbeddedBrowserAndFlaggedUseMarks) {
  Baseline b;
  AccessAttempt a = Attempt("fp-app", "198.51.100.1", kT0);
  a.signals.user_agent = "Mozilla/5.0 (Linux; Android 10; K; wv) Chrome/156.0";
  b.Learn(FeaturesOf(a));
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_TRUE(b.devices()[0].embedded_browser);
  a.signals.user_agent = "Mozilla/5.0 (Linux; Android 10; K) Chrome/156.0";  // Same key.
  a.at = kT0 + absl::Hours(1);
  b.Learn(FeaturesOf(a));
  EXPECT_FALSE(b.devices()[0].embedded_browser) << "it follows the latest user agent";
  a.signals.user_agent = "Mozilla/5.0 (Linux; Android 10; K; wv) Chrome/156.0";
  a.at = kT0 + absl::Hours(2);
  b.Learn(FeaturesOf(a));
  Baseline::Use use;
  use.device = 42;
  use.at = 1000;
  use.flagged = true;
  b.RecordUse(use);
  absl::StatusOr<Baseline> parsed = Baseline::Parse(b.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, b);
  EXPECT_TRUE(parsed->devices()[0].embedded_browser);
  EXPECT_TRUE(parsed->uses()[0].flagged);
}

TEST(Baseline, ParseRejectsUnknownEntryAndUseFlags) {
  Baseline b;
  b.Learn(Features("fp", "198.51.100.1"));
  Baseline::Use use;
  use.device = 1;
  use.at = 1000;
  b.RecordUse(use);
  const std::string bytes = b.Serialize();
  // Header 25 bytes, one device of 45 (flags last), one network of 33, one use of 22.
  const size_t device_flags = 25 + 45 - 1;
  const size_t network_flags = 25 + 45 + 33 - 1;
  const size_t use_flags = 25 + 45 + 33 + 22 - 1;
  ASSERT_EQ(bytes.size(), use_flags + 1);
  for (auto [at, value] : {std::pair<size_t, char>{device_flags, 8},
                           {device_flags, 2},
                           {network_flags, 4},
                           {use_flags, 32}}) {
    std::string corrupt = bytes;
    corrupt[at] = value;
    ExpectCorrupt(corrupt, absl::StrCat("flags ", static_cast<int>(value), " at ", at));
  }
  std::string embedded = bytes;
  embedded[device_flags] = static_cast<char>(embedded[device_flags] | 4);
  EXPECT_TRUE(Baseline::Parse(embedded).ok()) << "a device may carry the embedded mark";
}

TEST(Baseline, IsSmallAndFixedSize) {
  // Learned devices and networks plus 16 uses of history and 8 admissions.
  static_assert(sizeof(Baseline) <= 1024);
  EXPECT_LE(sizeof(Baseline), 1024u);
  // A full baseline serializes to about a kilobyte at most.
  EXPECT_LE(FullBaseline().Serialize().size(), 1024u);
}

// Found by fuzz/baseline_fuzzer.cc: the wait before confirming was computed
// as at - first_seen, which overflowed (UB; in practice it wrapped negative
// and the entry stayed provisional) for times far apart.
TEST(Baseline, ConfirmsAnEntryLearnedAgainAtTimesFarApart) {
  AccessFeatures f;
  f.device = f.fingerprint = 7;
  f.at = absl::FromUnixSeconds(std::numeric_limits<int64_t>::min());
  Baseline b;
  b.Learn(f);
  f.at = absl::FromUnixSeconds(std::numeric_limits<int64_t>::max());
  b.Learn(f);
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_TRUE(b.devices()[0].confirmed);
}

}  // namespace
}  // namespace guestguard
