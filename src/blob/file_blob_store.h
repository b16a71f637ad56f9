#pragma once
// BlobStore on a local directory: each blob is one file, written as a temporary (".tmp-" + name),
// fsynced, renamed into place, and the directory fsynced — so a blob either is complete or is a
// temporary that RemoveTemporaries deletes. Thread-safe (distinct names touch distinct files).

#include <memory>
#include <string>

#include "core/ports/blob_store.h"

namespace senderid {

class FileBlobStore final : public BlobStore {
 public:
  // Creates `dir` (mode 0700) when missing.
  static Result<std::unique_ptr<FileBlobStore>> Open(std::string dir);

  Status Put(std::string_view name, std::string_view bytes) override;
  Result<std::string> Get(std::string_view name) override;
  Status Remove(std::string_view name) override;
  Result<std::vector<std::string>> List() override;
  Result<int> RemoveTemporaries() override;

  const std::string& dir() const { return dir_; }

 private:
  explicit FileBlobStore(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(std::string_view name) const;
  std::string dir_;
};

}  // namespace senderid
