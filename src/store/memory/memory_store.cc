#include "store/memory/memory_store.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace senderid {

namespace {

struct StoredRequest {
  ReviewRequest request;
  bool released = false;  // ReleaseDocuments: its documents count as used no more
};

}  // namespace

// Every aggregate's rows, keyed as the SQLite schema keys them. Maps with std::less<> so that
// string_view keys look up without a copy.
struct MemoryStore::State {
  std::map<std::string, Account, std::less<>> accounts;
  std::map<std::string, int64_t, std::less<>> last_sequence;  // per account; survives event pruning
  std::map<std::string, StoredApiKey, std::less<>> keys;
  // By handle_key, with the log; approvals and unlock are assembled from `requests` on read.
  std::map<std::string, SenderId, std::less<>> entries;
  std::set<std::pair<std::string, std::string>> special;  // (account_id, phone_number)
  std::map<std::string, MfaTransaction, std::less<>> transactions;
  std::map<std::string, Document, std::less<>> documents;  // `use` is computed on read
  std::map<std::string, StoredRequest, std::less<>> requests;
  std::vector<EventRecord> events;  // in append order, hence by sequence within an account
  std::map<std::string, Webhook, std::less<>> webhooks;
  std::map<std::string, Delivery, std::less<>> deliveries;
  std::map<std::string, Operator, std::less<>> operators;
  std::map<std::string, OperatorSession, std::less<>> sessions;  // by token_hash
  std::map<std::string, OperatorToken, std::less<>> tokens;      // by token_hash
  std::map<std::string, LoginAttempt, std::less<>> attempts;     // by attempt_id
  std::vector<AuditEntry> audit;                                 // in append order
};

namespace {

using State = MemoryStore::State;

Error Exists(std::string what) { return Error(ErrorCode::kAlreadyExists, std::move(what)); }
// What SQLite reports for a foreign-key violation (a row of an unknown account or entry).
Error Dangling(std::string what) { return Error(ErrorCode::kInternalError, std::move(what)); }

template <typename Map>
std::optional<typename Map::mapped_type> Lookup(const Map& rows, std::string_view key) {
  auto it = rows.find(key);
  if (it == rows.end()) return std::nullopt;
  return it->second;
}

template <typename Map>
typename Map::mapped_type* Mutable(Map& rows, std::string_view key) {
  auto it = rows.find(key);
  return it == rows.end() ? nullptr : &it->second;
}

bool Truncate(size_t size, int limit) { return limit >= 0 && size >= static_cast<size_t>(limit); }

// The requests `keep` selects, oldest first (date_created, then request_id).
template <typename Pred>
std::vector<ReviewRequest> RequestsWhere(const State& s, Pred keep) {
  std::vector<ReviewRequest> out;
  for (const auto& [id, stored] : s.requests)
    if (keep(stored.request)) out.push_back(stored.request);
  std::stable_sort(out.begin(), out.end(), [](const ReviewRequest& a, const ReviewRequest& b) {
    return a.date_created < b.date_created;  // ties stay in request_id order (the map's)
  });
  return out;
}

// The entries `keep` selects, bare (no approvals, no unlock), by date_created then handle_key.
template <typename Pred>
std::vector<SenderId> EntriesWhere(const State& s, Pred keep) {
  std::vector<SenderId> out;
  for (const auto& [key, entry] : s.entries)
    if (keep(entry)) out.push_back(entry);
  std::stable_sort(out.begin(), out.end(), [](const SenderId& a, const SenderId& b) {
    return a.date_created < b.date_created;  // ties stay in handle_key order (the map's)
  });
  return out;
}

// The entry with its approvals (oldest first) and its latest unlock request.
SenderId Complete(const State& s, SenderId entry) {
  for (ReviewRequest& r : RequestsWhere(s, [&](const ReviewRequest& r) {
         return r.account_id == entry.account_id && r.handle_key == entry.handle_key;
       })) {
    if (r.kind == ReviewKind::kApproval)
      entry.approvals.push_back(std::move(r));
    else if (r.kind == ReviewKind::kDuplicate)
      entry.unlock = std::move(r);  // latest wins
  }
  return entry;
}

bool InUse(const State& s, std::string_view document_id) {
  return std::any_of(s.requests.begin(), s.requests.end(), [&](const auto& row) {
    const StoredRequest& r = row.second;
    return !r.released && std::find(r.request.documents.begin(), r.request.documents.end(),
                                    document_id) != r.request.documents.end();
  });
}

Document WithUse(const State& s, Document d) {
  d.use = InUse(s, d.document_id);
  return d;
}

bool IsDueStatus(NumberStatus st) {
  return st == NumberStatus::kPending || st == NumberStatus::kActive ||
         st == NumberStatus::kInactive;
}

bool IsDue(const SenderId& e, TimeMs now) {
  return IsDueStatus(e.status) && e.expire_at && *e.expire_at <= now;
}

// The rows a repository works on: `s_` to read, and `w_` (the same State) to write. In a read
// transaction `w_` is null; its repositories are reachable only through their reader interfaces.
class Rows {
 public:
  Rows(const State& s, State* w) : s_(s), w_(w) {}

