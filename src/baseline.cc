// Copyright 2026 GuestGuard authors.
#include "guestguard/baseline.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "guestguard/cidr.h"

namespace guestguard {
namespace {

constexpr uint8_t kSerialVersionV1 = 1;  // Before the use history.
constexpr uint8_t kSerialVersion = 2;
constexpr uint64_t kFamilyV4 = uint64_t{4} << 56;
constexpr uint64_t kFamilyV6 = uint64_t{6} << 56;

uint64_t Fnv1a64(const void* data, size_t n, uint64_t h = 14695981039346656037ull) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

// A non-zero stable hash of a non-empty string; 0 for empty ("not sent").
uint64_t SignalHash64(std::string_view s) {
  if (s.empty()) return 0;
  const uint64_t h = Fnv1a64(s.data(), s.size());
  return h == 0 ? 1 : h;
}

uint32_t SignalHash32(std::string_view s) {
  const uint64_t h = SignalHash64(s);
  const auto folded = static_cast<uint32_t>(h ^ (h >> 32));
  return (h != 0 && folded == 0) ? 1 : folded;
}

// "en-US,en;q=0.9" (Accept-Language) and "en-US,en" (navigator.languages)
// name the same preference: lower-case tags, weights and spaces dropped.
std::string NormalizedLanguages(std::string_view list) {
  std::string out;
  for (absl::string_view tag : absl::StrSplit(absl::string_view(list.data(), list.size()), ',')) {
    tag = absl::StripAsciiWhitespace(tag.substr(0, tag.find(';')));
    if (tag.empty()) continue;
    if (!out.empty()) out.push_back(',');
    out += absl::AsciiStrToLower(tag);
  }
  return out;
}

// Index of the entry to replace: a free slot, else the least recently seen.
template <typename Entry, size_t N>
size_t SlotFor(std::array<Entry, N>& entries, uint8_t& count) {
  if (count < N) return count++;
  size_t oldest = 0;
  for (size_t i = 1; i < N; ++i) {
    if (entries[i].last_seen < entries[oldest].last_seen) oldest = i;
  }
  return oldest;
}

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetFixed(const char*& p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(*p++)) << (8 * i);
  return v;
}

constexpr size_t kHeaderBytesV1 = 1 + 1 + 1 + 8 + 8 + 4;
constexpr size_t kDeviceBytesV1 = 8 + 4 * 4 + 8;
constexpr size_t kNetworkBytesV1 = 8 + 8 + 8;
// v2: + use and admitted counts; entries gain first_seen and a flags byte.
constexpr size_t kHeaderBytes = kHeaderBytesV1 + 2;
constexpr size_t kDeviceBytes = kDeviceBytesV1 + 4 + 8 + 1;
constexpr size_t kNetworkBytes = kNetworkBytesV1 + 8 + 1;
constexpr size_t kUseBytes = 8 + 8 + 4 + 1 + 1;
constexpr size_t kAdmittedBytes = 8;

constexpr uint8_t kUseKnownDevice = 1;
constexpr uint8_t kUseBlocked = 2;
constexpr uint8_t kUseKnownNetwork = 4;
constexpr uint8_t kUseFlagged = 8;

// Learns `e` (a Device or Network) seen at `at`: refreshes its latest state
// and confirms it once kConfirmAfterSeconds passed since it was first learned.
template <typename Entry>
void Refresh(Entry& e, int64_t at, bool vouched, bool contested) {
  // at - first_seen, without overflow: both may be any int64 (times come from
  // the caller and from stored baselines).
  const bool waited =
      at >= e.first_seen && static_cast<uint64_t>(at) - static_cast<uint64_t>(e.first_seen) >=
                                static_cast<uint64_t>(Baseline::kConfirmAfterSeconds);
  if (vouched || (waited && !contested)) e.confirmed = true;
  e.vouched = e.vouched || vouched;
  e.last_seen = std::max(e.last_seen, at);
}

// Entry flags: 1 confirmed, 2 vouched (only with confirmed), 4 (devices) the
// last user agent was an embedded browser.
constexpr uint8_t kEntryConfirmed = 1;
constexpr uint8_t kEntryVouched = 2;
constexpr uint8_t kEntryEmbedded = 4;

uint8_t EntryFlags(bool confirmed, bool vouched, bool embedded = false) {
  return static_cast<uint8_t>((confirmed ? kEntryConfirmed : 0) | (vouched ? kEntryVouched : 0) |
                              (embedded ? kEntryEmbedded : 0));
}

// Case-insensitive: whether `agent` names an app's embedded browser (in-app
// webviews of mail, search and social apps; Android's WebView marks itself
// "; wv)").
bool IsEmbeddedBrowser(std::string_view agent) {
  static constexpr std::string_view kMarkers[] = {
      "gsa/",  "fban/",    "fbav/",       "fb_iab",         "instagram",   "; wv)",
      "line/", "snapchat", "linkedinapp", "micromessenger", "twitter for", "pinterest for"};
  const std::string lower =
      absl::AsciiStrToLower(absl::string_view(agent.data(), std::min<size_t>(agent.size(), 1024)));
  for (std::string_view m : kMarkers) {
    if (lower.find(m) != std::string::npos) return true;
  }
  return false;
}

// Removes the entries for which `drop` holds, keeping the order of the rest.
template <typename Entry, size_t N, typename Pred>
void EraseIf(std::array<Entry, N>& entries, uint8_t& count, Pred drop) {
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!drop(entries[i])) entries[kept++] = entries[i];
  }
  for (size_t i = kept; i < count; ++i) entries[i] = Entry{};
  count = static_cast<uint8_t>(kept);
}

}  // namespace

