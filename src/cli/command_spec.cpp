#include "cli/command_spec.hpp"

namespace pkgly_trail::cli {

namespace {

// CLI11 describes IsMember and CheckedTransformer as `{a,b}` or `value in {a->0,b->1}`.
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> choices;
  std::size_t open = type_name.find('{');
  std::size_t close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return choices;
  std::string list = type_name.substr(open + 1, close - open - 1);
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    item = item.substr(0, item.find("->"));
    if (!item.empty()) choices.push_back(item);
    start = comma + 1;
  }
  return choices;
}

OptionSpec describe(const CLI::Option& option) {
  OptionSpec spec;
  for (const std::string& name : option.get_snames()) spec.names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) spec.names.push_back("--" + name);
  if (spec.names.empty()) spec.positional = option.get_name(true);
  const std::string type_name = option.get_type_name();
  if (option.get_type_size_max() > 0) spec.value = type_name.substr(0, type_name.find(':'));
  spec.description = option.get_description();
  spec.group = option.get_group();
  spec.choices = choices_of(type_name);
  spec.required = option.get_required();
  return spec;
}

std::vector<OptionSpec> options_of(const CLI::App& app) {
  std::vector<OptionSpec> specs;
  for (const CLI::Option* option : app.get_options())
    if (!option->get_group().empty()) specs.push_back(describe(*option));
  return specs;
}

}  // namespace

std::vector<CommandSpec> describe_commands(const CLI::App& app) {
  std::vector<CommandSpec> commands;
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); })) {
    commands.push_back(
        CommandSpec{sub->get_name(), sub->get_description(), sub->get_footer(), options_of(*sub)});
  }
  return commands;
}

std::vector<OptionSpec> describe_options(const CLI::App& app) {
  return options_of(app);
}

}  // namespace pkgly_trail::cli
