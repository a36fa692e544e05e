// Copyright 2026 GuestGuard authors.

#include "guestguard/token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "internal/base64.h"
#include "internal/hmac.h"

namespace guestguard {

// Readable statuses in failure messages (found by argument-dependent lookup).
[[maybe_unused]] static void PrintTo(TokenStatus status, std::ostream* os) {
  *os << TokenStatusName(status);
}

namespace {

constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 2026-01-01T00:00:00Z, plus a fraction that must not survive signing.
const absl::Time kIssued = absl::FromUnixSeconds(1767225600) + absl::Milliseconds(750);

// A deterministic secret of `size` bytes; `seed` makes different secrets.
std::string Secret(uint8_t seed, size_t size = 32) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed * 31 + i * 7 + 1);
  return s;
}

// "kid:<unpadded base64url of secret>".
std::string Entry(const std::string& kid, const std::string& secret) {
  return absl::StrCat(kid, ":", absl::WebSafeBase64Escape(secret));
}

Keyring Ring(std::string_view spec) {
  absl::StatusOr<Keyring> ring = Keyring::Parse(spec);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return ring.value_or(Keyring());
}

TokenClaims Claims() {
  TokenClaims c;
  c.event_id = "gala-2026";
  c.guest_id = "g:42";
  c.generation = 7;
  c.issued_at = kIssued;
  c.expires_at = kIssued + absl::Hours(24 * 30);
  return c;
}

std::string Sign(const Keyring& ring, const TokenClaims& claims = Claims()) {
  absl::StatusOr<std::string> token = SignToken(ring, claims);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

TokenStatus StatusOf(const Keyring& ring, std::string_view token, absl::Time now = kIssued) {
  return VerifyToken(ring, token, now).status;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Builds a token from raw payload bytes with a correct MAC under `secret`, so
// that a rejection can only come from the payload format.
std::string Forge(std::string_view payload, std::string_view secret) {
  std::string token = absl::StrCat(std::string(kTokenPrefix), internal::Base64UrlEncode(payload));
  const internal::HmacSha256Key key{std::string(secret)};
  const internal::HmacTag tag = key.Sign(token);
  absl::StrAppend(&token, ".",
                  internal::Base64UrlEncode(
                      std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size())));
  return token;
}

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

// Version-1 payload: u8 len + key id, u8 len + event id, u8 len + guest id,
// varint generation, varint issued (unix s), varint expiry (0 or delta + 1).
std::string Payload(std::string_view kid, std::string_view event, std::string_view guest,
                    uint64_t generation, uint64_t issued, uint64_t expiry) {
  std::string p;
  for (std::string_view s : {kid, event, guest}) {
    p.push_back(static_cast<char>(s.size()));
    p.append(s);
  }
  p += Varint(generation);
  p += Varint(issued);
  p += Varint(expiry);
  return p;
}

// ------------------------------------------------------------ Round trip

TEST(Token, RoundTripsEveryClaim) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);

  const TokenVerification v = VerifyToken(ring, token, kIssued + absl::Minutes(1));
  ASSERT_EQ(v.status, TokenStatus::kValid) << TokenStatusName(v.status);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.claims.event_id, "gala-2026");
  EXPECT_EQ(v.claims.guest_id, "g:42");
  EXPECT_EQ(v.claims.generation, 7u);
  EXPECT_EQ(v.claims.issued_at, absl::FromUnixSeconds(1767225600));  // To the second.
  ASSERT_TRUE(v.claims.expires_at.has_value());
  EXPECT_EQ(*v.claims.expires_at, absl::FromUnixSeconds(1767225600) + absl::Hours(24 * 30));
  EXPECT_EQ(v.claims.key_id, "k1");
  EXPECT_EQ(v.claims.key_id, ring.active_key_id());
}

TEST(Token, IsAShortUrlSafeStringWithTheVersionPrefix) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  EXPECT_EQ(token.substr(0, 4), "gg1.");
  EXPECT_LE(token.size(), kMaxTokenLength);
  EXPECT_LE(token.size(), 128u);
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    EXPECT_TRUE(ok) << "unexpected character '" << c << "' in " << token;
  }
  EXPECT_TRUE(IsWellFormedToken(token));
}

