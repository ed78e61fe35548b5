#include "host/run_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "host/text.h"

namespace ember::host {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- text

namespace {

// The code point of the well-formed sequence at s[i] (its length in *n),
// or false where a maximal ill-formed part of *n bytes starts (Unicode's
// "substitution of maximal subparts", which Python follows).
bool decode_utf8(const std::string& s, std::size_t i, std::uint32_t* cp, std::size_t* n) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) {
    *cp = c;
    *n = 1;
    return true;
  }
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    *cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    *cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    *cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *n = 1;
    return false;
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) break;
    const unsigned char d = at(i + k);
    if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) break;
    *cp = (*cp << 6) | (d & 0x3F);
  }
  *n = k;
  return k == need + 1;
}

void append_utf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Characters a YAML file may hold as they are (PyYAML's reader refuses the
// others), on code points.
bool yaml_printable(std::uint32_t cp) {
  return cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
         (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

}  // namespace

std::string utf8_text(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (decode_utf8(bytes, i, &cp, &n)) {
      out.append(bytes, i, n);
    } else {
      out += "\xEF\xBF\xBD";
    }
    i += n;
  }
  return out;
}

std::string yaml_scalar(const std::string& text) {
  const std::string s = utf8_text(text);
  // Single quotes hold any printable character but line breaks (which
  // would be folded) and the ones YAML 1.1 counts as line breaks or BOMs.
  bool plain_enough = true;
  for (std::size_t i = 0; i < s.size() && plain_enough;) {
    std::uint32_t cp = 0;
    std::size_t n = 0;
    decode_utf8(s, i, &cp, &n);
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
        cp == 0xFEFF || !yaml_printable(cp))
      plain_enough = false;
    i += n;
  }
  if (plain_enough) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t n = 0;
    decode_utf8(s, i, &cp, &n);
    char buffer[16];
    switch (cp) {
      case 0:
        out += "\\0";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      case 0x1B:
        out += "\\e";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
          std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(cp));
          out += buffer;
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || !yaml_printable(cp)) {
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(cp));
          out += buffer;
        } else {
          out.append(s, i, n);
        }
    }
    i += n;
  }
  return out + "\"";
}

namespace {

// A scalar's text after "key:", on one line (continuations folded in).
bool parse_scalar(std::string v, YamlScalar* out, std::string* problem) {
  const std::size_t first = v.find_first_not_of(' ');
  v = first == std::string::npos ? "" : v.substr(first);
  // After a quoted scalar: only spaces or a comment.
  const auto rest_ok = [&](std::size_t after) {
    const std::size_t k = v.find_first_not_of(' ', after);
    return k == std::string::npos || (v[k] == '#' && k > after);
  };
  if (!v.empty() && v[0] == '\'') {
    std::string s;
    std::size_t i = 1;
    for (; i < v.size(); ++i) {
      if (v[i] != '\'') {
        s += v[i];
      } else if (i + 1 < v.size() && v[i + 1] == '\'') {
        s += '\'';
        ++i;
      } else {
        break;
      }
    }
    if (i >= v.size()) {
      *problem = "a single-quoted value without its closing quote";
      return false;
    }
    if (!rest_ok(i + 1)) {
      *problem = "text after a single-quoted value";
      return false;
    }
    out->text = s;
    out->quoted = true;
    return true;
  }
  if (!v.empty() && v[0] == '"') {
    std::string s;
    std::size_t i = 1;
    for (; i < v.size() && v[i] != '"'; ++i) {
      if (v[i] != '\\') {
        s += v[i];
        continue;
      }
      if (++i >= v.size()) break;
      const char e = v[i];
      const std::size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (hex != 0) {
        const std::string digits = v.substr(i + 1, hex);
        if (digits.size() != hex || digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          *problem = std::string("a bad \\") + e + " escape in a double-quoted value";
          return false;
        }
        const auto cp = static_cast<std::uint32_t>(std::strtoul(digits.c_str(), nullptr, 16));
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          *problem = "an escape that is not a character, in a double-quoted value";
          return false;
        }
        append_utf8(&s, cp);
        i += hex;
        continue;
      }
      static const char* const from = "0abtnvfre \"/\\\t";
      static const char* const to[] = {"\0", "\a",   "\b", "\t", "\n", "\v", "\f",
                                       "\r", "\x1b", " ",  "\"", "/",  "\\", "\t"};
      const char* hit = std::strchr(from, e);
      if (e != '\0' && hit != nullptr) {
        const std::size_t k = static_cast<std::size_t>(hit - from);
        s += k == 0 ? std::string(1, '\0') : std::string(to[k]);
      } else if (e == 'N') {
        s += "\xC2\x85";
      } else if (e == '_') {
        s += "\xC2\xA0";
      } else if (e == 'L') {
        s += "\xE2\x80\xA8";
      } else if (e == 'P') {
        s += "\xE2\x80\xA9";
      } else {
        *problem = std::string("an unknown escape \\") + e + " in a double-quoted value";
        return false;
      }
    }
    if (i >= v.size()) {
      *problem = "a double-quoted value without its closing quote";
      return false;
    }
    if (!rest_ok(i + 1)) {
      *problem = "text after a double-quoted value";
      return false;
    }
    out->text = s;
    out->quoted = true;
    return true;
  }
  // Plain: up to a comment, without trailing spaces.
  const std::size_t comment = v.find(" #");
  if (comment != std::string::npos) v.resize(comment);
  if (!v.empty() && v[0] == '#') v.clear();
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (v.find(": ") != std::string::npos || (!v.empty() && v.back() == ':')) {
    *problem = "a ': ' inside an unquoted value";
    return false;
  }
  out->text = v.empty() || v == "~" ? "null" : v;
  out->quoted = false;
  return true;
}

}  // namespace

