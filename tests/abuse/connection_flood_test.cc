// More idle connections than sagad's connection cap (1024 by default): the
// connection idle longest makes room for each new one, so the flood cannot
// lock a new client out (it used to: 3,000 idle sockets made /healthz answer
// 503 until they timed out), and the cap still bounds what sagad keeps open.
#include <memory>
#include <vector>

#include "apps/sagad/open_file_limit.h"
#include "tests/abuse/sagad_under_attack.h"

namespace sagad::abuse {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kDefaultCap = 1024;  // http::HttpServerOptions::max_connections
constexpr std::size_t kIdleSockets = 3000;  // the flood

class ConnectionFloodTest : public SagadUnderAttack {};

// How many of `clients` sagad has closed, waiting until at least `wanted`
// are or kPatience passes.
std::size_t WaitUntilClosed(std::vector<std::unique_ptr<RawClient>>& clients, std::size_t wanted) {
  std::vector<bool> closed(clients.size(), false);
  std::size_t count = 0;
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (count < wanted && std::chrono::steady_clock::now() < deadline) {
    for (std::size_t i = 0; i < clients.size() && count < wanted; ++i) {
      if (!closed[i] && clients[i]->WaitClosed(1ms)) {
        closed[i] = true;
        ++count;
      }
    }
  }
  return count;
}

TEST_F(ConnectionFloodTest, IdleConnectionsBeyondTheCapDoNotLockOutANewClient) {
  std::size_t open_files = app::RaiseOpenFileLimit();
  if (open_files != 0 && open_files < kIdleSockets + 256) {
    GTEST_SKIP() << "ulimit -n allows " << open_files << " open files; the flood needs " << kIdleSockets + 256;
  }
  std::vector<std::unique_ptr<RawClient>> idle;
  for (std::size_t i = 0; i < kIdleSockets; ++i) {
    idle.push_back(std::make_unique<RawClient>(port()));
    ASSERT_TRUE(idle.back()->connected()) << "connection " << i;
  }

  // A new client is served while every idle socket is held (the check after
  // each test asks once more).
  std::optional<RawResponse> health = Call(HttpRequest("GET", "/healthz"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;

  // The cap held: sagad closed all but (at most) kDefaultCap of them, the
  // longest idle first, so the newest one is still served.
  EXPECT_EQ(WaitUntilClosed(idle, kIdleSockets - kDefaultCap), kIdleSockets - kDefaultCap);
  EXPECT_TRUE(idle.front()->WaitClosed(kPatience));
  std::optional<RawResponse> newest = idle.back()->Exchange(HttpRequest("GET", "/healthz"));
  ASSERT_TRUE(newest) << "the newest idle connection was closed";
  EXPECT_EQ(newest->status, 200);
}

}  // namespace
}  // namespace sagad::abuse
