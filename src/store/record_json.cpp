#include "pkgly_trail/store/record_json.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "pkgly_trail/sink/json_writer.hpp"

namespace pkgly_trail {

namespace od = simdjson::ondemand;

namespace {

// The members of the record contract, in the order append_record_members writes them. Any
// order is read: a jsonb column would hand them back sorted.
enum Member : unsigned {
  kTimestamp,
  kLevel,
  kTarget,
  kMessage,
  kFields,
  kSpans,
  kRequestId,
  kTraceId,
  kSuspect,
  kSource,
  kMemberCount,
};
constexpr std::array<std::string_view, kMemberCount> kMemberNames{
    "timestamp", "level",      "target",   "message", "fields",
    "spans",     "request_id", "trace_id", "suspect", "source"};
// Every member but "suspect", which the writer leaves out when there is no doubt.
constexpr unsigned kRequired = ((1u << kMemberCount) - 1) & ~(1u << kSuspect);

constexpr std::string_view kNotFieldValue = "is not a string, number, true, false or null";

// A name from the column, quoted and escaped for a message: the column may hold any text, and
// an error message must not carry control characters to a terminal or a page of text.
std::string quoted(std::string_view name) {
  constexpr std::size_t kLongest = 64;
  fmt::memory_buffer out;
  append_json_string(out, name.substr(0, kLongest));
  if (name.size() > kLongest) out.append(std::string_view("..."));
  return fmt::to_string(out);
}

std::string_view trimmed(std::string_view token) noexcept {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r'))
    token.remove_suffix(1);
  return token;
}

// What the parsers call an integer: a literal without a fraction or an exponent.
bool is_integer_literal(std::string_view number) noexcept {
  return number.find_first_of(".eE") == std::string_view::npos;
}

}  // namespace

struct RecordJsonReader::Parser {
  od::parser json;
  std::string padded;                  // the text plus simdjson's padding, reused
  std::vector<std::string_view> keys;  // of one fields object, sorted to find a repeated key
  Record* out = nullptr;
  std::string* error = nullptr;

  bool read(std::string_view text);
  bool read_member(Member member, od::value value);
  // The fields of the record (span < 0) or of its span number `span`.
  bool read_fields(od::value value, std::vector<Field>& into, std::ptrdiff_t span);
  bool read_spans(od::value value);
  bool read_source(od::value value);
  bool read_value(od::value value, Value& into);
  // A string member that the writer puts as null when it is empty (or absent, for message).
  bool read_text_or_null(od::value value, std::string_view& text, bool& was_null);
  bool read_text(od::value value, std::string_view& text);

