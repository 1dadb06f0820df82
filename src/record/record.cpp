#include "pkgly_trail/record/record.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace pkgly_trail {

// Indexed by the enums' values, in their order.
std::string_view to_string(Level level) noexcept {
  static constexpr std::string_view kNames[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  return kNames[static_cast<std::size_t>(level)];
}

std::string_view to_string(Format format) noexcept {
  static constexpr std::string_view kNames[] = {"full", "compact", "pretty", "json"};
  return kNames[static_cast<std::size_t>(format)];
}

std::optional<Level> parse_level(std::string_view text) noexcept {
  auto equals = [&](std::string_view word) {
    return text.size() == word.size() &&
           std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
             return (a >= 'a' && a <= 'z' ? char(a - 32) : a) == b;
           });
  };
  if (equals("TRACE")) return Level::Trace;
  if (equals("DEBUG")) return Level::Debug;
  if (equals("INFO")) return Level::Info;
  if (equals("WARN") || equals("WARNING")) return Level::Warn;
  if (equals("ERROR")) return Level::Error;
  return std::nullopt;
}

std::optional<std::int64_t> Value::as_integer() const noexcept {
  if (kind != ValueKind::Integer && kind != ValueKind::String) return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

void Record::clear() noexcept {
  timestamp = {};
  level = Level::Info;
  target = {};
  message.reset();
  fields.clear();
  spans.clear();
  span_fields.clear();
  request_id = {};
  trace_id = {};
  format = Format::Full;
  schema_fit = SchemaFit::None;
  suspect = {};
  source = {};
  service = {};
  arena.reset();
}

std::size_t Record::text_size() const noexcept {
  std::size_t total = timestamp.size() + target.size() + request_id.size() + trace_id.size() +
                      source.input.size() + service.size() + (message ? message->size() : 0);
  for (const Field& f : fields) total += f.key.size() + f.value.text.size();
  for (const Field& f : span_fields) total += f.key.size() + f.value.text.size();
  for (const Span& s : spans) total += s.name.size();
  return total;
}

Record Record::clone() const {
  Record copy;
  copy.arena = TextArena(std::max<std::size_t>(text_size(), 64));
  copy.copy_from(*this);
  return copy;
}

void Record::copy_from(const Record& other) {
  if (&other == this) return;
  // One block for all the text, and no more: copies wait in numbers (the doubt window, the
  // join), so each costs its text (red team round 7: 64 KiB chunks for 30-byte records took
  // 500 MB for 1 MB of log). A recycled record whose arena fits allocates nothing.
  const std::size_t total = other.text_size();
  char* next = arena.reset_to_block(total);
  auto keep = [&next](std::string_view text) -> std::string_view {
    if (text.empty()) return {};
    std::memcpy(next, text.data(), text.size());
    next += text.size();
    return {next - text.size(), text.size()};
  };
  auto keep_field = [&keep](const Field& f) {
    return Field{keep(f.key), Value{f.value.kind, keep(f.value.text)}};
  };
  timestamp = keep(other.timestamp);
  level = other.level;
  target = keep(other.target);
  message.reset();
  if (other.message) message = keep(*other.message);
  fields.clear();
  fields.reserve(other.fields.size());
  for (const Field& f : other.fields) fields.push_back(keep_field(f));
  spans.clear();
  spans.reserve(other.spans.size());
  for (const Span& s : other.spans)
    spans.push_back(Span{keep(s.name), s.first_field, s.field_count});
  span_fields.clear();
  span_fields.reserve(other.span_fields.size());
  for (const Field& f : other.span_fields) span_fields.push_back(keep_field(f));
  request_id = keep(other.request_id);
  trace_id = keep(other.trace_id);
  format = other.format;
  schema_fit = other.schema_fit;
  suspect = other.suspect;  // a static string
  source = SourceRef{keep(other.source.input), other.source.line};
  service = keep(other.service);
}

const Value* Record::field(std::string_view key) const noexcept {
  for (auto f = fields.rbegin(); f != fields.rend(); ++f)
    if (f->key == key) return &f->value;
  return nullptr;
}

std::string_view Record::repeated_field() const noexcept {
  // Quadratic in the fields of one record (a few dozen at most); allocates nothing.
  for (std::size_t i = 0; i < fields.size(); ++i)
    for (std::size_t j = i + 1; j < fields.size(); ++j)
      if (fields[j].key == fields[i].key && !(fields[j].value == fields[i].value))
        return fields[i].key;
  return {};
}

const Value* Record::span_field(std::string_view key) const noexcept {
  for (auto span = spans.rbegin(); span != spans.rend(); ++span) {
    // A span field recorded twice (otel.name): the later value wins.
    auto own = fields_of(*span);
    for (auto f = own.rbegin(); f != own.rend(); ++f)
      if (f->key == key) return &f->value;
  }
  return nullptr;
}

std::span<const Field> Record::fields_of(const Span& span) const noexcept {
  if (span.first_field + span.field_count > span_fields.size()) return {};
  return std::span<const Field>(span_fields).subspan(span.first_field, span.field_count);
}

bool Record::is_member_name(std::string_view name) noexcept {
  return name == "timestamp" || name == "level" || name == "target" || name == "message" ||
         name == "request_id" || name == "trace_id" || name == "format";
}

std::optional<Value> Record::lookup(std::string_view name) const noexcept {
  auto text_or_null = [](std::string_view text) {
    return text.empty() ? Value::null() : Value::string(text);
  };
  if (name == "timestamp") return text_or_null(timestamp);
  if (name == "level") return Value::string(to_string(level));
  if (name == "target") return Value::string(target);
  if (name == "message") return message ? Value::string(*message) : Value::null();
  if (name == "request_id") return text_or_null(request_id);
  if (name == "trace_id") return text_or_null(valid_trace_id());
  if (name == "format") return Value::string(to_string(format));
  if (const Value* own = field(name)) return *own;
  if (const Value* inherited = span_field(name)) return *inherited;
  return std::nullopt;
}

const Span* Record::find_span(std::string_view name) const noexcept {
  for (const Span& s : spans)
    if (s.name == name) return &s;
  return nullptr;
}

bool has_target_prefix(std::string_view target, std::string_view prefix) noexcept {
  if (!target.starts_with(prefix)) return false;
  if (target.size() == prefix.size() || prefix.ends_with("::")) return true;
  return target.substr(prefix.size()).starts_with("::");
}

bool is_valid_trace_id(std::string_view id) noexcept {
  if (id.size() != 32) return false;
  bool nonzero = false;
  for (char c : id) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
    nonzero |= c != '0';
  }
  return nonzero;
}

std::string_view Record::valid_trace_id() const noexcept {
  return is_valid_trace_id(trace_id) ? trace_id : std::string_view{};
}

void Record::derive_ids() noexcept {
  request_id = {};
  if (const Span* http = find_span(kHttpRequestSpan)) {
    for (const Field& f : fields_of(*http))
      if (f.key == "request_id") request_id = f.value.text;
  }
  if (request_id.empty())
    if (const Value* own = field("request_id")) request_id = own->text;
  if (const Value* trace = field("trace_id")) trace_id = trace->text;
}

}  // namespace pkgly_trail
