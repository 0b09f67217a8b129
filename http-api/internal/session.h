// Session: one HTTP/1.1 connection, read -> pipeline -> write, repeated
// while keep-alive lasts. All of a session's work runs on its strand.
//
// Reading a request is three steps, each with its own deadline: wait for its
// first byte (idle_timeout), read the header (header_timeout), read the body
// (body_timeout). A client that stops halfway is closed when the step's
// deadline passes, so nobody holds a connection forever.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "http-api/internal/beast_message.h"
#include "http-api/internal/server_state.h"

namespace sagad::http::internal {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state);
  ~Session();

  void Run();
  // Stop(): close now if idle, else after the response in progress.
  void Shutdown();
  // After the grace period: close whatever is going on.
  void ForceClose();
  // With the io threads joined: drop the self-reference an unanswered
  // asynchronous handler keeps, so the session can go.
  void Abandon();

 private:
  using error_code = boost::beast::error_code;

  void WaitForRequest();
  void OnFirstBytes(error_code ec, std::size_t bytes);
  void ReadHeader();
  void OnHeader(error_code ec, std::size_t bytes);
  void ReadBody();
  void OnBody(error_code ec, std::size_t bytes);
  void Dispatch();
  void Deliver(Response response);  // any thread
  void Write(Response response, bool close);
  void OnWrite(bool close, error_code ec, std::size_t bytes);
  void FailRead(error_code ec);
  void Close();
  void LingerThenClose();
  void Drain();

  std::shared_ptr<ServerState> state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<void> response_;  // alive while it is written
  std::shared_ptr<Session> awaiting_answer_;  // set while an async handler holds the request
  bool idle_ = true;
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace sagad::http::internal