 protected:
  const State& s_;
  State* const w_;
};

class MemoryAccounts final : public AccountsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<Account>> Find(std::string_view account_id) override {
    return Lookup(s_.accounts, account_id);
  }
  Result<std::optional<StoredApiKey>> FindKey(std::string_view api_key) override {
    return Lookup(s_.keys, api_key);
  }
  Result<std::vector<StoredApiKey>> ListKeys(std::string_view account_id) override {
    std::vector<StoredApiKey> out;
    for (const auto& [id, key] : s_.keys)
      if (key.account_id == account_id) out.push_back(key);
    std::stable_sort(out.begin(), out.end(), [](const StoredApiKey& a, const StoredApiKey& b) {
      return a.date_created < b.date_created;
    });
    return out;
  }

  Result<std::vector<Account>> List(std::string_view start_key, int limit) override {
    std::vector<Account> out;
    for (auto it = s_.accounts.lower_bound(start_key); it != s_.accounts.end(); ++it) {
      if (Truncate(out.size(), limit)) break;
      out.push_back(it->second);
    }
    return out;
  }

  Status Insert(const Account& account) override {
    if (!w_->accounts.emplace(account.account_id, account).second)
      return Exists("account exists: " + account.account_id);
    return OkStatus();
  }
  Status Update(const Account& account) override {
    if (Account* a = Mutable(w_->accounts, account.account_id)) {
      a->name = account.name;
      a->limit = account.limit;
      a->state = account.state;
      a->date_updated = account.date_updated;
    }
    return OkStatus();
  }
  Status InsertKey(const StoredApiKey& key) override {
    if (!s_.accounts.contains(key.account_id)) return Dangling("no account " + key.account_id);
    if (!w_->keys.emplace(key.api_key, key).second) return Exists("key exists: " + key.api_key);
    return OkStatus();
  }
  Status SetKeyState(std::string_view api_key, ActiveState state) override {
    if (StoredApiKey* k = Mutable(w_->keys, api_key)) k->state = state;
    return OkStatus();
  }
};

