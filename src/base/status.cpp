// Status names (a firmware image that logs codes links only these; the
// longer descriptions are in status_description.cpp).
#include "ember/base/status.h"

namespace ember {

namespace {
constexpr const char* kNames[] = {
#define EMBER_STATUS_NAME(name, description) #name,
    EMBER_STATUS_LIST(EMBER_STATUS_NAME)
#undef EMBER_STATUS_NAME
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<unsigned>(kStatusCount), "name table");
}  // namespace

const char* status_name(Status s) noexcept {
  const auto i = static_cast<unsigned>(s);
  return i < static_cast<unsigned>(kStatusCount) ? kNames[i] : "unknown_status";
}

}  // namespace ember