absl::StatusOr<AccessFeatures> AccessFeatures::From(const AccessAttempt& attempt,
                                                    const IpAddress* client_ip) {
  AccessFeatures f;
  f.at = attempt.at;
  const ClientSignals& s = attempt.signals;
  f.fingerprint = SignalHash64(s.fingerprint);
  f.components = {SignalHash32(s.timezone), SignalHash32(NormalizedLanguages(s.language)),
                  SignalHash32(s.screen), SignalHash32(s.platform)};
  f.agent = SignalHash32(s.user_agent);
  f.embedded_browser = IsEmbeddedBrowser(s.user_agent);
  if (f.fingerprint != 0) {
    f.device = f.fingerprint;
  } else if (!s.user_agent.empty() || !s.language.empty()) {
    // Plain navigation: the headers are all there is. Weak (every Android
    // Chrome of one version sends the same user agent), flagged as such.
    const char kTag[] = "headers";
    uint64_t h = Fnv1a64(kTag, sizeof kTag);
    h = Fnv1a64(s.user_agent.data(), s.user_agent.size(), h);
    h = Fnv1a64("|", 1, h);
    const std::string language = NormalizedLanguages(s.language);
    h = Fnv1a64(language.data(), language.size(), h);
    f.device = h == 0 ? 1 : h;
    f.device_from_headers = true;
  }
  if (!attempt.client_ip.empty()) {
    std::optional<IpAddress> parsed;
    if (client_ip == nullptr) {
      absl::StatusOr<IpAddress> ip = IpAddress::Parse(attempt.client_ip);
      if (!ip.ok()) return ip.status();
      parsed = *ip;
      client_ip = &*parsed;
    }
    const IpAddress addr = client_ip->Unmapped();
    f.has_ip = true;
    if (addr.is_v4()) {
      f.network = kFamilyV4 | (addr.v4() >> 8);
      f.address = kFamilyV4 | addr.v4();
    } else {
      uint64_t prefix48 = 0;
      for (int i = 0; i < 6; ++i) prefix48 = (prefix48 << 8) | addr.bytes()[i];
      f.network = kFamilyV6 | prefix48;
      f.address = kFamilyV6 | (Fnv1a64(addr.bytes().data(), 16) >> 8);
    }
  }
  return f;
}

bool Baseline::has_confirmed_device() const {
  return std::any_of(devices().begin(), devices().end(),
                     [](const Device& d) { return d.confirmed; });
}

