// Reference values made once by the scripts in tests/data/reference: files
// of "case NAME" lines, each followed by "key v1 v2 ..." lines ('#' starts a
// comment line).
#ifndef EMBER_TEST_REFERENCE_FILE_H
#define EMBER_TEST_REFERENCE_FILE_H

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ember::test {

using ReferenceCase = std::map<std::string, std::vector<double>>;

// Every case of tests/data/reference/`file`, read once.
inline const std::map<std::string, ReferenceCase>& reference_file(const std::string& file) {
  static std::map<std::string, std::map<std::string, ReferenceCase>> files;
  auto found = files.find(file);
  if (found != files.end()) return found->second;
  std::map<std::string, ReferenceCase> cases;
  std::ifstream f(std::string(EMBER_TEST_DATA_DIR) + "/reference/" + file);
  REQUIRE_MESSAGE(f.good(), "cannot read reference file " << file);
  std::string line, current;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string key;
    if (!(in >> key) || key[0] == '#') continue;
    if (key == "case") {
      in >> current;
      continue;
    }
    std::vector<double>& values = cases[current][key];
    double v = 0.0;
    while (in >> v) values.push_back(v);
  }
  return files.emplace(file, std::move(cases)).first->second;
}

// The values under `key` of case `name` in `file`.
inline const std::vector<double>& reference_values(const std::string& file, const std::string& name,
                                                   const std::string& key) {
  const auto& cases = reference_file(file);
  const auto c = cases.find(name);
  REQUIRE_MESSAGE(c != cases.end(), "no case " << name << " in " << file);
  const auto k = c->second.find(key);
  REQUIRE_MESSAGE(k != c->second.end(), "no key " << key << " in case " << name << " of " << file);
  return k->second;
}

}  // namespace ember::test

#endif  // EMBER_TEST_REFERENCE_FILE_H