bool parse_yaml_mapping(const std::string& text, std::vector<std::pair<std::string, YamlScalar>>* out,
                        std::string* problem) {
  out->clear();
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (!decode_utf8(text, i, &cp, &n)) {
      *problem = "not UTF-8 (byte " + std::to_string(i + 1) + ")";
      return false;
    }
    if (!yaml_printable(cp)) {
      *problem = "a control character (byte " + std::to_string(i + 1) + ")";
      return false;
    }
    i += n;
  }
  // Entries with their raw value text (continuation lines folded in).
  std::vector<std::pair<std::string, std::string>> raw;
  std::vector<std::size_t> raw_lines;
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  bool in_list = false;  // under "key:" with an empty value: "- item" lines
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t content = line.find_first_not_of(' ');
    if (content == std::string::npos) {
      if (!raw.empty() && !raw.back().second.empty()) raw.back().second += '\n';
      continue;
    }
    if (line[content] == '#' || line == "---" || line == "...") continue;
    if (in_list && line[content] == '-') continue;
    if (content > 0) {
      if (raw.empty()) {
        *problem = "line " + std::to_string(number) + " is indented, with no key before it";
        return false;
      }
      std::string& v = raw.back().second;
      if (!v.empty() && v.back() != '\n') v += ' ';
      v += line.substr(content);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || (colon + 1 < line.size() && line[colon + 1] != ' ')) {
      *problem = "line " + std::to_string(number) + " is not 'key: value'";
      return false;
    }
    raw.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    raw_lines.push_back(number);
    in_list = line.find_first_not_of(' ', colon + 1) == std::string::npos;
  }
  for (std::size_t k = 0; k < raw.size(); ++k) {
    std::string v = raw[k].second;
    while (!v.empty() && v.back() == '\n') v.pop_back();
    YamlScalar s;
    if (!parse_scalar(v, &s, problem)) {
      *problem = raw[k].first + " (line " + std::to_string(raw_lines[k]) + "): " + *problem;
      return false;
    }
    out->emplace_back(raw[k].first, s);
  }
  return true;
}

