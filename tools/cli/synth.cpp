// ember synth: write a synthetic data set (binary, multiclass or
// regression) made only from a seed.
#include <cstdio>
#include <string>

#include "command.h"
#include "host/synthetic.h"
#include "params.h"

namespace ember::cli {

namespace {

int run_synth(const ParsedArgs& args) {
  const Usage usage{"synth"};
  host::SynthOptions o;
  const std::string task = args.get("task", "binary");
  if (task == "binary") {
    o.task = host::SynthTask::binary;
  } else if (task == "multiclass") {
    o.task = host::SynthTask::multiclass;
  } else if (task == "regression") {
    o.task = host::SynthTask::regression;
  } else {
    return usage("--task must be binary, multiclass or regression, got '" + task + "'");
  }
  std::uint64_t value = 0;
  auto whole = [&](const char* name, std::uint64_t fallback, std::uint64_t* out) {
    if (!args.has(name)) {
      *out = fallback;
      return true;
    }
    return parse_u64(args.get(name), out);
  };
  if (!whole("rows", 1000, &value)) return usage("--rows must be a whole number");
  o.rows = static_cast<std::size_t>(value);
  if (!whole("features", 10, &value)) return usage("--features must be a whole number");
  o.features = static_cast<std::size_t>(value);
  if (!whole("classes", 3, &value) || value > 255) return usage("--classes must be a whole number 3..255");
  o.classes = static_cast<std::uint32_t>(value);
  if (!whole("categorical", 0, &value)) return usage("--categorical must be a whole number");
  o.categorical = static_cast<std::size_t>(value);
  if (!whole("seed", 0, &o.seed)) return usage("--seed must be a whole number");
  if (args.has("missing") && !parse_double(args.get("missing"), &o.missing))
    return usage("--missing must be a number in [0, 1)");
  if (args.has("classes") && o.task != host::SynthTask::multiclass)
    return usage("--classes applies to --task multiclass");
  std::string message;
  if (!host::check_synth_options(o, &message)) return usage(message);
  host::Error error;
  const std::string output = args.get("output");
  {
    const MemoryScope scope("writing " + output);
    if (!host::write_synthetic_csv(o, output, &error)) return fail("synth", error.to_string());
  }
  std::printf("wrote %s: %zu rows, %zu features and a target (%s)\n", output.c_str(), o.rows, o.features,
              task.c_str());
  return kExitOk;
}

}  // namespace

Command synth_command() {
  Command command;
  command.spec.name = "synth";
  command.spec.summary = "Write a synthetic data set (binary, multiclass or regression) from a seed.";
  command.spec.usage =
      "-o DATA.csv [--task binary|multiclass|regression] [--rows N] [--features D] [options]";
  command.spec.details =
      "Features are standard normal with neighbours mildly correlated (the last\n"
      "--categorical of them have 8 levels, c0..c7). The target follows a hidden concept\n"
      "drawn from the seed: linear terms, pairwise interactions and steps. Binary and\n"
      "multiclass labels are class0, class1, ...; regression adds Gaussian noise.\n"
      "The same options give the same file on every platform.";
  command.spec.min_positional = 0;
  command.spec.max_positional = 0;
  command.spec.options = {
      {"task", "KIND", "binary (default), multiclass or regression"},
      {"rows", "N", "rows (default 1000)"},
      {"features", "D", "features (default 10)"},
      {"classes", "K", "classes of a multiclass task (default 3)"},
      {"categorical", "M", "how many of the features are categorical (default 0)"},
      {"missing", "FRACTION", "share of feature values left empty, in [0, 1) (default 0)"},
      {"seed", "N", "the seed (default 0)"},
      {"output", "DATA.csv", "where to write the CSV (streamed, atomically)", false, 'o'},
  };
  command.run = [](const ParsedArgs& args) {
    if (!args.has("output")) {
      std::fprintf(stderr, "ember synth: -o DATA.csv is required: where to write the data\n");
      return kExitUsage;
    }
    return run_synth(args);
  };
  return command;
}

}  // namespace ember::cli
