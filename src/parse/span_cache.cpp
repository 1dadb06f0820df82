#include "span_cache.hpp"

#include <cstring>

namespace pkgly_trail {

void SpanCache::split(std::string_view raw, const FieldSyntax& syntax, Record& out) {
  if (raw.size() < kMinCachedBytes) {
    split_fields(raw, syntax, false, nullptr, out.span_fields, out.arena);
    return;
  }
  Entry* oldest = nullptr;
  for (Entry& entry : entries_) {
    if (entry.syntax == &syntax && entry.raw.size() == raw.size() &&
        std::memcmp(entry.raw.data(), raw.data(), raw.size()) == 0) {
      entry.last_use = generation_;
      out.span_fields.insert(out.span_fields.end(), entry.fields.begin(), entry.fields.end());
      return;
    }
    if (entry.last_use != generation_ && (!oldest || entry.last_use < oldest->last_use))
      oldest = &entry;
  }
  if (!oldest) {  // every entry serves the current record: parse without caching
    split_fields(raw, syntax, false, nullptr, out.span_fields, out.arena);
    return;
  }
  Entry& entry = *oldest;
  entry.raw.assign(raw);
  entry.syntax = &syntax;
  entry.fields.clear();
  entry.arena.reset();
  entry.last_use = generation_;
  // Parse the cached copy, so the fields point into storage that outlives this record's text.
  split_fields(entry.raw, syntax, false, nullptr, entry.fields, entry.arena);
  out.span_fields.insert(out.span_fields.end(), entry.fields.begin(), entry.fields.end());
}

}  // namespace pkgly_trail
