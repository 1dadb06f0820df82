#pragma once
// An event for the hunt tests: typed field values by name, owned by the event.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::testing {

class MapEvent : public hunt::EventFields {
 public:
  MapEvent& string(std::string name, std::string text) {
    return set(std::move(name), ValueKind::String, std::move(text));
  }
  MapEvent& integer(std::string name, std::string text) {
    return set(std::move(name), ValueKind::Integer, std::move(text));
  }
  MapEvent& floating(std::string name, std::string text) {
    return set(std::move(name), ValueKind::Float, std::move(text));
  }
  MapEvent& boolean(std::string name, bool value) {
    return set(std::move(name), ValueKind::Bool, value ? "true" : "false");
  }
  MapEvent& null(std::string name) { return set(std::move(name), ValueKind::Null, ""); }

  std::optional<Value> field(std::string_view name) const override {
    const auto it = fields_.find(name);
    if (it == fields_.end()) return std::nullopt;
    return Value{it->second.first, it->second.second};
  }

 private:
  MapEvent& set(std::string name, ValueKind kind, std::string text) {
    fields_[std::move(name)] = {kind, std::move(text)};
    return *this;
  }
  std::map<std::string, std::pair<ValueKind, std::string>, std::less<>> fields_;
};

}  // namespace pkgly_trail::testing
