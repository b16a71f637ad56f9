#pragma once
// A customer's webhooks (SPEC §12 endpoints 15–21): create, list, get, update, delete, rotate the
// signing secret, list delivery records, redeliver. Thread-safe; every change is one store
// transaction (a redeliver by `since` one per page of events).
//
// Targets: a URL passes the rules of core/net/webhook_url.h, and — unless allow_private — every
// address its host resolves to must be global unicast (core/net/ip_address.h); a lookup that fails
// or takes longer than lookup_timeout accepts the URL (the attempt will fail DnsError). The same
// check runs again at every attempt (the delivery worker), against the address it then connects to.
//
// Secrets: "whsec_" + base64 of 32 CSPRNG bytes, shown only by Create and RotateSecret, sealed at
// rest bound to the webhook and the secret's version. After a rotation the previous secret keeps
// signing for rotation_overlap (24 h); a second rotation within it keeps only the two newest.
//
// Webhooks emit no events (SPEC §12): these changes bypass core/lifecycle.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/deliveries_repository.h"
#include "core/ports/host_resolver.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/webhooks.h"

namespace senderid {

struct WebhooksServiceOptions {
  bool allow_private = false;        // --webhook-allow-private: loopback/private targets allowed
  int max_per_account = 10;          // SPEC §12 (LimitExceeded beyond)
  TimeMs lookup_timeout = 2 * kSecond;
  TimeMs rotation_overlap = 24 * kHour;
  size_t max_description_chars = 500;
  size_t max_types = 64;
  int max_redeliver_ids = 1000;
};

// What a create or update asks for; unset fields are left as they are (create: url required,
// types ["*"], description null).
struct WebhookInput {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> types;
  bool has_description = false;  // description given (a null one clears it)
  std::optional<std::string> description;
  std::optional<WebhookStatus> status;
};

// A webhook with its secret in plain text: the answer of create and rotate-secret only.
struct WebhookWithSecret {
  Webhook webhook;
  std::string secret;
};

struct DeliveryPage {
  std::vector<Delivery> data;
  std::optional<std::string> next_key;
};

// Exactly one of the two (SPEC §12 endpoint 21).
struct RedeliverInput {
  std::optional<std::vector<std::string>> event_ids;
  std::optional<TimeMs> since;  // inclusive
};

class WebhooksService {
 public:
  WebhooksService(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
                  HostResolver& resolver, WebhooksServiceOptions options);

  // kValidationError (url, types, description, forbidden target), kLimitExceeded.
  Result<WebhookWithSecret> Create(const std::string& account_id, const WebhookInput& input);
  Result<std::vector<Webhook>> List(const std::string& account_id);
  // kInvalidWebhookId for an unknown or another account's id (as for every method below).
  Result<Webhook> Get(const std::string& account_id, std::string_view webhook_id);
  // ENABLED clears disabledReason and restarts the FAILING clock; DISABLED by the customer says
  // CUSTOMER.
  Result<Webhook> Update(const std::string& account_id, std::string_view webhook_id,
                         const WebhookInput& input);
  // The webhook as it was; its delivery records go with it.
  Result<Webhook> Delete(const std::string& account_id, std::string_view webhook_id);
  Result<WebhookWithSecret> RotateSecret(const std::string& account_id,
                                         std::string_view webhook_id);
  // Newest first; f.limit 1–1000.
  Result<DeliveryPage> ListDeliveries(const std::string& account_id, std::string_view webhook_id,
                                      DeliveryFilter f);
  // Resets (PENDING, attempt kept, schedule restarted, due now) or creates the record of every
  // matching event of a subscribed type; records already PENDING are skipped. Returns how many
  // were reset or created. kValidationError for a malformed input or ids that are not the
  // account's events (nothing queued then).
  Result<int> Redeliver(const std::string& account_id, std::string_view webhook_id,
                        const RedeliverInput& input);

 private:
  Status CheckTarget(const std::string& url);
  Status CheckTypes(const std::vector<std::string>& types);
  Result<int> QueueEvents(WriteTx& tx, const Webhook& webhook,
                          const std::vector<EventRecord>& events, TimeMs now);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  HostResolver& resolver_;
  WebhooksServiceOptions options_;
};

}  // namespace senderid
