// Runs a fuzz target's entry point on files and directories of inputs, without libFuzzer: the
// ordinary test build (g++, no clang) replays each committed seed corpus through its target, so a
// change that breaks a target's checks fails `ctest`, not only the fuzz smoke run.
//
//   <target>_replay fuzz/corpus/<target>      (a directory: every file in it, in name order)
//
// Exits 0 when every input ran; a failed check aborts (fuzz_support.hpp prints which input).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Defined by the targets that set something up once (input_fuzz ignores SIGPIPE).
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& path) {
  if (!std::filesystem::is_directory(path)) return {path};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& file : inputs_of(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 2;
      }
      const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
      ++ran;
    }
  }
  // A corpus that is not there would pass on nothing.
  if (ran == 0) {
    std::fprintf(stderr, "no input in %s\n", argv[1]);
    return 2;
  }
  std::printf("%zu inputs replayed\n", ran);
  return 0;
}
