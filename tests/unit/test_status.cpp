#include <doctest/doctest.h>

#include <cstring>
#include <set>
#include <string>

#include "ember/base/status.h"

using ember::Status;

TEST_CASE("every status has a distinct name and a description") {
  std::set<std::string> names;
  for (int i = 0; i < ember::kStatusCount; ++i) {
    const auto s = static_cast<Status>(i);
    const std::string name = ember::status_name(s);
    CHECK(!name.empty());
    CHECK(name != "unknown_status");
    CHECK(std::strlen(ember::status_description(s)) >= 7);
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(ember::kStatusCount));
}

TEST_CASE("status names are the enumerator identifiers") {
  CHECK(std::string(ember::status_name(Status::ok)) == "ok");
  CHECK(std::string(ember::status_name(Status::out_of_memory)) == "out_of_memory");
  CHECK(std::string(ember::status_name(Status::checksum_mismatch)) == "checksum_mismatch");
  CHECK(static_cast<int>(Status::ok) == 0);
}

TEST_CASE("a value outside the list is named, not a crash") {
  const auto bogus = static_cast<Status>(200);
  CHECK(std::string(ember::status_name(bogus)) == "unknown_status");
  CHECK(ember::status_description(bogus) != nullptr);
}

namespace {
Status fails_at(int step, int* reached) {
  *reached = 0;
  EMBER_TRY(step == 1 ? Status::bad_value : Status::ok);
  *reached = 1;
  EMBER_TRY(step == 2 ? Status::truncated : Status::ok);
  *reached = 2;
  return Status::ok;
}
}  // namespace

TEST_CASE("EMBER_TRY returns the first failure and stops there") {
  int reached = -1;
  CHECK(fails_at(1, &reached) == Status::bad_value);
  CHECK(reached == 0);
  CHECK(fails_at(2, &reached) == Status::truncated);
  CHECK(reached == 1);
  CHECK(fails_at(0, &reached) == Status::ok);
  CHECK(reached == 2);
}
