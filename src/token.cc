// Copyright 2026 GuestGuard authors.
#include "guestguard/token.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "internal/base64.h"
#include "internal/hmac.h"

namespace guestguard {
namespace internal {

// The keys of a Keyring; index 0 is active. Immutable once built.
class KeyringState {
 public:
  struct Entry {
    std::string id;
    std::unique_ptr<HmacSha256Key> key;
  };
  std::vector<Entry> entries;

  const HmacSha256Key* Find(std::string_view id) const {
    for (const Entry& e : entries) {
      if (e.id == id) return e.key.get();
    }
    return nullptr;
  }
};

}  // namespace internal

namespace {

using internal::HmacTag;
using internal::kHmacSha256Size;

// Payload layout (version 1, after the "gg1." prefix):
//   u8 len, key id | u8 len, event id | u8 len, guest id |
//   varint generation | varint issued_at (unix s) | varint expiry (0: none,
//   else expires_at - issued_at + 1 seconds)
constexpr size_t kTagChars = 43;  // base64url of 32 bytes.
// Prefix, payload, '.', tag within kMaxTokenLength.
constexpr size_t kMaxPayloadChars = kMaxTokenLength - kTokenPrefix.size() - 1 - kTagChars;
constexpr size_t kMaxPayloadBytes = kMaxPayloadChars / 4 * 3 + 2;
// Times in a token are below 2^40 seconds (about year 36812).
constexpr int64_t kMaxTokenSeconds = int64_t{1} << 40;
// Smallest payload: three 1-byte strings and three 1-byte varints.
constexpr size_t kMinPayloadBytes = 9;

constexpr bool IsKeyIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsValidKeyId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxKeyIdLength &&
         std::all_of(id.begin(), id.end(), IsKeyIdChar);
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads from a byte range; every getter fails (returns false) past the end.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  bool String(std::string_view& out) {
    if (p_ == end_) return false;
    const size_t n = *p_++;
    if (n == 0 || static_cast<size_t>(end_ - p_) < n) return false;
    out = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }
  bool Varint(uint64_t& out, int max_bytes) {
    out = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (p_ == end_) return false;
      const uint8_t b = *p_++;
      out |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool AtEnd() const { return p_ == end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace

bool IsValidId(std::string_view id) {
  static constexpr auto kIdChars = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) {
      table[c] = IsKeyIdChar(static_cast<char>(c)) || c == '.' || c == ':';
    }
    return table;
  }();
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    if (!kIdChars[static_cast<uint8_t>(c)]) return false;
  }
  return true;
}

std::string_view TokenStatusName(TokenStatus status) {
  switch (status) {
    case TokenStatus::kValid:
      return "valid";
    case TokenStatus::kMalformed:
      return "malformed";
    case TokenStatus::kUnknownKey:
      return "unknown_key";
    case TokenStatus::kBadSignature:
      return "bad_signature";
    case TokenStatus::kExpired:
      return "expired";
    case TokenStatus::kRevoked:
      return "revoked";
  }
  return "malformed";
}

// ---- Keyring ----------------------------------------------------------------

Keyring::Keyring(std::shared_ptr<const internal::KeyringState> state) : state_(std::move(state)) {}

absl::StatusOr<Keyring> Keyring::FromKeys(std::vector<SigningKey> keys) {
  if (keys.empty()) return absl::InvalidArgumentError("keyring: no keys given");
  auto state = std::make_shared<internal::KeyringState>();
  for (size_t i = 0; i < keys.size(); ++i) {
    SigningKey& k = keys[i];
    if (!IsValidKeyId(k.id)) {
      return absl::InvalidArgumentError(absl::StrCat("keyring: key #", i + 1, ": key id must be 1-",
                                                     kMaxKeyIdLength,
                                                     " characters of [A-Za-z0-9_-]"));
    }
    if (state->Find(k.id) != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("keyring: duplicate key id '", k.id, "'"));
    }
    if (k.secret.size() < kMinKeyBytes) {
      return absl::InvalidArgumentError(absl::StrCat("keyring: key '", k.id, "' is ",
                                                     k.secret.size(), " bytes; at least ",
                                                     kMinKeyBytes, " random bytes are required"));
    }
    state->entries.push_back(
        {k.id, std::make_unique<internal::HmacSha256Key>(std::move(k.secret))});
  }
  return Keyring(std::move(state));
}

