#include "split_flags.h"

#include <map>

#include "ember/base/arena.h"
#include "ember/folds.h"
#include "host/heap_upstream.h"
#include "params.h"

namespace ember::cli {

namespace {

// A whole number in [min, max]; the message states both.
bool count_flag(const ParsedArgs& args, const std::string& name, std::uint32_t min, std::uint32_t max,
                std::uint32_t* out, std::string* error) {
  if (!args.has(name)) return true;
  std::uint64_t v = 0;
  if (!parse_u64(args.get(name), &v) || v < min || v > max) {
    *error = "--" + name + " must be a whole number in " + std::to_string(min) + ".." + std::to_string(max) +
             ", got '" + args.get(name) + "'";
    return false;
  }
  *out = static_cast<std::uint32_t>(v);
  return true;
}

std::string status_text(Status s) { return std::string(status_name(s)) + ": " + status_description(s); }

}  // namespace

void add_split_options(CommandSpec* spec) {
  spec->options.push_back({"folds", "K", "number of folds (splits for --split time), 2..1000; default 5"});
  spec->options.push_back(
      {"split", "KIND", "kfold, stratified, group, time, repeated or holdout (see below)"});
  spec->options.push_back({"test-fraction", "F", "--split holdout: share of rows held out (default 0.25)"});
  spec->options.push_back({"shuffle", "", "shuffle rows (from --seed) before kfold / stratified folds"});
  spec->options.push_back({"repeats", "R", "--split repeated: R shuffled k-folds, 1..1000 (default 10)"});
  spec->options.push_back({"groups", "COL", "--split group: the column naming each row's group"});
  spec->options.push_back({"gap", "N", "--split time: rows left out between training and test rows"});
  spec->options.push_back({"test-size", "N", "--split time: rows per test block (default rows / (K + 1))"});
}

std::string split_help() {
  return "Splits (scikit-learn's model_selection; without shuffling the same rows):\n"
         "  stratified   StratifiedKFold: each fold keeps the class shares (default for classes)\n"
         "  kfold        KFold: consecutive blocks (default for numbers)\n"
         "  repeated     RepeatedKFold / RepeatedStratifiedKFold: --repeats R shuffled k-folds\n"
         "  group        GroupKFold: rows of a --groups COL value stay in one fold\n"
         "  time         TimeSeriesSplit: train on the past rows, test on the next block\n"
         "               (--gap N, --test-size N); rows must be in time order\n"
         "  holdout      one split: --test-fraction F (0.25) of each class's rows (of all\n"
         "               rows for numbers), drawn from --seed, validate (train_test_split)\n"
         "Shuffles come from --seed, so the same seed gives the same folds everywhere.";
}

bool splits_from_args(const ParsedArgs& args, std::uint64_t seed, host::Table* table,
                      std::vector<host::Split>* splits, std::string* description, std::string* error,
                      bool* usage) {
  *usage = true;  // until the flags are checked
  const host::Column& target = table->columns[static_cast<std::size_t>(table->target)];
  const bool classes = target.type == host::ColumnType::categorical;
  std::string kind = args.get("split", classes ? "stratified" : "kfold");
  std::uint32_t folds = 5, repeats = 10, gap = 0, test_size = 0;
  constexpr std::uint32_t kAny = 0xFFFFFFFFu;
  if (!count_flag(args, "folds", kind == "time" ? 1 : 2, kMaxFolds, &folds, error) ||
      !count_flag(args, "repeats", 1, kMaxRepeats, &repeats, error) ||
      !count_flag(args, "gap", 0, kAny, &gap, error) ||
      !count_flag(args, "test-size", 1, kAny, &test_size, error))
    return false;
  const bool shuffle = args.has("shuffle");
  if (kind != "kfold" && kind != "stratified" && kind != "group" && kind != "time" && kind != "repeated" &&
      kind != "holdout") {
    *error = "--split must be kfold, stratified, group, time, repeated or holdout, got '" + kind + "'";
    return false;
  }
  double test_fraction = 0.25;
  if (args.has("test-fraction")) {
    if (kind != "holdout") {
      *error = "--test-fraction applies to --split holdout";
      return false;
    }
    if (!parse_double(args.get("test-fraction"), &test_fraction) ||
        !(test_fraction > 0.0 && test_fraction < 1.0)) {
      *error = "--test-fraction must be a number in (0, 1), got '" + args.get("test-fraction") + "'";
      return false;
    }
  }
  if (kind == "holdout" && args.has("folds")) {
    *error = "--folds does not apply to --split holdout (one split; see --test-fraction)";
    return false;
  }
  if (kind == "stratified" && !classes) {
    *error = "--split stratified needs a categorical target; '" + target.name + "' is numeric (use kfold)";
    return false;
  }
  if (args.has("groups") != (kind == "group")) {
    *error = kind == "group" ? "--split group needs --groups COL" : "--groups applies to --split group";
    return false;
  }
  if ((args.has("gap") || args.has("test-size")) && kind != "time") {
    *error = "--gap and --test-size apply to --split time";
    return false;
  }
  if (args.has("repeats") && kind != "repeated") {
    *error = "--repeats applies to --split repeated";
    return false;
  }
  if (shuffle && (kind == "group" || kind == "time" || kind == "repeated" || kind == "holdout")) {
    *error = "--shuffle applies to --split kfold or stratified (repeated and holdout always shuffle)";
    return false;
  }
  *usage = false;  // from here on, the data does not fit the flags
  const std::size_t n = table->rows;
  {
    // Every split lists its rows: counted before they are made.
    const std::uint64_t lists =
        std::uint64_t{kind == "repeated" ? repeats : 1u} * (kind == "holdout" ? 1u : folds);
    if (lists * n > kMaxSplitRows) {
      *error = std::to_string(lists) + " splits of " + std::to_string(n) + " rows would list " +
               std::to_string(lists * n) + " row numbers, more than " + std::to_string(kMaxSplitRows) +
               " (2 GiB); use fewer --folds or --repeats";
      return false;
    }
  }
  std::vector<std::int32_t> y;
  std::uint32_t n_classes = 0;
  if (classes) {
    n_classes = static_cast<std::uint32_t>(target.labels.size());
    y.assign(target.codes.begin(), target.codes.end());
  }
  const Span<const std::int32_t> ys(y.data(), y.size());
  Arena scratch(nullptr, 0, host::heap_upstream());
  std::vector<std::uint32_t> fold(n);
  const Span<std::uint32_t> fs(fold.data(), n);
  splits->clear();
  auto too_few = [&](Status s) {
    *error = "cannot make " + std::to_string(folds) + " folds of " + std::to_string(n) + " rows (" +
             status_text(s) + ")";
    if (s == Status::bad_value && kind == "stratified") *error += ": every class has fewer rows than folds";
    return false;
  };
  if (kind == "time") {
    for (std::uint32_t i = 0; i < folds; ++i) {
      TimeSplit t;
      const Status s = time_series_split(n, folds, test_size, gap, i, &t);
      if (s != Status::ok) {
        *error = "--split time: " + std::to_string(folds) + " test blocks" +
                 (test_size ? " of " + std::to_string(test_size) + " rows" : "") +
                 (gap ? " after a gap of " + std::to_string(gap) : "") + " do not fit " + std::to_string(n) +
                 " rows with rows left to train on";
        return false;
      }
      host::Split sp;
      for (std::size_t r = 0; r < t.train_end; ++r) sp.train.push_back(r);
      for (std::size_t r = t.test_begin; r < t.test_end; ++r) sp.test.push_back(r);
      splits->push_back(std::move(sp));
    }
    *description = std::to_string(folds) + " time-series splits" +
                   (gap ? ", gap " + std::to_string(gap) : std::string());
    return true;
  }
  if (kind == "holdout") {
    std::vector<std::uint8_t> is_test(n);
    const Status s =
        holdout(n, ys, n_classes, test_fraction, seed, 0, scratch, Span<std::uint8_t>(is_test.data(), n));
    host::Split sp;
    for (std::size_t i = 0; i < n; ++i) (is_test[i] ? sp.test : sp.train).push_back(i);
    if (s != Status::ok || sp.train.empty() || sp.test.empty()) {
      *error = "--split holdout: --test-fraction " + args.get("test-fraction", "0.25") + " of " +
               std::to_string(n) + " rows leaves no rows to " + (sp.train.empty() ? "train on" : "validate");
      return false;
    }
    splits->push_back(std::move(sp));
    *description = "hold-out of " + std::to_string(splits->back().test.size()) + " rows" +
                   (classes ? " (stratified)" : "") + ", seed " + std::to_string(seed);
    return true;
  }
  if (kind == "group") {
    const std::string name = args.get("groups");
    const int g = table->index_of(name);
    if (g < 0) {
      *error = "--groups: no column '" + name + "'";
      return false;
    }
    if (g == table->target) {
      *error = "--groups: '" + name + "' is the target";
      return false;
    }
    const host::Column& gc = table->columns[static_cast<std::size_t>(g)];
    std::vector<std::uint32_t> groups(n);
    std::uint32_t n_groups = 0;
    if (gc.type == host::ColumnType::categorical) {
      n_groups = static_cast<std::uint32_t>(gc.labels.size());
      for (std::size_t i = 0; i < n; ++i) {
        if (gc.codes[i] < 0) {
          *error = "--groups: '" + name + "' is missing in data row " + std::to_string(i + 1);
          return false;
        }
        groups[i] = static_cast<std::uint32_t>(gc.codes[i]);
      }
    } else {
      std::map<float, std::uint32_t> code;
      for (std::size_t i = 0; i < n; ++i) {
        if (gc.values[i] != gc.values[i]) {
          *error = "--groups: '" + name + "' is missing in data row " + std::to_string(i + 1);
          return false;
        }
        code.emplace(gc.values[i], 0);
      }
      for (auto& [v, c] : code) c = n_groups++;
      for (std::size_t i = 0; i < n; ++i) groups[i] = code[gc.values[i]];
    }
    const Status s = group_kfold(Span<const std::uint32_t>(groups.data(), n), n_groups, folds, scratch, fs);
    if (s != Status::ok) {
      *error = "--split group: " + std::to_string(folds) + " folds need at least as many groups; '" + name +
               "' has " + std::to_string(n_groups);
      return false;
    }
    table->columns.erase(table->columns.begin() + g);
    if (table->target > g) --table->target;
    *splits = host::splits_of_folds(fold, folds);
    *description =
        std::to_string(folds) + "-fold by group ('" + name + "', " + std::to_string(n_groups) + " groups)";
    return true;
  }
  const std::uint32_t rounds = kind == "repeated" ? repeats : 1;
  for (std::uint32_t r = 0; r < rounds; ++r) {
    Shuffle sh;
    sh.enabled = shuffle || kind == "repeated";
    sh.seed = seed;
    sh.stream = r;
    const Status s = classes && kind != "kfold" ? stratified_kfold(ys, n_classes, folds, sh, scratch, fs)
                                                : kfold(n, folds, sh, fs);
    if (s != Status::ok) return too_few(s);
    const std::vector<host::Split> round = host::splits_of_folds(fold, folds);
    splits->insert(splits->end(), round.begin(), round.end());
  }
  const bool strat = classes && kind != "kfold";
  if (kind == "repeated") {
    *description = std::to_string(repeats) + " x " + std::to_string(folds) + "-fold" +
                   (strat ? " stratified" : "") + ", shuffled (seed " + std::to_string(seed) + ")";
  } else {
    *description = std::to_string(folds) + "-fold" + (strat ? " stratified" : "") +
                   (shuffle ? ", shuffled (seed " + std::to_string(seed) + ")" : ", not shuffled");
  }
  return true;
}

}  // namespace ember::cli
