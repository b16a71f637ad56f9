#include "app/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

#include "app/store_wiring.h"
#include "app/system_clock.h"
#include "blob/file_blob_store.h"
#include "core/time.h"
#include "crypto/default_crypto.h"
#include "crypto/sha256.h"
#include "json/backup_codec.h"
#include "store/journal/signature_journal.h"
#include "store/sqlite/sqlite_backup.h"

namespace senderid {
namespace {

namespace fs = std::filesystem;

// A backup directory: the two database files under the names a data directory gives them, the
// documents under documents/, and the manifest, written last.
constexpr const char* kMainFile = "senderid.db";
constexpr const char* kSignaturesFile = "senderid-signatures.db";
constexpr const char* kDocumentsDir = "documents";
constexpr const char* kManifestFile = "manifest.json";
// serve's spent signatures (store/journal/), under the name they have beside kMainFile.
const std::string kJournalDir = SignatureJournalDirOf(kMainFile);
constexpr const char* kPostgresHint =
    "; a PostgreSQL store is backed up with pg_dump and restored with pg_restore (README: "
    "Operating senderid, Backup and restore)";
// A document the snapshot refers to may be deleted (row first, then file) while the files are
// copied; the backup then starts over from a new snapshot. Deletes are rare: a few tries do.
constexpr int kAttempts = 5;

Error SystemError(const std::string& what) {
  return Error(ErrorCode::kServiceUnavailable, what + ": " + std::strerror(errno));
}

enum class DirState { kMissing, kEmpty, kNotEmpty };

Result<DirState> StateOf(const std::string& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return DirState::kMissing;
  if (!fs::is_directory(status))
    return Error(ErrorCode::kValidationError, dir + " is not a directory");
  const bool empty = fs::is_empty(dir, ec);
  if (ec) return Error(ErrorCode::kServiceUnavailable, "cannot read " + dir + ": " + ec.message());
  return empty ? DirState::kEmpty : DirState::kNotEmpty;
}

Status MakeDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0) return SystemError("cannot create " + dir);
  return OkStatus();
}

// fsync of a file or a directory (what makes a rename or a new entry durable).
Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SystemError("cannot open " + path);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return SystemError("cannot fsync " + path);
  return OkStatus();
}

// Hands the bytes of `path` to `sink` piece by piece (database files may be larger than memory).
// kNotFound when the file is not there.
Status ReadPieces(const std::string& path, const std::function<Status(std::string_view)>& sink) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error(ErrorCode::kNotFound, path + " is missing");
    return SystemError("cannot open " + path);
  }
  std::string buffer(size_t{1} << 20, '\0');
  Status result = OkStatus();
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) result = SystemError("cannot read " + path);
    if (n <= 0) break;
    result = sink(std::string_view(buffer.data(), static_cast<size_t>(n)));
    if (!result.ok()) break;
  }
  ::close(fd);
  return result;
}

// Size and sha256 of `dir`/`relative`, under the name `relative`.
Result<json::BackupFile> Checksum(const std::string& dir, const std::string& relative) {
  Sha256 hash;
  int64_t size = 0;
  SID_TRY(ReadPieces(dir + "/" + relative, [&](std::string_view bytes) {
    hash.Update(bytes);
    size += static_cast<int64_t>(bytes.size());
    return OkStatus();
  }));
  return json::BackupFile{relative, size, hash.HexDigest()};
}

