#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "app/commands.h"
#include "app/database_waiter.h"
#include "app/duration.h"
#include "app/instance_lock.h"
#include "app/version.h"
#include "delivery/delivery_worker.h"
#include "http/admin/admin_pipeline.h"
#include "http/pipeline.h"
#include "http/server/server.h"
#include "log/log_format.h"
#include "metrics/prometheus_metrics.h"

namespace senderid {
namespace {

bool ParseListen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  const auto [end, ec] = std::from_chars(first, last, port);
  return ec == std::errc() && end == last && first != last;
}

// Expires lapsed numbers and tells of coming expiries (senderid.expiring), forgets spent signatures,
// old call records and — past --event-retention — events and delivery records, and removes stray
// document blobs, every `interval`, until stopped.
class Sweeper {
 public:
  Sweeper(Registry& registry, TimeMs interval) : registry_(registry), interval_(interval) {
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "sweeper");
      Loop();
    });
  }
  ~Sweeper() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      lock.unlock();
      Result<int> expired = registry_.numbers->SweepExpired();
      if (!expired.ok()) spdlog::warn("expiry sweep failed: {}", expired.error().message);
      else if (*expired > 0) spdlog::info("expiry sweep: {} account(s) updated", *expired);
      Result<int> expiring = registry_.numbers->SweepExpiring();
      if (!expiring.ok()) spdlog::warn("expiry notice sweep failed: {}", expiring.error().message);
      Result<int> events = registry_.event_log->Prune();
      if (!events.ok()) spdlog::warn("event retention failed: {}", events.error().message);
      else if (*events > 0) spdlog::info("event retention: {} event/delivery row(s) pruned", *events);
      Result<int> pruned = registry_.authenticator->PruneSpentSignatures();
      if (!pruned.ok()) spdlog::warn("signature pruning failed: {}", pruned.error().message);
      Result<int> calls = registry_.verification->PruneOldTransactions();
      if (!calls.ok()) spdlog::warn("verification pruning failed: {}", calls.error().message);
      Result<int> sessions = registry_.operator_auth->Prune();
      if (!sessions.ok()) spdlog::warn("operator session pruning failed: {}", sessions.error().message);
      Result<int> strays = registry_.documents->SweepBlobs();
      if (!strays.ok()) spdlog::warn("document sweep failed: {}", strays.error().message);
      else if (*strays > 0)
        spdlog::info("removed {} stray document file(s) of interrupted uploads or deletes", *strays);
      lock.lock();
      if (cv_.wait_for(lock, std::chrono::milliseconds(interval_), [this] { return stop_; })) return;
    }
  }

  Registry& registry_;
  TimeMs interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int RunServe(const CommandLine& cli) {
  // First: every line serve writes is in the chosen format (CLI11 checked the value).
  log::UseLogFormat(log::ParseLogFormat(cli.serve.log_format).value_or(log::LogFormat::kText));
  http::ServerOptions options;
  if (!ParseListen(cli.serve.listen, options.address, options.port)) {
    PrintError("--listen: HOST:PORT expected, e.g. 127.0.0.1:8080");
    return 2;
  }
  {
    std::string admin_host;
    uint16_t admin_port = 0;
    if (!cli.serve.admin_listen.empty() &&
        !ParseListen(cli.serve.admin_listen, admin_host, admin_port)) {
      PrintError("--admin-listen: HOST:PORT expected, e.g. 127.0.0.1:8081");
      return 2;
    }
  }
  const std::optional<TimeMs> sweep = ParseDuration(cli.serve.sweep_interval);
  if (!sweep || *sweep <= 0) {
    PrintError("--sweep-interval: a duration like 60s or 500ms expected");
    return 2;
  }
  const bool postgres = IsPostgresUrl(cli.store.db_url);
  if (Status dir = PrepareDataDirectory(cli.store.data_dir); !dir.ok()) {
    PrintError(dir.error().message);
    return 1;
  }
  // One serve per SQLite store: the lock comes before anything touches the store or its files.
  // A PostgreSQL store is made for many (SPEC §11): no lock.
  std::optional<InstanceLock> lock;
  if (!postgres) {
    Result<std::string> db_path = SqlitePath(cli.store);
    if (!db_path.ok()) {
      PrintError(db_path.error().message);
      return 1;
    }
    std::vector<std::string> lock_files = {cli.store.data_dir + "/serve.lock"};
    if (!cli.store.db_url.empty()) lock_files.push_back(*db_path + ".lock");
    Result<InstanceLock> acquired = InstanceLock::Acquire(lock_files);
    if (!acquired.ok()) {
      PrintError(acquired.error().message);
      return 1;
    }
    lock.emplace(std::move(acquired).value());
  }
  StoreConfig store_config = cli.store;
  store_config.migrate = true;            // serve creates or migrates the schema
  store_config.wait_for_database = true;  // and waits for a database that is not there yet
  store_config.spend_signatures = true;   // and holds the SQLite store's signature journal
  // Outlives the registry (which reports store writes and ARS calls to it) and both servers.
  metrics::PrometheusMetrics metrics(kVersion);
  Result<std::unique_ptr<Registry>> opened = OpenRegistry(store_config, cli.registry, &metrics);
  if (!opened.ok()) {
    PrintError(opened.error().message);
    return 1;
  }
  std::unique_ptr<Registry> registry = std::move(opened).value();

  options.io_threads = cli.serve.io_threads;
  options.worker_threads = cli.registry.workers;
  options.handle_signals = true;
  options.access_log = cli.serve.access_log;
  options.observer = &metrics;  // both listeners' requests
  options.max_body_memory = cli.serve.max_body_memory;
  http::ApiOptions api_options;
  api_options.public_url = cli.registry.public_url;
  // The upload body must fit the largest accepted file as base64 (4/3) plus JSON, and at least
  // reach the FileSizeTooLarge check for one byte more (SPEC §10).
  api_options.upload_body_limit = std::max<size_t>(
      1024 * 1024, static_cast<size_t>(cli.registry.documents.max_size) / 3 * 4 + 64 * 1024);
  http::Pipeline api(api_options,
                     http::ApiServices{*registry->authenticator, *registry->numbers,
                                       *registry->verification, *registry->documents,
                                       *registry->papers, *registry->event_log,
                                       *registry->webhooks, *registry->store});
  http::Server server(options, api);
  if (const std::string error = server.Start(); !error.empty()) {
    PrintError(error);
    return 1;
  }
  if (registry->schema && registry->schema->applied > 0)
    spdlog::info("database schema migrated to version {} ({} migration(s) applied)",
                 registry->schema->version, registry->schema->applied);
  if (!registry->open_error.empty())
    spdlog::warn("database not reachable yet, will keep trying: {}", registry->open_error);
  spdlog::info("senderid listening on {}:{} (data {}, {} store, at most {} connections)",
               options.address, server.port(), cli.store.data_dir,
               postgres ? "PostgreSQL" : "SQLite", server.max_connections());
  // Set when the database refuses this instance for good (another master key, a newer schema)
  // after start: the server stops and serve exits non-zero.
  std::atomic<bool> refused{false};
  // With SQLite the instance lock proves that no other serve delivers from this store: leases a
  // killed predecessor held are released now rather than after they lapse. On PostgreSQL other
  // instances hold live leases: a dead instance's lapse after the lease.
  if (!postgres) {
    if (Result<int> released = registry->delivery->ReleaseLeases(); !released.ok())
      spdlog::warn("webhook leases not released: {}", released.error().message);
    else if (*released > 0)
      spdlog::info("released {} webhook delivery lease(s) of an earlier run", *released);
  }
  WorkerOptions worker_options;
  worker_options.concurrency = cli.registry.webhook_concurrency;
  worker_options.sender.timeout = cli.registry.delivery.timeout;
  worker_options.sender.allow_private = cli.registry.webhooks.allow_private;
  worker_options.metrics = &metrics;
  metrics::MetricsExposition exposition(metrics, *registry->backlog);

  // The operators' listener: its own server (own connections, limits and workers), so that the
  // console never competes with the customer API for a worker.
  std::unique_ptr<http::admin::AdminPipeline> admin;
  std::unique_ptr<http::Server> admin_server;
  if (!cli.serve.admin_listen.empty()) {
    http::ServerOptions admin_options = options;
    ParseListen(cli.serve.admin_listen, admin_options.address, admin_options.port);
    admin_options.worker_threads = 4;
    admin_options.handle_signals = false;  // the customer server's signal handler stops both
    admin_options.max_connections = 1000;
    http::admin::AdminOptions admin_api;
    admin_api.hosts = cli.serve.admin_hosts;
    admin_api.hosts.push_back(cli.serve.admin_listen);
    admin_api.secure_cookies = cli.serve.admin_secure_cookies;
    admin = std::make_unique<http::admin::AdminPipeline>(
        admin_api, http::admin::AdminServices{*registry->operator_auth, *registry->operators,
                                              *registry->reviews, *registry->accounts,
                                              *registry->operator_views, *registry->store,
                                              exposition});
    admin_server = std::make_unique<http::Server>(admin_options, *admin);
    if (const std::string error = admin_server->Start(); !error.empty()) {
      PrintError("--admin-listen: " + error);
      return 1;
    }
    spdlog::info("senderid admin API and console on http://{}/admin/", cli.serve.admin_listen);
  }
  {
    std::optional<DatabaseWaiter> waiter;
    if (registry->postgres != nullptr && !registry->postgres->ready())
      waiter.emplace(*registry->postgres, [&server, &refused](const std::string& message) {
        PrintError(message);
        refused = true;
        server.Stop();
      });
    Sweeper sweeper(*registry, *sweep);
    DeliveryWorker worker(*registry->delivery, registry->resolver, *registry->crypto,
                          registry->clock, worker_options);
    worker.Start();
    std::thread admin_thread;
    if (admin_server) admin_thread = std::thread([&] { admin_server->Run(); });
    server.Run();
    if (admin_server) {
      admin_server->Stop();
      admin_thread.join();
    }
    worker.Stop();
  }
  // Requests the drain cut off may still wait for the ledger; their answers go nowhere, but the
  // server's worker pool must outlive them.
  if (!api.WaitIdle(std::chrono::seconds(10)))
    spdlog::warn("requests still in the pipeline after the drain");
  if (admin && !admin->WaitIdle(std::chrono::seconds(10)))
    spdlog::warn("admin requests still running after the drain");
  spdlog::info("senderid stopped");
  return refused ? 1 : 0;
}

}  // namespace senderid
