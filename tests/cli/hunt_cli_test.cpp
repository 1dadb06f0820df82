// End to end: `hunt` with the shipped rules on the attack scenarios of tests/fixtures/hunt
// (written by scenarios.py there), exit codes, rule errors, --rules and --state.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "support/live_trail.hpp"
#include "support/process.hpp"
#include "support/text_lines.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {

namespace {
using testing::fixture_arg;
using testing::run_trail;
using testing::shell_quote;

// The shipped rule each scenario is written for (rules/*.yml ids).
const std::map<std::string, std::string> kScenarioRule = {
    {"brute-force-login", "26c8a8c0-bbc7-485a-b6a8-f2f0911e38c6"},
    {"many-accounts-one-address", "4e853a3b-c129-4e1e-96bd-1aaff21af974"},
    {"account-new-address", "0f4c7b50-d4b0-4030-9994-08ad76401ff1"},
    {"token-then-new-address", "aee5de29-090d-4b8f-861f-522082626691"},
    {"token-minted-from-new-address", "aee5de29-090d-4b8f-861f-522082626691"},
    {"denied-burst", "6bfc934e-1a8c-4018-9183-c1577ae8904b"},
    {"admin-permission-change", "eaa32cbb-b9f2-4eb3-a84d-980ff00d18ed"},
    {"destructive-action", "10b16b70-f196-4c68-a835-695edf4ebcb6"},
    {"mass-download", "1c4b5a28-b18a-455e-a544-fc8f3120b57e"},
    {"denied-scanning", "7cf47071-6e9d-4435-bc50-fda61b9c3f16"},
    {"admin-outside-hours", "e36fdae7-e73c-4362-b566-41b71411ca94"},
};

std::string scenario(const std::string& name, bool fires) {
  const std::string suffix = name == "mass-download" ? ".log.gz" : ".log";
  return fixture_arg("hunt/" + name + (fires ? "-fires" : "-quiet") + suffix);
}

// The rule ids of the alerts of `hunt -o json` output, each as often as it fired.
std::multiset<std::string> alert_rules(const std::string& out) {
  std::multiset<std::string> ids;
  simdjson::dom::parser parser;
  for (const std::string& line : testing::lines_of(out)) {
    simdjson::dom::element alert = parser.parse(line);
    REQUIRE(std::int64_t(alert["contract"]) == 1);
    ids.insert(std::string(std::string_view(alert["rule"]["id"])));
  }
  return ids;
}

// Times in the scenarios are UTC; local_hour reads the zone of the process.
const std::string kUtc = "TZ=UTC";

}  // namespace

TEST_CASE("every shipped rule fires on its attack scenario", "[cli][hunt]") {
  for (const auto& [name, rule] : kScenarioRule) {
    INFO(name);
    auto run = run_trail("hunt -o json " + scenario(name, true), "", kUtc);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(alert_rules(run.out).count(rule) == 1);
  }
}

TEST_CASE("no shipped rule fires on the traffic nearest its attack", "[cli][hunt]") {
  for (const auto& [name, rule] : kScenarioRule) {
    INFO(name);
    auto run = run_trail("hunt -o json " + scenario(name, false), "", kUtc);
    CHECK(run.status <= 1);
    CHECK(run.err.empty());
    CHECK(alert_rules(run.out).count(rule) == 0);
  }
}

TEST_CASE("the shipped rules read from rules/ give the same alerts as the built-in set",
          "[cli][hunt]") {
  const std::string directory = std::string(PKGLY_TRAIL_FIXTURES) + "/../../rules/";
  const std::string rules = shell_quote(directory);
  for (const auto& [name, rule] : kScenarioRule) {
    INFO(name);
    auto built_in = run_trail("hunt -o json " + scenario(name, true), "", kUtc);
    auto from_files =
        run_trail("hunt -o json --rules " + rules + " " + scenario(name, true), "", kUtc);
    CHECK(from_files.status == built_in.status);
    // Alerts name the rule's file as it was read: rules/NAME.yml built in, the path given here.
    std::string named_alike = from_files.out;
    for (std::size_t at = named_alike.find(directory); at != std::string::npos;
         at = named_alike.find(directory, at))
      named_alike.replace(at, directory.size(), "rules/");
    CHECK(!built_in.out.empty());
    CHECK(named_alike == built_in.out);
  }
}

TEST_CASE("hunt exits 1 when no alert fired", "[cli][hunt]") {
  auto run = run_trail("hunt " + scenario("destructive-action", false), "", kUtc);
  CHECK(run.status == 1);
  CHECK(run.out.empty());
}

