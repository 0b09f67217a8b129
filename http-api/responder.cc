#include "http-api/responder.h"

#include "http-api/problem.h"

namespace sagad::http {

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (deliver_) Send(Problem(500, "the handler dropped the request without answering"));
    deliver_ = std::exchange(other.deliver_, nullptr);
  }
  return *this;
}

Responder::~Responder() {
  if (deliver_) Send(Problem(500, "the handler dropped the request without answering"));
}

void Responder::Send(Response response) {
  if (!deliver_) return;
  Deliver deliver = std::exchange(deliver_, nullptr);
  deliver(std::move(response));
}

}  // namespace sagad::http
