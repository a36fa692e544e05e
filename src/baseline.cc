// Copyright 2026 GuestGuard authors.
#include "guestguard/baseline.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "guestguard/cidr.h"

namespace guestguard {
namespace {

constexpr uint8_t kSerialVersion = 1;
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

constexpr size_t kHeaderBytes = 1 + 1 + 1 + 8 + 8 + 4;
constexpr size_t kDeviceBytes = 8 + 4 * 4 + 8;
constexpr size_t kNetworkBytes = 8 + 8 + 8;

}  // namespace

absl::StatusOr<AccessFeatures> AccessFeatures::From(const AccessAttempt& attempt) {
  AccessFeatures f;
  f.at = attempt.at;
  const ClientSignals& s = attempt.signals;
  f.fingerprint = SignalHash64(s.fingerprint);
  f.components = {SignalHash32(s.timezone), SignalHash32(s.language), SignalHash32(s.screen),
                  SignalHash32(s.platform)};
  if (!attempt.client_ip.empty()) {
    auto ip = IpAddress::Parse(attempt.client_ip);
    if (!ip.ok()) return ip.status();
    const IpAddress addr = ip->Unmapped();
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

void Baseline::Learn(const AccessFeatures& access) {
  const int64_t at = absl::ToUnixSeconds(access.at);
  // A known entry keeps its latest state: an older access (feedback on a past
  // one) only refreshes nothing. A new entry takes a slot with its own time.
  if (access.fingerprint != 0) {
    auto known = std::find_if(devices_.begin(), devices_.begin() + device_count_,
                              [&](const Device& d) { return d.fingerprint == access.fingerprint; });
    if (known == devices_.begin() + device_count_) {
      devices_[SlotFor(devices_, device_count_)] = {access.fingerprint, access.components, at};
    } else if (at >= known->last_seen) {
      known->components = access.components;
      known->last_seen = at;
    }
  }
  if (access.has_ip) {
    auto known = std::find_if(networks_.begin(), networks_.begin() + network_count_,
                              [&](const Network& n) { return n.network == access.network; });
    if (known == networks_.begin() + network_count_) {
      networks_[SlotFor(networks_, network_count_)] = {access.network, access.address, at};
    } else if (at >= known->last_seen) {
      known->address = access.address;
      known->last_seen = at;
    }
  }
  if (accesses_ == 0 || at < first_seen_) first_seen_ = at;
  last_seen_ = std::max(last_seen_, at);
  ++accesses_;
}

std::string Baseline::Serialize() const {
  std::string out;
  out.reserve(kHeaderBytes + device_count_ * kDeviceBytes + network_count_ * kNetworkBytes);
  out.push_back(static_cast<char>(kSerialVersion));
  out.push_back(static_cast<char>(device_count_));
  out.push_back(static_cast<char>(network_count_));
  PutFixed(out, static_cast<uint64_t>(first_seen_), 8);
  PutFixed(out, static_cast<uint64_t>(last_seen_), 8);
  PutFixed(out, accesses_, 4);
  for (const Device& d : devices()) {
    PutFixed(out, d.fingerprint, 8);
    for (uint32_t c : d.components) PutFixed(out, c, 4);
    PutFixed(out, static_cast<uint64_t>(d.last_seen), 8);
  }
  for (const Network& n : networks()) {
    PutFixed(out, n.network, 8);
    PutFixed(out, n.address, 8);
    PutFixed(out, static_cast<uint64_t>(n.last_seen), 8);
  }
  return out;
}

absl::StatusOr<Baseline> Baseline::Parse(std::string_view bytes) {
  if (bytes.empty()) return Baseline();
  if (bytes.size() < kHeaderBytes) return absl::DataLossError("baseline: truncated header");
  const char* p = bytes.data();
  if (static_cast<uint8_t>(*p++) != kSerialVersion) {
    return absl::DataLossError("baseline: unknown serialization version");
  }
  Baseline b;
  b.device_count_ = static_cast<uint8_t>(*p++);
  b.network_count_ = static_cast<uint8_t>(*p++);
  if (b.device_count_ > kMaxDevices || b.network_count_ > kMaxNetworks) {
    return absl::DataLossError("baseline: entry count over the limit");
  }
  if (bytes.size() !=
      kHeaderBytes + b.device_count_ * kDeviceBytes + b.network_count_ * kNetworkBytes) {
    return absl::DataLossError("baseline: size does not match its entry counts");
  }
  b.first_seen_ = static_cast<int64_t>(GetFixed(p, 8));
  b.last_seen_ = static_cast<int64_t>(GetFixed(p, 8));
  b.accesses_ = static_cast<uint32_t>(GetFixed(p, 4));
  for (size_t i = 0; i < b.device_count_; ++i) {
    Device& d = b.devices_[i];
    d.fingerprint = GetFixed(p, 8);
    for (uint32_t& c : d.components) c = static_cast<uint32_t>(GetFixed(p, 4));
    d.last_seen = static_cast<int64_t>(GetFixed(p, 8));
  }
  for (size_t i = 0; i < b.network_count_; ++i) {
    Network& n = b.networks_[i];
    n.network = GetFixed(p, 8);
    n.address = GetFixed(p, 8);
    n.last_seen = static_cast<int64_t>(GetFixed(p, 8));
  }
  return b;
}

}  // namespace guestguard
