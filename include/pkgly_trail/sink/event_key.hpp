#pragma once
// The key of an audit event in a store (`join --sqlite`, `join --postgres`): what makes a re-run,
// a second copy of a log or a second writer add nothing. It is the SHA-256 of the event's
// `audit -o json` object without its last member, "source", so the same event read from a
// renamed, rotated or gzipped copy of the log (another name, other line numbers) has the same
// key; 32 hex digits (the first 128 bits).
#include <array>
#include <string_view>

namespace pkgly_trail {

using EventKey = std::array<char, 32>;

// `record_json` as append_record_json (json_writer.hpp) writes an audit record.
EventKey event_key_of(std::string_view record_json) noexcept;
// The same digest of any text: for keys of other things (hunt's alerts in a store).
EventKey content_key(std::string_view text) noexcept;

inline std::string_view to_string_view(const EventKey& key) noexcept {
  return std::string_view(key.data(), key.size());
}

}  // namespace pkgly_trail
