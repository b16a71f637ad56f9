#include "store/sqlite/sqlite_reviews.h"

#include <algorithm>
#include <string>
#include <utility>

namespace senderid::sqlite {
namespace {

constexpr const char* kReviewColumns =
    "SELECT request_id, kind, account_id, handle_key, phone_number, status, reason, "
    "reason_for_requested, contact_name, limit_requested, limit_before_request, decided_by, "
    "date_decided, date_created, date_updated, reason_code, claimed_by, claimed_until FROM "
    "review_requests ";

ReviewRequest ReadReviewRow(const Statement& st) {
  ReviewRequest r;
  r.request_id = st.Text(0);
  r.kind = ParseReviewKind(st.Text(1)).value_or(ReviewKind::kApproval);
  r.account_id = st.Text(2);
  r.handle_key = st.Text(3);
  r.phone_number = st.Text(4);
  r.status = ParseRequestStatus(st.Text(5)).value_or(RequestStatus::kPending);
  r.reason = st.OptionalText(6);
  r.reason_for_requested = st.Text(7);
  r.contact_name = st.Text(8);
  r.limit_requested = static_cast<int>(st.Int(9));
  r.limit_before_request = static_cast<int>(st.Int(10));
  r.decided_by = st.OptionalText(11);
  r.date_decided = st.OptionalInt(12);
  r.date_created = st.Int(13);
  r.date_updated = st.Int(14);
  r.reason_code = st.OptionalText(15);
  r.claimed_by = st.OptionalText(16);
  r.claimed_until = st.OptionalInt(17);
  return r;
}

}  // namespace

Status SqliteReviews::LoadDocuments(std::vector<ReviewRequest>& requests) {
  for (ReviewRequest& r : requests) {
    SID_ASSIGN_OR_RETURN(Statement st,
                         conn_.Prepare("SELECT document_id FROM review_documents WHERE "
                                       "request_id = ? ORDER BY position"));
    st.Bind(1, r.request_id);
    SID_ASSIGN_OR_RETURN(r.documents,
                         st.Collect([](const Statement& row) { return row.Text(0); }));
  }
  return OkStatus();
}

Result<std::vector<ReviewRequest>> SqliteReviews::List(const ReviewFilter& f) {
  // Two statements, so that the per-account listing (every AccountDoc) seeks the account's rows by
  // index: an "(? = '' OR account_id = ?)" predicate would make SQLite scan the whole table.
  // A page starts at ?5 (inclusive, in the listing's order); a negative ?6 is no limit.
  static const std::string page =
      " AND (?5 = '' OR (date_created, request_id) >= (SELECT date_created, request_id FROM "
      "review_requests WHERE request_id = ?5)) ORDER BY date_created, request_id LIMIT ?6";
  static const std::string by_account =
      std::string(kReviewColumns) +
      "WHERE account_id = ?3 AND (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2) "
      "AND (?4 = '' OR handle_key = ?4)" + page;
  static const std::string by_status =
      std::string(kReviewColumns) +
      "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2) "
      "AND (?4 = '' OR handle_key = ?4) AND ?3 = ''" + page;
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(f.account_id.empty() ? by_status.c_str()
                                                                        : by_account.c_str()));
  if (f.status) st.Bind(1, ToString(*f.status)); else st.BindNull(1);
  if (f.kind) st.Bind(2, ToString(*f.kind)); else st.BindNull(2);
  st.Bind(3, f.account_id).Bind(4, f.handle_key).Bind(5, f.start_key);
  st.Bind(6, static_cast<int64_t>(f.limit > 0 ? f.limit : -1));
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> out, st.Collect(ReadReviewRow));
  SID_TRY(LoadDocuments(out));
  return out;
}

Result<std::optional<ReviewRequest>> SqliteReviews::Find(std::string_view request_id) {
  static const std::string sql = std::string(kReviewColumns) + "WHERE request_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, request_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<ReviewRequest>();
  std::vector<ReviewRequest> one{ReadReviewRow(st)};
  SID_TRY(LoadDocuments(one));
  return std::optional<ReviewRequest>(std::move(one.front()));
}

Result<std::vector<PendingReviews>> SqliteReviews::PendingByKind() {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT kind, COUNT(*), MIN(date_created) FROM "
                                     "review_requests WHERE status = ? GROUP BY kind"));
  st.Bind(1, ToString(RequestStatus::kPending));
  SID_ASSIGN_OR_RETURN(std::vector<PendingReviews> out, st.Collect([](const Statement& row) {
    return PendingReviews{ParseReviewKind(row.Text(0)).value_or(ReviewKind::kApproval),
                          static_cast<int>(row.Int(1)), row.Int(2)};
  }));
  std::sort(out.begin(), out.end(), [](const PendingReviews& a, const PendingReviews& b) {
    return a.kind < b.kind;
  });
  return out;
}

Status SqliteReviews::Insert(const ReviewRequest& r) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO review_requests (request_id, kind, account_id, handle_key, "
                    "phone_number, status, reason, reason_for_requested, contact_name, "
                    "limit_requested, limit_before_request, decided_by, date_decided, "
                    "date_created, date_updated, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?)"));
  st.Bind(1, r.request_id).Bind(2, ToString(r.kind)).Bind(3, r.account_id).Bind(4, r.handle_key);
  st.Bind(5, r.phone_number).Bind(6, ToString(r.status));
  if (r.reason) st.Bind(7, *r.reason); else st.BindNull(7);
  st.Bind(8, r.reason_for_requested).Bind(9, r.contact_name);
  st.Bind(10, static_cast<int64_t>(r.limit_requested));
  st.Bind(11, static_cast<int64_t>(r.limit_before_request));
  if (r.decided_by) st.Bind(12, *r.decided_by); else st.BindNull(12);
  st.Bind(13, r.date_decided).Bind(14, r.date_created).Bind(15, r.date_updated);
  if (r.reason_code) st.Bind(16, *r.reason_code); else st.BindNull(16);
  SID_TRY(st.Run());
  int64_t position = 0;
  for (const std::string& document_id : r.documents) {
    SID_ASSIGN_OR_RETURN(Statement link,
                         conn_.Prepare("INSERT INTO review_documents (request_id, document_id, "
                                       "position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    link.Bind(1, r.request_id).Bind(2, document_id).Bind(3, position++);
    SID_TRY(link.Run());
  }
  return OkStatus();
}

Status SqliteReviews::Update(const ReviewRequest& r) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE review_requests SET status = ?, reason = ?, decided_by = ?, "
                    "date_decided = ?, date_updated = ?, reason_code = ? WHERE request_id = ?"));
  st.Bind(1, ToString(r.status));
  if (r.reason) st.Bind(2, *r.reason); else st.BindNull(2);
  if (r.decided_by) st.Bind(3, *r.decided_by); else st.BindNull(3);
  st.Bind(4, r.date_decided).Bind(5, r.date_updated);
  if (r.reason_code) st.Bind(6, *r.reason_code); else st.BindNull(6);
  st.Bind(7, r.request_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteReviews::SetClaim(std::string_view request_id, std::string_view claimed_by,
                               TimeMs claimed_until) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE review_requests SET claimed_by = ?, claimed_until = ? "
                                     "WHERE request_id = ?"));
  st.Bind(1, claimed_by).Bind(2, claimed_until).Bind(3, request_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteReviews::ReleaseDocuments(std::string_view request_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE review_documents SET released = 1 WHERE "
                                     "request_id = ?"));
  st.Bind(1, request_id);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
