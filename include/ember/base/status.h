// Status: every error the core can report, as a value.
//
// The core never throws. Each fallible function returns a Status; `ok` is 0.
// The list below is the single source of the enum and its names, so they
// cannot drift apart. Values are part of the C ABI: append new codes at the
// end, never reorder or reuse one.
#ifndef EMBER_STATUS_H
#define EMBER_STATUS_H

#include <cstdint>

#include "ember/base/status_list.h"

namespace ember {

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
