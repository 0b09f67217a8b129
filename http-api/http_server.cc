#include "http-api/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "http-api/internal/listener.h"
#include "http-api/internal/server_state.h"
#include "http-api/internal/session.h"
#include "http-api/listen_address.h"

namespace sagad::http {

namespace net = boost::asio;
using internal::ServerState;
using internal::Session;

internal::ServerState::ServerState(HttpServerOptions options_in, Router router_in, metrics::Registry& registry)
    : io(std::max(1, options_in.io_threads)),
      options(std::move(options_in)),
      router(std::move(router_in)),
      pipeline(router, options.auth, registry),
      open_connections(registry.Gauge("sagad_http_open_connections", "HTTP connections open now.").With({})),
      refused_connections(registry
                              .Counter("sagad_http_refused_connections_total",
                                       "HTTP connections refused (503) at the connection cap, none being idle.")
                              .With({})),
      evicted_connections(registry
                              .Counter("sagad_http_evicted_connections_total",
                                       "Idle HTTP connections closed to admit a new one at the connection cap.")
                              .With({})) {}

struct HttpServer::Impl {
  std::shared_ptr<ServerState> state;
  std::shared_ptr<internal::Listener> listener;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(state->mu);
    for (auto& [raw, weak] : state->sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    return live;
  }

  // True if every session ended before `timeout`.
  bool WaitForSessions(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state->mu);
    return state->changed.wait_for(lock, timeout, [&] { return state->sessions.empty(); });
  }
};

HttpServer::HttpServer(HttpServerOptions options, Router router, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>()) {
  impl_->state = std::make_shared<ServerState>(std::move(options), std::move(router), registry);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (impl_->started) return Status::FailedPrecondition("http server already started");
  const HttpServerOptions& options = impl_->state->options;
  Result<ListenAddress> address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  boost::system::error_code ec;
  net::ip::address ip = net::ip::make_address(address->host, ec);
  if (ec) return Status::InvalidArgument("listen address '" + options.listen + "': host must be an IP address");

  impl_->listener = std::make_shared<internal::Listener>(impl_->state);
  SAGAD_RETURN_IF_ERROR(impl_->listener->Bind({ip, address->port}));
  impl_->port = impl_->listener->port();
  impl_->started = true;
  impl_->listener->Run();
  impl_->work.emplace(impl_->state->io.get_executor());
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl_->threads.emplace_back([state = impl_->state] {
      // Handlers catch their own exceptions; this is for Asio's.
      for (;;) {
        try {
          state->io.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http io thread: {}", e.what());
        }
      }
    });
  }
  spdlog::info("http: listening on {}:{}", address->host, impl_->port);
  return Status::Ok();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  ServerState& state = *impl_->state;
  state.stopping = true;
  impl_->listener->Close();

  // Idle connections close now, busy ones after their response.
  for (auto& session : impl_->LiveSessions()) session->Shutdown();
  if (!impl_->WaitForSessions(state.options.shutdown_grace)) {
    spdlog::warn("http: requests still in flight after {} ms; closing their connections",
                 state.options.shutdown_grace.count());
    for (auto& session : impl_->LiveSessions()) session->ForceClose();
    (void)impl_->WaitForSessions(std::chrono::seconds(1));
  }
  impl_->work.reset();
  state.io.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_->threads.clear();

  // No io thread is left: answers that arrive from now on are dropped, and
  // sessions still waiting for one let go of themselves.
  {
    std::lock_guard gate(state.gate_mu);
    state.gate_open = false;
  }
  for (auto& session : impl_->LiveSessions()) session->Abandon();
  // Run what the closes completed, so queued handlers release their sessions
  // (and with them this state) instead of keeping them in a stopped context.
  state.io.restart();
  for (int round = 0; round < 100 && state.io.poll() > 0; ++round) {
  }
  spdlog::info("http: stopped");
}

}  // namespace sagad::http
