#include "pkgly_trail/filter/name_watch.hpp"

#include <algorithm>
#include <array>

namespace pkgly_trail {
namespace {

// What Record::lookup answers besides fields (the first 7), and what `join` output adds.
constexpr std::array<std::string_view, 11> kAttributes = {
    "timestamp", "level",     "target",  "message",  "request_id", "trace_id",
    "format",    "joined_by", "related", "warnings", "errors"};

// The fields Pkgly writes on its access record (pkgly::access) and its `HTTP request` span.
constexpr std::array<std::string_view, 13> kAccessFields = {"http.request.method",
                                                            "http.route",
                                                            "url.path",
                                                            "url.query",
                                                            "url.schema",
                                                            "http.response.status_code",
                                                            "duration_ms",
                                                            "user",
                                                            "client.address",
                                                            "user_agent.original",
                                                            "http.response.body.size",
                                                            "http.request.body.size",
                                                            "network.protocol.version"};

bool has(const Record& record, std::string_view name) {
  return record.lookup(name).has_value();
}

}  // namespace

NameWatch::NameWatch(std::vector<std::string> wanted) {
  for (std::string& name : wanted) {
    if (std::find(kAttributes.begin(), kAttributes.end(), name) != kAttributes.end()) continue;
    if (std::any_of(wanted_.begin(), wanted_.end(),
                    [&](const Wanted& w) { return w.name == name; }))
      continue;
    wanted_.push_back(Wanted{std::move(name)});
  }
  left_ = wanted_.size();
}

void NameWatch::look_at(const Record& record, const Record* access) {
  if (left_ == 0) return;
  for (Wanted& w : wanted_) {
    if (w.found) continue;
    const std::string_view name = w.name;
    w.found = name.starts_with("access.") ? access && has(*access, name.substr(7))
                                          : has(record, name) || (access && has(*access, name));
    if (w.found) --left_;
  }
  if (left_ > 0 && sampled_ < kSampleRecords) {
    ++sampled_;
    collect_names(record);
    if (access) collect_names(*access);
  }
}

void NameWatch::collect_names(const Record& record) {
  for (const auto* list : {&record.fields, &record.span_fields})
    for (const Field& field : *list)
      if (seen_.find(field.key) == seen_.end()) seen_.emplace(field.key);
}

std::vector<std::string> NameWatch::names_seen() const {
  std::vector<std::string> names(kAttributes.begin(), kAttributes.begin() + 7);
  names.insert(names.end(), seen_.begin(), seen_.end());
  return names;
}

std::vector<NameWatch::Missing> NameWatch::missing() const {
  std::vector<Missing> out;
  for (const Wanted& w : wanted_) {
    if (w.found) continue;
    Missing m{w.name, false};
    std::string_view bare = w.name;
    if (bare.starts_with("access.")) bare.remove_prefix(7);
    m.access_field =
        std::find(kAccessFields.begin(), kAccessFields.end(), bare) != kAccessFields.end();
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace pkgly_trail
