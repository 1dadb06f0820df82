#pragma once
// Reads Sigma rule files into a RuleSet (docs/hunt.md names the supported subset). A rule
// set loads whole or not at all: everything the loader does not support is refused with its
// place, never skipped, and every error of every file is reported in one go, so that a rule
// author fixes them all in one pass.
#include <stdexcept>
#include <string>
#include <vector>

#include "pkgly_trail/hunt/rule.hpp"

namespace pkgly_trail::hunt {

struct RuleError {
  RulePlace place;
  std::string what;

  // "PATH:LINE:COLUMN: what", as compilers write it; 0:0 for the file as a whole.
  std::string text() const;
};

class RuleLoadError : public std::runtime_error {
 public:
  // `errors` must not be empty; what() is their text(), one a line.
  explicit RuleLoadError(std::vector<RuleError> errors);

  std::vector<RuleError> errors;  // by file (in the order given), then line and column
};

struct RuleSource {
  std::string path;  // how errors and alerts name the file
  std::string text;  // its YAML
};

// Every YAML document (`---`) of every source is a rule: a detection rule (`detection:`) or a
// correlation rule (`correlation:`). A correlation's `rules:` refer to detection rules of any
// source by `name` or `id`. Throws RuleLoadError listing every error found.
RuleSet load_rules(const std::vector<RuleSource>& sources);

// Reads the files named: a file as given (whatever its name), a directory as every *.yml and
// *.yaml file under it, recursively, sorted by path. Throws RuleLoadError
// ("PATH:0:0: cannot read ...") naming every path that could not be read, and every directory
// without a rule file.
std::vector<RuleSource> read_rule_sources(const std::vector<std::string>& paths);

}  // namespace pkgly_trail::hunt