class MemoryNumbers final : public NumbersRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::vector<SenderId>> List(std::string_view account_id) override {
    std::vector<SenderId> out =
        EntriesWhere(s_, [&](const SenderId& e) { return e.account_id == account_id; });
    for (SenderId& e : out) e = Complete(s_, std::move(e));
    return out;
  }
  Result<std::optional<SenderId>> Find(std::string_view account_id,
                                       std::string_view phone_number) override {
    const SenderId* e = ByNumber(account_id, phone_number);
    if (e == nullptr) return std::optional<SenderId>();
    return std::optional<SenderId>(Complete(s_, *e));
  }
  Result<std::vector<SenderId>> ListByNumber(std::string_view phone_number) override {
    std::vector<SenderId> out =
        EntriesWhere(s_, [&](const SenderId& e) { return e.phone_number == phone_number; });
    for (SenderId& e : out) e.log.clear();
    return out;
  }
  Result<int> Count(std::string_view account_id) override {
    return static_cast<int>(
        std::count_if(s_.entries.begin(), s_.entries.end(),
                      [&](const auto& row) { return row.second.account_id == account_id; }));
  }
  Result<std::vector<std::string>> ListActive(std::string_view account_id, TimeMs now) override {
    std::vector<std::string> out;
    for (const SenderId& e : EntriesWhere(s_, [&](const SenderId& e) {
           return e.account_id == account_id && e.status == NumberStatus::kActive &&
                  (!e.expire_at || *e.expire_at > now);
         }))
      out.push_back(e.phone_number);
    return out;
  }
  Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) override {
    return std::any_of(s_.entries.begin(), s_.entries.end(), [&](const auto& row) {
      return row.second.account_id == account_id && IsDue(row.second, now);
    });
  }
  Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) override {
    std::set<std::string> due;
    for (const auto& [key, e] : s_.entries)
      if (IsDue(e, now)) due.insert(e.account_id);
    std::vector<std::string> out;
    for (const std::string& account_id : due) {
      if (Truncate(out.size(), max)) break;
      out.push_back(account_id);
    }
    return out;
  }
  Result<std::vector<std::string>> AccountsWithExpiryNotices(TimeMs now, TimeMs horizon,
                                                             int max) override {
    std::set<std::string> due;
    for (const auto& [key, e] : s_.entries)
      if (IsVerified(e.status) && !e.expiry_noticed && e.expire_at && *e.expire_at > now &&
          *e.expire_at < horizon)
        due.insert(e.account_id);
    std::vector<std::string> out;
    for (const std::string& account_id : due) {
      if (Truncate(out.size(), max)) break;
      out.push_back(account_id);
    }
    return out;
  }
  Result<bool> IsSpecialAllowed(std::string_view account_id,
                                std::string_view phone_number) override {
    return s_.special.contains({std::string(account_id), std::string(phone_number)});
  }

  Status Insert(const SenderId& entry) override {
    if (!s_.accounts.contains(entry.account_id)) return Dangling("no account " + entry.account_id);
    if (s_.entries.contains(entry.handle_key) || ByNumber(entry.account_id, entry.phone_number))
      return Exists("entry exists: " + entry.handle_key);
    SenderId& stored = w_->entries[entry.handle_key] = entry;
    stored.approvals.clear();  // review requests are their repository's rows
    stored.unlock.reset();
    return OkStatus();
  }
  Status Update(const SenderId& entry) override {
    if (SenderId* e = Mutable(w_->entries, entry.handle_key)) {
      e->status = entry.status;
      e->method = entry.method;
      e->expire_at = entry.expire_at;
      e->duplicate_unlocked = entry.duplicate_unlocked;
      e->expiry_noticed = entry.expiry_noticed;
      e->date_updated = entry.date_updated;
    }
    return OkStatus();
  }
  Status AppendLog(std::string_view handle_key, const LogEntry& line) override {
    SenderId* e = Mutable(w_->entries, handle_key);
    if (e == nullptr) return Dangling("no entry " + std::string(handle_key));
    e->log.push_back(line);
    return OkStatus();
  }
  Status Delete(std::string_view handle_key) override {
    if (auto it = w_->entries.find(handle_key); it != w_->entries.end()) w_->entries.erase(it);
    return OkStatus();
  }
  Status AllowSpecial(std::string_view account_id, std::string_view phone_number,
                      TimeMs /*now*/) override {
    if (!s_.accounts.contains(account_id)) return Dangling("no account " + std::string(account_id));
    w_->special.emplace(account_id, phone_number);
    return OkStatus();
  }

 private:
  const SenderId* ByNumber(std::string_view account_id, std::string_view phone_number) const {
    for (const auto& [key, e] : s_.entries)
      if (e.account_id == account_id && e.phone_number == phone_number) return &e;
    return nullptr;
  }
};

