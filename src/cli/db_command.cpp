// `pkgly-trail db migrate|prune CONNINFO`: the PostgreSQL store's schema and retention.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/report_error.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/store/postgres.hpp"

namespace pkgly_trail::cli {

int run_db(const Options& options) {
  try {
    if (options.db_action == DbAction::Migrate) {
      const MigrateResult result = migrate_postgres(options.postgres);
      if (result.from_version == result.to_version) {
        report_note(fmt::format("the store at {} is schema version {} already: nothing to do",
                                result.where, result.to_version));
      } else if (result.from_version == 0) {
        report_note(fmt::format("created the store (schema pkgly_trail, version {}) at {}",
                                result.to_version, result.where));
      } else {
        report_note(fmt::format("migrated the store at {} from schema version {} to {}",
                                result.where, result.from_version, result.to_version));
      }
      return 0;
    }
    const std::optional<std::int64_t> before = parse_time_option(options.prune_before, now_us());
    if (!before) {
      report_error(
          fmt::format("--before '{}': expected YYYY-MM-DD, RFC 3339 or a time back "
                      "from now (90d)",
                      options.prune_before));
      return 2;
    }
    const PruneResult result = prune_postgres(options.postgres, *before);
    report_note(fmt::format(
        "removed {} audit event(s) dated before {} from {} ({} whole month(s) dropped), and {} "
        "alert(s)",
        result.events_removed, utc_time_text(*before), result.where, result.months_dropped,
        result.alerts_removed));
    return 0;
  } catch (const PostgresError& e) {
    report_error(e.what());
    return 2;
  }
}

}  // namespace pkgly_trail::cli
