#include "log_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace loggen {
namespace {

// tracing-subscriber's own escape codes, exactly as in full-ansi-compose.log.
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kItalic = "\x1b[3m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kKeyEnd = "\x1b[0m\x1b[2m=\x1b[0m";  // after an italic key
constexpr std::string_view kSpanSep = "\x1b[2m:\x1b[0m";        // between spans, after target
constexpr std::string_view kComposePrefix = "pkgly-1  | ";

std::string_view ansi_level(Level level) {
  switch (level) {
    case Level::kDebug:
      return "\x1b[34mDEBUG\x1b[0m";
    case Level::kInfo:
      return "\x1b[32m INFO\x1b[0m";
    case Level::kWarn:
      return "\x1b[33m WARN\x1b[0m";
    case Level::kError:
      return "\x1b[31mERROR\x1b[0m";
  }
  return {};
}

std::string_view json_level(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return {};
}

// Bytes the escapings change: control characters, double quote, backslash (DEL: Debug only).
constexpr std::array<bool, 256> kSpecial = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = table[0x7f] = true;
  return table;
}();

bool is_special(unsigned char c) {
  return kSpecial[c];
}

// Appends `s`, copying the runs without special characters whole and escaping the others.
template <class EscapeOne>
void append_escaped(std::string& out, std::string_view s, EscapeOne escape_one) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!is_special(c)) continue;
    out.append(s.data() + run, i - run);
    escape_one(out, c);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

void append_text_value(std::string& out, Kind kind, std::string_view text, std::int64_t n) {
  switch (kind) {
    case Kind::kDisplay:
    case Kind::kNumber:
      out += text;
      break;
    case Kind::kStr:
      out += '"';
      append_debug_escaped(out, text);
      out += '"';
      break;
    case Kind::kInt:
      out += fmt::format_int(n).c_str();
      break;
    case Kind::kBool:
      out += n != 0 ? "true" : "false";
      break;
  }
}

void append_json_value(std::string& out, Kind kind, std::string_view text, std::int64_t n) {
  switch (kind) {
    case Kind::kDisplay:
    case Kind::kStr:
      out += '"';
      append_json_escaped(out, text);
      out += '"';
      break;
    case Kind::kNumber:
      out += text;
      break;
    case Kind::kInt:
      out += fmt::format_int(n).c_str();
      break;
    case Kind::kBool:
      out += n != 0 ? "true" : "false";
      break;
  }
}

void append_text_field(std::string& out, std::string_view key, Kind kind, std::string_view text,
                       std::int64_t n) {
  out += kItalic;
  out += key;
  out += kKeyEnd;
  append_text_value(out, kind, text, n);
}

}  // namespace

// Rust's `impl Debug for str`: \t \r \n \\ \" and \u{..} for other control characters.
void append_debug_escaped(std::string& out, std::string_view s) {
  append_escaped(out, s, [](std::string& o, unsigned char c) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(o), "\\u{{{:x}}}", c);
    }
  });
}

// serde_json's escaping (what tracing-subscriber's json format uses).
void append_json_escaped(std::string& out, std::string_view s) {
  append_escaped(out, s, [](std::string& o, unsigned char c) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\b':
        o += "\\b";
        break;
      case '\f':
        o += "\\f";
        break;
      case 0x7f:
        o += static_cast<char>(c);
        break;
      default:
        fmt::format_to(std::back_inserter(o), "\\u{:04x}", c);
    }
  });
}

void Span::reset(std::string_view name) {
  name_ = name;
  fields_.clear();
}

Span& Span::add(const Field& f) {
  fields_.push_back({f.key, std::string(f.text), f.n, f.kind});
  return *this;
}

void Span::render() {
  text_.clear();
  text_ += kBold;
  text_ += name_;
  text_ += kReset;
  if (!fields_.empty()) {
    text_ += kBold;
    text_ += '{';
    text_ += kReset;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) text_ += ' ';
      append_text_field(text_, fields_[i].key, fields_[i].kind, fields_[i].text, fields_[i].n);
    }
    text_ += kBold;
    text_ += '}';
    text_ += kReset;
  }

  // json: sorted by name; a field recorded twice (otel.name) keeps its later value.
  std::vector<const Owned*> sorted;
  sorted.reserve(fields_.size());
  for (const auto& f : fields_) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Owned* a, const Owned* b) { return a->key < b->key; });
  json_.clear();
  json_ += '{';
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i + 1 < sorted.size() && sorted[i + 1]->key == sorted[i]->key) continue;
    json_ += '"';
    json_ += sorted[i]->key;
    json_ += "\":";
    append_json_value(json_, sorted[i]->kind, sorted[i]->text, sorted[i]->n);
    json_ += ',';
  }
  json_ += "\"name\":\"";
  append_json_escaped(json_, name_);
  json_ += "\"}";
}

std::size_t RecordWriter::timestamp_offset() const {
  return format_ == Format::kJson ? std::string_view("{\"timestamp\":\"").size()
                                  : kComposePrefix.size() + kDim.size();
}

void RecordWriter::write(std::string& out, Level level, const Span* const* spans,
                         std::size_t span_count, std::string_view target, std::string_view message,
                         const Field* fields, std::size_t field_count) const {
  if (format_ == Format::kJson) {
    out += "{\"timestamp\":\"";
    out += kTimestampPlaceholder;
    out += "\",\"level\":\"";
    out += json_level(level);
    out += "\",\"fields\":{";
    bool first = true;
    if (!message.empty()) {
      out += "\"message\":\"";
      append_json_escaped(out, message);
      out += '"';
      first = false;
    }
    for (std::size_t i = 0; i < field_count; ++i) {
      if (!first) out += ',';
      first = false;
      out += '"';
      out += fields[i].key;
      out += "\":";
      append_json_value(out, fields[i].kind, fields[i].text, fields[i].n);
    }
    out += "},\"target\":\"";
    out += target;
    out += '"';
    if (span_count > 0) {
      out += ",\"span\":";
      out += spans[span_count - 1]->json();
      out += ",\"spans\":[";
      for (std::size_t i = 0; i < span_count; ++i) {
        if (i > 0) out += ',';
        out += spans[i]->json();
      }
      out += ']';
    }
    out += "}\n";
    return;
  }

  out += kComposePrefix;
  out += kDim;
  out += kTimestampPlaceholder;
  out += kReset;
  out += ' ';
  out += ansi_level(level);
  out += ' ';
  for (std::size_t i = 0; i < span_count; ++i) {
    if (i > 0) out += kSpanSep;
    out += spans[i]->text();
  }
  if (span_count > 0) {
    out += kSpanSep;
    out += ' ';
  }
  out += kDim;
  out += target;
  out += kReset;
  out += kSpanSep;
  out += ' ';
  bool first = true;
  if (!message.empty()) {
    out += message;
    first = false;
  }
  for (std::size_t i = 0; i < field_count; ++i) {
    if (!first) out += ' ';
    first = false;
    append_text_field(out, fields[i].key, fields[i].kind, fields[i].text, fields[i].n);
  }
  out += '\n';
}

}  // namespace loggen
