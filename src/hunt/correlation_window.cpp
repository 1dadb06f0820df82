#include "correlation_window.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

namespace pkgly_trail::hunt {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Shows the first kMaxAlertEvents of `events` (in order), counts the rest.
template <class Range, class Project>
void list_events(const Range& range, Project project, Alert& alert) {
  for (const auto& item : range) {
    const EventRef& event = project(item);
    if (!event) continue;
    if (alert.events.size() < kMaxAlertEvents) {
      alert.events.push_back(*event);
    } else {
      ++alert.events_omitted;
    }
  }
}

// One event, whether shared or read back from a saved window (where each reference became its
// own copy): the same summary is the same event.
bool same_event(const EventRef& a, const EventRef& b) noexcept {
  return a == b || (a && b && *a == *b);
}

// The distinct events of `refs` (the first of each, in order), listed and counted into `alert`
// as the events a temporal alert used. Few: one per position of `rules:`.
void list_distinct_events(const std::vector<EventRef>& refs, Alert& alert) {
  std::vector<EventRef> distinct;
  distinct.reserve(refs.size());
  for (const EventRef& event : refs) {
    if (!event) continue;
    if (std::none_of(distinct.begin(), distinct.end(),
                     [&event](const EventRef& seen) { return same_event(seen, event); }))
      distinct.push_back(event);
  }
  for (const EventRef& event : distinct)
    if (is_suspect(event)) ++alert.suspect_events;
  list_events(
      distinct, [](const EventRef& e) -> const EventRef& { return e; }, alert);
}

// a - b <= span, without overflow (times may come from a hostile saved window).
bool within(std::int64_t a, std::int64_t b, std::int64_t span) noexcept {
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) return b > a;
  return difference <= span;
}

void encode_event(ByteWriter& out, const EventRef& event) {
  static const AlertEvent kNone;
  const AlertEvent& e = event ? *event : kNone;
  out.bytes(e.input);
  out.u64(e.line);
  out.bytes(e.timestamp);
  out.bytes(e.action);
  out.bytes(e.outcome);
  out.bytes(e.actor);
  out.bytes(e.client_address);
  out.bytes(e.url_path);
  out.bytes(e.suspect);
}

EventRef decode_event(ByteReader& in) {
  auto event = std::make_shared<AlertEvent>();
  event->input = in.bytes();
  event->line = in.u64();
  event->timestamp = in.bytes();
  event->action = in.bytes();
  event->outcome = in.bytes();
  event->actor = in.bytes();
  event->client_address = in.bytes();
  event->url_path = in.bytes();
  event->suspect = in.bytes();
  return event;
}

// The smallest encoded event: one u64 and eight empty strings.
constexpr std::size_t kMinEventBytes = 9 * 8;

// EventCountHits ------------------------------------------------------------------------------

void add(EventCountHits& w, const WindowHit& hit) {
  // Events come in time order but for late ones: the insertion point is found from the back.
  std::size_t index = w.hits.size();
  while (index > 0 && w.hits[index - 1].at_us > hit.at_us) --index;
  if (w.capped && w.hits.size() >= kMaxAlertEvents) {
    ++w.beyond;
    if (is_suspect(hit.event)) ++w.suspect;
    if (index == w.hits.size()) {
      w.beyond_newest_us = std::max(w.beyond_newest_us, hit.at_us);
      return;
    }
    // A late event goes before the last one kept, which is then only counted.
    w.beyond_newest_us = std::max(w.beyond_newest_us, w.hits.back().at_us);
    w.hits.pop_back();  // still counted, and still in `suspect` if it is
    w.hits.insert(w.hits.begin() + static_cast<std::ptrdiff_t>(index), Hit{hit.at_us, hit.event});
    return;
  }
  if (is_suspect(hit.event)) ++w.suspect;
  w.hits.insert(w.hits.begin() + static_cast<std::ptrdiff_t>(index), Hit{hit.at_us, hit.event});
}

// Only a sliding window drops events, and it keeps them all (never `beyond`).
void drop_before(EventCountHits& w, std::int64_t from_us) {
  while (!w.hits.empty() && w.hits.front().at_us < from_us) {
    if (is_suspect(w.hits.front().event)) --w.suspect;
    w.hits.pop_front();
  }
}

std::int64_t kept_suspect(const EventCountHits& w) {
  return std::count_if(w.hits.begin(), w.hits.end(),
                       [](const Hit& hit) { return is_suspect(hit.event); });
}

