#pragma once
// The one place that tells the person on stderr: library code says what went wrong without the
// program's name (exceptions, error() strings, ReadObserver::on_problem); this prefixes it.
#include <string_view>

namespace pkgly_trail::cli {

// "pkgly-trail: MESSAGE". stdout's stdio buffer is flushed first, so the message comes after
// what was printed before it.
void report_error(std::string_view message);
// "pkgly-trail: MESSAGE", for what is neither an error nor a warning (what a run wrote).
void report_note(std::string_view message);
// "pkgly-trail: warning: MESSAGE".
void report_warning(std::string_view message);

}  // namespace pkgly_trail::cli