TEST(Token, RoundTripsATokenThatNeverExpires) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims claims = Claims();
  claims.expires_at = std::nullopt;
  const std::string token = Sign(ring, claims);
  const TokenVerification v = VerifyToken(ring, token, kIssued + absl::Hours(24 * 365 * 50));
  EXPECT_EQ(v.status, TokenStatus::kValid) << TokenStatusName(v.status);
  EXPECT_FALSE(v.claims.expires_at.has_value());
}

TEST(Token, RoundTripsExtremeGenerationsAndTimes) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  for (uint32_t generation : {0u, 1u, 127u, 128u, std::numeric_limits<uint32_t>::max()}) {
    for (absl::Time issued :
         {absl::UnixEpoch(), kIssued, absl::FromUnixSeconds(int64_t{1} << 34)}) {
      TokenClaims claims = Claims();
      claims.generation = generation;
      claims.issued_at = issued;
      claims.expires_at = issued + absl::Seconds(1);
      const std::string token = Sign(ring, claims);
      const TokenVerification v = VerifyToken(ring, token, issued);
      ASSERT_EQ(v.status, TokenStatus::kValid) << generation << " " << issued;
      EXPECT_EQ(v.claims.generation, generation);
      EXPECT_EQ(v.claims.issued_at, absl::FromUnixSeconds(absl::ToUnixSeconds(issued)));
    }
  }
}

TEST(Token, IgnoresTheCallersKeyIdAndSignsWithTheActiveKey) {
  const Keyring ring = Ring(absl::StrCat(Entry("k2", Secret(2)), ",", Entry("k1", Secret(1))));
  TokenClaims claims = Claims();
  claims.key_id = "k1";
  const TokenVerification v = VerifyToken(ring, Sign(ring, claims), kIssued);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.claims.key_id, "k2");
}

TEST(Token, VerifiesATokenBuiltFromTheDocumentedPayloadLayout) {
  // Pins the wire format: links already sent out must keep verifying.
  const std::string secret = Secret(1);
  const Keyring ring = Ring(Entry("k1", secret));
  const std::string forged = Forge(Payload("k1", "ev", "g1", 3, 1767225600, 3601), secret);
  const TokenVerification v = VerifyToken(ring, forged, kIssued);
  ASSERT_EQ(v.status, TokenStatus::kValid) << TokenStatusName(v.status);
  EXPECT_EQ(v.claims.event_id, "ev");
  EXPECT_EQ(v.claims.guest_id, "g1");
  EXPECT_EQ(v.claims.generation, 3u);
  EXPECT_EQ(v.claims.issued_at, absl::FromUnixSeconds(1767225600));
  EXPECT_EQ(v.claims.expires_at, absl::FromUnixSeconds(1767225600) + absl::Hours(1));

  TokenClaims claims;
  claims.event_id = "ev";
  claims.guest_id = "g1";
  claims.generation = 3;
  claims.issued_at = absl::FromUnixSeconds(1767225600);
  claims.expires_at = claims.issued_at + absl::Hours(1);
  EXPECT_EQ(Sign(ring, claims), forged);
}

TEST(Token, EveryTokenItSignsAlsoVerifies) {
  // SignToken must refuse claims that VerifyToken would call malformed.
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::vector<std::optional<absl::Time>> expiries = {
      std::nullopt, kIssued, kIssued + absl::Hours(24 * 365 * 1000), absl::InfiniteFuture()};
  const std::vector<absl::Time> issues = {absl::UnixEpoch(), kIssued, absl::InfiniteFuture()};
  for (absl::Time issued : issues) {
    for (const std::optional<absl::Time>& expires : expiries) {
      TokenClaims claims = Claims();
      claims.issued_at = issued;
      claims.expires_at = expires;
      absl::StatusOr<std::string> token = SignToken(ring, claims);
      if (!token.ok()) {
        EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument) << token.status();
        continue;
      }
      const TokenVerification v = VerifyToken(ring, *token, issued);
      EXPECT_NE(v.status, TokenStatus::kMalformed)
          << "SignToken produced a token VerifyToken calls malformed: issued_at=" << issued
          << " expires_at=" << (expires ? absl::FormatTime(*expires) : std::string("none"))
          << " token=" << *token;
    }
  }
}

// ------------------------------------------------------------ Tampering

