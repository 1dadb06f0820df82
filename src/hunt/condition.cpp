#include "condition.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace pkgly_trail::hunt {
namespace {

constexpr std::array<std::string_view, 8> kKeywords = {"and",  "or",  "not", "of",
                                                       "them", "all", "any", "1"};

bool is_keyword(std::string_view word) noexcept {
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '*';
}

// `*` stands for any run of characters; names are short, so plain recursion-free greedy
// matching as in WildcardPattern (without `?`) is enough.
bool name_matches(std::string_view pattern, std::string_view name) noexcept {
  std::size_t p = 0, n = 0, star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

}  // namespace

bool is_selection_name(std::string_view name) noexcept {
  return !name.empty() && !is_keyword(name) &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_word_char(c) && c != '*'; });
}

class ConditionParser {
 public:
  ConditionParser(std::string_view text, std::span<const std::string> selections,
                  ConditionError& error)
      : text_(text), selections_(selections), error_(error) {}

  std::optional<Condition> run() {
    if (!tokenize()) return std::nullopt;
    if (tokens_.front().kind == Token::End) return fail(0, "empty condition");
    const std::optional<std::uint32_t> root = parse_or(0);
    if (!root) return std::nullopt;
    if (peek().kind != Token::End) {
      const Token& t = peek();
      if (t.kind == Token::Close) return fail(t.offset, "')' without its '('");
      return fail(t.offset, fmt::format("expected 'and' or 'or' before '{}'", t.text));
    }
    condition_.root_ = *root;
    return std::move(condition_);
  }

 private:
  struct Token {
    enum Kind : std::uint8_t { Word, Open, Close, End } kind = End;
    std::string_view text;
    std::size_t offset = 0;
  };
  using Node = Condition::Node;
  using Kind = Condition::Kind;

  std::nullopt_t fail(std::size_t offset, std::string what) {
    error_.offset = offset;
    error_.what = std::move(what);
    return std::nullopt;
  }

