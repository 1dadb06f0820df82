// Requests to repositories: package downloads, metadata, listings, uploads (hosted, proxied,
// docker), and their failures.
#include <fmt/format.h>

#include "scenarios.hpp"

namespace loggen {
namespace {
constexpr std::string_view kRepositoryRoute = "/repositories/{storage}/{repository}/{*path}";
}  // namespace

RepoAuth RequestFactory::repository_auth(const Repository& repo) {
  RepoAuth a;
  if (repo.anonymous_read && rng_.percent(40)) return a;
  a.user = any_user();
  if (rng_.percent(40)) {
    a.kind = RepoAuth::kBasic;
    a.debug = fmt::format(
        "Basic(Some(UserSafeData {{ id: {}, username: Username(\"{}\"), "
        "admin: {} }}))",
        a.user->id, a.user->name, a.user->admin);
  } else {
    a.kind = RepoAuth::kToken;
    a.debug = fmt::format(
        "AuthToken(AuthToken {{ id: {}, user_id: {}, name: Some(\"ci\"), active: true }}, "
        "UserSafeData {{ id: {}, username: Username(\"{}\"), admin: {} }})",
        10 + a.user->id * 3, a.user->id, a.user->id, a.user->name, a.user->admin);
  }
  return a;
}

void RequestFactory::repository_auth_records(RequestLog& r, const RepoAuth& a) {
  switch (a.kind) {
    case RepoAuth::kAnonymous:
      no_credentials(r);
      break;
    case RepoAuth::kBasic:
      sqlx(r, {&verify_login_}, kLogin, 0, 1);
      break;
    case RepoAuth::kToken:
      sqlx(r, {&get_user_and_auth_token_}, kTokenLookup, 0, 1);
      sqlx(r, {&get_user_and_auth_token_}, kUserById, 0, 1);
      break;
  }
}

Span RequestFactory::repository_span(const Repository& repo, std::string_view path) {
  Span s("Repository Request");
  const std::string otel = fmt::format("{} {}", repo.full_type, repo.name);
  s.add(str("otel.name", otel))
      .add(str("repository.type", repo.type))
      .add(str("repository.full_type", repo.full_type))
      .add(str("repository.name", repo.name))
      .add(str("repository.id", repo.id))
      .add(str("storage.id", repo.storage->id))
      .add(str("storage.type", "Local"))
      .add(str("storage.name", repo.storage->name))
      .add(str("storage.path", path));
  s.render();
  return s;
}

Span RequestFactory::request_path_span(const Repository& repo, std::string_view path,
                                       const RepoAuth& auth, std::string& request_path) {
  request_path = fmt::format(
      "RepoRequestPath {{ storage: \"{}\", repository: \"{}\", path: Some({}), docker_scope: "
      "None }}",
      repo.storage->name, repo.name, path);
  Span s("Repository Request");
  s.add(disp("request_path", request_path)).add(disp("authentication", auth.debug));
  s.render();
  return s;
}

std::string RequestFactory::storage_file(const Repository& repo, std::string_view path) {
  return fmt::format("/data/storages/{}/{}/{}", repo.storage->name, repo.id, path);
}

Span RequestFactory::open_file_span(const Repository& repo, std::string_view path) {
  Span s("open_file");
  s.add(disp("repository", repo.id))
      .add(disp("location", path))
      .add(str("storage.type", "local"))
      .add(disp("storage.id", repo.storage->id))
      .add(disp("storage.config", repo.storage->config));
  s.render();
  return s;
}

Span RequestFactory::save_file_span(const Repository& repo, std::string_view path,
                                    const std::string& file, std::int64_t length) {
  Span s("save_file");
  const std::string content_length = fmt::format("Some({})", length);
  s.add(disp("location", path))
      .add(str("storage.type", "local"))
      .add(disp("content.length", content_length))
      .add(disp("storage.id", repo.storage->id))
      .add(disp("storage.config", repo.storage->config))
      .add(disp("repository.id", repo.id))
      .add(boolean("file.new", rng_.percent(70)))
      .add(str("file.path", file));
  s.render();
  return s;
}

void RequestFactory::repository_read(RequestLog& r, std::string_view method) {
  const Repository& repo = rng_.pick(kRepositories);
  const Package& pkg = repo.packages[rng_.below(4)];
  const RepoAuth auth = repository_auth(repo);
  r.open(method, kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, pkg.url_path), {},
         agent_for(repo.ecosystem), client(), 0);
  repository_auth_records(r, auth);
  std::string request_path;
  const Span debug_span = request_path_span(repo, pkg.path, auth, request_path);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Happening", {disp("request_path", request_path)});
  sqlx(r, {}, kRepositoryConfig, 0, 2);
  const Span repo_span = repository_span(repo, pkg.path);
  const std::string file = storage_file(repo, pkg.path);
  const bool listing = pkg.path.ends_with('/');
  if (repo.proxy) {
    const Span open = open_file_span(repo, pkg.path);
    r.add(Level::kDebug, {&repo_span, &open}, "nr_storage::local", "File does not exist",
          {str("path", file)});
    r.add(Level::kDebug, {&repo_span}, repo.handler_target,
          "File not found in storage. Proxying request", {disp("path", pkg.path)});
    const std::string url = fmt::format("{}{}", repo.upstream, pkg.path);
    r.add(
        Level::kInfo, {&repo_span}, "pkgly::upstream_access", "Upstream HTTP access",
        {disp("trace_id", r.trace_id()), disp("http.request.method", method), disp("url.full", url),
         integer("http.response.status_code", 200), integer("duration_ms", rng_.between(40, 900))});
    if (repo.ecosystem == Ecosystem::kNpm)
      r.add(Level::kDebug, {&repo_span}, repo.handler_target, "Rewrote upstream package metadata",
            {disp("package", pkg.path), integer("versions", rng_.between(3, 400))});
    if (!listing) {
      const Span save = save_file_span(repo, pkg.path, file, rng_.between(500, 4'000'000));
      r.add(Level::kDebug, {&repo_span, &save}, "nr_storage::local", "Saving File",
            {str("path", file)});
      r.add(Level::kDebug, {&repo_span, &save}, "nr_storage::local", "Updated Meta", {});
    }
  } else if (repo.ecosystem == Ecosystem::kNpm) {
    const std::string headers = fmt::format(
        "{{\"host\": \"pkgly.example.com\", \"user-agent\": \"{}\", \"accept\": "
        "\"application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*\", "
        "\"npm-command\": \"install\"}}",
        "npm/10.9.0 node/v22.11.0 linux x64");
    r.add(Level::kDebug, {&repo_span}, repo.handler_target, "Handling NPM GET request",
          {disp("headers", headers), str("path_as_string", pkg.path)});
    sqlx(r, {&repo_span}, kProjectLookup, 0, 1);
    const std::string project =
        fmt::format("Some(Project {{ key: \"{0}\", name: \"{0}\" }})", pkg.path);
    r.add(Level::kDebug, {&repo_span}, repo.handler_target, "Got project",
          {disp("project", project)});
  } else {
    const Span open = open_file_span(repo, pkg.path);
    r.add(Level::kDebug, {&repo_span, &open}, "nr_storage::local", "Opening File",
          {str("path", file)});
  }
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Completed", {});
  const std::string_view action =
      listing ? "package.list" : (method == "HEAD" ? "package.read_metadata" : "package.download");
  const Audit audit = repository_audit(action, repo, pkg.path, auth.user);
  r.close(200, rng_.between(1, 400), method == "HEAD" ? 0 : rng_.between(300, 3'000'000), repo.id,
          auth.user != nullptr ? auth.user->name : std::string_view{}, &audit);
}