class MemoryVerifications final : public VerificationsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<MfaTransaction>> Find(std::string_view transaction_id) override {
    return Lookup(s_.transactions, transaction_id);
  }
  Result<std::vector<TimeMs>> CallTimes(std::string_view account_id, std::string_view phone_number,
                                        TimeMs since) override {
    std::vector<TimeMs> out;
    for (const auto& [id, t] : s_.transactions) {
      // Both given: that pair; phone_number empty: the account's; account_id empty: the number's.
      const bool match = account_id.empty() ? t.phone_number == phone_number
                         : phone_number.empty()
                             ? t.account_id == account_id
                             : t.account_id == account_id && t.phone_number == phone_number;
      if (match && t.created_at > since) out.push_back(t.created_at);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Status Insert(const MfaTransaction& t) override {
    if (!w_->transactions.emplace(t.transaction_id, t).second)
      return Exists("transaction exists: " + t.transaction_id);
    return OkStatus();
  }
  Status Update(const MfaTransaction& t) override {
    if (MfaTransaction* row = Mutable(w_->transactions, t.transaction_id)) {
      row->attempts_used = t.attempts_used;
      row->state = t.state;
    }
    return OkStatus();
  }
  Status Delete(std::string_view transaction_id) override {
    if (auto it = w_->transactions.find(transaction_id); it != w_->transactions.end())
      w_->transactions.erase(it);
    return OkStatus();
  }
  Status VoidOpen(std::string_view handle_key, std::string_view except) override {
    for (auto& [id, t] : w_->transactions)
      if (t.handle_key == handle_key && t.state == MfaState::kOpen && id != except)
        t.state = MfaState::kVoid;
    return OkStatus();
  }
  Result<int> Prune(TimeMs before) override {
    return static_cast<int>(std::erase_if(
        w_->transactions, [&](const auto& row) { return row.second.created_at < before; }));
  }
};

class MemoryDocuments final : public DocumentsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<Document>> Find(std::string_view account_id,
                                       std::string_view document_id) override {
    std::optional<Document> d = Lookup(s_.documents, document_id);
    if (!d || d->account_id != account_id) return std::optional<Document>();
    return std::optional<Document>(WithUse(s_, std::move(*d)));
  }
  Result<std::optional<Document>> FindAny(std::string_view document_id) override {
    std::optional<Document> d = Lookup(s_.documents, document_id);
    if (!d) return std::optional<Document>();
    return std::optional<Document>(WithUse(s_, std::move(*d)));
  }
  Result<std::vector<Document>> List(std::string_view account_id,
                                     const DocumentFilter& f) override {
    std::vector<Document> out;
    for (auto it = s_.documents.rbegin(); it != s_.documents.rend(); ++it) {  // id descending
      if (Truncate(out.size(), f.limit)) break;
      const Document d = WithUse(s_, it->second);
      if (d.account_id != account_id) continue;
      if (f.document_id && d.document_id != *f.document_id) continue;
      if (f.created_from && d.date_created < *f.created_from) continue;
      if (f.created_to && d.date_created > *f.created_to) continue;
      if (f.category && d.category != *f.category) continue;
      if (f.use && d.use != *f.use) continue;
      if (f.start_key && d.document_id > *f.start_key) continue;
      out.push_back(d);
    }
    return out;
  }
  Result<int> Count(std::string_view account_id) override {
    return static_cast<int>(
        std::count_if(s_.documents.begin(), s_.documents.end(),
                      [&](const auto& row) { return row.second.account_id == account_id; }));
  }
  Result<bool> NameExists(std::string_view name) override {
    return std::any_of(s_.documents.begin(), s_.documents.end(),
                       [&](const auto& row) { return row.second.name == name; });
  }

  Status Insert(const Document& document) override {
    if (!s_.accounts.contains(document.account_id))
      return Dangling("no account " + document.account_id);
    if (s_.documents.contains(document.document_id) || NameExists(document.name).value())
      return Exists("document exists: " + document.document_id);
    Document& stored = w_->documents[document.document_id] = document;
    stored.use = false;
    return OkStatus();
  }
  Status Delete(std::string_view document_id) override {
    if (auto it = w_->documents.find(document_id); it != w_->documents.end())
      w_->documents.erase(it);
    return OkStatus();
  }
};

class MemoryReviews final : public ReviewsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::vector<ReviewRequest>> List(const ReviewFilter& f) override {
    std::optional<std::pair<TimeMs, std::string>> start;
    if (!f.start_key.empty()) {
      auto it = s_.requests.find(f.start_key);
      if (it == s_.requests.end()) return std::vector<ReviewRequest>();
      start.emplace(it->second.request.date_created, it->second.request.request_id);
    }
    std::vector<ReviewRequest> out = RequestsWhere(s_, [&](const ReviewRequest& r) {
      return (!f.status || r.status == *f.status) && (!f.kind || r.kind == *f.kind) &&
             (f.account_id.empty() || r.account_id == f.account_id) &&
             (f.handle_key.empty() || r.handle_key == f.handle_key) &&
             (!start || std::make_pair(r.date_created, r.request_id) >= *start);
    });
    if (f.limit > 0 && out.size() > static_cast<size_t>(f.limit)) out.resize(f.limit);
    return out;
  }
  Result<std::optional<ReviewRequest>> Find(std::string_view request_id) override {
    auto it = s_.requests.find(request_id);
    if (it == s_.requests.end()) return std::optional<ReviewRequest>();
    return std::optional<ReviewRequest>(it->second.request);
  }
  Result<std::vector<PendingReviews>> PendingByKind() override {
    std::vector<PendingReviews> out;
    for (const ReviewKind kind : {ReviewKind::kApproval, ReviewKind::kLimitation,
                                  ReviewKind::kDuplicate}) {
      PendingReviews p{kind, 0, 0};
      for (const auto& [id, stored] : s_.requests) {
        const ReviewRequest& r = stored.request;
        if (r.kind != kind || r.status != RequestStatus::kPending) continue;
        p.oldest_created =
            p.count == 0 ? r.date_created : std::min(p.oldest_created, r.date_created);
        ++p.count;
      }
      if (p.count > 0) out.push_back(p);
    }
    return out;
  }

  Status Insert(const ReviewRequest& request) override {
    if (!s_.accounts.contains(request.account_id))
      return Dangling("no account " + request.account_id);
    if (s_.requests.contains(request.request_id))
      return Exists("request exists: " + request.request_id);
    StoredRequest stored{request, false};
    // A document is linked once (SQLite's key is (request_id, document_id)), at its first place.
    std::vector<std::string> documents;
    for (const std::string& id : request.documents)
      if (std::find(documents.begin(), documents.end(), id) == documents.end())
        documents.push_back(id);
    stored.request.documents = std::move(documents);
    w_->requests.emplace(request.request_id, std::move(stored));
    return OkStatus();
  }
  Status Update(const ReviewRequest& request) override {
    if (auto it = w_->requests.find(request.request_id); it != w_->requests.end()) {
      ReviewRequest& r = it->second.request;
      r.status = request.status;
      r.reason = request.reason;
      r.reason_code = request.reason_code;
      r.decided_by = request.decided_by;
      r.date_decided = request.date_decided;
      r.date_updated = request.date_updated;
    }
    return OkStatus();
  }
  Status SetClaim(std::string_view request_id, std::string_view claimed_by,
                  TimeMs claimed_until) override {
    if (auto it = w_->requests.find(request_id); it != w_->requests.end()) {
      it->second.request.claimed_by = std::string(claimed_by);
      it->second.request.claimed_until = claimed_until;
    }
    return OkStatus();
  }
  Status ReleaseDocuments(std::string_view request_id) override {
    if (auto it = w_->requests.find(request_id); it != w_->requests.end())
      it->second.released = true;
    return OkStatus();
  }
};