absl::StatusOr<Keyring> Keyring::Parse(std::string_view spec) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  if (trim(spec).empty()) {
    return absl::InvalidArgumentError(
        "keyring: empty; expected \"kid1:BASE64KEY[,kid2:BASE64KEY...]\" (first is active)");
  }
  std::vector<SigningKey> keys;
  size_t index = 0;
  while (true) {
    ++index;
    const size_t comma = spec.find(',');
    std::string_view entry = trim(spec.substr(0, comma));
    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("keyring: entry #", index, " has no ':'; expected \"kid:BASE64KEY\""));
    }
    std::string_view id = entry.substr(0, colon);
    if (!IsValidKeyId(id)) {
      return absl::InvalidArgumentError(absl::StrCat("keyring: entry #", index,
                                                     ": key id must be 1-", kMaxKeyIdLength,
                                                     " characters of [A-Za-z0-9_-]"));
    }
    std::optional<std::string> secret = internal::Base64DecodeLenient(entry.substr(colon + 1));
    if (!secret) {
      return absl::InvalidArgumentError(
          absl::StrCat("keyring: key '", std::string(id), "' is not valid base64"));
    }
    keys.push_back({std::string(id), std::move(*secret)});
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return FromKeys(std::move(keys));
}

absl::StatusOr<Keyring> Keyring::Generate(std::string_view key_id) {
  std::string secret(kMinKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1) {
    return absl::InternalError("keyring: the system random generator failed");
  }
  std::vector<SigningKey> keys;
  keys.push_back({std::string(key_id), std::move(secret)});
  return FromKeys(std::move(keys));
}

std::string Keyring::ToSpec() const {
  std::string out;
  if (!state_) return out;
  for (const auto& e : state_->entries) {
    if (!out.empty()) out.push_back(',');
    absl::StrAppend(&out, e.id, ":", internal::Base64UrlEncode(e.key->secret()));
  }
  return out;
}

std::string_view Keyring::active_key_id() const {
  return state_ ? std::string_view(state_->entries.front().id) : std::string_view();
}
bool Keyring::HasKey(std::string_view key_id) const {
  return state_ && state_->Find(key_id) != nullptr;
}
size_t Keyring::size() const { return state_ ? state_->entries.size() : 0; }

// ---- Sign / verify ------------------------------------------------------------

absl::StatusOr<std::string> SignToken(const Keyring& keyring, const TokenClaims& claims) {
  if (!keyring.state_) return absl::FailedPreconditionError("token: the keyring is empty");
  if (!IsValidId(claims.event_id) || !IsValidId(claims.guest_id)) {
    return absl::InvalidArgumentError(absl::StrCat("token: event and guest ids must be 1-",
                                                   kMaxIdLength, " characters of [A-Za-z0-9._:-]"));
  }
  const int64_t issued = absl::ToUnixSeconds(claims.issued_at);
  if (issued < 0 || issued >= kMaxTokenSeconds) {
    return absl::InvalidArgumentError("token: issued_at must be a finite time after 1970");
  }
  uint64_t expiry = 0;
  if (claims.expires_at) {
    const int64_t expires = absl::ToUnixSeconds(*claims.expires_at);
    if (expires < issued)
      return absl::InvalidArgumentError("token: expires_at is before issued_at");
    if (expires - issued >= kMaxTokenSeconds - 1) {
      return absl::InvalidArgumentError(
          "token: expires_at is too far away; use no expiry (nullopt) for a link that never "
          "expires");
    }
    expiry = static_cast<uint64_t>(expires - issued) + 1;
  }
  const auto& active = keyring.state_->entries.front();

  std::string payload;
  payload.reserve(kMaxPayloadBytes);
  for (std::string_view s : {std::string_view(active.id), std::string_view(claims.event_id),
                             std::string_view(claims.guest_id)}) {
    payload.push_back(static_cast<char>(s.size()));
    payload.append(s);
  }
  PutVarint(payload, claims.generation);
  PutVarint(payload, static_cast<uint64_t>(issued));
  PutVarint(payload, expiry);

  std::string token = absl::StrCat(std::string(kTokenPrefix), internal::Base64UrlEncode(payload));
  if (token.size() + 1 + kTagChars > kMaxTokenLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "token: would be ", token.size() + 1 + kTagChars, " characters, over the limit of ",
        kMaxTokenLength, "; use shorter event/guest/key ids"));
  }
  const HmacTag tag = active.key->Sign(token);
  token.push_back('.');
  token.append(internal::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size())));
  return token;
}

