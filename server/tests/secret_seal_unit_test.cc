// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/secret_seal.h.
#include <sodium.h>

#include <string>

#include "gtest/gtest.h"
#include "guestguard/token.h"
#include "server/secret_seal.h"

namespace guestguard::server {
namespace {

Keyring MustParse(const std::string& spec) {
  absl::StatusOr<Keyring> k = Keyring::Parse(spec);
  EXPECT_TRUE(k.ok()) << k.status();
  return *k;
}

class SecretSeal : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(SecretSeal, RoundTripsAndHidesTheSecret) {
  SecretSealer sealer(*Keyring::Generate("k1"));
  const std::string link = "https://rsvp.example.com/invites/s3cr3t-t0ken";
  const std::string sealed = sealer.Seal(link);
  EXPECT_EQ(sealed.rfind("gs1.k1.", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find("s3cr3t"), std::string::npos);
  EXPECT_NE(sealer.Seal(link), sealed);  // A fresh nonce each time.
  absl::StatusOr<std::string> opened = sealer.Open(sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, link);
}

TEST_F(SecretSeal, TamperingIsDataLossAndGarbageIsInvalid) {
  SecretSealer sealer(*Keyring::Generate("k1"));
  std::string sealed = sealer.Seal("secret");
  sealed[sealed.size() - 3] = sealed[sealed.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(absl::IsDataLoss(sealer.Open(sealed).status()));
  for (const char* bad : {"", "gs1", "gs1.k1", "gs2.k1.AAAA", "gs1.k1.!!!", "gs1.k1.AAAA"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(sealer.Open(bad).status())) << bad;
  }
  EXPECT_TRUE(absl::IsInvalidArgument(sealer.Open(std::string(70000, 'a')).status()));
}

TEST_F(SecretSeal, OpensWhileTheKeyStaysInTheKeyringOnly) {
  const Keyring old_ring = *Keyring::Generate("k1");
  const std::string sealed = SecretSealer(old_ring).Seal("invite link");
  const std::string next_key = Keyring::Generate("k2")->ToSpec();
  // Rotated: k2 active, k1 kept for verification → still opens.
  SecretSealer rotated(MustParse(next_key + "," + old_ring.ToSpec()));
  EXPECT_EQ(rotated.Open(sealed).value_or(""), "invite link");
  EXPECT_EQ(rotated.Seal("x").rfind("gs1.k2.", 0), 0u);
  // k1 retired → NotFound; another k1 (different bytes) → authentication fails.
  EXPECT_TRUE(absl::IsNotFound(SecretSealer(MustParse(next_key)).Open(sealed).status()));
  EXPECT_TRUE(absl::IsDataLoss(SecretSealer(*Keyring::Generate("k1")).Open(sealed).status()));
}

}  // namespace
}  // namespace guestguard::server
