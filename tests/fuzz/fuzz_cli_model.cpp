// Fuzz target: the CLI's model-reading path end to end, in process. The
// input is a model file (its CRC-32 and size fields fixed up, so that
// mutations reach the structure checks and the metadata: anyone can
// recompute a CRC). It goes through the functions behind `ember inspect`,
// `inspect --json`, `predict` (labels, --proba, --json, -o) and `eval`
// (text and --json), with CSV files built from the model's own feature
// names, labels and target holding NaN, +-inf, FLT_MAX, denormals, unseen
// and missing cells. Checks beyond "no crash, no sanitizer report, no
// memory bomb" (-rss_limit_mb in tools/fuzz): every command exits 0 or 1
// (never a usage error here), JSON output is valid JSON in valid UTF-8,
// predict's CSV output reads back with one row per input row, and a run
// that fails writes no -o file.
// Built for libFuzzer (preset "fuzz") and, with replay_main.cpp, as a plain
// test over tests/fuzz/cli_corpus (written by make_cli_corpus).
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "ember/runtime/model.h"
#include "ember/runtime/model_format.h"
#include "host/csv.h"
#include "host/model_file.h"
#include "host/safe_text.h"

namespace {

namespace cli = ember::cli;
namespace host = ember::host;

// Above this many features the CSV files would be large for one input;
// inspect still runs.
constexpr std::uint32_t kMaxCsvFeatures = 2048;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_cli_model: %s\n", what);
  std::fflush(stderr);
  __builtin_trap();
}

struct Paths {
  std::string dir, model, csv, inf_csv, plain_csv, out, capture;
};

// The temporary directory, removed at exit.
struct TempDir {
  Paths p;
  ~TempDir() {
    for (const std::string* f : {&p.model, &p.csv, &p.inf_csv, &p.plain_csv, &p.out, &p.capture})
      std::remove(f->c_str());
    rmdir(p.dir.c_str());
  }
};

const Paths& paths() {
  static const TempDir t = [] {
    // $TMPDIR, else /dev/shm when there is one (predict -o syncs its file:
    // on a disk that costs more than the rest of a run), else /tmp.
    const char* tmp = std::getenv("TMPDIR");
    const std::string base = tmp != nullptr && *tmp          ? tmp
                             : access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                             : "/tmp";
    std::string pattern = base + "/fuzz_cli_model.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) finding("cannot make a temporary directory");
    Paths q;
    q.dir = buffer.data();
    q.model = q.dir + "/model.ember";
    q.csv = q.dir + "/rows.csv";
    q.inf_csv = q.dir + "/inf.csv";
    q.plain_csv = q.dir + "/plain.csv";
    q.out = q.dir + "/out.csv";
    q.capture = q.dir + "/stdout.txt";
    return TempDir{q};
  }();
  return t.p;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) finding("cannot write a temporary file");
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// A minimal JSON checker (RFC 8259): one value, strings of valid UTF-8
// without raw control characters.
struct JsonChecker {
  std::string_view s;
  std::size_t i = 0;
  int depth = 0;

