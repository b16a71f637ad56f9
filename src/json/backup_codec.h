#pragma once
// The manifest of a backup (`senderid backup`, SPEC §14): manifest.json at the top of the backup
// directory, written last, so that a backup without it is an unfinished one.
//   {"format": "senderid-backup", "version": 1, "store": "sqlite", "schemaVersion": 7,
//    "created": "2026-12-02T07:30:00.000Z", "masterKeyFingerprint": "…",
//    "files": [{"path": "senderid.db", "size": 4096, "sha256": "…"}, …]}
// Paths are relative to the backup directory, with "/" between parts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace senderid::json {

struct BackupFile {
  std::string path;
  int64_t size = 0;
  std::string sha256;  // lowercase hex
};

struct BackupManifest {
  int schema_version = 0;
  std::string created;  // ISO-8601 UTC
  // MasterKeyFingerprint of the key the store's secrets are sealed with (hex; never the key), or
  // "" when the backup could not read the key.
  std::string master_key_fingerprint;
  std::vector<BackupFile> files;
};

std::string EncodeBackupManifest(const BackupManifest& manifest);

// kValidationError, naming what is wrong, unless `text` is a manifest of this format and version
// with every field of its type (sha256: 64 hex digits; size: not negative).
Result<BackupManifest> DecodeBackupManifest(std::string_view text);

// What `senderid backup` and `restore` print: {"backup"|"restored": dir, "schemaVersion": n,
// "files": n, "documents": n, "bytes": n}.
std::string EncodeBackupSummary(std::string_view verb, std::string_view dir,
                                const BackupManifest& manifest, int documents);

}  // namespace senderid::json
