// Copyright 2026 GuestGuard authors.
//
// The benchmark runner: Google Benchmark's console output, then a summary that
// puts each figure beside its anchor and target, so one run shows the ratios.
#include <cstdio>
#include <map>
#include <string>

#include "benchmark/benchmark.h"
#include "guestguard/baseline.h"

namespace {

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred || run.iterations == 0) continue;
      ns_per_op_[run.benchmark_name()] = run.cpu_accumulated_time * 1e9 / run.iterations;
      auto rate = run.counters.find("items_per_second");
      if (rate != run.counters.end()) rate_[run.benchmark_name()] = rate->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n== GuestGuard figures (figure | anchor | target) ==\n");
    Ratio("BM_TokenVerify throughput vs BM_HmacSha256Raw", "BM_HmacSha256Raw", "BM_TokenVerify",
          ">= 0.70x");
    Ratio("BM_TokenSign throughput vs BM_HmacSha256Raw", "BM_HmacSha256Raw", "BM_TokenSign", "-");
    if (Has("BM_CidrContains/10000")) {
      std::printf("%-52s %10.1f ns | linear scan %10.1f ns | <= 100 ns\n", "BM_CidrContains/10000",
                  ns_per_op_["BM_CidrContains/10000"], Get("BM_CidrLinearScan/10000"));
    }
    if (Has("BM_GuardCheck/1000")) {
      std::printf("%-52s %10.0f /s | per core          | >= 300000 /s\n",
                  "BM_GuardCheck/1000 throughput", 1e9 / ns_per_op_["BM_GuardCheck/1000"]);
    }
    if (Has("BM_GuardCheck/1000") && Has("BM_GuardCheck/1000000")) {
      std::printf("%-52s %10.2fx | BM_GuardCheck/1000 | <= 1.50x\n",
                  "BM_GuardCheck/1000000 time vs /1000",
                  ns_per_op_["BM_GuardCheck/1000000"] / ns_per_op_["BM_GuardCheck/1000"]);
    }
    if (rate_.count("BM_NatsPublishSync/real_time") > 0 &&
        rate_.count("BM_InProcessBusPublish") > 0) {
      std::printf("%-52s %10.0f /s | in-process bus %.0f /s | -\n", "JetStream sync publish rate",
                  rate_["BM_NatsPublishSync/real_time"], rate_["BM_InProcessBusPublish"]);
    }
    if (rate_.count("BM_NatsPublishAsync/real_time") > 0 &&
        rate_.count("BM_NatsPublishSync/real_time") > 0) {
      std::printf("%-52s %10.0f /s | sync %.0f /s (%.1fx) | -\n", "JetStream async publish rate",
                  rate_["BM_NatsPublishAsync/real_time"], rate_["BM_NatsPublishSync/real_time"],
                  rate_["BM_NatsPublishAsync/real_time"] / rate_["BM_NatsPublishSync/real_time"]);
    }
    std::printf("%-52s %10zu B  | fixed, no heap     | <= 512 B\n", "bytes per guest baseline",
                sizeof(guestguard::Baseline));
    for (const char* name :
         {"BM_GuardCheckSqlite/1000/real_time", "BM_GuardCheckPostgres/1000/real_time/threads:1",
          "BM_GuardCheckPostgres/1000/real_time/threads:8"}) {
      if (rate_.count(name) == 0 || rate_.count("BM_GuardCheck/1000") == 0) continue;
      std::printf("%-52s %10.0f /s | memory %.0f /s (%.3fx) | -\n", name, rate_[name],
                  rate_["BM_GuardCheck/1000"], rate_[name] / rate_["BM_GuardCheck/1000"]);
    }
  }

 private:
  bool Has(const std::string& name) const { return ns_per_op_.count(name) > 0; }
  double Get(const std::string& name) const { return Has(name) ? ns_per_op_.at(name) : 0; }

  // Throughput of `figure` relative to `anchor` (higher is better).
  void Ratio(const char* title, const std::string& anchor, const std::string& figure,
             const char* target) {
    if (!Has(anchor) || !Has(figure)) return;
    std::printf("%-52s %10.2fx | %s %.1f ns vs %.1f ns | %s\n", title,
                ns_per_op_[anchor] / ns_per_op_[figure], anchor.c_str(), ns_per_op_[anchor],
                ns_per_op_[figure], target);
  }

  std::map<std::string, double> ns_per_op_;  // CPU time per iteration.
  std::map<std::string, double> rate_;       // items_per_second, all threads together.
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
