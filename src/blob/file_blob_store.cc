#include "blob/file_blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>

namespace senderid {
namespace {

constexpr std::string_view kTemporaryPrefix = ".tmp-";

Error Unavailable(const std::string& what) {
  return Error(ErrorCode::kServiceUnavailable, what + ": " + std::strerror(errno));
}

// Names come from the core, but a path must never escape the directory whatever happens.
bool SafeName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'))
      return false;
  return true;
}

// mtime in milliseconds since the epoch.
TimeMs ModifiedAt(const struct stat& st) {
  return static_cast<TimeMs>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Distinguishes the temporaries of one process: a counter (unique among its threads) started at a
// random value (unique among processes that share a pid, e.g. in different containers on one
// volume).
uint64_t NextTemporarySerial() {
  static std::atomic<uint64_t> next{[] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }()};
  return next.fetch_add(1);
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

bool FileBlobStore::IsBlobName(std::string_view name) { return SafeName(name); }

Result<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(std::string dir) {
  // An existing directory keeps its mode: it may be shared with others (issue 11 item 6), and
  // each blob file is 0600 anyway.
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::filesystem::path path(dir);
    if (!path.has_filename()) path = path.parent_path();  // "x/documents/"
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      return Error(ErrorCode::kServiceUnavailable, "cannot create " + dir + ": " + ec.message());
    // Made 0700 from the start (mkdir's mode, less the umask), never widened after the fact.
    if (::mkdir(path.c_str(), 0700) != 0) {
      const int saved = errno;
      if (!(saved == EEXIST && std::filesystem::is_directory(path, ec))) {
        errno = saved;
        return Unavailable("cannot create " + dir);
      }
    }
  }
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(std::move(dir)));
}

std::string FileBlobStore::PathOf(std::string_view name) const {
  return dir_ + "/" + std::string(name);
}

std::string FileBlobStore::TemporaryPathOf(std::string_view name) const {
  return dir_ + "/" + std::string(kTemporaryPrefix) + std::string(name) + "-" +
         std::to_string(::getpid()) + "-" + std::to_string(NextTemporarySerial());
}

Status FileBlobStore::Put(std::string_view name, std::string_view bytes) {
  if (!SafeName(name)) return Error(ErrorCode::kInternalError, "unsafe blob name");
  const std::string final_path = PathOf(name);
  const std::string temp_path = TemporaryPathOf(name);
  // O_EXCL: should a name ever repeat, fail rather than write into another writer's file.
  const int fd = open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot create " + temp_path);
  const bool written = WriteAll(fd, bytes) && fsync(fd) == 0;
  const int saved = errno;
  close(fd);
  if (!written) {
    unlink(temp_path.c_str());
    errno = saved;
    return Unavailable("cannot write " + temp_path);
  }
  if (rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const Error e = Unavailable("cannot rename " + temp_path);
    unlink(temp_path.c_str());
    return e;
  }
  // The rename is durable only once the directory is.
  const int dir_fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Unavailable("cannot open " + dir_);
  const bool synced = fsync(dir_fd) == 0;
  close(dir_fd);
  if (!synced) return Unavailable("cannot sync " + dir_);
  return OkStatus();
}

Result<std::string> FileBlobStore::Get(std::string_view name) {
  if (!SafeName(name)) return Error(ErrorCode::kNotFound, "no such blob");
  const int fd = open(PathOf(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error(ErrorCode::kNotFound, "no blob " + std::string(name));
    return Unavailable("cannot open blob");
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return Unavailable("cannot read blob");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

Status FileBlobStore::Remove(std::string_view name) {
  if (!SafeName(name)) return OkStatus();
  if (unlink(PathOf(name).c_str()) != 0 && errno != ENOENT)
    return Unavailable("cannot remove blob");
  return OkStatus();
}

Result<std::vector<StoredBlob>> FileBlobStore::List() {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(dir_.c_str()), closedir);
  if (!dir) return Unavailable("cannot list " + dir_);
  std::vector<StoredBlob> blobs;
  while (const dirent* e = readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (!SafeName(name)) continue;  // temporaries start with '.'
    struct stat st {};
    if (fstatat(dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed since readdir saw it
      return Unavailable("cannot stat blob " + std::string(name));
    }
    if (!S_ISREG(st.st_mode)) continue;
    blobs.push_back(StoredBlob{std::string(name), ModifiedAt(st)});
  }
  return blobs;
}

Result<int> FileBlobStore::RemoveTemporaries(TimeMs before) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(dir_.c_str()), closedir);
  if (!dir) return Unavailable("cannot list " + dir_);
  int removed = 0;
  while (const dirent* e = readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (name.substr(0, kTemporaryPrefix.size()) != kTemporaryPrefix) continue;
    // A young temporary may belong to a Put still writing in another process.
    struct stat st {};
    if (fstatat(dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || ModifiedAt(st) >= before) continue;
    if (unlinkat(dirfd(dir.get()), e->d_name, 0) == 0) ++removed;
  }
  return removed;
}

}  // namespace senderid
