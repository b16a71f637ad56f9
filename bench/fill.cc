// senderid-fill: fills a data directory with accounts and sender numbers directly through the store
// layer (no HTTP), for the scale benchmark and for the accounts the write benchmarks use.
//
//   senderid-fill --data DIR --accounts N --numbers-per-account M [--limit L]
//                 [--credentials-out FILE [--credentials-count K]] [--threads T] [--batch B]
//                 [--db postgresql://…] [--webhook-url URL]
//
// With --db the store is that PostgreSQL database (SPEC §11), migrated here; DIR then holds only
// master.key (created if missing), which the server must be given (--master-key-file DIR/master.key).
//
// Accounts and their API key are created through AccountsService (so the sealed secrets open under
// DIR/master.key exactly as the server expects), from T threads at once so that the store's group
// commit batches them. Numbers, their documents and review requests are inserted through the store
// port's repositories (WriteTx::numbers(), documents(), reviews()), B rows per Store::Write — not
// through the services and core/lifecycle, which stamp one `now` per change and would have to call
// a voice provider to verify: the fill writes histories months long, in batches. So the filled rows
// have no events (SPEC §12; the server keeps those 30 days, and these histories are older), and the
// events table starts empty. The store is opened with synchronous=NORMAL (a fill that crashes is
// simply run again), and this process's SQLite connections get a page cache that holds the whole
// store (--cache-mb).
//
// Why such large batches: every row lands at random places of six B-trees (handle key, account +
// number, number, account + date, due date, log), so a commit writes nearly one WAL page per row.
// Measured for 200,000 numbers on 2 cores: 1,000 rows per Write 32 s, 20,000 12 s, 50,000 9.5 s
// (and 2 MB instead of 1 GB of page cache: 1M numbers in 376 s instead of 78 s).
//
// The numbers: 011/016/017/019/070 + 8 digits, unique across the whole store (a bijection of the
// row index), never 010 (the load generator creates 010 numbers, which must not collide). Statuses:
// 80% ACTIVE (verified within the last ~170 days, so expireAt is in the future; one in ten of them by
// documents, with an APPROVED approval request and its document, the others by ARS), 15% PENDING
// (created within 10 days, not yet expired; one in three with a PENDING approval request and its
// document), 5% INACTIVE; each with the log lines its history implies. One account in twenty also
// has an APPROVED limitation request with its document. So a 1,000,000-number store also holds about
// 130,000 review requests and documents (rows only: no document bytes are written), as a registry
// of that size would. Printed on stdout: one JSON line with counts, timings and the database size.
// --credentials-out writes a JSON array of {accountId, apiKey, apiSecret} for K accounts spread
// evenly over the fill order (K = 0: all of them).
// --webhook-url gives every account one ENABLED webhook for every event type (through
// WebhooksService, so its sealed secret opens under the server's key), loopback targets allowed —
// the server then needs --webhook-allow-private to deliver there.

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/system_clock.h"
#include "core/catalogue.h"
#include "core/ids.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/event_encoder.h"
#include "core/services/accounts_service.h"
#include "core/services/webhooks_service.h"
#include "crypto/default_crypto.h"
#include "core/hex.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using namespace senderid;

