#include "scenarios.hpp"

#include <fmt/format.h>

namespace loggen {
namespace {

struct Weighted {
  Scenario scenario;
  std::uint32_t weight;
};

// About 63% of the requests are audited.
constexpr std::array<Weighted, 24> kScenarios{{
    {Scenario::kRepoGet, 30},       {Scenario::kRepoHead, 6},
    {Scenario::kRepoUpload, 4},     {Scenario::kDocker, 4},
    {Scenario::kRepoDenied, 3},     {Scenario::kApiMe, 8},
    {Scenario::kApiMeDenied, 2},    {Scenario::kLogin, 3},
    {Scenario::kLogout, 1},         {Scenario::kSearch, 5},
    {Scenario::kRepositoryList, 3}, {Scenario::kPackageList, 3},
    {Scenario::kUserList, 2},       {Scenario::kPermissionsUpdate, 1},
    {Scenario::kTokenDelete, 1},    {Scenario::kAsset, 24},
    {Scenario::kApiInfo, 4},        {Scenario::kIndex, 3},
    {Scenario::kFavicon, 2},        {Scenario::kNotFound, 2},
    {Scenario::kLoginInvalid, 1},   {Scenario::kRepoMissing, 6},
    {Scenario::kRepoError, 1},      {Scenario::kProxyFailure, 1},
}};

constexpr std::uint32_t total_weight() {
  std::uint32_t sum = 0;
  for (const auto& w : kScenarios) sum += w.weight;
  return sum;
}

}  // namespace

RequestFactory::RequestFactory(Rng& rng, const RecordWriter& writer, bool real_trace_ids)
    : rng_(rng), writer_(writer), real_trace_ids_(real_trace_ids) {
  auth_middleware_.render();
  for (Span* span : {&verify_login_, &get_user_and_auth_token_, &api_auth_from_request_}) {
    span->add(str("project_module", "Authentication"));
    span->render();
  }
}

Scenario RequestFactory::pick_scenario() {
  std::uint32_t roll = rng_.below(total_weight());
  for (const auto& w : kScenarios) {
    if (roll < w.weight) return w.scenario;
    roll -= w.weight;
  }
  return Scenario::kAsset;
}

std::string_view RequestFactory::agent_for(Ecosystem e) {
  if (rng_.percent(5)) return rng_.pick(kHostileAgents);
  switch (e) {
    case Ecosystem::kNpm:
      return rng_.pick(kNpmAgents);
    case Ecosystem::kMaven:
      return rng_.pick(kMavenAgents);
    case Ecosystem::kPython:
      return rng_.pick(kPythonAgents);
    case Ecosystem::kDocker:
      return rng_.pick(kDockerAgents);
  }
  return {};
}

std::string_view RequestFactory::browser_agent() {
  if (rng_.percent(5)) return rng_.pick(kHostileAgents);
  return rng_.pick(kBrowserAgents);
}

void RequestFactory::build(PendingRequest& p) {
  p.reset();
  std::string trace = real_trace_ids_ ? random_trace_id(rng_) : std::string(kZeroTraceId);
  RequestLog r(writer_, p, uuid_v4(rng_), std::move(trace));
  switch (pick_scenario()) {
    case Scenario::kRepoGet:
      repository_read(r, "GET");
      break;
    case Scenario::kRepoHead:
      repository_read(r, "HEAD");
      break;
    case Scenario::kRepoUpload:
      repository_upload(r);
      break;
    case Scenario::kDocker:
      docker(r);
      break;
    case Scenario::kRepoDenied:
      repository_denied(r);
      break;
    case Scenario::kApiMe:
      api_me(r);
      break;
    case Scenario::kApiMeDenied:
      api_me_denied(r);
      break;
    case Scenario::kLogin:
      login(r);
      break;
    case Scenario::kLogout:
      simple_api(r, "POST", "/api/user/logout", "/api/user/logout", "auth.logout", &kSessionDelete,
                 204, any_user());
      break;
    case Scenario::kSearch:
      search(r);
      break;
    case Scenario::kRepositoryList:
      simple_api(r, "GET", "/api/repository/list", "/api/repository/list", "repository.list",
                 &kActiveRepositories, 200, any_user());
      break;
    case Scenario::kPackageList:
      package_list(r);
      break;
    case Scenario::kUserList:
      user_list(r);
      break;
    case Scenario::kPermissionsUpdate: {
      const std::string path =
          fmt::format("/api/user-management/update/{}/permissions", rng_.between(2, 40));
      simple_api(r, "PUT", "/api/user-management/update/{user_id}/permissions", path,
                 "user.permissions.update", &kPermissionsUpdate, 204, admin());
      break;
    }
    case Scenario::kTokenDelete: {
      const std::string path = fmt::format("/api/user/token/delete/{}", rng_.between(100, 999));
      simple_api(r, "DELETE", "/api/user/token/delete/{id}", path, "auth.token.delete",
                 &kTokenDelete, 204, any_user());
      break;
    }
    case Scenario::kAsset: {
      const std::string_view asset = rng_.pick(kAssets);
      static_file(r, asset, rng_.percent(15) ? 304 : 200);
      break;
    }
    case Scenario::kApiInfo:
      static_file(r, "/api/info", 200);
      break;
    case Scenario::kIndex:
      static_file(r, "/", rng_.percent(20) ? 304 : 200);
      break;
    case Scenario::kFavicon:
      static_file(r, "/favicon.ico", 200);
      break;
    case Scenario::kNotFound:
      static_file(r, rng_.pick(kNotFoundPaths), 404);
      break;
    case Scenario::kLoginInvalid:
      login_invalid(r);
      break;
    case Scenario::kRepoMissing:
      repository_missing(r);
      break;
    case Scenario::kRepoError:
      repository_error(r);
      break;
    case Scenario::kProxyFailure:
      proxy_failure(r);
      break;
  }
}

void RequestFactory::sqlx(RequestLog& r, std::initializer_list<const Span*> inner, const Query& q,
                          std::int64_t affected, std::int64_t returned) {
  const SqlTiming t(rng_);
  r.add(Level::kDebug, inner, "sqlx::query", {},
        {str("summary", q.summary), str("db.statement", q.statement),
         integer("rows_affected", affected), integer("rows_returned", returned),
         disp("elapsed", t.elapsed), number("elapsed_secs", t.secs)});
}

void RequestFactory::no_credentials(RequestLog& r) {
  r.add(Level::kDebug, {&auth_middleware_}, "pkgly::app::authentication::layer",
        "No Authorization Header or Session Cookie Found", {});
}

void RequestFactory::session_auth(RequestLog& r) {
  r.add(Level::kDebug, {&auth_middleware_}, "pkgly::app::authentication::layer",
        "Session Cookie Found", {});
  sqlx(r, {&api_auth_from_request_}, kSessionLookup, 0, 1);
  sqlx(r, {&api_auth_from_request_}, kUserById, 0, 1);
}

void RequestFactory::api_me(RequestLog& r) {
  const User* user = any_user();
  r.open("GET", "/api/user/me", "/api/user/me", {}, browser_agent(), client(), 0);
  session_auth(r);
  Audit audit;
  audit.action = "auth.me";
  audit.actor = user;
  r.close(200, rng_.between(1, 15), rng_.between(200, 600), {}, user->name, &audit);
}

void RequestFactory::api_me_denied(RequestLog& r) {
  r.open("GET", "/api/user/me", "/api/user/me", {}, browser_agent(), client(), 0);
  no_credentials(r);
  r.add(Level::kError, {}, "pkgly::app::authentication",
        "Authentication Error: Unable to Authenticate", {});
  Audit audit;
  audit.action = "auth.me";
  audit.outcome = "denied";
  r.close(401, rng_.between(1, 5), 0, {}, {}, &audit);
}

void RequestFactory::login(RequestLog& r) {
  const User* user = any_user();
  r.open("POST", "/api/user/login", "/api/user/login", {}, browser_agent(), client(),
         rng_.between(40, 90));
  no_credentials(r);
  sqlx(r, {&verify_login_}, kLogin, 0, 1);
  sqlx(r, {}, kSessionInsert, 1, 1);
  Audit audit;
  audit.action = "auth.login";
  audit.actor = user;
  r.close(200, rng_.between(50, 400), rng_.between(200, 600), {}, user->name, &audit);
}

void RequestFactory::login_invalid(RequestLog& r) {
  r.open("POST", "/api/user/login", "/api/user/login", {}, browser_agent(), client(),
         rng_.between(2, 30));
  no_credentials(r);
  r.close(400, rng_.between(1, 5), 20, {}, {}, nullptr);
}

void RequestFactory::simple_api(RequestLog& r, std::string_view method, std::string_view route,
                                std::string_view path, std::string_view action, const Query* query,
                                std::int64_t status, const User* user) {
  r.open(method, route, std::string(path), {}, browser_agent(), client(),
         method == "PUT" ? rng_.between(60, 400) : 0);
  session_auth(r);
  if (query != nullptr) sqlx(r, {}, *query, status == 204 ? 1 : 0, rng_.between(1, 30));
  Audit audit;
  audit.action = action;
  audit.actor = user;
  r.close(status, rng_.between(1, 40), status == 204 ? 0 : rng_.between(100, 40000), {}, user->name,
          &audit);
}

void RequestFactory::search(RequestLog& r) {
  const User* user = any_user();
  const std::string_view q = rng_.pick(kSearchQueries);
  std::string url_query = "q=";
  append_form_encoded(url_query, q);
  url_query += "&limit=25";
  r.open("GET", "/api/search/packages", "/api/search/packages", std::move(url_query),
         browser_agent(), client(), 0);
  session_auth(r);
  sqlx(r, {}, kProjectSearch, 0, rng_.between(0, 25));
  Audit audit;
  audit.action = "package.search";
  audit.actor = user;
  audit.query = q;
  r.close(200, rng_.between(1, 40), rng_.between(40, 9000), {}, user->name, &audit);
}

void RequestFactory::package_list(RequestLog& r) {
  const User* user = any_user();
  const Repository& repo = rng_.pick(kRepositories);
  r.open("GET", "/api/repository/{repository_id}/packages",
         fmt::format("/api/repository/{}/packages", repo.id),
         fmt::format("page={}&per_page=25", rng_.between(1, 4)), browser_agent(), client(), 0);
  session_auth(r);
  sqlx(r, {}, kVersionList, 0, rng_.between(0, 25));
  Audit audit;
  audit.action = "repository.package.list";
  audit.actor = user;
  r.close(200, rng_.between(1, 60), rng_.between(100, 40000), {}, user->name, &audit);
}

void RequestFactory::user_list(RequestLog& r) {
  const User* user = rng_.percent(70) ? admin() : any_user();
  r.open("GET", "/api/user-management/list", "/api/user-management/list", {}, browser_agent(),
         client(), 0);
  session_auth(r);
  Audit audit;
  audit.action = "user.list";
  audit.actor = user;
  if (!user->admin) {
    audit.outcome = "denied";
    r.close(403, rng_.between(1, 5), 0, {}, user->name, &audit);
    return;
  }
  sqlx(r, {}, kUserList, 0, rng_.between(5, 40));
  r.close(200, rng_.between(1, 30), rng_.between(500, 9000), {}, user->name, &audit);
}

void RequestFactory::static_file(RequestLog& r, std::string_view path, std::int64_t status) {
  r.open("GET", path, std::string(path), {}, browser_agent(), client(), 0);
  if (rng_.percent(50)) no_credentials(r);
  r.close(status, rng_.between(0, 3), status == 200 ? rng_.between(300, 400000) : 0, {}, {},
          nullptr);
}

}  // namespace loggen