TEST_CASE("hunt neither offers nor takes --fields: alert columns are fixed", "[cli][hunt]") {
  const auto help = run_trail("hunt --help");
  CHECK(help.status == 0);
  CHECK(help.out.find("--rules") != std::string::npos);
  CHECK(help.out.find("--fields") == std::string::npos);
  const auto run = run_trail("hunt --fields action " + scenario("destructive-action", true));
  CHECK(run.status == 2);
  CHECK(run.err.find("columns are fixed") != std::string::npos);
}

TEST_CASE("a rule file that is not valid Sigma stops hunt with its place", "[cli][hunt]") {
  char dir_template[] = "/tmp/pkgly-trail-rules-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  {
    std::FILE* rule = std::fopen((dir + "/bad.yml").c_str(), "wb");
    std::fputs(
        "title: bad modifier\n"
        "logsource:\n"
        "  product: pkgly\n"
        "  service: audit\n"
        "detection:\n"
        "  selection:\n"
        "    action|sounds_like: auth.login\n"
        "  condition: selection\n",
        rule);
    std::fclose(rule);
  }
  auto run =
      run_trail("hunt --rules " + shell_quote(dir) + " " + scenario("brute-force-login", true));
  std::system(("rm -rf " + shell_quote(dir)).c_str());
  CHECK(run.status == 2);
  CHECK(run.out.empty());
  CHECK(run.err.find(dir + "/bad.yml:7:") != std::string::npos);
  CHECK(run.err.find("sounds_like") != std::string::npos);
}

TEST_CASE("hunt --list-rules names every shipped rule and reads no log", "[cli][hunt]") {
  auto run = run_trail("hunt --list-rules");
  CHECK(run.status == 0);
  for (const std::string title :
       {"Brute force of the login from one address", "Mass download by one account",
        "Administration outside working hours", "Token created around the account's use of a new",
        "Burst of denied requests from one address"})
    CHECK(run.out.find(title) != std::string::npos);
  CHECK(run.out.find("[counted only]") != std::string::npos);
}

TEST_CASE("hunt --state remembers the addresses of yesterday's run", "[cli][hunt]") {
  // Yesterday alice used 10.0.0.5; today she appears only from 203.0.113.50 (the last request
  // of the firing scenario: its access and audit records).
  const std::vector<std::string> lines =
      testing::read_lines(testing::fixture_path("hunt/account-new-address-fires.log"));
  REQUIRE(lines.size() == 8);
  const std::string today = lines[6] + "\n" + lines[7] + "\n";
  const std::string rule = kScenarioRule.at("account-new-address");

  auto alone = run_trail("hunt -o json", today, kUtc);
  CHECK(alert_rules(alone.out).count(rule) == 0);  // alice's first sight: nothing to compare

  char dir_template[] = "/tmp/pkgly-trail-state-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string state = shell_quote(dir + "/hunt.db");
  auto yesterday =
      run_trail("hunt --state " + state + " " + scenario("account-new-address", false), "", kUtc);
  auto with_state = run_trail("hunt -o json --state " + state, today, kUtc);
  std::system(("rm -rf " + shell_quote(dir)).c_str());
  CHECK(yesterday.err.empty());
  CHECK(with_state.status == 0);
  CHECK(alert_rules(with_state.out).count(rule) == 1);
}

