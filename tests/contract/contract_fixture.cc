#include "tests/contract/contract_fixture.h"

#include <latch>
#include <memory>
#include <thread>

namespace senderid::contract {

std::string Show(const std::string& s) { return "\"" + s + "\""; }
std::string Show(TimeMs t) { return std::to_string(t); }

std::string Show(const Account& a) {
  return "Account{id=" + a.account_id + " name=" + Show(a.name) +
         " limit=" + std::to_string(a.limit) + " state=" + std::string(ToString(a.state)) +
         " created=" + Show(a.date_created) + " updated=" + Show(a.date_updated) + "}";
}

std::string Show(const StoredApiKey& k) {
  return "Key{key=" + k.api_key + " account=" + k.account_id + " sealed=" + Show(k.sealed_secret) +
         " scopes=" + std::to_string(k.scopes) + " state=" + std::string(ToString(k.state)) +
         " created=" + Show(k.date_created) + "}";
}

std::string Show(const LogEntry& l) {
  return "Log{" + Show(l.create_at) + " " + Show(l.message) + "}";
}

std::string Show(const ReviewRequest& r) {
  return "Request{id=" + r.request_id + " kind=" + std::string(ToString(r.kind)) +
         " account=" + r.account_id + " handle=" + r.handle_key + " phone=" + r.phone_number +
         " documents=" + Show(r.documents) + " status=" + std::string(ToString(r.status)) +
         " reason=" + Show(r.reason) + " reason_for_requested=" + Show(r.reason_for_requested) +
         " contact=" + Show(r.contact_name) +
         " limit_requested=" + std::to_string(r.limit_requested) +
         " limit_before=" + std::to_string(r.limit_before_request) +
         " reason_code=" + Show(r.reason_code) + " decided_by=" + Show(r.decided_by) +
         " decided=" + Show(r.date_decided) + " claimed_by=" + Show(r.claimed_by) +
         " claimed_until=" + Show(r.claimed_until) +
         " created=" + Show(r.date_created) + " updated=" + Show(r.date_updated) + "}";
}

std::string Show(const SenderId& e) {
  return "Entry{handle=" + e.handle_key + " account=" + e.account_id + " phone=" + e.phone_number +
         " status=" + std::string(ToString(e.status)) +
         " method=" + std::string(ToString(e.method)) + " expire=" + Show(e.expire_at) +
         " log=" + Show(e.log) + " approvals=" + Show(e.approvals) + " unlock=" + Show(e.unlock) +
         " unlocked=" + std::to_string(e.duplicate_unlocked) + " created=" + Show(e.date_created) +
         " updated=" + Show(e.date_updated) + "}";
}

std::string Show(const MfaTransaction& t) {
  return "Transaction{id=" + t.transaction_id + " account=" + t.account_id +
         " handle=" + t.handle_key + " phone=" + t.phone_number +
         " code_hash=" + Show(t.code_hash) + " attempts=" + std::to_string(t.attempts_used) +
         " state=" + std::string(ToString(t.state)) + " created=" + Show(t.created_at) +
         " expires=" + Show(t.expires_at) + "}";
}

std::string Show(const Document& d) {
  return "Document{id=" + d.document_id + " account=" + d.account_id + " name=" + d.name +
         " original=" + Show(d.original_name) + " category=" + d.category +
         " type=" + d.content_type + " size=" + std::to_string(d.size) +
         " use=" + std::to_string(d.use) + " created=" + Show(d.date_created) + "}";
}

std::string Show(const Operator& o) {
  return "Operator{name=" + o.name + " role=" + std::string(ToString(o.role)) +
         " hash=" + Show(o.password_hash) + " state=" + std::string(ToString(o.state)) +
         " created=" + Show(o.date_created) + " updated=" + Show(o.date_updated) + "}";
}

std::string Show(const OperatorSession& s) {
  return "Session{hash=" + Show(s.token_hash) + " operator=" + s.operator_name +
         " created=" + Show(s.created_at) + " seen=" + Show(s.last_seen_at) + "}";
}

std::string Show(const OperatorToken& t) {
  return "Token{hash=" + Show(t.token_hash) + " operator=" + t.operator_name +
         " created=" + Show(t.created_at) + "}";
}

std::string Show(const AuditEntry& e) {
  return "Audit{id=" + e.audit_id + " operator=" + e.operator_name + " action=" + e.action +
         " target=" + e.target + " reason=" + Show(e.reason) + " source=" + e.source_address +
         " created=" + Show(e.date_created) + "}";
}

std::string Show(const EventRecord& e) {
  return "Event{id=" + e.event_id + " account=" + e.account_id +
         " seq=" + std::to_string(e.sequence) + " type=" + std::string(ToString(e.type)) +
         " subject=" + e.subject + " created=" + Show(e.date_created) + " data=" + e.data + "}";
}

Account MakeAccount(const std::string& account_id, int limit) {
  Account a;
  a.account_id = account_id;
  a.name = "상점 " + account_id;
  a.limit = limit;
  a.state = ActiveState::kActive;
  a.date_created = kT0 - 2000;
  a.date_updated = kT0 - 1000;
  return a;
}

StoredApiKey MakeKey(const std::string& api_key, const std::string& account_id,
                     TimeMs date_created) {
  StoredApiKey k;
  k.api_key = api_key;
  k.account_id = account_id;
  k.sealed_secret = std::string("sealed\0\xff\x01", 9) + api_key;  // bytes, NUL included
  k.scopes = kScopeRead | kScopeWrite;
  k.state = ActiveState::kActive;
  k.date_created = date_created;
  return k;
}

SenderId MakeEntry(const std::string& handle_key, const std::string& account_id,
                   const std::string& phone_number, TimeMs date_created) {
  SenderId e;
  e.handle_key = handle_key;
  e.account_id = account_id;
  e.phone_number = phone_number;
  e.status = NumberStatus::kPending;
  e.method = VerificationMethod::kNone;
  e.expire_at = date_created + 12 * kDay;
  e.log = {{date_created, "발신번호 등록 " + phone_number}};
  e.duplicate_unlocked = false;
  e.date_created = date_created;
  e.date_updated = date_created;
  return e;
}

MfaTransaction MakeTransaction(const std::string& transaction_id, const std::string& account_id,
                               const std::string& phone_number, TimeMs created_at, MfaState state) {
  MfaTransaction t;
  t.transaction_id = transaction_id;
  t.account_id = account_id;
  t.handle_key = "SED" + phone_number;
  t.phone_number = phone_number;
  t.code_hash = std::string("\x00\x9f hash ", 8) + transaction_id;
  t.attempts_used = 0;
  t.state = state;
  t.created_at = created_at;
  t.expires_at = created_at + 3 * kMinute;
  return t;
}

Document MakeDocument(const std::string& document_id, const std::string& account_id,
                      TimeMs date_created, const std::string& category) {
  Document d;
  d.document_id = document_id;
  d.account_id = account_id;
  d.name = "blob-" + document_id + ".pdf";
  d.original_name = "통신서비스 이용증명원 " + document_id + ".pdf";
  d.category = category;
  d.content_type = "application/pdf";
  d.size = 1234;
  d.use = false;
  d.date_created = date_created;
  return d;
}

ReviewRequest MakeRequest(const std::string& request_id, ReviewKind kind,
                          const std::string& account_id, const std::string& handle_key,
                          TimeMs date_created, std::vector<std::string> documents) {
  ReviewRequest r;
  r.request_id = request_id;
  r.kind = kind;
  r.account_id = account_id;
  if (kind != ReviewKind::kLimitation) {
    r.handle_key = handle_key;
    r.phone_number = "0" + handle_key.substr(handle_key.size() > 3 ? 3 : 0);
  }
  r.documents = std::move(documents);
  r.status = RequestStatus::kPending;
  if (kind == ReviewKind::kDuplicate) {
    r.reason_for_requested = "우리 번호입니다";
    r.contact_name = "홍길동";
  }
  if (kind == ReviewKind::kLimitation) {
    r.limit_requested = 50;
    r.limit_before_request = 5;
  }
  r.date_created = date_created;
  r.date_updated = date_created;
  return r;
}

Operator MakeOperator(const std::string& name, OperatorRole role) {
  Operator o;
  o.name = name;
  o.role = role;
  o.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$" + name;
  o.state = OperatorState::kActive;
  o.date_created = kT0 - 500;
  o.date_updated = kT0 - 400;
  return o;
}

AuditEntry MakeAudit(const std::string& audit_id, const std::string& operator_name,
                     const std::string& action, const std::string& target, TimeMs date_created) {
  AuditEntry e;
  e.audit_id = audit_id;
  e.operator_name = operator_name;
  e.action = action;
  e.target = target;
  e.reason = "사유 " + audit_id;
  e.source_address = "192.0.2.7";
  e.date_created = date_created;
  return e;
}

EventRecord MakeEvent(const std::string& event_id, const std::string& account_id, EventType type,
                      const std::string& subject, TimeMs date_created) {
  EventRecord e;
  e.event_id = event_id;
  e.account_id = account_id;
  e.type = type;
  e.subject = subject;
  e.date_created = date_created;
  e.data = R"({"handleKey":")" + subject + R"(","note":"이벤트"})";
  return e;
}

void RunThreads(int threads, const std::function<void(int)>& body) {
  std::latch start(threads);
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i)
    running.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  for (std::thread& t : running) t.join();
}

Result<bool> SpendWaiting(SignatureLedger& ledger, const std::string& digest, TimeMs keep_until) {
  // Shared with the callback, which may outlive a timed-out wait.
  auto answer = std::make_shared<std::promise<Result<bool>>>();
  std::future<Result<bool>> future = answer->get_future();
  ledger.Spend(digest, keep_until, [answer](Result<bool> r) { answer->set_value(std::move(r)); });
  if (future.wait_for(kWait) != std::future_status::ready)
    return Error(ErrorCode::kInternalError, "Spend did not answer within the wait");
  return future.get();
}

}  // namespace senderid::contract
