// Listener: accepts connections and starts a Session for each, or answers
// 503 and closes when the connection cap is reached.
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
  void Refuse(boost::asio::ip::tcp::socket& socket);

  std::shared_ptr<ServerState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
};

}  // namespace sagad::http::internal
