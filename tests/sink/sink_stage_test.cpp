// Every sink keeps the stage contract: it flushes itself when the input goes idle and at the
// end, and answers false once the reader of its output has gone (`| head`, a pager quit), so
// the reading stops without the CLI relaying anything.
#include <catch2/catch.hpp>

#include "pkgly_trail/sink/joined_sink.hpp"
#include "pkgly_trail/sink/record_sink.hpp"
#include "sink/capture.hpp"
#include "sink/sample_records.hpp"

namespace pkgly_trail {
namespace {

Record audit_record() {
  return testing::audit_event({{"action", Value::string("user.delete")}}, {},
                              "2025-11-20T10:15:30.000001Z");
}

}  // namespace

TEST_CASE("sinks flush on idle and answer false once their reader has gone", "[sink][stage]") {
  testing::IgnoreSigpipe ignore;
  for (const OutputFormat format : {OutputFormat::Text, OutputFormat::Json, OutputFormat::Csv,
                                    OutputFormat::Tsv, OutputFormat::Ecs}) {
    INFO(static_cast<int>(format));
    SinkOptions options;
    options.format = format;
    options.audit = true;
    Record record = audit_record();
    const JoinedEvent event{record, nullptr, {}, JoinKey::None};
    SECTION("records") {
      testing::PipeFds pipe;
      OutputStream out(pipe.write_fd());
      auto sink = make_record_sink(out, options);
      CHECK(sink->on_record(record));
      CHECK(pipe.drain().empty());  // buffered
      sink->on_idle();
      CHECK(pipe.drain().find("user.delete") != std::string::npos);
      pipe.close_read();
      CHECK(sink->on_record(record));  // still buffered: nobody knows yet
      sink->on_idle();                 // the flush finds the pipe broken
      CHECK_FALSE(sink->on_record(record));
      CHECK_FALSE(out.failed());  // a reader going away is not an error
    }
    SECTION("joined events") {
      testing::PipeFds pipe;
      OutputStream out(pipe.write_fd());
      auto sink = make_joined_sink(out, options);
      CHECK(sink->on_event(event));
      CHECK(pipe.drain().empty());
      sink->on_idle();
      CHECK(pipe.drain().find("user.delete") != std::string::npos);
      pipe.close_read();
      CHECK(sink->on_event(event));
      sink->finish();  // flushes too
      CHECK_FALSE(sink->on_event(event));
    }
  }
}

}  // namespace pkgly_trail
