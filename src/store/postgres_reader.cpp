// `report --postgres`: the store's events handed to the report chain as joined events, rebuilt
// from their record_json, so that the same aggregator, filters and rules that read logs read
// the store, and a report from the store cannot count otherwise than one from the logs.
// SQL chooses the period (partition pruning reads only its months); the filters decide the
// rest on the rebuilt records, exactly as on logs.
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <vector>

#include "connection.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/store/postgres.hpp"
#include "pkgly_trail/store/record_json.hpp"
#include "schema.hpp"

namespace pkgly_trail {

namespace {

using store::Connection;

constexpr int kRowsPerFetch = 2000;

std::string select_sql(const StoreQuery& query) {
  std::string where = "true";
  // Events without a time are read too: the filters decide about them as they do on logs.
  if (query.since_us)
    where += fmt::format(" AND (e.time >= '{}' OR e.time IS NULL)", utc_time_text(*query.since_us));
  if (query.until_us)
    where += fmt::format(" AND (e.time < '{}' OR e.time IS NULL)", utc_time_text(*query.until_us));
  const std::string related =
      query.related ? "(SELECT jsonb_agg(r.record_json ORDER BY r.seq) FROM pkgly_trail.related r "
                      "WHERE r.event_id = e.id AND r.event_time IS NOT DISTINCT FROM e.time)::text"
                    : "NULL";
  return fmt::format(
      "DECLARE events NO SCROLL CURSOR FOR SELECT e.source_label, e.joined_by, "
      "e.record_json::text, a.record_json::text, {} FROM pkgly_trail.events e "
      "LEFT JOIN pkgly_trail.access a ON a.event_id = e.id AND a.event_time IS NOT DISTINCT "
      "FROM e.time WHERE {} ORDER BY e.time NULLS LAST, e.source_label, e.source_input, "
      "e.source_line",
      related, where);
}

JoinKey join_key(std::string_view text) noexcept {
  if (text == "request_id") return JoinKey::RequestId;
  if (text == "trace_id") return JoinKey::TraceId;
  if (text == "adjacency") return JoinKey::Adjacency;
  return JoinKey::None;
}

class EventRebuilder {
 public:
  explicit EventRebuilder(const std::string& where) : where_(where) {}

  const Record& audit() const noexcept { return audit_; }

  // One row of the cursor into `sink`; false when the sink wants no more.
  bool hand(const PGresult* rows, int row, JoinedEventSink& sink) {
    read(PQgetvalue(rows, row, 2), audit_, "events");
    const bool has_access = !PQgetisnull(rows, row, 3);
    if (has_access) read(PQgetvalue(rows, row, 3), access_, "access");
    related_count_ = 0;
    if (!PQgetisnull(rows, row, 4)) read_related(PQgetvalue(rows, row, 4));
    const JoinedEvent event{audit_, has_access ? &access_ : nullptr,
                            std::span<const Record>(related_.data(), related_count_),
                            join_key(PQgetvalue(rows, row, 1))};
    return sink.on_event(event);
  }

 private:
  void read(std::string_view json, Record& out, std::string_view table) {
    if (!reader_.read(json, out, error_))
      throw PostgresError(fmt::format("cannot read PostgreSQL at {}: a record_json of "
                                      "pkgly_trail.{} is not a pkgly-trail record ({})",
                                      where_, table, error_),
                          false);
  }
  void read_related(std::string_view array) {
    padded_ = simdjson::padded_string(array);
    simdjson::dom::array items;
    if (parser_.parse(padded_).get(items) != simdjson::SUCCESS)
      throw PostgresError(fmt::format("cannot read PostgreSQL at {}: the related records of an "
                                      "event are not a JSON array",
                                      where_),
                          false);
    for (simdjson::dom::element item : items) {
      if (related_count_ == related_.size()) related_.emplace_back();
      read(simdjson::to_string(item), related_[related_count_++], "related");
    }
  }

  std::string where_;
  RecordJsonReader reader_;
  std::string error_;
  Record audit_, access_;
  std::vector<Record> related_;  // reused: the first related_count_ are this event's
  std::size_t related_count_ = 0;
  simdjson::dom::parser parser_;
  simdjson::padded_string padded_;
};

}  // namespace

StoreRead read_postgres_events(const std::string& conninfo, const StoreQuery& query,
                               JoinedEventSink& sink) {
  Connection connection(conninfo, false);
  store::check_server(connection);
  store::check_schema(connection, false);
  StoreRead read;
  read.where = connection.where();
  std::map<std::pair<std::string, std::string>, std::uint64_t> sources;
  auto last = sources.end();  // the (label, input) of the event before: most often the same
  EventRebuilder rebuild(read.where);
  // One snapshot for the whole report, even while writers go on.
  connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot read");
  connection.exec(select_sql(query), "cannot read");
  for (bool more = true; more;) {
    store::Result rows =
        connection.exec(fmt::format("FETCH {} FROM events", kRowsPerFetch), "cannot read");
    const int count = PQntuples(rows.get());
    more = count == kRowsPerFetch;
    for (int row = 0; row < count; ++row) {
      if (!rebuild.hand(rows.get(), row, sink)) {
        more = false;
        break;
      }
      ++read.events;
      const std::string_view label = PQgetvalue(rows.get(), row, 0);
      const std::string_view input = rebuild.audit().source.input;
      if (sources.empty() || last->first.first != label || last->first.second != input)
        last = sources.try_emplace({std::string(label), std::string(input)}, 0).first;
      ++last->second;
    }
  }
  connection.exec("COMMIT", "cannot read");
  sink.finish();
  for (auto& [key, events] : sources) read.sources.push_back({key.first, key.second, events});
  return read;
}

}  // namespace pkgly_trail
