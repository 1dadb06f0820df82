// The correlation engine: detection hits into per-group windows, in event time
// (correlation.hpp says what it counts and when it fires).
//
// Shape of the state: per correlation, its groups in a list and a hash index on the group key.
// A sliding group (gt, gte) moves to the back of the list when it is updated, so the front is
// the least recently updated group: the one to expire first (its newest event is the oldest)
// and the one to evict. A group evaluated at close (lt, lte, eq) stays where it was opened, so
// the front is the oldest window: the one to close first. Closing windows and evicting groups
// thus look at the fronts only, one per correlation, never at every group.
//
// Between the caller and the groups sits the reorder buffer, a min-heap on (event time,
// arrival): an event is counted once the watermark (newest event time seen minus
// out_of_order_us) has reached it, so the groups see events in time order but for the late ones.
// It holds one entry per (event, correlation): an event that matched several rules of one
// correlation is one entry, with all their positions, so it is counted once.
#include "pkgly_trail/hunt/correlation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "byte_codec.hpp"
#include "correlation_window.hpp"
#include "group_key.hpp"
#include "pkgly_trail/hunt/hunt_state.hpp"

namespace pkgly_trail::hunt {

namespace {

constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
// The layout of SavedWindow::state; another one is not read (RestoreStats::unreadable). 2: an
// event_count window saves how many of the events it only counted are suspect; the windows of
// format 1 counted an event that matched two of their rules twice, and are not taken up.
constexpr std::uint8_t kSavedWindowFormat = 2;

// a + b without overflow: times come from logs and saved state, either may be hostile.
std::int64_t plus(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kMaxTime : kMinTime;
  return sum;
}
std::int64_t minus(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return b > 0 ? kMinTime : kMaxTime;
  return difference;
}

std::string_view op_name(Threshold::Op op) noexcept {
  switch (op) {
    case Threshold::Op::Gt:
      return "gt";
    case Threshold::Op::Gte:
      return "gte";
    case Threshold::Op::Lt:
      return "lt";
    case Threshold::Op::Lte:
      return "lte";
    case Threshold::Op::Eq:
      return "eq";
  }
  return "gte";
}

struct Group {
  std::string key;
  std::int64_t newest_us = 0;        // sliding: the newest event counted
  std::int64_t start_us = 0;         // at close: where the window starts
  std::int64_t floor_us = kMinTime;  // sliding: the event that last fired; none older counts
  std::uint64_t order = 0;           // sliding: when last updated; at close: when opened
  bool exceeded = false;             // at close: the condition can no longer hold
  CorrelationWindow window;
};
using GroupList = std::list<Group>;

struct Correlation {
  const CorrelationRule* rule = nullptr;
  Threshold threshold;
  bool at_close = false;   // lt, lte, eq: evaluated when the window closes
  std::int64_t bound = 0;  // at close: a count above it can no longer meet the condition
  std::string saved_name;  // "id:..." or "title:..."
  std::string definition;  // what a saved window must have been counted under
  // For each position of `rules:`, the first position listing the same rule (WindowHit).
  std::vector<std::uint32_t> first_listing;
  GroupList groups;
  std::unordered_map<std::string_view, GroupList::iterator> index;  // keys point into groups
};

// Which correlation a detection rule feeds, and at which positions of its `rules:`.
struct Route {
  std::uint32_t correlation = 0;
  std::vector<std::uint32_t> positions;  // ascending
};

// An event waiting in the reorder buffer, for one correlation.
struct Waiting {
  std::int64_t at_us = 0;
  std::uint64_t arrival = 0;
  std::uint32_t correlation = 0;
  bool moves_clock = true;
  // The positions of `rules:` the event matched: those of its one rule of the correlation
  // (`route`), or, when it matched several, all of theirs (`merged`, ascending).
  const Route* route = nullptr;
  std::vector<std::uint32_t> merged;
  std::string key;
  std::string value;
  EventRef event;

