// The HTML report of `ember describe --html`: one self-contained page (inline
// CSS and SVG, no JavaScript, no external URL) with the warnings, the
// column table, a histogram per numeric column, a bar chart per categorical
// column and for the class balance, the correlation heatmap with its
// legend (its first 100 columns: the cells grow with the square; --json has
// the whole matrix), the most correlated pairs and the VIFs, and the
// profile's notes. Infinite values have their own column in the table.
#ifndef EMBER_HOST_HTML_REPORT_H
#define EMBER_HOST_HTML_REPORT_H

#include <string>
#include <string_view>

#include "host/data_profile.h"

namespace ember::host {

// The page for `profile` of the data file called `source`. Every name and
// label from the data is escaped.
std::string html_report(const DataProfile& profile, const std::string& source);

// `text` with &, <, >, " and ' replaced by entities (safe in text and in
// quoted attributes).
std::string html_escape(std::string_view text);

}  // namespace ember::host

#endif  // EMBER_HOST_HTML_REPORT_H
