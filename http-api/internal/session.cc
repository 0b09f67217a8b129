#include "http-api/internal/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

namespace sagad::http::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kReadChunk = 4096;

// The client going away, or our own close: nothing to answer.
bool IsDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == net::error::eof ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::bad_descriptor;
}

}  // namespace

Session::Session(net::ip::tcp::socket&& socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)), stream_(std::move(socket)) {
  state_->open_connections.Add(1);
}

Session::~Session() {
  state_->open_connections.Add(-1);
  std::lock_guard lock(state_->mu);
  if (evicted()) --state_->evictions_closing;
  state_->sessions.erase(this);
  state_->changed.notify_all();
}

void Session::Run() {
  {
    std::lock_guard lock(state_->mu);
    state_->sessions.emplace(this, weak_from_this());
  }
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::WaitForRequest, shared_from_this()));
}

void Session::Shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->IdleSince()) self->Close();
  });
}

void Session::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->awaiting_answer_.reset();
    self->Close();
  });
}

void Session::Abandon() {
  awaiting_answer_.reset();
  beast::error_code ec;
  stream_.socket().close(ec);
}

std::optional<std::chrono::steady_clock::time_point> Session::IdleSince() const {
  std::int64_t since = idle_since_.load();
  if (since < 0) return std::nullopt;
  return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(since));
}

bool Session::MarkEvicted() {
  std::int64_t since = idle_since_.load();
  return since >= 0 && idle_since_.compare_exchange_strong(since, kEvicted);
}

void Session::CloseEvicted() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::BecomeIdle() {
  // Only the session leaves idle, and an evicted session never gets here
  // again, so a plain store cannot overwrite kEvicted.
  idle_since_.store(std::chrono::steady_clock::now().time_since_epoch().count());
}

bool Session::LeaveIdle() {
  std::int64_t since = idle_since_.load();
  while (since >= 0 && !idle_since_.compare_exchange_weak(since, kBusy)) {
  }
  return since != kEvicted;
}

void Session::WaitForRequest() {
  if (state_->stopping) return Close();
  if (buffer_.size() > 0) return ReadHeader();  // pipelined: the next request is already here
  BecomeIdle();
  stream_.expires_after(state_->options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(error_code ec, std::size_t bytes) {
  if (!LeaveIdle()) return Close();  // evicted: the listener gave its place away
  if (ec) return Close();            // idle timeout, client gone, or Shutdown()
  buffer_.commit(bytes);
  ReadHeader();
}

void Session::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
  parser_->body_limit(state_->options.body_limit);
  stream_.expires_after(state_->options.header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(error_code ec, std::size_t) {
  if (ec) return FailRead(ec);
  const auto& header = parser_->get();
  if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
    // curl and others wait for this before sending a larger body.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(state_->options.write_timeout);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](error_code write_ec, std::size_t) {
                       if (write_ec) return self->Close();
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  if (parser_->is_done()) return Dispatch();
  stream_.expires_after(state_->options.body_timeout);
  bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnBody, shared_from_this()));
}

void Session::OnBody(error_code ec, std::size_t) {
  if (ec) return FailRead(ec);
  Dispatch();
}

void Session::FailRead(error_code ec) {
  if (IsDisconnect(ec)) return Close();
  if (ec == beast::error::timeout) {
    spdlog::debug("http: closing a connection that sent no complete request in time");
    return Close();
  }
  // Malformed or too large: say why, then close (the rest of the stream
  // cannot be trusted to start a request).
  keep_alive_ = false;
  head_ = false;
  version_ = 11;
  Write(ForReadError(ec), /*close=*/true);
}

void Session::Dispatch() {
  stream_.expires_never();  // the handler's time is not the client's fault
  BeastRequest request = parser_->release();
  parser_.reset();
  keep_alive_ = request.keep_alive();
  head_ = request.method() == bhttp::verb::head;
  version_ = request.version();
  awaiting_answer_ = shared_from_this();
  state_->pipeline.Handle(FromBeast(std::move(request)), [weak = weak_from_this()](Response response) {
    if (auto self = weak.lock()) self->Deliver(std::move(response));
  });
}

void Session::Deliver(Response response) {
  // Under the gate, so Stop() cannot take the io_context away mid-post.
  std::lock_guard gate(state_->gate_mu);
  if (!state_->gate_open) return;
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), response = std::move(response)]() mutable {
    if (!self->awaiting_answer_) return;  // force-closed meanwhile
    self->awaiting_answer_.reset();
    self->Write(std::move(response), /*close=*/false);
  });
}

void Session::Write(Response response, bool close) {
  bool keep_alive = keep_alive_ && !close && !state_->stopping;
  auto message = std::make_shared<BeastResponse>(ToBeast(std::move(response), version_, keep_alive, head_));
  response_ = message;
  stream_.expires_after(state_->options.write_timeout);
  bhttp::async_write(stream_, *message,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !keep_alive));
}

void Session::OnWrite(bool close, error_code ec, std::size_t) {
  response_.reset();
  if (ec) return Close();
  if (close) return LingerThenClose();
  WaitForRequest();
}

void Session::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void Session::LingerThenClose() {
  // Closing with unread input makes the kernel send RST, which can destroy
  // the response before the client reads it (an oversized body still on its
  // way). So: send FIN, discard what still arrives until the client closes
  // or a short deadline (one for the whole drain) passes, then close.
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  stream_.expires_after(std::min<std::chrono::milliseconds>(state_->options.header_timeout, std::chrono::seconds(1)));
  Drain();
}

void Session::Drain() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](error_code ec, std::size_t) {
    if (ec) return self->Close();
    self->Drain();
  });
}

}  // namespace sagad::http::internal
