// Copyright 2026 GuestGuard authors.
//
// A standalone driver for the harnesses in fuzz/ when they are built without
// libFuzzer (GCC, Release or ASan+UBSan): runs LLVMFuzzerTestOneInput once
// over every regular file in the directories (or files) named on the command
// line, in name order, and prints how many it ran. A failing invariant or a
// sanitizer report aborts the process (the test fails); so does an argument
// that is neither a file nor a directory holding at least one file, so that a
// mistyped corpus path cannot pass as an empty run.
//
//   fuzz_cidr fuzz/corpus/cidr      # "fuzz_cidr: replayed 23 inputs"
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz/fuzz_check.h"

namespace {

namespace fs = std::filesystem;

// The bytes of `path`; exits with an error when it cannot be read.
std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  size_t total = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    }
    if (files.empty()) {
      std::fprintf(stderr, "%s: no input files in %s\n", argv[0], argv[i]);
      return 2;
    }
    for (const fs::path& file : files) {
      const std::string bytes = ReadFile(file);
      std::fprintf(stderr, "running %s\n", file.c_str());
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++total;
    }
  }
  std::printf("%s: replayed %zu inputs\n", argv[0], total);
  return 0;
}
