// Session: one HTTP/1.1 connection, read -> pipeline -> write, repeated
// while keep-alive lasts. All of a session's work runs on its strand.
//
// Reading a request is three steps, each with its own deadline: wait for its
// first byte (idle_timeout), read the header (header_timeout), read the body
// (body_timeout). A client that stops halfway is closed when the step's
// deadline passes, so nobody holds a connection forever.
//
// While it waits for a request's first byte a session is idle, and the
// listener may evict it (close it to admit a new connection at the cap);
// once evicted it serves nothing more, even if bytes raced in.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
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

  // Since when it has been idle (no byte of a request since it opened or
  // since its last response); nothing while a request is in progress. Any
  // thread, with the session still in ServerState::sessions.
  std::optional<std::chrono::steady_clock::time_point> IdleSince() const;
  // Any thread, under ServerState::mu: if it is idle, marks it evicted for
  // good and returns true; then Close it with CloseEvicted().
  bool MarkEvicted();
  void CloseEvicted();
  bool evicted() const { return idle_since_.load() == kEvicted; }

 private:
  using error_code = boost::beast::error_code;

  // idle_since_: the steady clock's ticks when it became idle, or one of these.
  static constexpr std::int64_t kBusy = -1;     // a request in progress, or not started yet
  static constexpr std::int64_t kEvicted = -2;  // closed to make room; final
  void BecomeIdle();
  // Idle -> busy as a request's first bytes arrive; false if it was evicted.
  bool LeaveIdle();

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
  // Atomic: the listener reads it (and evicts) from its own strand.
  std::atomic<std::int64_t> idle_since_{kBusy};
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace sagad::http::internal
