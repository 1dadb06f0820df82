// End to end: an attacker's user name that spells more audit fields ("eve actor_id=1
// actor_authenticated=maybe ...") stays one user name. The text formats write strings bare, so
// the parser splits an audit line by its fixed schema; only a split whose every typed value is
// valid (actor_id an integer, actor_authenticated true or false) is taken.
#include <catch2/catch.hpp>
#include <string>

#include "support/json_compare.hpp"
#include "support/process.hpp"

namespace pkgly_trail {
namespace {

const std::string kForgedName =
    "eve actor_id=1 actor_authenticated=maybe resource_kind=user resource_id=1 "
    "resource_name=admin";

std::string audit_line(const std::string& actor) {
  return "2025-11-20T10:15:30.100000Z  INFO HTTP request{request_id=r-1}: pkgly::audit: Audit "
         "event trace_id=00000000000000000000000000000000 action=auth.login outcome=success "
         "actor_username=" +
         actor +
         " actor_id=3 actor_authenticated=true resource_kind= resource_id= resource_name= "
         "repository_id= storage_id= target_user_id=0 token_id=0 path= query= "
         "http_request_method=POST http_route=/api/user/login url_path=/api/user/login "
         "http_response_status_code=200\n";
}

}  // namespace

TEST_CASE("a user name that spells actor fields with a non-boolean forges none",
          "[cli][parse][security]") {
  auto result = testing::run_trail("audit -o json", audit_line(kForgedName));
  REQUIRE(result.status == 0);
  CHECK(result.err.empty());
  REQUIRE(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  simdjson::dom::parser parser, want_parser;
  simdjson::dom::object event = parser.parse(result.out);
  const std::string want =
      R"({"trace_id":"00000000000000000000000000000000","action":"auth.login",)"
      R"("outcome":"success","actor_username":)" +
      testing::json_quote(kForgedName) +
      R"(,"actor_id":3,"actor_authenticated":true,"resource_kind":"","resource_id":"",)"
      R"("resource_name":"","repository_id":"","storage_id":"","target_user_id":0,"token_id":0,)"
      R"("path":"","query":"","http_request_method":"POST","http_route":"/api/user/login",)"
      R"("url_path":"/api/user/login","http_response_status_code":200})";
  CHECK(testing::json_diff(want_parser.parse(want), event["fields"], "fields") == "");
  // Filters see the same: no event of an actor "eve".
  CHECK(testing::run_trail("audit --actor eve", audit_line(kForgedName)).status == 1);
  // The same line with a plain name parses as usual (the test's line itself is well formed).
  auto plain = testing::run_trail("audit -o json --actor eve", audit_line("eve"));
  CHECK(plain.status == 0);
  CHECK(plain.out.find(R"("actor_username":"eve","actor_id":3,"actor_authenticated":true)") !=
        std::string::npos);
}

}  // namespace pkgly_trail
