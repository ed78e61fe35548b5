// Error: a host-side failure with the place it happened, for messages such
// as "data.csv:7:12: ragged row: expected 5 fields, found 4".
#ifndef EMBER_HOST_ERROR_H
#define EMBER_HOST_ERROR_H

#include <cstddef>
#include <string>

namespace ember::host {

struct Error {
  std::string file;        // empty when the error is not about a file
  std::size_t line = 0;    // 1-based; 0 = unknown
  std::size_t column = 0;  // 1-based byte column within the line; 0 = unknown
  std::string message;     // lower-case reason, no trailing period

  // "file:line:column: message", leaving out the parts that are unknown.
  std::string to_string() const;
};

}  // namespace ember::host

#endif  // EMBER_HOST_ERROR_H
