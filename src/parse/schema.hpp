#pragma once
// Pkgly's own targets write their fields in a fixed order, and only some values are typed by
// users. Splitting by that order, instead of at every `key=`, keeps a hostile value such as a
// search query `x outcome=denied actor_username=admin` inside its own field.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "field_syntax.hpp"
#include "pkgly_trail/record/record.hpp"

namespace pkgly_trail {

enum class FieldType : std::uint8_t {
  Token,   // Display value without spaces (ids, methods, routes, percent-encoded paths)
  Text,    // Display value a user controls: anything, spaces and `key=` look-alikes included
  Int,     // integer
  Bool,    // true / false
  Quoted,  // Option<&str>: Debug-quoted
};

struct SchemaField {
  std::string_view key;
  FieldType type;
  bool optional = false;
};

struct Schema {
  std::string_view target;
  std::span<const std::string_view> messages;
  std::span<const SchemaField> fields;
};

// The schema of `target`, or nullptr when the target has none.
const Schema* find_schema(std::string_view target) noexcept;
// The key every record of the schema ends with or after (audit: http_response_status_code).
std::string_view last_required_key(const Schema& schema) noexcept;

// Does `text` name one of the schema's keys twice, from its message on, where a key stands (after a
// blank or an escape code, before `=`, `:` or an escape code)? A record Pkgly wrote names each
// once, unless a value imitates fields: then it may also be the end of the record before it
// (docs/security.md).
bool names_a_key_twice(std::string_view text, const Schema& schema) noexcept;

// Splits `text` (message then fields, as written after `target: `) by the schema. On success
// sets the message, appends typed fields and returns true; returns false when the text does
// not fit the schema (the caller then falls back to generic splitting).
// `ends_in_text` tells whether the last field present is free text (a newline in it would
// continue the record on the next line). `ambiguous` is set when another split fits too (a
// free-text value holding later fields with valid values): the text reads two ways.
bool split_by_schema(std::string_view text, const Schema& schema, const FieldSyntax& syntax,
                     std::optional<std::string_view>& message, std::vector<Field>& out,
                     TextArena& arena, bool* ends_in_text = nullptr, bool* ambiguous = nullptr);

// Is `text` the start of a record of the schema that was cut inside a free-text value, with
// required fields still to come (SchemaFit::Unfinished)?
bool unfinished_by_schema(std::string_view text, const Schema& schema,
                          const FieldSyntax& syntax) noexcept;

// Can the line end with the schema's last field? A record whose last field is a required
// integer (audit: the status code) ends in a digit. A cheap test before a search for a tail.
bool may_end_with_last_field(std::string_view line, const Schema& schema) noexcept;

// Does the line end with the fields that follow one of the schema's free-text values, as a
// record of the schema ends (audit: `... http_request_method=GET http_route=... url_path=...
// http_response_status_code=200`)? Such a line inside another record is the genuine end of an
// earlier record whose value held newlines (docs/security.md).
bool ends_with_schema_tail(std::string_view line, const Schema& schema,
                           const FieldSyntax& syntax) noexcept;

// Message and fields of an event: by the schema of out.target when it has one and the text
// fits it, else generically. Sets out.schema_fit.
void split_event_fields(std::string_view text, const FieldSyntax& syntax, Record& out);

}  // namespace pkgly_trail
