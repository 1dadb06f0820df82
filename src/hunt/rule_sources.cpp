// read_rule_sources: rule files and directories of them, read whole (rule files are small).
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pkgly_trail/hunt/rule_loader.hpp"

namespace pkgly_trail::hunt {
namespace {

namespace fs = std::filesystem;

RuleError cannot_read(const std::string& path, std::string_view why) {
  return {{path, 0, 0}, fmt::format("cannot read: {}", why)};
}

void read_file(const std::string& path, std::vector<RuleSource>& sources,
               std::vector<RuleError>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(cannot_read(path, std::strerror(errno)));
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    errors.push_back(cannot_read(path, std::strerror(errno)));
    return;
  }
  sources.push_back({path, std::move(text).str()});
}

bool is_rule_file(const fs::directory_entry& entry) {
  std::error_code ec;
  const std::string extension = entry.path().extension().string();
  return (extension == ".yml" || extension == ".yaml") && entry.is_regular_file(ec);
}

void read_directory(const std::string& path, std::vector<RuleSource>& sources,
                    std::vector<RuleError>& errors) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
    if (is_rule_file(*it)) files.push_back(it->path().string());
  if (ec) {
    errors.push_back(cannot_read(path, ec.message()));
    return;
  }
  if (files.empty()) {
    errors.push_back(cannot_read(path, "no *.yml or *.yaml file in this directory"));
    return;
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) read_file(file, sources, errors);
}

}  // namespace

std::vector<RuleSource> read_rule_sources(const std::vector<std::string>& paths) {
  std::vector<RuleSource> sources;
  std::vector<RuleError> errors;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
      read_directory(path, sources, errors);
    else
      read_file(path, sources, errors);
  }
  if (!errors.empty()) throw RuleLoadError(std::move(errors));
  return sources;
}

}  // namespace pkgly_trail::hunt
