// Responder: how an asynchronous handler answers, later and from any thread.
// Move-only; Send at most once. A Responder destroyed without Send answers
// 500, so a request whose handler lost track of it still gets a reply and
// its connection moves on.
#pragma once

#include <functional>

#include "http-api/response.h"

namespace sagad::http {

class Responder {
 public:
  using Deliver = std::function<void(Response)>;

  explicit Responder(Deliver deliver) : deliver_(std::move(deliver)) {}
  Responder(Responder&& other) noexcept : deliver_(std::exchange(other.deliver_, nullptr)) {}
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // Later calls (and calls on a moved-from Responder) do nothing.
  void Send(Response response);

 private:
  Deliver deliver_;
};

}  // namespace sagad::http