struct Options {
  std::string data;
  int64_t accounts = 0;
  int numbers_per_account = 5;
  int limit = 50;
  std::string credentials_out;
  int64_t credentials_count = 0;
  int threads = 32;
  int batch = 50'000;
  int64_t cache_mb = 1024;
  bool sync_full = false;
  std::string db;  // a PostgreSQL URL, or empty: DIR/senderid.db
  std::string webhook_url;
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "senderid-fill: %s\n"
               "usage: senderid-fill --data DIR --accounts N [--numbers-per-account 5] [--limit 50]\n"
               "                     [--credentials-out FILE [--credentials-count K]]\n"
               "                     [--threads 32] [--batch 50000] [--cache-mb 1024] [--sync-full]\n"
               "                     [--db postgresql://…] [--webhook-url URL]\n",
               why.c_str());
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--data") o.data = value();
    else if (arg == "--accounts") o.accounts = std::atoll(value().c_str());
    else if (arg == "--numbers-per-account") o.numbers_per_account = std::atoi(value().c_str());
    else if (arg == "--limit") o.limit = std::atoi(value().c_str());
    else if (arg == "--credentials-out") o.credentials_out = value();
    else if (arg == "--credentials-count") o.credentials_count = std::atoll(value().c_str());
    else if (arg == "--threads") o.threads = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--batch") o.batch = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--sync-full") o.sync_full = true;
    else if (arg == "--db") o.db = value();
    else if (arg == "--webhook-url") o.webhook_url = value();
    else if (arg == "--cache-mb") o.cache_mb = std::atoll(value().c_str());
    else if (arg == "--help" || arg == "-h") Usage("help");
    else Usage("unknown option " + arg);
  }
  if (o.data.empty()) Usage("--data is required");
  if (o.accounts < 1) Usage("--accounts must be at least 1");
  if (o.numbers_per_account < 0) Usage("--numbers-per-account must be 0 or more");
  if (o.limit < o.numbers_per_account) o.limit = o.numbers_per_account;
  return o;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The g-th number of the fill: a bijection of g onto 5 prefixes × 10^8 subscriber numbers.
std::string NumberAt(uint64_t g) {
  static const char* const kPrefixes[] = {"011", "016", "017", "019", "070"};
  const uint64_t subscriber = (g / 5 * 48271ull + 12345ull) % 100'000'000ull;  // 48271 ⟂ 10^8
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%08" PRIu64, kPrefixes[g % 5], subscriber);
  return buf;
}