TEST(Token, RejectsEverySingleBitFlip) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims long_claims = Claims();
  long_claims.event_id = std::string(20, 'e');
  long_claims.guest_id = std::string(22, 'g');
  for (const TokenClaims& claims : {Claims(), long_claims}) {
    const std::string token = Sign(ring, claims);
    ASSERT_EQ(StatusOf(ring, token), TokenStatus::kValid);
    for (size_t i = 0; i < token.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string mutated = token;
        mutated[i] = static_cast<char>(mutated[i] ^ (1 << bit));
        const TokenStatus status = StatusOf(ring, mutated);
        EXPECT_NE(status, TokenStatus::kValid)
            << "flip of bit " << bit << " at " << i << ": " << mutated;
      }
    }
  }
}

TEST(Token, RejectsEveryTruncationAsMalformed) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  for (size_t n = 0; n < token.size(); ++n) {
    const std::string prefix = token.substr(0, n);
    EXPECT_EQ(StatusOf(ring, prefix), TokenStatus::kMalformed) << prefix;
    EXPECT_FALSE(IsWellFormedToken(prefix)) << prefix;
  }
}

TEST(Token, RejectsAppendedJunkAsMalformed) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  const std::vector<std::string> junks = {
      "A", "x", "AAAA", ".", "=", "==", " ", "\n", std::string(1, '\0'), "%20", ".AAAA"};
  for (const std::string& junk : junks) {
    const std::string mutated = absl::StrCat(token, junk);
    EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
  }
  EXPECT_EQ(StatusOf(ring, absl::StrCat(" ", token)), TokenStatus::kMalformed);
}

TEST(Token, SaysBadSignatureUnderTheSameKeyIdWithAnotherSecret) {
  const Keyring signer = Ring(Entry("k1", Secret(1)));
  const Keyring other = Ring(Entry("k1", Secret(2)));
  const TokenVerification v = VerifyToken(other, Sign(signer), kIssued);
  EXPECT_EQ(v.status, TokenStatus::kBadSignature);
  // Unauthenticated claims are not handed out.
  EXPECT_TRUE(v.claims.event_id.empty());
  EXPECT_TRUE(v.claims.guest_id.empty());
}

TEST(Token, SaysUnknownKeyWhenTheKeyIdIsNotInTheKeyring) {
  const Keyring signer = Ring(Entry("k1", Secret(1)));
  const Keyring other = Ring(Entry("k9", Secret(1)));
  const TokenVerification v = VerifyToken(other, Sign(signer), kIssued);
  EXPECT_EQ(v.status, TokenStatus::kUnknownKey);
  EXPECT_TRUE(v.claims.event_id.empty());
  EXPECT_EQ(StatusOf(Keyring(), Sign(signer)), TokenStatus::kUnknownKey);
}

TEST(Token, VerifiesOldTokensAfterKeyRotation) {
  const std::string k1 = Entry("k1", Secret(1));
  const std::string k2 = Entry("k2", Secret(2));
  const Keyring before = Ring(k1);
  const Keyring after = Ring(absl::StrCat(k2, ",", k1));
  const Keyring retired = Ring(k2);

  const std::string old_token = Sign(before);
  const TokenVerification old_v = VerifyToken(after, old_token, kIssued);
  ASSERT_EQ(old_v.status, TokenStatus::kValid);
  EXPECT_EQ(old_v.claims.key_id, "k1");

  EXPECT_EQ(after.active_key_id(), "k2");
  EXPECT_TRUE(after.HasKey("k1"));
  const std::string new_token = Sign(after);
  const TokenVerification new_v = VerifyToken(after, new_token, kIssued);
  ASSERT_EQ(new_v.status, TokenStatus::kValid);
  EXPECT_EQ(new_v.claims.key_id, "k2");
  EXPECT_EQ(StatusOf(before, new_token), TokenStatus::kUnknownKey);

  EXPECT_EQ(StatusOf(retired, old_token), TokenStatus::kUnknownKey);
  EXPECT_EQ(StatusOf(retired, new_token), TokenStatus::kValid);
}

// ------------------------------------------------------------ Expiry

