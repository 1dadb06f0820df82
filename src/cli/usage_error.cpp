#include "cli/usage_error.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/report_error.hpp"
#include "cli/spelling.hpp"

namespace pkgly_trail::cli {
namespace {

// The commands a person may type (the hidden `man` is not suggested).
std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); }))
    names.push_back(sub->get_name());
  return names;
}

std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

// The words CLI11 did not expect ("The following argument(s) was/were not expected: a b").
std::vector<std::string> unexpected_words(const CLI::ParseError& error) {
  std::vector<std::string> words;
  const std::string_view message = error.what();
  const std::size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return words;
  std::string_view rest = message.substr(colon + 2);
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    words.emplace_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return words;
}

std::string with_suggestion(std::string message, std::optional<std::string> closest) {
  if (closest) message += fmt::format(" (did you mean {}?)", *closest);
  return message;
}

}  // namespace

void print_usage_error(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  const std::vector<std::string> commands = command_names(app);
  // The command is the first word that is not an option.
  const CLI::App* command = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word.starts_with("-")) continue;
    for (const CLI::App* sub : app.get_subcommands({}))
      if (sub->get_name() == word) command = sub;
    if (command == nullptr) {
      report_error(
          with_suggestion(fmt::format("unknown command '{}'", word), closest_word(word, commands)));
      report_note(
          fmt::format("the commands: {}; see pkgly-trail --help", fmt::join(commands, ", ")));
      return;
    }
    break;
  }
  const std::string help =
      command ? fmt::format("pkgly-trail {} --help", command->get_name()) : "pkgly-trail --help";
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::vector<std::string> known = option_names(command ? *command : app);
    for (const std::string& word : unexpected_words(error)) {
      if (!word.starts_with("-")) {
        report_error(fmt::format("unexpected argument '{}'", word));
        continue;
      }
      const std::string name = word.substr(0, word.find('='));
      report_error(with_suggestion(
          fmt::format("unknown option '{}'{}", name,
                      command ? fmt::format(" for {}", command->get_name()) : std::string()),
          closest_word(name, known)));
    }
  } else {
    report_error(error.what());
  }
  report_note(fmt::format("see {}", help));
}

}  // namespace pkgly_trail::cli