  void space() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  }
  bool literal(const char* word) {
    const std::size_t n = std::strlen(word);
    if (s.substr(i, n) != word) return false;
    i += n;
    return true;
  }
  bool string() {
    if (i >= s.size() || s[i] != '"') return false;
    const std::size_t start = ++i;
    while (i < s.size() && s[i] != '"') {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20) return false;
      if (c == '\\') {
        ++i;
        if (i >= s.size()) return false;
        if (s[i] == 'u') {
          for (int k = 1; k <= 4; ++k) {
            if (i + static_cast<std::size_t>(k) >= s.size() ||
                !std::isxdigit(static_cast<unsigned char>(s[i + k])))
              return false;
          }
          i += 4;
        } else if (std::strchr("\"\\/bfnrt", s[i]) == nullptr) {
          return false;
        }
      }
      ++i;
    }
    if (i >= s.size()) return false;
    // Raw bytes must be UTF-8 (escapes are ASCII).
    if (host::text_problem(s.substr(start, i - start), true).rfind("invalid", 0) == 0) return false;
    ++i;
    return true;
  }
  bool number() {
    const std::size_t start = i;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    if (s[i] == '0') {
      ++i;
    } else {
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    return i > start;
  }
  bool value() {
    if (++depth > 64) return false;
    space();
    bool ok = false;
    if (i >= s.size()) {
      ok = false;
    } else if (s[i] == '{') {
      ++i;
      space();
      ok = true;
      if (i < s.size() && s[i] == '}') {
        ++i;
      } else {
        for (;;) {
          space();
          if (!string()) return false;
          space();
          if (i >= s.size() || s[i++] != ':') return false;
          if (!value()) return false;
          space();
          if (i < s.size() && s[i] == ',') {
            ++i;
            continue;
          }
          if (i < s.size() && s[i] == '}') {
            ++i;
            break;
          }
          return false;
        }
      }
    } else if (s[i] == '[') {
      ++i;
      space();
      ok = true;
      if (i < s.size() && s[i] == ']') {
        ++i;
      } else {
        for (;;) {
          if (!value()) return false;
          space();
          if (i < s.size() && s[i] == ',') {
            ++i;
            continue;
          }
          if (i < s.size() && s[i] == ']') {
            ++i;
            break;
          }
          return false;
        }
      }
    } else if (s[i] == '"') {
      ok = string();
    } else if (s[i] == 't') {
      ok = literal("true");
    } else if (s[i] == 'f') {
      ok = literal("false");
    } else if (s[i] == 'n') {
      ok = literal("null");
    } else {
      ok = number();
    }
    --depth;
    return ok;
  }
  bool whole() {
    if (!value()) return false;
    space();
    return i == s.size();
  }
};

// Runs `command` with `positional` and flags (NAME or NAME=VALUE), stdout
// captured into *out. Exits 0 or 1, or it is a finding.
int run(const cli::Command& command, std::vector<std::string> positional,
        const std::vector<std::string>& flags, std::string* out) {
  cli::ParsedArgs args;
  args.positional = std::move(positional);
  for (const std::string& f : flags) {
    const auto eq = f.find('=');
    args.values[f.substr(0, eq)].push_back(eq == std::string::npos ? "" : f.substr(eq + 1));
  }
  const std::string& capture = paths().capture;
  std::fflush(stdout);
  const int saved = dup(1);
  const int fd = open(capture.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (saved < 0 || fd < 0) finding("cannot capture stdout");
  dup2(fd, 1);
  close(fd);
  const int code = command.run(args);
  std::fflush(stdout);
  dup2(saved, 1);
  close(saved);
  *out = read_file(capture);
  if (code != cli::kExitOk && code != cli::kExitFailure) finding("a command exited with neither 0 nor 1");
  return code;
}

// predict and eval print nothing when they fail; inspect prints its report
// and then fails when the golden vectors do (`report_then_fail`).
void check_json(const std::string& text, int code, bool report_then_fail = false) {
  if (code != cli::kExitOk && (!report_then_fail || text.empty())) {
    if (!text.empty()) finding("a failed command printed to stdout");
    return;
  }
  JsonChecker j{text};
  if (!j.whole()) finding("--json printed invalid JSON");
}

std::string csv_row(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t j = 0; j < cells.size(); ++j) line += (j ? "," : "") + host::csv_field(cells[j]);
  return line + "\n";
}

enum class Cells { all, with_inf, known };

// Rows for the model's features (and its target, when it names one): every
// kind of cell in rotation (Cells::all), with inf and -inf as well, or only
// finite numbers and labels the model knows (so that a model that refuses
// unknown categories predicts).
std::string make_csv(const host::LoadedModel& lm, Cells kind, std::size_t* rows) {
  const bool with_inf = kind == Cells::with_inf, known = kind == Cells::known;
  static const char* const kNumbers[] = {
      "0", "1.5", "-2", "NaN",       "",   "3.4028235e38", "-3.4028235e38", "1e-45", "-1.17549435e-38",
      "7", "?",   "-0", "123456789", "0.1"};
  const ember::Model& m = lm.model;
  std::vector<std::string> header = lm.feature_names;
  const bool target = !lm.target.empty();
  if (target) header.push_back(lm.target);
  std::string text = csv_row(header);
  *rows = 14;
  for (std::size_t r = 0; r < *rows; ++r) {
    std::vector<std::string> cells;
    for (std::uint32_t j = 0; j < m.n_features; ++j) {
      const std::size_t pick = (r + j) % 14;
      if (m.n_categories[j] == 0) {
        static const char* const kFinite[] = {"0", "1.5", "-2", "7", "-0", "0.1", "1e-45"};
        cells.push_back(known                   ? kFinite[pick % 7]
                        : with_inf && pick == 3 ? (j % 2 ? "-inf" : "inf")
                                                : kNumbers[pick]);
      } else {
        const std::uint32_t k = m.n_categories[j];
        switch (known ? (pick % 3 == 0 ? 0 : pick % 3 == 1 ? 1 : 4) : pick % 5) {
          case 0:
            cells.push_back(lm.category_label(j, 0));
            break;
          case 1:
            cells.push_back(lm.category_label(j, k - 1));
            break;
          case 2:
            cells.push_back("never seen");
            break;
          case 3:
            cells.push_back("");
            break;
          default:
            cells.push_back(lm.category_label(j, static_cast<std::uint32_t>(r % k)));
        }
      }
    }
    if (target) {
      if (m.n_classes > 0) {
        cells.push_back(lm.class_labels[r % m.n_classes]);
      } else {
        cells.push_back(r % 3 ? "2.5" : "-1");
      }
    }
    text += csv_row(cells);
  }
  return text;
}

