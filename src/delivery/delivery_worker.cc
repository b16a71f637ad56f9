#include "delivery/delivery_worker.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "json/webhook_codec.h"

namespace senderid {

DeliveryWorker::DeliveryWorker(DeliveryService& service, HostResolver& resolver,
                               const Crypto& crypto, const Clock& clock, WorkerOptions options)
    : service_(service), resolver_(resolver), crypto_(crypto), clock_(clock), options_(options) {
  // Before any thread uses libcurl (curl_global_init is not thread-safe; it counts its calls).
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

DeliveryWorker::~DeliveryWorker() {
  Stop();
  curl_global_cleanup();
}

void DeliveryWorker::Start() {
  const int senders = std::max(1, options_.concurrency);
  senders_running_ = senders;
  for (int i = 0; i < senders; ++i) senders_.emplace_back([this] {
    pthread_setname_np(pthread_self(), "webhook-send");
    LowerPriority();
    Send();
  });
  dispatcher_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "webhook-disp");
    LowerPriority();
    Dispatch();
  });
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_.load()) return;
    stop_.store(true);
  }
  work_cv_.notify_all();
  dispatch_cv_.notify_all();
  for (std::thread& t : senders_)
    if (t.joinable()) t.join();
  senders_.clear();
  if (dispatcher_.joinable()) dispatcher_.join();
}

void DeliveryWorker::LowerPriority() const {
  // Linux: a thread's nice value is its own (setpriority on its thread id).
  if (options_.nice > 0)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()),
                  ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())) + options_.nice);
}

void DeliveryWorker::RecordOutcomes(const std::vector<AttemptResult>& outcomes) {
  Result<int> stored = service_.Record(outcomes);
  if (!stored.ok())
    spdlog::warn("webhook delivery: recording {} outcome(s) failed: {}", outcomes.size(),
                 stored.error().message);
  else
    recorded_.fetch_add(*stored);
}

void DeliveryWorker::Dispatch() {
  const int capacity = std::max(1, options_.concurrency);
  std::unique_lock lock(mu_);
  for (;;) {
    // Stopping: record what is in hand (no more claims), once no sender can hand in another.
    if (stop_.load()) {
      if (!outcomes_.empty()) {
        std::vector<AttemptResult> batch;
        batch.swap(outcomes_);
        lock.unlock();
        RecordOutcomes(batch);
        lock.lock();
        busy_ -= static_cast<int>(batch.size());
        continue;
      }
      if (senders_running_ == 0) return;
      dispatch_cv_.wait(lock, [&] { return !outcomes_.empty() || senders_running_ == 0; });
      continue;
    }
    // Slots free once the outcomes in hand are recorded.
    const int in_hand = static_cast<int>(outcomes_.size());
    const int free = capacity - busy_ + in_hand;
    if (free <= 0) {
      dispatch_cv_.wait(lock, [&] { return stop_.load() || !outcomes_.empty() || busy_ < capacity; });
      continue;
    }
    std::vector<AttemptResult> batch;
    batch.swap(outcomes_);
    lock.unlock();
    Result<DeliveryRound> round = service_.Round(batch, free);
    std::chrono::milliseconds wait(options_.idle_poll);
    if (!round.ok()) {
      spdlog::warn("webhook delivery: recording {} outcome(s) and claiming failed: {}",
                   batch.size(), round.error().message);
      wait = std::chrono::milliseconds(options_.error_backoff);
    } else {
      recorded_.fetch_add(round->recorded);
      if (round->claimed.empty()) {
        // Nothing due: sleep until the earliest due record (within idle_poll: others may add).
        Result<std::optional<TimeMs>> due = service_.NextDue();
        if (due.ok() && *due) {
          const TimeMs until = **due - clock_.Now();
          if (until > 0 && until < options_.idle_poll) wait = std::chrono::milliseconds(until);
        }
      }
    }
    lock.lock();
    busy_ -= static_cast<int>(batch.size());  // made: recorded now, or their leases lapse
    const size_t claimed = round.ok() ? round->claimed.size() : 0;
    if (claimed > 0) {
      busy_ += static_cast<int>(claimed);
      for (PendingAttempt& a : round->claimed) queue_.push_back(std::move(a));
      work_cv_.notify_all();
    }
    // All that was due is out (or claimed to the last free slot: look again when one is freed):
    // the next round comes with the next outcome, or after `wait` (records made meanwhile by the
    // API, the CLI or another instance; retries coming due).
    if (round.ok() && claimed == static_cast<size_t>(free)) continue;
    const int busy_before = busy_;
    dispatch_cv_.wait_for(lock, wait, [&] {
      return stop_.load() || !outcomes_.empty() || busy_ < busy_before;
    });
  }
}

void DeliveryWorker::Send() {
  WebhookSender sender(resolver_, crypto_, clock_, options_.sender, stop_);
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_.load() || !queue_.empty(); });
    if (stop_.load()) break;
    PendingAttempt attempt = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const std::string body = json::EncodeEvent(attempt.event);
    std::optional<AttemptResult> result = sender.Attempt(attempt, body);
    if (result) options_.metrics->WebhookAttempted(result->response_status, result->error);
    lock.lock();
    if (result) outcomes_.push_back(std::move(*result));
    else --busy_;  // cut short by Stop: nothing to record
    dispatch_cv_.notify_one();
  }
  --senders_running_;
  dispatch_cv_.notify_one();
}

}  // namespace senderid