  bool tokenize() {
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::Open : Token::Close, text_.substr(i, 1), i});
        ++i;
      } else if (is_word_char(c)) {
        const std::size_t start = i;
        while (i < text_.size() && is_word_char(text_[i])) ++i;
        tokens_.push_back({Token::Word, text_.substr(start, i - start), start});
      } else if (c == '|') {
        fail(i,
             "aggregations ('| count() ...') are not supported: a correlation rule (event_count, "
             "value_count) counts events");
        return false;
      } else {
        fail(i, fmt::format("unexpected character '{}' (a condition has selection names, and, "
                            "or, not, 1 of, all of and parentheses)",
                            c));
        return false;
      }
    }
    tokens_.push_back({Token::End, {}, text_.size()});
    return true;
  }

  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  const Token& take() { return tokens_[std::min(next_++, tokens_.size() - 1)]; }
  bool next_is(std::string_view word) const {
    return peek().kind == Token::Word && peek().text == word;
  }

  std::uint32_t add(Node node) {
    condition_.nodes_.push_back(node);
    return static_cast<std::uint32_t>(condition_.nodes_.size() - 1);
  }
  std::uint32_t add_group(Kind kind, const std::vector<std::uint32_t>& operands) {
    if (operands.size() == 1 && kind != Kind::Not) return operands.front();
    Node node;
    node.kind = kind;
    node.first = static_cast<std::uint32_t>(condition_.operands_.size());
    node.count = static_cast<std::uint32_t>(operands.size());
    condition_.operands_.insert(condition_.operands_.end(), operands.begin(), operands.end());
    return add(node);
  }

  std::optional<std::uint32_t> parse_binary(int depth, Kind kind) {
    const std::string_view keyword = kind == Kind::Or ? "or" : "and";
    std::vector<std::uint32_t> operands;
    while (true) {
      const std::optional<std::uint32_t> operand =
          kind == Kind::Or ? parse_binary(depth, Kind::And) : parse_unary(depth);
      if (!operand) return std::nullopt;
      operands.push_back(*operand);
      if (!next_is(keyword)) return add_group(kind, operands);
      take();
    }
  }
  std::optional<std::uint32_t> parse_or(int depth) { return parse_binary(depth, Kind::Or); }

  std::optional<std::uint32_t> parse_unary(int depth) {
    const Token& token = take();
    if (depth >= Condition::kMaxDepth)
      return fail(token.offset,
                  fmt::format("the condition nests deeper than {} levels", Condition::kMaxDepth));
    if (token.kind == Token::End) return fail(token.offset, "the condition ends too early");
    if (token.kind == Token::Close)
      return fail(token.offset,
                  "expected a selection name, 'not', '1 of', 'all of' or '(' before ')'");
    if (token.kind == Token::Open) {
      const std::optional<std::uint32_t> inner = parse_or(depth + 1);
      if (!inner) return std::nullopt;
      if (peek().kind != Token::Close) return fail(peek().offset, "missing ')'");
      take();
      return inner;
    }
    if (token.text == "not") {
      const std::optional<std::uint32_t> operand = parse_unary(depth + 1);
      if (!operand) return std::nullopt;
      return add_group(Kind::Not, {*operand});
    }
    if (next_is("of")) return parse_quantified(token);
    return parse_name(token);
  }

  std::optional<std::uint32_t> parse_quantified(const Token& quantifier) {
    if (quantifier.text != "1" && quantifier.text != "any" && quantifier.text != "all")
      return fail(quantifier.offset,
                  fmt::format("'{} of' is not supported: write '1 of', 'any of' or 'all of'",
                              quantifier.text));
    take();  // of
    const Token& target = take();
    if (target.kind != Token::Word || (is_keyword(target.text) && target.text != "them"))
      return fail(target.offset, fmt::format("'{} of' needs a name pattern (such as sel*) or "
                                             "'them'",
                                             quantifier.text));
    const bool them = target.text == "them";
    const bool include_helpers = !them && target.text.front() == '_';
    std::vector<std::uint32_t> operands;
    for (std::size_t i = 0; i < selections_.size(); ++i) {
      const std::string& name = selections_[i];
      if (!include_helpers && !name.empty() && name.front() == '_') continue;
      if (!them && !name_matches(target.text, name)) continue;
      Node node;
      node.selection = static_cast<std::uint32_t>(i);
      operands.push_back(add(node));
    }
    if (operands.empty())
      return fail(target.offset, them ? std::string("'them' names no selection (names starting "
                                                    "with _ are left out)")
                                      : fmt::format("'{}' matches no selection", target.text));
    return add_group(quantifier.text == "all" ? Kind::And : Kind::Or, operands);
  }

  std::optional<std::uint32_t> parse_name(const Token& token) {
    if (token.text == "1" || token.text == "any" || token.text == "all")
      return fail(token.offset, fmt::format("expected 'of' after '{}'", token.text));
    if (is_keyword(token.text))
      return fail(token.offset, fmt::format("expected a selection name, found '{}'", token.text));
    if (token.text.find('*') != std::string_view::npos)
      return fail(token.offset,
                  fmt::format("'{0}' is a pattern: write '1 of {0}' or 'all of {0}'", token.text));
    const auto found = std::find(selections_.begin(), selections_.end(), token.text);
    if (found == selections_.end()) {
      std::string hint;
      const std::string folded = lower(token.text);
      if (folded == "and" || folded == "or" || folded == "not" || folded == "of")
        hint = " (keywords are lower case)";
      for (const std::string& name : selections_)
        if (lower(name) == folded) hint = fmt::format(" (names are case-sensitive: '{}'?)", name);
      return fail(token.offset, fmt::format("unknown selection '{}'{}", token.text, hint));
    }
    Node node;
    node.selection = static_cast<std::uint32_t>(found - selections_.begin());
    return add(node);
  }

  std::string_view text_;
  std::span<const std::string> selections_;
  ConditionError& error_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  Condition condition_;
};

std::optional<Condition> Condition::parse(std::string_view text,
                                          std::span<const std::string> selections,
                                          ConditionError& error) {
  return ConditionParser(text, selections, error).run();
}

std::string Condition::describe(std::span<const std::string> selections) const {
  std::string out;
  if (!nodes_.empty()) describe_node(root_, selections, out);
  return out;
}

void Condition::describe_node(std::uint32_t index, std::span<const std::string> selections,
                              std::string& out) const {
  const Node& node = nodes_[index];
  if (node.kind == Kind::Selection) {
    out += selections[node.selection];
    return;
  }
  out += node.kind == Kind::Not ? "not(" : (node.kind == Kind::And ? "and(" : "or(");
  for (std::uint32_t i = 0; i < node.count; ++i) {
    if (i > 0) out += ", ";
    describe_node(operands_[node.first + i], selections, out);
  }
  out += ')';
}

}  // namespace pkgly_trail::hunt