class MemoryEvents final : public EventsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::vector<EventRecord>> List(std::string_view account_id, int64_t after,
                                        const std::vector<EventType>& types, int limit) override {
    std::vector<EventRecord> out;
    for (const EventRecord& e : s_.events) {
      if (Truncate(out.size(), limit)) break;
      if (e.account_id != account_id || e.sequence <= after) continue;
      if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) continue;
      out.push_back(e);
    }
    return out;
  }
  Result<std::optional<EventRecord>> Find(std::string_view account_id,
                                          std::string_view event_id) override {
    for (const EventRecord& e : s_.events)
      if (e.event_id == event_id && e.account_id == account_id)
        return std::optional<EventRecord>(e);
    return std::optional<EventRecord>();
  }
  Result<std::vector<TimeMs>> Times(std::string_view account_id, EventType type,
                                    std::string_view subject, TimeMs since) override {
    std::vector<TimeMs> out;
    for (const EventRecord& e : s_.events)
      if (e.account_id == account_id && e.type == type && e.subject == subject &&
          e.date_created >= since)
        out.push_back(e.date_created);
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<int64_t> Append(const EventRecord& event) override {
    if (!s_.accounts.contains(event.account_id)) return Dangling("no account " + event.account_id);
    for (const EventRecord& e : s_.events)
      if (e.event_id == event.event_id) return Exists("event exists: " + event.event_id);
    EventRecord& stored = w_->events.emplace_back(event);
    stored.sequence = ++w_->last_sequence[event.account_id];
    return stored.sequence;
  }
  Result<int> Prune(TimeMs before) override {
    return static_cast<int>(
        std::erase_if(w_->events, [&](const EventRecord& e) { return e.date_created < before; }));
  }
};

class MemoryWebhooks final : public WebhooksRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<Webhook>> Find(std::string_view account_id,
                                      std::string_view webhook_id) override {
    std::optional<Webhook> w = Lookup(s_.webhooks, webhook_id);
    if (!w || w->account_id != account_id) return std::optional<Webhook>();
    return w;
  }
  Result<std::vector<Webhook>> List(std::string_view account_id) override {
    std::vector<Webhook> out;
    for (const auto& [id, w] : s_.webhooks)
      if (w.account_id == account_id) out.push_back(w);
    std::stable_sort(out.begin(), out.end(), [](const Webhook& a, const Webhook& b) {
      return a.date_created < b.date_created;  // ties stay in webhook_id order (the map's)
    });
    return out;
  }

  Status Insert(const Webhook& webhook) override {
    if (!s_.accounts.contains(webhook.account_id))
      return Dangling("no account " + webhook.account_id);
    if (!w_->webhooks.emplace(webhook.webhook_id, webhook).second)
      return Exists("webhook exists: " + webhook.webhook_id);
    return OkStatus();
  }
  Status Update(const Webhook& webhook) override {
    if (Webhook* w = Mutable(w_->webhooks, webhook.webhook_id)) {
      const std::string account_id = w->account_id;
      const TimeMs date_created = w->date_created;
      *w = webhook;
      w->account_id = account_id;
      w->date_created = date_created;
    }
    return OkStatus();
  }
  Status Delete(std::string_view webhook_id) override {
    if (auto it = w_->webhooks.find(webhook_id); it != w_->webhooks.end()) w_->webhooks.erase(it);
    std::erase_if(w_->deliveries,
                  [&](const auto& row) { return row.second.webhook_id == webhook_id; });
    return OkStatus();
  }
};