TEST_CASE("hunt alerts in text ecs and csv name the rule and the events", "[cli][hunt]") {
  const std::string log = scenario("brute-force-login", true);
  auto text = run_trail("hunt --color never " + log, "", kUtc);
  CHECK(text.status == 0);
  CHECK(text.out.find("Brute force of the login from one address") != std::string::npos);
  CHECK(text.out.find("client.address=203.0.113.7") != std::string::npos);

  auto ecs = run_trail("hunt -o ecs " + log, "", kUtc);
  simdjson::dom::parser parser;
  const std::vector<std::string> documents = testing::lines_of(ecs.out);
  REQUIRE(documents.size() == 1);
  simdjson::dom::element document = parser.parse(documents[0]);
  CHECK(std::string_view(document["event"]["kind"]) == "alert");
  CHECK(std::string_view(document["rule"]["id"]) == kScenarioRule.at("brute-force-login"));

  auto csv = run_trail("hunt -o csv " + log, "", kUtc);
  const std::vector<std::string> rows = testing::lines_of(csv.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == "first,last,level,rule_id,title,kind,group,count,suspect,sources");
  CHECK(rows[1].find("event_count") != std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("report --hunt adds the alerts of the rules as a section", "[cli][hunt][report]") {
  const std::string log = scenario("brute-force-login", true);
  auto with = run_trail("report --hunt -o json " + log, "", kUtc);
  CHECK(with.status == 0);
  CHECK(with.out.find("\"name\":\"alerts\"") != std::string::npos);
  CHECK(with.out.find("Brute force of the login from one address") != std::string::npos);
  auto without = run_trail("report -o json " + log, "", kUtc);
  CHECK(without.status == 0);
  CHECK(without.out.find("\"name\":\"alerts\"") == std::string::npos);
  // --rules alone asks for the section too, with those rules.
  const std::string rules =
      shell_quote(std::string(PKGLY_TRAIL_FIXTURES) + "/../../rules/destructive-action.yml");
  auto named = run_trail("report --rules " + rules + " -o json " + log, "", kUtc);
  CHECK(named.status == 0);
  CHECK(named.out.find("\"name\":\"alerts\"") != std::string::npos);
  CHECK(named.out.find("Brute force of the login") == std::string::npos);
  // The scope names the rules, as it names the filters.
  CHECK(with.out.find("\"--hunt\"") != std::string::npos);
  CHECK(named.out.find("\"--rules ") != std::string::npos);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("hunt --min-level keeps the alerts of rules at that level or above", "[cli][hunt]") {
  // The outside-hours scenario raises a medium alert (two rules) and a low one (admin's first
  // address is not new, so none); the brute force one a high alert.
  const std::string log = scenario("admin-outside-hours", true);
  auto all = run_trail("hunt -o json " + log, "", kUtc);
  CHECK(alert_rules(all.out).size() == 2);
  auto high = run_trail("hunt -o json --min-level high " + log, "", kUtc);
  CHECK(high.status == 1);  // nothing at high: as if nothing fired
  CHECK(high.out.empty());
  auto brute =
      run_trail("hunt -o json --min-level high " + scenario("brute-force-login", true), "", kUtc);
  CHECK(brute.status == 0);
  CHECK(alert_rules(brute.out).size() == 1);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("a forged far-future record cannot hold back a replica's brute force under --merge",
          "[cli][hunt][security]") {
  // tests/fixtures/hunt/builders/attack-forged-future-merge.py (red team of hunt): a brute force
  // load-balanced over two replicas; one anonymous request's URL carries a whole fake request
  // dated 2099 into replica 0's log (marked suspect). Ordered by that time, replica 0 came
  // after all of replica 1, too late for the window: no alert, exit 1.
  auto run =
      run_trail("hunt -o json --merge " + fixture_arg("hunt/attack-forged-future-merge-0.log") +
                    " " + fixture_arg("hunt/attack-forged-future-merge-1.log"),
                "", kUtc);
  CHECK(run.status == 0);
  CHECK(alert_rules(run.out).count(kScenarioRule.at("brute-force-login")) == 1);
  CHECK(run.err.find("not counted") == std::string::npos);
}

TEST_CASE("a forged far-future record does not make --state forget genuine addresses",
          "[cli][hunt][security]") {
  // tests/fixtures/hunt/builders/attack-forged-future-state.py: alice and admin act, then a
  // URL carries a fake `auth.me` by mallory dated 2099 (suspect). The state once learnt the
  // fake pair and, 90 days being measured from 2099, forgot alice's and admin's.
  char dir_template[] = "/tmp/pkgly-trail-state-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string state = shell_quote(dir + "/hunt.db");
  auto attacked = run_trail(
      "hunt --stats --state " + state + " " + fixture_arg("hunt/attack-forged-future-state.log"),
      "", kUtc);
  // The next night alice acts from an address she never used: new, as she is known.
  const std::vector<std::string> lines =
      testing::read_lines(testing::fixture_path("hunt/account-new-address-fires.log"));
  REQUIRE(lines.size() == 8);
  auto next = run_trail("hunt -o json --state " + state, lines[6] + "\n" + lines[7] + "\n", kUtc);
  std::system(("rm -rf " + shell_quote(dir)).c_str());
  CHECK(attacked.err.find("forgotten 0") != std::string::npos);
  CHECK(attacked.err.find("addresses held 2 ") != std::string::npos);
  CHECK(alert_rules(next.out).count(kScenarioRule.at("account-new-address")) == 1);
}

}  // namespace pkgly_trail

namespace pkgly_trail {

TEST_CASE("hunt raises an alert live while its input is still open", "[cli][hunt][live]") {
  // docker compose logs -f pkgly | pkgly-trail hunt: the brute force is reported when the
  // stream goes quiet, not when it ends (the reorder buffer is flushed on idle).
  testing::LiveTrail trail({"hunt", "-o", "json"});
  trail.send(testing::read_file(testing::fixture_path("hunt/brute-force-login-fires.log")));
  const std::string got = trail.take_line(std::chrono::seconds(5));
  trail.close_input();  // only now does the input end
  const int status = trail.wait();
  REQUIRE(got.find('\n') != std::string::npos);
  CHECK(
      alert_rules(got.substr(0, got.find('\n') + 1)).count(kScenarioRule.at("brute-force-login")) ==
      1);
  CHECK(status == 0);
}

}  // namespace pkgly_trail
