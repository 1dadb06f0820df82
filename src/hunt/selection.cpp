#include "selection.hpp"

#include <algorithm>
#include <charconv>

namespace pkgly_trail::hunt {

std::optional<Number> parse_number(std::string_view text) noexcept {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);  // from_chars takes no '+'
  const std::string_view unsigned_part =
      !digits.empty() && digits.front() == '-' ? digits.substr(1) : digits;
  // from_chars would read "inf" and "nan": a number here starts with a digit or a point.
  if (unsigned_part.empty() || !((unsigned_part.front() >= '0' && unsigned_part.front() <= '9') ||
                                 unsigned_part.front() == '.'))
    return std::nullopt;
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  Number number;
  if (auto [end, ec] = std::from_chars(first, last, number.integer);
      ec == std::errc() && end == last) {
    number.whole = true;
    number.real = static_cast<double>(number.integer);
    return number;
  }
  if (auto [end, ec] = std::from_chars(first, last, number.real, std::chars_format::general);
      ec == std::errc() && end == last)
    return number;
  return std::nullopt;
}

int compare(const Number& a, const Number& b) noexcept {
  if (a.whole && b.whole) return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
  return a.real < b.real ? -1 : (a.real > b.real ? 1 : 0);
}

ValueMatch ValueMatch::text(WildcardPattern pattern) {
  ValueMatch m;
  m.kind_ = Kind::Text;
  m.pattern_ = std::move(pattern);
  return m;
}

ValueMatch ValueMatch::number(Number number, std::string text) {
  ValueMatch m;
  m.kind_ = Kind::Number;
  m.number_ = number;
  m.text_ = std::move(text);
  return m;
}

ValueMatch ValueMatch::regex(std::unique_ptr<const RE2> regex) {
  ValueMatch m;
  m.kind_ = Kind::Regex;
  m.regex_ = std::move(regex);
  return m;
}

ValueMatch ValueMatch::network(IpNetwork network) {
  ValueMatch m;
  m.kind_ = Kind::Network;
  m.network_ = network;
  return m;
}

ValueMatch ValueMatch::comparison(Compare op, Number bound) {
  ValueMatch m;
  m.kind_ = Kind::Comparison;
  m.op_ = op;
  m.number_ = bound;
  return m;
}

ValueMatch ValueMatch::null() {
  ValueMatch m;
  m.kind_ = Kind::Null;
  return m;
}

ValueMatch ValueMatch::exists(bool want) {
  ValueMatch m;
  m.kind_ = Kind::Exists;
  m.want_ = want;
  return m;
}

bool ValueMatch::matches(const std::optional<Value>& value) const noexcept {
  // Sigma's `exists` asks whether the field is there at all, be its value null or empty.
  if (kind_ == Kind::Exists) return value.has_value() == want_;
  const bool absent = !value || value->kind == ValueKind::Null;
  if (kind_ == Kind::Null) return absent;
  if (absent) return false;
  const std::string_view text = value->text;
  switch (kind_) {
    case Kind::Text:
      return pattern_.matches(text);
    case Kind::Number: {
      if (value->kind != ValueKind::Integer && value->kind != ValueKind::Float)
        return text == text_;
      const std::optional<Number> field = parse_number(text);
      return field && compare(*field, number_) == 0;
    }
    case Kind::Regex:
      return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex_);
    case Kind::Network: {
      const std::optional<IpAddress> address = parse_ip_address(text);
      return address && network_.contains(*address);
    }
    case Kind::Comparison: {
      if (value->kind == ValueKind::Bool) return false;
      const std::optional<Number> field = parse_number(text);
      if (!field) return false;
      const int order = compare(*field, number_);
      switch (op_) {
        case Compare::Gt:
          return order > 0;
        case Compare::Gte:
          return order >= 0;
        case Compare::Lt:
          return order < 0;
        case Compare::Lte:
          return order <= 0;
      }
      return false;
    }
    case Kind::Null:
    case Kind::Exists:
      break;  // answered above
  }
  return false;
}

// One lookup per test: EventFields keeps a value's text valid only until its next call.
bool FieldTest::matches(const EventFields& event) const {
  const std::optional<Value> value = event.field(field);
  const auto match = [&](const ValueMatch& m) { return m.matches(value); };
  return all ? std::all_of(values.begin(), values.end(), match)
             : std::any_of(values.begin(), values.end(), match);
}

bool Selection::matches(const EventFields& event) const {
  return std::any_of(alternatives.begin(), alternatives.end(), [&](const auto& tests) {
    return std::all_of(tests.begin(), tests.end(),
                       [&](const FieldTest& test) { return test.matches(event); });
  });
}

}  // namespace pkgly_trail::hunt
