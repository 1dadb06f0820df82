#pragma once
// -o ecs: audit events as Elastic Common Schema documents (NDJSON), ready for Elasticsearch /
// OpenSearch bulk ingestion or a Loki/Vector pipeline.
#include <fmt/format.h>

#include "pkgly_trail/correlate/joined_event.hpp"

namespace pkgly_trail {

// One ECS document (no newline). `access` (may be null) supplies source.ip, user_agent,
// http.response.body.bytes and event.duration when the event was joined.
void append_ecs_document(fmt::memory_buffer& out, const Record& audit, const Record* access,
                         JoinKey joined_by);

}  // namespace pkgly_trail
