// Copyright 2026 GuestGuard authors.
//
// Baseline: what one guest normally looks like — the devices and networks it
// used and when — plus the link's recent use history and the devices admitted
// at the door. Fixed size (no heap), so a million guests cost a known amount
// of memory; when full, the least recently seen entry is replaced.
//
// Two kinds of memory live here:
//   - learned devices and networks: who the guest is. Who may teach them is
//     the Guard's rule (clean accesses, a known device on a new network, host
//     verdicts), not this class's. A learned entry starts *provisional* and is
//     confirmed when the link's history confirms it (seen again after a
//     while) or a host marks it legitimate;
//   - the use history: every scored use of the link (learned or not, previews
//     excluded), the newest kMaxUses, so rules can count distinct devices and
//     networks per link and uses per window without reading the access log.
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
#include "guestguard/cidr.h"

namespace guestguard {

// The comparable parts of an AccessAttempt, hashed once with a stable hash
// (FNV-1a 64; baselines are persisted, so the hash never changes).
struct AccessFeatures {
  uint64_t fingerprint = 0;  // 0: not sent.
  // Who the device is: the fingerprint when sent, else a weaker key from the
  // user agent and language (plain navigation); 0 when neither was sent.
  uint64_t device = 0;
  bool device_from_headers = false;  // `device` came from headers, not a fingerprint.
  // timezone, language, screen, platform; 0: not sent.
  std::array<uint32_t, 4> components{};
  // The user agent, hashed; 0: not sent. Not a trait (it changes with every
  // browser update): it tells an update from a device of the same model.
  uint32_t agent = 0;
  // The user agent is an app's embedded browser (a mail or social app's
  // in-app webview: "GSA/", "FBAN/", "Instagram", Android's "; wv)", ...). It
  // keeps its own storage, so the same phone shows another fingerprint and
  // user agent there than in its browser (DETECTION.md L10 [S18]).
  bool embedded_browser = false;
  bool has_ip = false;
  uint64_t network = 0;  // IPv4 /24 or IPv6 /48 of the (unmapped) client address.
  uint64_t address = 0;  // The exact address.
  absl::Time at;

  // InvalidArgument when client_ip is set but not an IP address. With
  // `client_ip` (attempt.client_ip as the caller parsed it already), the
  // address is not parsed again.
  [[nodiscard]] static absl::StatusOr<AccessFeatures> From(const AccessAttempt& attempt,
                                                           const IpAddress* client_ip = nullptr);
};

// A value type; thread-compatible.
class Baseline {
 public:
  static constexpr size_t kMaxDevices = 4;
  static constexpr size_t kMaxNetworks = 8;

  static constexpr size_t kMaxUses = 16;
  static constexpr size_t kMaxAdmitted = 8;
  // A provisional device or network is confirmed when learned again at least
  // this long after it was first learned.
  static constexpr int64_t kConfirmAfterSeconds = 6 * 3600;

  struct Device {
    uint64_t fingerprint = 0;  // The device key (AccessFeatures::device).
    std::array<uint32_t, 4> components{};
    uint32_t agent = 0;             // The user agent it last sent, hashed.
    bool embedded_browser = false;  // That user agent was an app's embedded browser.
    int64_t first_seen = 0;         // Unix seconds.
    int64_t last_seen = 0;          // Unix seconds.
    bool confirmed = false;         // By the link's history, or a host.
    bool vouched = false;           // A host marked one of its accesses legitimate.
    friend bool operator==(const Device&, const Device&) = default;
  };
  struct Network {
    uint64_t network = 0;
    uint64_t address = 0;    // Last exact address seen in this network.
    int64_t first_seen = 0;  // Unix seconds.
    int64_t last_seen = 0;   // Unix seconds.
    bool confirmed = false;  // By the link's history, or a host.
    bool vouched = false;    // A host marked one of its accesses legitimate.
    friend bool operator==(const Network&, const Network&) = default;
  };
  // One scored use of the link.
  struct Use {
    uint64_t device = 0;   // AccessFeatures::device; 0: unknown.
    uint64_t network = 0;  // AccessFeatures::network; 0: no address.
    uint32_t at = 0;       // Unix seconds (to 2106).
    AccessKind kind = AccessKind::kOpen;
    // One byte of flags, so that a Use stays 24 bytes.
    bool known_device : 1 = false;   // The device was a learned one (or a moved copy of one).
    bool known_network : 1 = false;  // The network was a learned one.
    bool blocked : 1 = false;
    // Scored medium or above: not taken for the guest's (allowlisted uses
    // are not scored).
    bool flagged : 1 = false;
    friend bool operator==(const Use&, const Use&) = default;
  };

