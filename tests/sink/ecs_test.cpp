#include <simdjson.h>

#include <catch2/catch.hpp>

#include "pkgly_trail/sink/ecs_document.hpp"
#include "sink/sample_records.hpp"

namespace pkgly_trail {

namespace {
Record audit_record() {
  return testing::audit_event({{"trace_id", Value::string("a5b74734ae07ec0e0dd133ecbb0bdb11")},
                               {"action", Value::string("package.upload")},
                               {"outcome", Value::string("denied")},
                               {"actor_username", Value::string("eve \"x\" =admin")},
                               {"actor_id", Value::integer("7")},
                               {"resource_name", Value::string("docker-hosted")},
                               {"query", Value::string("")},
                               {"http_request_method", Value::string("PUT")},
                               {"url_path", Value::string("/v2/x")},
                               {"http_response_status_code", Value::integer("403")}},
                              "54b87071-8bea-4010-ba63-4894e969788a");
}
}  // namespace

TEST_CASE("ECS documents carry the mapped fields", "[sink][ecs]") {
  Record audit = audit_record();
  Record access;
  access.target = "pkgly::access";
  access.fields = {{"duration_ms", Value::integer("12")},
                   {"client.address", Value::string("203.0.113.9")},
                   {"user_agent.original", Value::string("curl/8.4")},
                   {"http.response.body.size", Value::integer("2921")}};
  fmt::memory_buffer out;
  append_ecs_document(out, audit, &access, JoinKey::RequestId);
  std::string json(out.data(), out.size());
  INFO(json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  CHECK(std::string_view(doc["@timestamp"]) == "2025-11-20T10:15:30.369463Z");
  CHECK(std::string_view(doc["event"]["action"]) == "package.upload");
  CHECK(std::string_view(doc["event"]["outcome"]) == "failure");
  CHECK(int64_t(doc["event"]["duration"]) == 12000000);
  CHECK(std::string_view(doc["user"]["name"]) == "eve \"x\" =admin");
  CHECK(std::string_view(doc["user"]["id"]) == "7");
  CHECK(std::string_view(doc["source"]["ip"]) == "203.0.113.9");
  CHECK(std::string_view(doc["http"]["request"]["method"]) == "PUT");
  CHECK(int64_t(doc["http"]["response"]["status_code"]) == 403);
  CHECK(int64_t(doc["http"]["response"]["body"]["bytes"]) == 2921);
  CHECK(std::string_view(doc["url"]["path"]) == "/v2/x");
  CHECK(std::string_view(doc["trace"]["id"]) == "a5b74734ae07ec0e0dd133ecbb0bdb11");
  CHECK(std::string_view(doc["transaction"]["id"]) == "54b87071-8bea-4010-ba63-4894e969788a");
  CHECK(std::string_view(doc["user_agent"]["original"]) == "curl/8.4");
  CHECK(std::string_view(doc["labels"]["resource_name"]) == "docker-hosted");
  CHECK(doc["labels"]["query"].error() == simdjson::NO_SUCH_FIELD);  // empty values are left out
  CHECK(std::string_view(doc["labels"]["joined_by"]) == "request_id");
}

TEST_CASE("ECS without an access record and with a zero trace id", "[sink][ecs]") {
  Record audit = audit_record();
  audit.fields[0].value = Value::string("00000000000000000000000000000000");
  audit.derive_ids();
  fmt::memory_buffer out;
  append_ecs_document(out, audit, nullptr, JoinKey::None);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(std::string(out.data(), out.size()));
  CHECK(doc["trace"].error() == simdjson::NO_SUCH_FIELD);
  CHECK(doc["source"].error() == simdjson::NO_SUCH_FIELD);
  CHECK(doc["event"]["duration"].error() == simdjson::NO_SUCH_FIELD);
  CHECK(std::string_view(doc["transaction"]["id"]) == "54b87071-8bea-4010-ba63-4894e969788a");
}

}  // namespace pkgly_trail