class MemoryDeliveries final : public DeliveriesRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<Delivery>> Find(std::string_view delivery_id) override {
    return Lookup(s_.deliveries, delivery_id);
  }
  Result<std::optional<Delivery>> FindByEvent(std::string_view webhook_id,
                                              std::string_view event_id) override {
    for (const auto& [id, d] : s_.deliveries)
      if (d.webhook_id == webhook_id && d.event_id == event_id) return std::optional<Delivery>(d);
    return std::optional<Delivery>();
  }
  Result<std::vector<Delivery>> List(std::string_view webhook_id,
                                     const DeliveryFilter& f) override {
    std::vector<Delivery> out;
    for (auto it = s_.deliveries.rbegin(); it != s_.deliveries.rend(); ++it) {  // id descending
      if (Truncate(out.size(), f.limit)) break;
      const Delivery& d = it->second;
      if (d.webhook_id != webhook_id) continue;
      if (f.event_id && d.event_id != *f.event_id) continue;
      if (f.start_key && d.delivery_id > *f.start_key) continue;
      out.push_back(d);
    }
    return out;
  }
  Result<std::optional<TimeMs>> NextDue() override {
    std::optional<TimeMs> due;
    for (const auto& [id, d] : s_.deliveries)
      if (Claimable(d) && (!due || *d.next_attempt_at < *due)) due = d.next_attempt_at;
    return due;
  }
  Result<std::optional<TimeMs>> OldestPending() override {
    std::optional<TimeMs> oldest;
    for (const auto& [id, d] : s_.deliveries)
      if (Claimable(d) && (!oldest || d.date_created < *oldest)) oldest = d.date_created;
    return oldest;
  }

  Status Insert(const Delivery& delivery) override {
    if (!s_.webhooks.contains(delivery.webhook_id))
      return Dangling("no webhook " + delivery.webhook_id);
    if (s_.deliveries.contains(delivery.delivery_id) ||
        FindByEvent(delivery.webhook_id, delivery.event_id).value())
      return Exists("delivery exists: " + delivery.delivery_id);
    w_->deliveries.emplace(delivery.delivery_id, delivery);
    return OkStatus();
  }
  Status Update(const Delivery& delivery) override {
    if (Delivery* d = Mutable(w_->deliveries, delivery.delivery_id)) {
      Delivery updated = delivery;
      updated.webhook_id = d->webhook_id;
      updated.account_id = d->account_id;
      updated.event_id = d->event_id;
      updated.event_type = d->event_type;
      updated.date_created = d->date_created;
      *d = std::move(updated);
    }
    return OkStatus();
  }
  Result<std::vector<Delivery>> Claim(TimeMs now, TimeMs lease_until, std::string_view lease_token,
                                      int max, int max_per_webhook) override {
    std::map<std::string, int> in_flight;
    std::vector<Delivery*> due;
    for (auto& [id, d] : w_->deliveries) {
      if (d.status != DeliveryStatus::kPending) continue;
      if (d.lease_until && *d.lease_until > now) {
        ++in_flight[d.webhook_id];
        continue;
      }
      if (Claimable(d) && *d.next_attempt_at <= now) due.push_back(&d);
    }
    std::stable_sort(due.begin(), due.end(), [](const Delivery* a, const Delivery* b) {
      return *a->next_attempt_at < *b->next_attempt_at;
    });
    std::vector<Delivery> out;
    for (Delivery* d : due) {
      if (static_cast<int>(out.size()) >= max) break;
      int& n = in_flight[d->webhook_id];
      if (n >= max_per_webhook) continue;
      ++n;
      d->lease_until = lease_until;
      d->lease_token = std::string(lease_token);
      out.push_back(*d);
    }
    return out;
  }
  Result<int> ReleaseLeases() override {
    int released = 0;
    for (auto& [id, d] : w_->deliveries) {
      if (!d.lease_until) continue;
      d.lease_until.reset();
      d.lease_token.clear();
      ++released;
    }
    return released;
  }
  Result<int> Prune(TimeMs before) override {
    return static_cast<int>(std::erase_if(
        w_->deliveries, [&](const auto& row) { return row.second.date_created < before; }));
  }

 private:
  // PENDING with a due time, of an ENABLED webhook (whatever its lease).
  bool Claimable(const Delivery& d) const {
    if (d.status != DeliveryStatus::kPending || !d.next_attempt_at) return false;
    auto w = s_.webhooks.find(d.webhook_id);
    return w != s_.webhooks.end() && w->second.status == WebhookStatus::kEnabled;
  }
};

