#include "request_log.hpp"

#include <fmt/format.h>

#include <iterator>

namespace loggen {

Audit repository_audit(std::string_view action, const Repository& repo, std::string_view path,
                       const User* actor) {
  Audit a;
  a.action = action;
  a.actor = actor;
  a.resource_kind = "repository";
  a.resource_id = repo.id;
  a.resource_name = repo.name;
  a.repository_id = repo.id;
  a.storage_id = repo.storage->id;
  a.path = path;
  return a;
}

void RequestLog::open(std::string_view method, std::string_view route, std::string url_path,
                      std::string url_query, std::string_view user_agent, std::string_view client,
                      std::int64_t body_size) {
  method_ = method;
  route_ = route;
  url_path_ = std::move(url_path);
  user_agent_ = user_agent;
  client_ = client;
  http_.reset("HTTP request");
  http_.add(str("url.path", url_path_));
  if (!url_query.empty()) http_.add(str("url.query", url_query));
  http_.add(str("url.schema", "http"));
  http_.add(disp("http.request.method", method));
  http_.add(str("user_agent.original", user_agent));
  http_.add(str("network.protocol.version", "1.1"));
  http_.add(str("client.address", client));
  http_.add(disp("request_id", request_id_));
  http_.add(str("otel.name", "HTTP request"));
  http_.add(disp("otel.kind", "Server"));
  http_.add(str("http.route", route));
  const std::string otel_name = fmt::format("{} {}", method, route);
  http_.add(str("otel.name", otel_name));
  http_.add(integer("http.request.body.size", body_size));
  http_.render();
}

void RequestLog::close(std::int64_t status, std::int64_t duration_ms, std::int64_t response_size,
                       std::string_view repository_id, std::string_view user, const Audit* audit) {
  Span done = http_;
  if (status >= 400) done.add(str("error.type", "Unknown error"));
  done.add(integer("http.response.status_code", status));
  done.add(integer("http.response.body.size", 0));
  done.render();

  std::array<Field, 12> access;
  std::size_t n = 0;
  access[n++] = disp("trace_id", trace_id_);
  access[n++] = disp("http.request.method", method_);
  access[n++] = disp("http.route", route_);
  access[n++] = disp("url.path", url_path_);
  access[n++] = integer("http.response.status_code", status);
  access[n++] = integer("duration_ms", duration_ms);
  access[n++] = disp("request_id", request_id_);
  if (!repository_id.empty()) access[n++] = disp("repository_id", repository_id);
  if (!user.empty()) access[n++] = disp("user", user);
  access[n++] = str("client.address", client_);
  access[n++] = str("user_agent.original", user_agent_);
  access[n++] = integer("http.response.body.size", response_size);
  write(&done, Level::kInfo, {}, "pkgly::access", "HTTP access", access.data(), n,
        audit != nullptr);
  if (audit == nullptr) return;

  const User* actor = audit->actor;
  const Field fields[] = {
      disp("trace_id", trace_id_),
      disp("action", audit->action),
      disp("outcome", audit->outcome),
      disp("actor_username", actor != nullptr ? actor->name : "anonymous"),
      integer("actor_id", actor != nullptr ? actor->id : 0),
      boolean("actor_authenticated", actor != nullptr),
      disp("resource_kind", audit->resource_kind),
      disp("resource_id", audit->resource_id),
      disp("resource_name", audit->resource_name),
      disp("repository_id", audit->repository_id),
      disp("storage_id", audit->storage_id),
      integer("target_user_id", 0),
      integer("token_id", 0),
      disp("path", audit->path),
      disp("query", audit->query),
      disp("http_request_method", method_),
      disp("http_route", route_),
      disp("url_path", url_path_),
      integer("http_response_status_code", status),
  };
  write(&done, Level::kInfo, {}, "pkgly::audit", "Audit event", fields, std::size(fields), false);
}

void RequestLog::write(const Span* http, Level level, std::initializer_list<const Span*> inner,
                       std::string_view target, std::string_view message, const Field* fields,
                       std::size_t field_count, bool glued) {
  std::array<const Span*, 6> spans{http};
  std::size_t n = 1;
  for (const Span* s : inner) spans[n++] = s;
  writer_.write(out_.text, level, spans.data(), n, target, message, fields, field_count);
  out_.ends.push_back(static_cast<std::uint32_t>(out_.text.size()));
  out_.glued.push_back(glued);
}

}  // namespace loggen