  std::span<const std::uint32_t> positions() const noexcept {
    return route != nullptr ? std::span<const std::uint32_t>(route->positions)
                            : std::span<const std::uint32_t>(merged);
  }
};
// std::push_heap keeps the greatest first: "greater" is the later event.
struct LaterFirst {
  bool operator()(const Waiting& a, const Waiting& b) const noexcept {
    return a.at_us != b.at_us ? a.at_us > b.at_us : a.arrival > b.arrival;
  }
};

std::string saved_name(const RuleInfo& info) {
  return info.id.empty() ? "title:" + info.title : "id:" + info.id;
}

// Everything that decides what a window counts, unambiguous (lengths before strings): a saved
// window is taken up only by a correlation of the same definition.
std::string definition_of(const CorrelationRule& rule, const RuleSet& rules) {
  auto text = [](std::string_view s) { return fmt::format("{}:{}", s.size(), s); };
  std::string out = fmt::format("type={}\n", to_string(rule.type));
  for (std::size_t i = 0; i < rule.rule_names.size(); ++i) {
    out += "rule=" + text(rule.rule_names[i]);
    if (i < rule.rule_indexes.size() && rule.rule_indexes[i] < rules.detections.size()) {
      const RuleInfo& info = rules.detections[rule.rule_indexes[i]].info;
      out += " " + text(saved_name(info));
    }
    out += '\n';
  }
  for (const std::string& field : rule.group_by) out += "group-by=" + text(field) + '\n';
  out += fmt::format("timespan_us={}\n", rule.timespan_us);
  if (rule.condition) {
    out += fmt::format("condition={} {}\n", op_name(rule.condition->op), rule.condition->value);
  }
  out += "field=" + text(rule.value_field) + '\n';
  return out;
}

}  // namespace

struct CorrelationEngine::Engine {
  const RuleSet& rules;
  CorrelationLimits limits;
  std::vector<Correlation> correlations;
  std::vector<std::vector<Route>> routes;  // by detection index
  std::vector<Waiting> waiting;            // the reorder buffer, a heap (LaterFirst)
  std::optional<std::int64_t> newest;      // the newest event time seen that moves the clock
  std::uint64_t arrivals = 0;
  std::uint64_t updates = 0;
  std::vector<const Route*> feeds;  // reused: the routes of one event's rules
  Stats stats;

  Engine(const RuleSet& rule_set, CorrelationLimits engine_limits)
      : rules(rule_set), limits(engine_limits), routes(rule_set.detections.size()) {
    limits.max_groups = std::max<std::size_t>(limits.max_groups, 1);
    limits.out_of_order_us = std::max<std::int64_t>(limits.out_of_order_us, 0);
    correlations.resize(rules.correlations.size());
    for (std::size_t i = 0; i < rules.correlations.size(); ++i) {
      const CorrelationRule& rule = rules.correlations[i];
      Correlation& c = correlations[i];
      c.rule = &rule;
      const bool temporal =
          rule.type == CorrelationType::Temporal || rule.type == CorrelationType::TemporalOrdered;
      c.threshold = rule.condition.value_or(
          temporal
              ? Threshold{Threshold::Op::Gte, static_cast<std::int64_t>(rule.rule_names.size())}
              : Threshold{});
      const std::int64_t n = c.threshold.value;
      switch (c.threshold.op) {
        case Threshold::Op::Gt:
        case Threshold::Op::Gte:
          c.at_close = false;
          break;
        case Threshold::Op::Lt:
          c.at_close = true;
          c.bound = minus(n, 1);
          break;
        case Threshold::Op::Lte:
        case Threshold::Op::Eq:
          c.at_close = true;
          c.bound = n;
          break;
      }
      c.saved_name = saved_name(rule.info);
      c.definition = definition_of(rule, rules);
      for (std::size_t k = 0; k < rule.rule_indexes.size(); ++k) {
        const auto first =
            std::find(rule.rule_indexes.begin(), rule.rule_indexes.end(), rule.rule_indexes[k]);
        c.first_listing.push_back(static_cast<std::uint32_t>(first - rule.rule_indexes.begin()));
      }
      for (std::size_t k = 0; k < rule.rule_indexes.size(); ++k) {
        const std::size_t detection = rule.rule_indexes[k];
        if (detection >= routes.size()) continue;
        std::vector<Route>& feeds = routes[detection];
        if (feeds.empty() || feeds.back().correlation != i)
          feeds.push_back(Route{static_cast<std::uint32_t>(i), {}});
        feeds.back().positions.push_back(static_cast<std::uint32_t>(k));
      }
    }
  }

