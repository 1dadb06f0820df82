#include "pkgly_trail/filter/filter.hpp"

#include <catch2/catch.hpp>

#include "pkgly_trail/filter/filter_stage.hpp"
#include "support/collect.hpp"

using namespace pkgly_trail;

namespace {

constexpr std::int64_t kNow = 1763633730369463;  // 2025-11-20T10:15:30.369463Z

// An audit record as Pkgly writes it, inside an `HTTP request` span.
Record audit(std::string_view action = "package.download", std::string_view outcome = "success",
             std::string_view actor = "alice") {
  Record r;
  r.timestamp = "2025-11-20T10:15:30.369463Z";
  r.level = Level::Info;
  r.target = kAuditTarget;
  r.message = "Audit event";
  r.fields = {
      {"trace_id", Value::string("00000000000000000000000000000000")},
      {"action", Value::string(action)},
      {"outcome", Value::string(outcome)},
      {"actor_username", Value::string(actor)},
      {"actor_id", Value::integer("2")},
      {"actor_authenticated", Value::boolean(true)},
      {"resource_name", Value::string("npm-hosted")},
      {"repository_id", Value::string("9e10e1e0-db6a-4f53-8fc4-920f2f82df34")},
      {"storage_id", Value::string("75a575b7-61d6-4a7b-960c-80a50eca119e")},
      {"path", Value::string("@acme/eslint-config")},
      {"query", Value::string("")},
      {"http_request_method", Value::string("GET")},
      {"url_path", Value::string("/repositories/primary/npm-hosted/@acme%2feslint-config")},
      {"http_response_status_code", Value::integer("200")},
  };
  r.spans = {Span{"HTTP request", 0, 3}};
  r.span_fields = {{"request_id", Value::string("2053a960-44a5-44bf-a217-b4e8f412cfa2")},
                   {"otel.name", Value::string("GET")},
                   {"otel.name", Value::string("GET /repositories")}};
  r.derive_ids();
  return r;
}

Record event(std::string_view target, Level level, std::string_view timestamp) {
  Record r;
  r.timestamp = timestamp;
  r.level = level;
  r.target = target;
  r.message = "Handling NPM GET request";
  r.derive_ids();
  return r;
}

bool passes(const FilterOptions& options, const Record& record) {
  return Filter::compile(options, kNow).matches(record);
}

std::string compile_error(const FilterOptions& options) {
  try {
    Filter::compile(options, kNow);
  } catch (const FilterError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an empty filter passes everything") {
  const Filter filter = Filter::compile({}, kNow);
  CHECK(filter.empty());
  CHECK(filter.matches(audit()));
  CHECK(filter.matches(event("sqlx::query", Level::Trace, "")));

  FilterOptions options;
  options.actors = {"alice"};
  CHECK_FALSE(Filter::compile(options, kNow).empty());
}

TEST_CASE("audit_only keeps pkgly::audit records") {
  FilterOptions options;
  options.audit_only = true;
  CHECK(passes(options, audit()));
  CHECK_FALSE(passes(options, event("pkgly::access", Level::Info, "")));
  CHECK_FALSE(passes(options, event("pkgly::audit::x", Level::Info, "")));
}

TEST_CASE("target prefixes end on :: boundaries and are alternatives") {
  FilterOptions options;
  options.target_prefixes = {"pkgly"};
  CHECK(passes(options, event("pkgly::audit", Level::Info, "")));
  CHECK(passes(options, event("pkgly", Level::Info, "")));
  CHECK_FALSE(passes(options, event("pkgly_trail::x", Level::Info, "")));
  CHECK_FALSE(passes(options, event("sqlx::query", Level::Info, "")));

  options.target_prefixes = {"pkg"};
  CHECK_FALSE(passes(options, event("pkgly::x", Level::Info, "")));

  options.target_prefixes = {"pkgly::repository"};
  CHECK(passes(options, event("pkgly::repository::npm::hosted", Level::Info, "")));
  CHECK_FALSE(passes(options, event("pkgly::repositoryx", Level::Info, "")));
  CHECK_FALSE(passes(options, event("pkgly::audit", Level::Info, "")));

  options.target_prefixes = {"pkgly::"};
  CHECK(passes(options, event("pkgly::audit", Level::Info, "")));

  options.target_prefixes = {"sqlx", "pkgly::audit"};
  CHECK(passes(options, event("sqlx::query", Level::Info, "")));
  CHECK(passes(options, audit()));
  CHECK_FALSE(passes(options, event("pkgly::access", Level::Info, "")));
}

TEST_CASE("min_level keeps that level and more severe ones") {
  FilterOptions options;
  options.min_level = Level::Warn;
  CHECK_FALSE(passes(options, event("x", Level::Trace, "")));
  CHECK_FALSE(passes(options, event("x", Level::Debug, "")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "")));
  CHECK(passes(options, event("x", Level::Warn, "")));
  CHECK(passes(options, event("x", Level::Error, "")));
}

TEST_CASE("actions are globs on the action field - repeated ones OR") {
  FilterOptions options;
  options.actions = {"package.*"};
  CHECK(passes(options, audit("package.download")));
  CHECK_FALSE(passes(options, audit("user.login")));
  CHECK_FALSE(passes(options, event("pkgly::access", Level::Info, "")));  // no action field

  options.actions = {"user.log?n", "repository.browse_ws.*"};
  CHECK(passes(options, audit("user.login")));
  CHECK(passes(options, audit("repository.browse_ws.connect")));
  CHECK_FALSE(passes(options, audit("package.download")));
}

TEST_CASE("outcome is success or denied") {
  FilterOptions options;
  options.outcome = "denied";
  CHECK(passes(options, audit("package.upload", "denied")));
  CHECK_FALSE(passes(options, audit("package.upload", "success")));
  CHECK_FALSE(passes(options, event("pkgly::access", Level::Info, "")));

  options.outcome = "failed";
  CHECK(compile_error(options) == "invalid --outcome 'failed': expected success or denied");
}

TEST_CASE("actors are exact user names") {
  FilterOptions options;
  options.actors = {"alice", "bob"};
  CHECK(passes(options, audit("a", "success", "alice")));
  CHECK(passes(options, audit("a", "success", "bob")));
  CHECK_FALSE(passes(options, audit("a", "success", "alice2")));
  CHECK_FALSE(passes(options, audit("a", "success", "anonymous")));
}

TEST_CASE("repositories match repository_id or resource_name") {
  FilterOptions options;
  options.repositories = {"npm-hosted"};
  CHECK(passes(options, audit()));
  options.repositories = {"9e10e1e0-db6a-4f53-8fc4-920f2f82df34"};
  CHECK(passes(options, audit()));
  options.repositories = {"npm"};
  CHECK_FALSE(passes(options, audit()));
  options.repositories = {"maven-releases", "npm-hosted"};
  CHECK(passes(options, audit()));
}

TEST_CASE("storages match storage_id exactly") {
  FilterOptions options;
  options.storages = {"75a575b7-61d6-4a7b-960c-80a50eca119e"};
  CHECK(passes(options, audit()));
  options.storages = {"75a575b7"};
  CHECK_FALSE(passes(options, audit()));
}

TEST_CASE("paths are globs on path or url_path") {
  FilterOptions options;
  options.paths = {"@acme/*"};
  CHECK(passes(options, audit()));
  options.paths = {"/repositories/primary/*"};
  CHECK(passes(options, audit()));
  options.paths = {"@other/*", "/v2/*"};
  CHECK_FALSE(passes(options, audit()));
  options.paths = {"@other/*", "*eslint*"};
  CHECK(passes(options, audit()));
}

TEST_CASE("since is inclusive - until exclusive - records without a time fail") {
  FilterOptions options;
  options.since = "2025-11-20T10:15:30.369463Z";
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T10:15:30.369463Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:15:30.369462Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "garbage")));

  options = {};
  options.until = "2025-11-20T10:15:30.369463Z";
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T10:15:30.369462Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:15:30.369463Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "")));

  options.since = "2025-11-20";
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T00:00:00Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-19T23:59:59.999999Z")));

  options = {};
  options.since = "1h";  // relative to kNow
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T09:20:00Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T09:10:00Z")));
}

