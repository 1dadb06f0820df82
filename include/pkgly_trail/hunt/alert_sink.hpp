#pragma once
// Where `hunt` sends its alerts (the stage contract of pkgly_trail/record/stage.hpp, for
// alerts), and the printers for each output format (docs/hunt.md, "Output").
#include <cstdint>
#include <memory>
#include <string>

#include "pkgly_trail/hunt/alert.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail::hunt {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // false: nothing more can be delivered (the output is gone); the pipeline stops reading.
  virtual bool on_alert(const Alert& alert) = 0;
  // The input is idle: make what was delivered visible now.
  virtual void on_idle() {}
  // The input ended: write any trailer and flush. Called once.
  virtual void finish() {}
};

// The version of the alert contract of `hunt -o json` (docs/hunt.md): the first member of
// every line, as in the record contract. A member renamed, removed or retyped changes it.
inline constexpr int kAlertContractVersion = 1;

// The first and last time of an alert of events without a time (none in a genuine log):
// written as null, not as 1970.
inline constexpr std::int64_t kAlertWithoutTime = INT64_MIN;

// The group as `field=value` pairs separated by spaces, each value in double quotes (with \"
// and \\) when it is empty or holds a blank, a quote, a backslash or `=`: a value cannot pass
// for another pair (csv, tsv, the report's alerts section).
std::string alert_group_text(const Alert& alert);

// "detection", or the correlation's type (event_count, value_count, temporal...).
std::string_view alert_kind(const Alert& alert) noexcept;
// The alert as one object of the `hunt -o json` contract, without the newline.
void append_alert_json(fmt::memory_buffer& out, const Alert& alert);

// text, json (NDJSON), ecs (NDJSON, event.kind alert), csv and tsv; options as for join.
std::unique_ptr<AlertSink> make_alert_sink(OutputStream& out, const SinkOptions& options);

}  // namespace pkgly_trail::hunt
