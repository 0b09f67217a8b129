#include "http-api/internal/listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "http-api/internal/beast_message.h"
#include "http-api/internal/session.h"
#include "http-api/problem.h"

namespace sagad::http::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

// Written once, without waiting, to connections over the cap.
const std::string& RefusalBytes() {
  static const std::string bytes = [] {
    Response response = Problem(503, "too many connections; retry later");
    response.headers.emplace_back("Retry-After", "1");
    std::ostringstream out;
    out << ToBeast(std::move(response), 11, /*keep_alive=*/false, /*head=*/false);
    return out.str();
  }();
  return bytes;
}

// The session idle longest, or nullptr if none is idle. Under ServerState::mu.
Session* LongestIdle(const std::unordered_map<Session*, std::weak_ptr<Session>>& sessions) {
  Session* oldest = nullptr;
  std::chrono::steady_clock::time_point oldest_since;
  for (const auto& [session, weak] : sessions) {
    std::optional<std::chrono::steady_clock::time_point> since = session->IdleSince();
    if (since && (!oldest || *since < oldest_since)) {
      oldest = session;
      oldest_since = *since;
    }
  }
  return oldest;
}

}  // namespace

Listener::Listener(std::shared_ptr<ServerState> state)
    : state_(std::move(state)), acceptor_(net::make_strand(state_->io)), backoff_(acceptor_.get_executor()) {}

Status Listener::Bind(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  auto fail = [&](std::string_view what) {
    return Status::Unavailable("http listen on " + endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + ": " + std::string(what) + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("set_option");
  if (acceptor_.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return Status::Ok();
}

std::uint16_t Listener::port() const {
  beast::error_code ec;
  auto endpoint = acceptor_.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Listener::Run() { Accept(); }

void Listener::Close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void Listener::Accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(state_->io),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors, typically: pause instead of spinning.
    spdlog::warn("http accept failed: {}", ec.message());
    backoff_.expires_after(std::chrono::milliseconds(50));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  if (state_->stopping || !MakeRoom()) {
    Refuse(socket);
  } else {
    std::make_shared<Session>(std::move(socket), state_)->Run();
  }
  Accept();
}

// Why evict rather than refuse: idle connections cost the client nothing to
// hold, so with a plain cap a few thousand sockets that never send a byte
// lock every new client out (503) until idle_timeout closes them. Closing
// the connection idle longest admits the newcomer, and the cap still bounds
// the sockets and memory sagad spends. An idle connection has no request in
// progress, so nothing is lost: a keep-alive client reconnects (as it must
// for any idle close). Connections in the middle of a request are never
// evicted; header_timeout and body_timeout bound how long they hold a slot.
bool Listener::MakeRoom() {
  std::shared_ptr<Session> evicted;  // let go after the lock: its destructor takes it
  {
    std::lock_guard lock(state_->mu);
    std::size_t live = state_->sessions.size() - state_->evictions_closing;
    if (live < state_->options.max_connections) return true;
    // The one we pick can leave idle while we look (its bytes arrive): then
    // MarkEvicted fails and we look again, a few times at most.
    Session* victim = nullptr;
    for (int attempt = 0; attempt < 3 && !victim; ++attempt) {
      Session* oldest = LongestIdle(state_->sessions);
      if (!oldest) return false;
      if (oldest->MarkEvicted()) victim = oldest;
    }
    if (!victim) return false;
    ++state_->evictions_closing;
    evicted = state_->sessions.find(victim)->second.lock();  // empty while it is destroyed: closed anyway
  }
  state_->evicted_connections.Inc();
  if (evicted) evicted->CloseEvicted();
  return true;
}

void Listener::Refuse(tcp::socket& socket) {
  state_->refused_connections.Inc();
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(RefusalBytes()), ec);  // a fresh socket's buffer takes it whole
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace sagad::http::internal
