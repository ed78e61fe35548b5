#include "args.h"

#include <cctype>

#include "host/suggest.h"

namespace ember::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  const auto it = values.find(name);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
  const auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

namespace {
const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::string unknown_option_message(const CommandSpec& spec, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& o : spec.options) names.push_back(o.name);
  names.push_back("help");
  std::string message = "unknown option '--" + name + "'";
  auto close = host::close_matches(name, names);
  if (!close.empty()) {
    for (auto& c : close) c = "--" + c;
    message += "; did you mean " + host::quoted_list(close) + "?";
  }
  return message;
}
}  // namespace

bool parse_args(const CommandSpec& spec, int argc, char** argv, int first, ParsedArgs* out,
                std::string* error) {
  *out = ParsedArgs{};
  bool options_ended = false;
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (!options_ended && word.size() == 2 && word[0] == '-' &&
        std::isalpha(static_cast<unsigned char>(word[1]))) {
      const OptionSpec* by_short = nullptr;
      for (const auto& o : spec.options) {
        if (o.short_name == word[1]) by_short = &o;
      }
      if (by_short == nullptr) {
        *error = "unknown option '" + word + "'";
        return false;
      }
      word = "--" + by_short->name;
    }
    if (options_ended || word.size() < 2 || word.compare(0, 2, "--") != 0) {
      out->positional.push_back(word);
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    std::string name = word.substr(2);
    std::string value;
    bool inline_value = false;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    if (name == "help") {
      out->help = true;
      continue;
    }
    const OptionSpec* option = find_option(spec, name);
    if (option == nullptr) {
      *error = unknown_option_message(spec, name);
      return false;
    }
    if (option->value_name.empty()) {
      if (inline_value) {
        *error = "option '--" + name + "' takes no value";
        return false;
      }
    } else if (!inline_value) {
      if (i + 1 >= argc) {
        *error = "option '--" + name + "' needs a value (" + option->value_name + ")";
        return false;
      }
      value = argv[++i];
    }
    auto& slot = out->values[name];
    if (!slot.empty() && !option->repeatable) {
      *error = "option '--" + name + "' given more than once";
      return false;
    }
    slot.push_back(value);
  }
  if (out->help) return true;
  if (out->positional.size() < spec.min_positional) {
    *error = "missing argument: usage: ember " + spec.name + " " + spec.usage;
    return false;
  }
  if (out->positional.size() > spec.max_positional) {
    *error = "unexpected argument '" + out->positional[spec.max_positional] + "': usage: ember " + spec.name +
             " " + spec.usage;
    return false;
  }
  return true;
}

std::string format_help(const CommandSpec& spec) {
  std::string text = "usage: ember " + spec.name + " " + spec.usage + "\n\n" + spec.summary + "\n";
  if (!spec.details.empty()) text += "\n" + spec.details + "\n";
  text += "\noptions:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& o : spec.options) {
    std::string left = (o.short_name ? std::string("-") + o.short_name + ", " : std::string()) + "--" +
                       o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    rows.emplace_back(left, o.help + (o.repeatable ? " (repeatable)" : ""));
  }
  rows.emplace_back("--help", "show this help");
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  for (const auto& r : rows)
    text += "  " + r.first + std::string(width + 2 - r.first.size(), ' ') + r.second + "\n";
  return text;
}

}  // namespace ember::cli
