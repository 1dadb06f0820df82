#pragma once
// One tracing record, whatever format it was logged in. Every string_view points either into
// the read buffer (valid until the next record) or into the record's own arena; clone() makes
// a copy that owns all of its text, for the correlation index.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "pkgly_trail/record/text_arena.hpp"

namespace pkgly_trail {

enum class Level : std::uint8_t { Trace, Debug, Info, Warn, Error };
enum class Format : std::uint8_t { Full, Compact, Pretty, Json };

std::string_view to_string(Level level) noexcept;
std::string_view to_string(Format format) noexcept;
// Accepts TRACE/DEBUG/INFO/WARN/ERROR in any case; "warning" too.
std::optional<Level> parse_level(std::string_view text) noexcept;

// How the fields of a Pkgly target (audit, access, upstream access) fitted its fixed schema.
enum class SchemaFit : std::uint8_t {
  None,        // not such a target, or a json record (its fields need no schema)
  Complete,    // fitted, and the record cannot continue on another line
  OpenEnded,   // fitted, but the last value is free text that a newline could continue
  Broken,      // did not fit (cut short, or hostile): split generically
  Unfinished,  // does not fit yet, but is the start of a record of the schema whose last
               // free-text value a continuation line (after a newline in it) could finish
};

enum class ValueKind : std::uint8_t { String, Integer, Float, Bool, Null };

// A typed field value. For numbers and booleans `text` is the literal as logged ("201",
// "0.00072", "true"), so output keeps the exact digits; for strings it is the decoded text.
struct Value {
  ValueKind kind = ValueKind::String;
  std::string_view text;

  static Value string(std::string_view s) noexcept { return {ValueKind::String, s}; }
  static Value integer(std::string_view s) noexcept { return {ValueKind::Integer, s}; }
  static Value floating(std::string_view s) noexcept { return {ValueKind::Float, s}; }
  static Value boolean(bool b) noexcept { return {ValueKind::Bool, b ? "true" : "false"}; }
  static Value null() noexcept { return {ValueKind::Null, {}}; }

  std::optional<std::int64_t> as_integer() const noexcept;
  friend bool operator==(const Value&, const Value&) = default;
};

struct Field {
  std::string_view key;
  Value value;
};

struct Span {
  std::string_view name;
  std::uint32_t first_field = 0;  // index into Record::span_fields
  std::uint32_t field_count = 0;
};

struct SourceRef {
  std::string_view input;  // file name as given, or "-" for stdin
  std::uint64_t line = 0;  // first physical line of the record, 1-based
};

inline constexpr std::string_view kHttpRequestSpan = "HTTP request";
inline constexpr std::string_view kAuditTarget = "pkgly::audit";
inline constexpr std::string_view kAccessTarget = "pkgly::access";
inline constexpr std::string_view kUpstreamAccessTarget = "pkgly::upstream_access";

class Record {
 public:
  std::string_view timestamp;  // as logged, e.g. 2025-11-20T10:15:30.369463Z; empty = none
  Level level = Level::Info;
  std::string_view target;
  std::optional<std::string_view> message;
  std::vector<Field> fields;  // event fields in log order, message excluded
  std::vector<Span> spans;    // root first
  std::vector<Field> span_fields;
  std::string_view request_id;  // from the `HTTP request` span or the record's own field
  std::string_view trace_id;    // as logged (may be all zeros); empty = absent
  Format format = Format::Full;
  SchemaFit schema_fit = SchemaFit::None;
  // Why this record may not be what Pkgly wrote (empty: no doubt). Set where the log can be
  // read two ways, for example a value holding a newline and a line that looks like a record
  // (docs/security.md); a static string.
  std::string_view suspect;
  SourceRef source;
  std::string_view service;  // docker compose service of the line, empty when none
  TextArena arena;

  Record() = default;
  Record(Record&&) noexcept = default;
  Record& operator=(Record&&) noexcept = default;

  // Forgets the content, keeps the capacity of vectors and arena.
  void clear() noexcept;
  // A deep copy whose views all point into its own arena.
  Record clone() const;
  // Makes this record such a copy of `other`, reusing its own capacity, so a record recycled
  // for records of similar size allocates nothing.
  void copy_from(const Record& other);
  // Bytes of text the views cover: what a copy stores in its arena.
  std::size_t text_size() const noexcept;

  // An event field written twice (Pkgly never does: a forged or mangled record) gives its
  // later value, as the JSON outputs, jq and jsonb do, so every output and filter agrees.
  const Value* field(std::string_view key) const noexcept;
  // The first event field written again with another value; empty when none is.
  std::string_view repeated_field() const noexcept;
  // Innermost span first, as tracing resolves a name.
  const Value* span_field(std::string_view key) const noexcept;
  std::span<const Field> fields_of(const Span& span) const noexcept;
  // A value by the name a user types: timestamp, level, target, message, request_id,
  // trace_id, format, then an event field, then a span field (innermost first).
  std::optional<Value> lookup(std::string_view name) const noexcept;
  // Is `name` one lookup() takes from the record itself (timestamp ... format), not a field?
  static bool is_member_name(std::string_view name) noexcept;
  const Span* find_span(std::string_view name) const noexcept;
  // trace_id when it is a usable W3C id: 32 hex digits, not all zeros.
  std::string_view valid_trace_id() const noexcept;
  // Fills request_id and trace_id from the fields and spans; parsers call it last.
  void derive_ids() noexcept;
  bool is_audit() const noexcept { return target == kAuditTarget; }
  bool is_access() const noexcept { return target == kAccessTarget; }
};

bool is_valid_trace_id(std::string_view id) noexcept;
// `pkgly` names pkgly and pkgly::*, not pkgly_trail: a target prefix ends on a `::` boundary
// (--target, --related-target).
bool has_target_prefix(std::string_view target, std::string_view prefix) noexcept;

}  // namespace pkgly_trail
