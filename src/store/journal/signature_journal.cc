#include "store/journal/signature_journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

namespace senderid::journal {
namespace {

constexpr std::string_view kSuffix = ".spent";
// keep_until (8, little-endian) | key (16) | CRC-32 of those 24 bytes (4) | zero (4)
constexpr size_t kRecordSize = 32;
using Record = std::array<uint8_t, kRecordSize>;

Error Unavailable(std::string what, int err) {
  return Error(ErrorCode::kServiceUnavailable,
               "signature journal: " + std::move(what) + ": " + std::strerror(err));
}

uint32_t Crc(const uint8_t* data, size_t n) {
  return static_cast<uint32_t>(crc32(0L, data, static_cast<uInt>(n)));
}

Record Encode(TimeMs keep_until, const SignatureJournal::Key& key) {
  Record r{};
  const auto k = static_cast<uint64_t>(keep_until);
  for (int i = 0; i < 8; ++i) r[i] = static_cast<uint8_t>(k >> (8 * i));
  std::memcpy(r.data() + 8, key.data(), key.size());
  const uint32_t crc = Crc(r.data(), 24);
  for (int i = 0; i < 4; ++i) r[24 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return r;
}

// false for a record the CRC does not vouch for (a torn or never-written tail).
bool Decode(const uint8_t* r, TimeMs& keep_until, SignatureJournal::Key& key) {
  uint32_t crc = 0;
  for (int i = 0; i < 4; ++i) crc |= static_cast<uint32_t>(r[24 + i]) << (8 * i);
  if (crc != Crc(r, 24)) return false;
  uint64_t k = 0;
  for (int i = 0; i < 8; ++i) k |= static_cast<uint64_t>(r[i]) << (8 * i);
  keep_until = static_cast<TimeMs>(k);
  std::memcpy(key.data(), r + 8, key.size());
  return true;
}

Status WriteAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Unavailable("write", errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return OkStatus();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable("open " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Unavailable("fsync " + dir, err);
  return OkStatus();
}

}  // namespace

bool SignatureJournal::IsFileName(std::string_view name) {
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  std::string_view number = name.substr(0, name.size() - kSuffix.size());
  if (number.front() == '-') number.remove_prefix(1);
  return !number.empty() && number.size() <= 18 &&
         std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

SignatureJournal::Key SignatureJournal::KeyOf(std::string_view digest) {
  Key key{};
  if (digest.size() >= key.size()) {
    std::memcpy(key.data(), digest.data(), key.size());
  } else {
    std::memcpy(key.data(), digest.data(), digest.size());
    key.back() = static_cast<uint8_t>(digest.size() + 1);
  }
  return key;
}

size_t SignatureJournal::KeyHash::operator()(const Key& k) const noexcept {
  // The key is (the prefix of) a keyed hash: its bytes are already uniform.
  size_t h = 0;
  std::memcpy(&h, k.data(), sizeof h);
  size_t l = 0;
  std::memcpy(&l, k.data() + sizeof h, sizeof l);
  return h ^ (l * 0x9E3779B97F4A7C15ULL);
}

SignatureJournal::SignatureJournal(JournalOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<SignatureJournal>> SignatureJournal::Open(const JournalOptions& options) {
  if (::mkdir(options.dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Unavailable("mkdir " + options.dir, errno);
  auto journal = std::unique_ptr<SignatureJournal>(new SignatureJournal(options));
  SID_TRY(journal->Load());
  journal->flusher_ = std::thread([j = journal.get()] {
    pthread_setname_np(pthread_self(), "sig-journal");
    j->FlushLoop();
  });
  return journal;
}

SignatureJournal::~SignatureJournal() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  for (auto& [start, fd] : files_) ::close(fd);
}

TimeMs SignatureJournal::SegmentStart(TimeMs keep_until) const {
  TimeMs q = keep_until / options_.segment;
  if (keep_until % options_.segment < 0) --q;  // floor, also before 1970 (tests)
  return q * options_.segment;
}

std::string SignatureJournal::PathOf(TimeMs start) const {
  return options_.dir + "/" + std::to_string(start) + std::string(kSuffix);
}

Status SignatureJournal::Load() {
  DIR* dir = ::opendir(options_.dir.c_str());
  if (dir == nullptr) return Unavailable("opendir " + options_.dir, errno);
  std::vector<std::pair<TimeMs, std::string>> found;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name(e->d_name);
    if (!IsFileName(name)) continue;  // not ours
    const std::string number(name.substr(0, name.size() - kSuffix.size()));
    found.emplace_back(static_cast<TimeMs>(std::strtoll(number.c_str(), nullptr, 10)),
                       options_.dir + "/" + std::string(name));
  }
  ::closedir(dir);
  for (const auto& [start, path] : found) SID_TRY(LoadFile(path, start));
  return OkStatus();
}

Status SignatureJournal::LoadFile(const std::string& path, TimeMs start) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Unavailable("open " + path, errno);
  KeySet& keys = segments_[start];
  off_t good = 0;
  Record r;
  for (;;) {
    const ssize_t n = ::pread(fd, r.data(), r.size(), good);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Unavailable("read " + path, err);
    }
    TimeMs keep_until = 0;
    Key key;
    if (static_cast<size_t>(n) < r.size() || !Decode(r.data(), keep_until, key)) break;
    keys.insert(key);
    good += static_cast<off_t>(r.size());
  }
  // What follows the last good record was never acknowledged: cut it, so appends start clean.
  struct stat st{};
  if (::fstat(fd, &st) == 0 && st.st_size > good && ::ftruncate(fd, good) != 0) {
    const int err = errno;
    ::close(fd);
    return Unavailable("truncate " + path, err);
  }
  ::close(fd);
  return OkStatus();
}

void SignatureJournal::Spend(std::string digest, TimeMs keep_until, SpendDone done) {
  const Key key = KeyOf(digest);
  bool spent = false;
  {
    std::lock_guard lock(mu_);
    for (const auto& [start, keys] : segments_) spent = spent || keys.contains(key);
    if (!spent) {
      segments_[SegmentStart(keep_until)].insert(key);
      queue_.push_back(Pending{key, keep_until, std::move(done)});
    }
  }
  // Spent already — durably, or about to be: that first request is answered only once its record
  // is synced, so refusing the replay a moment early gives nothing away.
  if (spent) return done(false);
  wake_.notify_one();
}

Result<int> SignatureJournal::FileOf(TimeMs start) {
  if (auto it = files_.find(start); it != files_.end()) return it->second;
  const std::string path = PathOf(start);
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("open " + path, errno);
  // A record in a file whose name the directory has not durably recorded is not durable.
  if (!existed && options_.sync) {
    if (Status synced = SyncDirectory(options_.dir); !synced.ok()) {
      ::close(fd);
      return synced.error();
    }
  }
  files_.emplace(start, fd);
  return fd;
}

Status SignatureJournal::WriteBatch(const std::vector<Pending>& batch) {
  std::map<TimeMs, std::vector<uint8_t>> by_file;
  for (const Pending& p : batch) {
    const Record r = Encode(p.keep_until, p.key);
    std::vector<uint8_t>& bytes = by_file[SegmentStart(p.keep_until)];
    bytes.insert(bytes.end(), r.begin(), r.end());
  }
  for (const auto& [start, bytes] : by_file) {
    SID_ASSIGN_OR_RETURN(int fd, FileOf(start));
    // A write cut short (disk full) must not leave a partial record for later ones to follow:
    // they would start off the 32-byte grid and be cut off as a torn tail at the next start.
    const off_t before = ::lseek(fd, 0, SEEK_END);
    if (Status written = WriteAll(fd, bytes.data(), bytes.size()); !written.ok()) {
      if (before >= 0) (void)::ftruncate(fd, before);
      return written;
    }
    if (options_.sync && ::fdatasync(fd) != 0) return Unavailable("fdatasync", errno);
  }
  return OkStatus();
}

void SignatureJournal::FlushLoop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is answered
      batch.swap(queue_);
    }
    Status written = OkStatus();
    {
      std::lock_guard files(files_mu_);
      written = WriteBatch(batch);
      if (!written.ok()) {
        // Not spent after all: a retry of the same request must not be refused as a replay.
        std::lock_guard lock(mu_);
        for (const Pending& p : batch)
          if (auto it = segments_.find(SegmentStart(p.keep_until)); it != segments_.end())
            it->second.erase(p.key);
      }
    }
    for (Pending& p : batch) {
      if (written.ok())
        p.done(true);
      else
        p.done(written.error());
    }
    batch.clear();
  }
}

Result<int> SignatureJournal::Prune(TimeMs now) {
  std::lock_guard files(files_mu_);
  std::lock_guard lock(mu_);
  int forgotten = 0;
  // A file holds keep_until in [start, start + segment): all before `now` once its end is.
  for (auto it = segments_.begin(); it != segments_.end() && it->first + options_.segment <= now;) {
    const TimeMs start = it->first;
    if (::unlink(PathOf(start).c_str()) != 0 && errno != ENOENT)
      return Unavailable("unlink " + PathOf(start), errno);
    if (auto f = files_.find(start); f != files_.end()) {
      ::close(f->second);
      files_.erase(f);
    }
    forgotten += static_cast<int>(it->second.size());
    it = segments_.erase(it);
  }
  return forgotten;
}

size_t SignatureJournal::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [start, keys] : segments_) n += keys.size();
  return n;
}

}  // namespace senderid::journal
