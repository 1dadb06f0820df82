#include "schema.hpp"

#include <algorithm>
#include <array>

#include "debug_string.hpp"
#include "text_search.hpp"

namespace pkgly_trail {

namespace {

using FT = FieldType;

constexpr std::array<std::string_view, 1> kAuditMessages{"Audit event"};
constexpr std::array<SchemaField, 19> kAuditFields{{
    {"trace_id", FT::Token},
    {"action", FT::Token},
    {"outcome", FT::Token},
    {"actor_username", FT::Text},
    {"actor_id", FT::Int},
    {"actor_authenticated", FT::Bool},
    {"resource_kind", FT::Token},
    {"resource_id", FT::Token},
    {"resource_name", FT::Text},
    {"repository_id", FT::Token},
    {"storage_id", FT::Token},
    {"target_user_id", FT::Int},
    {"token_id", FT::Int},
    {"path", FT::Text},
    {"query", FT::Text},
    {"http_request_method", FT::Token},
    {"http_route", FT::Token},
    {"url_path", FT::Token},
    {"http_response_status_code", FT::Int},
}};

constexpr std::array<std::string_view, 1> kAccessMessages{"HTTP access"};
constexpr std::array<SchemaField, 12> kAccessFields{{
    {"trace_id", FT::Token},
    {"http.request.method", FT::Token},
    {"http.route", FT::Token},
    {"url.path", FT::Token},
    {"http.response.status_code", FT::Int},
    {"duration_ms", FT::Int},
    {"request_id", FT::Token},
    {"repository_id", FT::Token, true},
    {"user", FT::Text, true},
    {"client.address", FT::Quoted, true},
    {"user_agent.original", FT::Quoted, true},
    {"http.response.body.size", FT::Int, true},
}};

constexpr std::array<std::string_view, 2> kUpstreamMessages{"Upstream HTTP access",
                                                            "Upstream HTTP failed"};
// pkgly/src/utils/upstream.rs: `access` writes the status code, `failed` instead writes the
// error last, after duration_ms, as Display (`error = %err`): unquoted text a crafted upstream
// path can fill.
constexpr std::array<SchemaField, 6> kUpstreamFields{{
    {"trace_id", FT::Token},
    {"http.request.method", FT::Token},
    {"url.full", FT::Text},
    {"http.response.status_code", FT::Int, true},
    {"duration_ms", FT::Int},
    {"error", FT::Text, true},
}};

constexpr std::array<Schema, 3> kSchemas{{
    {kAuditTarget, kAuditMessages, kAuditFields},
    {kAccessTarget, kAccessMessages, kAccessFields},
    {kUpstreamAccessTarget, kUpstreamMessages, kUpstreamFields},
}};

// Tries every split the schema allows, leftmost first, and keeps the first one under which
// every typed value is well-formed and the last field ends the record. A user-controlled
// value therefore ends at the first place where the genuine remainder of the record fits, and
// a forged `key=value` inside it fails validation (a non-integer actor_id, a status code that
// is not at the end) and is kept as text.
class SchemaMatcher {
 public:
  SchemaMatcher(std::string_view text, const Schema& schema, const FieldSyntax& syntax)
      : text_(text), fields_(schema.fields), syntax_(syntax) {}

  bool match(std::size_t pos) { return match_field(0, pos); }
  // Do the fields from `field` on match from `pos` (a separator) to the end of the text?
  bool match_from(std::size_t field, std::size_t pos) { return match_field(field, pos); }
  // Is the text the start of a record of the schema, cut inside a free-text value with
  // required fields still to come? Only a newline in that value can have cut it there.
  bool match_prefix(std::size_t pos) {
    prefix_ = true;
    steps_ = 0;
    return match_field(0, pos);
  }
  std::span<const std::string_view> values() const { return {values_.data(), fields_.size()}; }
  std::span<const bool> present() const { return {present_.data(), fields_.size()}; }

 private:
  static constexpr std::size_t kMaxFields = 24;
  // A hostile record full of look-alike keys could make the search exponential; past this
  // many steps the record is split generically instead.
  static constexpr int kStepBudget = 20000;

  // Does `separator key_open key key_close` start at pos? Returns the value start or npos.
  std::size_t value_start(std::size_t field, std::size_t pos) const noexcept {
    std::string_view key = fields_[field].key;
    const FieldSyntax& s = syntax_;
    std::size_t p = pos;
    if (!matches_at(text_, p, s.separator)) return std::string_view::npos;
    p += s.separator.size();
    if (!matches_at(text_, p, s.key_open)) return std::string_view::npos;
    p += s.key_open.size();
    if (!matches_at(text_, p, key)) return std::string_view::npos;
    p += key.size();
    if (!matches_at(text_, p, s.key_close)) return std::string_view::npos;
    return p + s.key_close.size();
  }

