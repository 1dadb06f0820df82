#pragma once
// correlate stage: one pass over the records, an in-memory index of the requests in flight,
// each audit event joined to its access record and related records as soon as it is complete.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/record/stage.hpp"

namespace pkgly_trail {

// How far apart (in records and in log time) records of one request may be. A request not
// touched for longer is forgotten; an audit event waiting that long for its access record is
// printed without it.
struct JoinWindow {
  std::uint64_t records = 20000;
  double seconds = 120.0;
};

struct JoinLimits {
  JoinWindow window;
  std::size_t max_related = 1000;  // per request; more are counted, not kept
  // Bytes of everything the index holds: kept records, access records, audit events waiting
  // for their access record, request and trace ids. Past it the least recently active request
  // or waiting audit event goes first.
  std::size_t max_memory = 96ull * 1024 * 1024;
  bool access_only = false;  // --access-only: keep no related records
  // --related-level, --related-target: keep only the related records of that level or more
  // severe, and (when any) under one of those targets; the others are counted, not kept.
  Level related_min_level = Level::Trace;
  std::vector<std::string> related_targets;
  bool keeps_related(const Record& record) const noexcept;
};

struct JoinStats {
  std::uint64_t audit_events = 0;
  std::uint64_t printed = 0;
  std::uint64_t filtered_out = 0;
  std::uint64_t without_access = 0;    // printed with access: null
  std::uint64_t requests_expired = 0;  // left the window without an audit event
  std::uint64_t requests_evicted = 0;  // dropped early by --max-memory
  std::uint64_t audits_evicted = 0;    // printed early by --max-memory, before any access record
  std::uint64_t related_over_cap = 0;  // not kept because of --max-related
  std::uint64_t related_left_out = 0;  // not kept because of --related-level/--related-target
  std::uint64_t late_records = 0;      // arrived after their audit event was printed
  // Access records whose request already had one: Pkgly writes one per request, so all but
  // one were forged (docs/security.md). The join keeps the newest and marks it suspect.
  std::uint64_t shared_access_ids = 0;
  std::string first_shared_access_id;  // where the first such record was, input:line
  // Audit events whose method, route, url path or status differ from their access record's:
  // Pkgly writes the same request into both, so a value imitated the audit record's end
  // (docs/security.md). Printed marked suspect.
  std::uint64_t exchange_mismatches = 0;
  // Audit events of an HTTP request printed without an access record: Pkgly writes one before
  // each, so the event may be forged. Printed marked suspect.
  std::uint64_t missing_access = 0;
  std::string first_missing_access;
  // Audit events of a full, pretty or json log without their request's span (no request or
  // trace id): Pkgly writes every one inside it. Printed marked suspect.
  std::uint64_t missing_span = 0;
  std::string first_missing_span;
  std::string first_exchange_mismatch;  // the audit event's input:line
  std::size_t peak_bytes = 0;           // most bytes held at once (counted as --max-memory counts)
};

// A stage: takes records, hands joined audit events to its sink (the stage contract,
// pkgly_trail/record/stage.hpp): idle and finish go on to the sink, and the sink's "stop"
// comes back from on_record.
class Correlator final : public RecordStage {
 public:
  // `accept` decides, once the event is complete, whether it is printed (filters may name
  // access fields, so they run after the join).
  using Accept = std::function<bool(const Record& audit, const Record* access)>;
  Correlator(JoinLimits limits, Accept accept, JoinedEventSink& sink);
  ~Correlator() override;
  Correlator(const Correlator&) = delete;
  Correlator& operator=(const Correlator&) = delete;

  // Related records are kept by moving them (the record owns its text), not cloned.
  bool on_record(Record& record) override;
  // The input is idle: audit events that have waited more than a second of wall time for
  // their access record are printed without it, so a live stream never holds them back.
  void on_idle() override;
  // End of input: everything pending is printed, the index emptied, the sink finished.
  void finish() override;
  // on_idle with another patience (tests).
  void settle_waiting(std::chrono::milliseconds patience);
  const JoinStats& stats() const noexcept { return stats_; }
  // Bytes held now, as --max-memory counts them.
  std::size_t held_bytes() const noexcept;
  // Steps of work done so far: one per record, plus one per index entry visited, moved or
  // dropped. Tests assert that a hostile shape costs O(1) steps per record, without timing it.
  std::uint64_t work_steps() const noexcept;

 private:
  struct Index;
  static constexpr std::chrono::milliseconds patience_{1000};

  JoinStats stats_;
  std::unique_ptr<Index> index_;
};

}  // namespace pkgly_trail
