#pragma once
// Feeds text to a RecordAssembler line by line and keeps copies of the records.
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/parse/record_assembler.hpp"
#include "support/collect.hpp"
#include "support/feed_text.hpp"

namespace pkgly_trail::testing {

struct Parsed {
  std::vector<Record> records;
  ParseStats stats;
};

inline Parsed parse_text(std::string_view text, AssemblerOptions options = {}) {
  CollectRecords collected;
  RecordAssembler assembler(collected, options);
  assembler.begin_input("test.log");
  feed_text(text, assembler);
  return {std::move(collected.records), assembler.stats()};
}

inline std::string field_text(const Record& record, std::string_view key) {
  const Value* value = record.field(key);
  return value ? std::string(value->text) : std::string("<absent>");
}

}  // namespace pkgly_trail::testing
