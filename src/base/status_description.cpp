// Status descriptions, apart from the names so that a firmware image that
// only needs names does not carry the sentences.
#include "ember/base/status.h"

namespace ember {

namespace {
constexpr const char* kDescriptions[] = {
#define EMBER_STATUS_DESCRIPTION(name, description) description,
    EMBER_STATUS_LIST(EMBER_STATUS_DESCRIPTION)
#undef EMBER_STATUS_DESCRIPTION
};
static_assert(sizeof(kDescriptions) / sizeof(kDescriptions[0]) == static_cast<unsigned>(kStatusCount),
              "description table");
}  // namespace

const char* status_description(Status s) noexcept {
  const auto i = static_cast<unsigned>(s);
  return i < static_cast<unsigned>(kStatusCount) ? kDescriptions[i]
                                                 : "a status code this build does not know";
}

}  // namespace ember