std::string file_uri(const std::string& path) {
  std::string p = fs::absolute(fs::path(path)).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  static const char* const hex = "0123456789ABCDEF";
  std::string out = "file://";
  for (char ch : p) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
        c == '-' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------- files

namespace {

using Yaml = std::vector<std::pair<std::string, YamlScalar>>;

// The last value of `key` (as safe_load keeps the last), or null.
const YamlScalar* yaml_find(const Yaml& y, const std::string& key) {
  for (auto it = y.rbegin(); it != y.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

std::string yaml_get(const Yaml& y, const std::string& key) {
  const YamlScalar* v = yaml_find(y, key);
  return v == nullptr ? "" : v->text;
}

bool read_text(const fs::path& p, std::string* out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return !f.bad();
}

Error io_error(const fs::path& p, const std::string& what) {
  return Error{p.string(), 0, 0, what + ": " + std::strerror(errno)};
}

// Writes a file inside a folder being built (the folder is renamed into
// place whole, so the file itself need not be replaced atomically);
// `sync`: on the disk before this returns.
bool write_new(const fs::path& p, const std::string& bytes, bool sync, Error* error) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = io_error(p, "cannot create");
    return false;
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = io_error(p, "cannot write");
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if ((sync && ::fdatasync(fd) != 0) || ::close(fd) != 0) {
    *error = io_error(p, "cannot write");
    return false;
  }
  return true;
}

// rename(2) that fails with EEXIST (or ENOTEMPTY) instead of replacing an
// existing target, even an empty folder.
int rename_exclusive(const fs::path& from, const fs::path& to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
  struct stat st;
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return std::rename(from.c_str(), to.c_str());
}

// The folder's entries on the disk (a rename into it, durable).
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string random_hex(std::size_t digits) {
  std::random_device device;
  std::mt19937_64 gen(
      (static_cast<std::uint64_t>(device()) << 32) ^ device() ^
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (static_cast<std::uint64_t>(::getpid()) << 16));
  static const char* const hex = "0123456789abcdef";
  std::string id;
  for (std::size_t i = 0; i < digits; ++i) id += hex[gen() & 15];
  return id;
}

std::string user_name() {
  const char* u = std::getenv("USER");
  return u != nullptr && *u != '\0' ? u : "unknown";
}

// A folder name MLflow accepts as an experiment id.
bool experiment_id_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool numeric_name(const std::string& s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool run_id_name(const std::string& s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A lock file held with flock while this object lives.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { release(); }
  // Opens (creating it unless `exclusive_create`, then it must be new)
  // and locks `path`, waiting for it.
  bool acquire(const fs::path& path, bool exclusive_create, Error* error) {
    const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (exclusive_create ? O_EXCL : 0);
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) {
      *error = io_error(path, "cannot create the lock file");
      return false;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      // A file system without locks: carry on unlocked (ids are still
      // claimed by exclusive renames).
      if (errno == ENOLCK || errno == EOPNOTSUPP || errno == EINVAL) break;
      *error = io_error(path, "cannot lock");
      release();
      return false;
    }
    return true;
  }
  // Is the file at `path` still the one locked (not removed meanwhile)?
  bool still_at(const fs::path& path) const {
    struct stat a, b;
    return fd_ >= 0 && ::fstat(fd_, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
  }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

constexpr const char* kStoreLock = "store.lock";

std::string experiment_meta(const fs::path& final_dir, const std::string& id, const std::string& name,
                            std::int64_t now) {
  return "artifact_location: " + yaml_scalar(file_uri(final_dir.string())) +
         "\ncreation_time: " + std::to_string(now) + "\nexperiment_id: " + yaml_scalar(id) +
         "\nlast_update_time: " + std::to_string(now) +
         "\nlifecycle_stage: active\nname: " + yaml_scalar(name) + "\n";
}

// Makes experiment `id` named `name`: built in the temp folder, renamed
// into place unless `root/id` exists (then *taken).
bool make_experiment(const fs::path& root, const std::string& id, const std::string& name, std::int64_t now,
                     bool* taken, Error* error) {
  *taken = false;
  const fs::path temp = root / kTempFolder / ("exp-" + id + "-" + random_hex(16));
  const fs::path final_dir = root / id;
  std::error_code ec;
  if (!fs::create_directory(temp, ec) || ec) {
    *error = Error{temp.string(), 0, 0, "cannot create the experiment folder: " + ec.message()};
    return false;
  }
  if (!write_new(temp / "meta.yaml", experiment_meta(final_dir, id, name, now), true, error)) {
    fs::remove_all(temp, ec);
    return false;
  }
  if (rename_exclusive(temp, final_dir) == 0) {
    sync_folder(root);
  } else {
    const int e = errno;
    fs::remove_all(temp, ec);
    if (e == EEXIST || e == ENOTEMPTY) {
      *taken = true;
      return false;
    }
    errno = e;
    *error = io_error(final_dir, "cannot move the new experiment into place");
    return false;
  }
  return true;
}

struct ExperimentScan {
  std::string found_id;           // active experiment with the name
  std::string deleted;            // a deleted one with the name: its folder
  bool has_default_slot = false;  // 0 is in use (active or deleted)
  bool default_named = false;     // an active experiment is named "Default"
  std::uint64_t highest = 0;      // highest numeric id in use
  bool any_numeric = false;
};

void scan_experiments(const fs::path& root, const std::string& name, ExperimentScan* scan) {
  *scan = ExperimentScan{};
  std::error_code ec;
  for (const fs::path& parent : {root, root / ".trash"}) {
    const bool trash = parent != root;
    std::vector<std::string> ids;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      const std::string dir = entry.path().filename().string();
      std::error_code e2;
      if (!entry.is_directory(e2) || !experiment_id_name(dir)) continue;
      ids.push_back(dir);
    }
    std::sort(ids.begin(), ids.end());
    for (const std::string& dir : ids) {
      if (dir == "0") scan->has_default_slot = true;
      if (numeric_name(dir)) {
        scan->highest = std::max<std::uint64_t>(scan->highest, std::strtoull(dir.c_str(), nullptr, 10));
        scan->any_numeric = true;
      }
      std::string meta;
      Yaml y;
      std::string problem;
      if (!read_text(parent / dir / "meta.yaml", &meta) || !parse_yaml_mapping(meta, &y, &problem)) continue;
      const bool deleted = trash || yaml_get(y, "lifecycle_stage") == "deleted";
      if (!deleted && yaml_get(y, "name") == "Default") scan->default_named = true;
      if (yaml_get(y, "name") != name) continue;
      if (deleted) {
        if (scan->deleted.empty()) scan->deleted = (parent / dir).string();
      } else if (scan->found_id.empty()) {
        scan->found_id = dir;
      }
    }
  }
}

// The experiment named `name` in `root`: its id, found or made.
bool experiment_id(const fs::path& root, const std::string& name, std::int64_t now, std::string* id,
                   Error* error) {
  ExperimentScan scan;
  scan_experiments(root, name, &scan);
  if (!scan.found_id.empty() && (scan.has_default_slot || scan.default_named)) {
    *id = scan.found_id;
    return true;
  }
  // Made under the store's lock: one process at a time decides.
  FileLock lock;
  if (!lock.acquire(root / kTempFolder / kStoreLock, false, error)) return false;
  scan_experiments(root, name, &scan);
  if (!scan.has_default_slot && !scan.default_named) {
    bool taken = false;
    if (!make_experiment(root, "0", "Default", now, &taken, error) && !taken) return false;
    scan_experiments(root, name, &scan);
  }
  if (!scan.found_id.empty()) {
    *id = scan.found_id;
    return true;
  }
  if (!scan.deleted.empty()) {
    *error = Error{"", 0, 0,
                   "experiment '" + name + "' is deleted (in " + scan.deleted +
                       "); restore it in MLflow, or track under another name"};
    return false;
  }
  std::uint64_t next = std::max<std::uint64_t>(1, scan.any_numeric ? scan.highest + 1 : 1);
  for (int attempt = 0; attempt < 1000; ++attempt, ++next) {
    bool taken = false;
    if (make_experiment(root, std::to_string(next), name, now, &taken, error)) {
      *id = std::to_string(next);
      return true;
    }
    if (!taken) return false;
  }
  *error = Error{root.string(), 0, 0, "cannot find a free experiment id (1000 tried)"};
  return false;
}

// A run's files, by path relative to its folder, in writing order (a key
// given twice: the last value).
std::vector<std::pair<std::string, std::string>> run_files(const RunRecord& run, std::int64_t end_ms) {
  std::map<std::string, std::string> files;
  std::vector<std::string> order;
  const auto put = [&](const std::string& path, const std::string& bytes) {
    if (files.count(path) == 0) order.push_back(path);
    files[path] = bytes;
  };
  for (const auto& [k, v] : run.params) put("params/" + k, utf8_text(v));
  std::vector<std::pair<std::string, std::string>> tags = {{"mlflow.runName", run.name},
                                                           {"mlflow.user", user_name()},
                                                           {"mlflow.source.name", "ember"},
                                                           {"mlflow.source.type", "LOCAL"}};
  if (!run.parent_run_id.empty()) tags.emplace_back("mlflow.parentRunId", run.parent_run_id);
  tags.insert(tags.end(), run.tags.begin(), run.tags.end());
  for (const auto& [k, v] : tags) put("tags/" + k, utf8_text(v));
  // One file per metric key; its points in the order given.
  std::vector<std::string> keys;
  for (const MetricPoint& m : run.metrics) {
    if (std::find(keys.begin(), keys.end(), m.key) == keys.end()) keys.push_back(m.key);
  }
  for (const std::string& k : keys) {
    std::string lines;
    for (const MetricPoint& m : run.metrics) {
      if (m.key != k) continue;
      lines += std::to_string(m.timestamp_ms != 0 ? m.timestamp_ms : end_ms) + " " +
               shortest_number(m.value) + " " + std::to_string(m.step) + "\n";
    }
    put("metrics/" + k, lines);
  }
  for (const auto& [file, bytes] : run.artifacts) put("artifacts/" + file, bytes);
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& p : order) out.emplace_back(p, files[p]);
  return out;
}

// The folders `files` need below the run's folder (params/nested, ...).
std::set<std::string> run_folders(const std::vector<std::pair<std::string, std::string>>& files) {
  std::set<std::string> dirs = {"params", "metrics", "tags", "artifacts"};
  for (const auto& f : files) {
    for (std::size_t slash = f.first.find('/'); slash != std::string::npos;
         slash = f.first.find('/', slash + 1))
      dirs.insert(f.first.substr(0, slash));
  }
  return dirs;
}

std::atomic<bool> g_cleaned{false};

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string runs_directory(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("EMBER_RUNS");
  return env != nullptr && *env != '\0' ? env : "mlruns";
}

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > 250 || key[0] == '/' || key.find("..") != std::string::npos) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == ' ';
  });
}