  bool empty() const { return accesses_ == 0; }
  uint32_t accesses() const { return accesses_; }
  absl::Time first_seen() const { return absl::FromUnixSeconds(first_seen_); }
  absl::Time last_seen() const { return absl::FromUnixSeconds(last_seen_); }
  std::span<const Device> devices() const { return {devices_.data(), device_count_}; }
  std::span<const Network> networks() const { return {networks_.data(), network_count_}; }
  // Newest first.
  std::span<const Use> uses() const { return {uses_.data(), use_count_}; }
  // Device keys admitted at check-in, in admission order.
  std::span<const uint64_t> admitted() const { return {admitted_.data(), admitted_count_}; }
  bool has_confirmed_device() const;

  // Folds one access in: refreshes or adds its device and network (replacing
  // the least recently seen when full) and the access times. `vouched` (a
  // host's "legitimate") confirms them at once; otherwise a new entry is
  // provisional and a known one is confirmed once kConfirmAfterSeconds passed
  // since it was first learned, unless the use history shows another device
  // using the link in between, flagged but not refused (a contested seat:
  // whoever opened the link first is not confirmed by coming back while
  // someone else keeps using it).
  void Learn(const AccessFeatures& access, bool vouched = false);
  // Forgets the provisional devices and networks first learned before
  // `before` (a host re-seating the baseline on the real guest, when the link
  // was first opened by someone else).
  void DropProvisionalBefore(absl::Time before);
  // Forgets the provisional devices and networks first learned within
  // [from, to], except devices admitted at the door and the entries of the
  // first learned access (the seat, which strangers are compared with). For
  // a link shown shared: what it learned while strangers were arriving was
  // most likely one of them.
  void DropProvisionalBetween(absl::Time from, absl::Time to);
  // Forgets the device and network of `access` unless a host vouched for them
  // (a host's "suspicious" verdict).
  void Forget(const AccessFeatures& access);
  // Appends one use to the history (dropping the oldest beyond kMaxUses).
  void RecordUse(const Use& use);
  // Records `device` as admitted; false (nothing changed) when it already is
  // or kMaxAdmitted are.
  bool Admit(uint64_t device);

  // Compact, versioned binary form for stores. Parse takes empty bytes as an
  // empty baseline (a store that has none yet), reads version 1 (before the
  // use history; its entries count as confirmed) and rejects anything else
  // that is not exactly what Serialize produces (DataLoss).
  std::string Serialize() const;
  [[nodiscard]] static absl::StatusOr<Baseline> Parse(std::string_view bytes);

  friend bool operator==(const Baseline&, const Baseline&) = default;

 private:
  std::array<Device, kMaxDevices> devices_{};
  std::array<Network, kMaxNetworks> networks_{};
  std::array<Use, kMaxUses> uses_{};
  std::array<uint64_t, kMaxAdmitted> admitted_{};
  int64_t first_seen_ = 0;
  int64_t last_seen_ = 0;
  uint32_t accesses_ = 0;
  uint8_t device_count_ = 0;
  uint8_t network_count_ = 0;
  uint8_t use_count_ = 0;
  uint8_t admitted_count_ = 0;
};

}  // namespace guestguard

#endif  // GUESTGUARD_BASELINE_H_
