// The argument parser every subcommand shares.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "args.h"

using ember::cli::CommandSpec;
using ember::cli::ParsedArgs;

namespace {
CommandSpec spec() {
  CommandSpec s;
  s.name = "demo";
  s.summary = "A demo.";
  s.usage = "FILE [options]";
  s.min_positional = 1;
  s.max_positional = 2;
  s.options = {{"json", "", "json output"},
               {"param", "K=V", "a parameter", true},
               {"seed", "N", "the seed"},
               {"output", "FILE", "where to write", false, 'o'}};
  return s;
}

bool parse(std::vector<std::string> words, ParsedArgs* out, std::string* error) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return ember::cli::parse_args(spec(), static_cast<int>(argv.size()), argv.data(), 0, out, error);
}
}  // namespace

TEST_CASE("options, values and positionals") {
  ParsedArgs a;
  std::string error;
  REQUIRE(parse({"data.csv", "--json", "--param", "a=1", "--param=b=2", "--seed", "7", "--", "--odd"}, &a,
                &error));
  CHECK(a.positional == std::vector<std::string>{"data.csv", "--odd"});
  CHECK(a.has("json"));
  CHECK(a.all("param") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(a.get("seed") == "7");
  CHECK(a.get("missing", "fallback") == "fallback");
  REQUIRE(parse({"x", "-o", "out.csv"}, &a, &error));
  CHECK(a.get("output") == "out.csv");
  CHECK_FALSE(parse({"x", "-q"}, &a, &error));
  CHECK(error == "unknown option '-q'");
}

TEST_CASE("usage errors name the offending word") {
  ParsedArgs a;
  std::string error;
  CHECK_FALSE(parse({"x", "--sed", "1"}, &a, &error));
  CHECK(error == "unknown option '--sed'; did you mean '--seed'?");
  CHECK_FALSE(parse({"x", "--json=yes"}, &a, &error));
  CHECK(error == "option '--json' takes no value");
  CHECK_FALSE(parse({"x", "--seed"}, &a, &error));
  CHECK(error == "option '--seed' needs a value (N)");
  CHECK_FALSE(parse({"x", "--seed", "1", "--seed", "2"}, &a, &error));
  CHECK(error == "option '--seed' given more than once");
  CHECK_FALSE(parse({}, &a, &error));
  CHECK(error == "missing argument: usage: ember demo FILE [options]");
  CHECK_FALSE(parse({"a", "b", "c"}, &a, &error));
  CHECK(error == "unexpected argument 'c': usage: ember demo FILE [options]");
}

TEST_CASE("--help wins over missing arguments and is listed in the help text") {
  ParsedArgs a;
  std::string error;
  REQUIRE(parse({"--help"}, &a, &error));
  CHECK(a.help);
  const std::string help = ember::cli::format_help(spec());
  CHECK(help.find("usage: ember demo FILE [options]") == 0);
  CHECK(help.find("  --param K=V        a parameter (repeatable)\n") != std::string::npos);
  CHECK(help.find("  -o, --output FILE  where to write\n") != std::string::npos);
  CHECK(help.find("  --help             show this help\n") != std::string::npos);
}
