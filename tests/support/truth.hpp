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

}  // namespace pkgly_trail::testing
