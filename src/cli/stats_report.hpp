#pragma once
#include <cstdint>

#include "pkgly_trail/correlate/correlator.hpp"
#include "pkgly_trail/parse/record_assembler.hpp"
#include "pkgly_trail/read/read_records.hpp"

namespace pkgly_trail::cli {

// --stats: what was read and what became of it, on stderr.
void print_stats(const ReadSummary& read, std::uint64_t matched);
void print_join_stats(const JoinStats& stats);
// One line on stderr when --max-memory made the join drop requests or print events early, so
// an event printed with `access: null` for that reason is never unexplained.
void warn_join_evictions(const JoinStats& stats, std::size_t max_memory);

}  // namespace pkgly_trail::cli
