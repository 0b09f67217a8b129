#include "tests/abuse/sagad_under_attack.h"


#include "apps/sagad/open_file_limit.h"
#include "core/json.h"

namespace sagad::abuse {
namespace {

namespace fs = std::filesystem;

// One sagad at a time: test suites run one after another.
struct Running {
  fs::path dir;
  std::unique_ptr<crash::SagadProcess> sagad;
  std::string start_error;  // why sagad is missing
};
Running& Current() {
  static Running running;
  return running;
}

Status StartSagad(Running& running) {
  running.dir = crash::MakeRunDirectory("sagad-abuse-");
  if (running.dir.empty()) return Status::Internal("cannot make a temporary directory");
  running.sagad = std::make_unique<crash::SagadProcess>(crash::SagadConfig{
      .binary = SAGAD_BINARY,
      .store_url = "sqlite:" + (running.dir / "sagad.db").string(),
      .definitions = SAGAD_SAMPLE_SAGAS,
      .participants = {},
      .log_path = (running.dir / "sagad.log").string(),
      .flags = {"--admin-token", kAdminToken, "--http-header-timeout-ms", std::to_string(kHeaderTimeout.count()),
                "--http-body-timeout-ms", std::to_string(kBodyTimeout.count())}});
  return running.sagad->Start();
}

}  // namespace

void SagadUnderAttack::SetUpTestSuite() {
  // sagad inherits the limit: room for the connection flood on both ends.
  (void)app::RaiseOpenFileLimit();
  Running& running = Current();
  Status started = StartSagad(running);
  if (!started.ok()) {
    running.start_error = started.ToString();
    running.sagad.reset();
  }
}

void SagadUnderAttack::TearDownTestSuite() {
  Running& running = Current();
  if (running.sagad) {
    Status stopped = running.sagad->Stop();
    EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  }
  const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
  if (suite && suite->Failed()) {
    std::cerr << "sagad's store and log kept in " << running.dir << "\n";
  } else if (!running.dir.empty()) {
    fs::remove_all(running.dir);
  }
  running = Running{};
}

void SagadUnderAttack::SetUp() {
  ASSERT_TRUE(Current().sagad) << "sagad did not start: " << Current().start_error;
}

std::uint16_t SagadUnderAttack::port() {
  const std::string url = Current().sagad->url();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

void SagadUnderAttack::ExpectStillServing() {
  crash::SagadProcess* sagad = Current().sagad.get();
  if (!sagad) return;  // SetUp said why
  std::optional<std::string> ended = sagad->EndedByItself();
  ASSERT_FALSE(ended) << *ended;
  ASSERT_EQ(sagad->starts(), 1);
  std::optional<RawResponse> health = Call(HttpRequest("GET", "/healthz"));
  ASSERT_TRUE(health) << "GET /healthz had no answer within " << kPatience.count() << " s";
  EXPECT_EQ(health->status, 200) << health->body;
}

std::optional<RawResponse> SagadUnderAttack::Call(std::string_view request) {
  RawClient client(port());
  if (!client.Send(request)) return std::nullopt;
  return client.Read(kPatience);
}

std::size_t SagadUnderAttack::SagaCount() {
  std::optional<RawResponse> list = Call(HttpRequest("GET", "/v1/sagas?limit=500"));
  EXPECT_TRUE(list && list->status == 200) << (list ? list->body : "no answer");
  if (!list) return 0;
  Result<Json> body = ParseJson(list->body);
  EXPECT_TRUE(body.ok() && body->contains("items")) << list->body;
  return body.ok() ? body->value("items", Json::array()).size() : 0;
}

std::string AdminHeader() { return std::string("Authorization: Bearer ") + kAdminToken + "\r\n"; }

std::string StartPlaceOrder(std::string_view body, std::string_view extra_headers) {
  return HttpRequest("POST", "/v1/sagas/PlaceOrder", body,
                     std::string("Content-Type: application/json\r\n") + std::string(extra_headers));
}

std::string ValidPlaceOrderBody(std::string_view order_id) {
  return DumpJson(Json{{"order_id", order_id}, {"sku", "sku-apple"}, {"qty", 1}, {"customer_id", "c-1"}, {"total", 1}});
}

bool IsProblemJson(const RawResponse& response) {
  Result<Json> body = ParseJson(response.body);
  return response.Header("content-type") == "application/problem+json" && body.ok() && body->is_object() &&
         body->value("status", 0) == response.status;
}

}  // namespace sagad::abuse