TEST_CASE("bad or contradictory times are errors") {
  FilterOptions options;
  options.since = "last-tuesday";
  CHECK(compile_error(options) ==
        "invalid --since value 'last-tuesday': expected RFC 3339 (2025-11-20T10:15:30Z), a local "
        "date or time (2025-11-20, 2025-11-20 10:00), today, yesterday, or a duration (30m, 2h, "
        "7d)");
  options = {};
  options.until = "2025-11-31";
  CHECK(compile_error(options) ==
        "invalid --until value '2025-11-31': expected RFC 3339 (2025-11-20T10:15:30Z), a local "
        "date or time (2025-11-20, 2025-11-20 10:00), today, yesterday, or a duration (30m, 2h, "
        "7d)");
  options.until = "2025-11-20";
  options.since = "2025-11-21";
  CHECK(compile_error(options) == "--since '2025-11-21' is not earlier than --until '2025-11-20'");
}

TEST_CASE("around: the moment and its context on either side - both ends included") {
  FilterOptions options;
  options.around = "2025-11-20T10:15:30Z";
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T10:10:30Z")));  // default 5m
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T10:20:30Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:10:29.999999Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:20:30.000001Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "")));
  options.context = "30s";
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T10:15:00Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:14:59Z")));
  options.around = "1h";  // an hour before kNow (10:15:30.369463Z), as --since reads it
  CHECK(passes(options, event("x", Level::Info, "2025-11-20T09:15:30Z")));
  CHECK_FALSE(passes(options, event("x", Level::Info, "2025-11-20T10:15:30Z")));
}