TEST(Token, ExpiresExactlyAtExpiresAtAndKeepsItsClaims) {
  const absl::Time t0 = absl::FromUnixSeconds(1767225600);
  auto clock = std::make_shared<ManualClock>(t0);
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims claims = Claims();
  claims.issued_at = clock->Now();
  claims.expires_at = t0 + absl::Hours(1);
  const std::string token = Sign(ring, claims);

  EXPECT_EQ(StatusOf(ring, token, clock->Now()), TokenStatus::kValid);
  clock->Advance(absl::Minutes(59));
  EXPECT_EQ(StatusOf(ring, token, clock->Now()), TokenStatus::kValid);
  clock->Set(t0 + absl::Hours(1) - absl::Milliseconds(1));
  EXPECT_EQ(StatusOf(ring, token, clock->Now()), TokenStatus::kValid);

  clock->Set(t0 + absl::Hours(1));
  const TokenVerification at_expiry = VerifyToken(ring, token, clock->Now());
  EXPECT_EQ(at_expiry.status, TokenStatus::kExpired);
  EXPECT_FALSE(at_expiry.ok());
  EXPECT_EQ(at_expiry.claims.event_id, "gala-2026");
  EXPECT_EQ(at_expiry.claims.guest_id, "g:42");
  EXPECT_EQ(at_expiry.claims.generation, 7u);
  EXPECT_EQ(at_expiry.claims.key_id, "k1");
  EXPECT_EQ(at_expiry.claims.expires_at, t0 + absl::Hours(1));

  for (absl::Duration later : {absl::Seconds(1), absl::Hours(1), absl::Hours(24 * 400)}) {
    clock->Set(t0 + absl::Hours(1) + later);
    EXPECT_EQ(StatusOf(ring, token, clock->Now()), TokenStatus::kExpired) << later;
  }
}

// ------------------------------------------------------------ Format checks

TEST(Token, RejectsAKibibyteOfJunkWithoutCrypto) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  std::mt19937 rng(20260101);
  std::string random_bytes(1024, '\0');
  for (char& c : random_bytes) c = static_cast<char>(rng());
  for (const std::string& junk :
       {std::string(1024, 'A'), absl::StrCat("gg1.", std::string(1020, 'A')), random_bytes,
        absl::StrCat("gg1.", std::string(500, 'A'), ".", std::string(519, 'A'))}) {
    EXPECT_EQ(StatusOf(ring, junk), TokenStatus::kMalformed) << junk.substr(0, 16);
    EXPECT_FALSE(IsWellFormedToken(junk)) << junk.substr(0, 16);
  }
}

TEST(Token, RejectsTheEmptyString) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  EXPECT_EQ(StatusOf(ring, ""), TokenStatus::kMalformed);
  EXPECT_FALSE(IsWellFormedToken(""));
  EXPECT_EQ(StatusOf(ring, "gg1."), TokenStatus::kMalformed);
  EXPECT_EQ(StatusOf(ring, "gg1.."), TokenStatus::kMalformed);
}

TEST(Token, RejectsAnotherVersionPrefix) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  for (std::string_view prefix : {"gg2.", "gg0.", "GG1.", "gg1_", "xx1."}) {
    const std::string mutated = absl::StrCat(std::string(prefix), token.substr(4));
    EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
    EXPECT_FALSE(IsWellFormedToken(mutated)) << mutated;
  }
}

TEST(Token, RejectsAPayloadContainingADot) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  for (size_t i : {size_t{4}, size_t{6}, token.size() - 45}) {
    std::string mutated = token;
    mutated[i] = '.';
    EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
    EXPECT_FALSE(IsWellFormedToken(mutated)) << mutated;
  }
}

TEST(Token, RejectsCharactersOutsideBase64Url) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  for (char bad : {'+', '/', '=', '%', ' ', '~', '\0'}) {
    for (size_t i : {size_t{5}, token.size() - 1}) {
      std::string mutated = token;
      mutated[i] = bad;
      EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
      EXPECT_FALSE(IsWellFormedToken(mutated)) << mutated;
    }
  }
}

TEST(Token, RejectsNonCanonicalBase64InTheTag) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  const std::string token = Sign(ring);
  // 32 tag bytes = 43 characters; the last carries 4 bits and 2 unused zero bits.
  const size_t last = kUrlAlphabet.find(token.back());
  ASSERT_NE(last, std::string_view::npos);
  ASSERT_EQ(last & 3, 0u);
  for (size_t unused = 1; unused < 4; ++unused) {
    std::string mutated = token;
    mutated.back() = kUrlAlphabet[last | unused];
    EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
  }
}

