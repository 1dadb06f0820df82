#include "group_key.hpp"

#include "byte_codec.hpp"

namespace pkgly_trail::hunt {

void build_group_key(const EventFields& fields, const std::vector<std::string>& group_by,
                     std::string& key) {
  key.clear();
  ByteWriter writer(key);
  for (const std::string& name : group_by) {
    // The value's text is valid until the next call on `fields`: written out before it.
    const std::optional<Value> value = fields.field(name);
    writer.bytes(value && value->kind != ValueKind::Null ? value->text : std::string_view());
  }
}

std::optional<std::vector<std::string>> split_group_key(std::string_view key, std::size_t parts) {
  ByteReader reader(key);
  std::vector<std::string> values;
  values.reserve(parts);
  for (std::size_t i = 0; i < parts; ++i) values.emplace_back(reader.bytes());
  if (!reader.at_end()) return std::nullopt;
  return values;
}

}  // namespace pkgly_trail::hunt
