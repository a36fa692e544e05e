// Copyright 2026 GuestGuard authors.
//
// CidrSet::Contains (binary search over merged ranges) against its anchor, a
// linear scan over the same entries with Cidr::Contains. Both run the same
// fixed-seed set and the same probe sequence; compare BM_CidrContains/N with
// BM_CidrLinearScan/N.

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "benchmark/benchmark.h"
#include "guestguard/cidr.h"

namespace guestguard {
namespace {

constexpr uint64_t kSeed = 0x6775657374;  // Fixed: every run measures the same data.
constexpr size_t kProbes = 1 << 14;       // A power of two, cycled through.

struct Workload {
  CidrSet set;
  std::vector<IpAddress> probes;
};

IpAddress MapToV6(uint32_t v4) {
  std::array<uint8_t, 16> bytes{};
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  for (int i = 0; i < 4; ++i) bytes[12 + i] = static_cast<uint8_t>(v4 >> (24 - 8 * i));
  return IpAddress::FromV6(bytes);
}

std::array<uint8_t, 16> RandomBytes(std::mt19937_64& rng) {
  std::array<uint8_t, 16> bytes{};
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

// `entries` random blocks (half IPv4 /12-/32, 40% IPv6 /33-/128 under a few
// /32 sites, 10% v4-mapped IPv6), and probes of which about half fall inside
// an entry, in both address forms. Built once per size; not thread-safe.
const Workload& GetWorkload(size_t entries) {
  static auto* workloads = new std::map<size_t, Workload>();
  auto it = workloads->find(entries);
  if (it != workloads->end()) return it->second;

  std::mt19937_64 rng(kSeed);
  const auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  std::array<uint32_t, 8> sites{};
  for (uint32_t& site : sites) site = static_cast<uint32_t>(rng());
  const auto site_address = [&] {
    std::array<uint8_t, 16> bytes = RandomBytes(rng);
    const uint32_t site = sites[static_cast<size_t>(uniform(0, 7))];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(site >> (24 - 8 * i));
    return IpAddress::FromV6(bytes);
  };

  std::vector<Cidr> cidrs;
  cidrs.reserve(entries);
  while (cidrs.size() < entries) {
    const int kind = uniform(0, 9);
    absl::StatusOr<Cidr> cidr =
        kind < 5   ? Cidr::Make(IpAddress::FromV4(static_cast<uint32_t>(rng())), uniform(12, 32))
        : kind < 9 ? Cidr::Make(site_address(), uniform(33, 128))
                   : Cidr::Make(MapToV6(static_cast<uint32_t>(rng())), uniform(108, 128));
    if (cidr.ok()) cidrs.push_back(*cidr);
  }

  Workload workload{CidrSet(cidrs), {}};
  workload.probes.reserve(kProbes);
  while (workload.probes.size() < kProbes) {
    if (uniform(0, 1) == 0) {
      // The network address of an entry, in the other form half the time.
      const IpAddress& network =
          cidrs[static_cast<size_t>(uniform(0, static_cast<int>(entries) - 1))].network();
      if (network.is_v4() && uniform(0, 1) == 0) {
        workload.probes.push_back(MapToV6(network.v4()));
      } else {
        workload.probes.push_back(uniform(0, 1) == 0 ? network.Unmapped() : network);
      }
      continue;
    }
    switch (uniform(0, 3)) {
      case 0:
        workload.probes.push_back(IpAddress::FromV4(static_cast<uint32_t>(rng())));
        break;
      case 1:
        workload.probes.push_back(MapToV6(static_cast<uint32_t>(rng())));
        break;
      case 2:
        workload.probes.push_back(site_address());
        break;
      default:
        workload.probes.push_back(IpAddress::FromV6(RandomBytes(rng)));
    }
  }
  return workloads->emplace(entries, std::move(workload)).first->second;
}

// The anchor: every entry, tried with the address and its other form.
bool LinearContains(const CidrSet& set, const IpAddress& address) {
  const bool v4 = address.is_v4();
  const bool mapped = address.IsV4Mapped();
  const IpAddress other = v4 ? MapToV6(address.v4()) : address.Unmapped();
  for (const Cidr& cidr : set.entries()) {
    if (cidr.Contains(address)) return true;
    if ((v4 || mapped) && cidr.Contains(other)) return true;
  }
  return false;
}

void BM_CidrContains(benchmark::State& state) {
  const Workload& workload = GetWorkload(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const bool hit = workload.set.Contains(workload.probes[i++ & (kProbes - 1)]);
    benchmark::DoNotOptimize(hit);
    hits += hit;
  }
  state.counters["hit_ratio"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
  state.SetLabel("binary search; anchor: BM_CidrLinearScan");
}
BENCHMARK(BM_CidrContains)->Arg(10000);

void BM_CidrLinearScan(benchmark::State& state) {
  const Workload& workload = GetWorkload(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    const bool hit = LinearContains(workload.set, workload.probes[i++ & (kProbes - 1)]);
    benchmark::DoNotOptimize(hit);
    hits += hit;
  }
  state.counters["hit_ratio"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
  state.SetLabel("anchor: linear scan over entries()");
}
BENCHMARK(BM_CidrLinearScan)->Arg(10000);

}  // namespace
}  // namespace guestguard
