// Slowloris: a client that sends its request a byte at a time never gets
// to hold a connection longer than sagad's header or body timeout (each is
// a deadline for the whole header or body, not for each read), and sagad
// answers everyone else meanwhile.
#include <thread>

#include "tests/abuse/sagad_under_attack.h"

namespace sagad::abuse {
namespace {

using namespace std::chrono_literals;

class SlowClientTest : public SagadUnderAttack {
 protected:
  struct Trickled {
    bool closed_by_sagad = false;
    int healthz_answered = 0;  // 200s from another connection meanwhile
    int healthz_failed = 0;
  };

  // Sends `bytes` one at a time, 100 ms apart, asking for /healthz from a
  // new connection after each, until sagad closes `slow` or kPatience passes.
  static Trickled TrickleUntilClosed(RawClient& slow, std::string_view bytes) {
    Trickled result;
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    for (std::size_t i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
      if (!slow.Send(bytes.substr(i % bytes.size(), 1)) || slow.WaitClosed(100ms)) {
        result.closed_by_sagad = true;
        break;
      }
      std::optional<RawResponse> health = Call(HttpRequest("GET", "/healthz"));
      ++(health && health->status == 200 ? result.healthz_answered : result.healthz_failed);
    }
    return result;
  }
};

TEST_F(SlowClientTest, AHeaderSentByteByByteIsCutOffAtTheHeaderTimeoutWhileHealthzAnswers) {
  RawClient slow(port());
  ASSERT_TRUE(slow.Send("GET /healthz HTTP/1.1\r\nHost: abuse\r\nX-Slow: "));
  // Header bytes that never end the header: only the timeout can.
  Trickled trickled = TrickleUntilClosed(slow, "abcdefghij");
  EXPECT_TRUE(trickled.closed_by_sagad) << "still open after " << kPatience.count() << " s";
  EXPECT_GT(trickled.healthz_answered, 0);
  EXPECT_EQ(trickled.healthz_failed, 0);
}

TEST_F(SlowClientTest, ABodySentByteByByteIsCutOffAtTheBodyTimeoutAndStartsNothing) {
  std::size_t sagas = SagaCount();
  RawClient slow(port());
  std::string body = ValidPlaceOrderBody("o-slow");
  // All of the header (Content-Length: 4096), then the body a byte at a
  // time: a start's body, over and over, which cannot reach 4096 bytes
  // before kPatience.
  std::string request = StartPlaceOrder(std::string(4096, ' '));
  ASSERT_TRUE(slow.Send(request.substr(0, request.size() - 4096)));
  Trickled trickled = TrickleUntilClosed(slow, body);
  EXPECT_TRUE(trickled.closed_by_sagad) << "still open after " << kPatience.count() << " s";
  EXPECT_GT(trickled.healthz_answered, 0);
  EXPECT_EQ(trickled.healthz_failed, 0);
  EXPECT_EQ(SagaCount(), sagas);
}

}  // namespace
}  // namespace sagad::abuse