void RequestFactory::repository_upload(RequestLog& r) {
  const bool npm = rng_.percent(40);
  const Repository& repo = kRepositories[npm ? 0 : 2];
  const Package& pkg = repo.packages[npm ? 3 : 1 + rng_.below(2)];
  RepoAuth auth;
  auth.kind = RepoAuth::kToken;
  auth.user = &kUsers[3];  // ci-deployer
  auth.debug = fmt::format(
      "AuthToken(AuthToken {{ id: 22, user_id: {0}, name: Some(\"ci\"), active: true }}, "
      "UserSafeData {{ id: {0}, username: Username(\"{1}\"), admin: false }})",
      auth.user->id, auth.user->name);
  const std::int64_t size = rng_.between(2'000, 8'000'000);
  r.open("PUT", kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, pkg.url_path), {},
         agent_for(repo.ecosystem), client(), size);
  repository_auth_records(r, auth);
  std::string request_path;
  const Span debug_span = request_path_span(repo, pkg.path, auth, request_path);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Happening", {disp("request_path", request_path)});
  sqlx(r, {}, kRepositoryConfig, 0, 2);
  const Span repo_span = repository_span(repo, pkg.path);
  std::string file = storage_file(repo, pkg.path);
  if (npm) {
    r.add(Level::kDebug, {&repo_span}, repo.handler_target, "Handling publish request", {});
    const std::string tarball = fmt::format("{}/-/ui-2.3.{}.tgz", pkg.path, rng_.below(20));
    r.add(Level::kInfo, {&repo_span}, repo.handler_target, "Saving attachment",
          {disp("file", tarball), integer("attachment.size_bytes", size)});
    file = storage_file(repo, tarball);
  }
  const Span save = save_file_span(repo, pkg.path, file, size);
  r.add(Level::kDebug, {&repo_span, &save}, "nr_storage::local", "Saving File",
        {str("path", file)});
  r.add(Level::kDebug, {&repo_span, &save}, "nr_storage::local", "Updated Meta", {});
  sqlx(r, {&repo_span}, kProjectLookup, 0, 1);
  sqlx(r, {&repo_span}, kVersionInsert, 1, 1);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Completed", {});
  const Audit audit = repository_audit("package.upload", repo, pkg.path, auth.user);
  r.close(npm ? 200 : 201, rng_.between(20, 3000), 0, repo.id, auth.user->name, &audit);
}

