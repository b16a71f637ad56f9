#include "json/backup_codec.h"

#include <nlohmann/json.hpp>

namespace senderid::json {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kFormat = "senderid-backup";
constexpr int kVersion = 1;

Error Invalid(const std::string& what) {
  return Error(ErrorCode::kValidationError, "not a senderid backup manifest: " + what);
}

bool IsHex64(const std::string& text) {
  if (text.size() != 64) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string EncodeBackupManifest(const BackupManifest& manifest) {
  ordered_json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["store"] = "sqlite";
  j["schemaVersion"] = manifest.schema_version;
  j["created"] = manifest.created;
  if (!manifest.master_key_fingerprint.empty())
    j["masterKeyFingerprint"] = manifest.master_key_fingerprint;
  ordered_json files = ordered_json::array();
  for (const BackupFile& f : manifest.files) {
    ordered_json file;
    file["path"] = f.path;
    file["size"] = f.size;
    file["sha256"] = f.sha256;
    files.push_back(std::move(file));
  }
  j["files"] = std::move(files);
  return j.dump(2) + "\n";
}

Result<BackupManifest> DecodeBackupManifest(std::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Invalid("not a JSON object");
  if (!j.contains("format") || j["format"] != kFormat) return Invalid("format is not " +
                                                                      std::string(kFormat));
  if (!j.contains("version") || j["version"] != kVersion)
    return Invalid("version " + (j.contains("version") ? j["version"].dump() : "missing") +
                   " (this senderid reads version " + std::to_string(kVersion) + ")");
  if (!j.contains("store") || j["store"] != "sqlite") return Invalid("store is not sqlite");
  BackupManifest m;
  if (!j.contains("schemaVersion") || !j["schemaVersion"].is_number_integer())
    return Invalid("schemaVersion is not an integer");
  m.schema_version = j["schemaVersion"].get<int>();
  if (j.contains("created") && j["created"].is_string()) m.created = j["created"];
  if (j.contains("masterKeyFingerprint")) {
    if (!j["masterKeyFingerprint"].is_string() ||
        !IsHex64(j["masterKeyFingerprint"].get<std::string>()))
      return Invalid("masterKeyFingerprint is not 64 hex digits");
    m.master_key_fingerprint = j["masterKeyFingerprint"];
  }
  if (!j.contains("files") || !j["files"].is_array()) return Invalid("files is not an array");
  for (const json& f : j["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("size") ||
        !f["size"].is_number_integer() || f["size"].get<int64_t>() < 0 || !f.contains("sha256") ||
        !f["sha256"].is_string() || !IsHex64(f["sha256"].get<std::string>()))
      return Invalid("an entry of files lacks a path, a size or a sha256: " + f.dump());
    m.files.push_back(BackupFile{f["path"], f["size"], f["sha256"]});
  }
  return m;
}

std::string EncodeBackupSummary(std::string_view verb, std::string_view dir,
                                const BackupManifest& manifest, int documents) {
  int64_t bytes = 0;
  for (const BackupFile& f : manifest.files) bytes += f.size;
  ordered_json j;
  j[std::string(verb)] = dir;
  j["schemaVersion"] = manifest.schema_version;
  j["files"] = manifest.files.size();
  j["documents"] = documents;
  j["bytes"] = bytes;
  return j.dump();
}

}  // namespace senderid::json
