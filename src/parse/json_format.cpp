#include "json_format.hpp"

#include <simdjson.h>

#include <cstring>
#include <string>

#include "field_syntax.hpp"
#include "pkgly_trail/record/utf8.hpp"
#include "text_search.hpp"

namespace pkgly_trail {

namespace od = simdjson::ondemand;

struct JsonRecordParser::State {
  od::parser parser;
  std::string padded;    // the record plus simdjson's required padding, reused
  std::string repaired;  // a record whose bytes that are not UTF-8 became U+FFFD
};

JsonRecordParser::JsonRecordParser() : state_(std::make_unique<State>()) {}
JsonRecordParser::~JsonRecordParser() = default;

bool starts_json_record(std::string_view body) noexcept {
  return body.size() >= 2 && body[0] == '{' && (body[1] == '"' || body[1] == ' ');
}

namespace {

// A hostile object of a million members: the record keeps the first ones, so its size stays
// a small multiple of its text (docs/security.md, bounded cost), and says so.
constexpr std::string_view kTooManyFields =
    "more than 256 fields in an object: the rest were not kept";
// Pkgly's JSON writer (serde_json) escapes only quotes, backslashes and control characters, so
// the target of its audit, access and upstream records is always spelled out as is. The same
// target written with escapes (`pkgly\u003a:audit`) is a value imitating a record while
// hiding from the audit marker count (red team round 6).
// serde_json writes each member once; a line naming one twice is read differently by different
// readers (jq and jsonb keep the later, this parser merges "fields"): it is no record Pkgly wrote.
constexpr std::string_view kRepeatedMember =
    "a member is written twice (timestamp, level, target, fields, spans or message), which "
    "Pkgly's JSON writer never does";
constexpr std::string_view kEscapedTarget =
    "its target is spelled with JSON escapes, which Pkgly's JSON writer never writes";

bool target_spelled_out(std::string_view text, std::string_view target) {
  // The member as the writer puts it, after "fields": looked for from the end.
  static const Needle kAuditMember{"\"target\":\"pkgly::audit\""};
  static const Needle kAccessMember{"\"target\":\"pkgly::access\""};
  static const Needle kUpstreamMember{"\"target\":\"pkgly::upstream_access\""};
  const Needle* member = target == kAuditTarget            ? &kAuditMember
                         : target == kAccessTarget         ? &kAccessMember
                         : target == kUpstreamAccessTarget ? &kUpstreamMember
                                                           : nullptr;
  return member == nullptr || find_last_text(text, *member) != std::string_view::npos;
}

// An object or an array inside a field is kept as its JSON text.
template <class Nested>
bool nested_text(simdjson::simdjson_result<Nested> nested, Value& out) {
  Nested opened;
  std::string_view raw;
  if (std::move(nested).get(opened) || opened.raw_json().get(raw)) return false;
  out = Value::string(raw);
  return true;
}

// Keeps a value's type: numbers keep their exact digits, nested JSON stays raw JSON text.
// Strings are views into the parser's string buffer and numbers into the padded copy of the
// line: both stay valid until the next record is parsed, which is as long as a Record's views
// must live (the correlation index clones what it keeps).
bool read_value(od::value value, Value& out) {
  od::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (value.get_string().get(s)) return false;
      out = Value::string(s);
      return true;
    }
    case od::json_type::number: {
      od::number_type kind;
      if (value.get_number_type().get(kind)) return false;
      std::string_view raw = value.raw_json_token();
      while (!raw.empty() &&
             (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r'))
        raw.remove_suffix(1);
      out = kind == od::number_type::floating_point_number ? Value::floating(raw)
                                                           : Value::integer(raw);
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b)) return false;
      out = Value::boolean(b);
      return true;
    }
    case od::json_type::null: {
      // A token that merely starts with 'n' (`nul`, `nullx`) is malformed, not null. The
      // simdjson_result must not be converted to bool directly: that throws on such a token.
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return false;
      out = Value::null();
      return true;
    }
    case od::json_type::object:
      return nested_text(value.get_object(), out);
    case od::json_type::array:
      return nested_text(value.get_array(), out);
  }
  return false;
}

// A member of an object: its key, and its value typed. False when the JSON is malformed.
template <class Member>
bool read_member(Member& member, std::string_view& key, Value& out) {
  od::value value;
  return !member.unescaped_key().get(key) && !member.value().get(value) && read_value(value, out);
}