  std::int64_t watermark() const noexcept {
    return newest ? minus(*newest, limits.out_of_order_us) : kMinTime;
  }

  // --- groups ---------------------------------------------------------------------------------

  GroupList::iterator open_group(Correlation& c, std::string& group_key) {
    while (stats.groups_held >= limits.max_groups) evict_one();
    const CorrelationRule& rule = *c.rule;
    c.groups.push_back(
        Group{std::move(group_key), 0, 0, kMinTime, ++updates, false,
              CorrelationWindow(rule.type, rule.rule_names.size(), rule.timespan_us, !c.at_close)});
    const auto it = std::prev(c.groups.end());
    c.index.emplace(it->key, it);
    ++stats.groups_held;
    stats.groups_peak = std::max(stats.groups_peak, stats.groups_held);
    return it;
  }

  void drop_group(Correlation& c, GroupList::iterator it) {
    ++stats.group_visits;
    stats.events_held -= it->window.held();
    c.index.erase(it->key);
    c.groups.erase(it);
    --stats.groups_held;
  }

  // The least recently updated group of all (the oldest window, for those evaluated at close).
  void evict_one() {
    Correlation* oldest = nullptr;
    for (Correlation& c : correlations) {
      if (c.groups.empty()) continue;
      ++stats.group_visits;
      if (oldest == nullptr || c.groups.front().order < oldest->groups.front().order) oldest = &c;
    }
    if (oldest == nullptr) return;
    drop_group(*oldest, oldest->groups.begin());
    ++stats.groups_evicted;
  }

  void fire(const Correlation& c, const Group& g, std::vector<Alert>& out) const {
    Alert alert;
    alert.rule = &c.rule->info;
    alert.correlation = true;
    alert.type = c.rule->type;
    const std::vector<std::string>& fields = c.rule->group_by;
    if (auto values = split_group_key(g.key, fields.size())) {
      alert.group.reserve(fields.size());
      for (std::size_t i = 0; i < fields.size(); ++i)
        alert.group.emplace_back(fields[i], std::move((*values)[i]));
    }
    g.window.describe(alert);
    out.push_back(std::move(alert));
  }

  bool meets(const Correlation& c, const Group& g) const {
    return !g.exceeded && c.threshold.holds(g.window.count());
  }

  // Closes the group's window: evaluated when it is one evaluated at close, then dropped.
  void close_group(Correlation& c, GroupList::iterator it, std::vector<Alert>& out) {
    if (c.at_close && meets(c, *it)) fire(c, *it, out);
    drop_group(c, it);
    ++stats.windows_expired;
  }

  // Closes the windows that end before `now`, front first in each correlation.
  void close_before(std::int64_t now, std::vector<Alert>& out) {
    for (Correlation& c : correlations) {
      while (!c.groups.empty()) {
        ++stats.group_visits;
        const Group& front = c.groups.front();
        const std::int64_t end =
            plus(c.at_close ? front.start_us : front.newest_us, c.rule->timespan_us);
        if (end >= now) break;
        close_group(c, c.groups.begin(), out);
      }
    }
  }

  // --- counting -------------------------------------------------------------------------------

