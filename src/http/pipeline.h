#pragma once
// The customer API as the server's Handler: one pipeline for every request (SPEC §1, §2, §4).
//   header in (I/O thread)  → Admit: route once; the route gives the body limit
//   body in   (I/O thread)  → Serve: unknown route 404 / wrong method 405 at once (nothing spent);
//                             an inline route (/healthz) answered here; anything else offloaded
//   worker                  → authenticate (key lookup, HMAC), spend the signature in the ledger
//   a write:  ledger thread → hand back to a worker
//             worker        → the route's handler: decode → one service call → encode → Respond
//   a read:   worker        → the handler runs at once, while the signature is being spent
//             ledger thread → Respond with its answer (or the ledger's refusal)
// Blocking work never runs on an I/O thread. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "core/services/authenticator.h"
#include "http/handlers/call.h"
#include "http/router.h"
#include "http/server/server.h"

namespace senderid::http {

class Pipeline final : public Handler {
 public:
  Pipeline(ApiOptions options, ApiServices services);

  Admission Admit(std::string_view method, std::string_view target) override;
  void Serve(const ExchangePtr& exchange, const RouteMatch& route) override;

  // Waits (up to `timeout`) until no request is anywhere in the pipeline — not on a worker, not
  // waiting for the ledger. Call it after Server::Run returned and before the server goes: a
  // ledger callback still to come would hand work to the server's worker pool.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  // Alive while its request is in the pipeline (copies travel with the work).
  using InFlight = std::shared_ptr<void>;
  InFlight Enter();

  // A read route (Access::kRead), on a worker: see the top of this file.
  void ServeRead(const ExchangePtr& exchange, const RouteMatch& route, const std::string* header,
                 const InFlight& token);
  // Runs the route's handler; an exception becomes a 500.
  Response Handle(const ExchangePtr& exchange, const RouteMatch& route, const AuthContext& auth);
  // Handle, and answer.
  void Run(const ExchangePtr& exchange, const RouteMatch& route, const AuthContext& auth);

  ApiOptions options_;
  ApiServices services_;
  Router router_;
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;  // guarded by mu_
};

}  // namespace senderid::http
