#include "pkgly_trail/filter/name_watch.hpp"

#include <catch2/catch.hpp>

namespace pkgly_trail {
namespace {

Record with_fields(std::vector<Field> fields, std::vector<Field> span_fields = {}) {
  Record r;
  r.timestamp = "2025-11-20T10:15:30.369463Z";
  r.target = kAuditTarget;
  r.fields = std::move(fields);
  r.span_fields = std::move(span_fields);
  if (!r.span_fields.empty())
    r.spans = {Span{"HTTP request", 0, static_cast<std::uint32_t>(r.span_fields.size())}};
  return r;
}

std::vector<std::string> names_of(const std::vector<NameWatch::Missing>& missing) {
  std::vector<std::string> names;
  for (const auto& m : missing) names.push_back(m.name);
  return names;
}

}  // namespace

TEST_CASE("name watch: what no record had - in the order asked", "[filter][names]") {
  NameWatch watch({"action", "acton", "timestamp", "client.address", "acton", "request_id"});
  const Record audit = with_fields({{"action", Value::string("user.login")}});
  watch.look_at(audit);
  // timestamp and request_id are the record's own names; the repeated name is asked once.
  CHECK(names_of(watch.missing()) == std::vector<std::string>{"acton", "client.address"});
  const auto missing = watch.missing();
  CHECK_FALSE(missing[0].access_field);
  CHECK(missing[1].access_field);  // Pkgly writes it on the access record
  // The names to suggest from: the record's own, then what the records had.
  const auto seen = watch.names_seen();
  CHECK(std::find(seen.begin(), seen.end(), "timestamp") != seen.end());
  CHECK(std::find(seen.begin(), seen.end(), "action") != seen.end());
}

TEST_CASE("name watch: span fields and the access record count - access.KEY only there",
          "[filter][names]") {
  NameWatch watch({"client.address", "access.client.address", "access.action", "user_agent"});
  const Record audit = with_fields({{"action", Value::string("user.login")}},
                                   {{"client.address", Value::string("203.0.113.9")}});
  watch.look_at(audit);
  CHECK(names_of(watch.missing()) ==
        std::vector<std::string>{"access.client.address", "access.action", "user_agent"});
  Record access = with_fields(
      {{"client.address", Value::string("203.0.113.9")}, {"user_agent", Value::string("curl/8")}});
  access.target = kAccessTarget;
  watch.look_at(audit, &access);
  // access.action: the audit event has action, its access record has not.
  CHECK(names_of(watch.missing()) == std::vector<std::string>{"access.action"});
}

TEST_CASE("name watch: names are collected from a bounded number of records", "[filter][names]") {
  NameWatch watch({"never"});
  for (std::uint64_t i = 0; i < NameWatch::kSampleRecords + 5; ++i) {
    const std::string key = "field_" + std::to_string(i);
    watch.look_at(with_fields({{key, Value::string("x")}}));
  }
  // The record's 7 own names and one field from each sampled record, no more.
  CHECK(watch.names_seen().size() == 7 + NameWatch::kSampleRecords);
  CHECK(names_of(watch.missing()) == std::vector<std::string>{"never"});
}

}  // namespace pkgly_trail