namespace {

// The structural part of the format check: length, prefix, one tag of the right
// size. Sets the payload and tag parts. Charset is checked by the decoder.
bool SplitToken(std::string_view token, std::string_view& payload, std::string_view& tag) {
  if (token.size() > kMaxTokenLength || token.size() < kTokenPrefix.size() + 1 + kTagChars) {
    return false;
  }
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return false;
  const size_t dot = token.size() - kTagChars - 1;
  if (token[dot] != '.') return false;
  payload = token.substr(kTokenPrefix.size(), dot - kTokenPrefix.size());
  tag = token.substr(dot + 1);
  return payload.size() >= internal::Base64UrlEncodedLength(kMinPayloadBytes) &&
         payload.size() <= kMaxPayloadChars && payload.size() % 4 != 1;
}

}  // namespace

bool IsWellFormedToken(std::string_view token) {
  std::string_view payload, tag;
  if (!SplitToken(token, payload, tag)) return false;
  // Only base64url in both parts (this also rules out a second '.').
  return std::all_of(payload.begin(), payload.end(), internal::IsBase64UrlChar) &&
         std::all_of(tag.begin(), tag.end(), internal::IsBase64UrlChar);
}

TokenVerification VerifyToken(const Keyring& keyring, std::string_view token, absl::Time now) {
  TokenVerification result;  // kMalformed
  // Format first: structure, then charset and canonical base64 while decoding.
  std::string_view payload_text, tag_text;
  if (!SplitToken(token, payload_text, tag_text)) return result;
  const std::string_view signed_part = token.substr(0, token.size() - kTagChars - 1);
  uint8_t payload[kMaxPayloadBytes];
  auto payload_len = internal::Base64UrlDecode(payload_text, payload, sizeof(payload));
  uint8_t tag[kHmacSha256Size];
  auto tag_len = internal::Base64UrlDecode(tag_text, tag, sizeof(tag));
  if (!payload_len || !tag_len || *tag_len != kHmacSha256Size) return result;

  Reader reader(payload, *payload_len);
  std::string_view key_id, event_id, guest_id;
  uint64_t generation, issued, expiry;
  if (!reader.String(key_id) || !reader.String(event_id) || !reader.String(guest_id) ||
      !reader.Varint(generation, 5) || !reader.Varint(issued, 10) || !reader.Varint(expiry, 10) ||
      !reader.AtEnd() || generation > UINT32_MAX || !IsValidKeyId(key_id) || !IsValidId(event_id) ||
      !IsValidId(guest_id) || issued >= kMaxTokenSeconds || expiry >= kMaxTokenSeconds) {
    return result;
  }

  const internal::HmacSha256Key* key = keyring.state_ ? keyring.state_->Find(key_id) : nullptr;
  if (key == nullptr) {
    result.status = TokenStatus::kUnknownKey;
    return result;
  }
  const HmacTag expected = key->Sign(signed_part);
  if (!internal::TagsEqual(expected.data(), tag, kHmacSha256Size)) {
    result.status = TokenStatus::kBadSignature;
    return result;
  }

  TokenClaims& c = result.claims;
  c.key_id.assign(key_id);
  c.event_id.assign(event_id);
  c.guest_id.assign(guest_id);
  c.generation = static_cast<uint32_t>(generation);
  c.issued_at = absl::FromUnixSeconds(static_cast<int64_t>(issued));
  if (expiry != 0) {
    c.expires_at = c.issued_at + absl::Seconds(static_cast<int64_t>(expiry - 1));
  }
  result.status =
      (c.expires_at && now >= *c.expires_at) ? TokenStatus::kExpired : TokenStatus::kValid;
  return result;
}

}  // namespace guestguard
