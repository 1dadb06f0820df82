#pragma once
// Options whose value is one of a few words (-o, --color, --bucket, --level, --outcome, SHELL),
// or a number in a range (--max-line-bytes, --max-groups), with messages in words.
// The words show in --help and in the completion scripts (`FORMAT:{text,json,...}`, which
// command_spec.cpp reads back); any other value is refused with a message that names them all
// and the closest one. A number is not a word: CLI11's own enum mapping took `-o 1` for json.
#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pkgly_trail::cli {

template <typename T>
struct Choice {
  std::string word;
  T value;
};

// A whole number from `low` to `high`; else "'VALUE' is not WHAT from LOW to HIGH".
CLI::Validator whole_number_in(std::size_t low, std::size_t high, std::string what);

// The message for a value that is none of `words` ("" when it is one of them).
std::string check_choice(const std::string& value, const std::vector<std::string>& words);
std::string lower_case(const std::string& value);

// `name` takes one of `choices` (in any letter case) and sets `target` to its value.
template <typename T>
CLI::Option* add_choice(CLI::App& app, const std::string& name, T& target,
                        std::vector<Choice<T>> choices, const std::string& description,
                        const std::string& value_name = "WORD") {
  std::vector<std::string> words;
  std::string listed;
  for (const Choice<T>& choice : choices) {
    words.push_back(choice.word);
    listed += (listed.empty() ? "" : ",") + choice.word;
  }
  CLI::Option* option = app.add_option_function<std::string>(
      name,
      [&target, choices = std::move(choices)](const std::string& value) {
        for (const Choice<T>& choice : choices)
          if (choice.word == lower_case(value)) target = choice.value;
      },
      description);
  option->type_name(value_name + ":{" + listed + "}");
  option->check(CLI::Validator(
      [words = std::move(words)](std::string& value) { return check_choice(value, words); }, ""));
  return option;
}

}  // namespace pkgly_trail::cli
