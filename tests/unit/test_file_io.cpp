// host/file_io.h: atomic writes and their temporaries, the output-over-input
// refusal, and reads of inputs that are not regular files (with limits).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "host/csv.h"
#include "host/file_io.h"

using ember::host::AtomicFile;
using ember::host::Error;

namespace {

std::string read_all(const std::string& path) {
  std::string out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "<none>";
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

void write_plain(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
  std::fclose(f);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// A process id that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return child;
}

// An empty file of `bytes` bytes that takes no disk (sparse); false where
// file offsets are 32 bits (ARM32 without large-file support).
bool sparse_file(const std::string& path, long long bytes) {
  if (sizeof(off_t) < sizeof(long long)) return false;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::fclose(f);
  return ::truncate(path.c_str(), static_cast<off_t>(bytes)) == 0;
}

// A pipe holding `text` (written whole; small texts fit its buffer), read
// end open as /dev/fd/N.
struct Pipe {
  int fds[2] = {-1, -1};
  explicit Pipe(const std::string& text) {
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fds[1]);
  }
  ~Pipe() { ::close(fds[0]); }
  std::string path() const { return "/dev/fd/" + std::to_string(fds[0]); }
};

}  // namespace

TEST_CASE("write_file_atomic writes the whole file and leaves no temporary") {
  const std::string path = "fio_whole.txt";
  std::remove(path.c_str());
  Error e;
  REQUIRE(ember::host::write_file_atomic(path, "first", &e));
  REQUIRE(ember::host::write_file_atomic(path, "second version", &e));
  CHECK(read_all(path) == "second version");
  CHECK(ember::host::remove_stale_temporaries(path) == 0);
  CHECK_FALSE(ember::host::write_file_atomic("no/such/dir/x.txt", "x", &e));
  CHECK(e.to_string() == "no/such/dir/x.txt: cannot create: No such file or directory");
  std::remove(path.c_str());
}

TEST_CASE("temporaries name the pid; a write removes those of dead processes only") {
  const std::string path = "fio_target.csv";
  const std::string dead = path + ".tmp." + std::to_string(dead_pid());
  const std::string dead_n = path + ".tmp." + std::to_string(dead_pid()) + ".3";
  const std::string live = path + ".tmp." + std::to_string(::getpid());
  const std::string live_parent = path + ".tmp." + std::to_string(::getppid()) + ".1";
  const std::string not_ours = path + ".tmp.12x";                               // not a pid
  const std::string other = "fio_other.csv.tmp." + std::to_string(dead_pid());  // another target
  for (const std::string& f : {dead, dead_n, live, live_parent, not_ours, other}) write_plain(f, "partial");
  Error e;
  AtomicFile file;
  REQUIRE(file.open(path, &e));
  // Its own temporary: <path>.tmp.<pid>.<n>.
  const std::string prefix = path + ".tmp." + std::to_string(::getpid()) + ".";
  CHECK(file.temp_path().rfind(prefix, 0) == 0);
  CHECK(exists(file.temp_path()));
  CHECK_FALSE(exists(dead));
  CHECK_FALSE(exists(dead_n));
  CHECK(exists(live));
  CHECK(exists(live_parent));
  CHECK(exists(not_ours));
  CHECK(exists(other));
  REQUIRE(file.write("a,b\n", &e));
  REQUIRE(file.write("1,2\n", &e));
  const std::string temp = file.temp_path();
  REQUIRE(file.commit(&e));
  CHECK_FALSE(exists(temp));
  CHECK(read_all(path) == "a,b\n1,2\n");
  for (const std::string& f : {path, live, live_parent, not_ours, other}) std::remove(f.c_str());
}

