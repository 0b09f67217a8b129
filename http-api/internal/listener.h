// Listener: accepts connections and starts a Session for each. At the
// connection cap it first closes the connection that has been idle longest
// to make room; only when none is idle does it answer 503 and close.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>

#include "core/status.h"
#include "http-api/internal/server_state.h"

namespace sagad::http::internal {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  explicit Listener(std::shared_ptr<ServerState> state);

  // Opens, binds and listens; Unavailable when the address cannot be bound.
  Status Bind(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;
  void Run();
  void Close();  // from any thread

 private:
  void Accept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  // True if a new connection may have a session: under the cap, or at it
  // with an idle connection evicted to make room.
  bool MakeRoom();
  void Refuse(boost::asio::ip::tcp::socket& socket);

  std::shared_ptr<ServerState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
};

}  // namespace sagad::http::internal
