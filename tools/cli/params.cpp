#include "params.h"

#include <charconv>

#include "host/suggest.h"

namespace ember::cli {

bool parse_double(const std::string& text, double* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && *out - *out == 0.0;
}

bool parse_count(const std::string& text, std::uint32_t* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && *out > 0;
}

bool parse_u64(const std::string& text, std::uint64_t* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && !text.empty();
}

bool parse_bool(const std::string& text, bool* out) {
  if (text != "true" && text != "false") return false;
  *out = text == "true";
  return true;
}

bool apply_params(const ParsedArgs& args, const std::vector<ParamSpec>& specs, const std::string& model,
                  std::string* error) {
  std::vector<std::string> keys;
  for (const ParamSpec& s : specs) keys.push_back(s.key);
  for (const std::string& param : args.all("param")) {
    const auto eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "--param takes KEY=VALUE, got '" + param + "'";
      return false;
    }
    const std::string key = param.substr(0, eq), value = param.substr(eq + 1);
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& s : specs) {
      if (s.key == key) spec = &s;
    }
    if (spec == nullptr) {
      *error = "unknown parameter '" + key + "' for --model " + model;
      const auto close = host::close_matches(key, keys);
      if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
      *error += " (parameters: " + host::quoted_list(keys, " and ") + ")";
      return false;
    }
    if (!spec->apply(value)) {
      *error = "--param " + param + ": " + key + " must be " + spec->expected;
      return false;
    }
  }
  return true;
}

}  // namespace ember::cli
