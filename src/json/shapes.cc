#include "json/shapes.h"

namespace senderid::json {

ordered_json Date(TimeMs t) { return FormatIsoMillis(t); }

ordered_json OptionalDate(const std::optional<TimeMs>& t) {
  return t ? ordered_json(FormatIsoMillis(*t)) : ordered_json(nullptr);
}

ordered_json OptionalText(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}

ordered_json ApprovalJson(const ReviewRequest& a) {
  ordered_json j;
  j["approvalId"] = a.request_id;
  j["documents"] = a.documents;
  j["status"] = ToString(a.status);
  j["reason"] = OptionalText(a.reason);
  j["reasonCode"] = OptionalText(a.reason_code);
  j["dateCreated"] = Date(a.date_created);
  j["dateUpdated"] = Date(a.date_updated);
  return j;
}

ordered_json UnlockJson(const std::optional<ReviewRequest>& u) {
  ordered_json j;
  if (!u) {
    for (const char* k : {"duplicateId", "reason", "reasonCode", "reasonForRequested", "name",
                          "status", "dateCreated", "dateUpdated"})
      j[k] = nullptr;
    return j;
  }
  j["duplicateId"] = u->request_id;
  j["reason"] = OptionalText(u->reason);
  j["reasonCode"] = OptionalText(u->reason_code);
  j["reasonForRequested"] = u->reason_for_requested;
  j["name"] = u->contact_name;
  j["status"] = ToString(u->status);
  j["dateCreated"] = Date(u->date_created);
  j["dateUpdated"] = Date(u->date_updated);
  return j;
}

ordered_json SenderIdJson(const SenderId& e) {
  ordered_json j;
  j["phoneNumber"] = e.phone_number;
  j["handleKey"] = e.handle_key;
  j["status"] = ToString(e.status);
  j["method"] = e.method == VerificationMethod::kNone ? ordered_json(nullptr)
                                                      : ordered_json(ToString(e.method));
  j["expireAt"] = OptionalDate(e.expire_at);
  ordered_json log = ordered_json::array();
  for (const LogEntry& l : e.log) log.push_back({{"createAt", Date(l.create_at)}, {"message", l.message}});
  j["log"] = std::move(log);
  ordered_json approvals = ordered_json::array();
  for (const ReviewRequest& a : e.approvals) approvals.push_back(ApprovalJson(a));
  j["approvalDocuments"] = std::move(approvals);
  j["unlockDuplicate"] = UnlockJson(e.unlock);
  j["dateCreated"] = Date(e.date_created);
  j["dateUpdated"] = Date(e.date_updated);
  return j;
}

ordered_json LimitationJson(const ReviewRequest& l) {
  ordered_json j;
  j["limitationId"] = l.request_id;
  j["documents"] = l.documents;
  j["status"] = ToString(l.status);
  j["reason"] = OptionalText(l.reason);
  j["reasonCode"] = OptionalText(l.reason_code);
  j["limitRequested"] = l.limit_requested;
  j["limitBeforeRequest"] = l.limit_before_request;
  j["dateCreated"] = Date(l.date_created);
  j["dateUpdated"] = Date(l.date_updated);
  return j;
}

ordered_json DocumentJson(const Document& d, std::string_view url_prefix) {
  ordered_json j;
  j["documentId"] = d.document_id;
  j["accountId"] = d.account_id;
  j["name"] = d.name;
  j["originalName"] = d.original_name;
  j["url"] = std::string(url_prefix) + "/senderid/v1/documents/" + d.document_id + "/file";
  j["category"] = d.category;
  j["use"] = d.use;
  j["dateCreated"] = Date(d.date_created);
  return j;
}

std::string Dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ordered_json ReviewRequestFields(const ReviewItem& item,
                                 const std::function<void(ordered_json&, const Document&)>& locate) {
  const ReviewRequest& r = item.request;
  ordered_json j;
  j["id"] = r.request_id;
  j["kind"] = ToString(r.kind);
  j["status"] = ToString(r.status);
  j["accountId"] = r.account_id;
  j["accountName"] = item.account.name;
  if (r.kind != ReviewKind::kLimitation) {
    j["phoneNumber"] = r.phone_number;
    j["handleKey"] = r.handle_key;
  } else {
    j["limitRequested"] = r.limit_requested;
    j["limitBeforeRequest"] = r.limit_before_request;
  }
  if (r.kind == ReviewKind::kDuplicate) {
    j["name"] = r.contact_name;
    j["reasonForRequested"] = r.reason_for_requested;
  }
  ordered_json docs = ordered_json::array();
  for (const std::string& id : r.documents) {
    ordered_json d;
    d["documentId"] = id;
    const Document* found = nullptr;
    for (const Document& doc : item.documents)
      if (doc.document_id == id) found = &doc;
    if (found != nullptr) {
      d["originalName"] = found->original_name;
      d["category"] = found->category;
      d["contentType"] = found->content_type;
      d["size"] = found->size;
      locate(d, *found);
    } else {
      d["deleted"] = true;
    }
    docs.push_back(std::move(d));
  }
  j["documents"] = std::move(docs);
  j["reason"] = OptionalText(r.reason);
  j["reasonCode"] = OptionalText(r.reason_code);
  j["decidedBy"] = OptionalText(r.decided_by);
  j["dateDecided"] = OptionalDate(r.date_decided);
  return j;
}

}  // namespace senderid::json
