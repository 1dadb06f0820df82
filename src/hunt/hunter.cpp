#include "pkgly_trail/hunt/hunter.hpp"

#include "joined_fields.hpp"
#include "pkgly_trail/hunt/detection.hpp"
#include "pkgly_trail/record/log_time.hpp"

namespace pkgly_trail::hunt {

namespace {

std::string text_of(const EventFields& fields, std::string_view name) {
  std::optional<Value> value = fields.field(name);
  if (!value || value->kind == ValueKind::Null) return {};
  return std::string(value->text);
}

// What an alert lists of an event (owned: alerts outlive the event).
AlertEvent summary_of(const JoinedEvent& event, const EventFields& fields) {
  AlertEvent summary;
  summary.input = std::string(event.audit.source.input);
  summary.line = event.audit.source.line;
  summary.timestamp = std::string(event.audit.timestamp);
  summary.action = text_of(fields, "action");
  summary.outcome = text_of(fields, "outcome");
  summary.actor = text_of(fields, "actor_username");
  summary.client_address = text_of(fields, "client.address");
  summary.url_path = text_of(fields, "url_path");
  summary.suspect = std::string(event.audit.suspect);
  return summary;
}

}  // namespace

Hunter::Hunter(const RuleSet& rules, HuntOptions options, HuntState& state, AlertSink& alerts,
               JoinedEventSink* next)
    : rules_(rules),
      min_level_(options.min_level),
      engine_(rules, options.limits),
      state_(state),
      alerts_(alerts),
      next_(next) {
  // A state file carries the windows the last run left open (a burst across midnight).
  if (!state_.path().empty()) restored_ = engine_.restore_windows(state_);
}

bool Hunter::on_event(const JoinedEvent& event) {
  if (stopped_) return false;
  ++stats_.events;
  const std::optional<std::int64_t> at = parse_log_time(event.audit.timestamp);
  std::optional<LocalClock::Reading> local;
  if (at) {
    local = clock_.read(*at);
  } else {
    ++stats_.events_untimed;
  }
  JoinedFields fields(event, local, std::nullopt);
  // Every authenticated event teaches the state an (actor, address) pair, whether a rule asks
  // or not, so that tomorrow's run knows today's addresses. Not a suspect one: its time and
  // pair may be forged (a pair dated 2099 would make the state forget every genuine one).
  const std::string actor = text_of(fields, "actor_username");
  const std::string address = text_of(fields, "client.address");
  const std::optional<Value> authenticated = fields.field("actor_authenticated");
  if (at && event.audit.suspect.empty() && authenticated && authenticated->text == "true" &&
      !actor.empty() && !address.empty())
    fields.set_address_new(state_.address_is_new(actor, address, *at));

  std::optional<AlertEvent> summary;
  matched_.clear();
  for (std::size_t i = 0; i < rules_.detections.size(); ++i) {
    if (!rules_.detections[i].detection->matches(fields)) continue;
    ++stats_.detection_hits;
    matched_.push_back(i);
    if (!summary) summary = summary_of(event, fields);
    if (rules_.detection_alerts[i]) {
      Alert alert;
      alert.rule = &rules_.detections[i].info;
      alert.correlation = false;
      alert.first_us = alert.last_us = at.value_or(kAlertWithoutTime);
      alert.count = 1;
      alert.suspect_events = summary->suspect.empty() ? 0 : 1;
      alert.events.push_back(*summary);
      fired_.push_back(std::move(alert));
    }
  }
  // Correlations count in event time (an event without one cannot be placed in a window), and
  // each counts the event once, whatever number of its rules it matched. A suspect event
  // counts, but its time, which may be forged, does not move the clock.
  if (at && !matched_.empty())
    engine_.on_event(matched_, *at, fields, *summary, fired_, event.audit.suspect.empty());
  if (!deliver()) return false;
  return next_ == nullptr || next_->on_event(event);
}

bool Hunter::deliver() {
  for (const Alert& alert : fired_) {
    if (alert.rule->level < min_level_) {
      ++stats_.alerts_below;
      continue;
    }
    ++stats_.alerts;
    if (!alerts_.on_alert(alert)) {
      stopped_ = true;
      break;
    }
  }
  fired_.clear();
  return !stopped_;
}

void Hunter::on_idle() {
  // A live stream went quiet: what waits in the reorder buffer is all there is for now.
  engine_.flush(fired_);
  deliver();
  alerts_.on_idle();
  if (next_ != nullptr) next_->on_idle();
}

void Hunter::finish() {
  // With a state file the windows still open go on in the next run; without, they close now.
  const bool keep = !state_.path().empty();
  engine_.finish(fired_, keep ? OpenWindows::Keep : OpenWindows::Close);
  if (keep) engine_.save_windows(state_);
  deliver();
  alerts_.finish();
  if (next_ != nullptr) next_->finish();
}

}  // namespace pkgly_trail::hunt