// An uploaded PDF as its row (the bytes themselves are never read by the benchmarks).
Document MakeDocument(const std::string& account_id, std::string_view category, TimeMs at,
                      Random& random) {
  Document d;
  d.document_id = NewId(kDocumentPrefix, at, random);
  d.account_id = account_id;
  d.name = RandomString(random, 15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") +
           ".pdf";
  d.original_name = "evidence.pdf";
  d.category = std::string(category);
  d.content_type = "application/pdf";
  d.size = 200'000;
  d.date_created = at;
  return d;
}

ReviewRequest MakeRequest(ReviewKind kind, std::string_view prefix, const std::string& account_id,
                          const Document& doc, TimeMs at, Random& random) {
  ReviewRequest r;
  r.request_id = NewId(prefix, at, random);
  r.kind = kind;
  r.account_id = account_id;
  r.documents = {doc.document_id};
  r.date_created = at;
  r.date_updated = at;
  return r;
}

void Decide(ReviewRequest& r, TimeMs at) {
  r.status = RequestStatus::kApproved;
  r.decided_by = "bench";
  r.date_decided = at;
  r.date_updated = at;
}

// What one fill row inserts: an entry, and the papers its history implies.
struct Row {
  SenderId entry;
  std::vector<Document> documents;
  std::vector<ReviewRequest> requests;
};

// One entry with the history its status implies; times relative to `now`.
Row MakeEntry(uint64_t g, const std::string& account_id, TimeMs now, Random& random) {
  const uint64_t h = SplitMix(g);
  const int kind = static_cast<int>(h % 100);
  const uint64_t h2 = SplitMix(h);
  Row row;
  SenderId& e = row.entry;
  e.account_id = account_id;
  e.phone_number = NumberAt(g);
  if (kind < 80 || kind >= 95) {
    // Verified: created 1–170 days ago, verified some time after (so expireAt = +6 months > now).
    const TimeMs created = now - kDay - static_cast<TimeMs>(h2 % static_cast<uint64_t>(169 * kDay));
    const TimeMs verified =
        created + static_cast<TimeMs>(SplitMix(h2) % static_cast<uint64_t>(now - created));
    e.date_created = created;
    e.handle_key = NewId(kHandleKeyPrefix, created, random);
    e.status = NumberStatus::kActive;
    e.expire_at = AddCalendarMonths(verified, 6);
    e.log.push_back({created, std::string(text::log::kCreated)});
    if (h2 % 10 == 0) {
      // Verified by documents an operator approved.
      e.method = VerificationMethod::kDocument;
      const TimeMs submitted = created + (verified - created) / 2;
      row.documents.push_back(MakeDocument(account_id, "SENDERID_APPROVAL", submitted, random));
      row.requests.push_back(MakeRequest(ReviewKind::kApproval, kApprovalPrefix, account_id,
                                         row.documents.back(), submitted, random));
      Decide(row.requests.back(), verified);
      e.log.push_back({submitted, std::string(text::log::kDocumentsSubmitted)});
      e.log.push_back({verified, std::string(text::log::kEvidenceApproved)});
      e.log.push_back({verified, text::log::Verified("DOCUMENT")});
    } else {
      e.method = VerificationMethod::kArs;
      e.log.push_back({verified, text::log::Verified("ARS")});
    }
    e.date_updated = verified;
    if (kind >= 95) {
      const TimeMs switched = verified + (now - verified) / 2;
      e.status = NumberStatus::kInactive;
      e.log.push_back({switched, text::log::StatusChanged("INACTIVE")});
      e.date_updated = switched;
    }
  } else {
    // PENDING: created within the last 10 days, so its 12-day window is still open.
    const TimeMs created = now - static_cast<TimeMs>(h2 % static_cast<uint64_t>(10 * kDay));
    e.date_created = created;
    e.handle_key = NewId(kHandleKeyPrefix, created, random);
    e.date_updated = created;
    e.status = NumberStatus::kPending;
    e.expire_at = created + 12 * kDay;
    e.log.push_back({created, std::string(text::log::kCreated)});
    if (h2 % 3 == 0) {
      // Evidence submitted, waiting for an operator.
      const TimeMs submitted = created + (now - created) / 2;
      row.documents.push_back(MakeDocument(account_id, "SENDERID_APPROVAL", submitted, random));
      row.requests.push_back(MakeRequest(ReviewKind::kApproval, kApprovalPrefix, account_id,
                                         row.documents.back(), submitted, random));
      e.log.push_back({submitted, std::string(text::log::kDocumentsSubmitted)});
      e.date_updated = submitted;
    }
  }
  for (ReviewRequest& r : row.requests) {
    r.handle_key = e.handle_key;
    r.phone_number = e.phone_number;
  }
  return row;
}

// One account in twenty asked for a higher limit, and an operator approved it.
void MaybeLimitation(uint64_t account_index, const std::string& account_id, TimeMs now,
                     Random& random, Row& row) {
  if (SplitMix(account_index ^ 0x5eed) % 20 != 0) return;
  const TimeMs asked = now - 30 * kDay;
  row.documents.push_back(MakeDocument(account_id, "SENDERID_LIMITATION", asked, random));
  ReviewRequest r = MakeRequest(ReviewKind::kLimitation, kLimitationPrefix, account_id,
                                row.documents.back(), asked, random);
  r.limit_before_request = 5;
  r.limit_requested = 10;
  Decide(r, asked + kDay);
  row.requests.push_back(std::move(r));
}

// Applied to every SQLite connection this process opens (sqlite3_auto_extension), before the store
// sets its own pragmas: a page cache that holds the whole store (the default 2 MB makes every insert
// into the random-keyed indexes a page read) and rarer checkpoints. Filling only; the server keeps
// its defaults.
int64_t g_cache_mb = 1024;
int TuneConnection(sqlite3* db, const char** /*error*/, const sqlite3_api_routines* /*api*/) {
  const std::string pragmas = "PRAGMA cache_size=-" + std::to_string(g_cache_mb * 1024) +
                              "; PRAGMA wal_autocheckpoint=20000;";
  sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr);
  return SQLITE_OK;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  std::error_code ec;
  std::filesystem::create_directories(o.data, ec);
  if (ec) Usage("cannot create " + o.data + ": " + ec.message());
  ::chmod(o.data.c_str(), 0700);

  g_cache_mb = o.cache_mb;
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(TuneConnection));

  Result<std::string> master_key = LoadMasterKey(o.data + "/master.key", true);
  if (!master_key.ok()) Usage(master_key.error().message);
  DefaultCrypto crypto(*master_key);
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<Store> store;
  if (!o.db.empty()) {
    pg::PostgresOptions pg_options;
    pg_options.url = o.db;
    pg_options.pool_size = std::min(o.threads, 16);
    pg_options.deadline = std::chrono::milliseconds(600'000);  // 50,000-row batches
    // What app/store_wiring.cc's MasterKeyFingerprint stores; another value makes serve refuse.
    pg_options.key_fingerprint = ToHex(crypto.KeyedHash("master-key-fingerprint", "senderid registry"));
    std::unique_ptr<pg::PostgresStore> pg_store = pg::PostgresStore::Create(pg_options);
    Result<pg::SchemaState> schema = pg_store->Open(pg::SchemaMode::kMigrate);
    if (!schema.ok()) Usage(schema.error().message);
    store = std::move(pg_store);
  } else {
    sqlite::SqliteOptions store_options;
    store_options.path = o.data + "/senderid.db";
    store_options.synchronous_full = o.sync_full;
    Result<std::unique_ptr<sqlite::SqliteStore>> opened = sqlite::SqliteStore::Open(store_options);
    if (!opened.ok()) Usage(opened.error().message);
    store = std::move(opened).value();
  }
  // Creating accounts records no event: the lifecycle's encoder is never called here.
  struct NoEvents final : EventEncoder {
    std::string EncodeData(const DomainEvent&) const override { return "{}"; }
  } no_events;
  RegistryOptions registry_options;
  registry_options.default_limit = o.limit;
  const Lifecycle lifecycle(random, no_events, registry_options);
  const Actor actor{"senderid-fill", "cli"};
  AccountsService accounts_service(*store, crypto, clock, random, lifecycle);
  // Webhook targets here are address literals, which are never looked up.
  struct NoLookups final : HostResolver {
    Resolution Resolve(std::string_view, TimeMs) override { return {}; }
  } no_lookups;
  WebhooksServiceOptions webhook_options;
  webhook_options.allow_private = true;
  WebhooksService webhooks_service(*store, crypto, clock, random, no_lookups, webhook_options);

  const auto start = std::chrono::steady_clock::now();
  const TimeMs now = clock.Now();

  // 1. Accounts, from several threads so that group commit batches them.
  std::vector<Credentials> credentials(static_cast<size_t>(o.accounts));
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < o.threads; ++t)
      threads.emplace_back([&] {
        for (;;) {
          const int64_t i = next.fetch_add(1);
          if (i >= o.accounts || failed) return;
          Result<Credentials> c =
              accounts_service.CreateAccount("bench-" + std::to_string(i), o.limit, actor);
          if (!c.ok()) {
            std::fprintf(stderr, "senderid-fill: account %" PRId64 ": %s\n", i,
                         c.error().message.c_str());
            failed = true;
            return;
          }
          if (!o.webhook_url.empty()) {
            WebhookInput hook;
            hook.url = o.webhook_url;
            if (Result<WebhookWithSecret> w = webhooks_service.Create(c->account_id, hook); !w.ok()) {
              std::fprintf(stderr, "senderid-fill: webhook of account %" PRId64 ": %s\n", i,
                           w.error().message.c_str());
              failed = true;
              return;
            }
          }
          credentials[static_cast<size_t>(i)] = std::move(*c);
        }
      });
    for (auto& t : threads) t.join();
  }
  if (failed) return 1;
  const double accounts_s = Seconds(start);

  // 2. Numbers, `batch` rows per Write; a few producer threads prepare batches while the store's
  //    writer thread commits the previous ones.
  const auto numbers_start = std::chrono::steady_clock::now();
  const uint64_t total_numbers =
      static_cast<uint64_t>(o.accounts) * static_cast<uint64_t>(o.numbers_per_account);
  std::atomic<uint64_t> next_row{0};
  std::atomic<uint64_t> review_requests{0};
  {
    std::vector<std::thread> threads;
    const int producers = std::min(o.threads, 3);
    for (int t = 0; t < producers; ++t)
      threads.emplace_back([&] {
        SystemRandom local_random;
        std::vector<Row> batch;
        for (;;) {
          const uint64_t first = next_row.fetch_add(static_cast<uint64_t>(o.batch));
          if (first >= total_numbers || failed) return;
          const uint64_t last = std::min(total_numbers, first + static_cast<uint64_t>(o.batch));
          batch.clear();
          for (uint64_t g = first; g < last; ++g) {
            const uint64_t account = g / static_cast<uint64_t>(o.numbers_per_account);
            const Credentials& owner = credentials[account];
            batch.push_back(MakeEntry(g, owner.account_id, now, local_random));
            if (g % static_cast<uint64_t>(o.numbers_per_account) == 0)
              MaybeLimitation(account, owner.account_id, now, local_random, batch.back());
          }
          Status s = store->Write([&](WriteTx& tx) -> Status {
            for (const Row& row : batch) {
              for (const Document& d : row.documents) SID_TRY(tx.documents().Insert(d));
              SID_TRY(tx.numbers().Insert(row.entry));
              for (const ReviewRequest& r : row.requests) SID_TRY(tx.reviews().Insert(r));
            }
            return OkStatus();
          });
          uint64_t requests = 0;
          for (const Row& row : batch) requests += row.requests.size();
          review_requests += requests;
          if (!s.ok()) {
            std::fprintf(stderr, "senderid-fill: numbers %" PRIu64 "…: %s\n", first,
                         s.error().message.c_str());
            failed = true;
            return;
          }
        }
      });
    for (auto& t : threads) t.join();
  }
  if (failed) return 1;
  const double numbers_s = Seconds(numbers_start);
  store.reset();  // checkpoints the WAL into the database file
  const double total_s = Seconds(start);

  if (!o.credentials_out.empty()) {
    const int64_t k = o.credentials_count <= 0 ? o.accounts : std::min(o.credentials_count, o.accounts);
    std::ofstream out(o.credentials_out);
    out << "[\n";
    for (int64_t j = 0; j < k; ++j) {
      // Spread over the fill order: the first, ..., the last account.
      const int64_t i = k == 1 ? 0 : j * (o.accounts - 1) / (k - 1);
      const Credentials& c = credentials[static_cast<size_t>(i)];
      out << "{\"accountId\":\"" << JsonEscape(c.account_id) << "\",\"apiKey\":\""
          << JsonEscape(c.api_key) << "\",\"apiSecret\":\"" << JsonEscape(c.api_secret) << "\"}"
          << (j + 1 < k ? ",\n" : "\n");
    }
    out << "]\n";
    if (!out) {
      std::fprintf(stderr, "senderid-fill: cannot write %s\n", o.credentials_out.c_str());
      return 1;
    }
  }

  uintmax_t db_bytes = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const auto size = std::filesystem::file_size(o.data + "/senderid.db" + suffix, ec);
    if (!ec) db_bytes += size;
  }
  std::printf("{\"accounts\":%" PRId64 ",\"numbers\":%" PRIu64 ",\"review_requests\":%" PRIu64
              ",\"accounts_s\":%.2f,\"numbers_s\":%.2f,\"total_s\":%.2f,\"db_bytes\":%ju}\n",
              o.accounts, total_numbers, review_requests.load(), accounts_s, numbers_s, total_s,
              db_bytes);
  return 0;
}
