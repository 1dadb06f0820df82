#pragma once
// Feeds a fixture log to a RecordAssembler line by line, as the input stage would.
#include <string>
#include <string_view>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/feed_text.hpp"
#include "support/truth.hpp"

namespace pkgly_trail::testing {

// `as` is the input name the records carry in their source.
inline void feed_fixture(const std::string& fixture, std::string_view as,
                         RecordAssembler& assembler) {
  assembler.begin_input(as);
  feed_text(read_file(fixture_path(fixture)), assembler);
}

}  // namespace pkgly_trail::testing
