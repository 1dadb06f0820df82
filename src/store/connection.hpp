#pragma once
// One libpq connection, as the store's other files use it: every call either succeeds or throws
// PostgresError, which says whether trying again later may succeed (the server restarting, the
// network gone) or not (no such table, permission denied). Messages name the server by host,
// port and database, never by the connection string, which may hold a password.
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

#include "pkgly_trail/store/postgres.hpp"

namespace pkgly_trail::store {

struct ClearResult {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

class Connection {
 public:
  // Connects and sets what every session of the store needs (UTF-8, UTC, a name in
  // pg_stat_activity). A server that refuses is a transient failure only when `retrying`: at
  // the start a wrong host or password must show at once.
  Connection(const std::string& conninfo, bool retrying);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // "host:port/dbname", for messages.
  const std::string& where() const noexcept { return where_; }
  PGconn* get() const noexcept { return conn_.get(); }

  // A statement without parameters; throws unless it returned rows or completed.
  Result exec(const std::string& sql, std::string_view doing);
  // A statement with text parameters.
  Result exec(const std::string& sql, std::initializer_list<std::string_view> params,
              std::string_view doing);
  // The first column of the first row, empty when there is no row or it is NULL.
  std::string scalar(const std::string& sql, std::initializer_list<std::string_view> params,
                     std::string_view doing);
  // COPY ... FROM STDIN of `data`, rows in text format.
  void copy_in(const std::string& copy_sql, std::string_view data, std::string_view doing);

  [[noreturn]] void fail(std::string_view doing, const PGresult* result) const;

 private:
  struct Close {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };
  std::unique_ptr<PGconn, Close> conn_;
  std::string where_;
};

// SQL text of a literal string ('it''s'); for identifiers and values the store builds itself.
std::string quote_literal(std::string_view text);

}  // namespace pkgly_trail::store