std::size_t run_entries(const RunRecord& run) {
  const auto files = run_files(run, 0);
  return 1 + 1 + run_folders(files).size() + files.size();  // the folder, meta.yaml, folders, files
}

std::size_t remove_stale_run_temporaries(const std::string& root_text) {
  const fs::path root(root_text), temp = root / kTempFolder;
  std::size_t removed = 0;
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(temp, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  const auto now = fs::file_time_type::clock::now();
  const auto old = [&](const fs::path& p) {
    std::error_code e;
    const auto t = fs::last_write_time(p, e);
    return !e && now - t > std::chrono::hours(1);
  };
  for (const fs::path& p : entries) {
    const std::string name = p.filename().string();
    if (name == kStoreLock) continue;
    const bool lock_file = name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0;
    if (lock_file) {
      const int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        // No process holds it: its owner is gone.
        const fs::path folder = temp / name.substr(0, name.size() - 5);
        std::error_code e;
        fs::remove_all(folder, e);
        ::unlink(p.c_str());
        ++removed;
      }
      ::close(fd);
      continue;
    }
    // A folder without a lock: an experiment being built (that takes
    // moments), or something left without one; only once an hour old.
    std::error_code e;
    if (fs::is_directory(p, e) && !fs::exists(p.string() + ".lock", e) && old(p)) {
      fs::remove_all(p, e);
      ++removed;
    }
  }
  // Older embers built runs as <experiment>/.tmp-<id>.
  for (const auto& exp : fs::directory_iterator(root, ec)) {
    std::error_code e;
    if (!exp.is_directory(e) || !experiment_id_name(exp.path().filename().string())) continue;
    std::vector<fs::path> stale;
    for (const auto& r : fs::directory_iterator(exp.path(), e)) {
      if (r.path().filename().string().rfind(".tmp-", 0) == 0 && old(r.path())) stale.push_back(r.path());
    }
    for (const fs::path& s : stale) {
      fs::remove_all(s, e);
      ++removed;
    }
  }
  return removed;
}

