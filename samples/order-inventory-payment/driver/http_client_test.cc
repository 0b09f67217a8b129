// The driver's client across a restart of sagad: a request sent while
// nothing listens is sent again until the server answers, for up to
// `retry_for`, then Unavailable. The crash suite relies on it.
#include "samples/order-inventory-payment/driver/http_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace sagad::sample::driver {
namespace {

// A port bound but not listening: a connection to it is refused, as to a
// sagad that is down, until Listen() answers one request with `{}`.
class LateServer {
 public:
  LateServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t size = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~LateServer() {
    if (server_.joinable()) server_.join();
    close(fd_);
  }

  participants::HttpUrl url() const { return {.host = "127.0.0.1", .port = port_}; }

  void ListenLater() {
    server_ = std::thread([this] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ASSERT_EQ(listen(fd_, 8), 0);
      int client = accept(fd_, nullptr, nullptr);
      char request[4096];
      [[maybe_unused]] ssize_t n = read(client, request, sizeof request);
      static const std::string kAnswer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
      [[maybe_unused]] ssize_t w = write(client, kAnswer.data(), kAnswer.size());
      close(client);
    });
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread server_;
};

TEST(HttpClientTest, ARequestRefusedWhileTheServerIsDownIsSentAgainUntilItAnswers) {
  LateServer server;
  HttpClient client(server.url(), std::chrono::seconds(30));
  server.ListenLater();
  Result<HttpAnswer> answer = client.Post("/v1/commands/order/PlaceOrder", Json{{"command_id", "place/o-1"}});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
}

TEST(HttpClientTest, AServerThatStaysDownIsUnavailableAfterRetryFor) {
  LateServer server;
  HttpClient client(server.url(), std::chrono::milliseconds(200));
  Result<HttpAnswer> answer = client.Get("/readyz");
  ASSERT_FALSE(answer.ok());
  EXPECT_TRUE(answer.status().Is(StatusCode::kUnavailable)) << answer.status().ToString();
  EXPECT_NE(answer.status().message().find("cannot connect"), std::string::npos) << answer.status().ToString();
}

}  // namespace
}  // namespace sagad::sample::driver
