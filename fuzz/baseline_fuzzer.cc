// Copyright 2026 GuestGuard authors.
//
// Fuzzes Baseline::Parse (include/guestguard/baseline.h): the first input
// byte picks how many trailing bytes drive updates, the rest up to them is
// the serialized baseline. Invariants:
//   - a baseline that parses serializes to bytes that parse to an equal
//     baseline, and a current-version (2) input serializes back to exactly
//     itself (Parse accepts only what Serialize produces);
//   - counts stay within their limits;
//   - after Learn / RecordUse / Admit / Forget / DropProvisionalBefore driven
//     by the input (arbitrary times included), it still round-trips.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "guestguard/baseline.h"

namespace {

using guestguard::Baseline;

bool Same(const Baseline& a, const Baseline& b) {
  auto eq = [](auto x, auto y) { return std::equal(x.begin(), x.end(), y.begin(), y.end()); };
  return a.accesses() == b.accesses() && a.first_seen() == b.first_seen() &&
         a.last_seen() == b.last_seen() && eq(a.devices(), b.devices()) &&
         eq(a.networks(), b.networks()) && eq(a.uses(), b.uses()) && eq(a.admitted(), b.admitted());
}

void CheckRoundTrip(const Baseline& b) {
  FUZZ_CHECK(b.devices().size() <= Baseline::kMaxDevices);
  FUZZ_CHECK(b.networks().size() <= Baseline::kMaxNetworks);
  FUZZ_CHECK(b.uses().size() <= Baseline::kMaxUses);
  FUZZ_CHECK(b.admitted().size() <= Baseline::kMaxAdmitted);
  const std::string bytes = b.Serialize();
  absl::StatusOr<Baseline> again = Baseline::Parse(bytes);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(Same(*again, b));
  FUZZ_CHECK(again->Serialize() == bytes);
}

// Any second, the extremes included (absl::Time saturates, ToUnixSeconds
// then yields INT64_MIN/MAX).
absl::Time AnyTime(guestguard::fuzz::Input& in) {
  return absl::FromUnixSeconds(static_cast<int64_t>(in.Fixed(8)));
}

void Update(Baseline& b, guestguard::fuzz::Input& in) {
  while (!in.empty()) {
    guestguard::AccessFeatures f;
    f.device = in.Fixed(1) % 4;  // Few distinct keys, so entries are met again.
    f.fingerprint = f.device;
    f.components = {static_cast<uint32_t>(in.Fixed(1)), 0, 0, 0};
    f.agent = static_cast<uint32_t>(in.Fixed(1));
    f.has_ip = in.Bool();
    f.network = in.Fixed(1) % 4;
    f.address = in.Fixed(1);
    f.at = AnyTime(in);
    switch (in.Byte() % 5) {
      case 0:
        b.Learn(f, in.Bool());
        break;
      case 1:
        b.Forget(f);
        break;
      case 2:
        b.DropProvisionalBefore(f.at);
        break;
      case 3: {
        Baseline::Use use;
        use.device = f.device;
        use.network = f.network;
        use.at = static_cast<uint32_t>(in.Fixed(4));
        use.kind = static_cast<guestguard::AccessKind>(in.Byte() % 3);
        use.known_device = in.Bool();
        use.blocked = in.Bool();
        b.RecordUse(use);
        break;
      }
      default:
        b.Admit(f.device);
        break;
    }
    CheckRoundTrip(b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t tail = std::min<size_t>(data[0], size - 1);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1 - tail);
  absl::StatusOr<Baseline> b = Baseline::Parse(bytes);
  if (!b.ok()) {
    FUZZ_CHECK(absl::IsDataLoss(b.status()));
    return 0;
  }
  CheckRoundTrip(*b);
  if (!bytes.empty() && bytes[0] == 2) FUZZ_CHECK(b->Serialize() == bytes);
  if (bytes.empty()) FUZZ_CHECK(b->empty());
  guestguard::fuzz::Input in(data + size - tail, tail);
  Update(*b, in);
  return 0;
}
