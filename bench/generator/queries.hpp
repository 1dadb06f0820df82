// The SQL statements sqlx logs (`summary` and `db.statement`), and its timing fields.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "support.hpp"

namespace loggen {

struct Query {
  std::string_view summary;
  std::string_view statement;
};

constexpr Query kUserById{
    "SELECT id, name, username, \u2026",
    "\n\nSELECT id, name, username, email, require_password_change, active, admin, user_manager, "
    "system_manager, default_repository_actions, updated_at, created_at FROM users WHERE id = "
    "$1\n"};
constexpr Query kTokenLookup{
    "SELECT user_auth_tokens.* FROM user_auth_tokens \u2026",
    "\n\nSELECT user_auth_tokens.* FROM user_auth_tokens WHERE token = $1 AND active = true AND "
    "(expires_at IS NULL OR expires_at > NOW())\n"};
constexpr Query kLogin{"SELECT * FROM users \u2026",
                       "\n\nSELECT * FROM users WHERE (LOWER(username) = LOWER($1) OR LOWER(email) "
                       "= LOWER($1)) AND active = true\n"};
constexpr Query kSessionLookup{
    "SELECT * FROM sessions \u2026",
    "\n\nSELECT * FROM sessions WHERE session_id = $1 AND expires_at > NOW()\n"};
constexpr Query kSessionInsert{"INSERT INTO sessions (user_id, \u2026",
                               "\n\nINSERT INTO sessions (user_id, session_id, user_agent, "
                               "ip_address, expires_at) VALUES ($1, "
                               "$2, $3, $4, $5) RETURNING *\n"};
constexpr Query kSessionDelete{"DELETE FROM sessions WHERE \u2026",
                               "\n\nDELETE FROM sessions WHERE session_id = $1\n"};
constexpr Query kRepositoryConfig{
    "SELECT key, value FROM \u2026",
    "\n\nSELECT key, value FROM repository_configs WHERE repository_id = $1\n"};
constexpr Query kActiveRepositories{"SELECT * FROM repositories \u2026",
                                    "\n\nSELECT * FROM repositories WHERE active = true\n"};
constexpr Query kStorages{
    "SELECT id, name, storage_type, \u2026",
    "\n\nSELECT id, name, storage_type, config, active, updated_at, created_at FROM storages\n"};
constexpr Query kProjectLookup{
    "SELECT * FROM projects \u2026",
    "\n\nSELECT * FROM projects WHERE repository_id = $1 AND LOWER(key) = LOWER($2)\n"};
constexpr Query kProjectSearch{
    "SELECT projects.* FROM projects \u2026",
    "\n\nSELECT projects.* FROM projects WHERE LOWER(name) LIKE LOWER($1) ORDER BY updated_at DESC "
    "LIMIT $2\n"};
constexpr Query kVersionList{
    "SELECT project_versions.* FROM \u2026",
    "\n\nSELECT project_versions.* FROM project_versions INNER JOIN projects ON projects.id = "
    "project_versions.project_id WHERE projects.repository_id = $1 ORDER BY "
    "project_versions.updated_at DESC LIMIT $2 OFFSET $3\n"};
constexpr Query kVersionInsert{
    "INSERT INTO project_versions (project_id, \u2026",
    "\n\nINSERT INTO project_versions (project_id, version, release_type, version_path, publisher, "
    "version_page, extra) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *\n"};
constexpr Query kUserList{"SELECT id, name, username, \u2026",
                          "\n\nSELECT id, name, username, email, active, admin, updated_at, "
                          "created_at FROM users ORDER BY id\n"};
constexpr Query kPermissionsUpdate{
    "UPDATE users SET admin = \u2026",
    "\n\nUPDATE users SET admin = $1, user_manager = $2, system_manager = $3, "
    "default_repository_actions = $4 WHERE id = $5\n"};
constexpr Query kTokenDelete{"UPDATE user_auth_tokens SET \u2026",
                             "\n\nUPDATE user_auth_tokens SET active = false WHERE id = $1 AND "
                             "user_id = $2\n"};
constexpr Query kExpiredSessions{"DELETE FROM sessions WHERE \u2026",
                                 "\n\nDELETE FROM sessions WHERE expires_at < NOW()\n"};
constexpr Query kExpiredTokens{
    "DELETE FROM user_auth_tokens \u2026",
    "\n\nDELETE FROM user_auth_tokens WHERE expires_at IS NOT NULL AND expires_at < NOW()\n"};

// The four fields sqlx adds after `db.statement`, with consistent `elapsed` and `elapsed_secs`.
struct SqlTiming {
  explicit SqlTiming(Rng& rng) {
    const u64 ns = static_cast<u64>(rng.between(90'000, 2'400'000));
    if (ns < 1'000'000)
      *fmt::format_to(elapsed, "{}.{:03}\u00b5s", ns / 1000, ns % 1000) = '\0';
    else
      *fmt::format_to(elapsed, "{}.{:06}ms", ns / 1'000'000, ns % 1'000'000) = '\0';
    char* end = fmt::format_to(secs, "0.{:09}", ns);
    while (end[-1] == '0') --end;
    *end = '\0';
  }
  char elapsed[32];
  char secs[32];
};

}  // namespace loggen
