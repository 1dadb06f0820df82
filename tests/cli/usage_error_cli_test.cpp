// End to end: a wrong command line says what is wrong in words, names the valid values and
// the closest spelling, and exits 2 without reading anything.
#include <catch2/catch.hpp>
#include <string>

#include "support/process.hpp"

namespace pkgly_trail {

namespace {

const std::string kLog = testing::fixture_arg("full-ansi-compose.log");

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("usage: enumerated values are named in words - numbers are not values", "[cli][usage]") {
  struct Case {
    std::string args, message;
  };
  for (const Case& c : {
           Case{"audit -o jsn",
                "'jsn' is not one of text, json, csv, tsv, ecs (did you mean json?)"},
           Case{"audit -o 1", "'1' is not one of text, json, csv, tsv, ecs"},
           Case{"join -o 4", "'4' is not one of text, json, csv, tsv, ecs"},
           Case{"audit --color yes", "'yes' is not one of auto, always, never"},
           Case{"audit --outcome failed", "'failed' is not one of success, denied"},
           Case{"records --level verbose", "'verbose' is not one of trace, debug, info, warn"},
           Case{"report -o htm", "(did you mean html?)"},
           Case{"report --bucket 2h", "'2h' is not one of 1h, 1d"},
           Case{"completions tcsh", "'tcsh' is not one of bash, zsh, fish"},
           Case{"audit --max-line-bytes 10", "'10' is not a number of bytes from 1024"},
           Case{"report --max-groups 0", "'0' is not a number from 1 to 4294967296"},
       }) {
    INFO(c.args);
    const auto run = testing::run_trail(c.args + " " + kLog);
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(has(run.err, c.message));
    CHECK(run.err.starts_with("pkgly-trail: "));
    CHECK_FALSE(has(run.err, "->"));  // CLI11's `{csv->2,...}` mapping
  }
  // Letter case does not matter; `warning` is warn.
  CHECK(testing::run_trail("audit -o JSON " + kLog).status == 0);
  CHECK(testing::run_trail("records --level WARNING " + kLog).status == 0);
}

TEST_CASE("usage: --help names the values of every enumerated option", "[cli][usage]") {
  const auto audit = testing::run_trail("audit --help");
  CHECK(has(audit.out, "-o,--output FORMAT:{text,json,csv,tsv,ecs}"));
  CHECK(has(audit.out, "--color WHEN:{auto,always,never}"));
  CHECK(has(audit.out, "--outcome OUTCOME:{success,denied}"));
  CHECK(has(audit.out, "--max-line-bytes BYTES"));
  CHECK_FALSE(has(audit.out, "ENUM"));
  CHECK_FALSE(has(audit.out, "->"));
  CHECK_FALSE(has(audit.out, "UINT in ["));
  const auto report = testing::run_trail("report --help");
  CHECK(has(report.out, "FORMAT:{text,csv,tsv,json,markdown,md,html}"));
  CHECK(has(report.out, "--bucket SIZE:{1h,1d}"));
}

TEST_CASE("usage: an unknown command or option suggests the closest spelling", "[cli][usage]") {
  const auto command = testing::run_trail("adit " + kLog);
  CHECK(command.status == 2);
  CHECK(has(command.err, "pkgly-trail: unknown command 'adit' (did you mean audit?)"));
  CHECK(has(command.err, "audit, records, join, trace, report, hunt, db, completions"));

  const auto option = testing::run_trail("audit --acton package.download " + kLog);
  CHECK(option.status == 2);
  CHECK(option.out.empty());
  CHECK(has(option.err, "unknown option '--acton' for audit (did you mean --action?)"));
  CHECK(has(option.err, "see pkgly-trail audit --help"));

  const auto with_value = testing::run_trail("join --sinc=1d " + kLog);
  CHECK(has(with_value.err, "unknown option '--sinc' for join (did you mean --since?)"));

  const auto far = testing::run_trail("join --frobnicate " + kLog);
  CHECK(has(far.err, "unknown option '--frobnicate' for join"));
  CHECK_FALSE(has(far.err, "did you mean"));
}

TEST_CASE("usage: negated filters on the command line", "[cli][usage][filter]") {
  const auto all = testing::run_trail("audit -o json " + kLog);
  const auto anonymous = testing::run_trail("audit -o json --actor anonymous " + kLog);
  const auto others =
      testing::run_trail("audit -o json --where 'actor_username!=anonymous' " + kLog);
  const auto not_actor = testing::run_trail("audit -o json --not-actor anonymous " + kLog);
  REQUIRE(all.status == 0);
  REQUIRE(anonymous.status == 0);
  REQUIRE(others.status == 0);
  const auto lines = [](const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
  };
  CHECK(lines(anonymous.out) > 0);
  CHECK(lines(others.out) > 0);
  CHECK(lines(anonymous.out) + lines(others.out) == lines(all.out));
  CHECK(not_actor.out == others.out);
  CHECK_FALSE(has(others.out, "\"actor_username\":\"anonymous\""));
}

TEST_CASE("usage: a column or filter key no record had is named at the end", "[cli][usage]") {
  const std::string log = testing::fixture_arg("full-ansi-compose.log");
  const auto fields =
      testing::run_trail("audit -o csv --fields timestmp,acton,actor_username " + log);
  CHECK(fields.status == 0);  // a warning, not trouble
  CHECK(has(fields.err, "no record had the field 'timestmp' (did you mean timestamp?)"));
  CHECK(has(fields.err, "no record had the field 'acton' (did you mean action?)"));
  CHECK_FALSE(has(fields.err, "'actor_username'"));

  // compact writes no request span: the address is only on the access record.
  const auto audit = testing::run_trail("audit --where client.address=203.0.113.9 " +
                                        testing::fixture_arg("compact-pkgly-ansi.log"));
  CHECK(audit.status == 1);
  CHECK(has(audit.err,
            "no record had the field 'client.address'; it is a field of the access "
            "record, which `pkgly-trail join` adds"));
  const auto join = testing::run_trail("join --where client.adress=1 " + log);
  CHECK(has(join.err, "no record had the field 'client.adress' (did you mean client.address?)"));
  // Names that are there: nothing said.
  const auto quiet = testing::run_trail(
      "join -o csv --fields timestamp,client.address,joined_by "
      "--where 'actor_username!=nobody' " +
      log);
  CHECK(quiet.status == 0);
  CHECK_FALSE(has(quiet.err, "no record had"));
}

}  // namespace pkgly_trail
