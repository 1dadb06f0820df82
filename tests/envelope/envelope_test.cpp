#include "pkgly_trail/envelope/envelope.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace pkgly_trail {
namespace {

constexpr std::string_view kAnsiFull =
    "\x1b[2m2025-11-20T10:15:30.209067Z\x1b[0m \x1b[32m INFO\x1b[0m "
    "\x1b[2mpkgly::app::site\x1b[0m\x1b[2m:\x1b[0m Loaded 2 storages";

// Envelope views point into the line, so every test keeps its line alive in a variable.
bool points_into(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

TEST_CASE("a compose v2 prefix gives service - replica and body", "[envelope]") {
  const std::string line = "pkgly-1  | {\"timestamp\":\"2025-11-20T10:15:30.203058Z\"}";
  const Envelope envelope = strip_envelope(line);
  CHECK(envelope.service == "pkgly");
  CHECK(envelope.replica == "1");
  CHECK(envelope.body == "{\"timestamp\":\"2025-11-20T10:15:30.203058Z\"}");
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(points_into(envelope.body, line));
}

TEST_CASE("a compose v1 prefix and names with '-' '_' and '.'", "[envelope]") {
  Envelope envelope = strip_envelope("pkgly_1  | hello");
  CHECK(envelope.service == "pkgly");
  CHECK(envelope.replica == "1");
  CHECK(envelope.body == "hello");

  envelope = strip_envelope("my-app.web_12 | x | y");
  CHECK(envelope.service == "my-app.web");
  CHECK(envelope.replica == "12");
  CHECK(envelope.body == "x | y");
}

TEST_CASE("a prefix padded to the longest service name", "[envelope]") {
  const Envelope envelope = strip_envelope("pkgly-1     |   indented body");
  CHECK(envelope.service == "pkgly");
  CHECK(envelope.replica == "1");
  CHECK(envelope.body == "  indented body");
}

TEST_CASE("a bar with nothing after it is an empty body", "[envelope]") {
  for (const std::string_view line : {"pkgly-1  | ", "pkgly-1  |", "pkgly-1  | \r"}) {
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service == "pkgly");
    CHECK(envelope.body.empty());
  }
}

TEST_CASE("a coloured compose prefix is removed with its colour only", "[envelope]") {
  const std::string body = std::string(kAnsiFull);
  SECTION("coloured as a whole, as compose writes it") {
    const std::string line = "\x1b[36mpkgly-1  | \x1b[0m" + body;
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service == "pkgly");
    CHECK(envelope.replica == "1");
    CHECK(envelope.body == body);
  }
  SECTION("colour closed before the space") {
    const std::string line = "\x1b[36mpkgly-1  |\x1b[0m " + body;
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service == "pkgly");
    CHECK(envelope.body == body);
  }
  SECTION("colour around the bar") {
    const std::string line = "\x1b[1;36mpkgly-1  \x1b[0m\x1b[2m|\x1b[0m " + body;
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service == "pkgly");
    CHECK(envelope.body == body);
  }
  SECTION("the body's own reset after an uncoloured prefix stays") {
    const Envelope envelope = strip_envelope("pkgly-1  | \x1b[0mtext");
    CHECK(envelope.body == "\x1b[0mtext");
  }
}

TEST_CASE("compose --timestamps receive times are removed before any body", "[envelope]") {
  SECTION("ANSI full body") {
    const std::string line =
        "pkgly-1     | 2025-11-20T10:15:30.209178750Z " + std::string(kAnsiFull);
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service == "pkgly");
    CHECK(envelope.had_timestamp);
    CHECK(envelope.body == kAnsiFull);
  }
  SECTION("JSON body") {
    const Envelope envelope =
        strip_envelope("pkgly-1  | 2025-11-20T10:15:30.123456789Z {\"level\":\"INFO\"}");
    CHECK(envelope.had_timestamp);
    CHECK(envelope.body == "{\"level\":\"INFO\"}");
  }
  SECTION("postgres body") {
    const Envelope envelope = strip_envelope(
        "postgres-1  | 2025-11-20T10:15:30.369428350Z 2025-11-20 10:15:30.368 UTC [27] LOG:  "
        "checkpoint starting: time");
    CHECK(envelope.service == "postgres");
    CHECK(envelope.had_timestamp);
    CHECK(envelope.body == "2025-11-20 10:15:30.368 UTC [27] LOG:  checkpoint starting: time");
  }
  SECTION("plain full body: only the receive time goes") {
    const Envelope envelope =
        strip_envelope("2025-11-20T10:15:30.369999999Z 2025-11-20T10:15:30.369463Z  INFO x: y");
    CHECK(envelope.service.empty());
    CHECK(envelope.had_timestamp);
    CHECK(envelope.body == "2025-11-20T10:15:30.369463Z  INFO x: y");
  }
  SECTION("offset instead of Z, and an empty line") {
    const Envelope envelope = strip_envelope("pkgly-1  | 2025-11-20T11:15:30.5+01:00 ");
    CHECK(envelope.had_timestamp);
    CHECK(envelope.body.empty());
  }
}

