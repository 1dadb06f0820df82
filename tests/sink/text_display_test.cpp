// Text output for people at a terminal: --utc / --local times and lines cut to the width.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "pkgly_trail/sink/record_sink.hpp"
#include "sink/capture.hpp"
#include "support/text_lines.hpp"

using namespace pkgly_trail;
using pkgly_trail::testing::Capture;
using pkgly_trail::testing::columns_of;

namespace {

Record event_at(std::string_view timestamp, std::string_view message = "Request received") {
  Record r;
  r.timestamp = timestamp;
  r.level = Level::Info;
  r.target = "pkgly::app";
  r.message = message;
  return r;
}

std::string render(const Record& record, SinkOptions options) {
  Capture capture;
  auto sink = make_record_sink(capture.out, options);
  sink->write(record);
  sink->finish();
  return capture.pipe.drain();
}

SinkOptions with_time(TimeDisplay time) {
  SinkOptions options;
  options.time = time;
  return options;
}

SinkOptions with_width(std::size_t width, bool color = false) {
  SinkOptions options;
  options.width = width;
  options.color = color;
  return options;
}

// Sets TZ for the scope of a test and puts the old value back.
class TimeZone {
 public:
  explicit TimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~TimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("text times are shown as logged by default") {
  CHECK(render(event_at("2025-11-20T11:15:30.369463+01:00"), {})
            .starts_with("2025-11-20T11:15:30.369463+01:00 "));
}

TEST_CASE("utc option: --utc converts text times to UTC") {
  CHECK(render(event_at("2025-11-20T11:15:30.369463+01:00"), with_time(TimeDisplay::Utc))
            .starts_with("2025-11-20T10:15:30.369463Z  INFO pkgly::app: Request received"));
  // Midnight crossings and whole seconds keep six digits.
  CHECK(render(event_at("2025-01-01T00:30:00-01:00"), with_time(TimeDisplay::Utc))
            .starts_with("2025-01-01T01:30:00.000000Z "));
  CHECK(render(event_at("2025-01-01T00:30:00+01:00"), with_time(TimeDisplay::Utc))
            .starts_with("2024-12-31T23:30:00.000000Z "));
}

TEST_CASE("local option: --local converts text times to the local zone with its offset") {
  TimeZone berlin("Europe/Berlin");
  CHECK(render(event_at("2025-11-20T10:15:30.369463Z"), with_time(TimeDisplay::Local))
            .starts_with("2025-11-20T11:15:30.369463+01:00 "));
  // Summer time: the offset is that of the record's own date.
  CHECK(render(event_at("2025-07-01T10:00:00.5Z"), with_time(TimeDisplay::Local))
            .starts_with("2025-07-01T12:00:00.500000+02:00 "));
  TimeZone kolkata("Asia/Kolkata");
  CHECK(render(event_at("2025-11-20T10:15:30.369463Z"), with_time(TimeDisplay::Local))
            .starts_with("2025-11-20T15:45:30.369463+05:30 "));
  TimeZone west("America/St_Johns");  // -03:30 in November
  CHECK(render(event_at("2025-11-20T10:15:30.369463Z"), with_time(TimeDisplay::Local))
            .starts_with("2025-11-20T06:45:30.369463-03:30 "));
}

TEST_CASE("times that cannot be placed are shown as logged and made safe") {
  CHECK(render(event_at("2025-11-20 10:15:30"), with_time(TimeDisplay::Utc))
            .starts_with("2025-11-20 10:15:30 "));
  CHECK(render(event_at("x\x1b[2Jy"), with_time(TimeDisplay::Utc)).starts_with("x\\e[2Jy "));
}

TEST_CASE("utc option: --utc applies to the timestamp column of --fields") {
  SinkOptions options = with_time(TimeDisplay::Utc);
  options.fields = {"timestamp", "message"};
  CHECK(render(event_at("2025-11-20T11:15:30.369463+01:00"), options) ==
        "2025-11-20T10:15:30.369463Z  Request received\n");
}

TEST_CASE("text lines are cut to the terminal width with an ellipsis") {
  const std::string message(200, 'm');  // the record only views it
  const Record record = event_at("2025-11-20T10:15:30.369463Z", message);
  const std::string cut = render(record, with_width(60));
  CHECK(cut.ends_with("m\xe2\x80\xa6\n"));
  CHECK(columns_of(cut.substr(0, cut.size() - 1)) == 60);
  // width 0: never cut.
  CHECK(render(record, with_width(0)).size() > 200);
  // A line that fits is left alone, to the byte.
  const Record short_record = event_at("2025-11-20T10:15:30.369463Z", "ok");
  CHECK(render(short_record, with_width(60)) == render(short_record, with_width(0)));
  // Exactly the width: nothing cut.
  const std::string whole = render(short_record, with_width(0));
  CHECK(render(short_record, with_width(whole.size() - 1)) == whole);
}

TEST_CASE("cutting never splits a character and resets colour") {
  const std::string message = "\xc3\xa9t\xc3\xa9 " + std::string(100, 'x');
  const Record record = event_at("2025-11-20T10:15:30.369463Z", message);
  const std::string cut = render(record, with_width(60));
  CHECK(columns_of(cut.substr(0, cut.size() - 1)) == 60);
  CHECK(cut.find("\xc3\xa9t\xc3\xa9") != std::string::npos);
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  const std::string all_accents =
      render(event_at("2025-11-20T10:15:30.369463Z", accents), with_width(60));
  CHECK(all_accents.ends_with("\xc3\xa9\xe2\x80\xa6\n"));
  CHECK(columns_of(all_accents.substr(0, all_accents.size() - 1)) == 60);
  const std::string long_message(100, 'x');
  Record error = event_at("2025-11-20T10:15:30.369463Z", long_message);
  error.level = Level::Error;
  const std::string colored = render(error, with_width(40, true));
  CHECK(colored.ends_with("\xe2\x80\xa6\x1b[0m\n"));
  CHECK(columns_of(colored.substr(0, colored.size() - 1)) == 40);
}