void describe(const EventCountHits& w, Alert& alert) {
  alert.count = static_cast<std::int64_t>(w.hits.size()) + w.beyond;
  if (w.hits.empty()) return;
  alert.first_us = w.hits.front().at_us;
  alert.last_us =
      w.beyond > 0 ? std::max(w.hits.back().at_us, w.beyond_newest_us) : w.hits.back().at_us;
  list_events(
      w.hits, [](const Hit& h) -> const EventRef& { return h.event; }, alert);
  alert.events_omitted += w.beyond;
  alert.suspect_events = w.suspect;
}

void encode(const EventCountHits& w, ByteWriter& out) {
  out.u8(w.capped ? 1 : 0);
  out.i64(w.beyond);
  out.i64(w.beyond_newest_us);
  out.i64(w.suspect - kept_suspect(w));  // of the events beyond
  out.u64(w.hits.size());
  for (const Hit& hit : w.hits) {
    out.i64(hit.at_us);
    encode_event(out, hit.event);
  }
}

bool decode(EventCountHits& w, ByteReader& in) {
  const bool capped = in.u8() != 0;
  if (capped != w.capped) return false;
  w.beyond = in.i64();
  w.beyond_newest_us = in.i64();
  const std::int64_t beyond_suspect = in.i64();
  const std::size_t n = in.count(8 + kMinEventBytes);
  std::int64_t previous = INT64_MIN;
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    const std::int64_t at = in.i64();
    if (at < previous) return false;
    previous = at;
    w.hits.push_back(Hit{at, decode_event(in)});
  }
  w.suspect = kept_suspect(w) + beyond_suspect;
  return in.ok() && w.beyond >= 0 && beyond_suspect >= 0 && beyond_suspect <= w.beyond &&
         (w.capped || w.beyond == 0) && (!w.capped || w.hits.size() <= kMaxAlertEvents);
}

// ValueCountHits ------------------------------------------------------------------------------

void add(ValueCountHits& w, const WindowHit& hit) {
  auto [it, inserted] = w.last.try_emplace(std::string(hit.value));
  if (!inserted) {
    // An older occurrence (a late event) changes nothing: the value's last one is kept.
    if (hit.at_us < it->second.at_us) return;
    w.by_time.erase({it->second.at_us, &it->first});
    if (is_suspect(it->second.event)) --w.suspect;
  }
  it->second = Hit{hit.at_us, hit.event};
  if (is_suspect(hit.event)) ++w.suspect;
  w.by_time.insert({hit.at_us, &it->first});
}

void drop_before(ValueCountHits& w, std::int64_t from_us) {
  while (!w.by_time.empty() && w.by_time.begin()->at_us < from_us) {
    const std::string* value = w.by_time.begin()->value;
    w.by_time.erase(w.by_time.begin());
    const auto it = w.last.find(*value);
    if (is_suspect(it->second.event)) --w.suspect;
    w.last.erase(it);
  }
}

void describe(const ValueCountHits& w, Alert& alert) {
  alert.count = static_cast<std::int64_t>(w.last.size());
  if (w.by_time.empty()) return;
  alert.first_us = w.by_time.begin()->at_us;
  alert.last_us = w.by_time.rbegin()->at_us;
  for (const ValueCountHits::ByTime& entry : w.by_time) {
    if (alert.values.size() < kMaxAlertValues) {
      alert.values.push_back(*entry.value);
    } else {
      ++alert.values_omitted;
    }
  }
  list_events(
      w.by_time,
      [&w](const ValueCountHits::ByTime& entry) -> const EventRef& {
        return w.last.find(*entry.value)->second.event;
      },
      alert);
  alert.suspect_events = w.suspect;
}

void encode(const ValueCountHits& w, ByteWriter& out) {
  out.u64(w.by_time.size());
  for (const ValueCountHits::ByTime& entry : w.by_time) {
    out.bytes(*entry.value);
    out.i64(entry.at_us);
    encode_event(out, w.last.find(*entry.value)->second.event);
  }
}

bool decode(ValueCountHits& w, ByteReader& in) {
  const std::size_t n = in.count(16 + kMinEventBytes);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    const std::string_view value = in.bytes();
    const std::int64_t at = in.i64();
    EventRef event = decode_event(in);
    auto [it, inserted] = w.last.try_emplace(std::string(value), Hit{at, std::move(event)});
    if (!inserted) return false;
    if (is_suspect(it->second.event)) ++w.suspect;
    w.by_time.insert({at, &it->first});
  }
  return in.ok();
}

// TemporalHits --------------------------------------------------------------------------------

void add(TemporalHits& w, const WindowHit& hit) {
  for (std::uint32_t position : hit.positions) {
    std::optional<Hit>& last = w.last[position];
    if (!last || hit.at_us >= last->at_us) last = Hit{hit.at_us, hit.event};
  }
}

void drop_before(TemporalHits& w, std::int64_t from_us) {
  for (std::optional<Hit>& last : w.last)
    if (last && last->at_us < from_us) last.reset();
}

