#include "host/file_io.h"

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ember::host {

namespace {
Error io_error(const std::string& path, const std::string& what) {
  Error e;
  e.file = path;
  e.message = what + ": " + std::strerror(errno);
  return e;
}
}  // namespace

bool read_file_aligned(const std::string& path, std::vector<std::uint64_t>* storage, std::size_t* size,
                       Error* error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    *error = io_error(path, "cannot open");
    return false;
  }
  std::string bytes;
  char chunk[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, file)) > 0) bytes.append(chunk, n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    *error = io_error(path, "cannot read");
    return false;
  }
  storage->assign(bytes.size() / 8 + 1, 0);
  std::memcpy(storage->data(), bytes.data(), bytes.size());
  *size = bytes.size();
  return true;
}

bool write_file_atomic(const std::string& path, std::string_view bytes, Error* error) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) {
    *error = io_error(path, "cannot create");
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  ok = std::fflush(file) == 0 && ok;
  ok = ::fsync(::fileno(file)) == 0 && ok;
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    *error = io_error(path, "cannot write");
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace ember::host
