// Requests that are broken or too big: each gets its 4xx (and the ones that
// leave the stream unusable get the connection closed), none starts a saga,
// and sagad goes on (the fixture checks /healthz after each).
#include "tests/abuse/sagad_under_attack.h"

namespace sagad::abuse {
namespace {

class MalformedRequestTest : public SagadUnderAttack {
 protected:
  void SetUp() override {
    SagadUnderAttack::SetUp();
    sagas_before_ = SagaCount();
  }
  void TearDown() override {
    EXPECT_EQ(SagaCount(), sagas_before_) << "an attack started a saga";
    SagadUnderAttack::TearDown();
  }

  // Sends `request` on a new connection: it must be answered `status` with
  // a problem, then closed by sagad (what follows cannot be trusted).
  static void ExpectRefusedAndClosed(std::string_view request, int status) {
    RawClient client(port());
    ASSERT_TRUE(client.Send(request));
    std::optional<RawResponse> response = client.Read(kPatience);
    ASSERT_TRUE(response) << "no answer within " << kPatience.count() << " s";
    EXPECT_EQ(response->status, status);
    EXPECT_TRUE(IsProblemJson(*response)) << response->body;
    EXPECT_TRUE(client.WaitClosed(kPatience));
  }

  // Sends `request` on a new connection: it must be answered with a 4xx
  // problem (valid JSON: nothing it echoes breaks the document).
  static void ExpectClientError(std::string_view request, int status_or_0 = 0) {
    std::optional<RawResponse> response = Call(request);
    ASSERT_TRUE(response) << "no answer within " << kPatience.count() << " s";
    if (status_or_0 != 0) {
      EXPECT_EQ(response->status, status_or_0);
    }
    EXPECT_GE(response->status, 400);
    EXPECT_LT(response->status, 500);
    EXPECT_TRUE(IsProblemJson(*response)) << response->body;
  }

  std::size_t sagas_before_ = 0;
};

TEST_F(MalformedRequestTest, PipelinedGarbageAfterAValidRequestIs400AfterTheValidAnswer) {
  RawClient client(port());
  ASSERT_TRUE(client.Send(HttpRequest("GET", "/healthz") + std::string("GARBAGE \x01\x02\xff\r\n\r\n")));
  std::optional<RawResponse> valid = client.Read(kPatience);
  ASSERT_TRUE(valid);
  EXPECT_EQ(valid->status, 200);
  std::optional<RawResponse> garbage = client.Read(kPatience);
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_TRUE(IsProblemJson(*garbage)) << garbage->body;
  EXPECT_TRUE(client.WaitClosed(kPatience));
}

TEST_F(MalformedRequestTest, AHeaderOverTheLimitIs431) {
  // sagad's header limit is 16 KiB.
  ExpectRefusedAndClosed(HttpRequest("GET", "/healthz", "", "X-Big: " + std::string(32 << 10, 'h') + "\r\n"), 431);
}

TEST_F(MalformedRequestTest, AStartWhoseContentLengthIsOverTheBodyLimitIs413) {
  // sagad's body limit is 1 MiB; it answers on the header alone.
  std::string header = "POST /v1/sagas/PlaceOrder HTTP/1.1\r\nHost: abuse\r\n" + AdminHeader() +
                       "Content-Type: application/json\r\nContent-Length: " + std::to_string(2 << 20) + "\r\n\r\n";
  ExpectRefusedAndClosed(header + "{\"order_id\":\"o-413\"", 413);
}

TEST_F(MalformedRequestTest, AChunkedStartOverTheBodyLimitIs413) {
  // No length up front: sagad counts what arrives and stops at 1 MiB.
  std::string request = "POST /v1/sagas/PlaceOrder HTTP/1.1\r\nHost: abuse\r\n" + AdminHeader() +
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string chunk(64 << 10, ' ');
  for (int i = 0; i < 17; ++i) request += "10000\r\n" + chunk + "\r\n";  // 17 x 64 KiB
  request += "0\r\n\r\n";
  ExpectRefusedAndClosed(request, 413);
}

TEST_F(MalformedRequestTest, InvalidUtf8InAJsonBodyIs400) {
  for (std::string bad : {std::string("{\"order_id\":\"o-\xff\xfe\"}"),      // bytes that are never UTF-8
                          std::string("{\"order_id\":\"o-\xc3\x28\"}"),      // a lead byte without its continuation
                          std::string("{\"order_id\":\"o-\xed\xa0\x80\"}"),  // a UTF-16 surrogate, encoded
                          std::string("{\"o-\xc0\xaf\":1}")}) {              // an overlong '/' as a key
    SCOPED_TRACE(bad);
    ExpectClientError(StartPlaceOrder(bad), 400);
  }
}

TEST_F(MalformedRequestTest, InvalidUtf8InAPathIs4xxWithAValidProblem) {
  for (std::string target : {std::string("/v1/sagas/%FF%FE"), std::string("/v1/sagas/%C3%28/events"),
                             std::string("/v1/definitions/%ED%A0%80"), std::string("/dashboard/%C0%AF"),
                             std::string("/v1/sagas/\xff\xfe")}) {
    SCOPED_TRACE(target);
    ExpectClientError(HttpRequest("GET", target));
  }
  // A start of a definition whose name is not UTF-8.
  ExpectClientError(HttpRequest("POST", "/v1/sagas/%FFPlace", ValidPlaceOrderBody("o-utf8"),
                                AdminHeader() + "Content-Type: application/json\r\n"));
}

TEST_F(MalformedRequestTest, JsonNested100000DeepIs400) {
  constexpr int kDepth = 100'000;
  std::string objects;
  for (int i = 0; i < kDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kDepth, '}');
  std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']');
  for (const std::string& deep : {objects, arrays}) {
    SCOPED_TRACE(deep.substr(0, 10));
    ExpectClientError(StartPlaceOrder(deep), 400);
  }
}

}  // namespace
}  // namespace sagad::abuse
