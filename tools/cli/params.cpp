#include "params.h"

#include <charconv>
#include <limits>

#include "host/suggest.h"
#include "host/text.h"

namespace ember::cli {

bool parse_double(const std::string& text, double* out) { return host::parse_number(text, out); }

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
  return apply_key_values(args.all("param"), specs, "--param", "--model " + model, error);
}

bool split_key_value(const std::string& text, std::string* key, std::string* value) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *key = text.substr(0, eq);
  *value = text.substr(eq + 1);
  return true;
}

bool apply_key_values(const std::vector<std::string>& pairs, const std::vector<ParamSpec>& specs,
                      const std::string& flag, const std::string& owner, std::string* error) {
  std::vector<std::string> keys;
  for (const ParamSpec& s : specs) keys.push_back(s.key);
  for (const std::string& param : pairs) {
    std::string key, value;
    if (!split_key_value(param, &key, &value)) {
      *error = flag + " takes KEY=VALUE, got '" + param + "'";
      return false;
    }
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& s : specs) {
      if (s.key == key) spec = &s;
    }
    if (spec == nullptr) {
      *error = "unknown parameter '" + key + "' for " + owner;
      const auto close = host::close_matches(key, keys);
      if (!close.empty()) *error += "; did you mean " + host::quoted_list(close) + "?";
      *error += keys.empty() ? " (it takes none)" : " (parameters: " + host::quoted_list(keys, " and ") + ")";
      return false;
    }
    if (!spec->apply(value)) {
      // "--param KEY=VALUE: ..." and "--encode onehot:KEY=VALUE: ..."
      *error = flag + (flag.back() == ':' ? "" : " ") + param + ": " + key + " must be " + spec->expected;
      return false;
    }
  }
  return true;
}

ParamSpec positive_number(const std::string& key, double* target) {
  return {key, "a number > 0", [target](const std::string& v) {
            double x = 0.0;
            if (!parse_double(v, &x) || !(x > 0.0)) return false;
            *target = x;
            return true;
          }};
}
ParamSpec non_negative_number(const std::string& key, double* target) {
  return {key, "a number >= 0", [target](const std::string& v) {
            double x = 0.0;
            if (!parse_double(v, &x) || x < 0.0) return false;
            *target = x;
            return true;
          }};
}
ParamSpec fraction(const std::string& key, double* target) {
  return {key, "a number in (0, 1]", [target](const std::string& v) {
            double x = 0.0;
            if (!parse_double(v, &x) || !(x > 0.0) || x > 1.0) return false;
            *target = x;
            return true;
          }};
}
ParamSpec count(const std::string& key, std::uint32_t* target, std::uint32_t min, std::uint32_t max) {
  // Every bound is stated, the 32-bit one too: 99999999999 is refused.
  if (max == 0) max = std::numeric_limits<std::uint32_t>::max();
  const std::string expected = "a whole number in " + std::to_string(min) + ".." + std::to_string(max);
  return {key, expected, [=](const std::string& v) {
            std::uint32_t x = 0;
            if (!parse_count(v, &x) || x < min || x > max) return false;
            *target = x;
            return true;
          }};
}
// A count, or "none" for 0 (no limit).
ParamSpec count_or_none(const std::string& key, std::uint32_t* target, std::uint32_t min, std::uint32_t max) {
  ParamSpec s = count(key, target, min, max);
  s.expected += ", or none";
  auto inner = s.apply;
  s.apply = [inner, target](const std::string& v) {
    if (v == "none") {
      *target = 0;
      return true;
    }
    return inner(v);
  };
  return s;
}
ParamSpec flag(const std::string& key, bool* target) {
  return {key, "true or false", [target](const std::string& v) { return parse_bool(v, target); }};
}
}  // namespace ember::cli