bool read_fields(od::object object, Record& out) {
  for (auto member : object) {
    std::string_view key;
    Value v;
    if (!read_member(member, key, v)) return false;
    if (key == "message") {
      if (out.message) {
        out.suspect = kRepeatedMember;
      } else {
        out.message = v.kind == ValueKind::Null ? std::string_view{} : v.text;
        continue;
      }
    }
    if (out.fields.size() >= kMaxSplitFields) {
      out.suspect = kTooManyFields;
      continue;
    }
    out.fields.push_back(Field{key, v});
  }
  return true;
}

bool read_spans(od::array spans, Record& out) {
  for (auto element : spans) {
    od::object span;
    if (element.get_object().get(span)) return false;
    Span entry{{}, static_cast<std::uint32_t>(out.span_fields.size()), 0};
    for (auto member : span) {
      std::string_view key;
      Value v;
      if (!read_member(member, key, v)) return false;
      if (key == "name") {
        entry.name = v.text;
      } else if (entry.field_count++ >= kMaxSplitFields) {
        out.suspect = kTooManyFields;
      } else {
        out.span_fields.push_back(Field{key, v});
      }
    }
    entry.field_count = static_cast<std::uint32_t>(out.span_fields.size() - entry.first_field);
    out.spans.push_back(entry);
  }
  return true;
}

}  // namespace

// The record was cut off, or a string or number in it is broken.
constexpr std::string_view kMalformed = "malformed JSON (cut off, or a broken member)";

bool JsonRecordParser::parse(std::string_view text, Record& out) {
  if (parse_once(text, out)) return true;
  // simdjson refuses a document that is not UTF-8 as a whole. A log value can hold any
  // bytes; the output contract writes each byte that is not UTF-8 as U+FFFD, so do that
  // here and keep the record instead of losing it.
  if (simdjson::validate_utf8(text.data(), text.size())) return false;
  std::string& repaired = state_->repaired;
  repaired.clear();
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::Decoded decoded = utf8::decode(text, pos);
    if (decoded.length == 0) {
      repaired.append("\xEF\xBF\xBD");
      ++pos;
    } else {
      repaired.append(text.substr(pos, decoded.length));
      pos += decoded.length;
    }
  }
  out.clear();
  return parse_once(repaired, out);
}

bool JsonRecordParser::parse_once(std::string_view text, Record& out) {
  std::string& padded = state_->padded;
  padded.assign(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  if (state_->parser.iterate(padded.data(), text.size(), padded.size()).get(doc))
    return fail("not JSON");
  od::object object;
  if (doc.get_object().get(object)) return fail("not a complete JSON object");
  bool has_level = false, has_target = false;
  unsigned seen = 0;  // one bit per member read below
  auto again = [&](unsigned bit) {
    if ((seen & bit) != 0) out.suspect = kRepeatedMember;
    seen |= bit;
  };
  for (auto member : object) {
    std::string_view key;
    if (member.unescaped_key().get(key)) return fail(kMalformed);
    od::value value;
    if (member.value().get(value)) return fail(kMalformed);
    if (key == "timestamp") {
      again(1);
      std::string_view ts;
      if (value.get_string().get(ts)) return fail("\"timestamp\" is not a string");
      out.timestamp = ts;
    } else if (key == "level") {
      again(2);
      std::string_view level;
      if (value.get_string().get(level)) return fail("\"level\" is not a string");
      auto parsed = parse_level(level);
      if (!parsed) return fail("\"level\" is no tracing level");
      out.level = *parsed;
      has_level = true;
    } else if (key == "target") {
      again(4);
      std::string_view target;
      if (value.get_string().get(target)) return fail("\"target\" is not a string");
      out.target = target;
      has_target = true;
    } else if (key == "fields") {
      again(8);
      od::object fields;
      if (value.get_object().get(fields) || !read_fields(fields, out))
        return fail("\"fields\" is not an object of fields");
    } else if (key == "spans") {
      again(16);
      od::array spans;
      if (value.get_array().get(spans) || !read_spans(spans, out))
        return fail("\"spans\" is not a list of spans");
    }
    // "span" repeats the innermost entry of "spans"; threadId, filename... are not used.
  }
  if (!has_level || !has_target) return fail("no \"level\" or no \"target\"");
  if (!target_spelled_out(text, out.target)) out.suspect = kEscapedTarget;
  out.format = Format::Json;
  out.derive_ids();
  return true;
}

}  // namespace pkgly_trail
