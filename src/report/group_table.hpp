#pragma once
// Private to the report stage: capped group tables and the keys that name their groups.
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pkgly_trail/report/report.hpp"

namespace pkgly_trail::report_detail {

// A key of one or more parts, each known (any bytes) or unknown. Each part is written as a
// tag byte (unknown, or 1 + its ValueKind), then for known parts a 4-byte length and the bytes, so
// no value can forge a separator and two different part lists never give the same key.
class GroupKey {
 public:
  GroupKey& clear() noexcept {
    key_.clear();
    return *this;
  }
  // An empty part is unknown. `kind` tells how a renderer writes the value (a number or text).
  GroupKey& add(std::string_view part, ValueKind kind = ValueKind::String) {
    if (part.empty() || kind == ValueKind::Null) {
      key_.push_back('\0');
      return *this;
    }
    key_.push_back(static_cast<char>(1 + static_cast<int>(kind)));
    const auto size = static_cast<std::uint32_t>(part.size());
    char length[4];
    std::memcpy(length, &size, sizeof length);
    key_.append(length, sizeof length);
    key_.append(part);
    return *this;
  }
  std::string_view view() const noexcept { return key_; }

 private:
  std::string key_;  // reused: building a key allocates only when it grows
};

// The parts of a key, unknown ones as Null cells.
std::vector<Cell> key_cells(std::string_view key);
// Names ascending, bytewise, unknown after every known value.
bool cells_less(const std::vector<Cell>& a, const std::vector<Cell>& b) noexcept;

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
};

// Groups by key, at most `cap` of them. An event whose group does not exist and cannot be
// added is counted as omitted, which marks the table truncated.
template <typename Stats>
class GroupTable {
 public:
  explicit GroupTable(std::size_t cap) : cap_(cap) {}

  struct Found {
    Stats* stats = nullptr;  // null: no room
    bool added = false;
  };
  Found find_or_add(std::string_view key) {
    auto it = groups_.find(key);
    if (it != groups_.end()) return {&it->second, false};
    if (groups_.size() >= cap_) {
      ++omitted_;
      return {};
    }
    return {&groups_.emplace(std::string(key), Stats{}).first->second, true};
  }
  const auto& groups() const noexcept { return groups_; }
  std::size_t size() const noexcept { return groups_.size(); }
  bool truncated() const noexcept { return omitted_ > 0; }
  std::uint64_t omitted() const noexcept { return omitted_; }

 private:
  std::size_t cap_;
  std::unordered_map<std::string, Stats, KeyHash, std::equal_to<>> groups_;
  std::uint64_t omitted_ = 0;
};

}  // namespace pkgly_trail::report_detail
