#include "ember/base/status.h"

namespace ember {

namespace {
constexpr const char* kNames[] = {
#define EMBER_STATUS_NAME(name, description) #name,
    EMBER_STATUS_LIST(EMBER_STATUS_NAME)
#undef EMBER_STATUS_NAME
};
constexpr const char* kDescriptions[] = {
#define EMBER_STATUS_DESCRIPTION(name, description) description,
    EMBER_STATUS_LIST(EMBER_STATUS_DESCRIPTION)
#undef EMBER_STATUS_DESCRIPTION
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<unsigned>(kStatusCount), "name table");
}  // namespace

const char* status_name(Status s) noexcept {
  const auto i = static_cast<unsigned>(s);
  return i < static_cast<unsigned>(kStatusCount) ? kNames[i] : "unknown_status";
}

const char* status_description(Status s) noexcept {
  const auto i = static_cast<unsigned>(s);
  return i < static_cast<unsigned>(kStatusCount) ? kDescriptions[i]
                                                 : "a status code this build does not know";
}

}  // namespace ember
