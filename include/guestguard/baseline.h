// Copyright 2026 GuestGuard authors.
//
// Baseline: what one guest normally looks like — the devices and networks it
// used and when. Fixed size (no heap), so a million guests cost a known amount
// of memory; when full, the least recently seen entry is replaced.
//
// Who may teach it is the Guard's rule, not this class's: only accesses that
// ended low, or that a host marked legitimate, are Learn()ed.
#ifndef GUESTGUARD_BASELINE_H_
#define GUESTGUARD_BASELINE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"

namespace guestguard {

// The comparable parts of an AccessAttempt, hashed once with a stable hash
// (FNV-1a 64; baselines are persisted, so the hash never changes).
struct AccessFeatures {
  uint64_t fingerprint = 0;  // 0: not sent.
  // timezone, language, screen, platform; 0: not sent.
  std::array<uint32_t, 4> components{};
  bool has_ip = false;
  uint64_t network = 0;  // IPv4 /24 or IPv6 /48 of the (unmapped) client address.
  uint64_t address = 0;  // The exact address.
  absl::Time at;

  // InvalidArgument when client_ip is set but not an IP address.
  [[nodiscard]] static absl::StatusOr<AccessFeatures> From(const AccessAttempt& attempt);
};

// A value type; thread-compatible.
class Baseline {
 public:
  static constexpr size_t kMaxDevices = 4;
  static constexpr size_t kMaxNetworks = 8;

  struct Device {
    uint64_t fingerprint = 0;
    std::array<uint32_t, 4> components{};
    int64_t last_seen = 0;  // Unix seconds.
    friend bool operator==(const Device&, const Device&) = default;
  };
  struct Network {
    uint64_t network = 0;
    uint64_t address = 0;   // Last exact address seen in this network.
    int64_t last_seen = 0;  // Unix seconds.
    friend bool operator==(const Network&, const Network&) = default;
  };

  bool empty() const { return accesses_ == 0; }
  uint32_t accesses() const { return accesses_; }
  absl::Time first_seen() const { return absl::FromUnixSeconds(first_seen_); }
  absl::Time last_seen() const { return absl::FromUnixSeconds(last_seen_); }
  std::span<const Device> devices() const { return {devices_.data(), device_count_}; }
  std::span<const Network> networks() const { return {networks_.data(), network_count_}; }

  // Folds one access in: refreshes or adds its device and network (replacing
  // the least recently seen when full) and the access times.
  void Learn(const AccessFeatures& access);

  // Compact, versioned binary form for stores. Parse takes empty bytes as an
  // empty baseline (a store that has none yet) and rejects anything else that
  // is not exactly what Serialize produces (DataLoss).
  std::string Serialize() const;
  [[nodiscard]] static absl::StatusOr<Baseline> Parse(std::string_view bytes);

  friend bool operator==(const Baseline&, const Baseline&) = default;

 private:
  std::array<Device, kMaxDevices> devices_{};
  std::array<Network, kMaxNetworks> networks_{};
  int64_t first_seen_ = 0;
  int64_t last_seen_ = 0;
  uint32_t accesses_ = 0;
  uint8_t device_count_ = 0;
  uint8_t network_count_ = 0;
};

}  // namespace guestguard

#endif  // GUESTGUARD_BASELINE_H_