void RequestFactory::docker(RequestLog& r) {
  const Repository& repo = kDockerHosted;
  const std::uint32_t roll = rng_.below(100);
  const std::string_view method = roll < 60 ? "GET" : (roll < 85 ? "PUT" : "PATCH");
  std::string path;
  if (method == "PATCH")
    path = fmt::format("acme/worker/blobs/uploads/{}", uuid_v4(rng_));
  else
    path = std::string(repo.packages[rng_.below(4)].path);
  const RepoAuth auth = repository_auth(repo);
  r.open(method, "/v2/{*path}", fmt::format("/v2/{}/{}/{}", repo.storage->name, repo.name, path),
         {}, agent_for(Ecosystem::kDocker), client(),
         method == "GET" ? 0 : rng_.between(500, 90000));
  repository_auth_records(r, auth);
  const Span repo_span = repository_span(repo, path);
  Span handler(method == "GET" ? "handle_get" : (method == "PUT" ? "handle_put" : "handle_patch"));
  handler.render();
  std::string segments;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (!segments.empty()) segments += ", ";
    segments += fmt::format("\"{}\"", std::string_view(path).substr(start, end - start));
    start = end + 1;
  }
  const std::string message = fmt::format("Docker {} request path: [{}]", method, segments);
  r.add(Level::kDebug, {&repo_span, &handler}, repo.handler_target, message, {});
  sqlx(r, {&repo_span, &handler}, kProjectLookup, 0, 1);
  if (method == "PUT") {
    // acme/web/manifests/latest -> acme/web/latest
    std::string reference = path;
    if (const auto at = reference.find("/manifests/"); at != std::string::npos)
      reference.erase(at, std::string_view("/manifests").size());
    const std::string m = fmt::format("Uploading manifest: {}", reference);
    r.add(Level::kInfo, {&repo_span, &handler}, repo.handler_target, m, {});
  } else if (method == "PATCH") {
    const std::string m = fmt::format("Uploading blob chunk: {}", path);
    r.add(Level::kDebug, {&repo_span, &handler}, repo.handler_target, m, {});
  }
  const Audit audit = repository_audit(method == "GET" ? "package.download" : "package.upload",
                                       repo, path, auth.user);
  const std::int64_t status = method == "GET" ? 200 : (method == "PUT" ? 201 : 202);
  r.close(status, rng_.between(2, 600), method == "GET" ? rng_.between(500, 20000) : 0, repo.id,
          auth.user != nullptr ? auth.user->name : std::string_view{}, &audit);
}

