// Copyright 2026 GuestGuard authors.
//
// The in-memory Store: fast, bounded, gone with the process. For embedding,
// tests and benchmarks. LoadGuestState counts recent uses from the last 32
// accesses of a guest, to the second.
//
//   auto store = guestguard::NewMemoryStore({});
#ifndef GUESTGUARD_MEMORY_STORE_H_
#define GUESTGUARD_MEMORY_STORE_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "guestguard/store.h"

namespace guestguard {

struct MemoryStoreOptions {
  // Access records kept; the oldest (and its feedback) is dropped beyond it.
  // Default: 1,000,000. Must be >= 1.
  size_t max_access_records = 1000000;
};

// InvalidArgument naming the bad field.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewMemoryStore(MemoryStoreOptions options);

}  // namespace guestguard

#endif  // GUESTGUARD_MEMORY_STORE_H_
