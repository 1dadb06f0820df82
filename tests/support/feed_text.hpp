#pragma once
// Feeds log text to a RecordAssembler line by line, as the input stage would (no fixtures, so
// the fuzz targets can use it too).
#include <cstdint>
#include <string_view>

#include "pkgly_trail/parse/record_assembler.hpp"

namespace pkgly_trail::testing {

// Hands `log` to the assembler line by line (split at LF, as the input stage splits), numbered
// from 1, then flushes it.
inline void feed_text(std::string_view log, RecordAssembler& assembler) {
  std::uint64_t number = 0;
  for (std::size_t start = 0; start < log.size();) {
    std::size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    assembler.on_line(log.substr(start, end - start), ++number);
    start = end + 1;
  }
  assembler.end_input();
}

}  // namespace pkgly_trail::testing
