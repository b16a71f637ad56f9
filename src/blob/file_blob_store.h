#pragma once
// BlobStore on a local directory: each blob is one file, written as a temporary of its own
// (".tmp-<name>-<pid>-<random>", so that two writers — threads or processes — never share one),
// fsynced, renamed into place, and the directory fsynced — so a blob either is complete or is a
// temporary that RemoveTemporaries deletes once it is old. Thread-safe (distinct names touch
// distinct files; the same name written twice at once: the last rename wins, whole).

#include <memory>
#include <string>

#include "core/ports/blob_store.h"

namespace senderid {

class FileBlobStore final : public BlobStore {
 public:
  // Creates `dir` with mode 0700 when missing (its parents as the umask says); an existing
  // directory is used as it is. kServiceUnavailable when it cannot be created.
  static Result<std::unique_ptr<FileBlobStore>> Open(std::string dir);

  Status Put(std::string_view name, std::string_view bytes) override;
  Result<std::string> Get(std::string_view name) override;
  Status Remove(std::string_view name) override;
  // modified_at is the file's mtime (ms).
  Result<std::vector<StoredBlob>> List() override;
  // Only ".tmp-*" files whose mtime is before `before`.
  Result<int> RemoveTemporaries(TimeMs before) override;

  const std::string& dir() const { return dir_; }
  // Whether `name` can be a blob's file name here: a plain name (letters, digits, dots; no leading
  // dot), never a path.
  static bool IsBlobName(std::string_view name);

 private:
  explicit FileBlobStore(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(std::string_view name) const;
  // A fresh temporary path for a blob `name`, unique to this call.
  std::string TemporaryPathOf(std::string_view name) const;
  std::string dir_;
};

}  // namespace senderid