TEST_CASE("around: its errors say what is wrong") {
  FilterOptions options;
  options.context = "5m";
  CHECK(compile_error(options) == "--context needs --around (the moment it is around)");
  options.around = "2025-11-20T10:15:30Z";
  options.context = "five minutes";
  CHECK(compile_error(options) ==
        "invalid --context 'five minutes': expected a duration (90s, 5m, 2h, 1d)");
  options.context.reset();
  options.since = "1d";
  CHECK(compile_error(options) ==
        "--around is a window of its own: give it, or --since/--until, not both");
  options.since.reset();
  options.around = "noon";
  CHECK(compile_error(options).starts_with("invalid --around value 'noon'"));
}

TEST_CASE("a field written twice is matched by either value and hidden by neither") {
  // Pkgly writes each field once; a forged or mangled record may name one twice (it is marked
  // suspect). No positive option may miss it, no negative one hide it, for either value.
  Record twice = audit("auth.login", "success", "alice");
  twice.fields.push_back({"actor_username", Value::string("bob")});
  twice.fields.push_back({"action", Value::string("token.create")});
  FilterOptions options;
  options.actors = {"alice"};
  CHECK(passes(options, twice));
  options.actors = {"bob"};
  CHECK(passes(options, twice));
  options = {};
  options.not_actors = {"alice"};
  CHECK(passes(options, twice));
  options.not_actors = {"bob"};
  CHECK(passes(options, twice));
  options.not_actors = {"alice", "bob"};
  CHECK_FALSE(passes(options, twice));
  options = {};
  options.actions = {"token.*"};
  CHECK(passes(options, twice));
  options.not_actions = {"auth.*"};
  CHECK(passes(options, twice));
  options.not_actions = {"auth.*", "token.*"};
  CHECK_FALSE(passes(options, twice));
  options = {};
  options.where = {"actor_username=alice"};
  CHECK(passes(options, twice));
  options.where = {"actor_username!=alice"};
  CHECK(passes(options, twice));
  options.where = {"actor_username!=alice", "actor_username!=bob"};
  CHECK_FALSE(passes(options, twice));
  options = {};
  options.match = {"actor_username~^b"};
  CHECK(passes(options, twice));
  options.match = {"actor_username!~^a"};
  CHECK(passes(options, twice));
  options.match = {"actor_username!~^(a|b)"};
  CHECK_FALSE(passes(options, twice));
  // The record shows its later value, like the JSON outputs.
  CHECK(twice.field("actor_username")->text == "bob");
  CHECK(twice.repeated_field() == "action");  // the first in log order
  CHECK(audit().repeated_field().empty());
}

