#pragma once
// The central store (docs/postgres.md): `join --postgres` writes the joined audit events of
// every replica into one PostgreSQL database, `report --postgres` reads them back, and
// `pkgly-trail db migrate|prune` keep the schema and the retention. The tables are those of
// `join --sqlite`, in the schema `pkgly_trail`, plus the label of the source each row came
// from; docs/output-contracts.md "PostgreSQL store" is the contract.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/hunt/alert_sink.hpp"

namespace pkgly_trail {

// The schema version this build reads and writes; another one is refused until
// `pkgly-trail db migrate` (a newer one: until this pkgly-trail is upgraded).
inline constexpr int kPostgresSchemaVersion = 1;
// The PostgreSQL schema (namespace) holding the tables, so they never meet Pkgly's own when
// both share a database.
inline constexpr std::string_view kPostgresSchema = "pkgly_trail";

// A failure of the server or of the store. `transient`: trying again later may succeed (the
// server restarts, the network is back, a deadlock); otherwise it will not (no such table,
// permission denied, another schema version). Messages name the server by host, port and
// database, never by the connection string, which may hold a password.
class PostgresError : public std::runtime_error {
 public:
  PostgresError(const std::string& message, bool transient, std::string reason = {})
      : std::runtime_error(message), transient_(transient), reason_(std::move(reason)) {}
  bool transient() const noexcept { return transient_; }
  // The server's or libpq's own words, without what was being done and where ("server closed
  // the connection unexpectedly"); what() when there are none.
  const char* reason() const noexcept { return reason_.empty() ? what() : reason_.c_str(); }

 private:
  bool transient_;
  std::string reason_;
};

struct PostgresSinkOptions {
  std::string conninfo;      // a libpq connection string or URI
  std::string source_label;  // the source_label of every row written (--source-label)
  // A batch (one COPY and one transaction) is sent after this many audit events, when it is
  // older than max_batch_ms at the next event, when the input is idle, and at the end.
  std::uint32_t batch_events = 2000;
  std::uint32_t max_batch_ms = 1000;
  // Batches waiting for the server: past this many bytes, on_event() waits (the input stops
  // being read) instead of dropping anything.
  std::size_t max_buffer_bytes = std::size_t{256} << 20;
  // The wait before the first retry; it doubles up to max_retry_ms.
  std::uint32_t first_retry_ms = 250;
  std::uint32_t max_retry_ms = 30000;
  // A batch the server has not taken after this long (a stalled disk, a lock held elsewhere)
  // is said, every stall_after_ms while it lasts, even while the buffer has room.
  std::uint32_t stall_after_ms = 30000;
  // A statement that waits this long for a lock (a `db prune` or a migration holding the
  // tables) is given up and sent again later, as after a lost connection.
  std::uint32_t lock_wait_ms = 30000;
  // Where the writer says what happens to the server (gone, retrying, stalled, back, waiting
  // at the end): one line each, from either thread, one at a time.
  std::function<void(std::string_view)> say;
};

// `join --postgres` hands it joined events, `hunt --postgres` alerts (table alerts); both go in
// the same batches.
class PostgresEventSink : public JoinedEventSink, public hunt::AlertSink {
 public:
  // One declaration for both contracts' signals.
  void on_idle() override = 0;
  void finish() override = 0;
  // Audit events inserted, and those already there (an earlier run, another writer, a second
  // copy of the log), counted when their batch commits; the same for alerts.
  virtual std::uint64_t written() const noexcept = 0;
  virtual std::uint64_t already_there() const noexcept = 0;
  virtual std::uint64_t alerts_written() const noexcept = 0;
  virtual std::uint64_t alerts_already_there() const noexcept = 0;
  // Where the events go, for messages: host:port/dbname.
  virtual const std::string& where() const noexcept = 0;
};

// Connects, creates the schema in a database without one (or checks its version), and starts
// the writer thread. Throws PostgresError when the server cannot be reached, the schema is
// another version or not pkgly-trail's. on_event(), on_idle() and finish() throw
// PostgresError when the server fails in a way retrying cannot mend.
std::unique_ptr<PostgresEventSink> open_postgres_sink(PostgresSinkOptions options);

// `pkgly-trail db migrate`: creates the schema, or brings an older version to this one.
struct MigrateResult {
  std::string where;
  int from_version = 0;  // 0: there was none
  int to_version = kPostgresSchemaVersion;
};
MigrateResult migrate_postgres(const std::string& conninfo);

// `pkgly-trail db prune --before`: removes every event (and its access and related rows) dated
// before `before_us`: whole months by dropping their partitions, the rest by DELETE; and the
// alerts whose last event is before it. Events without a time are kept.
struct PruneResult {
  std::string where;
  std::uint64_t months_dropped = 0;
  std::uint64_t events_removed = 0;  // in the dropped months and by DELETE
  std::uint64_t alerts_removed = 0;  // hunt's alerts whose last event is before
};
PruneResult prune_postgres(const std::string& conninfo, std::int64_t before_us);

// `report --postgres`: every event of the period, with its access record (and related records
// when asked), handed to `sink` in time order, then sink.finish().
struct StoreQuery {
  std::optional<std::int64_t> since_us;  // inclusive
  std::optional<std::int64_t> until_us;  // exclusive
  bool related = false;
};
struct StoreSource {
  std::string label;
  std::string input;
  std::uint64_t events = 0;
};
struct StoreRead {
  std::string where;
  std::uint64_t events = 0;
  std::vector<StoreSource> sources;  // of the events read, by label then input
};
StoreRead read_postgres_events(const std::string& conninfo, const StoreQuery& query,
                               JoinedEventSink& sink);

}  // namespace pkgly_trail