  bool fail(std::string message) {
    *error = std::move(message);
    return false;
  }
};

RecordJsonReader::RecordJsonReader() : parser_(std::make_unique<Parser>()) {}
RecordJsonReader::~RecordJsonReader() = default;

bool RecordJsonReader::read(std::string_view json, Record& out, std::string& error) {
  out.clear();
  parser_->out = &out;
  parser_->error = &error;
  return parser_->read(json);
}

bool RecordJsonReader::Parser::read(std::string_view text) {
  // The caller's buffer has no padding (and is reused), so the text is copied once into ours;
  // every view of the record is then copied again into its arena.
  padded.assign(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  od::document doc;
  if (const auto code = json.iterate(padded.data(), text.size(), padded.size()).get(doc))
    return fail(fmt::format("not JSON text: {}", simdjson::error_message(code)));
  od::object object;
  if (doc.get_object().get(object)) return fail("not a complete JSON object");
  unsigned seen = 0;
  std::string_view last = {};  // the last member read, to say where the text broke
  for (auto entry : object) {
    std::string_view key;
    od::value value;
    if (entry.unescaped_key().get(key) || entry.value().get(value)) {
      if (last.empty()) return fail("malformed JSON at the first member (cut off, or broken)");
      return fail(fmt::format("malformed JSON after member {} (cut off, or broken)", quoted(last)));
    }
    const auto name = std::find(kMemberNames.begin(), kMemberNames.end(), key);
    if (name == kMemberNames.end()) return fail(fmt::format("unknown member {}", quoted(key)));
    const auto member = static_cast<Member>(name - kMemberNames.begin());
    if (seen & (1u << member)) return fail(fmt::format("member {} appears twice", quoted(key)));
    seen |= 1u << member;
    if (!read_member(member, value)) return false;
    last = *name;
  }
  for (unsigned member = 0; member < kMemberCount; ++member)
    if ((kRequired & (1u << member)) && !(seen & (1u << member)))
      return fail(fmt::format("no member {}", quoted(kMemberNames[member])));
  // simdjson reads one value and stops; `{...}{...}` or `{...}]` must not pass as a record.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return fail("trailing content after the object");
  // The contract does not say which format the record was logged in; what it holds is the
  // typed record that the json format gives, so it reads back as one.
  out->format = Format::Json;
  out->schema_fit = SchemaFit::None;
  return true;
}

bool RecordJsonReader::Parser::read_member(Member member, od::value value) {
  auto wrong = [&](std::string_view what) {
    return fail(fmt::format("member {} {}", quoted(kMemberNames[member]), what));
  };
  Record& r = *out;
  bool was_null = false;
  switch (member) {
    case kTimestamp:
      return read_text_or_null(value, r.timestamp, was_null) || wrong("is not a string or null");
    case kLevel: {
      std::string_view level;  // a word of the enum: not kept as text
      if (value.get_string().get(level)) return wrong("is not a string");
      const auto parsed = parse_level(level);
      if (!parsed) return wrong("is not TRACE, DEBUG, INFO, WARN or ERROR");
      r.level = *parsed;
      return true;
    }
    case kTarget:
      return read_text(value, r.target) || wrong("is not a string");
    case kMessage: {
      std::string_view message;
      if (!read_text_or_null(value, message, was_null)) return wrong("is not a string or null");
      if (!was_null) r.message = message;
      return true;
    }
    case kFields:
      return read_fields(value, r.fields, -1);
    case kSpans:
      return read_spans(value);
    case kRequestId:
      // Stored as written, not derived again from the fields: it is what the writer saw.
      return read_text_or_null(value, r.request_id, was_null) || wrong("is not a string or null");
    case kTraceId:
      return read_text_or_null(value, r.trace_id, was_null) || wrong("is not a string or null");
    case kSuspect:
      return read_text(value, r.suspect) || wrong("is not a string");
    case kSource:
      return read_source(value);
    case kMemberCount:
      break;
  }
  return wrong("is unknown");
}

bool RecordJsonReader::Parser::read_fields(od::value value, std::vector<Field>& into,
                                           std::ptrdiff_t span) {
  // Built only for a message: a record read allocates nothing once the buffers have grown.
  auto where = [span] {
    return span < 0 ? std::string("\"fields\"") : fmt::format("\"spans\"[{}].\"fields\"", span);
  };
  od::object object;
  if (value.get_object().get(object)) return fail(fmt::format("{} is not an object", where()));
  const std::size_t first = into.size();
  for (auto member : object) {
    std::string_view key;
    od::value field_value;
    if (member.unescaped_key().get(key) || member.value().get(field_value))
      return fail(fmt::format("{} is malformed JSON (cut off, or broken)", where()));
    Field field{out->arena.store(key), {}};
    if (!read_value(field_value, field.value))
      return fail(fmt::format("{}.{} {}", where(), quoted(key), kNotFieldValue));
    into.push_back(field);
  }
  // The writer writes each key once; a repeated key would read back as a record whose fields
  // say two things, so it is no record of the contract. Sorting views allocates nothing once
  // `keys` has grown.
  keys.clear();
  for (std::size_t i = first; i < into.size(); ++i) keys.push_back(into[i].key);
  std::sort(keys.begin(), keys.end());
  const auto repeated = std::adjacent_find(keys.begin(), keys.end());
  if (repeated != keys.end())
    return fail(fmt::format("{}.{} appears twice", where(), quoted(*repeated)));
  return true;
}

bool RecordJsonReader::Parser::read_spans(od::value value) {
  od::array spans;
  if (value.get_array().get(spans)) return fail("member \"spans\" is not an array");
  std::ptrdiff_t index = 0;
  for (auto element : spans) {
    auto fail_at = [&](std::string_view what) {
      return fail(fmt::format("\"spans\"[{}]{}", index, what));
    };
    if (element.error()) return fail_at(" is malformed JSON (cut off, or broken)");
    od::object object;
    if (element.get_object().get(object)) return fail_at(" is not an object");
    Span span;
    bool has_name = false, has_fields = false;
    for (auto member : object) {
      std::string_view key;
      od::value member_value;
      if (member.unescaped_key().get(key) || member.value().get(member_value))
        return fail_at(" is malformed JSON (cut off, or broken)");
      if (key == "name") {
        if (has_name) return fail_at(".\"name\" appears twice");
        if (!read_text(member_value, span.name)) return fail_at(".\"name\" is not a string");
        has_name = true;
      } else if (key == "fields") {
        if (has_fields) return fail_at(".\"fields\" appears twice");
        const std::size_t first = out->span_fields.size();
        if (!read_fields(member_value, out->span_fields, index)) return false;
        span.first_field = static_cast<std::uint32_t>(first);
        span.field_count = static_cast<std::uint32_t>(out->span_fields.size() - first);
        has_fields = true;
      } else {
        return fail_at(" has an unknown member " + quoted(key));
      }
    }
    if (!has_name || !has_fields)
      return fail_at(has_name ? " has no member \"fields\"" : " has no member \"name\"");
    out->spans.push_back(span);
    ++index;
  }
  // An array cut off or broken ends the loop above with its error; simdjson reports it there.
  return true;
}

bool RecordJsonReader::Parser::read_source(od::value value) {
  od::object object;
  if (value.get_object().get(object)) return fail("member \"source\" is not an object");
  bool has_input = false, has_line = false;
  for (auto member : object) {
    std::string_view key;
    od::value member_value;
    if (member.unescaped_key().get(key) || member.value().get(member_value))
      return fail("member \"source\" is malformed JSON (cut off, or broken)");
    if (key == "input") {
      if (has_input) return fail("\"source\".\"input\" appears twice");
      if (!read_text(member_value, out->source.input))
        return fail("\"source\".\"input\" is not a string");
      has_input = true;
    } else if (key == "line") {
      if (has_line) return fail("\"source\".\"line\" appears twice");
      if (member_value.get_uint64().get(out->source.line))
        return fail("\"source\".\"line\" is not a whole number of 0 or more");
      has_line = true;
    } else {
      return fail(fmt::format("member \"source\" has an unknown member {}", quoted(key)));
    }
  }
  if (!has_input || !has_line)
    return fail(
        fmt::format("member \"source\" has no member \"{}\"", has_input ? "line" : "input"));
  return true;
}

bool RecordJsonReader::Parser::read_value(od::value value, Value& into) {
  od::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text)) return false;
      into = Value::string(out->arena.store(text));
      return true;
    }
    case od::json_type::number: {
      // raw_json_token runs to the next structural character: the whitespace before it goes.
      const std::string_view literal = trimmed(value.raw_json_token());
      // simdjson checks a number only when it converts it, which would lose the digits that
      // Value::text keeps: the literal is checked as it is.
      if (!is_json_number(literal)) return false;
      const std::string_view text = out->arena.store(literal);
      into = is_integer_literal(text) ? Value::integer(text) : Value::floating(text);
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b)) return false;
      into = Value::boolean(b);
      return true;
    }
    case od::json_type::null: {
      // A token that merely starts with 'n' (`nul`, `nullx`) is malformed, not null.
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) return false;
      into = Value::null();
      return true;
    }
    case od::json_type::object:
    case od::json_type::array:
      // The writer keeps a nested value as its JSON text, a string: never an object here.
      return false;
  }
  return false;
}

bool RecordJsonReader::Parser::read_text_or_null(od::value value, std::string_view& text,
                                                 bool& was_null) {
  od::json_type type;
  if (value.type().get(type)) return false;
  if (type == od::json_type::null) {
    bool is_null = false;
    if (value.is_null().get(is_null) || !is_null) return false;
    text = {};
    was_null = true;
    return true;
  }
  was_null = false;
  return read_text(value, text);
}

bool RecordJsonReader::Parser::read_text(od::value value, std::string_view& text) {
  std::string_view decoded;
  if (value.get_string().get(decoded)) return false;
  text = out->arena.store(decoded);
  return true;
}

}  // namespace pkgly_trail
