// The report's tables, filled one joined event at a time. Every table is a GroupTable capped at
// --max-groups, so memory follows the number of distinct actors, actions, addresses... and
// never the number of events.
#include "pkgly_trail/report/aggregator.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "group_table.hpp"
#include "pkgly_trail/record/log_time.hpp"
#include "pkgly_trail/sink/joined_sink.hpp"
#include "time_buckets.hpp"

namespace pkgly_trail {

using report_detail::cells_less;
using report_detail::GroupKey;
using report_detail::GroupTable;
using report_detail::key_cells;

namespace {

enum class Outcome { Success, Denied, Other };

struct Counts {
  std::uint64_t total = 0;
  std::uint64_t success = 0;
  std::uint64_t denied = 0;
  void add(Outcome outcome) noexcept {
    ++total;
    success += outcome == Outcome::Success ? 1 : 0;
    denied += outcome == Outcome::Denied ? 1 : 0;
  }
};

// First and last timestamps, kept as logged.
struct Seen {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::string first;
  std::string last;
  bool any = false;
  void add(std::optional<std::int64_t> time_us, std::string_view text) {
    if (!time_us) return;
    if (!any || *time_us < first_us) {
      first_us = *time_us;
      first.assign(text);
    }
    if (!any || *time_us > last_us) {
      last_us = *time_us;
      last.assign(text);
    }
    any = true;
  }
  Cell first_cell() const { return any ? Cell::string(first) : Cell::null(); }
  Cell last_cell() const { return any ? Cell::string(last) : Cell::null(); }
};

struct ActorStats {
  Counts counts;
  Seen seen;
  std::uint64_t addresses = 0;
};

struct DeniedStats {
  std::uint64_t denied = 0;
  Seen seen;
};

struct Nothing {};

struct Timeline {
  std::map<std::int64_t, Counts> buckets;
  std::uint64_t omitted = 0;
  void add(std::int64_t index, Outcome outcome, std::size_t cap) {
    auto it = buckets.find(index);
    if (it == buckets.end()) {
      if (buckets.size() >= cap) {
        ++omitted;
        return;
      }
      it = buckets.emplace(index, Counts{}).first;
    }
    it->second.add(outcome);
  }
};

struct SensitiveRow {
  std::int64_t time_us = 0;
  std::uint64_t seq = 0;
  std::vector<Cell> cells;  // time, actor, action, outcome, client_address, request_id, affected
};

std::string_view field_text(const Record& record, std::string_view key) noexcept {
  const Value* value = record.field(key);
  return value && value->kind != ValueKind::Null ? value->text : std::string_view{};
}

Cell text_cell(std::string_view text) {
  return text.empty() ? Cell::null() : Cell::string(text);
}

// The request's id: the audit's own, else its access record's (compact logs write it there).
std::string_view request_id_of(const JoinedEvent& event) noexcept {
  if (!event.audit.request_id.empty() || !event.access) return event.audit.request_id;
  return event.access->request_id;
}

Outcome outcome_of(std::string_view text) noexcept {
  if (text == "success") return Outcome::Success;
  if (text == "denied") return Outcome::Denied;
  return Outcome::Other;
}

// A table ranked by count descending, then by its key cells ascending.
template <typename Stats, typename CountOf, typename RowOf>
ReportTable ranked(std::string name, std::string title, std::vector<std::string> columns,
                   const GroupTable<Stats>& table, std::size_t top, CountOf count_of,
                   RowOf row_of) {
  struct Entry {
    std::vector<Cell> key;
    const Stats* stats;
    std::uint64_t count;
  };
  std::vector<Entry> entries;
  entries.reserve(table.size());
  for (const auto& [key, stats] : table.groups())
    entries.push_back(Entry{key_cells(key), &stats, count_of(stats)});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.count != b.count) return a.count > b.count;
    return cells_less(a.key, b.key);
  });
  ReportTable out{std::move(name),
                  std::move(title),
                  std::move(columns),
                  {},
                  table.truncated(),
                  table.omitted(),
                  0};
  const std::size_t kept = top == 0 ? entries.size() : std::min(top, entries.size());
  out.omitted_rows = entries.size() - kept;
  for (std::size_t i = 0; i < kept; ++i)
    out.rows.push_back(row_of(entries[i].key, *entries[i].stats));
  return out;
}

std::vector<Cell> counts_cells(std::vector<Cell> key, const Counts& counts) {
  key.push_back(Cell::count(counts.success));
  key.push_back(Cell::count(counts.denied));
  key.push_back(Cell::count(counts.total));
  return key;
}

}  // namespace

