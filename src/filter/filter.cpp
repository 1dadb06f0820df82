// Filter::compile turns command-line options into ready predicates (globs kept as text, RE2
// compiled once, times resolved); matches() then only compares views, so it does not allocate.
#include "pkgly_trail/filter/filter.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <limits>

#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail {

namespace {

// --where KEY=V1 --where KEY=V2: the values of one key are alternatives. Negated
// (--where KEY!=V1 --where KEY!=V2): the key has none of them, or no value at all.
struct WhereGroup {
  std::string key;
  bool negated = false;
  std::vector<std::string> values;
};

// --match KEY~RE (one of them matches) or KEY!~RE (none does, or the key has no value).
struct MatchGroup {
  std::string key;
  bool negated = false;
  std::vector<std::unique_ptr<RE2>> patterns;  // RE2 is neither copyable nor movable
};

// Does `pred` hold for a text `name` has in the record? Null counts as absent: `--where
// message=` must not select records that have no message. A Pkgly record has one value per
// name; a forged or mangled one may name an event field twice with different values (marked
// suspect: Record::repeated_field), and then each value is a reading: a filter keeps the record
// when it would keep any reading, so that neither value hides it.
template <typename Pred>
bool any_reading(const Record& record, std::string_view name, Pred pred) {
  if (Record::is_member_name(name) || record.field(name) == nullptr) {
    const std::optional<Value> value = record.lookup(name);
    return value && value->kind != ValueKind::Null && pred(value->text);
  }
  return std::any_of(record.fields.begin(), record.fields.end(), [&](const Field& f) {
    return f.key == name && f.value.kind != ValueKind::Null && pred(f.value.text);
  });
}

// In `join`, --where/--match may name a field of the joined access record: `access.KEY`
// explicitly, or any KEY the audit event does not have itself.
template <typename Pred>
bool any_joined_reading(const Record& record, const Record* joined, std::string_view name,
                        Pred pred) {
  if (joined && name.starts_with("access.")) return any_reading(*joined, name.substr(7), pred);
  if (any_reading(record, name, [](std::string_view) { return true; }))
    return any_reading(record, name, pred);
  return joined != nullptr && any_reading(*joined, name, pred);
}

// What a negative option (--not-actor, KEY!=V, KEY!~RE) leaves out: a record with a reading
// and none outside `pred`. `any(p)`: any_reading or any_joined_reading of one name.
template <typename Any, typename Pred>
bool every_reading(Any any, Pred pred) {
  return any([](std::string_view) { return true; }) &&
         !any([&](std::string_view text) { return !pred(text); });
}

auto equals_one_of(const std::vector<std::string>& wanted) {
  return [&wanted](std::string_view text) {
    return std::find(wanted.begin(), wanted.end(), text) != wanted.end();
  };
}

auto fits_one_of(const std::vector<std::string>& patterns) {
  return [&patterns](std::string_view text) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return glob_match(p, text); });
  };
}

// KEY<sep>VALUE or KEY!<sep>VALUE, split at the first separator.
struct KeyCondition {
  std::string_view key;
  bool negated = false;
  std::string_view value;
};

// The key must not be empty. No field name holds '!', so `KEY!=` is always the negation.
KeyCondition split_key(std::string_view option, std::string_view text, char separator,
                       std::string_view expected) {
  const std::size_t at = text.find(separator);
  const bool negated = at != std::string_view::npos && at > 0 && text[at - 1] == '!';
  const std::size_t key_size = negated ? at - 1 : at;
  if (at == std::string_view::npos || key_size == 0) {
    throw FilterError(fmt::format("invalid {} '{}': expected {}", option, text, expected));
  }
  return {text.substr(0, key_size), negated, text.substr(at + 1)};
}

template <typename Group>
Group& group_for(std::vector<Group>& groups, const KeyCondition& condition) {
  auto found = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
    return g.key == condition.key && g.negated == condition.negated;
  });
  if (found != groups.end()) return *found;
  groups.push_back(Group{std::string(condition.key), condition.negated, {}});
  return groups.back();
}

