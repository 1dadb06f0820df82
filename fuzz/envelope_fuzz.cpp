// strip_envelope and strip_ansi on one physical line.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "pkgly_trail/envelope/envelope.hpp"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pkgly_trail;
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  const Envelope envelope = strip_envelope(line);
  // Only a prefix (and a trailing CR) is ever removed: the body is the end of the line.
  std::string_view trimmed = line;
  if (!trimmed.empty() && trimmed.back() == '\r') trimmed.remove_suffix(1);
  FUZZ_CHECK(inside(envelope.service, line), fuzz::shown(line));
  FUZZ_CHECK(inside(envelope.replica, line), fuzz::shown(line));
  FUZZ_CHECK(envelope.body.size() <= trimmed.size(), fuzz::shown(line));
  FUZZ_CHECK(trimmed.ends_with(envelope.body), fuzz::shown(line));
  if (!envelope.body.empty()) {
    FUZZ_CHECK(envelope.body.data() + envelope.body.size() == trimmed.data() + trimmed.size(),
               fuzz::shown(line));
  }
  FUZZ_CHECK(envelope.body.size() < trimmed.size() || !envelope.had_timestamp, fuzz::shown(line));
  fuzz::touch(envelope.body);

  std::string stripped;
  const std::string_view out = strip_ansi(line, stripped);
  FUZZ_CHECK(out.data() == stripped.data() && out.size() == stripped.size(), fuzz::shown(line));
  FUZZ_CHECK(out.size() <= line.size(), fuzz::shown(line));
  FUZZ_CHECK(out.find('\x1b') == std::string_view::npos,
             "ESC left by strip_ansi: " + fuzz::shown(out) + "\nfrom: " + fuzz::shown(line));
  if (line.find('\x1b') == std::string_view::npos) FUZZ_CHECK(out == line, fuzz::shown(line));
  // Text without escapes is left alone; the output buffer is cleared, not appended to.
  std::string again = "stale";
  FUZZ_CHECK(strip_ansi(out, again) == out, fuzz::shown(line));
  return 0;
}
