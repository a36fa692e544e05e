// Copyright 2026 GuestGuard authors.
//
// BM_Score: the heuristic scorer alone. BM_GuardCheck/N: the whole Check
// (verify, load, score, record, learn) on the memory store with N guests; its
// anchor is itself at N=1000 (target: >= 300k/s per core, and no more than
// 1.5x slower at 1,000,000 guests).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "guestguard/guard.h"
#include "guestguard/memory_store.h"
#include "guestguard/postgres_store.h"
#include "guestguard/scoring.h"
#include "guestguard/sqlite_store.h"
#include "internal/huge_page_allocator.h"

namespace guestguard {
namespace {

long ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4096;
}

AccessAttempt UsualDevice() {
  AccessAttempt a;
  a.kind = AccessKind::kOpen;
  a.client_ip = "203.0.113.42";
  a.signals = {.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
               .fingerprint = "fp-usual-device",
               .timezone = "Europe/Berlin",
               .language = "de-DE",
               .screen = "1920x1080",
               .platform = "Linux x86_64"};
  return a;
}

AccessAttempt OtherDevice() {
  AccessAttempt a = UsualDevice();
  a.client_ip = "198.51.100.7";
  a.signals.fingerprint = "fp-other-device";
  a.signals.screen = "390x844";
  a.signals.platform = "iPhone";
  return a;
}

void BM_Score(benchmark::State& state) {
  HeuristicScorer scorer{ScoringOptions{}};
  Baseline baseline;
  for (int i = 0; i < 3; ++i) {
    AccessAttempt a = UsualDevice();
    a.at = absl::FromUnixSeconds(1795000000 + i * 3600);
    a.client_ip = absl::StrCat("203.0.", 113 + i, ".42");
    baseline.Learn(*AccessFeatures::From(a));
  }
  AccessAttempt attempt = UsualDevice();
  attempt.at = absl::FromUnixSeconds(1795020000);
  attempt.signals.fingerprint = "fp-shifted";  // One component moved: partial match.
  attempt.signals.screen = "2560x1440";
  attempt.client_ip = "203.0.113.77";
  const AccessFeatures features = *AccessFeatures::From(attempt);
  for (auto _ : state) {
    Verdict v = scorer.Evaluate({attempt, features, baseline, 2, Thresholds()});
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["baseline_bytes"] = sizeof(Baseline);
}
BENCHMARK(BM_Score);

// The guests' tokens, back to back in fixed 128-byte slots of one huge-page
// buffer: a real request brings its token in a hot buffer, so the harness
// must not add a TLB miss and a cold heap string per check of its own.
class TokenTable {
 public:
  void Reserve(size_t n) { slots_.reserve(n * kMaxTokenLength); }
  void Add(std::string_view token) {
    const size_t at = slots_.size();
    slots_.resize(at + kMaxTokenLength, '\0');
    std::copy(token.begin(), token.end(), slots_.begin() + at);
    sizes_.push_back(static_cast<uint8_t>(token.size()));
  }
  std::string_view operator[](size_t i) const {
    return {slots_.data() + i * kMaxTokenLength, sizes_[i]};
  }
  size_t size() const { return sizes_.size(); }

 private:
  std::vector<char, internal::HugePageAllocator<char>> slots_;
  std::vector<uint8_t> sizes_;
};

// N guests on one event, each with an issued token and a learned baseline,
// on one store backend.
struct GuardWorkload {
  std::unique_ptr<Guard> guard;
  TokenTable tokens;
  double bytes_per_guest = 0;
  std::string error;  // Set when the backend could not be opened.
};

using StoreMaker = std::function<absl::StatusOr<std::unique_ptr<Store>>()>;

// Built once per (backend, N); thread-safe.
GuardWorkload& Workload(const std::string& backend, const StoreMaker& make, size_t guests) {
  static absl::Mutex mu;
  static auto* workloads =
      new std::map<std::pair<std::string, size_t>, std::unique_ptr<GuardWorkload>>();
  absl::MutexLock lock(&mu);
  auto& slot = (*workloads)[{backend, guests}];
  if (slot) return *slot;
  slot = std::make_unique<GuardWorkload>();
  const long rss_before = ResidentBytes();
  auto store = make();
  if (!store.ok()) {
    slot->error = std::string(store.status().message());
    return *slot;
  }
  GuardOptions options;
  options.store = std::move(*store);
  options.keyring = *Keyring::Parse("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  options.clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1795000000));
  slot->guard = *Guard::Open(std::move(options));
  slot->tokens.Reserve(guests);
  AccessAttempt first = UsualDevice();
  first.at = absl::FromUnixSeconds(1795000000);
  for (size_t i = 0; i < guests; ++i) {
    slot->tokens.Add(*slot->guard->IssueToken("ev-bench", absl::StrCat("g", i)));
    auto d = slot->guard->Check(slot->tokens[i], first);
    if (!d.ok()) {
      slot->error = std::string(d.status().message());
      return *slot;
    }
  }
  slot->bytes_per_guest = static_cast<double>(ResidentBytes() - rss_before) / guests;
  return *slot;
}

// The workload every backend runs: a random guest per check, 10% of checks
// from another device and network; time moves one second per check.
void RunGuardChecks(benchmark::State& state, const std::string& backend, const StoreMaker& make) {
  GuardWorkload& w = Workload(backend, make, static_cast<size_t>(state.range(0)));
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  AccessAttempt usual = UsualDevice();
  AccessAttempt other = OtherDevice();
  static std::atomic<int64_t> second{1795000000 + 3600};
  uint64_t x = 0x9e3779b97f4a7c15ull ^ (static_cast<uint64_t>(state.thread_index()) << 32);
  for (auto _ : state) {
    x ^= x << 13;  // xorshift64: a guest at random each time.
    x ^= x >> 7;
    x ^= x << 17;
    AccessAttempt& attempt = (x % 10 == 0) ? other : usual;
    attempt.at = absl::FromUnixSeconds(second.fetch_add(1));
    auto decision = w.guard->Check(w.tokens[x % w.tokens.size()], attempt);
    if (!decision.ok() || decision->token_status != TokenStatus::kValid) {
      state.SkipWithError(decision.ok() ? "token refused"
                                        : std::string(decision.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
  if (backend == "memory") state.counters["store_bytes_per_guest"] = w.bytes_per_guest;
}

void BM_GuardCheck(benchmark::State& state) {
  // The log bound is below both runs' check counts, so both measure the
  // steady state of a full log (every append evicts the oldest record).
  RunGuardChecks(state, "memory", [] { return NewMemoryStore({.max_access_records = 100000}); });
  state.SetLabel("anchor BM_GuardCheck/1000");
}
BENCHMARK(BM_GuardCheck)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_GuardCheckSqlite(benchmark::State& state) {
  RunGuardChecks(state, "sqlite", [] {
    const std::string path = "/tmp/guestguard_bench_" + std::to_string(::getpid()) + ".db";
    std::remove(path.c_str());
    return NewSqliteStore("sqlite:" + path);
  });
  state.SetLabel("anchor BM_GuardCheck/1000 (memory)");
}
// 8 threads: concurrent checks share SQLite transactions (group commit).
BENCHMARK(BM_GuardCheckSqlite)
    ->Arg(1000)
    ->Threads(1)
    ->Threads(8)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Needs GUESTGUARD_TEST_POSTGRES_URL (bench/pg_compare.sh and scripts/with_postgres set it).
void BM_GuardCheckPostgres(benchmark::State& state) {
  RunGuardChecks(state, "postgres", []() -> absl::StatusOr<std::unique_ptr<Store>> {
    const char* url = std::getenv("GUESTGUARD_TEST_POSTGRES_URL");
    if (url == nullptr) {
      return absl::FailedPreconditionError(
          "set GUESTGUARD_TEST_POSTGRES_URL (run through scripts/with_postgres)");
    }
    return NewPostgresStore(url, {.max_connections = 16});
  });
  state.SetLabel("anchor BM_GuardCheck/1000 (memory); pgbench in bench/pg_compare.sh");
}
BENCHMARK(BM_GuardCheckPostgres)
    ->Arg(1000)
    ->Threads(1)
    ->Threads(8)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace guestguard
