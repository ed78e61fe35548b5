// Whole-file reads and crash-safe writes for the host tools.
#ifndef EMBER_HOST_FILE_IO_H
#define EMBER_HOST_FILE_IO_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/error.h"

namespace ember::host {

// Reads a whole file into *out, 8-byte aligned (model files execute in
// place). Returns false with the reason ("cannot open: No such file ...").
bool read_file_aligned(const std::string& path, std::vector<std::uint64_t>* storage, std::size_t* size,
                       Error* error);

// Writes `bytes` to `path` atomically: to a temporary file in the same
// directory, flushed, then renamed over `path`. On failure nothing at `path`
// changes and the temporary is removed.
bool write_file_atomic(const std::string& path, std::string_view bytes, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_FILE_IO_H
