// A whole sagad started in-process for tests: SQLite in a temporary
// directory, the sample's definitions and in-process participants, an
// ephemeral port on 127.0.0.1, and a JSON-over-HTTP call helper.
// Tests using it define SAGAD_SOURCE_DIR (the repository root).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "apps/sagad/sagad_server.h"
#include "core/json.h"
#include "http-api/testing/raw_client.h"

namespace sagad::app::testing {

struct Answer {
  int status = 0;  // 0: no answer
  Json body;       // parsed JSON, or the raw text as a JSON string
  http::Fields headers;  // lower-case names
};

class SagadFixture : public ::testing::Test {
 protected:
  static std::string SampleSagas() { return std::string(SAGAD_SOURCE_DIR) + "/samples/order-inventory-payment/sagas"; }

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sagad-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    config_.store_url = "sqlite:" + (dir_ / "sagad.db").string();
    config_.definitions_dir = SampleSagas();
    config_.listen = "127.0.0.1:0";
    config_.watch_interval_ms = 0;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Boot() {
    auto server = SagadServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    port_ = server_->port();
  }
  void Shutdown() {
    if (server_) server_->Stop();
    server_.reset();
  }

  // One request on a fresh connection; `headers` are extra "Name: value\r\n" lines.
  Answer Call(std::string_view method, const std::string& target, const Json& body = nullptr,
              std::string_view headers = "") const {
    http::testing::RawClient client(static_cast<std::uint16_t>(port_));
    std::string text = body.is_null() ? "" : body.dump();
    std::string extra(headers);
    if (!text.empty()) extra += "Content-Type: application/json\r\n";
    auto r = client.Exchange(http::testing::HttpRequest(method, target, text, extra));
    if (!r) return {};
    Result<Json> parsed = ParseJson(r->body);
    return {r->status, parsed.ok() ? *parsed : Json(r->body), r->headers};
  }

  std::filesystem::path dir_;
  SagadConfig config_;
  std::unique_ptr<SagadServer> server_;
  int port_ = 0;
};

}  // namespace sagad::app::testing
