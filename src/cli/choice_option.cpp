#include "cli/choice_option.hpp"

#include <cctype>
#include <charconv>

#include "cli/spelling.hpp"

namespace pkgly_trail::cli {

std::string lower_case(const std::string& value) {
  std::string lower;
  for (char c : value)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower;
}

CLI::Validator whole_number_in(std::size_t low, std::size_t high, std::string what) {
  return CLI::Validator(
      [low, high, what = std::move(what)](std::string& value) {
        std::size_t number = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), number);
        const bool ok = error == std::errc() && end == value.data() + value.size() &&
                        number >= low && number <= high;
        return ok ? std::string()
                  : "'" + value + "' is not " + what + " from " + std::to_string(low) + " to " +
                        std::to_string(high);
      },
      "");
}

std::string check_choice(const std::string& value, const std::vector<std::string>& words) {
  const std::string lower = lower_case(value);
  std::string listed;
  for (const std::string& word : words) {
    if (word == lower) return {};
    listed += (listed.empty() ? "" : ", ") + word;
  }
  std::string message = "'" + value + "' is not one of " + listed;
  if (auto closest = closest_word(lower, words)) message += " (did you mean " + *closest + "?)";
  return message;
}

}  // namespace pkgly_trail::cli
