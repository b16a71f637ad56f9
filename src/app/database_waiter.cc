#include "app/database_waiter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace senderid {

DatabaseWaiter::DatabaseWaiter(pg::PostgresStore& store,
                               std::function<void(const std::string&)> fatal)
    : store_(store), fatal_(std::move(fatal)), thread_([this] { Loop(); }) {}

DatabaseWaiter::~DatabaseWaiter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void DatabaseWaiter::Loop() {
  std::chrono::milliseconds pause(500);
  std::unique_lock lock(mu_);
  while (!stop_ && !store_.ready()) {
    if (cv_.wait_for(lock, pause, [this] { return stop_; })) return;
    lock.unlock();
    Result<pg::SchemaState> opened = store_.Open(pg::SchemaMode::kMigrate);
    lock.lock();
    if (opened.ok()) {
      spdlog::info("database reachable: schema version {} ({} migration(s) applied); serving",
                   opened->version, opened->applied);
      return;
    }
    if (opened.error().code != ErrorCode::kServiceUnavailable) {
      lock.unlock();
      fatal_(opened.error().message);
      return;
    }
    spdlog::warn("database still not reachable (next try in {} ms): {}",
                 std::min<int64_t>(pause.count() * 2, 10'000), opened.error().message);
    pause = std::min(pause * 2, std::chrono::milliseconds(10'000));
  }
}

}  // namespace senderid
