// Text that came from a file the host did not write (a model's metadata),
// checked before it reaches a terminal, JSON or CSV; and CSV cells written
// so that neither a CSV reader nor a spreadsheet misreads them.
#ifndef EMBER_HOST_SAFE_TEXT_H
#define EMBER_HOST_SAFE_TEXT_H

#include <string>
#include <string_view>

namespace ember::host {

// "" when `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF) without control characters, else the first
// problem: "invalid UTF-8 at byte 3" or "control character U+001B at byte
// 1" (bytes counted from 1). Control characters are C0 (U+0000-U+001F),
// DEL (U+007F) and C1 (U+0080-U+009F); with `allow_tab_and_line_breaks`,
// tab, LF and CR are text (a quoted CSV field may hold them, so names and
// labels trained from one do).
std::string text_problem(std::string_view s, bool allow_tab_and_line_breaks = false);

// The same check, with the offset of the first bad byte (from 0) apart
// from the message, for a reader that names the place itself: at is npos
// and what empty when the text is fine; what is "invalid UTF-8" or
// "control character U+001B".
struct TextProblem {
  std::size_t at = std::string_view::npos;
  std::string what;
};
TextProblem find_text_problem(std::string_view s, bool allow_tab_and_line_breaks = false);

// A CSV field as RFC 4180 writes it: as it is, or in double quotes (quotes
// inside doubled) when it holds the delimiter, a quote, CR or LF.
std::string csv_field(std::string_view s, char delimiter = ',');

// A text cell (a label, a name) for a CSV file that a spreadsheet may
// open: csv_field() of the text, after a leading apostrophe when it starts
// with '=', '+', '-', '@', tab or CR and is not a plain number ("-1",
// "+2.5e3" stay as they are), which is OWASP's advice against CSV formula
// injection: "=HYPERLINK(...)" is written '=HYPERLINK(...).
std::string csv_text_cell(std::string_view s, char delimiter = ',');

}  // namespace ember::host

#endif  // EMBER_HOST_SAFE_TEXT_H
