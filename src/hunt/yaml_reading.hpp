#pragma once
// Reading rule YAML with yaml-cpp: a source split into its documents (so that a syntax error
// in one does not hide the next), places of nodes as RulePlaces, and the checks yaml-cpp
// leaves out (it keeps duplicate keys silently). Private to the hunt stage: the public headers
// never see yaml-cpp.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkgly_trail/hunt/rule_loader.hpp"

namespace pkgly_trail::hunt {

// One YAML document's text within its source.
struct DocumentText {
  std::string_view text;
  int first_line = 0;      // 0-based line of text's first byte in the source
  std::size_t offset = 0;  // byte offset of text's first byte in the source
};

// Splits at the `---` lines (at column 0, the only place YAML reads them as a document
// start), keeping leading comments and directives with the document they precede.
std::vector<DocumentText> split_documents(std::string_view source);

// Where the nodes of one document are, and where its errors go.
class DocumentReader {
 public:
  DocumentReader(std::string_view path, std::string_view source, DocumentText document,
                 std::vector<RuleError>& errors)
      : path_(path), source_(source), document_(document), errors_(errors) {}

  RulePlace place(const YAML::Mark& mark) const;
  RulePlace place(const YAML::Node& node) const { return place(node.Mark()); }
  // The place of byte `offset` of scalar `node`'s value, when the scalar is written on one
  // line exactly as its value reads (plain, or quoted without escapes); else the scalar's.
  RulePlace place_in(const YAML::Node& node, std::size_t offset) const;

  void error(RulePlace place, std::string what);
  std::size_t error_count() const noexcept { return errors_.size(); }

 private:
  std::string_view path_;
  std::string_view source_;
  DocumentText document_;
  std::vector<RuleError>& errors_;
};

struct MapEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  RulePlace key_place;
  // The value's place; the key's when the value is empty, which yaml-cpp places at the next
  // token, often on another line.
  RulePlace value_place;
};

// The entries of a mapping, in order. Keys that are not plain strings, and a key written
// twice, are reported and left out.
std::vector<MapEntry> map_entries(const YAML::Node& map, DocumentReader& reader);

// The type a scalar has in YAML 1.2's core schema. Only unquoted (plain) scalars are typed:
// a quoted or tagged one is a String. Hexadecimal and octal integers, .inf and .nan are read
// as strings: rule authors write event values in decimal.
enum class ScalarKind : std::uint8_t { Null, Bool, Integer, Float, String };
ScalarKind scalar_kind(const YAML::Node& node);

// A scalar's text (a number or boolean as written); reports "'KEY' must be a string" and
// returns nullopt for anything else.
std::optional<std::string> read_string(const MapEntry& entry, DocumentReader& reader);
// A string, or a list of strings.
std::optional<std::vector<std::string>> read_string_list(const MapEntry& entry,
                                                         DocumentReader& reader);
// true or false, unquoted.
std::optional<bool> read_bool(const MapEntry& entry, DocumentReader& reader);

// For messages: "a, b or c".
std::string join_alternatives(const std::vector<std::string_view>& words);

}  // namespace pkgly_trail::hunt
