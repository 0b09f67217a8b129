// HttpServer: serves a Router over HTTP/1.1 (Boost.Beast on Asio; none of it
// shows here). One session per connection, keep-alive, N io threads.
//
//   metrics::Registry registry;
//   Router router;
//   AddOpsRoutes(router, registry, [&] { return engine.Ready(); });
//   router.Add(Method::kGet, "/v1/sagas/{id}", ...);
//   HttpServer server(options, std::move(router), registry);
//   SAGAD_RETURN_IF_ERROR(server.Start());   // binds; server.port() is the bound port
//   ...
//   server.Stop();                           // graceful, bounded by shutdown_grace
//
// Every limit has a default that is safe to expose to a hostile client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "http-api/auth.h"
#include "http-api/metrics/registry.h"
#include "http-api/router.h"

namespace sagad::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 = any free port
  int io_threads = 2;
  AuthOptions auth;

  std::size_t body_limit = 1 << 20;     // larger bodies: 413
  std::size_t header_limit = 16 << 10;  // request line + headers; larger: 431
  // At the cap, a new connection closes the one idle longest (no byte of a
  // request since it opened or since its last response) and takes its place;
  // only if none is idle is it answered 503 and closed. So idle sockets,
  // however many, cannot lock a new client out (listener.cc says why).
  std::size_t max_connections = 1024;

  // A connection with no request in progress is closed after idle_timeout.
  // Once a request's first byte arrives, its header must be complete within
  // header_timeout and its body within body_timeout (slowloris); a response
  // must be taken within write_timeout.
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // Stop() waits this long for requests in flight, then closes what is left.
  std::chrono::milliseconds shutdown_grace{5'000};
};

class HttpServer {
 public:
  // `registry` must outlive the server; the server records into it.
  HttpServer(HttpServerOptions options, Router router, metrics::Registry& registry);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the io threads. InvalidArgument for a bad address,
  // Unavailable if it cannot bind (port taken). Call once.
  Status Start();

  // The bound port (the real one when options asked for 0); 0 before Start.
  std::uint16_t port() const;

  // Stops accepting, closes idle connections, lets requests in flight finish
  // (their responses say Connection: close) for up to shutdown_grace, then
  // closes the rest and joins the io threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad::http