TEST_CASE("where: exact text of lookup - same key OR - different keys AND") {
  FilterOptions options;
  options.where = {"actor_username=alice"};
  CHECK(passes(options, audit()));
  options.where = {"actor_username=ali"};
  CHECK_FALSE(passes(options, audit()));

  options.where = {"actor_username=bob", "actor_username=alice"};
  CHECK(passes(options, audit()));
  options.where = {"actor_username=alice", "outcome=denied"};
  CHECK_FALSE(passes(options, audit()));
  options.where = {"actor_username=alice", "outcome=denied", "outcome=success"};
  CHECK(passes(options, audit()));

  // Numbers and booleans compare by their logged text.
  options.where = {"http_response_status_code=200", "actor_authenticated=true"};
  CHECK(passes(options, audit()));
  options.where = {"actor_authenticated=false"};
  CHECK_FALSE(passes(options, audit()));

  // Record attributes and span fields (the later otel.name wins), split at the first '='.
  options.where = {"level=INFO", "target=pkgly::audit",
                   "request_id=2053a960-44a5-44bf-a217-b4e8f412cfa2",
                   "otel.name=GET /repositories"};
  CHECK(passes(options, audit()));
  options.where = {"otel.name=GET"};
  CHECK_FALSE(passes(options, audit()));

  Record with_equals = audit();
  with_equals.fields.push_back({"url.query", Value::string("a=b")});
  options.where = {"url.query=a=b"};
  CHECK(passes(options, with_equals));

  // An empty value matches an empty field, never a missing or null one.
  options.where = {"query="};
  CHECK(passes(options, audit()));
  options.where = {"no_such_field="};
  CHECK_FALSE(passes(options, audit()));
  options.where = {"trace_id="};  // all zeros: no usable trace id
  CHECK_FALSE(passes(options, audit()));
}

TEST_CASE("where without '=' is an error") {
  FilterOptions options;
  options.where = {"actor_username"};
  CHECK(compile_error(options) ==
        "invalid --where 'actor_username': expected KEY=VALUE or KEY!=VALUE (e.g. --where "
        "actor_username=alice)");
  options.where = {"=alice"};
  CHECK(compile_error(options) ==
        "invalid --where '=alice': expected KEY=VALUE or KEY!=VALUE (e.g. --where "
        "actor_username=alice)");
  options.where = {"!=alice"};  // a negation with no key
  CHECK(compile_error(options) ==
        "invalid --where '!=alice': expected KEY=VALUE or KEY!=VALUE (e.g. --where "
        "actor_username=alice)");
}

TEST_CASE("where KEY!=VALUE: none of the values - or no value at all") {
  FilterOptions options;
  // Not read as the key `actor_username!` (which no record has).
  options.where = {"actor_username!=anonymous"};
  CHECK(passes(options, audit("a", "success", "alice")));
  CHECK_FALSE(passes(options, audit("a", "success", "anonymous")));
  // Repeated: none of them.
  options.where = {"actor_username!=anonymous", "actor_username!=bob"};
  CHECK(passes(options, audit("a", "success", "alice")));
  CHECK_FALSE(passes(options, audit("a", "success", "bob")));
  // A record without the key is not that value; a null value neither.
  options.where = {"no_such_field!=x", "trace_id!=00000000000000000000000000000000"};
  CHECK(passes(options, audit()));
  // With the positive form of the same key: both hold.
  options.where = {"outcome=success", "outcome!=denied"};
  CHECK(passes(options, audit("a", "success")));
  options.where = {"actor_username=alice", "actor_username!=alice"};
  CHECK_FALSE(passes(options, audit()));
  // A '!' inside the value is the value's.
  options.where = {"actor_username=!alice"};
  CHECK_FALSE(passes(options, audit()));
  CHECK(passes(options, audit("a", "success", "!alice")));
}

TEST_CASE("not-actor and not-action leave those out") {
  FilterOptions options;
  options.not_actors = {"anonymous", "ci-bot"};
  CHECK(passes(options, audit("a", "success", "alice")));
  CHECK_FALSE(passes(options, audit("a", "success", "anonymous")));
  CHECK_FALSE(passes(options, audit("a", "success", "ci-bot")));
  CHECK(passes(options, event("pkgly::access", Level::Info, "")));  // no actor at all
  options = {};
  options.not_actions = {"package.*"};
  CHECK(passes(options, audit("user.login")));
  CHECK_FALSE(passes(options, audit("package.download")));
  options.actions = {"package.*", "user.*"};
  options.not_actions = {"package.download"};
  CHECK(passes(options, audit("package.upload")));
  CHECK_FALSE(passes(options, audit("package.download")));
  CHECK_FALSE(Filter::compile(options, kNow).empty());
}