void check_predict_output(const std::string& path, std::size_t rows, std::size_t columns) {
  host::CsvOptions options;
  options.header = false;
  host::Table table;
  host::Error error;
  if (!host::read_csv(path, options, &table, &error))
    finding("predict -o wrote a CSV that does not read back");
  if (table.rows != rows + 1 || table.columns.size() != columns)
    finding("predict -o wrote the wrong number of rows or columns");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cli::Command inspect = cli::inspect_command(), predict = cli::predict_command(),
                            eval = cli::eval_command();
  const Paths& p = paths();
  // The size and CRC fields fixed up (FileHeader: crc32 at 8 over [0, 8)
  // and [12, size), file_size at 12).
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (size >= sizeof(ember::format::FileHeader)) {
    const auto n = static_cast<std::uint32_t>(size);
    std::memcpy(&bytes[12], &n, 4);
    std::uint32_t crc = ember::crc32(bytes.data(), 8);
    crc = ember::crc32(bytes.data() + 12, size - 12, crc);
    std::memcpy(&bytes[8], &crc, 4);
  }
  write_file(p.model, bytes);

  std::string out;
  run(inspect, {p.model}, {}, &out);
  check_json(out, run(inspect, {p.model}, {"json"}, &out), true);

  host::LoadedModel lm;
  host::Error error;
  if (!host::load_model_file(p.model, &lm, &error)) {
    if (error.message.empty()) finding("a refused model has no message");
    return 0;
  }
  if (lm.model.n_features > kMaxCsvFeatures) return 0;
  std::size_t rows = 0;
  write_file(p.csv, make_csv(lm, Cells::all, &rows));
  write_file(p.inf_csv, make_csv(lm, Cells::with_inf, &rows));
  write_file(p.plain_csv, make_csv(lm, Cells::known, &rows));
  const bool classifier = lm.model.n_classes > 0;
  for (const std::string* csv : {&p.csv, &p.inf_csv, &p.plain_csv}) {
    run(predict, {p.model, *csv}, {}, &out);
    check_json(out, run(predict, {p.model, *csv}, {"json"}, &out));
    if (classifier) check_json(out, run(predict, {p.model, *csv}, {"proba", "json"}, &out));
    std::remove(p.out.c_str());
    const int code = run(predict, {p.model, *csv}, {"output=" + p.out}, &out);
    if (code == cli::kExitOk) {
      check_predict_output(p.out, rows, 1);
    } else if (file_exists(p.out)) {
      finding("a failed predict -o left an output file");
    }
    if (classifier) {
      std::remove(p.out.c_str());
      if (run(predict, {p.model, *csv}, {"proba", "output=" + p.out}, &out) == cli::kExitOk)
        check_predict_output(p.out, rows, lm.model.n_classes);
    }
    // The inf file must be refused: no output from infinite inputs.
    if (csv == &p.inf_csv && code == cli::kExitOk) {
      bool numeric = false;
      for (std::uint32_t j = 0; j < lm.model.n_features; ++j)
        numeric = numeric || lm.model.n_categories[j] == 0;
      if (numeric) finding("predict made an output from a row with inf");
    }
    run(eval, {p.model, *csv}, {}, &out);
    check_json(out, run(eval, {p.model, *csv}, {"json"}, &out));
  }
  return 0;
}