namespace {

// What a change acted on, in the words the audit event gives: the resource (with its kind),
// the package path, the user or token by id, else the request's path (which holds the ids).
std::string affected_by(const Record& audit) {
  const std::string_view name = field_text(audit, "resource_name");
  if (!name.empty()) {
    const std::string_view kind = field_text(audit, "resource_kind");
    return kind.empty() ? std::string(name) : fmt::format("{} {}", kind, name);
  }
  if (const std::string_view path = field_text(audit, "path"); !path.empty())
    return std::string(path);
  for (const auto& [key, label] :
       {std::pair<std::string_view, std::string_view>{"target_user_id", "user"},
        {"token_id", "token"},
        {"resource_id", "resource"}}) {
    const std::string_view id = field_text(audit, key);
    if (!id.empty() && id != "0") return fmt::format("{} {}", label, id);
  }
  return std::string(field_text(audit, "url_path"));
}

}  // namespace

std::string_view client_address_of(const JoinedEvent& event) noexcept {
  if (event.access) {
    std::string_view own = field_text(*event.access, "client.address");
    if (!own.empty()) return own;
  }
  const Span* request = event.audit.find_span(kHttpRequestSpan);
  if (!request) return {};
  std::string_view address;
  for (const Field& field : event.audit.fields_of(*request))
    if (field.key == "client.address" && field.value.kind != ValueKind::Null)
      address = field.value.text;  // a field recorded twice: the later value
  return address;
}

struct ReportAggregator::State {
  explicit State(ReportOptions o)
      : options(std::move(o)),
        actions(options.max_groups),
        repositories(options.max_groups),
        storages(options.max_groups),
        actors(options.max_groups),
        actor_addresses(options.max_groups),
        addresses(options.max_groups),
        denied(options.max_groups),
        denied_addresses(options.max_groups),
        by(options.max_groups) {}

  void add(const JoinedEvent& event);
  Report build(const InputDoubts& doubts) const;
  ReportTable timeline_table(Bucket bucket) const;
  ReportTable sensitive_table() const;
  ReportTable by_table() const;

  ReportOptions options;
  Counts totals;
  Seen span;
  GroupTable<Counts> actions, repositories, storages;
  GroupTable<ActorStats> actors;
  GroupTable<Nothing> actor_addresses;  // (actor, address) pairs seen
  GroupTable<Nothing> addresses;        // known client addresses
  GroupTable<DeniedStats> denied;       // by (actor, address)
  GroupTable<std::uint64_t> denied_addresses;
  Timeline hours, days;
  Counts untimed;
  std::vector<SensitiveRow> sensitive;
  std::uint64_t sensitive_omitted = 0;
  GroupTable<std::uint64_t> by;
  std::uint64_t seq = 0;
  // Events marked suspect, on themselves or on their access record (docs/security.md).
  std::uint64_t suspect = 0;
  GroupKey key;
  fmt::memory_buffer scratch;
};

void ReportAggregator::State::add(const JoinedEvent& event) {
  const Record& audit = event.audit;
  const Outcome outcome = outcome_of(field_text(audit, "outcome"));
  const std::string_view action = field_text(audit, "action");
  const std::string_view actor = field_text(audit, "actor_username");
  const std::string_view address = client_address_of(event);
  const std::optional<std::int64_t> time =
      audit.timestamp.empty() ? std::nullopt : parse_log_time(audit.timestamp);
  ++seq;
  if (!audit.suspect.empty() || (event.access && !event.access->suspect.empty())) ++suspect;
  totals.add(outcome);
  span.add(time, audit.timestamp);

  if (Counts* counts = actions.find_or_add(key.clear().add(action).view()).stats)
    counts->add(outcome);
  if (ActorStats* stats = actors.find_or_add(key.clear().add(actor).view()).stats) {
    stats->counts.add(outcome);
    stats->seen.add(time, audit.timestamp);
    if (!address.empty() && actor_addresses.find_or_add(key.add(address).view()).added)
      ++stats->addresses;
  }
  if (!address.empty()) addresses.find_or_add(key.clear().add(address).view());
  if (outcome == Outcome::Denied) {
    if (DeniedStats* stats = denied.find_or_add(key.clear().add(actor).add(address).view()).stats) {
      ++stats->denied;
      stats->seen.add(time, audit.timestamp);
    }
    if (std::uint64_t* count = denied_addresses.find_or_add(key.clear().add(address).view()).stats)
      ++*count;
  }
  const std::string_view repository = field_text(audit, "resource_name");
  const std::string_view repository_id = field_text(audit, "repository_id");
  if (!repository.empty() || !repository_id.empty()) {
    if (Counts* counts =
            repositories.find_or_add(key.clear().add(repository).add(repository_id).view()).stats)
      counts->add(outcome);
  }
  const std::string_view storage = field_text(audit, "storage_id");
  if (!storage.empty()) {
    if (Counts* counts = storages.find_or_add(key.clear().add(storage).view()).stats)
      counts->add(outcome);
  }
  if (time) {
    hours.add(report_detail::bucket_index(*time, Bucket::Hour), outcome, options.max_groups);
    days.add(report_detail::bucket_index(*time, Bucket::Day), outcome, options.max_groups);
  } else {
    untimed.add(outcome);
  }
  if (is_sensitive_action(action)) {
    if (sensitive.size() >= options.max_groups) {
      ++sensitive_omitted;
    } else {
      sensitive.push_back(
          SensitiveRow{time.value_or(std::numeric_limits<std::int64_t>::max()),
                       seq,
                       {text_cell(audit.timestamp), text_cell(actor), text_cell(action),
                        text_cell(field_text(audit, "outcome")), text_cell(address),
                        text_cell(request_id_of(event)), text_cell(affected_by(audit))}});
    }
  }
  // --by: one more table; the others still run, the totals count distinct actors from them.
  if (!options.by.empty()) {
    key.clear();
    for (const std::string& field : options.by) {
      std::optional<Value> value = lookup_joined(event, field, scratch);
      if (value && value->kind != ValueKind::Null) {
        key.add(value->text, value->kind);
      } else {
        key.add({});
      }
    }
    if (std::uint64_t* count = by.find_or_add(key.view()).stats) ++*count;
  }
}

