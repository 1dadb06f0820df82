#pragma once
// Whole JSON values compared both ways, types included: an object must have exactly the
// expected keys (an extra or forged key is a difference, and so is a key given twice), an
// integer is not a string of digits, 1 is not 1.0, true is not "true". Each difference comes
// back as "path: what", so one failing CHECK shows them all.
#include <simdjson.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::testing {

enum class JsonKind { Null, Bool, Integer, Float, String, Array, Object };

inline JsonKind json_kind(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return JsonKind::Null;
    case simdjson::dom::element_type::BOOL:
      return JsonKind::Bool;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
      return JsonKind::Integer;
    case simdjson::dom::element_type::DOUBLE:
      return JsonKind::Float;
    case simdjson::dom::element_type::STRING:
      return JsonKind::String;
    case simdjson::dom::element_type::ARRAY:
      return JsonKind::Array;
    case simdjson::dom::element_type::OBJECT:
      return JsonKind::Object;
  }
  return JsonKind::Null;
}

inline std::string_view json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::Null:
      return "null";
    case JsonKind::Bool:
      return "bool";
    case JsonKind::Integer:
      return "integer";
    case JsonKind::Float:
      return "float";
    case JsonKind::String:
      return "string";
    case JsonKind::Array:
      return "array";
    case JsonKind::Object:
      return "object";
  }
  return "?";
}

inline void json_differences(simdjson::dom::element want, simdjson::dom::element got,
                             const std::string& path, std::vector<std::string>& out) {
  const JsonKind kind = json_kind(want);
  if (json_kind(got) != kind) {
    out.push_back(path + ": want " + std::string(json_kind_name(kind)) + " " +
                  simdjson::minify(want) + ", got " + std::string(json_kind_name(json_kind(got))) +
                  " " + simdjson::minify(got));
    return;
  }
  if (kind == JsonKind::Object) {
    std::map<std::string, simdjson::dom::element> wanted, found;
    for (auto [key, value] : simdjson::dom::object(want))
      if (!wanted.emplace(std::string(key), value).second)
        out.push_back(path + "." + std::string(key) + ": given twice in the expectation");
    for (auto [key, value] : simdjson::dom::object(got))
      if (!found.emplace(std::string(key), value).second)
        out.push_back(path + "." + std::string(key) + ": key written twice");
    for (const auto& [key, value] : wanted) {
      auto it = found.find(key);
      if (it == found.end()) {
        out.push_back(path + "." + key + ": missing (want " + simdjson::minify(value) + ")");
      } else {
        json_differences(value, it->second, path + "." + key, out);
      }
    }
    for (const auto& [key, value] : found)
      if (!wanted.contains(key))
        out.push_back(path + "." + key + ": not expected (got " + simdjson::minify(value) + ")");
    return;
  }
  if (kind == JsonKind::Array) {
    simdjson::dom::array a = want, b = got;
    if (a.size() != b.size())
      out.push_back(path + ": want " + std::to_string(a.size()) + " elements, got " +
                    std::to_string(b.size()));
    auto x = a.begin();
    auto y = b.begin();
    for (std::size_t i = 0; x != a.end() && y != b.end(); ++x, ++y, ++i)
      json_differences(*x, *y, path + "[" + std::to_string(i) + "]", out);
    return;
  }
  // Scalars: minify writes each kind canonically (strings re-escaped the same way).
  if (simdjson::minify(want) != simdjson::minify(got))
    out.push_back(path + ": want " + simdjson::minify(want) + ", got " + simdjson::minify(got));
}

// "" when equal, else one difference a line.
inline std::string json_diff(simdjson::dom::element want, simdjson::dom::element got,
                             const std::string& path = "$") {
  std::vector<std::string> differences;
  json_differences(want, got, path, differences);
  std::string text;
  for (const std::string& line : differences) text += line + "\n";
  return text;
}

// A JSON string literal for `text`, written here rather than by the tool under test.
inline std::string json_quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace pkgly_trail::testing
