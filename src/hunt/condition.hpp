#pragma once
// A detection's `condition:`, parsed over the names of its selections:
//
//   expr    := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | '(' expr ')' | ('1' | 'any' | 'all') 'of' (pattern | 'them') | name
//
// so not binds tighter than and, and than or, as Sigma says. Keywords are lower case, names
// are case-sensitive, and a pattern's `*` stands for any run of name characters. `them` and a
// pattern leave out names starting with `_` (Sigma's convention for helper selections) unless
// the pattern itself starts with `_`. Sigma's `| count()` aggregations are refused: a
// correlation rule says that now.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pkgly_trail::hunt {

struct ConditionError {
  std::size_t offset = 0;  // byte offset into the condition's text
  std::string what;
};

class Condition {
 public:
  // Nesting (parentheses and `not`) deeper than this is refused: evaluation recurses.
  static constexpr int kMaxDepth = 64;

  // nullopt with `error` filled when the text is no condition over `selections`.
  static std::optional<Condition> parse(std::string_view text,
                                        std::span<const std::string> selections,
                                        ConditionError& error);

  // `selection_matches(index)` answers for selections[index]; it is called only for the
  // selections the answer still depends on (and/or stop early), at most once per reference.
  template <typename SelectionMatches>
  bool evaluate(const SelectionMatches& selection_matches) const {
    return evaluate_node(root_, selection_matches);
  }

  // The tree in prefix form, e.g. "or(and(a, not(b)), c)": for tests and explanations.
  std::string describe(std::span<const std::string> selections) const;

 private:
  friend class ConditionParser;
  enum class Kind : std::uint8_t { Selection, Not, And, Or };
  struct Node {
    Kind kind = Kind::Selection;
    std::uint32_t selection = 0;  // Selection: its index
    std::uint32_t first = 0;      // Not, And, Or: operands_[first, first + count)
    std::uint32_t count = 0;
  };

  template <typename SelectionMatches>
  bool evaluate_node(std::uint32_t index, const SelectionMatches& selection_matches) const {
    const Node& node = nodes_[index];
    switch (node.kind) {
      case Kind::Selection:
        return selection_matches(static_cast<std::size_t>(node.selection));
      case Kind::Not:
        return !evaluate_node(operands_[node.first], selection_matches);
      case Kind::And:
        for (std::uint32_t i = node.first; i < node.first + node.count; ++i)
          if (!evaluate_node(operands_[i], selection_matches)) return false;
        return true;
      case Kind::Or:
        for (std::uint32_t i = node.first; i < node.first + node.count; ++i)
          if (evaluate_node(operands_[i], selection_matches)) return true;
        return false;
    }
    return false;
  }
  void describe_node(std::uint32_t index, std::span<const std::string> selections,
                     std::string& out) const;

  std::vector<Node> nodes_;
  std::vector<std::uint32_t> operands_;
  std::uint32_t root_ = 0;
};

// Whether `name` may name a selection: letters, digits, `_` and `-`, and no keyword.
bool is_selection_name(std::string_view name) noexcept;

}  // namespace pkgly_trail::hunt
