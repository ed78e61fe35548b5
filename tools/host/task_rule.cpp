#include "host/task_rule.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "host/text.h"

namespace ember::host {

TaskRule auto_task(const Column& target) {
  TaskRule rule;
  const std::string name = "'" + target.name + "'";
  if (target.type == ColumnType::categorical) {
    rule.classification = true;
    rule.reason = "auto: " + name + " holds text labels";
    if (!target.labels.empty()) rule.reason += " (e.g. '" + target.labels[0] + "')";
    return rule;
  }
  std::vector<float> seen;  // sorted distinct values, at most kAutoMaxClasses
  for (std::size_t i = 0; i < target.values.size(); ++i) {
    const float v = target.values[i];
    if (std::isnan(v)) continue;
    if (!std::isfinite(v) || std::floor(v) != v) {
      rule.reason = "auto: " + name + " holds numbers that are not whole (" +
                    format_number("%.7g", static_cast<double>(v)) + " in data row " + std::to_string(i + 1) +
                    ")";
      return rule;
    }
    const auto at = std::lower_bound(seen.begin(), seen.end(), v);
    if (at != seen.end() && *at == v) continue;
    if (seen.size() == kAutoMaxClasses) {
      rule.reason = "auto: " + name + " holds more than " + std::to_string(kAutoMaxClasses) +
                    " distinct whole numbers (--task classification makes them classes)";
      return rule;
    }
    seen.insert(at, v);
  }
  if (seen.empty()) {
    rule.reason = "auto: " + name + " holds no value";
    return rule;
  }
  rule.classification = true;
  rule.distinct = seen.size();
  rule.reason = "auto: " + name + " holds " + std::to_string(seen.size()) + " distinct whole number" +
                (seen.size() == 1 ? "" : "s") + " (at most " + std::to_string(kAutoMaxClasses) +
                " make classes; --task regression fits a number)";
  return rule;
}

std::vector<std::vector<std::string>> same_number_labels(const Column& column) {
  std::vector<std::vector<std::string>> groups;
  if (column.type != ColumnType::categorical) return groups;
  std::map<float, std::vector<std::string>> by_value;
  for (const std::string& label : column.labels) {
    double v = 0.0;
    if (parse_number(label, &v)) by_value[static_cast<float>(v)].push_back(label);
  }
  for (auto& [value, labels] : by_value) {
    (void)value;
    if (labels.size() > 1) groups.push_back(labels);
  }
  // In the order of each group's first label (labels are sorted).
  std::sort(groups.begin(), groups.end());
  return groups;
}

}  // namespace ember::host
