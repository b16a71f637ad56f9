#include "core/webhook_signature.h"

#include <cstdint>

#include "core/base64.h"

namespace senderid {

std::string NewWebhookSecret(Random& random) {
  std::string key(kWebhookSecretBytes, '\0');
  random.Fill(reinterpret_cast<uint8_t*>(key.data()), key.size());
  return std::string(kWebhookSecretPrefix) + Base64Encode(key);
}

std::optional<std::string> WebhookSecretKey(std::string_view secret) {
  if (secret.substr(0, kWebhookSecretPrefix.size()) != kWebhookSecretPrefix) return std::nullopt;
  std::optional<std::string> key = Base64Decode(secret.substr(kWebhookSecretPrefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string SignWebhook(const Crypto& crypto, std::string_view key, std::string_view webhook_id,
                        std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(webhook_id.size() + timestamp.size() + body.size() + 2);
  message.append(webhook_id).append(".").append(timestamp).append(".").append(body);
  return "v1," + Base64Encode(crypto.Hmac(MacAlgorithm::kHmacSha256, key, message));
}

std::string WebhookSignatureHeader(const Crypto& crypto, const std::vector<std::string>& keys,
                                   std::string_view webhook_id, std::string_view timestamp,
                                   std::string_view body) {
  std::string header;
  for (const std::string& key : keys) {
    if (!header.empty()) header += ' ';
    header += SignWebhook(crypto, key, webhook_id, timestamp, body);
  }
  return header;
}

}  // namespace senderid