TEST_CASE("an AtomicFile abandoned before commit leaves the old file and no temporary") {
  const std::string path = "fio_abandon.txt";
  write_plain(path, "old");
  std::string temp;
  {
    AtomicFile file;
    Error e;
    REQUIRE(file.open(path, &e));
    REQUIRE(file.write("half of the new", &e));
    temp = file.temp_path();
    CHECK(exists(temp));
  }
  CHECK_FALSE(exists(temp));
  CHECK(read_all(path) == "old");
  std::remove(path.c_str());
}

TEST_CASE("check_output_not_input: same file by path, symlink or hard link") {
  write_plain("fio_in.csv", "x\n1\n");
  write_plain("fio_out.csv", "x\n2\n");
  std::remove("fio_hard.csv");
  std::remove("fio_sym.csv");
  REQUIRE(::link("fio_in.csv", "fio_hard.csv") == 0);
  REQUIRE(::symlink("fio_in.csv", "fio_sym.csv") == 0);
  Error e;
  CHECK(ember::host::check_output_not_input("fio_out.csv", {"fio_in.csv"}, &e));
  CHECK(ember::host::check_output_not_input("fio_new.csv", {"fio_in.csv"}, &e));  // not there yet
  CHECK(ember::host::check_output_not_input("", {"fio_in.csv"}, &e));             // no output
  CHECK(ember::host::check_output_not_input("fio_out.csv", {"", "fio_none.csv"}, &e));
  CHECK_FALSE(ember::host::check_output_not_input("fio_in.csv", {"fio_out.csv", "fio_in.csv"}, &e));
  CHECK(e.to_string() ==
        "fio_in.csv: is the same file as the input fio_in.csv; refusing to write over it (choose another "
        "output path)");
  CHECK_FALSE(ember::host::check_output_not_input("./fio_in.csv", {"fio_in.csv"}, &e));
  CHECK_FALSE(ember::host::check_output_not_input("fio_hard.csv", {"fio_in.csv"}, &e));
  CHECK_FALSE(ember::host::check_output_not_input("fio_sym.csv", {"fio_in.csv"}, &e));
  CHECK_FALSE(ember::host::check_output_not_input("fio_in.csv", {"fio_sym.csv"}, &e));
  for (const char* f : {"fio_in.csv", "fio_out.csv", "fio_hard.csv", "fio_sym.csv"}) std::remove(f);
}

TEST_CASE("format_bytes") {
  CHECK(ember::host::format_bytes(std::uint64_t{1} << 30) == "1 GiB");
  CHECK(ember::host::format_bytes(std::uint64_t{4} << 30) == "4 GiB");
  CHECK(ember::host::format_bytes(std::uint64_t{512} << 20) == "512 MiB");
  CHECK(ember::host::format_bytes(2048) == "2 KiB");
  CHECK(ember::host::format_bytes(1000) == "1000 bytes");
}

TEST_CASE("streams: read whole up to the limit, refused above it with the limit named") {
  CHECK_FALSE(ember::host::is_stream("no_such_file"));
  CHECK_FALSE(ember::host::is_stream("."));
  CHECK(ember::host::is_stream("/dev/null"));
  std::vector<std::string> chunks;
  Error e;
  {
    const Pipe pipe("0123456789");
    REQUIRE(ember::host::read_stream(pipe.path(), 10, &chunks, &e));
    CHECK(chunks == std::vector<std::string>{"0123456789"});
  }
  {
    const Pipe pipe("0123456789");
    CHECK_FALSE(ember::host::read_stream(pipe.path(), 9, &chunks, &e));
    CHECK(e.to_string() ==
          pipe.path() +
              ": not a regular file and longer than 9 bytes, the most ember reads from a pipe "
              "or a device (they are read into memory); save it to a file first");
    CHECK(chunks.empty());
  }
  {
    const Pipe pipe("");
    REQUIRE(ember::host::read_stream(pipe.path(), 10, &chunks, &e));
    CHECK(chunks.empty());
  }
  // An endless device stops at the limit; the bytes come in 1 MiB pieces.
  CHECK_FALSE(ember::host::read_stream("/dev/zero", std::uint64_t{3} << 20, &chunks, &e));
  CHECK(e.to_string().rfind("/dev/zero: not a regular file and longer than 3 MiB", 0) == 0);
  REQUIRE(ember::host::read_stream("/dev/null", std::uint64_t{3} << 20, &chunks, &e));
  CHECK(chunks.empty());
}

