// Whole-file reads and crash-safe writes for the host tools.
//
// Limits and guarantees (README, "Reliability"):
// - An input that is not a regular file (a pipe, /dev/stdin, <(...), a
//   device) cannot be read twice or sized up front: it is read into memory
//   once, up to kMaxStreamBytes (1 GiB); longer ones are refused with that
//   limit in the message ("save it to a file first").
// - A model file is at most kMaxModelFileBytes (the format stores sizes in
//   32 bits); a larger regular file is refused before anything is read.
// - Every write goes to a temporary `<path>.tmp.<pid>.<n>` in the same
//   directory, is flushed to disk and renamed over `path`: `path` is either
//   the old file or the whole new one. A temporary that a killed process
//   left behind (kill -9, power loss) is removed by the next write to the
//   same `path`, once no process with its pid runs (kill(pid, 0) fails with
//   ESRCH). A process on another machine sharing the folder, or in another
//   pid namespace, cannot be checked this way.
// - check_output_not_input refuses an output that is one of the inputs.
#ifndef EMBER_HOST_FILE_IO_H
#define EMBER_HOST_FILE_IO_H

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "host/error.h"

namespace ember::host {

// The most bytes read from an input that is not a regular file.
constexpr std::uint64_t kMaxStreamBytes = std::uint64_t{1} << 30;  // 1 GiB
// The largest model file the format can describe (32-bit sizes).
constexpr std::uint64_t kMaxModelFileBytes = 0xFFFFFFFFu;

// A size for messages: "1 GiB", "512 MiB", "64 KiB" when exact, else bytes.
std::string format_bytes(std::uint64_t bytes);

// Whether `path` names something other than a regular file or a directory
// (a pipe, a character or block device, a socket), following symlinks.
// False when it does not exist.
bool is_stream(const std::string& path);

// Reads the whole of `path` into *chunks, pieces of at most 1 MiB in order
// (never one large block, so no doubling of a growing buffer), refusing
// more than `max_bytes` with "PATH: not a regular file and longer than
// 1 GiB, ..." (the message is meant for streams; any file can be read this
// way).
bool read_stream(const std::string& path, std::uint64_t max_bytes, std::vector<std::string>* chunks,
                 Error* error);

// Reads a whole model file into *storage, 8-byte aligned (model files execute
// in place), *size its bytes. A regular file over kMaxModelFileBytes is
// refused before reading; other inputs are read up to kMaxStreamBytes.
// Returns false with the reason ("cannot open: No such file ...").
bool read_file_aligned(const std::string& path, std::vector<std::uint64_t>* storage, std::size_t* size,
                       Error* error);

// Refuses to let a command write `output` over one of its `inputs`: false,
// with "OUT: is the same file as the input IN; refusing to write over it
// (choose another output path)", when both exist and are one file (same
// device and inode: also through a symlink or a hard link). Empty paths are
// skipped, and an output that does not exist yet passes.
bool check_output_not_input(const std::string& output, std::initializer_list<std::string> inputs,
                            Error* error);

// Removes the temporaries that processes no longer running left for `path`
// (files `<path>.tmp.<pid>` or `<path>.tmp.<pid>.<n>`); returns how many.
// Every write below calls it first.
std::size_t remove_stale_temporaries(const std::string& path);

// A file written in pieces and published whole: open() creates the
// temporary, write() appends, commit() flushes, syncs and renames it over
// the path. Destroyed without a successful commit(), it removes the
// temporary and leaves `path` as it was.
class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  bool open(const std::string& path, Error* error);
  bool write(std::string_view bytes, Error* error);
  bool commit(Error* error);
  // The temporary's name while open (for tests).
  const std::string& temp_path() const { return temp_; }

 private:
  void abandon();

  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

// Writes `bytes` to `path` atomically (an AtomicFile in one piece). On
// failure nothing at `path` changes and the temporary is removed.
bool write_file_atomic(const std::string& path, std::string_view bytes, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_FILE_IO_H