TEST(Token, RejectsNonCanonicalBase64InThePayload) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  bool tested = false;
  for (size_t len = 1; len <= 3; ++len) {
    TokenClaims claims = Claims();
    claims.event_id = std::string(len, 'e');
    const std::string token = Sign(ring, claims);
    const size_t dot = token.rfind('.');
    const size_t payload_chars = dot - 4;
    const size_t unused_bits = payload_chars % 4 == 2 ? 4 : payload_chars % 4 == 3 ? 2 : 0;
    if (unused_bits == 0) continue;
    const size_t v = kUrlAlphabet.find(token[dot - 1]);
    ASSERT_EQ(v & ((1u << unused_bits) - 1), 0u);
    std::string mutated = token;
    mutated[dot - 1] = kUrlAlphabet[v | 1];
    EXPECT_EQ(StatusOf(ring, mutated), TokenStatus::kMalformed) << mutated;
    tested = true;
  }
  EXPECT_TRUE(tested);
}

TEST(Token, RejectsAuthenticPayloadsThatBreakTheFormat) {
  const std::string secret = Secret(1);
  const Keyring ring = Ring(Entry("k1", secret));
  const std::string good = Payload("k1", "ev", "g1", 1, 1767225600, 0);
  ASSERT_EQ(StatusOf(ring, Forge(good, secret)), TokenStatus::kValid);

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"trailing byte", good + "x"},
      {"missing expiry", good.substr(0, good.size() - 1)},
      {"empty key id", Payload("", "ev", "g1", 1, 1767225600, 0)},
      {"empty event id", Payload("k1", "", "g1", 1, 1767225600, 0)},
      {"event id with '/'", Payload("k1", "e/v", "g1", 1, 1767225600, 0)},
      {"guest id with space", Payload("k1", "ev", "g 1", 1, 1767225600, 0)},
      {"generation over 32 bits", Payload("k1", "ev", "g1", uint64_t{1} << 32, 1767225600, 0)},
      {"string length past the end", std::string("\x40k1", 3) + good.substr(3)},
  };
  for (const auto& [name, payload] : cases) {
    EXPECT_EQ(StatusOf(ring, Forge(payload, secret)), TokenStatus::kMalformed) << name;
  }
}

// ------------------------------------------------------------ SignToken errors

TEST(SignToken, RejectsInvalidIds) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("a b"),
                                 std::string("a/b"), std::string("é"), std::string("a\nb")}) {
    for (bool as_event : {true, false}) {
      TokenClaims claims = Claims();
      (as_event ? claims.event_id : claims.guest_id) = bad;
      absl::StatusOr<std::string> token = SignToken(ring, claims);
      ASSERT_FALSE(token.ok()) << "signed id \"" << bad << "\"";
      EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument) << token.status();
    }
  }
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
  EXPECT_TRUE(IsValidId(std::string(64, 'a')));
  EXPECT_TRUE(IsValidId("Ab0._:-"));
}

TEST(SignToken, RejectsAnExpiryBeforeTheIssueTime) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims claims = Claims();
  claims.expires_at = claims.issued_at - absl::Seconds(1);
  absl::StatusOr<std::string> token = SignToken(ring, claims);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  claims.expires_at = claims.issued_at - absl::Hours(24);
  EXPECT_EQ(SignToken(ring, claims).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignToken, RejectsAnIssueTimeBefore1970) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims claims = Claims();
  claims.issued_at = absl::UnixEpoch() - absl::Seconds(1);
  claims.expires_at = std::nullopt;
  EXPECT_EQ(SignToken(ring, claims).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignToken, RejectsIdsThatWouldMakeTheTokenLongerThan128) {
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  TokenClaims claims = Claims();
  claims.event_id = std::string(40, 'e');
  claims.guest_id = std::string(40, 'g');
  absl::StatusOr<std::string> token = SignToken(ring, claims);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(std::string(token.status().message()), "128")) << token.status();
}

