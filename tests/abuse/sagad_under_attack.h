// The fixture of the abuse suite: one real sagad binary per test suite (a
// SQLite store in a temporary directory, the sample's definitions and
// participants, --admin-token, short header and body timeouts), attacked
// over raw sockets on 127.0.0.1. After every test it must still be the same
// process and answer GET /healthz 200 from a new connection.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http-api/testing/raw_client.h"
#include "tests/crash/sagad_process.h"

namespace sagad::abuse {

using http::testing::HttpRequest;
using http::testing::RawClient;
using http::testing::RawResponse;

inline constexpr char kAdminToken[] = "abuse-suite-admin-token";
// sagad's header and body timeouts here (the defaults, 10 s and 30 s, would
// make the slow-client cases slow).
inline constexpr std::chrono::milliseconds kHeaderTimeout{1000};
inline constexpr std::chrono::milliseconds kBodyTimeout{1000};
// How long an answer may take before "sagad keeps answering" fails: far
// beyond any timeout above, so that a loaded machine is not a failure.
inline constexpr std::chrono::seconds kPatience{10};

class SagadUnderAttack : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();  // SIGTERM: sagad must exit 0
  void SetUp() override;            // fails the test if sagad did not start
  void TearDown() override { ExpectStillServing(); }

  static std::uint16_t port();

  // sagad did not end (crash) and a new connection gets 200 from
  // GET /healthz within kPatience (a 503 or no answer fails).
  static void ExpectStillServing();
  // How many sagas sagad has: what an attack must leave as it was.
  static std::size_t SagaCount();
  // One request on a new connection; nullopt if nothing came within kPatience.
  static std::optional<RawResponse> Call(std::string_view request);
};

// "Authorization: Bearer <kAdminToken>\r\n", for HttpRequest's extra headers.
std::string AdminHeader();

// POST /v1/sagas/PlaceOrder with `body` and the `extra_headers` (by default
// the admin token): a request that starts a saga when the body is one.
std::string StartPlaceOrder(std::string_view body, std::string_view extra_headers = AdminHeader());
// A body with which StartPlaceOrder starts a saga.
std::string ValidPlaceOrderBody(std::string_view order_id);

// True if `body` is a problem+json document: valid JSON (so valid UTF-8)
// with the same status as `response`.
bool IsProblemJson(const RawResponse& response);

}  // namespace sagad::abuse
