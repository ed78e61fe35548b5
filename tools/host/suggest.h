// Close-name suggestions for "did you mean" messages.
#ifndef EMBER_HOST_SUGGEST_H
#define EMBER_HOST_SUGGEST_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ember::host {

// Levenshtein distance between `a` and `b`, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Up to `limit` candidates close to `word` (edit distance at most
// max(2, |word| / 3), or one containing the other), closest first; ties
// keep the candidates' order.
std::vector<std::string> close_matches(std::string_view word, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

// "'a', 'b' or 'c'" for messages; "" for an empty list.
std::string quoted_list(const std::vector<std::string>& names, const char* last_joiner = " or ");

}  // namespace ember::host

#endif  // EMBER_HOST_SUGGEST_H