std::optional<std::int64_t> compile_time(std::string_view option,
                                         const std::optional<std::string>& text,
                                         std::int64_t now_us) {
  if (!text) return std::nullopt;
  if (auto us = parse_time_option(*text, now_us)) return us;
  throw FilterError(fmt::format(
      "invalid {} value '{}': expected RFC 3339 (2025-11-20T10:15:30Z), a local date or time "
      "(2025-11-20, 2025-11-20 10:00), today, yesterday, or a duration (30m, 2h, 7d)",
      option, *text));
}

// --around T --context D: the moment and the time on either side of it, both ends included.
void compile_around(const FilterOptions& options, std::int64_t now_us,
                    std::optional<std::int64_t>& since_us, std::optional<std::int64_t>& until_us) {
  if (!options.around) {
    if (options.context) throw FilterError("--context needs --around (the moment it is around)");
    return;
  }
  if (options.since || options.until)
    throw FilterError("--around is a window of its own: give it, or --since/--until, not both");
  const std::optional<std::int64_t> at = compile_time("--around", options.around, now_us);
  const std::string_view context =
      options.context ? std::string_view(*options.context) : std::string_view("5m");
  const std::optional<std::int64_t> span = parse_duration(context);
  if (!span) {
    throw FilterError(
        fmt::format("invalid --context '{}': expected a duration (90s, 5m, 2h, 1d)", context));
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  since_us = *at < kMin + *span ? kMin : *at - *span;
  until_us = *at > kMax - *span - 1 ? kMax : *at + *span + 1;  // --until is exclusive
}

}  // namespace

struct Filter::Compiled {
  bool audit_only = false;
  std::vector<std::string> target_prefixes;
  std::optional<Level> min_level;
  std::vector<std::string> actions;
  std::vector<std::string> not_actions;
  std::optional<std::string> outcome;
  std::vector<std::string> actors;
  std::vector<std::string> not_actors;
  std::vector<std::string> repositories;
  std::vector<std::string> storages;
  std::vector<std::string> paths;
  std::optional<std::int64_t> since_us;
  std::optional<std::int64_t> until_us;
  std::vector<WhereGroup> where;
  std::vector<MatchGroup> match;

  bool matches(const Record& record, const Record* joined) const;
  bool matches_time(const Record& record) const noexcept;
};

bool Filter::Compiled::matches_time(const Record& record) const noexcept {
  if (!since_us && !until_us) return true;
  const std::optional<std::int64_t> at = parse_log_time(record.timestamp);
  if (!at) return false;
  return (!since_us || *at >= *since_us) && (!until_us || *at < *until_us);
}

// Cheap comparisons first; regexes last.
bool Filter::Compiled::matches(const Record& record, const Record* joined) const {
  if (audit_only && !record.is_audit()) return false;
  if (min_level && record.level < *min_level) return false;
  if (!target_prefixes.empty() &&
      std::none_of(target_prefixes.begin(), target_prefixes.end(),
                   [&](const std::string& p) { return has_target_prefix(record.target, p); }))
    return false;
  auto field = [&](std::string_view name) {
    return [&record, name](auto pred) { return any_reading(record, name, pred); };
  };
  if (outcome && !field("outcome")([&](std::string_view text) { return text == *outcome; }))
    return false;
  if (!actors.empty() && !field("actor_username")(equals_one_of(actors))) return false;
  if (!not_actors.empty() && every_reading(field("actor_username"), equals_one_of(not_actors)))
    return false;
  if (!repositories.empty() && !field("repository_id")(equals_one_of(repositories)) &&
      !field("resource_name")(equals_one_of(repositories)))
    return false;
  if (!storages.empty() && !field("storage_id")(equals_one_of(storages))) return false;
  if (!actions.empty() && !field("action")(fits_one_of(actions))) return false;
  if (!not_actions.empty() && every_reading(field("action"), fits_one_of(not_actions)))
    return false;
  if (!paths.empty() && !field("path")(fits_one_of(paths)) &&
      !field("url_path")(fits_one_of(paths)))
    return false;
  if (!matches_time(record)) return false;
  auto joined_field = [&](std::string_view name) {
    return [&record, joined, name](auto pred) {
      return any_joined_reading(record, joined, name, pred);
    };
  };
  for (const WhereGroup& group : where) {
    const bool kept = group.negated
                          ? !every_reading(joined_field(group.key), equals_one_of(group.values))
                          : joined_field(group.key)(equals_one_of(group.values));
    if (!kept) return false;
  }
  for (const MatchGroup& group : match) {
    auto matches_one = [&group](std::string_view text) {
      const re2::StringPiece piece(text.data(), text.size());
      return std::any_of(group.patterns.begin(), group.patterns.end(),
                         [&](const auto& re) { return RE2::PartialMatch(piece, *re); });
    };
    const bool kept = group.negated ? !every_reading(joined_field(group.key), matches_one)
                                    : joined_field(group.key)(matches_one);
    if (!kept) return false;
  }
  return true;
}

