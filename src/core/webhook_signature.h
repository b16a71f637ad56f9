#pragma once
// Webhook secrets and signatures, the Standard Webhooks scheme (SPEC §12;
// github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md): a secret is `whsec_`
// + base64 of its key bytes; a signature is `v1,` + base64 of HMAC-SHA256 over
// `<webhook-id>.<webhook-timestamp>.<body>` keyed with those bytes; the `webhook-signature` header
// lists one signature per key, space-separated, newest key first. Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/crypto.h"
#include "core/ports/random.h"

namespace senderid {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";
inline constexpr size_t kWebhookSecretBytes = 32;

// "whsec_" + base64 of kWebhookSecretBytes bytes from `random` (a CSPRNG).
std::string NewWebhookSecret(Random& random);
// The key bytes of a "whsec_…" secret; nullopt when it is not one.
std::optional<std::string> WebhookSecretKey(std::string_view secret);

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
std::string SignWebhook(const Crypto& crypto, std::string_view key, std::string_view webhook_id,
                        std::string_view timestamp, std::string_view body);
// The header value: one signature per key of `keys` (newest first), joined by single spaces.
std::string WebhookSignatureHeader(const Crypto& crypto, const std::vector<std::string>& keys,
                                   std::string_view webhook_id, std::string_view timestamp,
                                   std::string_view body);

}  // namespace senderid
