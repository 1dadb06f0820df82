#pragma once
// What a ground-truth line (tests/fixtures/*.truth.ndjson, format in pkgly-loggen's README
// "Ground truth") says the tool must write, compared whole and both ways (json_compare.hpp):
// the audit event's fields, its spans (websocket events), its access record and its related
// records, as `audit -o json` and `join -o json` write them.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/json_compare.hpp"

namespace pkgly_trail::testing {

// The keys of a truth line that describe the event rather than being one of its fields.
inline bool is_truth_meta_key(std::string_view key) {
  static const std::set<std::string_view> meta{"seq",     "timestamp",     "request_id", "access",
                                               "related", "ws_request_id", "spans"};
  return meta.contains(key);
}

// The audit event's "fields" object: every key of the truth line but the meta keys, typed.
inline std::string truth_audit_fields(simdjson::dom::object truth) {
  std::string json = "{";
  for (auto [key, value] : truth) {
    if (is_truth_meta_key(key)) continue;
    if (json.size() > 1) json += ',';
    json += json_quote(key) + ":" + simdjson::minify(value);
  }
  return json + "}";
}

// The access record's "fields": every key but timestamp. A null is an Option that was None,
// which tracing does not write.
inline std::string truth_access_fields(simdjson::dom::object access) {
  std::string json = "{";
  for (auto [key, value] : access) {
    if (key == "timestamp" || value.is_null()) continue;
    if (json.size() > 1) json += ',';
    json += json_quote(key) + ":" + simdjson::minify(value);
  }
  return json + "}";
}

inline std::vector<std::string> string_list(simdjson::dom::array array) {
  std::vector<std::string> list;
  for (simdjson::dom::element item : array) list.emplace_back(std::string_view(item));
  return list;
}

inline std::vector<std::string> span_names(simdjson::dom::array spans) {
  std::vector<std::string> names;
  for (simdjson::dom::element span : spans) names.emplace_back(std::string_view(span["name"]));
  return names;
}

// The value of `key` in the fields of the first span named `span`, or "" when there is none.
inline std::string span_field_text(simdjson::dom::array spans, std::string_view span,
                                   std::string_view key) {
  for (simdjson::dom::element s : spans) {
    if (std::string_view(s["name"]) != span) continue;
    std::string_view value;
    if (s["fields"][key].get(value) == simdjson::SUCCESS) return std::string(value);
  }
  return "";
}

inline std::vector<std::string> object_keys(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (auto [key, value] : object) keys.emplace_back(key);
  return keys;
}

// One audit event as `audit -o json` writes it (and as the "audit" part of `join -o json`,
// both led by the contract's version; and as SQLite's record_json, without it) against its
// truth line. Compact logs carry no span fields: no request_id and no spans there.
inline void check_audit_json(simdjson::dom::object got, simdjson::dom::object truth, bool compact) {
  std::vector<std::string> keys = object_keys(got);
  if (!keys.empty() && keys.front() == "contract") {
    CHECK(std::int64_t(got["contract"]) == 1);
    keys.erase(keys.begin());
  }
  CHECK(keys == std::vector<std::string>{"timestamp", "level", "target", "message", "fields",
                                         "spans", "request_id", "trace_id", "source"});
  CHECK(std::string_view(got["timestamp"]) == std::string_view(truth["timestamp"]));
  CHECK(std::string_view(got["level"]) == "INFO");
  CHECK(std::string_view(got["target"]) == "pkgly::audit");
  CHECK(std::string_view(got["message"]) == "Audit event");
  simdjson::dom::parser parser;
  const std::string want_fields = truth_audit_fields(truth);
  CHECK(json_diff(parser.parse(want_fields), got["fields"], "fields") == "");
  // trace_id: null when it is all zeros (not a usable W3C id).
  const std::string_view trace = truth["trace_id"];
  if (trace == "00000000000000000000000000000000") {
    CHECK(got["trace_id"].is_null());
  } else {
    CHECK(json_kind(got["trace_id"]) == JsonKind::String);
    CHECK(simdjson::minify(got["trace_id"]) == json_quote(trace));
  }
  simdjson::dom::array spans = got["spans"];
  // The compact format names the spans but writes none of their fields: no request_id.
  if (compact) {
    CHECK(got["request_id"].is_null());
    for (simdjson::dom::element span : spans)
      CHECK(simdjson::dom::object(span["fields"]).size() == 0);
  } else {
    CHECK(simdjson::minify(got["request_id"]) == simdjson::minify(truth["request_id"]));
  }
  simdjson::dom::element ws_request_id, truth_spans;
  if (truth["ws_request_id"].get(ws_request_id) == simdjson::SUCCESS) {
    REQUIRE(truth["spans"].get(truth_spans) == simdjson::SUCCESS);
    CHECK(span_names(spans) == string_list(truth_spans));
    if (!compact)
      CHECK(span_field_text(spans, "Browse WS", "request_id") ==
            std::string(std::string_view(ws_request_id)));
  } else {
    // The truth names the spans of websocket events only; an HTTP event's is its request.
    CHECK(truth["spans"].error() == simdjson::NO_SUCH_FIELD);
    if (!truth["request_id"].is_null()) {
      REQUIRE(spans.size() > 0);
      CHECK(std::string_view((*spans.begin())["name"]) == "HTTP request");
      if (!compact)
        CHECK(span_field_text(spans, "HTTP request", "request_id") ==
              std::string(std::string_view(truth["request_id"])));
    }
  }
}

// The "access" member of a `join -o json` event against the truth's access (null or not).
inline void check_access_json(simdjson::dom::element got, simdjson::dom::element truth) {
  if (truth.is_null()) {
    CHECK(got.is_null());
    return;
  }
  REQUIRE(json_kind(got) == JsonKind::Object);
  CHECK(std::string_view(got["timestamp"]) == std::string_view(truth["timestamp"]));
  CHECK(std::string_view(got["target"]) == "pkgly::access");
  simdjson::dom::parser parser;
  const std::string want_fields = truth_access_fields(truth);
  CHECK(json_diff(parser.parse(want_fields), got["fields"], "access.fields") == "");
}

// The "related" member of a `join -o json` event against the truth's related records.
inline void check_related_json(simdjson::dom::array got, simdjson::dom::array truth) {
  REQUIRE(got.size() == truth.size());
  auto g = got.begin();
  std::size_t i = 0;
  for (simdjson::dom::object want : truth) {
    simdjson::dom::object record = *g;
    ++g;
    INFO("related #" << ++i);
    for (auto [key, value] : want) {
      INFO("truth key " << key);
      CHECK(std::set<std::string_view>{"timestamp", "level", "target", "message", "logged_message",
                                       "spans"}
                .contains(key));
    }
    CHECK(std::string_view(record["timestamp"]) == std::string_view(want["timestamp"]));
    CHECK(std::string_view(record["level"]) == std::string_view(want["level"]));
    CHECK(std::string_view(record["target"]) == std::string_view(want["target"]));
    // The text formats may escape a message; logged_message is then what the log holds.
    simdjson::dom::element message = want["message"];
    simdjson::dom::element logged;
    if (want["logged_message"].get(logged) == simdjson::SUCCESS) message = logged;
    CHECK(simdjson::minify(record["message"]) == simdjson::minify(message));
    CHECK(span_names(record["spans"]) == string_list(want["spans"]));
  }
}

}  // namespace pkgly_trail::testing
