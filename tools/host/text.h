// Small text conversions the host tools share: splitting lists, reading a
// number that must be the whole text, writing one that reads back exactly.
#ifndef EMBER_HOST_TEXT_H
#define EMBER_HOST_TEXT_H

#include <string>
#include <vector>

namespace ember::host {

// "a=1,b=2" -> {"a=1", "b=2"}; empty parts are kept (so that they can be
// reported), and "" gives one empty part.
std::vector<std::string> split_list(const std::string& text, char separator = ',');

// A finite number that is the whole of `text` (no spaces, no trailing
// characters).
bool parse_number(const std::string& text, double* out);

// `v` through one printf conversion for a double, e.g. format_number("%.4g",
// v); at most 63 characters.
std::string format_number(const char* format, double v);

// The shortest text that reads back as exactly `v`.
std::string shortest_number(double v);

}  // namespace ember::host

#endif  // EMBER_HOST_TEXT_H
