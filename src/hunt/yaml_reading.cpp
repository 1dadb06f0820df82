#include "yaml_reading.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pkgly_trail::hunt {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

bool is_document_start(std::string_view line) {
  return line.substr(0, 3) == "---" &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// [-+]?[0-9]+
bool is_decimal_integer(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_decimal_float(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

}  // namespace

std::vector<DocumentText> split_documents(std::string_view source) {
  std::vector<DocumentText> documents;
  std::size_t start = 0;
  int start_line = 0;
  bool has_content = false;  // beyond comments, directives and document markers
  std::size_t pos = 0;
  int line_number = 0;
  while (pos < source.size()) {
    std::size_t end = source.find('\n', pos);
    if (end == std::string_view::npos) end = source.size();
    const std::string_view line = source.substr(pos, end - pos);
    if (is_document_start(line)) {
      if (has_content) {
        documents.push_back({source.substr(start, pos - start), start_line, start});
        start = pos;
        start_line = line_number;
      }
      const std::string_view rest = trim(line.substr(3));
      has_content = !rest.empty() && rest.front() != '#';
    } else {
      const std::string_view text = trim(line);
      if (!text.empty() && text.front() != '#' && line.front() != '%') has_content = true;
    }
    pos = end + 1;
    ++line_number;
  }
  if (start < source.size()) documents.push_back({source.substr(start), start_line, start});
  return documents;
}

RulePlace DocumentReader::place(const YAML::Mark& mark) const {
  // yaml-cpp's marks are 0-based, and -1 when it knows no place.
  if (mark.line < 0) return {std::string(path_), document_.first_line + 1, 0};
  return {std::string(path_), document_.first_line + mark.line + 1, mark.column + 1};
}

RulePlace DocumentReader::place_in(const YAML::Node& node, std::size_t offset) const {
  RulePlace place = this->place(node);
  const YAML::Mark mark = node.Mark();
  if (!node.IsScalar() || mark.pos < 0) return place;
  const std::string& value = node.Scalar();
  const std::size_t at = document_.offset + static_cast<std::size_t>(mark.pos);
  if (value.find('\n') != std::string::npos || at >= source_.size()) return place;
  std::size_t skip = 0;
  if (source_[at] == '\'' || source_[at] == '"') skip = 1;
  if (source_.substr(at + skip, value.size()) != value) return place;
  place.column += static_cast<int>(skip + offset);
  return place;
}

void DocumentReader::error(RulePlace place, std::string what) {
  errors_.push_back({std::move(place), std::move(what)});
}

std::vector<MapEntry> map_entries(const YAML::Node& map, DocumentReader& reader) {
  std::vector<MapEntry> entries;
  for (const auto& pair : map) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      reader.error(reader.place(key), "a key must be a plain string");
      continue;
    }
    MapEntry entry{key.Scalar(), key, pair.second, reader.place(key), {}};
    const bool empty_elsewhere = pair.second.IsNull() && pair.second.Mark().line != key.Mark().line;
    entry.value_place = empty_elsewhere ? entry.key_place : reader.place(pair.second);
    const auto first = std::find_if(entries.begin(), entries.end(),
                                    [&](const MapEntry& e) { return e.key == entry.key; });
    if (first != entries.end()) {
      reader.error(entry.key_place, fmt::format("'{}' is written twice (first at line {})",
                                                entry.key, first->key_place.line));
      continue;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

ScalarKind scalar_kind(const YAML::Node& node) {
  if (node.IsNull()) return ScalarKind::Null;
  if (node.Tag() != "?") return ScalarKind::String;
  const std::string& text = node.Scalar();
  if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
      text == "FALSE")
    return ScalarKind::Bool;
  if (is_decimal_integer(text)) return ScalarKind::Integer;
  if (is_decimal_float(text)) return ScalarKind::Float;
  return ScalarKind::String;
}

std::optional<std::string> read_string(const MapEntry& entry, DocumentReader& reader) {
  if (entry.value.IsScalar()) return entry.value.Scalar();
  reader.error(entry.value_place, fmt::format("'{}' must be a string", entry.key));
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(const MapEntry& entry,
                                                         DocumentReader& reader) {
  if (entry.value.IsScalar()) return std::vector<std::string>{entry.value.Scalar()};
  if (entry.value.IsSequence()) {
    std::vector<std::string> out;
    bool ok = true;
    for (const YAML::Node& item : entry.value) {
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      } else {
        reader.error(
            reader.place(item),
            fmt::format("'{}' must be a list of strings: this item is not one", entry.key));
        ok = false;
      }
    }
    if (ok) return out;
    return std::nullopt;
  }
  reader.error(entry.value_place,
               fmt::format("'{}' must be a string or a list of strings", entry.key));
  return std::nullopt;
}

std::optional<bool> read_bool(const MapEntry& entry, DocumentReader& reader) {
  if (scalar_kind(entry.value) == ScalarKind::Bool) {
    const char first = entry.value.Scalar().front();
    return first == 't' || first == 'T';
  }
  reader.error(entry.value_place, fmt::format("'{}' must be true or false", entry.key));
  return std::nullopt;
}

std::string join_alternatives(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace pkgly_trail::hunt