TEST_CASE("in a stamped input the first time is the receive time even before a level",
          "[envelope][security]") {
  // A value's line after a newline has no time of its own; docker writes its receive time in
  // front. Guessing, that reads as a record's own time; in an input whose lines carry receive
  // times it is the collector's, and the line keeps no time.
  const std::string line = "pkgly-1  | 2025-11-20T10:15:30.190190672Z   INFO pkgly::audit: x";
  const Envelope guessed = strip_envelope(line);
  CHECK_FALSE(guessed.had_timestamp);
  CHECK(guessed.body == "2025-11-20T10:15:30.190190672Z   INFO pkgly::audit: x");
  const Envelope stamped = strip_envelope(line, true);
  CHECK(stamped.had_timestamp);
  CHECK(stamped.body == "  INFO pkgly::audit: x");
  // A genuine stamped line keeps its own time either way.
  const Envelope genuine =
      strip_envelope("2025-11-20T10:15:30.369999999Z 2025-11-20T10:15:30.369463Z  INFO x: y", true);
  CHECK(genuine.body == "2025-11-20T10:15:30.369463Z  INFO x: y");
}

TEST_CASE("the time of a plain tracing line is the record's and stays", "[envelope]") {
  const std::string_view full = "2025-11-20T10:15:30.369463Z  INFO x: y";
  Envelope envelope = strip_envelope(full);
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(envelope.body == full);

  const std::string prefixed = "pkgly-1  | " + std::string(full);
  envelope = strip_envelope(prefixed);
  CHECK(envelope.service == "pkgly");
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(envelope.body == full);

  const std::string_view compact = "2025-11-20T10:15:30.205963Z \x1b[32mINFO\x1b[0m a: b";
  envelope = strip_envelope(compact);
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(envelope.body == compact);

  envelope = strip_envelope("2025-11-20T10:15:30.205963Z ERROR a: b");
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(envelope.body == "2025-11-20T10:15:30.205963Z ERROR a: b");
}

TEST_CASE("a word that only starts like a level is not one", "[envelope]") {
  const Envelope envelope = strip_envelope("2025-11-20T10:15:30.123456789Z INFORMATION x");
  CHECK(envelope.had_timestamp);
  CHECK(envelope.body == "INFORMATION x");
}

TEST_CASE("a kubectl --prefix names the container", "[envelope]") {
  const std::string line = "[pod/pkgly-7d9f8c-x2x/pkgly] " + std::string(kAnsiFull);
  Envelope envelope = strip_envelope(line);
  CHECK(envelope.service == "pkgly");
  CHECK(envelope.replica.empty());
  CHECK(envelope.body == kAnsiFull);

  envelope = strip_envelope("[pod/pkgly-0/pkgly] 2025-11-20T10:15:30.123456789Z {\"a\":1}");
  CHECK(envelope.service == "pkgly");
  CHECK(envelope.had_timestamp);
  CHECK(envelope.body == "{\"a\":1}");

  envelope = strip_envelope("[not a prefix] text");
  CHECK(envelope.service.empty());
  CHECK(envelope.body == "[not a prefix] text");
}

TEST_CASE("a trailing CR is removed - other text is left alone", "[envelope]") {
  Envelope envelope = strip_envelope("pkgly-1  | body\r");
  CHECK(envelope.body == "body");

  envelope = strip_envelope("  2025-11-20T10:15:30.206019Z DEBUG sqlx::query: x\r");
  CHECK(envelope.service.empty());
  CHECK_FALSE(envelope.had_timestamp);
  CHECK(envelope.body == "  2025-11-20T10:15:30.206019Z DEBUG sqlx::query: x");

  envelope = strip_envelope("a\rb");
  CHECK(envelope.body == "a\rb");
}

TEST_CASE("ANSI codes inside the body are kept", "[envelope]") {
  const std::string body = "\x1b[3muser\x1b[0m\x1b[2m=\x1b[0mx\x1b[2J y";
  const std::string line = "pkgly-1  | " + body;
  Envelope envelope = strip_envelope(line);
  CHECK(envelope.body == body);
  envelope = strip_envelope(kAnsiFull);
  CHECK(envelope.service.empty());
  CHECK(envelope.body == kAnsiFull);
}

TEST_CASE("lines that only look like a prefix are bodies", "[envelope]") {
  for (const std::string_view line : {"pkgly  | no replica", "pkgly-x  | letters", "-1  | no name",
                                      "pkgly-1| no padding", "pkgly-1  |no space", ""}) {
    const Envelope envelope = strip_envelope(line);
    CHECK(envelope.service.empty());
    CHECK(envelope.body == line);
  }
}

TEST_CASE("strip_ansi removes CSI - OSC and two-byte sequences", "[envelope]") {
  std::string out = "stale";
  CHECK(strip_ansi(kAnsiFull, out) ==
        "2025-11-20T10:15:30.209067Z  INFO pkgly::app::site: Loaded 2 storages");
  CHECK(strip_ansi("a\x1b[2Jb\x1b[?25lc", out) == "abc");
  CHECK(strip_ansi("a\x1b]0;title\x07"
                   "b",
                   out) == "ab");
  CHECK(strip_ansi("a\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", out) == "alink");
  CHECK(strip_ansi("a\x1b"
                   "7b\x1b(Bc",
                   out) == "abc");
  CHECK(strip_ansi("end\x1b", out) == "end");
  CHECK(strip_ansi("cut\x1b[12", out) == "cut");
  CHECK(strip_ansi("\xe2\x9b\x94 \x9b"
                   "31m",
                   out) ==
        "\xe2\x9b\x94 \x9b"
        "31m");
  CHECK(strip_ansi("no escapes", out) == "no escapes");
  CHECK(out == "no escapes");
  CHECK(strip_ansi("", out).empty());
}

}  // namespace pkgly_trail