  static bool valid(FieldType type, std::string_view v) noexcept {
    switch (type) {
      case FieldType::Int: {
        std::size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
        if (i == v.size()) return false;
        for (; i < v.size(); ++i)
          if (v[i] < '0' || v[i] > '9') return false;
        return true;
      }
      case FieldType::Bool:
        return v == "true" || v == "false";
      default:
        return true;
    }
  }

  // Fields from `field` on must match starting at `pos` (which points at a separator).
  bool match_field(std::size_t field, std::size_t pos) {
    if (++steps_ > kStepBudget) return false;
    if (field == fields_.size()) {
      if (pos != text_.size()) return false;
      if (skip_ == 0) return true;
      --skip_;  // looking for another split than the first
      return false;
    }
    const SchemaField& f = fields_[field];
    std::size_t begin = value_start(field, pos);
    if (begin != std::string_view::npos && take_value(field, begin)) return true;
    present_[field] = false;
    return f.optional && match_field(field + 1, pos);
  }

  bool take_value(std::size_t field, std::size_t begin) {
    const SchemaField& f = fields_[field];
    present_[field] = true;
    auto accept = [&](std::size_t end) {
      values_[field] = text_.substr(begin, end - begin);
      return match_field(field + 1, end);
    };
    if (f.type == FieldType::Quoted) {
      auto length = debug_string_length(text_.substr(begin));
      return length && accept(begin + *length);
    }
    if (f.type != FieldType::Text) {
      // Tokens, integers and booleans never contain the separator.
      std::size_t end = text_.find(syntax_.separator, begin);
      if (end == std::string_view::npos) end = text_.size();
      return valid(f.type, text_.substr(begin, end - begin)) && accept(end);
    }
    // Text: try each place where a later key (or the end) could follow, shortest first.
    for (std::size_t end = begin;; ++end) {
      end = text_.find(syntax_.separator, end);
      if (end == std::string_view::npos) {
        if (prefix_ && required_after(field)) {
          values_[field] = text_.substr(begin);
          return true;
        }
        return accept(text_.size());
      }
      if (starts_later_field(field, end) && accept(end)) return true;
      if (steps_ > kStepBudget) return false;
    }
  }

  bool required_after(std::size_t field) const noexcept {
    for (std::size_t next = field + 1; next < fields_.size(); ++next)
      if (!fields_[next].optional) return true;
    return false;
  }

  bool starts_later_field(std::size_t field, std::size_t pos) const noexcept {
    for (std::size_t next = field + 1; next < fields_.size(); ++next) {
      if (value_start(next, pos) != std::string_view::npos) return true;
      if (!fields_[next].optional) return false;
    }
    return false;
  }

  std::string_view text_;
  std::span<const SchemaField> fields_;
  const FieldSyntax& syntax_;
  std::array<std::string_view, kMaxFields> values_{};
  std::array<bool, kMaxFields> present_{};
  int steps_ = 0;
  bool prefix_ = false;

 public:
  int skip_ = 0;  // solutions to pass over before accepting one
};

// Does a free-text value of the split hold its own key or a later field's, so that another
// split might fit too (the value before it longer, or it shorter)?
bool may_split_otherwise(std::string_view text, const Schema& schema, const FieldSyntax& syntax,
                         std::span<const std::string_view> values,
                         std::span<const bool> present) noexcept {
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    if (!present[i] || schema.fields[i].type != FieldType::Text) continue;
    for (std::size_t j = i; j < schema.fields.size(); ++j) {
      const std::string_view key = schema.fields[j].key;
      for (std::size_t at = values[i].find(key); at != std::string_view::npos;
           at = values[i].find(key, at + 1)) {
        const std::size_t value_at = static_cast<std::size_t>(values[i].data() - text.data());
        const std::size_t before = syntax.separator.size() + syntax.key_open.size();
        if (value_at + at >= before && matches_at(text, value_at + at - before, syntax.separator))
          return true;
      }
    }
  }
  return false;
}

Value typed(FieldType type, std::string_view raw, TextArena& arena) {
  switch (type) {
    case FieldType::Int:
      return Value::integer(raw);
    case FieldType::Bool:
      return Value::boolean(raw == "true");
    case FieldType::Quoted:
      return Value::string(unescape_debug_string(raw, arena));
    default:
      return Value::string(raw);
  }
}

}  // namespace