ReportTable ReportAggregator::State::timeline_table(Bucket bucket) const {
  const Timeline& line = bucket == Bucket::Day ? days : hours;
  ReportTable table{"timeline",
                    bucket == Bucket::Day ? "Events per day" : "Events per hour",
                    {"bucket", "success", "denied", "total"},
                    {},
                    line.omitted > 0,
                    line.omitted,
                    0};
  auto add_row = [&](std::int64_t index, const Counts& counts) {
    table.rows.push_back(
        counts_cells({Cell::string(report_detail::bucket_label(index, bucket))}, counts));
  };
  if (!line.buckets.empty()) {
    const std::int64_t first = line.buckets.begin()->first;
    const std::int64_t last = line.buckets.rbegin()->first;
    // Empty buckets are shown as zeros, so a chart's x axis is time, unless that would make
    // more rows than the cap allows.
    if (static_cast<std::uint64_t>(last - first) < options.max_groups) {
      for (std::int64_t index = first; index <= last; ++index) {
        auto it = line.buckets.find(index);
        add_row(index, it == line.buckets.end() ? Counts{} : it->second);
      }
    } else {
      for (const auto& [index, counts] : line.buckets) add_row(index, counts);
    }
  }
  if (untimed.total > 0) table.rows.push_back(counts_cells({Cell::null()}, untimed));
  return table;
}

ReportTable ReportAggregator::State::sensitive_table() const {
  std::vector<const SensitiveRow*> rows;
  rows.reserve(sensitive.size());
  for (const SensitiveRow& row : sensitive) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(), [](const SensitiveRow* a, const SensitiveRow* b) {
    return a->time_us != b->time_us ? a->time_us < b->time_us : a->seq < b->seq;
  });
  ReportTable table{
      "sensitive",
      "Sensitive actions",
      {"time", "actor", "action", "outcome", "client_address", "request_id", "affected"},
      {},
      sensitive_omitted > 0,
      sensitive_omitted,
      0};
  for (const SensitiveRow* row : rows) table.rows.push_back(row->cells);
  return table;
}

ReportTable ReportAggregator::State::by_table() const {
  std::vector<std::string> columns = options.by;
  columns.emplace_back("count");
  std::string title = "Events by";
  for (std::size_t i = 0; i < options.by.size(); ++i)
    title += (i == 0 ? " " : ", ") + options.by[i];
  return ranked(
      "by", std::move(title), std::move(columns), by, options.top,
      [](std::uint64_t count) { return count; },
      [](std::vector<Cell> key, std::uint64_t count) {
        key.push_back(Cell::count(count));
        return key;
      });
}

