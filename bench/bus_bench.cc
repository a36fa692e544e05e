// Copyright 2026 GuestGuard authors.
//
// Publish rates of the buses. BM_InProcessBusPublish is the anchor (no
// transport at all); BM_NatsPublishSync waits for each JetStream ack in turn;
// BM_NatsPublishAsync publishes batches of kBatch with PublishBatch (acks
// awaited together). The NATS ones are registered only when
// GUESTGUARD_TEST_NATS_URL is set (scripts/with_nats sets it).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "guestguard/bus.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/nats_bus.h"

namespace guestguard {
namespace {

constexpr int kBatch = 1000;

// An access.scored event of typical size (about 300 bytes).
const std::string& Payload() {
  static const std::string payload =
      R"({"event_id":"ev_7f3a9c21","guest_id":"g_1b2c3d4e","access_log_id":"981234",)"
      R"("kind":"open","score":42,"band":"medium","label":"Review","allowlisted":false,)"
      R"("reasons":[{"code":"new_network","score":42,"message":"First access from this network"},)"
      R"({"code":"fingerprint_partial","score":20,"message":"Device partly changed"}]})";
  return payload;
}

// A unique id per message of the whole run (every id is new to the
// duplicate window, as in production).
std::string NextId() {
  static int64_t next = 0;
  return absl::StrCat("bench:", ::getpid(), ":", next++);
}

// The NATS bus every NATS benchmark shares, opened once; null after an error
// stored in `error`.
Bus* NatsBus(std::string* error) {
  static std::string open_error;
  static std::unique_ptr<Bus> bus = [] {
    NatsBusOptions options;
    options.url = std::getenv("GUESTGUARD_TEST_NATS_URL");
    options.subject_prefix = absl::StrCat("ggbench", ::getpid());
    options.stream_name = absl::StrCat("BENCH_", ::getpid());
    options.max_bytes = int64_t{512} << 20;
    auto opened = NewNatsBus(options);
    if (!opened.ok()) {
      open_error = opened.status().ToString();
      return std::unique_ptr<Bus>();
    }
    return std::move(*opened);
  }();
  *error = open_error;
  return bus.get();
}

std::string NatsSubject() { return absl::StrCat("ggbench", ::getpid(), ".access.scored"); }

void BM_InProcessBusPublish(benchmark::State& state) {
  // No subscriber: the cost of the call, de-duplication included.
  auto bus = NewInProcessBus({});
  if (!bus.ok()) {
    state.SkipWithError(std::string(bus.status().message()).c_str());
    return;
  }
  Message m{.id = "", .subject = "guestguard.access.scored", .payload = Payload()};
  for (auto _ : state) {
    m.id = NextId();
    if (!(*bus)->Publish(m).ok()) {
      state.SkipWithError("publish failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("anchor: no transport");
}
BENCHMARK(BM_InProcessBusPublish);

void BM_NatsPublishSync(benchmark::State& state) {
  std::string error;
  Bus* bus = NatsBus(&error);
  if (bus == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  Message m{.id = "", .subject = NatsSubject(), .payload = Payload()};
  for (auto _ : state) {
    m.id = NextId();
    const absl::Status s = bus->Publish(m);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("one JetStream ack awaited per message");
}

void BM_NatsPublishAsync(benchmark::State& state) {
  std::string error;
  Bus* bus = NatsBus(&error);
  if (bus == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<Message> batch(kBatch,
                             Message{.id = "", .subject = NatsSubject(), .payload = Payload()});
  for (auto _ : state) {
    for (Message& m : batch) m.id = NextId();
    for (const absl::Status& s : bus->PublishBatch(batch)) {
      if (!s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel(absl::StrCat("PublishBatch of ", kBatch, ", acks awaited together"));
}

// Registered only against a server: without one there is nothing to measure.
[[maybe_unused]] const bool kNatsRegistered = [] {
  if (std::getenv("GUESTGUARD_TEST_NATS_URL") == nullptr) return false;
  benchmark::RegisterBenchmark("BM_NatsPublishSync", BM_NatsPublishSync)->UseRealTime();
  benchmark::RegisterBenchmark("BM_NatsPublishAsync", BM_NatsPublishAsync)->UseRealTime();
  return true;
}();

}  // namespace
}  // namespace guestguard
