#pragma once
// Output of `join`: each audit event with its access record and related records.
#include <memory>

#include "pkgly_trail/correlate/joined_event.hpp"
#include "pkgly_trail/sink/record_sink.hpp"

namespace pkgly_trail {

std::unique_ptr<JoinedEventSink> make_joined_sink(OutputStream& out, const SinkOptions& options);

// Default csv/tsv columns of `join`.
const std::vector<std::string>& default_join_columns();

// A `join` column: `related`, `warnings`, `errors` and `joined_by` are computed; `access.KEY`
// reads the access record; any other KEY is looked up in the audit event, then in the access
// record (so `client.address` and `duration_ms` work unprefixed).
std::optional<Value> lookup_joined(const JoinedEvent& event, std::string_view column,
                                   fmt::memory_buffer& scratch);

}  // namespace pkgly_trail