Filter Filter::compile(const FilterOptions& options, std::int64_t now_us) {
  auto compiled = std::make_unique<Compiled>();
  Compiled& c = *compiled;
  c.audit_only = options.audit_only;
  c.target_prefixes = options.target_prefixes;
  c.min_level = options.min_level;
  c.actions = options.actions;
  c.not_actions = options.not_actions;
  if (options.outcome) {
    if (*options.outcome != "success" && *options.outcome != "denied") {
      throw FilterError(
          fmt::format("invalid --outcome '{}': expected success or denied", *options.outcome));
    }
    c.outcome = options.outcome;
  }
  c.actors = options.actors;
  c.not_actors = options.not_actors;
  c.repositories = options.repositories;
  c.storages = options.storages;
  c.paths = options.paths;
  c.since_us = compile_time("--since", options.since, now_us);
  c.until_us = compile_time("--until", options.until, now_us);
  compile_around(options, now_us, c.since_us, c.until_us);
  if (c.since_us && c.until_us && *c.since_us >= *c.until_us) {
    // Would silently print nothing; almost always swapped or mistyped values.
    throw FilterError(fmt::format("--since '{}' is not earlier than --until '{}'", *options.since,
                                  *options.until));
  }
  for (const std::string& item : options.where) {
    const KeyCondition condition = split_key(
        "--where", item, '=', "KEY=VALUE or KEY!=VALUE (e.g. --where actor_username=alice)");
    group_for(c.where, condition).values.emplace_back(condition.value);
  }
  for (const std::string& item : options.match) {
    const KeyCondition condition =
        split_key("--match", item, '~', "KEY~REGEX or KEY!~REGEX (e.g. --match url_path~^/api/)");
    const std::string_view pattern = condition.value;
    RE2::Options re_options;
    re_options.set_log_errors(false);  // the error goes into our message, not onto stderr
    auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), re_options);
    if (!re->ok()) {
      throw FilterError(fmt::format("invalid --match pattern '{}': {}", pattern, re->error()));
    }
    group_for(c.match, condition).patterns.push_back(std::move(re));
  }
  return Filter(std::move(compiled));
}

Filter::Filter(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

bool Filter::matches(const Record& record, const Record* joined) const {
  return !compiled_ || compiled_->matches(record, joined);
}

std::vector<std::string> Filter::required_text() const {
  if (!compiled_) return {};
  if (compiled_->audit_only) return {std::string(kAuditTarget)};
  return compiled_->target_prefixes;
}

std::vector<std::string> Filter::keys() const {
  std::vector<std::string> keys;
  if (!compiled_) return keys;
  for (const WhereGroup& group : compiled_->where) keys.push_back(group.key);
  for (const MatchGroup& group : compiled_->match) keys.push_back(group.key);
  return keys;
}

Filter::Period Filter::period() const noexcept {
  if (!compiled_) return {};
  return {compiled_->since_us, compiled_->until_us};
}

bool Filter::empty() const noexcept {
  if (!compiled_) return true;
  const Compiled& c = *compiled_;
  return !c.audit_only && c.target_prefixes.empty() && !c.min_level && c.actions.empty() &&
         c.not_actions.empty() && !c.outcome && c.actors.empty() && c.not_actors.empty() &&
         c.repositories.empty() && c.storages.empty() && c.paths.empty() && !c.since_us &&
         !c.until_us && c.where.empty() && c.match.empty();
}

}  // namespace pkgly_trail