class MemoryOperators final : public OperatorsRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::optional<Operator>> Find(std::string_view name) override {
    return Lookup(s_.operators, name);
  }
  Result<std::vector<Operator>> List() override {
    std::vector<Operator> out;
    for (const auto& [name, op] : s_.operators) out.push_back(op);
    return out;
  }
  Result<std::optional<OperatorSession>> FindSession(std::string_view token_hash) override {
    return Lookup(s_.sessions, token_hash);
  }
  Result<std::optional<OperatorToken>> FindToken(std::string_view token_hash) override {
    return Lookup(s_.tokens, token_hash);
  }
  Result<std::vector<TimeMs>> AttemptTimes(std::string_view name, std::string_view source,
                                           TimeMs since) override {
    std::vector<TimeMs> out;
    for (const auto& [id, a] : s_.attempts) {
      const bool match = source.empty() ? a.name == name : a.source == source;
      if (match && a.at > since) out.push_back(a.at);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Status Insert(const Operator& op) override {
    if (!w_->operators.emplace(op.name, op).second) return Exists("operator exists: " + op.name);
    return OkStatus();
  }
  Status Update(const Operator& op) override {
    if (Operator* o = Mutable(w_->operators, op.name)) {
      o->role = op.role;
      o->password_hash = op.password_hash;
      o->state = op.state;
      o->date_updated = op.date_updated;
    }
    return OkStatus();
  }
  Status InsertSession(const OperatorSession& session) override {
    if (!s_.operators.contains(session.operator_name))
      return Dangling("no operator " + session.operator_name);
    if (!w_->sessions.emplace(session.token_hash, session).second)
      return Exists("session exists");
    return OkStatus();
  }
  Status TouchSession(std::string_view token_hash, TimeMs last_seen_at) override {
    if (OperatorSession* session = Mutable(w_->sessions, token_hash))
      session->last_seen_at = last_seen_at;
    return OkStatus();
  }
  Status DeleteSession(std::string_view token_hash) override {
    if (auto it = w_->sessions.find(token_hash); it != w_->sessions.end()) w_->sessions.erase(it);
    return OkStatus();
  }
  Status DeleteSessions(std::string_view operator_name) override {
    std::erase_if(w_->sessions,
                  [&](const auto& row) { return row.second.operator_name == operator_name; });
    return OkStatus();
  }
  Result<int> PruneSessions(TimeMs idle_before, TimeMs created_before) override {
    return static_cast<int>(std::erase_if(w_->sessions, [&](const auto& row) {
      return row.second.last_seen_at < idle_before || row.second.created_at < created_before;
    }));
  }
  Status InsertToken(const OperatorToken& token) override {
    if (!s_.operators.contains(token.operator_name))
      return Dangling("no operator " + token.operator_name);
    if (!w_->tokens.emplace(token.token_hash, token).second) return Exists("token exists");
    return OkStatus();
  }
  Result<int> DeleteTokens(std::string_view operator_name) override {
    return static_cast<int>(std::erase_if(
        w_->tokens, [&](const auto& row) { return row.second.operator_name == operator_name; }));
  }
  Status InsertAttempt(const LoginAttempt& attempt) override {
    if (!w_->attempts.emplace(attempt.attempt_id, attempt).second)
      return Exists("attempt exists: " + attempt.attempt_id);
    return OkStatus();
  }
  Status DeleteAttempt(std::string_view attempt_id) override {
    if (auto it = w_->attempts.find(attempt_id); it != w_->attempts.end()) w_->attempts.erase(it);
    return OkStatus();
  }
  Status ClearAttempts(std::string_view name) override {
    std::erase_if(w_->attempts, [&](const auto& row) { return row.second.name == name; });
    return OkStatus();
  }
  Result<int> PruneAttempts(TimeMs before) override {
    return static_cast<int>(
        std::erase_if(w_->attempts, [&](const auto& row) { return row.second.at < before; }));
  }
};

class MemoryAudit final : public AuditRepository, private Rows {
 public:
  using Rows::Rows;

  Result<std::vector<AuditEntry>> List(const AuditFilter& f) override {
    // Newest first: by date, then the later append first (ids are random within a second).
    std::vector<AuditEntry> all(s_.audit.rbegin(), s_.audit.rend());
    std::stable_sort(all.begin(), all.end(), [](const AuditEntry& a, const AuditEntry& b) {
      return a.date_created > b.date_created;
    });
    auto from = all.begin();
    if (!f.start_key.empty()) {
      from = std::find_if(all.begin(), all.end(),
                          [&](const AuditEntry& e) { return e.audit_id == f.start_key; });
      if (from == all.end()) return std::vector<AuditEntry>();
    }
    std::vector<AuditEntry> out;
    for (auto it = from; it != all.end(); ++it) {
      const AuditEntry& e = *it;
      if (Truncate(out.size(), f.limit)) break;
      if (!f.operator_name.empty() && e.operator_name != f.operator_name) continue;
      if (!f.target.empty() && e.target != f.target) continue;
      if (!f.action.empty() && e.action != f.action) continue;
      out.push_back(e);
    }
    return out;
  }

  Status Append(const AuditEntry& entry) override {
    for (const AuditEntry& e : s_.audit)
      if (e.audit_id == entry.audit_id) return Exists("audit entry exists: " + entry.audit_id);
    w_->audit.push_back(entry);
    return OkStatus();
  }
};

// One transaction: a repository per aggregate over the same State.
class MemoryTx final : public WriteTx {
 public:
  MemoryTx(const State& s, State* w)
      : accounts_(s, w),
        numbers_(s, w),
        verifications_(s, w),
        documents_(s, w),
        reviews_(s, w),
        events_(s, w),
        webhooks_(s, w),
        deliveries_(s, w),
        operators_(s, w),
        audit_(s, w) {}

  AccountsRepository& accounts() override { return accounts_; }
  NumbersRepository& numbers() override { return numbers_; }
  VerificationsRepository& verifications() override { return verifications_; }
  DocumentsRepository& documents() override { return documents_; }
  ReviewsRepository& reviews() override { return reviews_; }
  EventsRepository& events() override { return events_; }
  WebhooksRepository& webhooks() override { return webhooks_; }
  DeliveriesRepository& deliveries() override { return deliveries_; }
  OperatorsRepository& operators() override { return operators_; }
  AuditRepository& audit() override { return audit_; }

 private:
  MemoryAccounts accounts_;
  MemoryNumbers numbers_;
  MemoryVerifications verifications_;
  MemoryDocuments documents_;
  MemoryReviews reviews_;
  MemoryEvents events_;
  MemoryWebhooks webhooks_;
  MemoryDeliveries deliveries_;
  MemoryOperators operators_;
  MemoryAudit audit_;
};

}  // namespace

