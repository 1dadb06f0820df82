#pragma once
// Every record of a request repeats its spans' fields verbatim (the `HTTP request` span alone
// is most of a `full` line). Parsing each distinct span text once and reusing the fields makes
// the text parser several times cheaper on real logs, where a few requests interleave.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "field_syntax.hpp"

namespace pkgly_trail {

class SpanCache {
 public:
  // Appends the fields of `raw` (a span's field list as logged) to out.span_fields. The views
  // stay valid until the next record starts (begin_record()).
  void split(std::string_view raw, const FieldSyntax& syntax, Record& out);
  // Entries used by the previous record may be replaced from now on.
  void begin_record() noexcept { ++generation_; }

 private:
  // Short field lists are cheaper to parse than to look up.
  static constexpr std::size_t kMinCachedBytes = 96;
  struct Entry {
    std::string raw;
    const FieldSyntax* syntax = nullptr;
    std::vector<Field> fields;
    TextArena arena{4096};
    std::uint64_t last_use = 0;  // generation of the record that used it last
  };
  std::array<Entry, 8> entries_;
  std::uint64_t generation_ = 1;
};

}  // namespace pkgly_trail
