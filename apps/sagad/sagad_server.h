// SagadServer: the whole sagad process wired together: store, definitions,
// runtime, participants' transports, engine (with recovery), HTTP API.
// Stop() shuts down in the order that loses nothing: stop taking requests,
// stop dispatching, commit what was decided, close the store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/sagad/participant_flag.h"
#include "core/runtime/runtime_options.h"
#include "core/status.h"
#include "http-api/http_server.h"

namespace sagad::app {

struct SagadConfig {
  std::string store_url = "sqlite:./data/sagad.db";
  std::string definitions_dir = "./sagas";
  std::string listen = "127.0.0.1:8080";
  std::vector<ParticipantFlag> participants;  // empty: every built-in participant in-process
  int shards = 0;                             // 0: one per hardware thread
  int watch_interval_ms = 1000;               // 0: load definitions once
  std::string admin_token;                    // empty: no auth on mutating routes
  // Starts are refused (503, Retry-After) while this many engine commands
  // and participant calls are in flight; recovery resends at most half as
  // many at once. 0: no limit (coordinator::EngineOptions::max_in_flight).
  std::int64_t max_in_flight = 20000;
  // Aggregates (saga instances, participants' entities) kept in memory per
  // shard; a miss reloads from the store. What bounds sagad's memory.
  std::size_t cache_per_shard = RuntimeOptions{}.cache_capacity_per_shard;
  // The HTTP edge's limits and timeouts; its listen and auth are not used
  // (listen and admin_token above are).
  http::HttpServerOptions http_limits;
};

class SagadServer {
 public:
  // Everything is up (recovery done, API listening) when this returns OK.
  static Result<std::unique_ptr<SagadServer>> Start(const SagadConfig& config);
  ~SagadServer();
  void Stop();
  int port() const;

  class Impl;

 private:
  explicit SagadServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sagad::app
