#include "host/text.h"

#include <charconv>
#include <cstdio>

namespace ember::host {

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

bool parse_number(const std::string& text, double* out) {
  const char* first = text.data();
  const char* last = first + text.size();
  const auto r = std::from_chars(first, last, *out);
  return r.ec == std::errc() && r.ptr == last && *out - *out == 0.0;
}

std::string format_number(const char* format, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::string shortest_number(double v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

}  // namespace ember::host
