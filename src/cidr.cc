// Copyright 2026 GuestGuard authors.

#include "guestguard/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace guestguard {
namespace {

using U128 = unsigned __int128;

constexpr size_t kMaxQuotedLength = 64;
// Longest IPv6 text inet_pton accepts: 8 groups of 4 hex digits and 7
// colons, or 6 groups plus a dotted quad (INET6_ADDRSTRLEN - 1).
constexpr size_t kMaxV6Length = 45;
// Longest CIDR text: the longest address, '/', and a 3-digit prefix.
constexpr size_t kMaxCidrLength = kMaxV6Length + 4;

constexpr int MaxPrefix(IpAddress::Family family) {
  return family == IpAddress::Family::kV4 ? 32 : 128;
}

constexpr const char* FamilyName(IpAddress::Family family) {
  return family == IpAddress::Family::kV4 ? "IPv4" : "IPv6";
}

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view TrimAsciiWhitespace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// `s` in double quotes, C-escaped, cut to kMaxQuotedLength bytes ("..." marks
// the cut). Safe to put any client-supplied text into an error message.
std::string Quote(std::string_view s) {
  const bool cut = s.size() > kMaxQuotedLength;
  if (cut) s = s.substr(0, kMaxQuotedLength);
  return absl::StrCat("\"", absl::CHexEscape(ToAbsl(s)), cut ? "...\"" : "\"");
}

// One character for an error message: 'x', or its escape when unprintable.
std::string QuoteChar(char c) {
  return absl::StrCat("'", absl::CHexEscape(absl::string_view(&c, 1)), "'");
}

// Strict dotted quad: exactly 4 decimal parts 0-255, no leading zeros, no
// signs, nothing else. Returns the address in host order, or sets `*why`.
std::optional<uint32_t> ParseV4(std::string_view s, std::string* why) {
  // Characters first, so "1.2.3.4 junk" is reported as trailing junk rather
  // than as a bad fourth part.
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c) || c == '.') continue;
    std::string ignored;
    if (i > 0 && ParseV4(s.substr(0, i), &ignored).has_value()) {
      *why =
          absl::StrCat("unexpected trailing characters ", Quote(s.substr(i)), " after the address");
    } else if (c == '-' || c == '+') {
      *why = absl::StrCat("sign ", QuoteChar(c), " at offset ", i,
                          "; an IPv4 address is 4 decimal numbers 0-255 separated by dots");
    } else {
      *why = absl::StrCat("unexpected character ", QuoteChar(c), " at offset ", i,
                          "; an IPv4 address is 4 decimal numbers 0-255 separated by dots");
    }
    return std::nullopt;
  }
  const size_t parts = static_cast<size_t>(std::count(s.begin(), s.end(), '.')) + 1;
  if (parts != 4) {
    *why = absl::StrCat("expected 4 dot-separated parts, found ", parts);
    return std::nullopt;
  }
  uint32_t value = 0;
  int index = 0;
  while (true) {
    ++index;
    const size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    if (part.empty()) {
      *why = absl::StrCat("part ", index, " is empty");
      return std::nullopt;
    }
    if (part.size() > 1 && part[0] == '0') {
      *why = absl::StrCat("part ", index, " ", Quote(part),
                          " has a leading zero (ambiguous: octal or decimal?)");
      return std::nullopt;
    }
    uint32_t octet = 0;
    for (char c : part.substr(0, 4)) octet = octet * 10 + static_cast<uint32_t>(c - '0');
    if (part.size() > 3 || octet > 255) {
      *why = absl::StrCat("part ", index, " ", Quote(part), " is out of range 0-255");
      return std::nullopt;
    }
    value = (value << 8) | octet;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return value;
}

