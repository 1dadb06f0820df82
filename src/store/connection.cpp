#include "connection.hpp"

#include <fmt/format.h>

#include <vector>

namespace pkgly_trail::store {

namespace {

// SQLSTATEs after which the same statement may succeed later: the connection failed (08), the
// server is shutting down or starting (57P01-57P03), a deadlock or serialization failure
// between writers (40001, 40P01), the server is out of disk or memory (53), a lock or the
// statement timed out (55P03, 57014).
bool transient_state(std::string_view state) noexcept {
  return state.starts_with("08") || state.starts_with("53") || state == "40001" ||
         state == "40P01" || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "55P03" || state == "57014";
}

// libpq's messages run over several lines ("server closed the connection unexpectedly\n\tThis
// probably means..."): the first says it.
std::string first_line(const char* message) {
  std::string_view text = message ? message : "";
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

Connection::Connection(const std::string& conninfo, bool retrying) {
  // libpq's message for a string it cannot read quotes the string, password and all: that one
  // is said in other words.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    PQfreemem(parse_error);
    throw PostgresError(
        "cannot read the PostgreSQL connection string: it is neither keyword=value pairs nor a "
        "postgresql:// URI libpq accepts (a bracket, a quote or a %-escape may be wrong); it is "
        "not shown here, since it may hold a password",
        false);
  }
  PQconninfoFree(parsed);
  // libpq reads the password from PGPASSWORD, ~/.pgpass or a service file; none is needed here.
  // Defaults first, the connection string last, which overrides them (expand_dbname): a host
  // that does not answer fails within 10 s instead of the minutes of TCP's retries, and TCP
  // keepalives find a connection that died silently (a failover, a NAT that forgot it) in about
  // a minute instead of hours.
  const char* const keywords[] = {
      "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
      "dbname",          nullptr};
  const char* const values[] = {"10", "1", "30", "10", "3", conninfo.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keywords, values, 1));
  if (!conn_) throw PostgresError("cannot connect to PostgreSQL: out of memory", true);
  const char* host = PQhost(conn_.get());
  const char* port = PQport(conn_.get());
  const char* db = PQdb(conn_.get());
  where_ = fmt::format("{}:{}/{}", host && *host ? host : "localhost",
                       port && *port ? port : "5432", db ? db : "");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string reason = first_line(PQerrorMessage(conn_.get()));
    throw PostgresError(fmt::format("cannot connect to PostgreSQL at {}: {}", where_, reason),
                        retrying, reason);
  }
  // The server's notices (a WARNING before it terminates the connection) are not the
  // person's concern: what matters is said by the errors that follow.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  exec("SET client_encoding = 'UTF8'", "cannot set up the session with");
  exec("SET TimeZone = 'UTC'", "cannot set up the session with");
  exec("SET application_name = 'pkgly-trail'", "cannot set up the session with");
}

void Connection::fail(std::string_view doing, const PGresult* result) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // A broken connection gives no SQLSTATE: the server went away.
  const bool gone = PQstatus(conn_.get()) != CONNECTION_OK;
  const bool transient = gone || (state != nullptr && transient_state(state));
  // The server's own words when it sent some ("relation ... does not exist"), else libpq's.
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = first_line(primary ? primary : PQerrorMessage(conn_.get()));
  throw PostgresError(fmt::format("{} PostgreSQL at {}: {}", doing, where_, message), transient,
                      message);
}

Result Connection::exec(const std::string& sql, std::string_view doing) {
  Result result(PQexec(conn_.get(), sql.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(doing, result.get());
  return result;
}

Result Connection::exec(const std::string& sql, std::initializer_list<std::string_view> params,
                        std::string_view doing) {
  // libpq wants NUL-terminated values: a copy each, for the few statements that take them.
  std::vector<std::string> owned(params.begin(), params.end());
  std::vector<const char*> values;
  for (const std::string& param : owned) values.push_back(param.c_str());
  Result result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(doing, result.get());
  return result;
}

std::string Connection::scalar(const std::string& sql,
                               std::initializer_list<std::string_view> params,
                               std::string_view doing) {
  Result result = exec(sql, params, doing);
  if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0)) return {};
  return PQgetvalue(result.get(), 0, 0);
}

void Connection::copy_in(const std::string& copy_sql, std::string_view data,
                         std::string_view doing) {
  Result start(PQexec(conn_.get(), copy_sql.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) fail(doing, start.get());
  // PQputCopyData takes an int length: large batches go in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  for (std::size_t at = 0; at < data.size(); at += kPiece) {
    const std::size_t size = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_.get(), data.data() + at, static_cast<int>(size)) != 1)
      fail(doing, nullptr);
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) fail(doing, nullptr);
  Result end(PQgetResult(conn_.get()));
  const bool ok = end && PQresultStatus(end.get()) == PGRES_COMMAND_OK;
  // Drain to the end of the command, so the connection is ready for the next one.
  while (Result more{PQgetResult(conn_.get())}) {
  }
  if (!ok) fail(doing, end.get());
}

std::string quote_literal(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

}  // namespace pkgly_trail::store
