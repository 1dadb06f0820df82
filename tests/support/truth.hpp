#pragma once
// Reads the ground-truth files that come with the sample logs (tests/fixtures/*.truth.ndjson).
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pkgly_trail::testing {

inline std::string fixture_path(const std::string& name) {
  // Appended step by step: `std::string(...) + "/" + name` trips GCC 12's -Warray-bounds
  // false positive (GCC bug 105651) at -O3 once inlined into a large test.
  std::string path(PKGLY_TRAIL_FIXTURES);
  path += '/';
  path += name;
  return path;
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

// `sample` repeated until the text is at least `bytes` long, each copy with its own request
// ids (the first 8 hex digits of every uuid become the copy's number), so a big log is not a
// log whose requests repeat: Pkgly writes one access record per request id.
inline std::string repeat_log(const std::string& sample, std::size_t bytes) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  auto uuid_at = [&](std::size_t at) {
    if (at + 36 > sample.size() || (at > 0 && hex(sample[at - 1]))) return false;
    for (std::size_t i = 0; i < 36; ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? sample[at + i] != '-' : !hex(sample[at + i])) return false;
    }
    return true;
  };
  std::vector<std::size_t> uuids;
  for (std::size_t at = 0; at < sample.size(); ++at)
    if (uuid_at(at)) uuids.push_back(at);
  std::string log;
  for (unsigned copy = 0; log.size() < bytes; ++copy) {
    std::string text = sample;
    char number[9];
    std::snprintf(number, sizeof number, "%08x", copy);
    for (std::size_t at : uuids) text.replace(at, 8, number);
    log += text;
  }
  return log;
}

// The samples, each with its truth file.
inline const std::vector<std::string>& sample_names() {
  static const std::vector<std::string> names{
      "adversarial-full-ansi",
      "adversarial-json",
      "compact-pkgly-ansi",
      "compose-ts-interleaved-postgres",
      "full-ansi-compose-real",
      "full-ansi-compose",
      "json-compose-real",
      "json-plain-zero",
      "pretty-noansi",
      "full-plain-compose",
      "pretty-ansi-compose",
      // Pkgly restarted twice: full without ANSI, then pretty, then json, in one stream.
      "full-plain-restart",
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
