// For every sample, the join gives each audit event exactly the access record and related
// records of its ground-truth file (compact: the access record only, see docs/join.md).
#include <catch2/catch.hpp>

#include "pkgly_trail/correlate/correlator.hpp"
#include "support/collect.hpp"
#include "support/feed.hpp"
#include "support/truth.hpp"

namespace pkgly_trail {
namespace {

std::string as_text(simdjson::dom::element value) {
  if (value.is_string()) return std::string(std::string_view(value));
  if (value.is_bool()) return bool(value) ? "true" : "false";
  return simdjson::minify(value);
}

}  // namespace

TEST_CASE("join of every sample matches the ground truth", "[correlate][truth]") {
  for (const std::string& name : testing::sample_names()) {
    DYNAMIC_SECTION(name) {
      testing::CollectEvents collect;
      Correlator correlator(JoinLimits{}, nullptr, collect);
      RecordAssembler assembler(correlator);
      testing::feed_fixture(name + ".log", name + ".log", assembler);
      correlator.finish();

      auto truth = testing::read_lines(testing::fixture_path(name + ".truth.ndjson"));
      REQUIRE(collect.events.size() == truth.size());
      const bool compact = name.find("compact") != std::string::npos;
      simdjson::dom::parser parser;
      for (std::size_t i = 0; i < truth.size(); ++i) {
        simdjson::dom::object expected = parser.parse(truth[i]);
        const testing::Joined& got = collect.events[i];
        INFO("audit event #" << i + 1 << " at line " << got.audit.source.line);
        REQUIRE(got.audit.timestamp == std::string_view(expected["timestamp"]));
        simdjson::dom::element access = expected["access"];
        if (access.is_null()) {
          CHECK(!got.access);
        } else {
          REQUIRE(got.access);
          CHECK(got.by == (compact ? JoinKey::Adjacency : JoinKey::RequestId));
          for (auto [key, value] : simdjson::dom::object(access)) {
            INFO("access field " << key);
            if (key == "timestamp") {
              CHECK(got.access->timestamp == std::string_view(value));
              continue;
            }
            const Value* actual = got.access->field(key);
            if (value.is_null()) {
              CHECK(actual == nullptr);  // an Option that is None is not written
              continue;
            }
            REQUIRE(actual);
            CHECK(std::string(actual->text) == as_text(value));
          }
        }
        simdjson::dom::array related = expected["related"];
        if (compact) {
          CHECK(got.related.empty());
          continue;
        }
        REQUIRE(got.related.size() == related.size());
        std::size_t j = 0;
        for (simdjson::dom::object want : related) {
          const Record& r = got.related[j++];
          INFO("related #" << j << " at line " << r.source.line);
          CHECK(r.timestamp == std::string_view(want["timestamp"]));
          CHECK(to_string(r.level) == std::string_view(want["level"]));
          CHECK(r.target == std::string_view(want["target"]));
          simdjson::dom::element message = want["message"];
          if (message.is_null()) {
            CHECK(!r.message);
          } else {
            REQUIRE(r.message);
            CHECK(std::string(*r.message) == std::string(std::string_view(message)));
          }
          std::vector<std::string> want_spans, got_spans;
          for (auto s : simdjson::dom::array(want["spans"]))
            want_spans.emplace_back(std::string_view(s));
          for (const Span& s : r.spans) got_spans.emplace_back(s.name);
          CHECK(got_spans == want_spans);
        }
      }
    }
  }
}

}  // namespace pkgly_trail
