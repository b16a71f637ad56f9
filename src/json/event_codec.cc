#include "json/event_codec.h"

#include <type_traits>

#include "json/shapes.h"

namespace senderid::json {
namespace {

ordered_json ReviewChangeJson(const ReviewChange& change) {
  const ReviewRequest& r = change.request;
  ordered_json j;
  switch (r.kind) {
    case ReviewKind::kApproval:
      j = ApprovalJson(r);
      j["phoneNumber"] = r.phone_number;
      break;
    case ReviewKind::kLimitation:
      j = LimitationJson(r);
      if (change.limit) j["limit"] = *change.limit;
      break;
    case ReviewKind::kDuplicate:
      j = UnlockJson(r);
      j["phoneNumber"] = r.phone_number;
      break;
  }
  return j;
}

}  // namespace

std::string JsonEventEncoder::EncodeData(const DomainEvent& event) const {
  return Dump(std::visit(
      [&](const auto& data) -> ordered_json {
        using T = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<T, SenderId>) {
          return SenderIdJson(data);
        } else if constexpr (std::is_same_v<T, ReviewChange>) {
          return ReviewChangeJson(data);
        } else if constexpr (std::is_same_v<T, Document>) {
          return DocumentJson(data, url_prefix_);
        } else if constexpr (std::is_same_v<T, LockedVerification>) {
          return ordered_json{{"phoneNumber", data.phone_number},
                              {"transactionId", data.transaction_id}};
        } else {
          return ordered_json{{"limit", data.limit}, {"limitBefore", data.limit_before}};
        }
      },
      event.data));
}

}  // namespace senderid::json