TEST(SignToken, UsesTheWholeLengthBudgetUpTo128) {
  // Grow the guest id until signing fails: the last token that fits must be
  // close to 128 characters (the limit is not overly conservative) and valid.
  const Keyring ring = Ring(Entry("k1", Secret(1)));
  for (bool with_expiry : {false, true}) {
    TokenClaims claims = Claims();
    claims.event_id = "e";
    if (!with_expiry) claims.expires_at = std::nullopt;
    std::string longest;
    for (size_t n = 1; n <= kMaxIdLength; ++n) {
      claims.guest_id = std::string(n, 'g');
      absl::StatusOr<std::string> token = SignToken(ring, claims);
      if (!token.ok()) {
        EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_TRUE(Contains(std::string(token.status().message()), "128")) << token.status();
        break;
      }
      longest = *token;
    }
    EXPECT_LE(longest.size(), 128u);
    EXPECT_GE(longest.size(), 126u);
    EXPECT_EQ(StatusOf(ring, longest), TokenStatus::kValid) << longest;
  }
}

TEST(SignToken, FailsOnAnEmptyKeyring) {
  absl::StatusOr<std::string> token = SignToken(Keyring(), Claims());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Token, NamesEveryStatusOnTheWire) {
  EXPECT_EQ(TokenStatusName(TokenStatus::kValid), "valid");
  EXPECT_EQ(TokenStatusName(TokenStatus::kMalformed), "malformed");
  EXPECT_EQ(TokenStatusName(TokenStatus::kUnknownKey), "unknown_key");
  EXPECT_EQ(TokenStatusName(TokenStatus::kBadSignature), "bad_signature");
  EXPECT_EQ(TokenStatusName(TokenStatus::kExpired), "expired");
  EXPECT_EQ(TokenStatusName(TokenStatus::kRevoked), "revoked");
}

// ------------------------------------------------------------ Keyring

// A 32-byte secret whose standard base64 contains '+' and '/' (and so differs
// from its URL-safe form).
std::string AlphabetSensitiveSecret() {
  std::string s = Secret(9);
  for (int i = 0; i < 3; ++i) s.replace(i * 3, 3, "\xfb\xff\xbf");
  return s;
}

TEST(Keyring, ParsesStandardAndUrlSafeBase64WithOrWithoutPadding) {
  const std::string secret = AlphabetSensitiveSecret();
  const std::string standard = absl::Base64Escape(secret);
  ASSERT_NE(standard.find('+'), std::string::npos);
  ASSERT_NE(standard.find('/'), std::string::npos);
  ASSERT_EQ(standard.back(), '=');
  std::string standard_unpadded = standard;
  while (standard_unpadded.back() == '=') standard_unpadded.pop_back();
  const std::string url = absl::WebSafeBase64Escape(secret);
  const std::string url_padded = url + "=";

  // The reference: the raw bytes, given directly.
  absl::StatusOr<Keyring> reference = Keyring::FromKeys({{"k1", secret}});
  ASSERT_TRUE(reference.ok()) << reference.status();

  for (const std::string& text : {standard, standard_unpadded, url, url_padded}) {
    absl::StatusOr<Keyring> ring = Keyring::Parse(absl::StrCat("k1:", text));
    ASSERT_TRUE(ring.ok()) << text << ": " << ring.status();
    EXPECT_EQ(ring->size(), 1u);
    EXPECT_EQ(ring->active_key_id(), "k1");
    // Same bytes as the reference, in both directions.
    EXPECT_EQ(StatusOf(*reference, Sign(*ring)), TokenStatus::kValid) << text;
    EXPECT_EQ(StatusOf(*ring, Sign(*reference)), TokenStatus::kValid) << text;
  }
}

TEST(Keyring, IgnoresSpacesAroundEntriesAndMakesTheFirstActive) {
  absl::StatusOr<Keyring> ring = Keyring::Parse(
      absl::StrCat("  ", Entry("k2", Secret(2)), " ,\t", Entry("k1", Secret(1)), "  "));
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_EQ(ring->active_key_id(), "k2");
  EXPECT_TRUE(ring->HasKey("k1"));
  EXPECT_TRUE(ring->HasKey("k2"));
  EXPECT_FALSE(ring->HasKey("k3"));
  EXPECT_FALSE(ring->HasKey(""));
  // The spaces did not leak into the secrets.
  absl::StatusOr<Keyring> k1_only = Keyring::FromKeys({{"k1", Secret(1)}});
  absl::StatusOr<Keyring> k2_only = Keyring::FromKeys({{"k2", Secret(2)}});
  ASSERT_TRUE(k1_only.ok() && k2_only.ok());
  EXPECT_EQ(StatusOf(*ring, Sign(*k1_only)), TokenStatus::kValid);
  EXPECT_EQ(StatusOf(*k2_only, Sign(*ring)), TokenStatus::kValid);
}