void describe(const TemporalHits& w, Alert& alert) {
  bool any = false;
  std::vector<EventRef> used;
  used.reserve(w.last.size());
  for (const std::optional<Hit>& last : w.last) {
    if (!last) continue;
    ++alert.count;
    alert.first_us = any ? std::min(alert.first_us, last->at_us) : last->at_us;
    alert.last_us = any ? std::max(alert.last_us, last->at_us) : last->at_us;
    any = true;
    used.push_back(last->event);
  }
  list_distinct_events(used, alert);
}

void encode(const TemporalHits& w, ByteWriter& out) {
  out.u64(w.last.size());
  for (const std::optional<Hit>& last : w.last) {
    out.u8(last ? 1 : 0);
    if (!last) continue;
    out.i64(last->at_us);
    encode_event(out, last->event);
  }
}

bool decode(TemporalHits& w, ByteReader& in) {
  if (in.count(1) != w.last.size()) return false;
  for (std::optional<Hit>& last : w.last) {
    if (in.u8() == 0) continue;
    const std::int64_t at = in.i64();
    last = Hit{at, decode_event(in)};
  }
  return in.ok();
}

// OrderedChains -------------------------------------------------------------------------------

// The event may take several steps at once: steps r..k when it matched the rules of all of
// them, no rule twice (a rule listed twice needs two events), after the chain of steps 0..r-1
// (or from the start, r = 0). chains[k] becomes the best such chain, if better than its own.
// From the last position down, so that chains[r - 1] is still the chain before this event; the
// result depends only on the positions, in the order `rules:` lists them.
void add(OrderedChains& w, const WindowHit& hit) {
  using Chain = OrderedChains::Chain;
  const std::span<const std::uint32_t> positions = hit.positions;
  const auto rule_at = [&hit](std::uint32_t k) {
    return k < hit.first_listing.size() ? hit.first_listing[k] : k;
  };
  for (std::size_t i = positions.size(); i-- > 0;) {
    const std::uint32_t k = positions[i];
    if (k >= w.chains.size()) continue;
    std::optional<std::uint32_t> best_from;  // r
    std::int64_t best_start = 0;
    for (std::size_t j = i + 1; j-- > 0;) {
      const std::uint32_t r = positions[j];
      if (k - r != i - j) break;  // a step in r..k the event did not match
      bool repeated = false;
      for (std::size_t m = j + 1; m <= i; ++m)
        repeated = repeated || rule_at(positions[m]) == rule_at(r);
      if (repeated) break;  // and so for every longer run
      std::int64_t start = hit.at_us;
      if (r > 0) {
        const std::optional<Chain>& before = w.chains[r - 1];
        if (!before || before->end_us > hit.at_us ||
            !within(hit.at_us, before->start_us, w.timespan_us))
          continue;
        start = before->start_us;
      }
      if (!best_from || start > best_start) {
        best_from = r;
        best_start = start;
      }
    }
    if (!best_from) continue;
    std::optional<Chain>& chain = w.chains[k];
    if (chain && (best_start < chain->start_us ||
                  (best_start == chain->start_us && hit.at_us >= chain->end_us)))
      continue;
    Chain longer{best_start, hit.at_us, {}};
    if (*best_from > 0) longer.events = w.chains[*best_from - 1]->events;
    longer.events.insert(longer.events.end(), k - *best_from + 1, hit.event);
    chain = std::move(longer);
  }
}

void drop_before(OrderedChains& w, std::int64_t from_us) {
  for (std::optional<OrderedChains::Chain>& chain : w.chains)
    if (chain && chain->start_us < from_us) chain.reset();
}

const OrderedChains::Chain* longest(const OrderedChains& w) {
  for (auto it = w.chains.rbegin(); it != w.chains.rend(); ++it)
    if (*it) return &**it;
  return nullptr;
}

void describe(const OrderedChains& w, Alert& alert) {
  const OrderedChains::Chain* chain = longest(w);
  if (chain == nullptr) return;
  alert.count = static_cast<std::int64_t>(chain->events.size());
  alert.first_us = chain->start_us;
  alert.last_us = chain->end_us;
  list_distinct_events(chain->events, alert);
}

void encode(const OrderedChains& w, ByteWriter& out) {
  out.u64(w.chains.size());
  for (const std::optional<OrderedChains::Chain>& chain : w.chains) {
    out.u8(chain ? 1 : 0);
    if (!chain) continue;
    out.i64(chain->start_us);
    out.i64(chain->end_us);
    out.u64(chain->events.size());
    for (const EventRef& event : chain->events) encode_event(out, event);
  }
}

