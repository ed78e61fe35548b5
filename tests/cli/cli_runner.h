// Runs the built `ember` executable for the CLI tests (under qemu when
// cross-compiled) and captures its exit code, stdout and stderr.
#ifndef EMBER_TEST_CLI_RUNNER_H
#define EMBER_TEST_CLI_RUNNER_H

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ember::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string data(const std::string& name) { return std::string(EMBER_TEST_DATA_DIR) + "/" + name; }

// Runs `ember ARGS` through the shell.
inline RunResult run_ember(const std::string& args) {
  static int counter = 0;
  const std::string err_path = "ember_cli_test_stderr_" + std::to_string(++counter) + ".txt";
  const std::string command = std::string(EMBER_CLI) + " " + args + " 2>" + err_path;
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err_file(err_path);
  std::stringstream ss;
  ss << err_file.rdbuf();
  result.err = ss.str();
  std::remove(err_path.c_str());
  return result;
}

// Runs a shell command and returns its stdout.
inline std::string run_shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

// The number after "key": in a JSON text (the first such key); fails the
// test case when the key is not there.
inline double json_number(const std::string& json, const std::string& key) {
  const std::size_t at = json.find("\"" + key + "\":");
  REQUIRE_MESSAGE(at != std::string::npos, key << " in " << json);
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

}  // namespace ember::test

#endif  // EMBER_TEST_CLI_RUNNER_H