MemoryStore::MemoryStore(MemoryOptions options)
    : options_(options), state_(std::make_shared<const State>()) {}

MemoryStore::~MemoryStore() = default;

Status MemoryStore::Read(const ReadFn& fn) {
  std::shared_ptr<const State> snapshot;
  {
    std::lock_guard lock(state_mu_);
    snapshot = state_;
  }
  MemoryTx tx(*snapshot, nullptr);
  return fn(tx);
}

Status MemoryStore::Write(const WriteFn& fn) {
  std::lock_guard writer(writer_mu_);
  std::shared_ptr<const State> base;
  {
    std::lock_guard lock(state_mu_);
    base = state_;
  }
  if (options_.force_retry) {
    State scratch = *base;
    MemoryTx tx(scratch, &scratch);
    (void)fn(tx);  // the run an adapter would abandon after a conflict
  }
  auto next = std::make_shared<State>(*base);
  MemoryTx tx(*next, next.get());
  Status status = fn(tx);
  if (!status.ok()) return status;
  std::lock_guard lock(state_mu_);
  state_ = std::move(next);
  return OkStatus();
}

void MemoryStore::Spend(std::string digest, TimeMs keep_until, SpendDone done) {
  bool fresh = false;
  {
    std::lock_guard lock(ledger_mu_);
    fresh = spent_.emplace(std::move(digest), keep_until).second;
  }
  done(fresh);
}

Result<int> MemoryStore::Prune(TimeMs now) {
  std::lock_guard lock(ledger_mu_);
  return static_cast<int>(
      std::erase_if(spent_, [&](const auto& spent) { return spent.second < now; }));
}

}  // namespace senderid
