#pragma once
// Feeds a fixture log to a RecordAssembler line by line, as the input stage would.
#include <string>
#include <string_view>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/truth.hpp"

namespace pkgly_trail::testing {

// `as` is the input name the records carry in their source.
inline void feed_fixture(const std::string& fixture, std::string_view as,
                         RecordAssembler& assembler) {
  assembler.begin_input(as);
  const std::string log = read_file(fixture_path(fixture));
  std::uint64_t number = 0;
  for (std::size_t start = 0; start < log.size();) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    assembler.on_line(std::string_view(log).substr(start, end - start), ++number);
    start = end + 1;
  }
  assembler.flush();
}

}  // namespace pkgly_trail::testing
