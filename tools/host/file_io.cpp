#include "host/file_io.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

namespace ember::host {

namespace fs = std::filesystem;

namespace {

Error io_error(const std::string& path, const std::string& what) {
  Error e;
  e.file = path;
  e.message = what + ": " + std::strerror(errno);
  return e;
}

Error too_long(const std::string& path, std::uint64_t max_bytes) {
  Error e;
  e.file = path;
  e.message = "not a regular file and longer than " + format_bytes(max_bytes) +
              ", the most ember reads from a pipe or a device (they are read into memory); save it to a "
              "file first";
  return e;
}

enum class ReadEnd { ok, too_long, failed };

// Reads `file` to its end, at most `max_bytes`: `grow(at, n)` returns room
// for n bytes at offset `at` of the destination (never asked past
// max_bytes); *used counts the bytes read.
template <typename Grow>
ReadEnd read_to_end(std::FILE* file, std::uint64_t max_bytes, const Grow& grow, std::size_t* used) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  *used = 0;
  while (*used < max_bytes) {
    const std::uint64_t room = max_bytes - *used;
    const std::size_t want = room < kChunk ? static_cast<std::size_t>(room) : kChunk;
    const std::size_t got = std::fread(grow(*used, want), 1, want, file);
    *used += got;
    if (got < want) return std::ferror(file) ? ReadEnd::failed : ReadEnd::ok;
  }
  // At the limit: one more byte tells "exactly the limit" from more.
  char probe = 0;
  if (std::fread(&probe, 1, 1, file) == 1) return ReadEnd::too_long;
  return std::ferror(file) ? ReadEnd::failed : ReadEnd::ok;
}

// Room for `need` bytes in a buffer that grows toward `limit` bytes: twice
// the capacity each time, never above the limit (a stream at the limit
// holds the limit, not twice it).
template <typename Buffer>
void reserve_toward(Buffer* buffer, std::size_t need, std::size_t limit) {
  if (need <= buffer->capacity()) return;
  std::size_t want = std::max(need, buffer->capacity() * 2);
  buffer->reserve(std::max(need, std::min(want, limit)));
}

// The folder and the file name of `path` ("." for a bare name).
void split_path(const std::string& path, std::string* dir, std::string* base) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    *dir = ".";
    *base = path;
  } else {
    *dir = slash == 0 ? "/" : path.substr(0, slash);
    *base = path.substr(slash + 1);
  }
}

// The pid in a temporary's suffix "<pid>" or "<pid>.<n>"; 0 when the suffix
// has another form.
pid_t temporary_pid(const char* suffix) {
  long long pid = 0;
  const char* p = suffix;
  for (; *p >= '0' && *p <= '9'; ++p) {
    pid = pid * 10 + (*p - '0');
    if (pid > INT_MAX) return 0;
  }
  if (p == suffix) return 0;
  if (*p == '.') {
    const char* n = ++p;
    while (*p >= '0' && *p <= '9') ++p;
    if (p == n) return 0;
  }
  return *p == '\0' ? static_cast<pid_t>(pid) : 0;
}

bool process_is_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static const char* const kUnits[] = {"GiB", "MiB", "KiB"};
  for (int i = 0; i < 3; ++i) {
    const std::uint64_t unit = std::uint64_t{1} << (30 - 10 * i);
    if (bytes >= unit && bytes % unit == 0) return std::to_string(bytes / unit) + " " + kUnits[i];
  }
  return std::to_string(bytes) + " bytes";
}

bool is_stream(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

bool read_stream(const std::string& path, std::uint64_t max_bytes, std::vector<std::string>* chunks,
                 Error* error) {
  chunks->clear();
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = io_error(path, "cannot open");
    return false;
  }
  // read_to_end asks for at most 1 MiB at a time, each at the end of what
  // it has: one chunk per request.
  std::size_t used = 0;
  const ReadEnd end = read_to_end(
      file, max_bytes,
      [chunks](std::size_t, std::size_t n) {
        chunks->emplace_back(n, '\0');
        return &chunks->back()[0];
      },
      &used);
  if (end == ReadEnd::failed) *error = io_error(path, "cannot read");
  if (end == ReadEnd::too_long) *error = too_long(path, max_bytes);
  std::fclose(file);
  if (end != ReadEnd::ok) {
    chunks->clear();
    return false;
  }
  // Trim the last chunk to what was read; drop it when empty.
  std::size_t total = 0;
  for (std::size_t i = 0; i + 1 < chunks->size(); ++i) total += (*chunks)[i].size();
  if (!chunks->empty()) {
    chunks->back().resize(used - total);
    if (chunks->back().empty()) chunks->pop_back();
  }
  return true;
}