TEST_CASE("streams: a long one is kept in 1 MiB pieces, in order") {
  // 2.5 MiB through a pipe, written by a child (more than a pipe holds).
  const std::size_t n = (std::size_t{5} << 20) / 2;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    std::string text(n, 'x');
    for (std::size_t i = 0; i < n; i += 4096) text[i] = static_cast<char>('a' + (i / 4096) % 26);
    std::size_t at = 0;
    while (at < n) {
      const ssize_t w = ::write(fds[1], text.data() + at, n - at);
      if (w <= 0) _exit(1);
      at += static_cast<std::size_t>(w);
    }
    _exit(0);
  }
  ::close(fds[1]);
  std::vector<std::string> chunks;
  Error e;
  const bool ok = ember::host::read_stream("/dev/fd/" + std::to_string(fds[0]), n, &chunks, &e);
  ::close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(ok);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].size() == std::size_t{1} << 20);
  CHECK(chunks[1].size() == std::size_t{1} << 20);
  CHECK(chunks[2].size() == n - (std::size_t{2} << 20));
  const std::string all = chunks[0] + chunks[1] + chunks[2];
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i)
    wrong += all[i] == (i % 4096 == 0 ? static_cast<char>('a' + (i / 4096) % 26) : 'x') ? 0u : 1u;
  CHECK(wrong == 0);
}

TEST_CASE("the CSV reader takes the stream limit from its options") {
  ember::host::CsvOptions options;
  options.max_stream_bytes = 64;
  ember::host::Table t;
  Error e;
  CHECK_FALSE(ember::host::read_csv("/dev/zero", options, &t, &e));
  CHECK(e.to_string().rfind("/dev/zero: not a regular file and longer than 64 bytes", 0) == 0);
  const Pipe pipe("a,b\n1,2\n");
  REQUIRE(ember::host::read_csv(pipe.path(), options, &t, &e));
  CHECK(t.rows == 1);
}

TEST_CASE("read_file_aligned: regular files whole, streams up to the limit, over 4 GiB refused unread") {
  std::vector<std::uint64_t> storage;
  std::size_t size = 0;
  Error e;
  write_plain("fio_model.bin", "0123456789");
  REQUIRE(ember::host::read_file_aligned("fio_model.bin", &storage, &size, &e));
  CHECK(size == 10);
  REQUIRE(storage.size() == 2);
  CHECK(std::memcmp(storage.data(), "0123456789\0\0\0\0\0\0", 16) == 0);
  std::remove("fio_model.bin");
  {
    const Pipe pipe("abc");
    REQUIRE(ember::host::read_file_aligned(pipe.path(), &storage, &size, &e));
    CHECK(size == 3);
    CHECK(std::memcmp(storage.data(), "abc\0\0\0\0\0", 8) == 0);
  }
  // A sparse file one byte over the format's limit: refused from its size,
  // before any allocation (this would need 4 GiB of memory otherwise).
  if (sparse_file("fio_huge.ember", static_cast<long long>(ember::host::kMaxModelFileBytes) + 1)) {
    CHECK_FALSE(ember::host::read_file_aligned("fio_huge.ember", &storage, &size, &e));
    CHECK(e.to_string() == "fio_huge.ember: 4294967296 bytes: larger than the model format's limit of 4 GiB");
  } else {
    MESSAGE("no 64-bit file offsets here: the 4 GiB case is not run");
  }
  std::remove("fio_huge.ember");
  CHECK_FALSE(ember::host::read_file_aligned(".", &storage, &size, &e));
  CHECK(e.to_string() == ".: cannot read: Is a directory");
}