// IPv6 text as inet_pton(AF_INET6) accepts it, after rejecting zone ids,
// brackets, ports and anything outside [0-9A-Fa-f:.]. Sets `*why` on failure.
std::optional<std::array<uint8_t, 16>> ParseV6(std::string_view s, std::string* why) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsHexDigit(c) || c == ':' || c == '.') continue;
    if (c == '%') {
      *why = "zone ids ('%...') are not supported";
    } else if (c == '[' || c == ']') {
      *why = "brackets are not allowed; give the bare address, without a port";
    } else {
      *why = absl::StrCat("unexpected character ", QuoteChar(c), " at offset ", i,
                          " in an IPv6 address");
    }
    return std::nullopt;
  }
  if (s.size() > kMaxV6Length) {
    *why = absl::StrCat("too long for an IPv6 address (", s.size(), " characters, at most ",
                        kMaxV6Length, ")");
    return std::nullopt;
  }
  char buffer[kMaxV6Length + 1];
  std::memcpy(buffer, s.data(), s.size());
  buffer[s.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, buffer, bytes.data()) != 1) {
    const size_t colon = s.find(':');
    std::string ignored;
    if (s.find(':', colon + 1) == std::string_view::npos &&
        ParseV4(s.substr(0, colon), &ignored).has_value()) {
      *why = "a port is not allowed; give the bare address";
    } else {
      *why = "not a valid IPv6 address";
    }
    return std::nullopt;
  }
  return bytes;
}

// An IPv4 or IPv6 address (untrimmed text). Sets `*why` on failure.
std::optional<IpAddress> ParseAddress(std::string_view s, std::string* why) {
  if (s.empty()) {
    *why = "empty address";
    return std::nullopt;
  }
  if (s.find(':') != std::string_view::npos || s.front() == '[') {
    std::optional<std::array<uint8_t, 16>> bytes = ParseV6(s, why);
    if (!bytes.has_value()) return std::nullopt;
    return IpAddress::FromV6(*bytes);
  }
  if (s.find('/') != std::string_view::npos) {
    *why = "'/' is not allowed in an address";
    return std::nullopt;
  }
  if (!IsDigit(s.front()) && s.front() != '-' && s.front() != '+') {
    *why = absl::StrCat("not an IPv4 or IPv6 address (starts with ", QuoteChar(s.front()), ")");
    return std::nullopt;
  }
  std::optional<uint32_t> v4 = ParseV4(s, why);
  if (!v4.has_value()) return std::nullopt;
  return IpAddress::FromV4(*v4);
}

// True for text that names a file rather than a network: "../etc",
// "/etc/passwd", "./x", "~/x", "C:\x".
bool LooksLikePath(std::string_view s) {
  if (s.find('\\') != std::string_view::npos) return true;
  if (std::count(s.begin(), s.end(), '/') > 1) return true;
  if (s.front() == '.' || s.front() == '~') return true;
  if (s.find("./") != std::string_view::npos) return true;
  // A leading '/' followed by something that is not a prefix length.
  if (s.front() == '/') {
    return s.size() == 1 || !std::all_of(s.begin() + 1, s.end(), IsDigit);
  }
  return false;
}

// The prefix length after '/', for `family`. Sets `*why` on failure.
std::optional<int> ParsePrefix(std::string_view s, IpAddress::Family family, std::string* why) {
  if (s.empty()) {
    *why = "missing prefix length after '/'";
    return std::nullopt;
  }
  const auto range = [family] {
    return absl::StrCat("0-", MaxPrefix(family), " for ", FamilyName(family));
  };
  if (!IsDigit(s.front())) {
    *why = absl::StrCat("prefix length must be an unsigned decimal number ", range(), ", found ",
                        Quote(s));
    return std::nullopt;
  }
  const size_t digits =
      static_cast<size_t>(std::find_if_not(s.begin(), s.end(), IsDigit) - s.begin());
  if (digits < s.size()) {
    *why = absl::StrCat("unexpected trailing characters ", Quote(s.substr(digits)),
                        " after the prefix length");
    return std::nullopt;
  }
  if (s.size() > 1 && s[0] == '0') {
    *why = absl::StrCat("prefix length ", Quote(s), " has a leading zero");
    return std::nullopt;
  }
  int value = 0;
  for (char c : s.substr(0, 4)) value = value * 10 + (c - '0');
  if (s.size() > 3 || value > MaxPrefix(family)) {
    *why = absl::StrCat("prefix length ", Quote(s), " is out of range for ", FamilyName(family),
                        " (at most ", MaxPrefix(family), ")");
    return std::nullopt;
  }
  return value;
}

absl::Status InvalidAddress(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid IP address ", Quote(text), ": ", ToAbsl(why)));
}

absl::Status InvalidCidr(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid CIDR ", Quote(text), ": ", ToAbsl(why)));
}

