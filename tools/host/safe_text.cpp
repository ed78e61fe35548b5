#include "host/safe_text.h"

#include <cstdint>
#include <cstdio>

namespace ember::host {

namespace {

std::string code_point_name(std::uint32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  return buffer;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// An optional sign, digits with an optional point (or a point and digits),
// an optional exponent: a cell a spreadsheet reads as a number, not a
// formula.
bool plain_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == s.size();
}

}  // namespace

TextProblem find_text_problem(std::string_view s, bool allow_tab_and_line_breaks) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const std::uint32_t c = p[i];
    std::size_t len = 1;
    std::uint32_t cp = c;
    if (c >= 0x80) {
      unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
        if (c == 0xE0) lo = 0xA0;  // no overlong forms
        if (c == 0xED) hi = 0x9F;  // no surrogates
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
      } else {
        return {i, "invalid UTF-8"};
      }
      if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return {i, "invalid UTF-8"};
      for (std::size_t k = 1; k < len; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) return {i, "invalid UTF-8"};
        cp = cp << 6 | (p[i + k] & 0x3Fu);
      }
    }
    const bool whitespace = cp == '\t' || cp == '\n' || cp == '\r';
    if ((cp < 0x20 && !(whitespace && allow_tab_and_line_breaks)) || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
      return {i, "control character " + code_point_name(cp)};
    i += len;
  }
  return {};
}

std::string text_problem(std::string_view s, bool allow_tab_and_line_breaks) {
  const TextProblem problem = find_text_problem(s, allow_tab_and_line_breaks);
  if (problem.at == std::string_view::npos) return "";
  return problem.what + " at byte " + std::to_string(problem.at + 1);
}

std::string csv_field(std::string_view s, char delimiter) {
  bool quote = false;
  for (char c : s) quote = quote || c == delimiter || c == '"' || c == '\r' || c == '\n';
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_text_cell(std::string_view s, char delimiter) {
  const bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                                      s[0] == '\t' || s[0] == '\r');
  if (!formula || plain_number(s)) return csv_field(s, delimiter);
  return csv_field("'" + std::string(s), delimiter);
}

}  // namespace ember::host
