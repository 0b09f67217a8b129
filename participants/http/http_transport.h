// HttpTransport: reaches a participant service over HTTP/1.1
// (docs/participants.md has the protocol).
//
//   auto t = HttpTransport::Create("http://127.0.0.1:9101/inventory");
//   if (!t.ok()) return t.status();
//   (*t)->Send(command, [](coordinator::Reply r) { ... });
//
// Each command is POSTed to <base URL>/<command type> over a pool of
// keep-alive connections run by one I/O thread the transport owns. Beast
// stays inside the .cc: this header is all the engine needs to include.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "coordinator/transport.h"
#include "core/status.h"

namespace sagad::participants {

struct HttpTransportOptions {
  std::chrono::milliseconds connect_timeout{2000};
  // From the first byte written to the last byte of the reply.
  std::chrono::milliseconds request_timeout{10000};
  // Open connections at most; commands beyond wait in a queue (the wait is
  // not counted against request_timeout).
  int max_connections = 64;
  // A larger reply is answered kTransient: it is a misbehaving participant.
  std::size_t max_reply_bytes = std::size_t{1} << 20;
};

class HttpTransport final : public coordinator::Transport {
 public:
  // InvalidArgument if `base_url` is not an http:// URL, its host cannot be
  // resolved, or an option is out of range.
  static Result<std::unique_ptr<HttpTransport>> Create(std::string_view base_url, HttpTransportOptions options = {});

  ~HttpTransport() override;  // Stop()s; must not run inside a reply callback
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Thread-safe; never blocks on the network. The reply comes on the
  // transport's I/O thread (or on the caller's, once stopped).
  void Send(const coordinator::OutgoingCommand& command, coordinator::ReplyCallback on_reply) override;

  // Answers everything not yet answered kTransient "transport stopped",
  // closes the connections and joins the I/O thread (unless called from a
  // reply callback, which runs on that thread). Idempotent.
  void Stop() override;

 private:
  class Impl;
  explicit HttpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad::participants
