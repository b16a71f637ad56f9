#include <algorithm>
#include <unordered_map>
#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

#define SID_REVIEW_COLUMNS                                                                  \
  "SELECT request_id, kind, account_id, handle_key, phone_number, status, reason, "         \
  "reason_for_requested, contact_name, limit_requested, limit_before_request, decided_by, " \
  "date_decided, date_created, date_updated, reason_code, claimed_by, claimed_until "          \
  "FROM review_requests "

std::vector<ReviewRequest> ReadReviews(const Rows& r) {
  std::vector<ReviewRequest> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    ReviewRequest q;
    q.request_id = r.Text(i, 0);
    q.kind = ParseReviewKind(r.Text(i, 1)).value_or(ReviewKind::kApproval);
    q.account_id = r.Text(i, 2);
    q.handle_key = r.Text(i, 3);
    q.phone_number = r.Text(i, 4);
    q.status = ParseRequestStatus(r.Text(i, 5)).value_or(RequestStatus::kPending);
    q.reason = r.OptionalText(i, 6);
    q.reason_for_requested = r.Text(i, 7);
    q.contact_name = r.Text(i, 8);
    q.limit_requested = static_cast<int>(r.Int(i, 9));
    q.limit_before_request = static_cast<int>(r.Int(i, 10));
    q.decided_by = r.OptionalText(i, 11);
    q.date_decided = r.OptionalInt(i, 12);
    q.date_created = r.Int(i, 13);
    q.date_updated = r.Int(i, 14);
    q.reason_code = r.OptionalText(i, 15);
    q.claimed_by = r.OptionalText(i, 16);
    q.claimed_until = r.OptionalInt(i, 17);
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace

Status PgReviews::LoadDocuments(std::vector<ReviewRequest>& requests) {
  if (requests.empty()) return OkStatus();
  std::unordered_map<std::string, ReviewRequest*> by_id;
  std::vector<std::string> ids;
  for (ReviewRequest& r : requests) {
    by_id.emplace(r.request_id, &r);
    ids.push_back(r.request_id);
  }
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT request_id, document_id FROM review_documents "
                                        "WHERE request_id = ANY ($1::text[]) "
                                        "ORDER BY request_id, position",
                                        Params().Text(TextArray(ids))));
  for (int i = 0; i < r.size(); ++i) {
    auto it = by_id.find(r.Text(i, 0));
    if (it != by_id.end()) it->second->documents.push_back(r.Text(i, 1));
  }
  return OkStatus();
}

Result<std::vector<ReviewRequest>> PgReviews::List(const ReviewFilter& f) {
  Params params;
  params.OptionalText(f.status ? std::optional<std::string>(ToString(*f.status)) : std::nullopt)
      .OptionalText(f.kind ? std::optional<std::string>(ToString(*f.kind)) : std::nullopt)
      .Text(f.account_id)
      .Text(f.handle_key)
      .Text(f.start_key)
      .OptionalInt(f.limit > 0 ? std::optional<int64_t>(f.limit) : std::nullopt);
  // Two statements, so that the per-account listing (every AccountDoc) is planned on the account
  // index and the operators' queue on the status index. A page starts at $5 (inclusive, in the
  // listing's order; an unknown id makes the row comparison NULL, so nothing is listed); a NULL
  // $6 is no limit.
#define SID_REVIEW_PAGE                                                                     \
  " AND ($5::text = '' OR (date_created, request_id) >= (SELECT date_created, request_id " \
  "FROM review_requests WHERE request_id = $5)) ORDER BY date_created, request_id LIMIT $6"
  Result<Rows> r =
      f.account_id.empty()
          ? s_.Query(SID_REVIEW_COLUMNS
                     "WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) "
                     "AND $3::text = '' AND ($4::text = '' OR handle_key = $4)" SID_REVIEW_PAGE,
                     params)
          : s_.Query(SID_REVIEW_COLUMNS
                     "WHERE account_id = $3 AND ($1::text IS NULL OR status = $1) "
                     "AND ($2::text IS NULL OR kind = $2) AND ($4::text = '' OR handle_key = $4)"
                     SID_REVIEW_PAGE,
                     params);
#undef SID_REVIEW_PAGE
  if (!r.ok()) return std::move(r).error();
  std::vector<ReviewRequest> out = ReadReviews(*r);
  SID_TRY(LoadDocuments(out));
  return out;
}

