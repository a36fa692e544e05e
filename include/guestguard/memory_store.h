// Copyright 2026 GuestGuard authors.
//
// The in-memory Store: fast, bounded, gone with the process. For embedding,
// tests and benchmarks.
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
  // Recent access times kept per guest for LoadGuestState's count (the count
  // saturates at this). Default: 16. Must be within [16, 1024].
  size_t recent_uses_per_guest = 16;
};

// InvalidArgument naming the bad field.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewMemoryStore(MemoryStoreOptions options);

}  // namespace guestguard

#endif  // GUESTGUARD_MEMORY_STORE_H_
