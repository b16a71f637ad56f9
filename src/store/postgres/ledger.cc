#include "store/postgres/ledger.h"

#include <pthread.h>

#include <algorithm>
#include <map>
#include <utility>

#include "core/hex.h"
#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

int64_t HourOf(TimeMs t) {
  return t >= 0 ? t / kSignaturePartition : -((-t + kSignaturePartition - 1) / kSignaturePartition);
}

std::string PartitionName(int64_t hour) { return "spent_signatures_h" + std::to_string(hour); }

// "spent_signatures_h493450" → 493450; nullopt for any other name.
std::optional<int64_t> HourOfName(const std::string& name) {
  constexpr std::string_view kPrefix = "spent_signatures_h";
  if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0)
    return std::nullopt;
  const std::string digits = name.substr(kPrefix.size());
  if (digits.find_first_not_of("-0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(digits);
}

std::string Quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

constexpr const char* kPartitionLock =
    "hashtextextended(current_schema() || '/senderid-signature-partitions', 0)";

Deadline After(std::chrono::milliseconds d) { return SteadyClock::now() + d; }

}  // namespace

Status AttachSignaturePartition(Connection& conn, int64_t hour, Deadline deadline) {
  const std::string name = PartitionName(hour);
  conn.Defer("BEGIN");
  Status result = [&]() -> Status {
    SID_TRY(conn.QueryText(std::string("SELECT pg_advisory_xact_lock(") + kPartitionLock + ")",
                           Params(), deadline));
    SID_ASSIGN_OR_RETURN(Rows exists, conn.Query("SELECT to_regclass($1) IS NOT NULL",
                                                 Params().Text(Quoted(name)), deadline));
    if (exists.Bool(0, 0)) return OkStatus();
    // A table first, then ATTACH: CREATE TABLE … PARTITION OF would lock the parent ACCESS
    // EXCLUSIVE, stalling every instance's inserts; ATTACH takes SHARE UPDATE EXCLUSIVE. The
    // CHECK lets ATTACH skip its validation scan (of an empty table, but still).
    const std::string lo = std::to_string(hour * kSignaturePartition);
    const std::string hi = std::to_string((hour + 1) * kSignaturePartition);
    SID_TRY(conn.Script("CREATE TABLE " + Quoted(name) +
                            " (LIKE spent_signatures INCLUDING DEFAULTS, PRIMARY KEY (keep_until, "
                            "digest), CHECK (keep_until >= " +
                            lo + " AND keep_until < " + hi +
                            ")); ALTER TABLE spent_signatures ATTACH PARTITION " + Quoted(name) +
                            " FOR VALUES FROM (" + lo + ") TO (" + hi + ")",
                        deadline));
    return OkStatus();
  }();
  Result<Rows> ended = conn.QueryText(result.ok() ? "COMMIT" : "ROLLBACK", Params(), deadline);
  if (!result.ok()) return result;
  if (!ended.ok()) return std::move(ended).error();
  return OkStatus();
}

Ledger::Ledger(LedgerOptions options, Pool& pool)
    : options_(std::move(options)), pool_(pool), writer_([this] {
        pthread_setname_np(pthread_self(), "pg-ledger");
        Loop();
      }) {}

Ledger::~Ledger() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void Ledger::Spend(std::string digest, TimeMs keep_until, SpendDone done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(digest), keep_until, std::move(done), After(options_.deadline)});
  }
  wake_.notify_one();
}

void Ledger::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything answered
    std::vector<Item> batch;
    while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    WriteBatch(batch);
    lock.lock();
  }
}

void Ledger::WriteBatch(std::vector<Item>& batch) {
  // The earliest deadline of the batch bounds the whole statement: nobody waits past their own.
  Deadline deadline = batch.front().deadline;
  for (const Item& item : batch) deadline = std::min(deadline, item.deadline);
  // Distinct pairs; the first Spend of a pair is the one that may be fresh.
  std::map<std::pair<std::string, TimeMs>, size_t> first;
  std::vector<std::string> hex;
  std::vector<TimeMs> keep;
  for (size_t i = 0; i < batch.size(); ++i) {
    std::string h = ToHex(batch[i].digest);
    if (first.emplace(std::make_pair(h, batch[i].keep_until), i).second) {
      hex.push_back(std::move(h));
      keep.push_back(batch[i].keep_until);
    }
  }
  Result<std::set<std::string>> fresh = Insert(hex, keep, deadline);
  for (size_t i = 0; i < batch.size(); ++i) {
    Item& item = batch[i];
    if (!fresh.ok()) {
      item.done(fresh.error());
      continue;
    }
    const std::string h = ToHex(item.digest);
    const bool is_first = first.at(std::make_pair(h, item.keep_until)) == i;
    item.done(is_first && fresh->count(h + "/" + std::to_string(item.keep_until)) > 0);
  }
}

