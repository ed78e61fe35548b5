// Model parameters given as --param KEY=VALUE: one table per model says
// which keys exist, what a value must be and where it goes, and one parser
// applies them all, with the same messages for every model.
#ifndef EMBER_CLI_PARAMS_H
#define EMBER_CLI_PARAMS_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "args.h"
#include "host/text.h"

namespace ember::cli {

struct ParamSpec {
  std::string key;
  std::string expected;  // what a valid value is, for messages: "a whole number >= 1"
  std::function<bool(const std::string& value)> apply;  // false: the value is not valid
};

// Applies every --param of `args` in order. Errors (false, *error set):
// not KEY=VALUE; an unknown key (close names suggested, every key listed);
// a value `apply` refuses ("KEY must be EXPECTED").
bool apply_params(const ParsedArgs& args, const std::vector<ParamSpec>& specs, const std::string& model,
                  std::string* error);

// The same for KEY=VALUE pairs given some other way: messages say `flag`
// ("--encode onehot") for the option and `owner` for whose keys they are.
bool apply_key_values(const std::vector<std::string>& pairs, const std::vector<ParamSpec>& specs,
                      const std::string& flag, const std::string& owner, std::string* error);

// "KEY=VALUE" -> KEY and VALUE (at the first '='); false when there is no
// '=' or the key is empty.
bool split_key_value(const std::string& text, std::string* key, std::string* value);

// Lists of KEY=VALUE pairs are split by host::split_list.
using host::split_list;

// Value parsers: the whole text must be the value.
bool parse_double(const std::string& text, double* out);        // finite
bool parse_count(const std::string& text, std::uint32_t* out);  // >= 1
bool parse_u64(const std::string& text, std::uint64_t* out);    // >= 0
bool parse_bool(const std::string& text, bool* out);            // true or false

// Setters for the tables: each checks the value's range (its `expected`
// says which) and stores it.
ParamSpec positive_number(const std::string& key, double* target);      // > 0
ParamSpec non_negative_number(const std::string& key, double* target);  // >= 0
ParamSpec fraction(const std::string& key, double* target);             // in (0, 1]
// A whole number in [min, max] (max 0: up to 2^32 - 1); the message states both.
ParamSpec count(const std::string& key, std::uint32_t* target, std::uint32_t min = 1, std::uint32_t max = 0);
ParamSpec count_or_none(const std::string& key, std::uint32_t* target, std::uint32_t min,
                        std::uint32_t max);            // "none" stores 0
ParamSpec flag(const std::string& key, bool* target);  // true or false

}  // namespace ember::cli

#endif  // EMBER_CLI_PARAMS_H