void Baseline::Learn(const AccessFeatures& access, bool vouched) {
  const int64_t at = absl::ToUnixSeconds(access.at);
  // Whether another device used the link, flagged but not refused, after
  // `since`: then time alone does not confirm an entry learned at `since`.
  const auto contested = [&](int64_t since) {
    return std::any_of(uses_.begin(), uses_.begin() + use_count_, [&](const Use& u) {
      return u.at > since && u.at <= at && u.flagged && !u.blocked && !u.known_device;
    });
  };
  // A known entry keeps its latest state: an older access (feedback on a past
  // one) only refreshes nothing but may confirm. A new entry takes a slot.
  if (access.device != 0) {
    auto known = std::find_if(devices_.begin(), devices_.begin() + device_count_,
                              [&](const Device& d) { return d.fingerprint == access.device; });
    if (known == devices_.begin() + device_count_) {
      devices_[SlotFor(devices_, device_count_)] = {
          access.device, access.components, access.agent, access.embedded_browser, at, at, vouched,
          vouched};
    } else {
      if (at >= known->last_seen) {
        // Traits this access did not send (a GET carries only headers) keep
        // their learned value.
        for (size_t i = 0; i < known->components.size(); ++i) {
          if (access.components[i] != 0) known->components[i] = access.components[i];
        }
        if (access.agent != 0) {
          known->agent = access.agent;
          known->embedded_browser = access.embedded_browser;
        }
      }
      known->first_seen = std::min(known->first_seen, at);
      Refresh(*known, at, vouched, contested(known->first_seen));
    }
  }
  if (access.has_ip) {
    auto known = std::find_if(networks_.begin(), networks_.begin() + network_count_,
                              [&](const Network& n) { return n.network == access.network; });
    if (known == networks_.begin() + network_count_) {
      networks_[SlotFor(networks_, network_count_)] = {access.network, access.address, at, at,
                                                       vouched,        vouched};
    } else {
      if (at >= known->last_seen) known->address = access.address;
      known->first_seen = std::min(known->first_seen, at);
      Refresh(*known, at, vouched, contested(known->first_seen));
    }
  }
  if (accesses_ == 0 || at < first_seen_) first_seen_ = at;
  last_seen_ = std::max(last_seen_, at);
  ++accesses_;
}

void Baseline::DropProvisionalBefore(absl::Time before) {
  const int64_t t = absl::ToUnixSeconds(before);
  EraseIf(devices_, device_count_,
          [t](const Device& d) { return !d.confirmed && d.first_seen < t; });
  EraseIf(networks_, network_count_,
          [t](const Network& n) { return !n.confirmed && n.first_seen < t; });
}

void Baseline::DropProvisionalBetween(absl::Time from, absl::Time to) {
  const int64_t lo = absl::ToUnixSeconds(from);
  const int64_t hi = absl::ToUnixSeconds(to);
  // The entries of the link's first learned access (the seat) stay: without
  // them every stranger would have nothing to be compared with.
  const auto in_window = [lo, hi, seat = first_seen_](int64_t t) {
    return t >= lo && t <= hi && t != seat;
  };
  const auto admitted_now = admitted();
  EraseIf(devices_, device_count_, [&](const Device& d) {
    return !d.confirmed && in_window(d.first_seen) &&
           std::find(admitted_now.begin(), admitted_now.end(), d.fingerprint) == admitted_now.end();
  });
  EraseIf(networks_, network_count_,
          [&](const Network& n) { return !n.confirmed && in_window(n.first_seen); });
}

void Baseline::Forget(const AccessFeatures& access) {
  EraseIf(devices_, device_count_, [&](const Device& d) {
    return !d.vouched && access.device != 0 && d.fingerprint == access.device;
  });
  EraseIf(networks_, network_count_, [&](const Network& n) {
    return !n.vouched && access.has_ip && n.network == access.network;
  });
}

