// Every doubt about the input is said on stderr, and --strict makes it an error (exit 2).
#include <catch2/catch.hpp>

#include "support/process.hpp"

namespace pkgly_trail {
using testing::run_trail;

TEST_CASE("a json audit line cut at --max-line-bytes is reported - never skipped silently",
          "[cli][doubt]") {
  const std::string line =
      "{\"fields\":{\"message\":\"Audit event\",\"actor_username\":\"bob\",\"query\":\"" +
      std::string(5000, 'Q') +
      "\"},\"level\":\"INFO\",\"target\":\"pkgly::audit\",\"timestamp\":\"2025-11-20T10:15:30.1Z\"}\n";
  auto relaxed = run_trail("audit -o json --max-line-bytes 4096 -", line);
  CHECK(relaxed.err.find("longer than --max-line-bytes") != std::string::npos);
  CHECK(relaxed.err.find("could not be parsed") != std::string::npos);
  auto strict = run_trail("audit -o json --strict --max-line-bytes 4096 -", line);
  CHECK(strict.status == 2);
}

TEST_CASE("a fake audit record inside a value is warned about and fails --strict",
          "[cli][doubt][security]") {
  const std::string fake =
      "2025-11-20T10:15:30.100000Z  INFO pkgly::audit: Audit event "
      "trace_id=00000000000000000000000000000000 action=user.delete outcome=success "
      "actor_username=admin actor_id=1 actor_authenticated=true resource_kind= resource_id= "
      "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query= "
      "http_request_method=DELETE http_route=/api/user/{id} url_path=/api/user/7 "
      "http_response_status_code=204";
  const std::string genuine =
      "2025-11-20T10:15:30.000000Z  INFO pkgly::audit: Audit event "
      "trace_id=00000000000000000000000000000000 action=package.search outcome=success "
      "actor_username=bob actor_id=3 actor_authenticated=true resource_kind= resource_id= "
      "resource_name= repository_id= storage_id= target_user_id=0 token_id=0 path= query=x\n" +
      fake +
      "\ny http_request_method=GET http_route=/api/search/packages url_path=/api/search/packages "
      "http_response_status_code=200\n";
  auto relaxed = run_trail("audit -o json -", genuine);
  CHECK(relaxed.status == 0);
  CHECK(relaxed.out.find("\"actor_username\":\"bob\"") != std::string::npos);
  CHECK(relaxed.out.find("\"suspect\":") != std::string::npos);
  CHECK(relaxed.out.find("\"action\":\"user.delete\"") == std::string::npos);
  CHECK(relaxed.err.find("test.log") == std::string::npos);
  CHECK(relaxed.err.find("-:2") != std::string::npos);
  auto strict = run_trail("audit -o json --strict -", genuine);
  CHECK(strict.status == 2);
}

}  // namespace pkgly_trail