bool decode(OrderedChains& w, ByteReader& in) {
  if (in.count(1) != w.chains.size()) return false;
  for (std::size_t k = 0; k < w.chains.size() && in.ok(); ++k) {
    if (in.u8() == 0) continue;
    OrderedChains::Chain chain;
    chain.start_us = in.i64();
    chain.end_us = in.i64();
    // chains[k] links exactly k + 1 events.
    if (in.count(kMinEventBytes) != k + 1 || chain.end_us < chain.start_us) return false;
    for (std::size_t i = 0; i <= k && in.ok(); ++i) chain.events.push_back(decode_event(in));
    w.chains[k] = std::move(chain);
  }
  return in.ok();
}

}  // namespace

CorrelationWindow::CorrelationWindow(CorrelationType type, std::size_t rules,
                                     std::int64_t timespan_us, bool sliding) {
  switch (type) {
    case CorrelationType::EventCount: {
      EventCountHits hits;
      hits.capped = !sliding;
      hits_ = std::move(hits);
      break;
    }
    case CorrelationType::ValueCount:
      hits_ = ValueCountHits{};
      break;
    case CorrelationType::Temporal:
      hits_ = TemporalHits{std::vector<std::optional<Hit>>(rules)};
      break;
    case CorrelationType::TemporalOrdered:
      hits_ = OrderedChains{std::vector<std::optional<OrderedChains::Chain>>(rules), timespan_us};
      break;
  }
}

void CorrelationWindow::add(const WindowHit& hit) {
  std::visit([&hit](auto& w) { hunt::add(w, hit); }, hits_);
}

void CorrelationWindow::drop_before(std::int64_t from_us) {
  std::visit([from_us](auto& w) { hunt::drop_before(w, from_us); }, hits_);
}

void CorrelationWindow::clear() noexcept {
  std::visit(Overloaded{[](EventCountHits& w) {
                          w.hits.clear();
                          w.beyond = 0;
                          w.beyond_newest_us = 0;
                          w.suspect = 0;
                        },
                        [](ValueCountHits& w) {
                          w.by_time.clear();
                          w.last.clear();
                          w.suspect = 0;
                        },
                        [](TemporalHits& w) {
                          for (auto& last : w.last) last.reset();
                        },
                        [](OrderedChains& w) {
                          for (auto& chain : w.chains) chain.reset();
                        }},
             hits_);
}

std::int64_t CorrelationWindow::count() const noexcept {
  return std::visit(
      Overloaded{[](const EventCountHits& w) {
                   return static_cast<std::int64_t>(w.hits.size()) + w.beyond;
                 },
                 [](const ValueCountHits& w) { return static_cast<std::int64_t>(w.last.size()); },
                 [](const TemporalHits& w) {
                   return static_cast<std::int64_t>(
                       std::count_if(w.last.begin(), w.last.end(),
                                     [](const std::optional<Hit>& h) { return h.has_value(); }));
                 },
                 [](const OrderedChains& w) {
                   const OrderedChains::Chain* chain = longest(w);
                   return chain ? static_cast<std::int64_t>(chain->events.size()) : std::int64_t{0};
                 }},
      hits_);
}

std::size_t CorrelationWindow::held() const noexcept {
  return std::visit(Overloaded{[](const EventCountHits& w) { return w.hits.size(); },
                               [](const ValueCountHits& w) { return w.last.size(); },
                               [](const TemporalHits& w) {
                                 return static_cast<std::size_t>(std::count_if(
                                     w.last.begin(), w.last.end(),
                                     [](const std::optional<Hit>& h) { return h.has_value(); }));
                               },
                               [](const OrderedChains& w) {
                                 std::size_t n = 0;
                                 for (const auto& chain : w.chains)
                                   if (chain) n += chain->events.size();
                                 return n;
                               }},
                    hits_);
}

void CorrelationWindow::describe(Alert& alert) const {
  alert.count = 0;
  alert.values.clear();
  alert.values_omitted = 0;
  alert.events.clear();
  alert.events_omitted = 0;
  alert.suspect_events = 0;
  std::visit([&alert](const auto& w) { hunt::describe(w, alert); }, hits_);
}

void CorrelationWindow::encode(ByteWriter& out) const {
  out.u8(static_cast<std::uint8_t>(hits_.index()));
  std::visit([&out](const auto& w) { hunt::encode(w, out); }, hits_);
}

bool CorrelationWindow::decode(ByteReader& in) {
  if (in.u8() != hits_.index()) return false;
  clear();
  const bool ok = std::visit([&in](auto& w) { return hunt::decode(w, in); }, hits_);
  if (!ok || !in.ok()) {
    clear();
    return false;
  }
  return true;
}

}  // namespace pkgly_trail::hunt