void Baseline::RecordUse(const Use& use) {
  // Kept newest first; a late-arriving older use slots in by time.
  size_t pos = 0;
  while (pos < use_count_ && uses_[pos].at > use.at) ++pos;
  if (pos >= kMaxUses) return;
  const size_t last = std::min<size_t>(use_count_, kMaxUses - 1);
  for (size_t i = last; i > pos; --i) uses_[i] = uses_[i - 1];
  uses_[pos] = use;
  if (use_count_ < kMaxUses) ++use_count_;
}

bool Baseline::Admit(uint64_t device) {
  const auto admitted_now = admitted();
  if (std::find(admitted_now.begin(), admitted_now.end(), device) != admitted_now.end()) {
    return false;
  }
  if (admitted_count_ >= kMaxAdmitted) return false;
  admitted_[admitted_count_++] = device;
  return true;
}

std::string Baseline::Serialize() const {
  std::string out;
  out.reserve(kHeaderBytes + device_count_ * kDeviceBytes + network_count_ * kNetworkBytes +
              use_count_ * kUseBytes + admitted_count_ * kAdmittedBytes);
  out.push_back(static_cast<char>(kSerialVersion));
  out.push_back(static_cast<char>(device_count_));
  out.push_back(static_cast<char>(network_count_));
  out.push_back(static_cast<char>(use_count_));
  out.push_back(static_cast<char>(admitted_count_));
  PutFixed(out, static_cast<uint64_t>(first_seen_), 8);
  PutFixed(out, static_cast<uint64_t>(last_seen_), 8);
  PutFixed(out, accesses_, 4);
  for (const Device& d : devices()) {
    PutFixed(out, d.fingerprint, 8);
    for (uint32_t c : d.components) PutFixed(out, c, 4);
    PutFixed(out, d.agent, 4);
    PutFixed(out, static_cast<uint64_t>(d.first_seen), 8);
    PutFixed(out, static_cast<uint64_t>(d.last_seen), 8);
    out.push_back(static_cast<char>(EntryFlags(d.confirmed, d.vouched, d.embedded_browser)));
  }
  for (const Network& n : networks()) {
    PutFixed(out, n.network, 8);
    PutFixed(out, n.address, 8);
    PutFixed(out, static_cast<uint64_t>(n.first_seen), 8);
    PutFixed(out, static_cast<uint64_t>(n.last_seen), 8);
    out.push_back(static_cast<char>(EntryFlags(n.confirmed, n.vouched)));
  }
  for (const Use& u : uses()) {
    PutFixed(out, u.device, 8);
    PutFixed(out, u.network, 8);
    PutFixed(out, u.at, 4);
    out.push_back(static_cast<char>(u.kind));
    out.push_back(static_cast<char>((u.known_device ? kUseKnownDevice : 0) |
                                    (u.known_network ? kUseKnownNetwork : 0) |
                                    (u.blocked ? kUseBlocked : 0) | (u.flagged ? kUseFlagged : 0)));
  }
  for (uint64_t a : admitted()) PutFixed(out, a, 8);
  return out;
}