bool record_run(const std::string& root_text, const RunRecord& given, std::string* run_id, Error* error) {
  RunRecord run = given;
  run.experiment = utf8_text(run.experiment);
  run.name = utf8_text(run.name);
  const auto control = [](const std::string& t) {
    for (char ch : t) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
  };
  if (run.experiment.empty() || control(run.experiment) || control(run.name)) {
    *error = Error{
        "", 0, 0,
        "the experiment name must be non-empty, and the experiment and run names free of control characters"};
    return false;
  }
  for (const auto* list : {&run.params, &run.tags}) {
    for (const auto& [k, v] : *list) {
      (void)v;
      if (!valid_key(k)) {
        *error = Error{"", 0, 0, "cannot track '" + k + "': not a valid MLflow key"};
        return false;
      }
    }
  }
  for (const MetricPoint& m : run.metrics) {
    if (!valid_key(m.key)) {
      *error = Error{"", 0, 0, "cannot track metric '" + m.key + "': not a valid MLflow key"};
      return false;
    }
  }
  for (const auto& a : run.artifacts) {
    if (!valid_key(a.first) || a.first.find('/') != std::string::npos) {
      *error = Error{"", 0, 0, "cannot track artifact '" + a.first + "': not a plain file name"};
      return false;
    }
  }
  const fs::path root(root_text), temp_root = root / kTempFolder;
  std::error_code ec;
  fs::create_directories(temp_root, ec);
  if (ec) {
    *error = Error{root_text, 0, 0, "cannot create the runs folder: " + ec.message()};
    return false;
  }
  if (!g_cleaned.exchange(true)) remove_stale_run_temporaries(root_text);
  std::string exp_id;
  if (!experiment_id(root, run.experiment, run.start_ms, &exp_id, error)) return false;

  // Claim a build folder: its lock first (made new, then held), then the
  // folder; a lock removed meanwhile (by a cleaner that found it free in
  // that instant) means another id.
  std::string id;
  fs::path temp, lock_path;
  FileLock lock;
  for (int attempt = 0;; ++attempt) {
    id = random_hex(32);
    temp = temp_root / ("run-" + id);
    lock_path = temp_root / ("run-" + id + ".lock");
    Error e;
    if (lock.acquire(lock_path, true, &e) && lock.still_at(lock_path)) break;
    lock.release();
    if (attempt == 10) {
      *error = e.message.empty() ? Error{lock_path.string(), 0, 0, "cannot claim a build folder"} : e;
      return false;
    }
  }
  const auto give_up = [&]() {
    std::error_code ignore;
    fs::remove_all(temp, ignore);
    ::unlink(lock_path.c_str());
    return false;
  };
  const fs::path final_dir = root / exp_id / id;
  const auto files = run_files(run, run.end_ms);
  fs::create_directory(temp, ec);
  for (const std::string& d : run_folders(files)) {
    if (!ec) fs::create_directories(temp / d, ec);
  }
  if (ec) {
    *error = Error{temp.string(), 0, 0, "cannot create the run folder: " + ec.message()};
    return give_up();
  }
  const std::string meta =
      "artifact_uri: " + yaml_scalar(file_uri((final_dir / "artifacts").string())) +
      "\nend_time: " + std::to_string(run.end_ms) +
      "\nentry_point_name: ''\nexperiment_id: " + yaml_scalar(exp_id) +
      "\nlifecycle_stage: active\nrun_id: " + yaml_scalar(id) + "\nrun_name: " + yaml_scalar(run.name) +
      "\nrun_uuid: " + yaml_scalar(id) +
      "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: " + std::to_string(run.start_ms) +
      "\nstatus: " + (run.failed ? "4" : "3") + "\ntags: []\nuser_id: " + yaml_scalar(user_name()) + "\n";
  // A run of its own is on the disk when its command ends; the runs nested
  // under a search (thousands, maybe) are left to the kernel's write-back.
  const bool sync = run.parent_run_id.empty();
  if (!write_new(temp / "meta.yaml", meta, sync, error)) return give_up();
  for (const auto& [path, bytes] : files) {
    if (!write_new(temp / path, bytes, sync, error)) return give_up();
  }
  if (rename_exclusive(temp, final_dir) != 0) {
    *error = io_error(final_dir, "cannot move the run into place");
    return give_up();
  }
  if (sync) sync_folder(root / exp_id);
  ::unlink(lock_path.c_str());
  *run_id = id;
  return true;
}

