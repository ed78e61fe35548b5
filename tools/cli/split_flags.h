// How `cv` and `search` split the rows: --folds, --split, --shuffle,
// --repeats, --groups, --gap, --test-size, turned into host::Splits with the
// core's folds (include/ember/folds.h).
#ifndef EMBER_CLI_SPLIT_FLAGS_H
#define EMBER_CLI_SPLIT_FLAGS_H

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "host/cross_validation.h"
#include "host/table.h"

namespace ember::cli {

// Bounds, stated in the messages: --folds 2..1000 (1..1000 for --split
// time), --repeats 1..1000, and the splits' row lists (every split lists
// each row once, as training or test row) at most kMaxSplitRows numbers
// (2 GiB), checked before they are made.
constexpr std::uint32_t kMaxFolds = 1000;
constexpr std::uint32_t kMaxRepeats = 1000;
constexpr std::uint64_t kMaxSplitRows = std::uint64_t{1} << 28;

void add_split_options(CommandSpec* spec);
std::string split_help();

// The splits for `table` (target set). A --groups column is taken out of
// *table (it names the groups, it is not a feature). *description says
// what was done ("5-fold stratified, not shuffled"). Errors (false,
// *error): bad flag values, a groups column that is missing or has missing
// values, too few rows, classes or groups for the folds; *usage says
// whether the flags themselves are wrong (exit 2) or the data (exit 1).
bool splits_from_args(const ParsedArgs& args, std::uint64_t seed, host::Table* table,
                      std::vector<host::Split>* splits, std::string* description, std::string* error,
                      bool* usage);

}  // namespace ember::cli

#endif  // EMBER_CLI_SPLIT_FLAGS_H
