// load_rules: every document of every source read (rule_document.cpp), then the references
// of correlations resolved across all of them, then which detections raise their own alerts.
#include "pkgly_trail/hunt/rule_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "rule_document.hpp"

namespace pkgly_trail::hunt {
namespace {

std::string join_texts(const std::vector<RuleError>& errors) {
  std::string out;
  for (const RuleError& error : errors) {
    if (!out.empty()) out += '\n';
    out += error.text();
  }
  return out;
}

void read_source(const RuleSource& source, DocumentRules& rules, std::vector<RuleError>& errors) {
  std::size_t documents = 0;
  for (const DocumentText& text : split_documents(source.text)) {
    DocumentReader reader(source.path, source.text, text, errors);
    std::vector<YAML::Node> nodes;
    try {
      nodes = YAML::LoadAll(std::string(text.text));
    } catch (const YAML::Exception& e) {
      reader.error(reader.place(e.mark), fmt::format("invalid YAML: {}", e.msg));
      ++documents;  // a broken document is still one: no "no rule" error on top
      continue;
    }
    for (const YAML::Node& node : nodes) {
      if (node.IsNull()) continue;  // nothing between two `---`
      ++documents;
      read_rule_document(node, reader, rules);
    }
  }
  if (documents == 0) {
    RuleError error;
    error.place.path = source.path;
    error.what = "no rule in this file";
    errors.push_back(std::move(error));
  }
}

// What a `rules:` entry may name: detection and correlation rules by name and by id.
struct RuleKey {
  bool correlation = false;
  std::size_t index = 0;
  friend bool operator==(const RuleKey&, const RuleKey&) = default;
};

class RuleIndex {
 public:
  // Reports a name or id given to two rules: a reference to it would be ambiguous, and the
  // same rule loaded twice (a file given twice) would alert twice.
  void add(const RuleInfo& info, RuleKey key, std::vector<RuleError>& errors) {
    add_one("name", info.name, info, key, errors);
    add_one("id", info.id, info, key, errors);
  }
  std::vector<RuleKey> find(const std::string& reference) const {
    std::vector<RuleKey> keys;
    for (const auto* table : {&by_name_, &by_id_})
      if (const auto it = table->find(reference); it != table->end())
        if (std::find(keys.begin(), keys.end(), it->second.first) == keys.end())
          keys.push_back(it->second.first);
    return keys;
  }

 private:
  void add_one(std::string_view what, const std::string& value, const RuleInfo& info, RuleKey key,
               std::vector<RuleError>& errors) {
    if (value.empty()) return;
    auto& table = what == "name" ? by_name_ : by_id_;
    const auto [it, added] = table.emplace(value, std::pair{key, info.place});
    if (!added)
      errors.push_back(
          {info.place, fmt::format("{} '{}' is also the {} of the rule at {}:{}", what, value, what,
                                   it->second.second.path, it->second.second.line)});
  }
  std::map<std::string, std::pair<RuleKey, RulePlace>> by_name_;
  std::map<std::string, std::pair<RuleKey, RulePlace>> by_id_;
};

void resolve(const DocumentRules& read, RuleSet& set, std::vector<RuleError>& errors) {
  RuleIndex index;
  for (std::size_t i = 0; i < set.detections.size(); ++i)
    index.add(set.detections[i].info, {false, i}, errors);
  for (std::size_t i = 0; i < read.correlations.size(); ++i)
    if (!read.correlations[i].broken) index.add(read.correlations[i].rule.info, {true, i}, errors);

  for (const UnresolvedCorrelation& unresolved : read.correlations) {
    CorrelationRule rule = unresolved.rule;
    for (std::size_t r = 0; r < rule.rule_names.size(); ++r) {
      const std::string& reference = rule.rule_names[r];
      const RulePlace& place = unresolved.rule_places[r];
      const std::vector<RuleKey> keys = index.find(reference);
      const bool broken = std::find(read.broken_references.begin(), read.broken_references.end(),
                                    reference) != read.broken_references.end();
      if (keys.empty()) {
        if (!broken)
          errors.push_back({place, fmt::format("no rule has the name or id '{}'", reference)});
      } else if (keys.size() > 1) {
        errors.push_back(
            {place, fmt::format("'{}' is the name of one rule and the id of another", reference)});
      } else if (keys.front().correlation) {
        errors.push_back({place, fmt::format("'{}' is a correlation rule: a correlation of "
                                             "correlations is not supported",
                                             reference)});
      } else if (std::find(rule.rule_indexes.begin(), rule.rule_indexes.end(),
                           keys.front().index) != rule.rule_indexes.end()) {
        errors.push_back({place, fmt::format("'{}' is a rule this correlation lists already "
                                             "(by its name or id)",
                                             reference)});
      } else {
        rule.rule_indexes.push_back(keys.front().index);
      }
    }
    if (!unresolved.broken) set.correlations.push_back(std::move(rule));
  }
}

// A detection alerts on its own unless correlations use it, and none of them says `generate`.
std::vector<bool> detection_alerts(const RuleSet& set) {
  std::vector<bool> referenced(set.detections.size(), false);
  std::vector<bool> generated(set.detections.size(), false);
  for (const CorrelationRule& correlation : set.correlations)
    for (const std::size_t i : correlation.rule_indexes) {
      referenced[i] = true;
      if (correlation.generate) generated[i] = true;
    }
  std::vector<bool> alerts(set.detections.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) alerts[i] = !referenced[i] || generated[i];
  return alerts;
}

}  // namespace

std::string RuleError::text() const {
  return fmt::format("{}:{}:{}: {}", place.path, place.line, place.column, what);
}

RuleLoadError::RuleLoadError(std::vector<RuleError> errors_found)
    : std::runtime_error(join_texts(errors_found)), errors(std::move(errors_found)) {}

RuleSet load_rules(const std::vector<RuleSource>& sources) {
  std::vector<RuleError> errors;
  DocumentRules read;
  for (const RuleSource& source : sources) read_source(source, read, errors);

  RuleSet set;
  set.detections = std::move(read.detections);
  resolve(read, set, errors);
  if (!errors.empty()) {
    // By file in the order given, then by place: the order an author fixes them in.
    std::map<std::string, std::size_t> file_order;
    for (const RuleSource& source : sources) file_order.emplace(source.path, file_order.size());
    std::stable_sort(errors.begin(), errors.end(), [&](const RuleError& a, const RuleError& b) {
      const std::size_t fa = file_order.at(a.place.path);
      const std::size_t fb = file_order.at(b.place.path);
      if (fa != fb) return fa < fb;
      if (a.place.line != b.place.line) return a.place.line < b.place.line;
      return a.place.column < b.place.column;
    });
    throw RuleLoadError(std::move(errors));
  }
  set.detection_alerts = detection_alerts(set);
  return set;
}

}  // namespace pkgly_trail::hunt
