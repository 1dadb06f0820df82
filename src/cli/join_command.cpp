// `join`: records -> correlate -> joined sink. Filters run once an event is complete, so they
// may name fields of its access record.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/reading.hpp"
#include "cli/report_error.hpp"
#include "cli/stats_report.hpp"
#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/sink/joined_sink.hpp"
#include "pkgly_trail/sink/sqlite_sink.hpp"
#include "pkgly_trail/store/postgres.hpp"

namespace pkgly_trail::cli {

int run_join(const Options& options, const Filter& filter) {
  OutputStream out(STDOUT_FILENO);
  // --sqlite, --postgres: the events go to the database instead of stdout.
  std::unique_ptr<SqliteEventSink> database;
  std::unique_ptr<PostgresEventSink> store;
  std::unique_ptr<JoinedEventSink> printer;
  try {
    if (!options.sqlite.empty()) {
      database = open_sqlite_sink(options.sqlite);
    } else if (!options.postgres.empty()) {
      store = open_postgres_sink(postgres_options(options));
    } else {
      printer = make_joined_sink(out, sink_options(options));
    }
  } catch (const SqliteError& e) {
    report_error(e.what());
    return 2;
  } catch (const PostgresError& e) {
    report_error(e.what());
    return 2;
  }
  JoinedEventSink* sink = database ? static_cast<JoinedEventSink*>(database.get())
                          : store  ? static_cast<JoinedEventSink*>(store.get())
                                   : printer.get();
  NameWatch names = watch_names(options, filter);
  Correlator correlator(
      options.join,
      [&filter, &names](const Record& audit, const Record* access) {
        names.look_at(audit, access);
        return filter.matches(audit, access);
      },
      *sink);
  TerminalObserver observer(options, correlator.stats().printed);
  ReadSummary read;
  try {
    read = read_records(read_plan(options, AssemblerOptions{options.service, {}}), correlator,
                        observer);
  } catch (const SqliteError& e) {
    // The database cannot take more (disk full...): reading on would only lose more events.
    report_error(e.what());
    return 2;
  } catch (const PostgresError& e) {
    // A failure retrying cannot mend (permission, schema): the same for every later event.
    report_error(e.what());
    if (store)
      report_note(fmt::format("{} audit event(s) were written to {} before it", store->written(),
                              store->where()));
    return 2;
  }
  if (database)
    report_note(fmt::format("{} audit event{} written to {} ({} already there)",
                            database->written(), database->written() == 1 ? "" : "s",
                            options.sqlite, database->already_there()));
  if (store)
    report_note(fmt::format("{} audit event{} written to {} ({} already there)", store->written(),
                            store->written() == 1 ? "" : "s", store->where(),
                            store->already_there()));
  const JoinStats& join = correlator.stats();
  if (options.stats) {
    print_stats(read, join.printed);
    print_join_stats(join);
  }
  warn_join_evictions(join, options.join.max_memory);
  if (join.related_left_out > 0 && !options.related_level && options.join.related_targets.empty())
    report_note(
        fmt::format("{} related record(s) below {} not shown (--related-level trace shows "
                    "them)",
                    join.related_left_out, to_string(options.join.related_min_level)));
  warn_missing_names(names, true);
  return finish_run(options, out, read, join.printed, &join);
}

}  // namespace pkgly_trail::cli