U128 ToU128(const std::array<uint8_t, 16>& bytes) {
  uint64_t high;
  uint64_t low;
  std::memcpy(&high, bytes.data(), 8);
  std::memcpy(&low, bytes.data() + 8, 8);
  if constexpr (std::endian::native == std::endian::little) {
    high = __builtin_bswap64(high);
    low = __builtin_bswap64(low);
  }
  return static_cast<U128>(high) << 64 | low;
}

constexpr U128 kV4MappedBase = static_cast<U128>(0xffff) << 32;

// Merges sorted-by-start inclusive ranges in place; overlapping and adjacent
// ranges become one.
template <typename T>
void MergeSorted(std::vector<std::pair<T, T>>& ranges) {
  size_t out = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (out > 0) {
      std::pair<T, T>& last = ranges[out - 1];
      if (last.second == std::numeric_limits<T>::max()) break;
      if (ranges[i].first <= last.second + 1) {
        last.second = std::max(last.second, ranges[i].second);
        continue;
      }
    }
    ranges[out++] = ranges[i];
  }
  ranges.resize(out);
  ranges.shrink_to_fit();
}

// True when `value` lies in one of the disjoint sorted `ranges`. O(log n).
template <typename T>
bool InRanges(const std::vector<std::pair<T, T>>& ranges, T value) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), value,
                             [](T v, const std::pair<T, T>& range) { return v < range.first; });
  if (it == ranges.begin()) return false;
  return value <= std::prev(it)->second;
}

}  // namespace

// ---------------------------------------------------------------- IpAddress

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  std::string why;
  std::optional<IpAddress> address = ParseAddress(TrimAsciiWhitespace(text), &why);
  if (!address.has_value()) return InvalidAddress(text, why);
  return *address;
}

IpAddress IpAddress::FromV4(uint32_t host_order) {
  IpAddress address;
  address.family_ = Family::kV4;
  address.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
  address.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
  address.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
  address.bytes_[3] = static_cast<uint8_t>(host_order);
  return address;
}

IpAddress IpAddress::FromV6(const std::array<uint8_t, 16>& bytes) {
  IpAddress address;
  address.family_ = Family::kV6;
  address.bytes_ = bytes;
  return address;
}

bool IpAddress::IsV4Mapped() const {
  if (family_ != Family::kV6) return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::Unmapped() const {
  if (!IsV4Mapped()) return *this;
  return FromV4(static_cast<uint32_t>(bytes_[12]) << 24 | static_cast<uint32_t>(bytes_[13]) << 16 |
                static_cast<uint32_t>(bytes_[14]) << 8 | static_cast<uint32_t>(bytes_[15]));
}

// Returns 0 for an IPv6 address.
uint32_t IpAddress::v4() const {
  if (family_ != Family::kV4) return 0;
  return static_cast<uint32_t>(bytes_[0]) << 24 | static_cast<uint32_t>(bytes_[1]) << 16 |
         static_cast<uint32_t>(bytes_[2]) << 8 | static_cast<uint32_t>(bytes_[3]);
}

std::string IpAddress::ToString() const {
  if (family_ == Family::kV4) {
    return absl::StrCat(bytes_[0], ".", bytes_[1], ".", bytes_[2], ".", bytes_[3]);
  }
  char buffer[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof(buffer)) == nullptr) return "";
  return buffer;
}

// --------------------------------------------------------------------- Cidr

absl::StatusOr<Cidr> Cidr::Parse(std::string_view text) {
  const std::string_view s = TrimAsciiWhitespace(text);
  if (s.empty()) return InvalidCidr(text, text.empty() ? "empty string" : "only whitespace");
  if (s.size() > kMaxCidrLength) {
    return InvalidCidr(
        text, absl::StrCat("too long (", s.size(), " characters, at most ", kMaxCidrLength, ")"));
  }
  if (LooksLikePath(s)) return InvalidCidr(text, "looks like a file path, not a network");

  const size_t slash = s.find('/');
  const std::string_view address_text = s.substr(0, slash);
  if (address_text.empty()) return InvalidCidr(text, "missing address before '/'");

  std::string why;
  std::optional<IpAddress> address = ParseAddress(address_text, &why);
  if (!address.has_value()) return InvalidCidr(text, why);

  int prefix_length = MaxPrefix(address->family());
  if (slash != std::string_view::npos) {
    std::optional<int> prefix = ParsePrefix(s.substr(slash + 1), address->family(), &why);
    if (!prefix.has_value()) return InvalidCidr(text, why);
    prefix_length = *prefix;
  }
  return Make(*address, prefix_length);
}