double StoredRun::metric(const std::string& key) const {
  double v = NAN;
  std::int64_t step = INT64_MIN;
  for (const MetricPoint& m : metrics) {
    if (m.key == key && m.step >= step) {
      v = m.value;
      step = m.step;
    }
  }
  return v;
}

std::string StoredRun::param(const std::string& key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

std::string StoredRun::tag(const std::string& key) const {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return "";
}

namespace {

// Files under `dir` (recursively, for keys with '/'), by key.
bool read_keyed(const fs::path& dir, std::vector<std::pair<std::string, std::string>>* out,
                std::string* why) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code e;
    if (!it->is_regular_file(e)) continue;
    std::string text;
    if (!read_text(it->path(), &text)) {
      *why = it->path().string() + ": cannot read: " + std::strerror(errno);
      return false;
    }
    out->emplace_back(fs::relative(it->path(), dir).generic_string(), text);
  }
  if (ec) {
    *why = dir.string() + ": cannot list: " + ec.message();
    return false;
  }
  std::sort(out->begin(), out->end());
  return true;
}

// A whole number that is the whole text.
bool whole_number(const std::string& s, std::int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || errno != 0) return false;
  *out = v;
  return true;
}

// The run in `dir` of experiment `exp_id`, or false with *why (the file
// named in it).
bool read_run(const fs::path& dir, const std::string& exp_id, StoredRun* r, bool* deleted, std::string* why) {
  const fs::path meta_path = dir / "meta.yaml";
  std::string meta, problem;
  Yaml y;
  if (!read_text(meta_path, &meta)) {
    *why = meta_path.string() + ": cannot read: " + std::strerror(errno);
    return false;
  }
  if (meta.empty()) {
    *why = meta_path.string() + ": empty";
    return false;
  }
  if (!parse_yaml_mapping(meta, &y, &problem)) {
    *why = meta_path.string() + ": not YAML MLflow can read: " + problem;
    return false;
  }
  const YamlScalar* id = yaml_find(y, "run_id");
  if (id == nullptr) id = yaml_find(y, "run_uuid");
  const std::string folder = dir.filename().string();
  if (id == nullptr || id->text != folder) {
    *why = meta_path.string() + ": " +
           (id == nullptr ? std::string("no run_id") : "run_id '" + id->text + "' is not the folder's name");
    return false;
  }
  const YamlScalar* exp = yaml_find(y, "experiment_id");
  if (exp == nullptr || exp->text != exp_id) {
    *why = meta_path.string() + ": " +
           (exp == nullptr ? std::string("no experiment_id")
                           : "experiment_id '" + exp->text + "' is not its experiment's, " + exp_id);
    return false;
  }
  const YamlScalar* start = yaml_find(y, "start_time");
  if (start == nullptr || start->quoted || !whole_number(start->text, &r->start_ms)) {
    *why = meta_path.string() + ": " +
           (start == nullptr ? std::string("no start_time")
                             : "start_time '" + start->text + "' is not a whole number");
    return false;
  }
  const YamlScalar* end = yaml_find(y, "end_time");
  r->end_ms = 0;
  if (end != nullptr && !(end->text == "null" && !end->quoted) &&
      (end->quoted || !whole_number(end->text, &r->end_ms))) {
    *why = meta_path.string() + ": end_time '" + end->text + "' is not a whole number";
    return false;
  }
  const std::string status = yaml_get(y, "status");
  static const char* const names[] = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
  if (status.size() != 1 || status[0] < '1' || status[0] > '5') {
    *why = meta_path.string() + ": status '" + status + "' is not a run status (1 to 5)";
    return false;
  }
  r->status = names[status[0] - '1'];
  *deleted = yaml_get(y, "lifecycle_stage") == "deleted";
  r->experiment_id = exp_id;
  r->run_id = folder;
  r->name = yaml_get(y, "run_name");
  std::vector<std::pair<std::string, std::string>> metric_files;
  if (!read_keyed(dir / "params", &r->params, why) || !read_keyed(dir / "tags", &r->tags, why) ||
      !read_keyed(dir / "metrics", &metric_files, why))
    return false;
  for (const auto& [key, text] : metric_files) {
    std::istringstream in(text);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::istringstream fields(line);
      std::string ts, value, step, extra;
      MetricPoint p;
      p.key = key;
      char* value_end = nullptr;
      if (fields >> ts >> value) p.value = std::strtod(value.c_str(), &value_end);
      fields >> step >> extra;
      if (value_end == nullptr || *value_end != '\0' || !whole_number(ts, &p.timestamp_ms) ||
          !extra.empty() || (!step.empty() && !whole_number(step, &p.step))) {
        *why = (dir / "metrics" / key).string() + ": line " + std::to_string(number) +
               " is not 'timestamp value step'";
        return false;
      }
      r->metrics.push_back(p);
    }
  }
  std::stable_sort(r->metrics.begin(), r->metrics.end(), [](const MetricPoint& a, const MetricPoint& b) {
    return a.key != b.key ? a.key < b.key : a.step < b.step;
  });
  if (r->name.empty()) r->name = r->tag("mlflow.runName");
  r->parent_run_id = r->tag("mlflow.parentRunId");
  std::error_code ec;
  for (const auto& a : fs::directory_iterator(dir / "artifacts", ec))
    r->artifacts.push_back(a.path().filename().string());
  std::sort(r->artifacts.begin(), r->artifacts.end());
  return true;
}

}  // namespace