absl::StatusOr<Baseline> Baseline::Parse(std::string_view bytes) {
  if (bytes.empty()) return Baseline();
  if (bytes.size() < kHeaderBytesV1) return absl::DataLossError("baseline: truncated header");
  const char* p = bytes.data();
  const auto version = static_cast<uint8_t>(*p++);
  if (version != kSerialVersion && version != kSerialVersionV1) {
    return absl::DataLossError("baseline: unknown serialization version");
  }
  const bool v1 = version == kSerialVersionV1;
  Baseline b;
  b.device_count_ = static_cast<uint8_t>(*p++);
  b.network_count_ = static_cast<uint8_t>(*p++);
  if (!v1) {
    if (bytes.size() < kHeaderBytes) return absl::DataLossError("baseline: truncated header");
    b.use_count_ = static_cast<uint8_t>(*p++);
    b.admitted_count_ = static_cast<uint8_t>(*p++);
  }
  if (b.device_count_ > kMaxDevices || b.network_count_ > kMaxNetworks || b.use_count_ > kMaxUses ||
      b.admitted_count_ > kMaxAdmitted) {
    return absl::DataLossError("baseline: entry count over the limit");
  }
  const size_t expected =
      v1 ? kHeaderBytesV1 + b.device_count_ * kDeviceBytesV1 + b.network_count_ * kNetworkBytesV1
         : kHeaderBytes + b.device_count_ * kDeviceBytes + b.network_count_ * kNetworkBytes +
               b.use_count_ * kUseBytes + b.admitted_count_ * kAdmittedBytes;
  if (bytes.size() != expected) {
    return absl::DataLossError("baseline: size does not match its entry counts");
  }
  b.first_seen_ = static_cast<int64_t>(GetFixed(p, 8));
  b.last_seen_ = static_cast<int64_t>(GetFixed(p, 8));
  b.accesses_ = static_cast<uint32_t>(GetFixed(p, 4));
  auto flags = [&p](bool device) -> absl::StatusOr<uint8_t> {
    const auto v = static_cast<uint8_t>(*p++);
    const uint8_t allowed =
        kEntryConfirmed | kEntryVouched | (device ? kEntryEmbedded : uint8_t{0});
    if ((v & ~allowed) != 0 || ((v & kEntryVouched) != 0 && (v & kEntryConfirmed) == 0)) {
      return absl::DataLossError("baseline: bad entry flags");
    }
    return v;
  };
  for (size_t i = 0; i < b.device_count_; ++i) {
    Device& d = b.devices_[i];
    d.fingerprint = GetFixed(p, 8);
    for (uint32_t& c : d.components) c = static_cast<uint32_t>(GetFixed(p, 4));
    if (!v1) {
      d.agent = static_cast<uint32_t>(GetFixed(p, 4));
      d.first_seen = static_cast<int64_t>(GetFixed(p, 8));
    }
    d.last_seen = static_cast<int64_t>(GetFixed(p, 8));
    if (v1) {
      d.first_seen = d.last_seen;
      d.confirmed = true;
    } else {
      absl::StatusOr<uint8_t> f = flags(/*device=*/true);
      if (!f.ok()) return f.status();
      d.confirmed = (*f & kEntryConfirmed) != 0;
      d.vouched = (*f & kEntryVouched) != 0;
      d.embedded_browser = (*f & kEntryEmbedded) != 0;
    }
  }
  for (size_t i = 0; i < b.network_count_; ++i) {
    Network& n = b.networks_[i];
    n.network = GetFixed(p, 8);
    n.address = GetFixed(p, 8);
    if (!v1) n.first_seen = static_cast<int64_t>(GetFixed(p, 8));
    n.last_seen = static_cast<int64_t>(GetFixed(p, 8));
    if (v1) {
      n.first_seen = n.last_seen;
      n.confirmed = true;
    } else {
      absl::StatusOr<uint8_t> f = flags(/*device=*/false);
      if (!f.ok()) return f.status();
      n.confirmed = (*f & kEntryConfirmed) != 0;
      n.vouched = (*f & kEntryVouched) != 0;
    }
  }
  for (size_t i = 0; i < b.use_count_; ++i) {
    Use& u = b.uses_[i];
    u.device = GetFixed(p, 8);
    u.network = GetFixed(p, 8);
    u.at = static_cast<uint32_t>(GetFixed(p, 4));
    const auto kind = static_cast<uint8_t>(*p++);
    if (kind > static_cast<uint8_t>(AccessKind::kCheckin)) {
      return absl::DataLossError("baseline: bad use kind");
    }
    u.kind = static_cast<AccessKind>(kind);
    const auto flags = static_cast<uint8_t>(*p++);
    if ((flags & ~(kUseKnownDevice | kUseKnownNetwork | kUseBlocked | kUseFlagged)) != 0) {
      return absl::DataLossError("baseline: bad use flags");
    }
    u.known_device = (flags & kUseKnownDevice) != 0;
    u.known_network = (flags & kUseKnownNetwork) != 0;
    u.blocked = (flags & kUseBlocked) != 0;
    u.flagged = (flags & kUseFlagged) != 0;
  }
  for (size_t i = 0; i < b.admitted_count_; ++i) b.admitted_[i] = GetFixed(p, 8);
  return b;
}

}  // namespace guestguard