Result<std::optional<ReviewRequest>> PgReviews::Find(std::string_view request_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query(SID_REVIEW_COLUMNS "WHERE request_id = $1", Params().Text(request_id)));
  std::vector<ReviewRequest> one = ReadReviews(r);
  if (one.empty()) return std::optional<ReviewRequest>();
  SID_TRY(LoadDocuments(one));
  return std::optional<ReviewRequest>(std::move(one.front()));
}

Result<std::vector<PendingReviews>> PgReviews::PendingByKind() {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT kind, COUNT(*), MIN(date_created) FROM "
                                        "review_requests WHERE status = $1 GROUP BY kind",
                                        Params().Text(ToString(RequestStatus::kPending))));
  std::vector<PendingReviews> out;
  for (int i = 0; i < r.size(); ++i)
    out.push_back(PendingReviews{ParseReviewKind(r.Text(i, 0)).value_or(ReviewKind::kApproval),
                                 static_cast<int>(r.Int(i, 1)), r.Int(i, 2)});
  std::sort(out.begin(), out.end(), [](const PendingReviews& a, const PendingReviews& b) {
    return a.kind < b.kind;
  });
  return out;
}

Status PgReviews::Insert(const ReviewRequest& q) {
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("INSERT INTO review_requests (request_id, kind, account_id, handle_key, "
               "phone_number, status, reason, reason_for_requested, contact_name, "
               "limit_requested, limit_before_request, decided_by, date_decided, date_created, "
               "date_updated, reason_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
               "$12, $13, $14, $15, $16) ON CONFLICT DO NOTHING",
               Params()
                   .Text(q.request_id)
                   .Text(ToString(q.kind))
                   .Text(q.account_id)
                   .Text(q.handle_key)
                   .Text(q.phone_number)
                   .Text(ToString(q.status))
                   .OptionalText(q.reason)
                   .Text(q.reason_for_requested)
                   .Text(q.contact_name)
                   .Int(q.limit_requested)
                   .Int(q.limit_before_request)
                   .OptionalText(q.decided_by)
                   .OptionalInt(q.date_decided)
                   .Int(q.date_created)
                   .Int(q.date_updated)
                   .OptionalText(q.reason_code)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "request exists: " + q.request_id);
  if (q.documents.empty()) return OkStatus();
  // A document is linked once, at its first place (the key is (request_id, document_id)).
  SID_TRY(
      s_.Query("INSERT INTO review_documents (request_id, document_id, position) "
               "SELECT $1, d, p - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(d, p) "
               "ON CONFLICT DO NOTHING",
               Params().Text(q.request_id).Text(TextArray(q.documents))));
  return OkStatus();
}

Status PgReviews::Update(const ReviewRequest& q) {
  SID_TRY(
      s_.Query("UPDATE review_requests SET status = $1, reason = $2, decided_by = $3, "
               "date_decided = $4, date_updated = $5, reason_code = $6 WHERE request_id = $7",
               Params()
                   .Text(ToString(q.status))
                   .OptionalText(q.reason)
                   .OptionalText(q.decided_by)
                   .OptionalInt(q.date_decided)
                   .Int(q.date_updated)
                   .OptionalText(q.reason_code)
                   .Text(q.request_id)));
  return OkStatus();
}

Status PgReviews::SetClaim(std::string_view request_id, std::string_view claimed_by,
                           TimeMs claimed_until) {
  // In the serialisable transaction that read the request and found it unclaimed (or claimed by
  // the same operator, or the lease over): two instances claiming at once conflict on the row,
  // and the rerun sees the other's claim (SPEC §13).
  SID_TRY(s_.Query("UPDATE review_requests SET claimed_by = $1, claimed_until = $2 "
                   "WHERE request_id = $3",
                   Params().Text(claimed_by).Int(claimed_until).Text(request_id)));
  return OkStatus();
}

Status PgReviews::ReleaseDocuments(std::string_view request_id) {
  SID_TRY(s_.Query("UPDATE review_documents SET released = true WHERE request_id = $1",
                   Params().Text(request_id)));
  return OkStatus();
}

}  // namespace senderid::pg
