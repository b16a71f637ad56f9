#pragma once
// What waits on the operators and on the delivery worker (SPEC §14 metrics): the oldest webhook
// delivery still to make and the review requests still to decide. Read at scrape time, on the
// caller's thread (a worker: it reads the store). Thread-safe.

#include <optional>
#include <vector>

#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/reviews_repository.h"
#include "core/ports/store.h"

namespace senderid {

struct Backlog {
  TimeMs now = 0;  // when it was read
  // date_created of the oldest PENDING delivery of an enabled webhook (DeliveriesReader).
  std::optional<TimeMs> oldest_pending_delivery;
  std::vector<PendingReviews> pending_reviews;  // kinds with none are left out

  // Seconds the oldest pending delivery has waited (0 when there is none).
  double OldestDeliveryAgeSeconds() const;
};

class BacklogService {
 public:
  BacklogService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Both, from one snapshot.
  Result<Backlog> Read();

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace senderid
