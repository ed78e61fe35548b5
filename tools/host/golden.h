// Editing a model file's optional sections on the host: adding golden
// vectors (the GOLD section a device's self_test() replays) and stripping
// the strippable sections (GOLD, META) for flash.
//
// Every function takes the bytes of a model file, verifies them with the
// runtime's load_model(), and returns new bytes: the same sections in the
// same order (minus the removed kind, plus the added one at the end), each at
// a multiple of 8, with section count, file size and CRC-32 recomputed. The
// result is verified again before it is returned, so a caller never holds a
// file that the runtime would refuse.
#ifndef EMBER_HOST_GOLDEN_H
#define EMBER_HOST_GOLDEN_H

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ember/runtime/model_format.h"
#include "host/error.h"
#include "host/table.h"

namespace ember::host {

// `model` with a GOLD section holding `rows` (row-major, n_features floats
// per row, as predict() takes them: category codes, NaN = missing) and, per
// row, the outputs this host's runtime computes for it: raw scores,
// probabilities (classification), label, as exact float bits. An existing
// GOLD section is replaced; the version minor becomes at least
// format::kVersionMinorGolden. Fails on a model the runtime refuses, no rows,
// a row count that is not whole, or a row predict() refuses ("golden row 3:
// unknown_category: ..."). The result passes self_test().
bool add_golden_vectors(std::string_view model, const std::vector<float>& rows, std::string* out,
                        Error* error);

// The first `n` rows of `table` as `model`'s runtime reads them (columns
// matched to its features by name, categories as its codes, NaN for
// missing): the rows `ember predict` would feed it, for add_golden_vectors.
// Fails when the table has fewer than n rows or lacks a feature.
bool golden_rows_from_table(std::string_view model, const Table& table, std::size_t n,
                            std::vector<float>* rows, Error* error);

// `model` without any section of `kind` (unchanged, but re-sealed, when it
// has none). Refuses to remove a required section.
bool strip_section(std::string_view model, format::SectionKind kind, std::string* out, Error* error);

// strip_section for GOLD and for META (names and labels: predictions do not
// change, the host tools fall back to x0, x1, ... and 0, 1, ...).
bool strip_golden_vectors(std::string_view model, std::string* out, Error* error);
bool strip_metadata(std::string_view model, std::string* out, Error* error);

}  // namespace ember::host

#endif  // EMBER_HOST_GOLDEN_H