// Expects Keyring::Parse(spec) to fail with InvalidArgument mentioning
// `reason` and not revealing `secret_text`.
void ExpectParseRejected(std::string_view spec, std::string_view reason,
                         std::string_view secret_text) {
  absl::StatusOr<Keyring> ring = Keyring::Parse(spec);
  ASSERT_FALSE(ring.ok()) << "accepted \"" << spec << "\"";
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kInvalidArgument) << ring.status();
  const std::string message(ring.status().message());
  EXPECT_TRUE(Contains(message, reason))
      << "message for \"" << spec << "\" is \"" << message << "\"; expected \"" << reason << "\"";
  if (!secret_text.empty()) {
    EXPECT_FALSE(Contains(message, secret_text)) << "leaks the secret: " << message;
    EXPECT_FALSE(Contains(message, secret_text.substr(0, 8))) << "leaks the secret: " << message;
  }
}

TEST(Keyring, RejectsBadSpecsWithAReasonButNeverTheSecret) {
  const std::string good = absl::WebSafeBase64Escape(Secret(1));
  const std::string other = absl::WebSafeBase64Escape(Secret(2));
  const std::string short_key = absl::WebSafeBase64Escape(Secret(3, 16));
  const std::string almost = absl::WebSafeBase64Escape(Secret(4, 31));

  ExpectParseRejected("", "empty", "");
  ExpectParseRejected("   ", "empty", "");
  ExpectParseRejected(absl::StrCat("k1", good), "':'", good);
  ExpectParseRejected(absl::StrCat("k1:", good, ",k2", other), "':'", other);
  ExpectParseRejected(absl::StrCat("k1:", good, ","), "':'", good);
  ExpectParseRejected(absl::StrCat("bad id!:", good), "key id", good);
  ExpectParseRejected(absl::StrCat(":", good), "key id", good);
  ExpectParseRejected(absl::StrCat(std::string(17, 'k'), ":", good), "key id", good);
  ExpectParseRejected(absl::StrCat("k1:", good, ",bad/id:", other), "#2", other);
  ExpectParseRejected("k1:not*base64!not*base64!not*base64!not*base64!", "base64", "not*base64!");
  ExpectParseRejected(absl::StrCat("k1:", good.substr(0, 41), "$"), "base64", good.substr(0, 41));
  ExpectParseRejected(absl::StrCat("k1:", short_key), "at least 32", short_key);
  ExpectParseRejected(absl::StrCat("k1:", almost), "at least 32", almost);
  ExpectParseRejected("k1:", "at least 32", "");
  ExpectParseRejected(absl::StrCat("k1:", good, ",k1:", other), "duplicate", other);
  ExpectParseRejected(absl::StrCat("k1:", good, ",k1:", other), "duplicate", good);
}