  // Counts one event in one correlation. `now`: where event time stands for this event: its own
  // time when it comes out of the reorder buffer in order, the watermark when it came late.
  void count(Waiting& hit_in, std::int64_t now, std::vector<Alert>& out) {
    Correlation& c = correlations[hit_in.correlation];
    const std::int64_t at_us = hit_in.at_us;
    std::string& group_key = hit_in.key;
    const std::int64_t timespan = c.rule->timespan_us;
    ++stats.group_visits;
    const auto found = c.index.find(group_key);
    std::optional<GroupList::iterator> it;
    if (found != c.index.end()) it = found->second;
    if (it && c.at_close && at_us > plus((*it)->start_us, timespan)) {
      // The group's next window begins: this one is over.
      close_group(c, *it, out);
      it.reset();
    }
    if (!it) {
      if (plus(at_us, timespan) < now) {
        ++stats.events_dropped;  // its window would have closed already
        return;
      }
      it = open_group(c, group_key);
      (*it)->newest_us = at_us;
      (*it)->start_us = at_us;
    }
    Group& g = **it;
    const std::size_t held_before = g.window.held();
    const WindowHit hit{at_us, hit_in.positions(), c.first_listing, hit_in.value,
                        std::move(hit_in.event)};
    if (c.at_close) {
      if (at_us < g.start_us) {
        ++stats.events_dropped;
        return;
      }
      if (!g.exceeded) {
        g.window.add(hit);
        if (g.window.count() > c.bound) {
          // Counts only grow within a window: it can no longer meet lt/lte/eq, and needs no
          // events kept.
          g.exceeded = true;
          g.window.clear();
        }
      }
    } else {
      const std::int64_t newest = std::max(g.newest_us, at_us);
      const std::int64_t from = std::max(minus(newest, timespan), g.floor_us);
      if (at_us < from) {
        ++stats.events_dropped;
        return;
      }
      g.newest_us = newest;
      g.window.add(hit);
      g.window.drop_before(from);
      if (c.threshold.holds(g.window.count())) {
        fire(c, g, out);
        g.window.clear();
        g.floor_us = at_us;
      }
      g.order = ++updates;
      c.groups.splice(c.groups.end(), c.groups, *it);
    }
    stats.events_held = stats.events_held - held_before + g.window.held();
    while (stats.events_held > limits.max_held_events && stats.groups_held > 0) evict_one();
  }

  Waiting pop_earliest() {
    std::pop_heap(waiting.begin(), waiting.end(), LaterFirst{});
    Waiting next = std::move(waiting.back());
    waiting.pop_back();
    return next;
  }

  // The latest time the events that move the clock vouch for: the newest of them, plus the
  // tolerance their own clocks have. None before the first of them.
  std::optional<std::int64_t> clock() const noexcept {
    if (!newest) return std::nullopt;
    return plus(*newest, limits.out_of_order_us);
  }
  // A suspect event dated after the clock: its time may be forged.
  bool ahead_of_clock(const Waiting& w) const noexcept {
    const std::optional<std::int64_t> vouched = clock();
    return !w.moves_clock && (!vouched || w.at_us > *vouched);
  }

  // Counts the waiting events up to `upto`, in time order.
  void release(std::int64_t upto, std::vector<Alert>& out) {
    while (!waiting.empty() && waiting.front().at_us <= upto) {
      Waiting next = pop_earliest();
      // A suspect event's time closes no window (a forged one far ahead would close them all).
      if (next.moves_clock) close_before(next.at_us, out);
      count(next, next.at_us, out);
    }
  }

  // Keeps the reorder buffer within max_held_events: beyond, the earliest waiting event is
  // counted before the watermark reaches it, or dropped when it is ahead of the clock.
  void make_room(std::vector<Alert>& out) {
    while (waiting.size() > limits.max_held_events) {
      Waiting next = pop_earliest();
      if (ahead_of_clock(next)) {
        ++stats.events_dropped;
        continue;
      }
      count(next, next.at_us, out);
    }
  }