Result<std::set<std::string>> Ledger::Insert(const std::vector<std::string>& hex,
                                             const std::vector<TimeMs>& keep, Deadline deadline) {
  std::vector<std::string> keep_text;
  for (TimeMs k : keep) keep_text.push_back(std::to_string(k));
  for (int attempt = 0;; ++attempt) {
    if (writer_conn_ == nullptr || !writer_conn_->usable()) {
      writer_conn_.reset();
      SID_ASSIGN_OR_RETURN(writer_conn_, Connection::Open(options_.connect, deadline));
    }
    SID_TRY(EnsurePartitions(keep, deadline));
    Result<Rows> r = writer_conn_->Query(
        "INSERT INTO spent_signatures (keep_until, digest) SELECT k, decode(d, 'hex') FROM "
        "unnest($1::bigint[], $2::text[]) AS t(k, d) ON CONFLICT DO NOTHING "
        "RETURNING keep_until, encode(digest, 'hex')",
        Params().Text(TextArray(keep_text)).Text(TextArray(hex)), deadline);
    if (r.ok()) {
      std::set<std::string> inserted;
      for (int i = 0; i < r->size(); ++i) inserted.insert(r->Text(i, 1) + "/" + r->Text(i, 0));
      return inserted;
    }
    // Another instance dropped a partition this writer thought attached (a digest kept until a
    // time already past: only tests spend those), or the connection went stale: once more.
    const bool missing_partition = writer_conn_->last_sqlstate() == kCheckViolation;
    if (attempt > 0 || (!missing_partition && writer_conn_->usable())) return std::move(r).error();
    if (missing_partition) attached_.clear();
  }
}

Status Ledger::EnsurePartitions(const std::vector<TimeMs>& keep, Deadline deadline) {
  std::set<int64_t> hours;
  for (TimeMs k : keep) hours.insert(HourOf(k));
  for (int64_t hour : hours) {
    if (attached_.count(hour) > 0) continue;
    SID_TRY(AttachSignaturePartition(*writer_conn_, hour, deadline));
    attached_.insert(hour);
  }
  return OkStatus();
}

Result<int> Ledger::Prune(TimeMs now) {
  const Deadline deadline = After(options_.deadline);
  SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
  SID_ASSIGN_OR_RETURN(Rows parts,
                       conn->Query("SELECT c.relname, i.inhdetachpending FROM pg_inherits i "
                                   "JOIN pg_class c ON c.oid = i.inhrelid "
                                   "WHERE i.inhparent = to_regclass('spent_signatures')",
                                   Params(), deadline));
  std::set<int64_t> attached;
  std::vector<std::pair<int64_t, bool>> expired;  // hour, detach already pending
  for (int i = 0; i < parts.size(); ++i) {
    const std::optional<int64_t> hour = HourOfName(parts.Text(i, 0));
    if (!hour) continue;
    attached.insert(*hour);
    // Wholly expired: every keep_until in it is below its upper bound, which is not after now.
    if ((*hour + 1) * kSignaturePartition <= now) expired.emplace_back(*hour, parts.Bool(i, 1));
  }
  for (int64_t hour = HourOf(now); hour <= HourOf(now + options_.create_ahead); ++hour)
    if (attached.count(hour) == 0) SID_TRY(AttachSignaturePartition(*conn, hour, deadline));
  if (expired.empty()) return 0;

  // One instance drops while the others skip; the lock is the one AttachSignaturePartition takes,
  // so an attach and a detach never interleave.
  SID_ASSIGN_OR_RETURN(Rows locked, conn->QueryText(std::string("SELECT pg_try_advisory_lock(") +
                                                        kPartitionLock + ")",
                                                    Params(), deadline));
  if (!locked.Bool(0, 0)) return 0;
  int forgotten = 0;
  Status dropped = [&]() -> Status {
    for (const auto& [hour, pending] : expired) {
      const std::string name = Quoted(PartitionName(hour));
      SID_ASSIGN_OR_RETURN(Rows count,
                           conn->QueryText("SELECT count(*) FROM " + name, Params(), deadline));
      // CONCURRENTLY (outside a transaction block: a one-statement script) waits for inserts
      // that may still see the partition instead of locking them out; FINALIZE completes one
      // that an earlier, interrupted prune left pending.
      SID_TRY(conn->Script("ALTER TABLE spent_signatures DETACH PARTITION " + name +
                               (pending ? " FINALIZE" : " CONCURRENTLY"),
                           deadline));
      SID_TRY(conn->Script("DROP TABLE " + name, deadline));
      forgotten += static_cast<int>(count.Int(0, 0));
    }
    return OkStatus();
  }();
  Result<Rows> unlocked = conn->QueryText(
      std::string("SELECT pg_advisory_unlock(") + kPartitionLock + ")", Params(), deadline);
  if (!dropped.ok()) return std::move(dropped).error();
  if (!unlocked.ok()) return std::move(unlocked).error();
  return forgotten;
}

}  // namespace senderid::pg
