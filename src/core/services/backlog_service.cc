#include "core/services/backlog_service.h"

#include <algorithm>

namespace senderid {

double Backlog::OldestDeliveryAgeSeconds() const {
  if (!oldest_pending_delivery) return 0;
  return static_cast<double>(std::max<TimeMs>(0, now - *oldest_pending_delivery)) / kSecond;
}

Result<Backlog> BacklogService::Read() {
  Backlog backlog;
  backlog.now = clock_.Now();
  SID_TRY(store_.Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(backlog.oldest_pending_delivery, tx.deliveries().OldestPending());
    SID_ASSIGN_OR_RETURN(backlog.pending_reviews, tx.reviews().PendingByKind());
    return OkStatus();
  }));
  return backlog;
}

}  // namespace senderid