Report ReportAggregator::State::build(const InputDoubts& doubts) const {
  Report report;
  report.group_by = !options.by.empty();
  report.max_groups = options.max_groups;
  report.bucket = options.bucket;
  if (report.bucket == Bucket::Auto)
    report.bucket = span.any && span.last_us - span.first_us > report_detail::kHourlyUpToUs
                        ? Bucket::Day
                        : Bucket::Hour;
  const std::size_t top = options.top;
  auto by_counts = [](const Counts& counts) { return counts.total; };
  if (report.group_by) {
    report.sections.push_back(by_table());
  } else {
    report.sections.push_back(ranked("actions", "Actions by outcome",
                                     {"action", "success", "denied", "total"}, actions, top,
                                     by_counts, counts_cells));
    ReportTable actor_table = ranked(
        "actors", "Actors",
        {"actor", "events", "denied", "first_seen", "last_seen", "client_addresses"}, actors, top,
        [](const ActorStats& stats) { return stats.counts.total; },
        [](std::vector<Cell> key, const ActorStats& stats) {
          key.push_back(Cell::count(stats.counts.total));
          key.push_back(Cell::count(stats.counts.denied));
          key.push_back(stats.seen.first_cell());
          key.push_back(stats.seen.last_cell());
          key.push_back(Cell::count(stats.addresses));
          return key;
        });
    // Distinct addresses per actor are a lower bound once the pair table is full.
    actor_table.truncated = actor_table.truncated || actor_addresses.truncated();
    report.sections.push_back(std::move(actor_table));
    report.sections.push_back(ranked(
        "denied", "Denied attempts by actor and client address",
        {"actor", "client_address", "denied", "first_seen", "last_seen"}, denied, top,
        [](const DeniedStats& stats) { return stats.denied; },
        [](std::vector<Cell> key, const DeniedStats& stats) {
          key.push_back(Cell::count(stats.denied));
          key.push_back(stats.seen.first_cell());
          key.push_back(stats.seen.last_cell());
          return key;
        }));
    report.sections.push_back(ranked("repositories", "Activity per repository",
                                     {"repository", "repository_id", "success", "denied", "total"},
                                     repositories, top, by_counts, counts_cells));
    report.sections.push_back(ranked("storages", "Activity per storage",
                                     {"storage_id", "success", "denied", "total"}, storages, top,
                                     by_counts, counts_cells));
    report.sections.push_back(timeline_table(report.bucket));
    report.sections.push_back(sensitive_table());
    ReportTable chart = ranked(
        "denied_by_address", "", {}, denied_addresses, 0, [](std::uint64_t count) { return count; },
        [](std::vector<Cell> key, std::uint64_t count) {
          key.push_back(Cell::count(count));
          return key;
        });
    for (auto& row : chart.rows)
      report.denied_by_address.emplace_back(row[0], std::stoull(row[1].text));
  }

  ReportTable& summary = report.totals;
  summary.name = "totals";
  summary.title = "Totals";
  summary.columns = {"metric", "value"};
  auto metric = [&](std::string_view name, Cell value) {
    summary.rows.push_back({Cell::string(name), std::move(value)});
  };
  GroupKey unknown;
  const bool unknown_actor = actors.groups().find(unknown.add({}).view()) != actors.groups().end();
  metric("events", Cell::count(totals.total));
  metric("success", Cell::count(totals.success));
  metric("denied", Cell::count(totals.denied));
  metric("distinct_actors", Cell::count(actors.size() - (unknown_actor ? 1 : 0)));
  metric("distinct_client_addresses", Cell::count(addresses.size()));
  metric("first", span.first_cell());
  metric("last", span.last_cell());
  metric("unparsed_lines",
         doubts.unparsed_lines ? Cell::count(*doubts.unparsed_lines) : Cell::null());
  metric("suspect_events", Cell::count(suspect));
  metric("audit_marker_lines",
         doubts.audit_marker_lines ? Cell::count(*doubts.audit_marker_lines) : Cell::null());
  metric("suspect_records",
         doubts.suspect_records ? Cell::count(*doubts.suspect_records) : Cell::null());
  metric("bucket", Cell::string(report.bucket == Bucket::Day ? "1d" : "1h"));
  std::string truncated;
  for (const ReportTable& table : report.sections) {
    if (!table.truncated) continue;
    if (!truncated.empty()) truncated += ' ';
    truncated += table.name;
  }
  // The distinct counts of the totals are lower bounds once their tables are full.
  auto also = [&](bool full, std::string_view metric_name) {
    if (!full) return;
    if (!truncated.empty()) truncated += ' ';
    truncated += metric_name;
  };
  also(addresses.truncated(), "distinct_client_addresses");
  also(report.group_by && actors.truncated(), "distinct_actors");
  if (!truncated.empty()) metric("truncated_sections", Cell::string(truncated));
  return report;
}

}  // namespace pkgly_trail

namespace pkgly_trail {

ReportAggregator::ReportAggregator(ReportOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}
ReportAggregator::~ReportAggregator() = default;

bool ReportAggregator::on_event(const JoinedEvent& event) {
  state_->add(event);
  return true;
}

std::uint64_t ReportAggregator::events() const noexcept {
  return state_->totals.total;
}

Report ReportAggregator::build(const InputDoubts& doubts) const {
  return state_->build(doubts);
}

}  // namespace pkgly_trail
