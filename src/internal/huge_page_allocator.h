// Copyright 2026 GuestGuard authors.
//
// An allocator for big, randomly accessed tables (the memory store's guest
// maps): allocations of 2 MiB and more come from mmap with
// madvise(MADV_HUGEPAGE), so a lookup in a table of millions of guests costs a
// cache miss, not also a TLB miss and page walk. Smaller ones use operator new.
// Works whether transparent huge pages are "always" or "madvise"; where they
// are off it is plain anonymous memory. Stateless; thread-safe. Private.
#ifndef GUESTGUARD_INTERNAL_HUGE_PAGE_ALLOCATOR_H_
#define GUESTGUARD_INTERNAL_HUGE_PAGE_ALLOCATOR_H_

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace guestguard::internal {

inline constexpr size_t kHugePageSize = size_t{2} << 20;

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding.

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) return static_cast<T*>(::operator new(bytes));
    void* p =
        mmap(nullptr, RoundUp(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, RoundUp(bytes), MADV_HUGEPAGE);  // Advice only: failure is harmless.
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageSize) {
      ::operator delete(p);
    } else {
      munmap(p, RoundUp(bytes));
    }
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }

 private:
  static size_t RoundUp(size_t bytes) { return (bytes + kHugePageSize - 1) & ~(kHugePageSize - 1); }
};

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_HUGE_PAGE_ALLOCATOR_H_
