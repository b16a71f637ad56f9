#pragma once
// The webhook delivery worker (SPEC §12): off the request path, it drains the outbox of delivery
// records. One dispatcher thread works in rounds: each round records the outcomes the senders
// finished since the last one and claims due records for the free senders, in one write
// transaction (DeliveryService::Round: a lease in the store; on SQLite a job on the writer). A
// bounded pool of sender threads makes the attempts (WebhookSender: libcurl, pinned addresses,
// signatures). At most `concurrency` attempts run at once in this process (the global cap); the
// store's claim keeps each webhook to DeliveryOptions::max_per_webhook across every instance.
// Nothing here touches the API's worker pool, so a slow or dead receiver never delays an API
// answer.
//
// Events must not cost the API (SPEC §12): the worker's threads run at a lower CPU priority (`nice`,
// per thread), so on a busy machine the API's threads come first and a backlog is drained with the
// CPU they leave; with nice 10 the worker still gets about a tenth of a contended core, so it never
// starves. A round costs the store one transaction, whatever the number of outcomes and claims.
//
// When nothing is due the dispatcher sleeps until the earliest due record or `idle_poll`, whichever
// comes first (records made by the CLI or another instance appear without a signal).
//
// Stop (or the destructor) ends it within about a second: transfers in flight are aborted and not
// recorded (their leases lapse, or are released by the next start on a single-instance store);
// outcomes already in hand are recorded first.
//
// Thread-safe: Start once, Stop from any thread.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/host_resolver.h"
#include "core/ports/metrics.h"
#include "core/services/delivery_service.h"
#include "delivery/webhook_sender.h"

namespace senderid {

struct WorkerOptions {
  int concurrency = 16;           // attempts at once in this process (--webhook-concurrency)
  SenderOptions sender;
  TimeMs idle_poll = 100;         // longest sleep when nothing is due (ms)
  TimeMs error_backoff = kSecond; // after a failed claim (store unavailable)
  Metrics* metrics = &Metrics::None();  // told how each attempt ended; not owned
  int nice = 10;                  // added to the worker threads' nice value (0: as the API's)
};

class DeliveryWorker {
 public:
  DeliveryWorker(DeliveryService& service, HostResolver& resolver, const Crypto& crypto,
                 const Clock& clock, WorkerOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void Start();
  void Stop();

  // Attempts made and recorded so far (for logs and tests).
  int64_t recorded() const { return recorded_.load(); }

 private:
  void Dispatch();
  void Send();
  // Records `outcomes` in one transaction, on the way out (a failure is logged: their leases
  // lapse, and the attempts are made again — delivery is at least once).
  void RecordOutcomes(const std::vector<AttemptResult>& outcomes);
  void LowerPriority() const;

  DeliveryService& service_;
  HostResolver& resolver_;
  const Crypto& crypto_;
  const Clock& clock_;
  const WorkerOptions options_;

  std::atomic<bool> stop_{false};
  std::atomic<int64_t> recorded_{0};
  std::mutex mu_;
  std::condition_variable work_cv_;      // senders: an attempt is queued, or stop
  std::condition_variable dispatch_cv_;  // dispatcher: an outcome or a free sender, or stop
  std::deque<PendingAttempt> queue_;     // guarded by mu_
  std::vector<AttemptResult> outcomes_;  // made, not yet recorded; guarded by mu_
  int busy_ = 0;                         // claimed and not yet recorded; guarded by mu_
  int senders_running_ = 0;              // guarded by mu_
  std::thread dispatcher_;
  std::vector<std::thread> senders_;
};

}  // namespace senderid