void RequestFactory::repository_denied(RequestLog& r) {
  const Repository& repo = kRepositories[rng_.percent(50) ? 0 : 2];
  const Package& pkg = repo.packages[rng_.below(3)];
  const RepoAuth auth;
  r.open("GET", kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, pkg.url_path), {},
         agent_for(repo.ecosystem), client(), 0);
  no_credentials(r);
  std::string request_path;
  const Span debug_span = request_path_span(repo, pkg.path, auth, request_path);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Happening", {disp("request_path", request_path)});
  sqlx(r, {}, kRepositoryConfig, 0, 2);
  r.add(Level::kError, {}, "pkgly::app::authentication",
        "Authentication Error: Unable to Authenticate", {});
  Audit audit = repository_audit("package.download", repo, pkg.path, nullptr);
  audit.outcome = "denied";
  r.close(401, rng_.between(1, 20), 0, repo.id, {}, &audit);
}

void RequestFactory::repository_missing(RequestLog& r) {
  const Repository& repo = kRepositories[rng_.percent(50) ? 0 : 2];
  const std::string path =
      repo.ecosystem == Ecosystem::kNpm
          ? fmt::format("@acme/missing-{}", rng_.below(50))
          : fmt::format("com/acme/missing-{0}/1.0/missing-{0}-1.0.pom", rng_.below(50));
  const RepoAuth auth = repository_auth(repo);
  r.open("GET", kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, path), {},
         agent_for(repo.ecosystem), client(), 0);
  repository_auth_records(r, auth);
  std::string request_path;
  const Span debug_span = request_path_span(repo, path, auth, request_path);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Happening", {disp("request_path", request_path)});
  sqlx(r, {}, kRepositoryConfig, 0, 2);
  const Span repo_span = repository_span(repo, path);
  const Span open = open_file_span(repo, path);
  r.add(Level::kDebug, {&repo_span, &open}, "nr_storage::local", "File does not exist",
        {str("path", storage_file(repo, path))});
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Completed", {});
  r.close(404, rng_.between(1, 30), 0, repo.id,
          auth.user != nullptr ? auth.user->name : std::string_view{}, nullptr);
}

void RequestFactory::repository_error(RequestLog& r) {
  const Repository& repo = kRepositories[2];
  const Package& pkg = repo.packages[2];
  const RepoAuth auth = repository_auth(repo);
  r.open("GET", kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, pkg.url_path), {},
         agent_for(repo.ecosystem), client(), 0);
  repository_auth_records(r, auth);
  std::string request_path;
  const Span debug_span = request_path_span(repo, pkg.path, auth, request_path);
  r.add(Level::kDebug, {&debug_span}, "pkgly::repository::repo_http",
        "Repository Request Happening", {disp("request_path", request_path)});
  const Span repo_span = repository_span(repo, pkg.path);
  const Span open = open_file_span(repo, pkg.path);
  r.add(Level::kWarn, {&repo_span, &open}, "nr_storage::local", "Path does not exist",
        {str("path", storage_file(repo, "com/acme/billing-service/1.4.2"))});
  r.add(Level::kError, {&debug_span}, "pkgly::repository::repo_http", "Failed to handle request",
        {disp("err", "Storage Error: IO Error: Permission denied (os error 13)")});
  r.close(500, rng_.between(1, 30), 0, repo.id,
          auth.user != nullptr ? auth.user->name : std::string_view{}, nullptr);
}

void RequestFactory::proxy_failure(RequestLog& r) {
  const Repository& repo = kRepositories[1];
  const Package& pkg = repo.packages[rng_.below(4)];
  const RepoAuth auth;
  r.open("GET", kRepositoryRoute,
         fmt::format("/repositories/{}/{}/{}", repo.storage->name, repo.name, pkg.url_path), {},
         agent_for(repo.ecosystem), client(), 0);
  no_credentials(r);
  sqlx(r, {}, kRepositoryConfig, 0, 2);
  const Span repo_span = repository_span(repo, pkg.path);
  r.add(Level::kDebug, {&repo_span}, repo.handler_target,
        "File not found in storage. Proxying request", {disp("path", pkg.path)});
  const std::string url = fmt::format("{}{}", repo.upstream, pkg.path);
  const std::string error =
      fmt::format("error sending request for url ({}): client error (Connect)", url);
  r.add(Level::kWarn, {&repo_span}, "pkgly::upstream_access", "Upstream HTTP failed",
        {disp("trace_id", r.trace_id()), disp("http.request.method", "GET"), disp("url.full", url),
         integer("duration_ms", rng_.between(100, 5000)), disp("error", error)});
  r.close(502, rng_.between(100, 5000), 0, repo.id, {}, nullptr);
}

}  // namespace loggen