bool read_runs(const std::string& root_text, std::vector<StoredRun>* out, std::vector<std::string>* warnings,
               Error* error) {
  out->clear();
  warnings->clear();
  const fs::path root(root_text);
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    *error =
        Error{root_text, 0, 0, "no runs folder here (train, cv and search make it when they track a run)"};
    return false;
  }
  if (!fs::is_directory(root, ec)) {
    *error = Error{root_text, 0, 0, "not a folder, so not a runs folder"};
    return false;
  }
  std::vector<fs::path> experiments;
  for (const auto& exp : fs::directory_iterator(root, ec)) {
    std::error_code e;
    if (exp.is_directory(e) && experiment_id_name(exp.path().filename().string()))
      experiments.push_back(exp.path());
  }
  if (ec) {
    *error = Error{root_text, 0, 0, "cannot list: " + ec.message()};
    return false;
  }
  std::sort(experiments.begin(), experiments.end());
  for (const fs::path& exp : experiments) {
    const std::string exp_id = exp.filename().string();
    const fs::path exp_meta_path = exp / "meta.yaml";
    std::string exp_meta, problem;
    Yaml ey;
    if (!read_text(exp_meta_path, &exp_meta)) {
      if (fs::exists(exp_meta_path, ec)) {
        warnings->push_back(exp_meta_path.string() + ": cannot read: " + std::strerror(errno) +
                            "; its runs are left out");
      }
      continue;  // not an experiment (MLflow skips it too)
    }
    if (!parse_yaml_mapping(exp_meta, &ey, &problem) || yaml_find(ey, "name") == nullptr) {
      warnings->push_back(
          exp_meta_path.string() + ": " +
          (problem.empty() ? std::string("no name") : "not YAML MLflow can read: " + problem) +
          "; its runs are left out");
      continue;
    }
    if (yaml_get(ey, "lifecycle_stage") == "deleted") continue;
    const std::string exp_name = yaml_get(ey, "name");
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(exp, ec)) {
      std::error_code e;
      const std::string name = entry.path().filename().string();
      if (!entry.is_directory(e) || name.empty() || name[0] == '.' || name == "tags" || name == "datasets" ||
          name == "traces")
        continue;
      dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      std::error_code e;
      if (!fs::exists(dir / "meta.yaml", e)) {
        if (run_id_name(dir.filename().string()))
          warnings->push_back((dir / "meta.yaml").string() + ": missing; the run is left out");
        continue;
      }
      StoredRun r;
      bool deleted = false;
      std::string why;
      if (!read_run(dir, exp_id, &r, &deleted, &why)) {
        warnings->push_back(why + "; the run is left out");
        continue;
      }
      if (deleted) continue;
      r.experiment = exp_name;
      out->push_back(std::move(r));
    }
  }
  std::sort(out->begin(), out->end(), [](const StoredRun& a, const StoredRun& b) {
    return a.start_ms != b.start_ms ? a.start_ms > b.start_ms : a.run_id < b.run_id;
  });
  return true;
}

}  // namespace ember::host
