// The task a target column asks for, classes or a number: the one rule that
// `ember train`, `cv` and `search` follow under `--task auto` and that
// `ember describe` uses for its target section, so that they agree.
//
//   A categorical (text) target is classification. A numeric target is
//   classification when every present value is a finite whole number and
//   there are at most kAutoMaxClasses (20) distinct values; otherwise it is
//   regression.
//
// Class labels are text: a numeric target fitted as classes is read again
// with its cells as labels, so `01`, `1` and `1.0` are three classes (as
// `eval` and `predict` compare labels byte for byte); same_number_labels
// finds such spellings for a warning.
#ifndef EMBER_HOST_TASK_RULE_H
#define EMBER_HOST_TASK_RULE_H

#include <cstddef>
#include <string>
#include <vector>

#include "host/table.h"

namespace ember::host {

// A numeric target with at most this many distinct whole numbers is classes.
constexpr std::size_t kAutoMaxClasses = 20;

struct TaskRule {
  bool classification = false;
  // Why, for people: "'digit' holds 10 distinct whole numbers (at most 20
  // make classes; --task regression fits a number)".
  std::string reason;
  std::size_t distinct = 0;  // numeric classes: the distinct values
};

// The rule applied to `target` (missing values are left out).
TaskRule auto_task(const Column& target);

// Groups of two or more labels of a categorical column that read as the
// same number (float32, as a numeric column would hold them) but are
// spelled differently, e.g. {"01", "1", "1.0"}; each group in label order.
std::vector<std::vector<std::string>> same_number_labels(const Column& column);

}  // namespace ember::host

#endif  // EMBER_HOST_TASK_RULE_H
