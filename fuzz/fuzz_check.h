// Copyright 2026 GuestGuard authors.
//
// What every harness in fuzz/ shares: the libFuzzer entry point's signature,
// an invariant check that holds in Release builds too (assert() is compiled
// out there, and the replay tests run in Release), and a small reader that
// carves typed values off the front of a fuzz input.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     guestguard::fuzz::Input in(data, size);
//     std::string id = in.String(64);
//     FUZZ_CHECK(Parse(in.Rest()).ok() || ...);
//     return 0;
//   }
//
// Thread-compatible; harnesses run one input at a time.
#ifndef GUESTGUARD_FUZZ_FUZZ_CHECK_H_
#define GUESTGUARD_FUZZ_FUZZ_CHECK_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Aborts (a crash libFuzzer and the replay driver both report) with the file,
// line and condition when `cond` is false.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace guestguard::fuzz {

// Reads from the front of the input; every read past the end yields zeros or
// empty strings, so a harness never has to check for exhaustion.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  bool Bool() { return (Byte() & 1) != 0; }
  // Little-endian, `n` <= 8 bytes.
  uint64_t Fixed(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{Byte()} << (8 * i);
    return v;
  }
  // A length byte (mod max_len + 1), then that many bytes.
  std::string String(size_t max_len) {
    // Read the length first: rest_.size() must be taken after Byte() (as
    // arguments of one call, their order is unspecified).
    const size_t wanted = Byte() % (max_len + 1);
    const size_t n = std::min(wanted, rest_.size());
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  // Everything not read yet (and consumes it).
  std::string_view Rest() {
    std::string_view r = rest_;
    rest_ = {};
    return r;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace guestguard::fuzz

#endif  // GUESTGUARD_FUZZ_FUZZ_CHECK_H_