absl::StatusOr<Cidr> Cidr::Make(const IpAddress& address, int prefix_length) {
  const int max = MaxPrefix(address.family());
  if (prefix_length < 0 || prefix_length > max) {
    return absl::InvalidArgumentError(absl::StrCat("prefix length ", prefix_length,
                                                   " is out of range 0-", max, " for ",
                                                   FamilyName(address.family())));
  }
  std::array<uint8_t, 16> bytes = address.bytes();
  for (int i = 0; i < 16; ++i) {
    const int kept = prefix_length - 8 * i;  // Network bits in byte i.
    if (kept >= 8) continue;
    bytes[i] = kept <= 0 ? 0 : static_cast<uint8_t>(bytes[i] & (0xff << (8 - kept)));
  }
  Cidr cidr;
  cidr.network_ = address.is_v4() ? IpAddress::FromV4(static_cast<uint32_t>(bytes[0]) << 24 |
                                                      static_cast<uint32_t>(bytes[1]) << 16 |
                                                      static_cast<uint32_t>(bytes[2]) << 8 |
                                                      static_cast<uint32_t>(bytes[3]))
                                  : IpAddress::FromV6(bytes);
  cidr.prefix_length_ = prefix_length;
  return cidr;
}

std::string Cidr::ToString() const {
  return absl::StrCat(network_.ToString(), "/", prefix_length_);
}

bool Cidr::Contains(const IpAddress& address) const {
  if (address.family() != family()) return false;
  const std::array<uint8_t, 16>& a = address.bytes();
  const std::array<uint8_t, 16>& n = network_.bytes();
  const int full = prefix_length_ / 8;
  if (std::memcmp(a.data(), n.data(), static_cast<size_t>(full)) != 0) return false;
  const int rest = prefix_length_ % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == n[full];
}

// ------------------------------------------------------------------ CidrSet

CidrSet::CidrSet(std::vector<Cidr> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end());
  entries_.erase(std::unique(entries_.begin(), entries_.end()), entries_.end());
  Rebuild();
}

bool CidrSet::Insert(const Cidr& cidr) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), cidr);
  if (it != entries_.end() && *it == cidr) return false;
  entries_.insert(it, cidr);
  Rebuild();
  return true;
}

bool CidrSet::Erase(const Cidr& cidr) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), cidr);
  if (it == entries_.end() || *it != cidr) return false;
  entries_.erase(it);
  Rebuild();
  return true;
}

bool CidrSet::Contains(const IpAddress& address) const {
  if (address.is_v4()) {
    const uint32_t v4 = address.v4();
    return InRanges(v4_ranges_, v4) ||
           (!v6_ranges_.empty() && InRanges(v6_ranges_, kV4MappedBase | v4));
  }
  const U128 v6 = ToU128(address.bytes());
  const bool mapped = (v6 >> 32) == 0xffff;  // In ::ffff:0:0/96.
  if (mapped && InRanges(v4_ranges_, static_cast<uint32_t>(v6))) return true;
  return InRanges(v6_ranges_, v6);
}

// Entries are sorted by (family, network, prefix), so the ranges come out
// sorted by start: IPv4 first, then IPv6. O(n).
void CidrSet::Rebuild() {
  v4_ranges_.clear();
  v6_ranges_.clear();
  for (const Cidr& cidr : entries_) {
    const int host_bits = MaxPrefix(cidr.family()) - cidr.prefix_length();
    if (cidr.family() == IpAddress::Family::kV4) {
      const uint32_t start = cidr.network().v4();
      const uint32_t host_mask = host_bits == 32 ? ~uint32_t{0} : (uint32_t{1} << host_bits) - 1;
      v4_ranges_.emplace_back(start, start | host_mask);
    } else {
      const U128 start = ToU128(cidr.network().bytes());
      const U128 host_mask = host_bits == 128 ? ~U128{0} : (U128{1} << host_bits) - 1;
      v6_ranges_.emplace_back(start, start | host_mask);
    }
  }
  MergeSorted(v4_ranges_);
  MergeSorted(v6_ranges_);
}

}  // namespace guestguard
