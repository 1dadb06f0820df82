#pragma once
// Log text shown to people must never drive their terminal: a logged ESC sequence could move
// the cursor, clear the screen or paint a fake record. Everything the text sink takes from a
// log goes through here; the sink's own colour codes are the only escapes it writes.
#include <fmt/format.h>

#include <cstddef>
#include <string_view>

namespace pkgly_trail {

// Appends `text` with every control made visible: \n \t \r, \e for ESC, \xNN for other C0
// bytes, DEL and bytes that are not valid UTF-8, \u{NN} for C1 controls (U+0080..U+009F) and
// \u{NNNN} for bidirectional overrides/isolates (they reorder what follows on the line).
// With `quoted`, '"' and '\' are escaped too, for a value written inside quotes.
// Returns the number of characters appended (escapes included), for column padding.
std::size_t append_terminal_safe(fmt::memory_buffer& out, std::string_view text,
                                 bool quoted = false);

// A field value for `key=value` output: bare when unambiguous, otherwise in quotes, so a value
// holding `q=x outcome=success` cannot pass for separate fields.
void append_terminal_value(fmt::memory_buffer& out, std::string_view text);

}  // namespace pkgly_trail

namespace pkgly_trail {

// Cuts the line that starts at `start` to at most `width` terminal columns, ending it with '…'
// when something was cut (text output on a terminal, unless --wide). Only escapes written by
// pkgly-trail itself can be in the line; they take no columns, and colour is reset after a cut.
// Every character counts as one column (East Asian wide characters are not measured).
void fit_to_width(fmt::memory_buffer& line, std::size_t start, std::size_t width);

}  // namespace pkgly_trail