  void on_event(std::span<const std::size_t> detections, std::int64_t at_us,
                const EventFields& fields, const AlertEvent& summary, bool moves_clock,
                std::vector<Alert>& out) {
    feeds.clear();
    for (const std::size_t detection : detections)
      if (detection < routes.size())
        for (const Route& route : routes[detection]) feeds.push_back(&route);
    if (feeds.empty()) return;
    // The routes into one correlation side by side (those of one rule are in correlation order).
    std::sort(feeds.begin(), feeds.end(),
              [](const Route* a, const Route* b) { return a->correlation < b->correlation; });
    if (moves_clock && (!newest || at_us > *newest)) newest = at_us;
    const std::int64_t mark = watermark();
    const bool late = at_us < mark;
    if (late) ++stats.late_events;
    const EventRef event = std::make_shared<const AlertEvent>(summary);
    for (std::size_t i = 0, next = 0; i < feeds.size(); i = next) {
      next = i + 1;
      while (next < feeds.size() && feeds[next]->correlation == feeds[i]->correlation) ++next;
      const std::uint32_t correlation = feeds[i]->correlation;
      const CorrelationRule& rule = *correlations[correlation].rule;
      Waiting hit{at_us, ++arrivals, correlation, moves_clock, nullptr, {}, {}, {}, event};
      if (rule.type == CorrelationType::ValueCount) {
        const std::optional<Value> v = fields.field(rule.value_field);
        if (!v || v->kind == ValueKind::Null) continue;  // no value: nothing to count
        hit.value = v->text;
      }
      build_group_key(fields, rule.group_by, hit.key);
      if (next - i == 1) {
        hit.route = feeds[i];
      } else {
        for (std::size_t r = i; r < next; ++r)
          hit.merged.insert(hit.merged.end(), feeds[r]->positions.begin(),
                            feeds[r]->positions.end());
        std::sort(hit.merged.begin(), hit.merged.end());
        hit.merged.erase(std::unique(hit.merged.begin(), hit.merged.end()), hit.merged.end());
      }
      if (late) {
        count(hit, mark, out);
        continue;
      }
      waiting.push_back(std::move(hit));
      std::push_heap(waiting.begin(), waiting.end(), LaterFirst{});
    }
    make_room(out);
    release(mark, out);
    close_before(mark, out);
  }

  // Counts the waiting events but those ahead of the clock (suspect ones: they stay).
  void flush(std::vector<Alert>& out) {
    if (const std::optional<std::int64_t> vouched = clock()) release(*vouched, out);
  }

  void finish(std::vector<Alert>& out, OpenWindows open) {
    if (open == OpenWindows::Keep) {
      // The next run goes on counting these windows: a suspect event ahead of the clock would
      // carry its forged time into them.
      flush(out);
      stats.events_dropped += waiting.size();
      waiting.clear();
      return;
    }
    release(kMaxTime, out);
    std::vector<Alert> closing;
    for (Correlation& c : correlations) {
      for (const Group& g : c.groups)
        if (c.at_close && meets(c, g)) fire(c, g, closing);
      stats.group_visits += c.groups.size();
      stats.groups_held -= c.groups.size();
      c.index.clear();
      c.groups.clear();
    }
    stats.events_held = 0;
    std::stable_sort(closing.begin(), closing.end(),
                     [](const Alert& a, const Alert& b) { return a.first_us < b.first_us; });
    for (Alert& alert : closing) out.push_back(std::move(alert));
  }

  // --- saved windows --------------------------------------------------------------------------

  static std::string encode(const Correlation& c, const Group& g) {
    std::string state;
    ByteWriter out(state);
    out.u8(kSavedWindowFormat);
    out.u8(c.at_close ? 1 : 0);
    out.i64(g.newest_us);
    out.i64(g.start_us);
    out.i64(g.floor_us);
    out.u8(g.exceeded ? 1 : 0);
    g.window.encode(out);
    return state;
  }