// Copies `from` into the new file `to` (mode 0600, fsynced); the checksum of what was copied,
// under the name `relative`. Nothing is left at `to` on failure.
Result<json::BackupFile> CopyFile(const std::string& from, const std::string& to,
                                  const std::string& relative) {
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return SystemError("cannot create " + to);
  Sha256 hash;
  int64_t size = 0;
  Status copied = ReadPieces(from, [&](std::string_view bytes) -> Status {
    hash.Update(bytes);
    size += static_cast<int64_t>(bytes.size());
    while (!bytes.empty()) {
      const ssize_t n = ::write(out, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return SystemError("cannot write " + to);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  });
  if (copied.ok() && ::fsync(out) != 0) copied = SystemError("cannot fsync " + to);
  ::close(out);
  if (!copied.ok()) {
    ::unlink(to.c_str());
    return std::move(copied).error();
  }
  return json::BackupFile{relative, size, hash.HexDigest()};
}

// Writes `text` as `dir`/`name` so that it is either absent or whole: a temporary, fsynced,
// renamed into place, and the directory fsynced.
Status WriteFileDurably(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string temporary = dir + "/." + name + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return SystemError("cannot create " + temporary);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (!written || ::rename(temporary.c_str(), (dir + "/" + name).c_str()) != 0) {
    Error e = SystemError("cannot write " + dir + "/" + name);
    ::unlink(temporary.c_str());
    return e;
  }
  return SyncPath(dir);
}

// The fingerprint of the store's master key (never the key), so that restore can tell the right key
// from another; "" when the key cannot be read (the backup goes on: the key is the operator's).
std::string MasterKeyFingerprintOf(const StoreConfig& config) {
  Result<std::pair<std::string, bool>> file = MasterKeyFile(config);
  if (!file.ok()) return "";
  Result<std::string> key = LoadMasterKey(file->first, /*create_if_missing=*/false);
  if (!key.ok()) return "";
  return MasterKeyFingerprint(DefaultCrypto(*key));
}

void RemoveEverythingIn(const std::string& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
    fs::remove_all(entry.path(), ec);
}

// How many of the manifest's files are documents.
int DocumentsIn(const json::BackupManifest& manifest) {
  const std::string prefix = std::string(kDocumentsDir) + "/";
  return static_cast<int>(std::count_if(manifest.files.begin(), manifest.files.end(),
                                        [&](const json::BackupFile& f) {
                                          return f.path.rfind(prefix, 0) == 0;
                                        }));
}

// One try at a backup into the empty directory `to`. *again is set when a document file the
// snapshot refers to had gone (deleted since): a new snapshot will not refer to it.
Result<json::BackupManifest> BackupOnce(const std::string& db_path, const std::string& documents,
                                        const std::string& to, bool* again) {
  *again = false;
  SID_ASSIGN_OR_RETURN(sqlite::StoreCopy copy,
                       sqlite::CopyStore(db_path, to + "/" + kMainFile,
                                         to + "/" + kSignaturesFile));
  json::BackupManifest manifest;
  manifest.schema_version = copy.schema_version;
  manifest.created = FormatIsoMillis(SystemClock().Now());
  for (const char* name : {kMainFile, kSignaturesFile}) {
    SID_ASSIGN_OR_RETURN(json::BackupFile file, Checksum(to, name));
    manifest.files.push_back(std::move(file));
  }
  // The documents are copied after the snapshot, exactly those it refers to. An upload writes
  // its file (whole, renamed into place) before its row commits, so every file the snapshot
  // refers to was complete before the snapshot; a file is never rewritten (each upload has a new
  // name); only a delete (row first, file after its commit) can take one away meanwhile.
  SID_TRY(MakeDirectory(to + "/" + kDocumentsDir));
  for (const sqlite::DocumentFile& doc : copy.documents) {
    if (!FileBlobStore::IsBlobName(doc.name))
      return Error(ErrorCode::kInternalError, "the store names a document file '" + doc.name +
                                                  "' that is not a plain file name");
    const std::string relative = std::string(kDocumentsDir) + "/" + doc.name;
    Result<json::BackupFile> file = CopyFile(documents + "/" + doc.name, to + "/" + relative,
                                             relative);
    if (!file.ok()) {
      *again = file.error().code == ErrorCode::kNotFound;
      return std::move(file).error();
    }
    if (file->size != doc.size)
      return Error(ErrorCode::kInternalError,
                   documents + "/" + doc.name + " has " + std::to_string(file->size) +
                       " bytes where the store says " + std::to_string(doc.size));
    manifest.files.push_back(std::move(file).value());
  }
  SID_TRY(SyncPath(to + "/" + kDocumentsDir));
  // The spent signatures, after the snapshot: a superset of those at its moment, which is the safe
  // side (a record torn by a concurrent append is cut off when the restored journal opens).
  SID_TRY(MakeDirectory(to + "/" + kJournalDir));
  const std::string journal = SignatureJournalDirOf(db_path);
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(journal, ec)) {
    const std::string name = entry.path().filename().string();
    if (!journal::SignatureJournal::IsFileName(name)) continue;
    const std::string relative = kJournalDir + "/" + name;
    Result<json::BackupFile> file = CopyFile(entry.path().string(), to + "/" + relative, relative);
    if (!file.ok() && file.error().code == ErrorCode::kNotFound) continue;  // pruned meanwhile
    if (!file.ok()) return std::move(file).error();
    manifest.files.push_back(std::move(file).value());
  }
  SID_TRY(SyncPath(to + "/" + kJournalDir));
  SID_TRY(SyncPath(to));
  return manifest;
}

int RunBackup(const CommandLine& cli, const std::string& to) {
  if (IsPostgresUrl(cli.store.db_url)) {
    PrintError(std::string("backup copies a SQLite store") + kPostgresHint);
    return 2;
  }
  Result<std::string> db_path = SqlitePath(cli.store);
  if (!db_path.ok()) {
    PrintError(db_path.error().message);
    return 1;
  }
  Result<DirState> state = StateOf(to);
  if (!state.ok() || *state == DirState::kNotEmpty) {
    PrintError(state.ok() ? to + " is not empty: a backup goes into a new or empty directory"
                          : state.error().message);
    return 1;
  }
  const bool made = *state == DirState::kMissing;
  if (made) {
    if (Status s = MakeDirectory(to); !s.ok()) {
      PrintError(s.error().message);
      return 1;
    }
  }
  const std::string documents = cli.store.data_dir + "/" + kDocumentsDir;
  for (int attempt = 1;; ++attempt) {
    bool again = false;
    Result<json::BackupManifest> manifest = BackupOnce(*db_path, documents, to, &again);
    if (manifest.ok()) manifest->master_key_fingerprint = MasterKeyFingerprintOf(cli.store);
    Status written = manifest.ok() ? WriteFileDurably(to, kManifestFile,
                                                      json::EncodeBackupManifest(*manifest))
                                   : Status(manifest.error());
    if (written.ok()) {
      std::cout << json::EncodeBackupSummary("backup", to, *manifest,
                                             DocumentsIn(*manifest))
                << std::endl;
      return 0;
    }
    // Nothing half-made stays: a directory without its manifest would look like a backup.
    RemoveEverythingIn(to);
    if (!again || attempt == kAttempts) {
      if (made) ::rmdir(to.c_str());
      PrintError("backup failed: " + written.error().message);
      return 1;
    }
  }
}

// The files a manifest may list: the two database files, documents/<blob name> and the journal's
// files, once each.
Status CheckManifestPaths(const json::BackupManifest& manifest) {
  std::set<std::string> seen;
  for (const json::BackupFile& f : manifest.files) {
    const std::string prefix = std::string(kDocumentsDir) + "/";
    const std::string journal = kJournalDir + "/";
    const bool known =
        f.path == kMainFile || f.path == kSignaturesFile ||
        (f.path.rfind(prefix, 0) == 0 &&
         FileBlobStore::IsBlobName(std::string_view(f.path).substr(prefix.size()))) ||
        (f.path.rfind(journal, 0) == 0 &&
         journal::SignatureJournal::IsFileName(std::string_view(f.path).substr(journal.size())));
    if (!known)
      return Error(ErrorCode::kValidationError, "the manifest lists an unexpected file: " + f.path);
    if (!seen.insert(f.path).second)
      return Error(ErrorCode::kValidationError, "the manifest lists " + f.path + " twice");
  }
  if (seen.count(kMainFile) == 0 || seen.count(kSignaturesFile) == 0)
    return Error(ErrorCode::kValidationError,
                 std::string("the manifest lacks ") + kMainFile + " or " + kSignaturesFile);
  return OkStatus();
}

Result<json::BackupManifest> ReadManifest(const std::string& from) {
  const std::string path = from + "/" + kManifestFile;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(ErrorCode::kNotFound,
                 path + " is missing: not a senderid backup, or an unfinished one");
  std::ostringstream text;
  text << in.rdbuf();
  Result<json::BackupManifest> manifest = json::DecodeBackupManifest(text.str());
  if (!manifest.ok())
    return Error(ErrorCode::kValidationError, path + ": " + manifest.error().message);
  SID_TRY(CheckManifestPaths(*manifest));
  return manifest;
}

Status Matches(const json::BackupFile& found, const json::BackupFile& listed,
               const std::string& where) {
  if (found.size == listed.size && found.sha256 == listed.sha256) return OkStatus();
  return Error(ErrorCode::kValidationError,
               where + ": checksum mismatch (the backup is damaged or was changed)");
}

// Copies every listed file into the new directory `staging`, checking each copy once more.
Status FillStaging(const std::string& from, const json::BackupManifest& manifest,
                   const std::string& staging) {
  SID_TRY(MakeDirectory(staging + "/" + kDocumentsDir));
  SID_TRY(MakeDirectory(staging + "/" + kJournalDir));
  for (const json::BackupFile& f : manifest.files) {
    SID_ASSIGN_OR_RETURN(json::BackupFile copied,
                         CopyFile(from + "/" + f.path, staging + "/" + f.path, f.path));
    SID_TRY(Matches(copied, f, from + "/" + f.path));
  }
  SID_TRY(SyncPath(staging + "/" + kDocumentsDir));
  SID_TRY(SyncPath(staging + "/" + kJournalDir));
  return SyncPath(staging);
}

Status Restore(const CommandLine& cli, const std::string& from, json::BackupManifest* restored) {
  if (IsPostgresUrl(cli.store.db_url))
    return Error(ErrorCode::kValidationError, std::string("restore writes a SQLite store") +
                                                  kPostgresHint);
  // The target, without a trailing slash: its parent holds the staging directory.
  std::string dir = cli.store.data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty() || target.filename() == "." || target.filename() == "..")
    return Error(ErrorCode::kValidationError,
                 "--data " + cli.store.data_dir + ": a new or empty directory expected");
  if (!cli.store.db_url.empty()) {
    SID_ASSIGN_OR_RETURN(std::string db_path, SqlitePath(cli.store));
    std::error_code ec;
    if (fs::weakly_canonical(db_path, ec) != fs::weakly_canonical(target / kMainFile, ec))
      return Error(ErrorCode::kValidationError,
                   "restore writes the store to --data (" + (target / kMainFile).string() +
                       "), not to the --db file " + db_path + ": leave --db out");
  }
  SID_ASSIGN_OR_RETURN(json::BackupManifest manifest, ReadManifest(from));
  // A key named for the restored store must be the one its secrets are sealed with.
  if (!cli.store.master_key_file.empty() && !manifest.master_key_fingerprint.empty()) {
    SID_ASSIGN_OR_RETURN(std::string key, LoadMasterKey(cli.store.master_key_file,
                                                        /*create_if_missing=*/false));
    if (MasterKeyFingerprint(DefaultCrypto(key)) != manifest.master_key_fingerprint)
      return Error(ErrorCode::kValidationError,
                   cli.store.master_key_file + " is not the master key of the backed-up store "
                                               "(another fingerprint): its secrets would not open");
  }
  SID_ASSIGN_OR_RETURN(DirState state, StateOf(target));
  if (state == DirState::kNotEmpty)
    return Error(ErrorCode::kValidationError,
                 target.string() + " is not empty: restore goes into a new or empty data "
                                   "directory");
  // Every checksum is verified before anything is written.
  for (const json::BackupFile& f : manifest.files) {
    SID_ASSIGN_OR_RETURN(json::BackupFile found, Checksum(from, f.path));
    SID_TRY(Matches(found, f, from + "/" + f.path));
  }
  // Everything goes into a staging directory beside the target, renamed onto it at the end: the
  // target is either untouched or complete. (A rename replaces an empty directory.)
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  std::string staging = (parent / ("." + target.filename().string() + ".restore-XXXXXX")).string();
  if (::mkdtemp(staging.data()) == nullptr) return SystemError("cannot create " + staging);
  Status filled = FillStaging(from, manifest, staging);
  if (filled.ok() && ::rename(staging.c_str(), target.c_str()) != 0)
    filled = SystemError("cannot rename " + staging + " to " + target.string());
  if (!filled.ok()) {
    fs::remove_all(staging, ec);
    return filled;
  }
  SID_TRY(SyncPath(parent.string()));
  *restored = std::move(manifest);
  return OkStatus();
}

}  // namespace

void DefineBackupCommands(CLI::App& app, CommandLine& cli) {
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the SQLite store, its documents and a manifest of checksums into DIR, while "
                "serve runs (never the master key: keep it apart)");
  static std::string to;
  backup->add_option("--to", to, "A new or empty directory")->required();
  backup->callback([&cli] { cli.exit_code = RunBackup(cli, to); });

  CLI::App* restore = app.add_subcommand(
      "restore", "Restore a backup into a new or empty --data directory, every checksum verified "
                 "first (then put the master key back before serve starts)");
  static std::string from;
  restore->add_option("--from", from, "A directory written by senderid backup")->required();
  restore->callback([&cli] {
    json::BackupManifest manifest;
    if (Status s = Restore(cli, from, &manifest); !s.ok()) {
      PrintError("restore failed, nothing restored: " + s.error().message);
      cli.exit_code = 1;
      return;
    }
    std::cout << json::EncodeBackupSummary("restored", cli.store.data_dir, manifest,
                                           DocumentsIn(manifest))
              << std::endl;
  });
}

}  // namespace senderid
