// The HTTP transport's machinery: one io_context on one thread; one
// coroutine per command (connect if needed, write, read, map the reply); a
// pool of keep-alive connections capped at max_connections, with commands
// beyond the cap queued in arrival order.
//
// Exactly-once replies: every accepted Send registers its callback in
// `waiting_` under `mu_`; whoever removes it from there (the coroutine with
// the participant's answer, or Stop with "transport stopped") is the only one
// to call it.
#include "participants/http/http_transport.h"

#include <algorithm>
#include <string_view>
#include <utility>  // before Boost: asio/awaitable.hpp in 1.74 uses std::exchange without including it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <spdlog/spdlog.h>
#include <thread>
#include <unordered_map>
#include <vector>

#include "participants/http/http_protocol.h"
#include "participants/http/http_url.h"

namespace sagad::participants {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using coordinator::OutgoingCommand;
using coordinator::Reply;
using coordinator::ReplyCallback;

namespace {

constexpr char kStopped[] = "transport stopped";

// One accepted command: what to POST, and the key of its callback in
// Impl::waiting_.
struct Job {
  std::uint64_t id = 0;
  std::string url;  // full URL, for reasons shown to operators
  http::request<http::string_body> request;
};

// A keep-alive connection. The buffer belongs to the connection, not to one
// exchange: bytes read past one reply are the start of the next.
struct Connection {
  explicit Connection(net::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

// How one request/response on one connection ended.
struct RoundTrip {
  beast::error_code ec;
  bool got_reply_bytes = false;
  unsigned status = 0;
  bool keep_alive = false;
  std::string body;
  std::string location;  // of a redirect, for the reason
  std::string not_http;  // the first bytes, quoted, when they cannot begin an HTTP reply
};

// Errors of a connection the participant closed while it sat idle in the pool.
bool IsStaleConnection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted;
}

// Every HTTP/1.x reply begins with these bytes (case-sensitive, RFC 9112).
constexpr std::string_view kReplyPrefix = "HTTP/";

// False when `first` cannot be the start of an HTTP reply.
bool CanBeginHttpReply(std::string_view first) {
  std::size_t n = std::min(first.size(), kReplyPrefix.size());
  return first.substr(0, n) == kReplyPrefix.substr(0, n);
}

// The first bytes of a reply that is not HTTP, printable, for the reason.
std::string QuoteBytes(std::string_view bytes) {
  constexpr std::size_t kMaxQuoted = 32;
  std::string out;
  for (unsigned char c : bytes.substr(0, kMaxQuoted)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (bytes.size() > kMaxQuoted) out += "...";
  return out;
}

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// Header values must not smuggle a line break into the request.
bool IsHeaderSafe(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string ExceptionText(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

class HttpTransport::Impl {
 public:
  Impl(HttpUrl url, tcp::resolver::results_type endpoints, HttpTransportOptions options)
      : url_(std::move(url)),
        endpoints_(std::move(endpoints)),
        options_(options),
        work_(net::make_work_guard(ioc_)),
        thread_([this] { RunIo(); }),
        io_thread_id_(thread_.get_id()) {}

  ~Impl() { Stop(); }

  void Send(const OutgoingCommand& command, ReplyCallback on_reply);
  void Stop();

 private:
  void RunIo();
  // I/O thread only, from here down.
  void Enqueue(std::shared_ptr<Job> job);
  void Pump();
  net::awaitable<void> Exchange(std::shared_ptr<Job> job);
  net::awaitable<RoundTrip> WriteAndRead(Connection& conn, const Job& job);
  std::string ConnectError(const beast::error_code& ec, const std::string& url) const;
  std::string ExchangeError(const RoundTrip& r, const std::string& url) const;
  Connection* TakeIdle();
  Connection* Open();
  void Park(Connection* conn);
  void Drop(Connection* conn);
  void CloseAll();
  // Any thread.
  void Answer(std::uint64_t id, Reply reply);

  const HttpUrl url_;
  const tcp::resolver::results_type endpoints_;
  const HttpTransportOptions options_;

  net::io_context ioc_{1};
  net::executor_work_guard<net::io_context::executor_type> work_;

  // Shared between callers of Send/Stop and the I/O thread.
  std::mutex mu_;
  bool stopped_ = false;
  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, ReplyCallback> waiting_;  // ordered: Stop answers in send order

  // I/O thread only.
  bool closing_ = false;
  std::deque<std::shared_ptr<Job>> queue_;
  int busy_ = 0;  // exchanges running, each on its own connection
  std::unordered_map<Connection*, std::unique_ptr<Connection>> open_;
  std::vector<Connection*> idle_;

  std::once_flag shutdown_once_;
  std::mutex join_mu_;
  std::thread thread_;  // after the state it runs on: starts once that exists
  const std::thread::id io_thread_id_;
};

void HttpTransport::Impl::RunIo() {
  // A reply callback that throws is the caller's bug, but it must not take
  // every other command's replies down with the thread.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("HTTP transport {}: a reply callback threw: {}", url_.ToString(), e.what());
    } catch (...) {
      spdlog::error("HTTP transport {}: a reply callback threw", url_.ToString());
    }
  }
}

void HttpTransport::Impl::Send(const OutgoingCommand& command, ReplyCallback on_reply) {
  if (!IsHeaderSafe(command.command_id)) {
    on_reply(TransientReply("command id '" + command.command_id + "' contains control characters"));
    return;
  }
  auto job = std::make_shared<Job>();
  const std::string target = url_.TargetFor(command.command_type);
  job->url = url_.Origin() + target;
  auto& req = job->request;
  req.method(http::verb::post);
  req.target(target);
  req.version(11);
  req.set(http::field::host, url_.HostHeader());
  req.set(http::field::user_agent, "sagad");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  req.set("Idempotency-Key", command.command_id);
  req.body() = CommandRequestBody(command);
  req.prepare_payload();
  bool accepted = false;
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      accepted = true;
      job->id = next_id_++;
      waiting_.emplace(job->id, std::move(on_reply));
    }
  }
  if (!accepted) {
    on_reply(TransientReply(kStopped));
    return;
  }
  net::post(ioc_, [this, job = std::move(job)]() mutable { Enqueue(std::move(job)); });
}

void HttpTransport::Impl::Stop() {
  std::map<std::uint64_t, ReplyCallback> orphans;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    orphans.swap(waiting_);
  }
  // No lock held: a callback may call Stop again.
  for (auto& [id, on_reply] : orphans) on_reply(TransientReply(kStopped));
  // Closing the sockets ends every pending operation, so run() returns once
  // the coroutines have unwound; nothing is left for ~io_context to destroy.
  std::call_once(shutdown_once_, [this] {
    net::post(ioc_, [this] { CloseAll(); });
    work_.reset();
  });
  // The I/O thread cannot join itself (Stop from a reply callback); the
  // destructor, on another thread, joins later.
  if (std::this_thread::get_id() == io_thread_id_) return;
  std::lock_guard lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void HttpTransport::Impl::Answer(std::uint64_t id, Reply reply) {
  ReplyCallback on_reply;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;  // Stop answered it already
    on_reply = std::move(it->second);
    waiting_.erase(it);
  }
  on_reply(std::move(reply));
}

void HttpTransport::Impl::Enqueue(std::shared_ptr<Job> job) {
  if (closing_) return;  // Stop answered it
  queue_.push_back(std::move(job));
  Pump();
}

void HttpTransport::Impl::Pump() {
  while (!closing_ && busy_ < options_.max_connections && !queue_.empty()) {
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    net::co_spawn(ioc_, Exchange(job), [this, job](std::exception_ptr e) {
      if (e) Answer(job->id, TransientReply("HTTP transport internal error for " + job->url + ": " + ExceptionText(e)));
      --busy_;
      Pump();
    });
  }
}

net::awaitable<void> HttpTransport::Impl::Exchange(std::shared_ptr<Job> job) {
  Reply reply = TransientReply(kStopped);
  // A pooled connection may have been closed by the participant while idle.
  // Failing on one before any reply byte arrived earns one more try on a
  // fresh connection: the participant saw nothing, or saw a command it must
  // treat idempotently anyway.
  bool fresh_only = false;
  while (!closing_) {
    Connection* conn = fresh_only ? nullptr : TakeIdle();
    const bool reused = conn != nullptr;
    if (!conn) {
      conn = Open();
      beast::error_code ec;
      conn->stream.expires_after(options_.connect_timeout);
      co_await conn->stream.async_connect(endpoints_, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        Drop(conn);
        reply = TransientReply(ConnectError(ec, job->url));
        break;
      }
    }
    RoundTrip r = co_await WriteAndRead(*conn, *job);
    if (!r.ec) {
      // Bytes read past the reply are more than the one answer HTTP/1.1
      // allows per request: kept, they would be the next command's "reply".
      r.keep_alive && conn->buffer.size() == 0 ? Park(conn) : Drop(conn);
      reply = MapHttpReply(r.status, r.body, job->url, r.location);
      break;
    }
    Drop(conn);
    if (reused && !r.got_reply_bytes && IsStaleConnection(r.ec)) {
      fresh_only = true;
      continue;
    }
    reply = TransientReply(ExchangeError(r, job->url));
    break;
  }
  Answer(job->id, std::move(reply));
}

net::awaitable<RoundTrip> HttpTransport::Impl::WriteAndRead(Connection& conn, const Job& job) {
  RoundTrip r;
  // One deadline for the write and the read together.
  conn.stream.expires_after(options_.request_timeout);
  co_await http::async_write(conn.stream, job.request, net::redirect_error(net::use_awaitable, r.ec));
  if (r.ec) co_return r;
  // Beast judges the status line only once it holds a whole header: bytes of
  // another protocol (a TLS alert from an https port) would sit there until
  // the timeout and be reported as silence. The first bytes tell at once.
  if (conn.buffer.size() == 0) {
    std::size_t n = co_await conn.stream.async_read_some(conn.buffer.prepare(4096),
                                                         net::redirect_error(net::use_awaitable, r.ec));
    conn.buffer.commit(n);
    r.got_reply_bytes = n > 0;
    if (r.ec == net::error::eof && n == 0) r.ec = http::error::end_of_stream;
    if (r.ec) co_return r;
  }
  std::string_view first(static_cast<const char*>(conn.buffer.data().data()), conn.buffer.size());
  if (!CanBeginHttpReply(first)) {
    r.ec = http::error::bad_version;
    r.not_http = QuoteBytes(first);
    co_return r;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_reply_bytes);
  // Header first, then the body: Beast 1.74's eager parse loses the
  // body_limit error of a Content-Length it read in the same buffer as the
  // body, and would read the whole oversized body.
  co_await http::async_read_header(conn.stream, conn.buffer, parser, net::redirect_error(net::use_awaitable, r.ec));
  if (!r.ec) co_await http::async_read(conn.stream, conn.buffer, parser, net::redirect_error(net::use_awaitable, r.ec));
  r.got_reply_bytes = true;  // the status line's first bytes, at least
  if (r.ec) co_return r;
  conn.stream.expires_never();
  http::response<http::string_body> res = parser.release();
  r.status = res.result_int();
  r.keep_alive = res.keep_alive();
  r.body = std::move(res.body());
  r.location = std::string(res[http::field::location]);
  co_return r;
}

std::string HttpTransport::Impl::ConnectError(const beast::error_code& ec, const std::string& url) const {
  if (ec == beast::error::timeout) {
    return "cannot connect to " + url + ": no answer within " + Millis(options_.connect_timeout);
  }
  return "cannot connect to " + url + ": " + ec.message();
}

std::string HttpTransport::Impl::ExchangeError(const RoundTrip& r, const std::string& url) const {
  if (!r.not_http.empty()) {
    return "the reply from " + url + " is not HTTP: it begins \"" + r.not_http +
           "\" (is that port serving another protocol, such as HTTPS?)";
  }
  if (r.ec == beast::error::timeout) return "no reply from " + url + " within " + Millis(options_.request_timeout);
  if (r.ec == http::error::body_limit) {
    return "reply from " + url + " is larger than " + std::to_string(options_.max_reply_bytes) + " bytes";
  }
  if (r.ec == http::error::end_of_stream) return url + " closed the connection without replying";
  if (r.got_reply_bytes && (r.ec == http::error::partial_message || IsStaleConnection(r.ec))) {
    return url + " closed the connection in the middle of its reply";
  }
  if (r.ec.category() == http::make_error_code(http::error::need_more).category()) {
    return "malformed HTTP reply from " + url + ": " + r.ec.message();
  }
  return url + ": " + r.ec.message();
}

Connection* HttpTransport::Impl::TakeIdle() {
  while (!idle_.empty()) {
    Connection* conn = idle_.back();  // the most recently used is the least likely to be stale
    idle_.pop_back();
    // Bytes waiting on an idle connection were sent unasked (a late second
    // answer to the last request): the next command would read them as its
    // reply. Such a connection is not reused.
    beast::error_code ec;
    std::size_t unread = conn->stream.socket().available(ec);
    if (!ec && unread == 0) return conn;
    Drop(conn);
  }
  return nullptr;
}

Connection* HttpTransport::Impl::Open() {
  auto conn = std::make_unique<Connection>(ioc_);
  Connection* raw = conn.get();
  open_.emplace(raw, std::move(conn));
  return raw;
}

void HttpTransport::Impl::Park(Connection* conn) {
  if (closing_) return Drop(conn);
  idle_.push_back(conn);
}

void HttpTransport::Impl::Drop(Connection* conn) {
  conn->stream.close();
  open_.erase(conn);
}

void HttpTransport::Impl::CloseAll() {
  closing_ = true;
  queue_.clear();
  for (Connection* conn : idle_) Drop(conn);
  idle_.clear();
  // Connections in use stay open_ until their coroutine, woken with
  // operation_aborted, drops them.
  for (auto& [raw, conn] : open_) conn->stream.close();
}

HttpTransport::HttpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpTransport::~HttpTransport() = default;  // ~Impl stops

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(std::string_view base_url, HttpTransportOptions options) {
  if (options.connect_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return Status::InvalidArgument("HTTP transport timeouts must be positive");
  }
  if (options.max_connections < 1) return Status::InvalidArgument("HTTP transport max_connections must be at least 1");
  if (options.max_reply_bytes == 0) return Status::InvalidArgument("HTTP transport max_reply_bytes must be positive");
  Result<HttpUrl> url = ParseHttpUrl(base_url);
  if (!url.ok()) return url.status();

  // Resolved once, here, so a misspelt host fails at startup. Connections
  // try the addresses in order.
  net::io_context resolve_context;
  tcp::resolver resolver(resolve_context);
  beast::error_code ec;
  tcp::resolver::results_type endpoints =
      resolver.resolve(url->host, std::to_string(url->port), tcp::resolver::numeric_service, ec);
  if (ec) {
    return Status::InvalidArgument("participant URL '" + std::string(base_url) + "': cannot resolve host '" +
                                   url->host + "': " + ec.message());
  }
  return std::unique_ptr<HttpTransport>(
      new HttpTransport(std::make_unique<Impl>(std::move(*url), std::move(endpoints), options)));
}

void HttpTransport::Send(const OutgoingCommand& command, ReplyCallback on_reply) {
  impl_->Send(command, std::move(on_reply));
}

void HttpTransport::Stop() { impl_->Stop(); }

}  // namespace sagad::participants