TEST_CASE("match: RE2 partial match - same key OR - different keys AND") {
  FilterOptions options;
  options.match = {"url_path~npm-hosted"};
  CHECK(passes(options, audit()));
  options.match = {"url_path~^npm-hosted"};
  CHECK_FALSE(passes(options, audit()));
  options.match = {"url_path~^/v2/", "url_path~^/repositories/"};
  CHECK(passes(options, audit()));
  options.match = {"url_path~^/repositories/", "actor_username~^b"};
  CHECK_FALSE(passes(options, audit()));
  options.match = {"http_response_status_code~^2\\d\\d$", "message~(?i)audit"};
  CHECK(passes(options, audit()));
  options.match = {"path~a~b"};  // split at the first '~'
  Record tilde = audit();
  tilde.fields.push_back({"path", Value::string("xa~by")});
  tilde.fields.erase(tilde.fields.begin() + 9);  // drop the original path
  CHECK(passes(options, tilde));
  options.match = {"missing~.*"};
  CHECK_FALSE(passes(options, audit()));
}

TEST_CASE("match reports bad patterns and a missing '~'") {
  FilterOptions options;
  options.match = {"url_path~x("};
  CHECK(compile_error(options) == "invalid --match pattern 'x(': missing ): x(");
  options.match = {"url_path=x"};
  CHECK(compile_error(options) ==
        "invalid --match 'url_path=x': expected KEY~REGEX or KEY!~REGEX (e.g. --match "
        "url_path~^/api/)");
}

TEST_CASE("match KEY!~RE2: no pattern matches - or no value at all") {
  FilterOptions options;
  options.match = {"actor_username!~^(anonymous|ci-)"};
  CHECK(passes(options, audit("a", "success", "alice")));
  CHECK_FALSE(passes(options, audit("a", "success", "ci-bot")));
  options.match = {"url_path!~^/api/", "url_path!~npm-hosted"};
  CHECK_FALSE(passes(options, audit()));
  options.match = {"missing!~.*"};
  CHECK(passes(options, audit()));
  options.match = {"url_path~^/repositories/", "url_path!~eslint"};
  CHECK_FALSE(passes(options, audit()));
}

TEST_CASE("different options combine with AND") {
  FilterOptions options;
  options.audit_only = true;
  options.actions = {"package.*"};
  options.outcome = "success";
  options.actors = {"alice"};
  options.since = "2025-11-20";
  CHECK(passes(options, audit()));
  CHECK_FALSE(passes(options, audit("package.download", "denied")));
  CHECK_FALSE(passes(options, audit("user.login")));
  CHECK_FALSE(passes(options, audit("package.download", "success", "bob")));
  options.min_level = Level::Warn;
  CHECK_FALSE(passes(options, audit()));
}

TEST_CASE("a moved filter keeps its predicates") {
  FilterOptions options;
  options.match = {"actor_username~^al"};
  Filter first = Filter::compile(options, kNow);
  Filter second = std::move(first);
  CHECK(second.matches(audit()));
  CHECK_FALSE(second.matches(audit("a", "success", "bob")));
  first = std::move(second);
  CHECK(first.matches(audit()));
}

namespace pkgly_trail {

TEST_CASE("the filter stage hands on what matches and passes idle and finish on",
          "[filter][stage]") {
  FilterOptions options;
  options.audit_only = true;
  const Filter filter = Filter::compile(options, 0);
  testing::CollectRecords next;
  FilterStage stage(filter, next);
  Record audit;
  audit.target = kAuditTarget;
  Record other;
  other.target = "pkgly::x";
  CHECK(stage.on_record(other));
  CHECK(stage.on_record(audit));
  stage.on_idle();
  stage.finish();
  CHECK(stage.matched() == 1);
  REQUIRE(next.records.size() == 1);
  CHECK(next.records[0].target == kAuditTarget);
  CHECK(next.idles == 1);
  CHECK(next.finished == 1);
}

}  // namespace pkgly_trail
