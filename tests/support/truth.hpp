#pragma once
// Reads the ground-truth files that come with the sample logs (tests/fixtures/*.truth.ndjson).
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pkgly_trail::testing {

inline std::string fixture_path(const std::string& name) {
  return std::string(PKGLY_TRAIL_FIXTURES) + "/" + name;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// The samples, each with its truth file.
inline const std::vector<std::string>& sample_names() {
  static const std::vector<std::string> names{
      "adversarial-full-ansi",     "adversarial-json",      "compact-pkgly-ansi",
      "compose-ts-interleaved-postgres", "full-ansi-compose-real", "full-ansi-compose",
      "json-compose-real",         "json-plain-zero",       "pretty-noansi",
      "full-plain-compose",        "pretty-ansi-compose",
  };
  return names;
}

// The timestamps of the audit events of a sample's truth file, in order: what any output of
// its audit events must list, computed without the tool.
inline std::vector<std::string> truth_timestamps(const std::string& sample) {
  std::vector<std::string> times;
  simdjson::dom::parser parser;
  for (const std::string& line : read_lines(fixture_path(sample + ".truth.ndjson")))
    times.emplace_back(std::string_view(parser.parse(line)["timestamp"]));
  return times;
}

// The top-level "timestamp" of each line of NDJSON output (the audit event's, for join).
inline std::vector<std::string> ndjson_timestamps(const std::string& out) {
  std::vector<std::string> times;
  simdjson::dom::parser parser;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::string_view time;
    if (parser.parse(line)["timestamp"].get(time) == simdjson::SUCCESS) {
      times.emplace_back(time);
    } else {
      times.emplace_back("(no timestamp)");
    }
  }
  return times;
}

}  // namespace pkgly_trail::testing
