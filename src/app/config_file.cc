#include "app/config_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace senderid {
namespace {

// "FILE:LINE: KEY: " — the start of every message about one key.
std::string Where(const std::string& path, const toml::source_position& at,
                  const std::string& key) {
  return path + ":" + std::to_string(at.line) + ": " + key + ": ";
}

// The environment gives the option a value (CLI11 ignores an empty variable, and so does this).
bool SetInEnvironment(const CLI::Option& option) {
  const std::string name = option.get_envname();
  if (name.empty()) return false;
  const char* value = std::getenv(name.c_str());
  return value != nullptr && *value != '\0';
}

enum class Kind { kFlag, kInteger, kNumber, kText };

Kind KindOf(const CLI::Option& option) {
  if (option.get_expected_min() == 0) return Kind::kFlag;  // CLI11's own test for a flag
  // The type name starts with CLI11's name of the value type ("INT", "UINT", "FLOAT", "TEXT"),
  // followed by the validators' descriptions.
  const std::string type = option.get_type_name();
  if (type.rfind("INT", 0) == 0 || type.rfind("UINT", 0) == 0) return Kind::kInteger;
  if (type.rfind("FLOAT", 0) == 0) return Kind::kNumber;
  return Kind::kText;
}

// One TOML value as the command-line text CLI11 converts; empty with `*wrong` set to what was
// expected when the TOML type does not fit the option (a quoted "8" for an integer option is
// refused: the file says what it means).
std::string TextOf(const toml::node& value, Kind kind, std::string* wrong) {
  switch (kind) {
    case Kind::kFlag:
      if (const auto* b = value.as_boolean()) return b->get() ? "true" : "false";
      *wrong = "true or false expected";
      return {};
    case Kind::kInteger:
      if (const auto* i = value.as_integer()) return std::to_string(i->get());
      *wrong = "an integer expected";
      return {};
    case Kind::kNumber:
      if (const auto* i = value.as_integer()) return std::to_string(i->get());
      if (const auto* f = value.as_floating_point()) return std::to_string(f->get());
      *wrong = "a number expected";
      return {};
    case Kind::kText:
      if (const auto* s = value.as_string()) return s->get();
      *wrong = "a string expected (in double quotes)";
      return {};
  }
  return {};
}

class TomlConfig final : public CLI::Config {
 public:
  TomlConfig(CLI::App& app, std::vector<CLI::App*> sections)
      : app_(app), sections_(std::move(sections)) {}

  // Writing the options back as a file is not offered (no --write-config).
  std::string to_config(const CLI::App*, bool, bool, std::string) const override { return {}; }

  // Sets the options from the file (see the header for why here) and hands CLI11 nothing more.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    const std::string path = app_.get_config_ptr()->as<std::string>();
    const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    toml::table table;
    try {
      table = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
      throw CLI::ConfigError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                             std::to_string(e.source().begin.column) + ": not valid TOML: " +
                             std::string(e.description()));
    }
    const std::map<std::string, CLI::Option*> options = Keys();
    // A table iterates by key; in the file's order, the first bad line is the one reported.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, value] : table) entries.emplace_back(&key, &value);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.first->source().begin.line < b.first->source().begin.line;
    });
    for (const auto& [key_ptr, value_ptr] : entries) {
      const toml::key& key = *key_ptr;
      const toml::node& value = *value_ptr;
      const std::string name(key.str());
      const std::string where = Where(path, key.source().begin, name);
      if (value.is_table())
        throw CLI::ConfigError(where + "options are top-level keys (no [tables] or dotted keys)");
      const auto found = options.find(name);
      if (found == options.end())
        throw CLI::ConfigError(where + "unknown key (keys are the long options without --, "
                                       "e.g. db-pool; see senderid serve --help)");
      Set(*found->second, name, value, where);
    }
    return {};
  }

 private:
  // Every option the file may set, by its first long name.
  std::map<std::string, CLI::Option*> Keys() const {
    std::map<std::string, CLI::Option*> keys;
    std::vector<CLI::App*> apps = sections_;
    apps.insert(apps.begin(), &app_);
    for (CLI::App* app : apps)
      for (CLI::Option* option : app->get_options()) {
        if (option == app->get_help_ptr() || option == app->get_help_all_ptr() ||
            option == app->get_config_ptr() || !option->get_configurable() ||
            option->get_lnames().empty())
          continue;
        keys.emplace(option->get_lnames().front(), option);
      }
    return keys;
  }

  // Checks the value's type, then — unless the command line or the environment sets the option —
  // gives it to the option as the command line would; its conversion and validators run now, so
  // that their complaint can name the line.
  static void Set(CLI::Option& option, const std::string& name, const toml::node& value,
                  const std::string& where) {
    const Kind kind = KindOf(option);
    std::vector<std::string> inputs;
    std::string wrong;
    if (const toml::array* list = value.as_array()) {
      if (option.get_items_expected_max() <= 1)
        throw CLI::ConfigError(where + "one value expected, not an array");
      for (const toml::node& item : *list) {
        inputs.push_back(TextOf(item, kind, &wrong));
        if (!wrong.empty()) throw CLI::ConfigError(where + "an array of values: " + wrong);
      }
    } else {
      inputs.push_back(TextOf(value, kind, &wrong));
      if (!wrong.empty()) throw CLI::ConfigError(where + wrong);
    }
    // An empty array asks for no values: what a repeatable option has when it is not given.
    if (inputs.empty() || !option.empty() || SetInEnvironment(option)) return;
    try {
      if (kind == Kind::kFlag) option.add_result(option.get_flag_value(name, inputs.front()));
      else option.add_result(inputs);
      option.run_callback();
    } catch (const CLI::ParseError& e) {
      // CLI11 starts most messages with the flag ("--db-pool: Value 0 not in range …").
      std::string message = e.what();
      const std::string flag = "--" + name + ": ";
      if (message.rfind(flag, 0) == 0) message.erase(0, flag.size());
      throw CLI::ConfigError(where + message);
    }
  }

  CLI::App& app_;
  const std::vector<CLI::App*> sections_;
};

}  // namespace

void AddConfigFile(CLI::App& app, std::vector<CLI::App*> sections) {
  // CLI11 2.1 reads the file before the environment, so SENDERID_CONFIG cannot be an ordinary
  // envname: it becomes the default file, required (a named file that is missing is an error).
  const char* from_environment = std::getenv("SENDERID_CONFIG");
  const bool named = from_environment != nullptr && *from_environment != '\0';
  app.set_config("--config", named ? from_environment : "",
                 "TOML file of options, keys spelled like the flags without -- (also "
                 "SENDERID_CONFIG; no default). A flag beats the environment, which beats the file",
                 named)
      ->type_name("FILE");
  app.config_formatter(std::make_shared<TomlConfig>(app, std::move(sections)));
}

}  // namespace senderid
