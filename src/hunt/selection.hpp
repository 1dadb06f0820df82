#pragma once
// The compiled search identifiers of a `detection:` block (detection_reading.hpp builds them
// from YAML). A Selection is an OR of alternatives (a list of maps), each an AND of field
// tests (one map), each an OR (or with `|all` an AND) of values.
#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ip_network.hpp"
#include "pkgly_trail/hunt/rule.hpp"
#include "wildcard.hpp"

namespace pkgly_trail::hunt {

// A number in a field's or a rule's text: whole when it reads as one (exact comparison of
// 64-bit integers), otherwise a double. Decimal only; "inf", "nan", hex and the like are not
// numbers here. Allocates nothing.
struct Number {
  bool whole = false;
  std::int64_t integer = 0;
  double real = 0;
};
std::optional<Number> parse_number(std::string_view text) noexcept;
// -1, 0 or 1.
int compare(const Number& a, const Number& b) noexcept;

// One value of a field test, compiled. Move-only (RE2 is neither copyable nor movable).
class ValueMatch {
 public:
  enum class Compare : std::uint8_t { Gt, Gte, Lt, Lte };

  static ValueMatch text(WildcardPattern pattern);
  // A number written unquoted in the rule: compared as a number with a numeric field value,
  // as text (`text` as written) with any other.
  static ValueMatch number(Number number, std::string text);
  static ValueMatch regex(std::unique_ptr<const RE2> regex);
  static ValueMatch network(IpNetwork network);
  static ValueMatch comparison(Compare op, Number bound);
  static ValueMatch null();             // `field: null`: absent or null
  static ValueMatch exists(bool want);  // `field|exists: true/false`

  // `value`: the event's field, nullopt when absent.
  bool matches(const std::optional<Value>& value) const noexcept;

 private:
  enum class Kind : std::uint8_t { Text, Number, Regex, Network, Comparison, Null, Exists };
  Kind kind_ = Kind::Text;
  Compare op_ = Compare::Gt;
  bool want_ = true;
  Number number_;
  std::string text_;
  WildcardPattern pattern_;
  std::unique_ptr<const RE2> regex_;
  IpNetwork network_;
};

struct FieldTest {
  std::string field;
  bool all = false;  // `|all`: every value must match, not one of them
  std::vector<ValueMatch> values;

  bool matches(const EventFields& event) const;
};

struct Selection {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;

  bool matches(const EventFields& event) const;
};

}  // namespace pkgly_trail::hunt