bool read_file_aligned(const std::string& path, std::vector<std::uint64_t>* storage, std::size_t* size,
                       Error* error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = io_error(path, "cannot open");
    return false;
  }
  struct stat st;
  const bool regular = ::fstat(::fileno(file), &st) == 0 && S_ISREG(st.st_mode);
  if (regular && static_cast<std::uint64_t>(st.st_size) > kMaxModelFileBytes) {
    std::fclose(file);
    error->file = path;
    error->line = error->column = 0;
    error->message = std::to_string(st.st_size) + " bytes: larger than the model format's limit of " +
                     format_bytes(kMaxModelFileBytes + 1);
    return false;
  }
  // A regular file is read in one piece into storage of its size; anything
  // else grows the storage as it comes, up to the stream limit.
  const std::uint64_t limit = regular ? static_cast<std::uint64_t>(st.st_size) : kMaxStreamBytes;
  if (regular) storage->assign(static_cast<std::size_t>(st.st_size) / 8 + 1, 0);
  if (!regular) storage->clear();
  std::size_t used = 0;
  ReadEnd end = read_to_end(
      file, limit,
      [storage, limit](std::size_t at, std::size_t n) {
        const std::size_t words = (at + n) / 8 + 1;
        reserve_toward(storage, words, static_cast<std::size_t>(limit / 8 + 1));
        if (storage->size() < words) storage->resize(words, 0);
        return reinterpret_cast<char*>(storage->data()) + at;
      },
      &used);
  if (end == ReadEnd::too_long && regular) end = ReadEnd::ok;  // grew while read: its first st_size bytes
  if (end == ReadEnd::failed) *error = io_error(path, "cannot read");
  if (end == ReadEnd::too_long) *error = too_long(path, limit);
  std::fclose(file);
  if (end != ReadEnd::ok) {
    storage->clear();
    return false;
  }
  storage->resize(used / 8 + 1);
  // Bytes past the end within the last word are zero (fread never wrote
  // them; a grown file's extra byte is cleared).
  std::memset(reinterpret_cast<char*>(storage->data()) + used, 0, storage->size() * 8 - used);
  *size = used;
  return true;
}

bool check_output_not_input(const std::string& output, std::initializer_list<std::string> inputs,
                            Error* error) {
  struct stat out;
  if (output.empty() || ::stat(output.c_str(), &out) != 0) return true;
  for (const std::string& input : inputs) {
    struct stat in;
    if (input.empty() || ::stat(input.c_str(), &in) != 0) continue;
    if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
      *error = Error{output, 0, 0,
                     "is the same file as the input " + input +
                         "; refusing to write over it (choose another output path)"};
      return false;
    }
  }
  return true;
}

std::size_t remove_stale_temporaries(const std::string& path) {
  std::string dir, base;
  split_path(path, &dir, &base);
  if (base.empty()) return 0;
  const std::string prefix = base + ".tmp.";
  const pid_t self = ::getpid();
  std::size_t removed = 0;
  // std::filesystem rather than readdir: a 32-bit readdir fails (EOVERFLOW)
  // on 64-bit directory offsets, as under qemu-user.
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const pid_t pid = temporary_pid(name.c_str() + prefix.size());
    if (pid <= 0 || pid == self || !process_is_gone(pid)) continue;
    std::error_code status_ec;
    if (!it->is_regular_file(status_ec) || it->is_symlink(status_ec)) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

AtomicFile::~AtomicFile() { abandon(); }

void AtomicFile::abandon() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

bool AtomicFile::open(const std::string& path, Error* error) {
  abandon();
  path_ = path;
  remove_stale_temporaries(path);
  // <path>.tmp.<pid>.<n>: the pid tells a later run whether the writer is
  // gone; n keeps two writes of one process apart.
  static std::atomic<unsigned> counter{0};
  const std::string stem = path + ".tmp." + std::to_string(::getpid()) + ".";
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::string temp = stem + std::to_string(counter.fetch_add(1) + 1);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) continue;  // left by an earlier process with this pid
    if (fd < 0) {
      *error = io_error(path, "cannot create");
      return false;
    }
    temp_ = temp;
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
      *error = io_error(path, "cannot create");
      ::close(fd);
      abandon();
      return false;
    }
    return true;
  }
  errno = EEXIST;
  *error = io_error(path, "cannot create");
  return false;
}

bool AtomicFile::write(std::string_view bytes, Error* error) {
  if (file_ == nullptr) {
    *error = Error{path_, 0, 0, "cannot write: the file is not open"};
    return false;
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size()) return true;
  *error = io_error(path_, "cannot write");
  abandon();
  return false;
}

bool AtomicFile::commit(Error* error) {
  if (file_ == nullptr) {
    *error = Error{path_, 0, 0, "cannot write: the file is not open"};
    return false;
  }
  // The first failure's errno names the reason (a full disk shows at the
  // flush or the sync).
  int failure = 0;
  if (std::fflush(file_) != 0) failure = errno;
  if (::fsync(::fileno(file_)) != 0 && failure == 0) failure = errno;
  if (std::fclose(file_) != 0 && failure == 0) failure = errno;
  file_ = nullptr;
  if (failure != 0) {
    errno = failure;
    *error = io_error(path_, "cannot write");
    abandon();
    return false;
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    *error = io_error(path_, "cannot write");
    abandon();
    return false;
  }
  temp_.clear();
  return true;
}

bool write_file_atomic(const std::string& path, std::string_view bytes, Error* error) {
  AtomicFile file;
  return file.open(path, error) && file.write(bytes, error) && file.commit(error);
}

}  // namespace ember::host
