// What every session of one server shares. Sessions hold it by shared_ptr,
// so it (and the io_context their sockets live on) outlives the last one.
#pragma once

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http-api/http_server.h"
#include "http-api/metrics/registry.h"
#include "http-api/pipeline.h"

namespace sagad::http::internal {

class Session;

struct ServerState {
  ServerState(HttpServerOptions options_in, Router router_in, metrics::Registry& registry);

  boost::asio::io_context io;
  const HttpServerOptions options;
  const Router router;
  const RequestPipeline pipeline;
  metrics::Gauge& open_connections;
  metrics::Counter& refused_connections;
  metrics::Counter& evicted_connections;
  std::atomic<bool> stopping{false};

  // Live sessions, so Stop() can reach them.
  std::mutex mu;
  std::condition_variable changed;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  // Of those, the ones evicted but not yet gone: they no longer count
  // against max_connections (their close is on its way).
  std::size_t evictions_closing = 0;

  // Answers from asynchronous handlers arrive on other threads; once the io
  // threads are gone they are dropped instead of posted (see Session::Deliver).
  std::mutex gate_mu;
  bool gate_open = true;
};

}  // namespace sagad::http::internal
