#include <catch2/catch.hpp>

#include "pkgly_trail/sink/record_sink.hpp"
#include "sink/capture.hpp"
#include "sink/sample_records.hpp"

using namespace pkgly_trail;
using pkgly_trail::testing::Capture;

namespace {

Record audit_record() {
  return testing::audit_event(
      {{"trace_id", Value::string("00000000000000000000000000000000")},
       {"action", Value::string("package.upload")},
       {"outcome", Value::string("denied")},
       {"actor_username", Value::string("anonymous")},
       {"actor_id", Value::integer("0")},
       {"actor_authenticated", Value::boolean(false)},
       {"resource_kind", Value::string("repository")},
       {"resource_name", Value::string("npm-hosted")},
       {"repository_id", Value::string("9e10")},
       {"storage_id", Value::string("75a5")},
       {"path", Value::string("@acme/x")},
       {"query", Value::string("")},
       {"http_request_method", Value::string("PUT")},
       {"url_path", Value::string("/repositories/primary/npm-hosted/@acme%2fx")},
       {"http_response_status_code", Value::integer("401")}},
      "2053a960");
}

Record message_record(std::string_view message) {
  Record r;
  r.timestamp = "2025-11-20T10:15:30Z";
  r.level = Level::Warn;
  r.target = "pkgly::upstream_access";
  r.message = message;
  r.derive_ids();
  return r;
}

std::string render(const SinkOptions& options, const std::vector<const Record*>& records) {
  Capture capture;
  auto sink = make_record_sink(capture.out, options);
  for (const Record* r : records) sink->write(*r);
  sink->finish();
  return capture.pipe.drain();
}

SinkOptions csv(std::vector<std::string> fields = {}, bool audit = false) {
  return SinkOptions{OutputFormat::Csv, std::move(fields), audit, false};
}

}  // namespace

TEST_CASE("default column lists") {
  CHECK(default_record_columns() == std::vector<std::string>{"timestamp", "level", "target",
                                                             "message", "request_id", "trace_id"});
  CHECK(default_audit_columns() ==
        std::vector<std::string>{"timestamp", "action", "outcome", "actor_username", "actor_id",
                                 "resource_kind", "resource_name", "repository_id", "storage_id",
                                 "path", "query", "http_request_method", "url_path",
                                 "http_response_status_code", "request_id", "trace_id"});
}

TEST_CASE("csv: header then one row per record - default record columns") {
  const Record a = message_record("Upstream HTTP failed");
  const Record b = audit_record();
  CHECK(render(csv(), {&a, &b}) ==
        "timestamp,level,target,message,request_id,trace_id\n"
        "2025-11-20T10:15:30Z,WARN,pkgly::upstream_access,Upstream HTTP failed,,\n"
        "2025-11-20T10:15:30.369463Z,INFO,pkgly::audit,Audit event,2053a960,\n");
}

TEST_CASE("csv: audit columns - empty and null cells are empty") {
  const Record a = audit_record();
  CHECK(render(csv({}, true), {&a}) ==
        "timestamp,action,outcome,actor_username,actor_id,resource_kind,resource_name,"
        "repository_id,storage_id,path,query,http_request_method,url_path,"
        "http_response_status_code,request_id,trace_id\n"
        "2025-11-20T10:15:30.369463Z,package.upload,denied,anonymous,0,repository,npm-hosted,"
        "9e10,75a5,'@acme/x,,PUT,/repositories/primary/npm-hosted/@acme%2fx,"
        "401,2053a960,\n");
}

TEST_CASE("csv: chosen columns - missing ones empty - booleans as text") {
  const Record a = audit_record();
  CHECK(render(csv({"actor_authenticated", "nope", "level", "message"}), {&a}) ==
        "actor_authenticated,nope,level,message\nfalse,,INFO,Audit event\n");
}

TEST_CASE("csv: RFC 4180 quoting") {
  const Record comma = message_record("a,b");
  const Record quote = message_record("say \"hi\"");
  const Record lf = message_record("line1\nline2");
  const Record cr = message_record("a\rb");
  const Record lead = message_record(" padded");
  const Record trail = message_record("padded ");
  const Record inner = message_record("in ner");
  CHECK(render(csv({"message"}), {&comma, &quote, &lf, &cr, &lead, &trail, &inner}) ==
        "message\n"
        "\"a,b\"\n"
        "\"say \"\"hi\"\"\"\n"
        "\"line1\nline2\"\n"
        "\"a\rb\"\n"
        "\" padded\"\n"
        "\"padded \"\n"
        "in ner\n");
}

TEST_CASE("csv: header cells are quoted the same way") {
  CHECK(render(csv({"a,b", "plain"}), {}) == "\"a,b\",plain\n");
}

TEST_CASE("csv/tsv: no records still gives the header") {
  CHECK(render(csv(), {}) == "timestamp,level,target,message,request_id,trace_id\n");
}

TEST_CASE("tsv: no quoting - backslash escapes") {
  const Record r = message_record("a\tb\nc\rd\\e \"f\",g");
  SinkOptions options{OutputFormat::Tsv, {"level", "message", "missing"}, false, false};
  CHECK(render(options, {&r}) ==
        "level\tmessage\tmissing\n"
        "WARN\ta\\tb\\nc\\rd\\\\e \"f\",g\t\n");
}

namespace pkgly_trail {

TEST_CASE("csv and tsv guard string cells that a spreadsheet would run as formulas",
          "[sink][csv][security]") {
  Record record;
  record.target = "pkgly::audit";
  record.fields = {{"a", Value::string("=HYPERLINK(\"http://evil\")")},
                   {"b", Value::string("+1+1")},
                   {"c", Value::string("-2+3")},
                   {"d", Value::string("@SUM(A1)")},
                   {"e", Value::integer("-5")},
                   {"f", Value::string("\tx")},
                   {"g", Value::string("plain")},
                   // A leading CR: spreadsheets skip it and run the formula behind it.
                   {"h", Value::string("\r=1+1")}};
  for (bool tsv : {false, true}) {
    for (bool raw : {false, true}) {
      OutputStream out(-1);  // never flushed: the test reads the buffer
      SinkOptions options;
      options.format = tsv ? OutputFormat::Tsv : OutputFormat::Csv;
      options.fields = {"a", "b", "c", "d", "e", "f", "g", "h"};
      options.raw_csv = raw;
      auto sink = make_record_sink(out, options);
      sink->write(record);
      std::string row(out.buffer().data(), out.buffer().size());
      row = row.substr(row.find('\n') + 1);
      INFO(row);
      if (raw) {
        CHECK(row.find("'") == std::string::npos);
        CHECK(row.find(tsv ? "\\r=1+1" : "\"\r=1+1\"") != std::string::npos);
      } else if (tsv) {
        CHECK(
            row ==
            "'=HYPERLINK(\"http://evil\")\t'+1+1\t'-2+3\t'@SUM(A1)\t-5\t'\\tx\tplain\t'\\r=1+1\n");
      } else {
        CHECK(row ==
              "\"'=HYPERLINK(\"\"http://"
              "evil\"\")\",'+1+1,'-2+3,'@SUM(A1),-5,'\tx,plain,\"'\r=1+1\"\n");
      }
      out.buffer().clear();
    }
  }
}

}  // namespace pkgly_trail