  std::vector<SavedWindow> save() const {
    std::vector<SavedWindow> saved;
    saved.reserve(stats.groups_held);
    for (const Correlation& c : correlations)
      for (const Group& g : c.groups) {
        // An empty sliding window (one that fired, or whose events slid out) holds nothing a
        // later run needs; a window evaluated at close is its group's verdict so far.
        if (!c.at_close && g.window.held() == 0) continue;
        saved.push_back(SavedWindow{c.saved_name, c.definition, g.key, encode(c, g)});
      }
    return saved;
  }

  // Takes up one saved window: false when it is not one this build wrote for `c`.
  bool restore(Correlation& c, const SavedWindow& saved) {
    if (!split_group_key(saved.group_key, c.rule->group_by.size())) return false;
    if (c.index.contains(saved.group_key)) return false;
    ByteReader in(saved.state);
    if (in.u8() != kSavedWindowFormat || (in.u8() != 0) != c.at_close) return false;
    const CorrelationRule& rule = *c.rule;
    Group g{saved.group_key,
            0,
            0,
            kMinTime,
            0,
            false,
            CorrelationWindow(rule.type, rule.rule_names.size(), rule.timespan_us, !c.at_close)};
    g.newest_us = in.i64();
    g.start_us = in.i64();
    g.floor_us = in.i64();
    g.exceeded = in.u8() != 0;
    if (!in.ok() || !g.window.decode(in) || !in.at_end()) return false;
    std::string group_key = saved.group_key;
    Group& placed = *open_group(c, group_key);
    placed.newest_us = g.newest_us;
    placed.start_us = g.start_us;
    placed.floor_us = g.floor_us;
    placed.exceeded = g.exceeded;
    placed.window = std::move(g.window);
    stats.events_held += placed.window.held();
    while (stats.events_held > limits.max_held_events && stats.groups_held > 0) evict_one();
    return true;
  }

  RestoreStats restore(const std::vector<SavedWindow>& saved) {
    RestoreStats result;
    for (const SavedWindow& window : saved) {
      Correlation* target = nullptr;
      for (Correlation& c : correlations)
        if (c.saved_name == window.rule && c.definition == window.definition) {
          target = &c;
          break;
        }
      if (target == nullptr) {
        ++result.rule_changed;
      } else if (restore(*target, window)) {
        ++result.restored;
      } else {
        ++result.unreadable;
      }
    }
    return result;
  }
};

CorrelationEngine::CorrelationEngine(const RuleSet& rules, CorrelationLimits limits)
    : engine_(std::make_unique<Engine>(rules, limits)) {}
CorrelationEngine::~CorrelationEngine() = default;
CorrelationEngine::CorrelationEngine(CorrelationEngine&&) noexcept = default;
CorrelationEngine& CorrelationEngine::operator=(CorrelationEngine&&) noexcept = default;

void CorrelationEngine::on_event(std::span<const std::size_t> detections, std::int64_t at_us,
                                 const EventFields& fields, const AlertEvent& summary,
                                 std::vector<Alert>& out, bool moves_clock) {
  engine_->on_event(detections, at_us, fields, summary, moves_clock, out);
}

void CorrelationEngine::flush(std::vector<Alert>& out) {
  engine_->flush(out);
}

void CorrelationEngine::finish(std::vector<Alert>& out, OpenWindows open) {
  engine_->finish(out, open);
}

void CorrelationEngine::save_windows(HuntState& state) const {
  state.set_windows(engine_->save());
}

CorrelationEngine::RestoreStats CorrelationEngine::restore_windows(const HuntState& state) {
  return engine_->restore(state.windows());
}

CorrelationEngine::Stats CorrelationEngine::stats() const noexcept {
  Stats stats = engine_->stats;
  stats.events_waiting = engine_->waiting.size();
  return stats;
}

}  // namespace pkgly_trail::hunt
