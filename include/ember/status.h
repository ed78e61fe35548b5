// Status: every error the core can report, as a value.
//
// The core never throws. Each fallible function returns a Status; `ok` is 0.
// The list below is the single source of the enum and its names, so they
// cannot drift apart. Values are part of the C ABI: append new codes at the
// end, never reorder or reuse one.
#ifndef EMBER_STATUS_H
#define EMBER_STATUS_H

#include <cstdint>

namespace ember {

// X(name, description). The name is the identifier users see in messages.
#define EMBER_STATUS_LIST(X)                                                        \
  X(ok, "success")                                                                  \
  X(invalid_argument, "an argument is out of its documented range")                 \
  X(out_of_memory, "the arena has no room for the request")                         \
  X(size_overflow, "a size computation overflowed")                                 \
  X(truncated, "the input ends before the data it declares")                        \
  X(bad_magic, "the input does not start with the expected magic bytes")            \
  X(unsupported_version, "the format version is newer than this runtime")           \
  X(checksum_mismatch, "the stored checksum does not match the content")            \
  X(bad_section, "a section table entry is malformed or misaligned")                \
  X(unknown_required_section, "a required section is of a kind this runtime lacks") \
  X(out_of_bounds, "an offset or length points outside its container")              \
  X(bad_index, "an index (feature, node, class, category) is out of range")         \
  X(bad_tree, "a tree is malformed (cycle, orphan or depth beyond the limit)")      \
  X(bad_value, "a parameter is not finite or not in its allowed range")             \
  X(shape_mismatch, "array dimensions do not agree")                                \
  X(not_converged, "the solver stopped at its iteration limit before converging")   \
  X(empty_input, "there are no rows or no features to work on")                     \
  X(misaligned, "a buffer is not aligned as the format requires (8 bytes)")         \
  X(unsupported_feature, "the input uses a format feature this runtime lacks")      \
  X(unknown_category, "a categorical input is outside the categories seen in training")

enum class Status : std::uint8_t {
#define EMBER_STATUS_ENUM(name, description) name,
  EMBER_STATUS_LIST(EMBER_STATUS_ENUM)
#undef EMBER_STATUS_ENUM
};

// Number of distinct Status values.
constexpr int kStatusCount = 0
#define EMBER_STATUS_COUNT(name, description) +1
    EMBER_STATUS_LIST(EMBER_STATUS_COUNT)
#undef EMBER_STATUS_COUNT
    ;

// The identifier of `s` ("out_of_memory"); "unknown_status" for a value
// outside the list. The string is static; never null.
const char* status_name(Status s) noexcept;

// One sentence saying what `s` means; static, never null.
const char* status_description(Status s) noexcept;

}  // namespace ember

// Returns early from the enclosing function when `expr` is not ok.
#define EMBER_TRY(expr)                                                     \
  do {                                                                      \
    const ::ember::Status ember_try_status_ = (expr);                       \
    if (ember_try_status_ != ::ember::Status::ok) return ember_try_status_; \
  } while (0)

#endif  // EMBER_STATUS_H