bool names_a_key_twice(std::string_view text, const Schema& schema) noexcept {
  auto key_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
  };
  // Spans before the message may hold the same keys (an upstream record's spans name
  // http.request.method and url.full): count from the message on.
  std::size_t message = text.size();
  for (std::string_view m : schema.messages) message = std::min(message, text.find(m));
  if (message < text.size()) text.remove_prefix(message);
  for (const SchemaField& field : schema.fields) {
    int seen = 0;
    for (std::size_t at = text.find(field.key); at != std::string_view::npos;
         at = text.find(field.key, at + 1)) {
      const std::size_t end = at + field.key.size();
      const bool styled = text.substr(0, at).ends_with("\x1b[3m");  // full with ANSI: italic key
      if ((at > 0 && key_char(text[at - 1]) && !styled) || end >= text.size()) continue;
      const char next = text[end];
      if ((next == '=' || next == ':' || next == '\x1b') && ++seen == 2) return true;
    }
  }
  return false;
}

std::string_view last_required_key(const Schema& schema) noexcept {
  for (auto it = schema.fields.rbegin(); it != schema.fields.rend(); ++it)
    if (!it->optional) return it->key;
  return {};
}

const Schema* find_schema(std::string_view target) noexcept {
  for (const Schema& schema : kSchemas)
    if (schema.target == target) return &schema;
  return nullptr;
}

bool may_end_with_last_field(std::string_view line, const Schema& schema) noexcept {
  const SchemaField& last = schema.fields.back();
  return last.optional || last.type != FieldType::Int ||
         (!line.empty() && line.back() >= '0' && line.back() <= '9');
}

bool ends_with_schema_tail(std::string_view line, const Schema& schema,
                           const FieldSyntax& syntax) noexcept {
  // Most lines, every JSON object among them, are answered here.
  if (!may_end_with_last_field(line, schema)) return false;
  for (std::size_t field = 1; field < schema.fields.size(); ++field) {
    if (schema.fields[field - 1].type != FieldType::Text) continue;
    const std::string_view key = schema.fields[field].key;
    // The last few places where the field's key stands as a key.
    std::size_t tries = 0;
    for (std::size_t at = find_last_text(line, key); at != std::string_view::npos && tries < 8;
         at = at == 0 ? std::string_view::npos : find_last_text(line, key, at - 1), ++tries) {
      const std::size_t before = syntax.separator.size() + syntax.key_open.size();
      if (at < before) continue;
      const std::size_t pos = at - before;
      if (!matches_at(line, pos, syntax.separator) ||
          !matches_at(line, pos + syntax.separator.size(), syntax.key_open))
        continue;
      SchemaMatcher matcher(line, schema, syntax);
      if (matcher.match_from(field, pos)) return true;
    }
  }
  return false;
}

bool unfinished_by_schema(std::string_view text, const Schema& schema,
                          const FieldSyntax& syntax) noexcept {
  for (std::string_view expected : schema.messages) {
    if (!text.starts_with(expected)) continue;
    SchemaMatcher matcher(text, schema, syntax);
    if (matcher.match_prefix(expected.size())) return true;
  }
  return false;
}

bool split_by_schema(std::string_view text, const Schema& schema, const FieldSyntax& syntax,
                     std::optional<std::string_view>& message, std::vector<Field>& out,
                     TextArena& arena, bool* ends_in_text, bool* ambiguous) {
  for (std::string_view expected : schema.messages) {
    if (!text.starts_with(expected)) continue;
    SchemaMatcher matcher(text, schema, syntax);
    if (!matcher.match(expected.size())) continue;
    if (ambiguous != nullptr &&
        may_split_otherwise(text, schema, syntax, matcher.values(), matcher.present())) {
      SchemaMatcher second(text, schema, syntax);
      second.skip_ = 1;
      *ambiguous = second.match(expected.size());
    }
    message = text.substr(0, expected.size());
    auto values = matcher.values();
    auto present = matcher.present();
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (!present[i]) continue;
      out.push_back(Field{schema.fields[i].key, typed(schema.fields[i].type, values[i], arena)});
      if (ends_in_text) *ends_in_text = schema.fields[i].type == FieldType::Text;
    }
    return true;
  }
  return false;
}

}  // namespace pkgly_trail