TEST(Keyring, FromKeysRejectsBadKeySets) {
  EXPECT_EQ(Keyring::FromKeys({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Keyring::FromKeys({{"k1", Secret(1, 31)}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Keyring::FromKeys({{"k 1", Secret(1)}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Keyring::FromKeys({{"k1", Secret(1)}, {"k1", Secret(2)}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Keyring::FromKeys({{std::string(16, 'k'), Secret(1, 64)}}).ok());
}

TEST(Keyring, EmptyKeyringHasNoKeys) {
  const Keyring ring;
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.active_key_id(), "");
  EXPECT_FALSE(ring.HasKey("k1"));
  EXPECT_EQ(ring.ToSpec(), "");
}

TEST(Keyring, GenerateGivesAWorkingOneKeyRing) {
  absl::StatusOr<Keyring> ring = Keyring::Generate();
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->size(), 1u);
  EXPECT_EQ(ring->active_key_id(), "k1");
  const std::string token = Sign(*ring);
  EXPECT_EQ(StatusOf(*ring, token), TokenStatus::kValid);

  absl::StatusOr<Keyring> named = Keyring::Generate("dev");
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->active_key_id(), "dev");

  // Fresh randomness each time: another generated "k1" does not share the secret.
  absl::StatusOr<Keyring> again = Keyring::Generate();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(StatusOf(*again, token), TokenStatus::kBadSignature);
  EXPECT_NE(ring->ToSpec(), again->ToSpec());

  EXPECT_EQ(Keyring::Generate("bad id").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Keyring, ToSpecRoundTripsThroughParse) {
  absl::StatusOr<Keyring> generated = Keyring::Generate("k1");
  ASSERT_TRUE(generated.ok());
  const std::string spec = generated->ToSpec();
  EXPECT_EQ(spec.substr(0, 3), "k1:");
  absl::StatusOr<Keyring> parsed = Keyring::Parse(spec);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->ToSpec(), spec);
  EXPECT_EQ(StatusOf(*parsed, Sign(*generated)), TokenStatus::kValid);
  EXPECT_EQ(StatusOf(*generated, Sign(*parsed)), TokenStatus::kValid);

  // Several keys keep their order (the active key stays first).
  const Keyring multi = Ring(absl::StrCat(Entry("k3", Secret(3)), ",", Entry("k1", Secret(1)), ",",
                                          Entry("k2", Secret(2))));
  const Keyring reparsed = Ring(multi.ToSpec());
  EXPECT_EQ(reparsed.size(), 3u);
  EXPECT_EQ(reparsed.active_key_id(), "k3");
  EXPECT_EQ(reparsed.ToSpec(), multi.ToSpec());
  EXPECT_EQ(StatusOf(reparsed, Sign(multi)), TokenStatus::kValid);
  EXPECT_EQ(StatusOf(reparsed, Sign(Ring(Entry("k2", Secret(2))))), TokenStatus::kValid);
}

// ------------------------------------------------------------ HMAC

std::string OpenSslHmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &out_len);
  EXPECT_NE(result, nullptr);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string OurHmac(std::string_view key, std::string_view data) {
  const internal::HmacSha256Key k{std::string(key)};
  const internal::HmacTag tag = k.Sign(data);
  return std::string(reinterpret_cast<const char*>(tag.data()), tag.size());
}

TEST(Hmac, MatchesRfc4231TestCases) {
  // Test case 2.
  EXPECT_EQ(absl::BytesToHexString(OurHmac("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(OurHmac("Jefe", "what do ya want for nothing?"),
            OpenSslHmac("Jefe", "what do ya want for nothing?"));
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(
      absl::BytesToHexString(OurHmac(std::string(131, '\xaa'),
                                     "Test Using Larger Than Block-Size Key - Hash Key First")),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hmac, MatchesOpenSslForRandomKeysAndMessages) {
  std::mt19937 rng(4231);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<size_t> message_length(0, 300);
  // Key lengths 1..200 in turn: short, exactly one block (64), and hashed (> 64).
  for (size_t key_length = 1; key_length <= 200; ++key_length) {
    std::string key(key_length, '\0');
    for (char& c : key) c = static_cast<char>(byte(rng));
    std::string message(message_length(rng), '\0');
    for (char& c : message) c = static_cast<char>(byte(rng));
    ASSERT_EQ(absl::BytesToHexString(OurHmac(key, message)),
              absl::BytesToHexString(OpenSslHmac(key, message)))
        << "key length " << key_length << ", message length " << message.size();
  }
}

TEST(Hmac, OneKeySignsManyMessagesIndependently) {
  // The precomputed midstates must not be consumed by a signature.
  const std::string key = Secret(5);
  const internal::HmacSha256Key k{key};
  const internal::HmacTag first = k.Sign("first");
  (void)k.Sign(std::string(1000, 'x'));
  EXPECT_EQ(k.Sign("first"), first);
  const std::string expected = OpenSslHmac(key, "first");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(first.data()), first.size()), expected);
}

TEST(Hmac, TagsEqualComparesEveryByte) {
  uint8_t a[32], b[32];
  for (int i = 0; i < 32; ++i) a[i] = b[i] = static_cast<uint8_t>(i * 13);
  EXPECT_TRUE(internal::TagsEqual(a, b, 32));
  for (int i = 0; i < 32; ++i) {
    b[i] ^= 0x01;
    EXPECT_FALSE(internal::TagsEqual(a, b, 32)) << i;
    b[i] ^= 0x01;
  }
}

}  // namespace
}  // namespace guestguard
