#include "json/webhook_codec.h"

#include "core/net/webhook_url.h"
#include "core/time.h"
#include "json/decoding.h"
#include "json/shapes.h"

namespace senderid::json {
namespace {

ordered_json WebhookJson(const Webhook& w, const std::string* secret) {
  ordered_json j;
  j["webhookId"] = w.webhook_id;
  j["url"] = w.url;
  j["types"] = w.types;
  j["description"] = OptionalText(w.description);
  j["status"] = ToString(w.status);
  j["disabledReason"] =
      w.disabled_reason ? ordered_json(ToString(*w.disabled_reason)) : ordered_json(nullptr);
  if (secret != nullptr) j["secret"] = *secret;
  j["dateCreated"] = Date(w.date_created);
  j["dateUpdated"] = Date(w.date_updated);
  return j;
}

ordered_json DeliveryJson(const Delivery& d) {
  ordered_json j;
  j["deliveryId"] = d.delivery_id;
  j["eventId"] = d.event_id;
  j["eventType"] = ToString(d.event_type);
  j["attempt"] = d.attempt;
  j["status"] = ToString(d.status);
  j["responseStatus"] = d.response_status ? ordered_json(*d.response_status) : ordered_json(nullptr);
  j["error"] = d.error ? ordered_json(ToString(*d.error)) : ordered_json(nullptr);
  j["durationMs"] = d.duration_ms ? ordered_json(*d.duration_ms) : ordered_json(nullptr);
  j["dateCreated"] = Date(d.date_created);
  j["nextAttemptAt"] = d.status == DeliveryStatus::kPending ? OptionalDate(d.next_attempt_at)
                                                            : ordered_json(nullptr);
  return j;
}

// `types`: absent or null → unset; otherwise an array of strings (possibly empty: the service
// refuses that with its own message).
Result<std::optional<std::vector<std::string>>> TypesField(const json& j) {
  auto it = j.find("types");
  if (it == j.end() || it->is_null()) return std::optional<std::vector<std::string>>();
  if (!it->is_array()) return Invalid("'types' must be an array of strings");
  std::vector<std::string> out;
  for (const json& v : *it) {
    if (!v.is_string()) return Invalid("'types' must be an array of strings");
    std::string t = v.get<std::string>();
    if (t.size() > 64) return Invalid("'types': a pattern is at most 64 bytes");
    out.push_back(std::move(t));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

constexpr StringBound kUrlBound{net::kMaxWebhookUrlBytes, {}};
constexpr StringBound kDescriptionBound{4 * 500, 500};

Status DescriptionField(const json& j, WebhookInput& in) {
  auto it = j.find("description");
  if (it == j.end()) return OkStatus();
  in.has_description = true;
  SID_ASSIGN_OR_RETURN(in.description, OptionalString(j, "description", kDescriptionBound));
  return OkStatus();
}

}  // namespace

std::string EncodeEvent(const EventRecord& e) {
  std::string out;
  out.reserve(e.data.size() + 200);
  out += "{\"eventId\":";
  out += Dump(ordered_json(e.event_id));
  out += ",\"type\":\"";
  out += ToString(e.type);  // fixed ASCII names
  out += "\",\"accountId\":";
  out += Dump(ordered_json(e.account_id));
  out += ",\"sequence\":";
  out += std::to_string(e.sequence);
  out += ",\"dateCreated\":\"";
  out += FormatIsoMillis(e.date_created);
  out += "\",\"data\":";
  out += e.data.empty() ? std::string("null") : e.data;
  out += '}';
  return out;
}

std::string EncodeEventPage(const EventPage& page) {
  std::string out = "{\"data\":[";
  for (size_t i = 0; i < page.data.size(); ++i) {
    if (i > 0) out += ',';
    out += EncodeEvent(page.data[i]);
  }
  out += "],\"nextAfter\":";
  out += std::to_string(page.next_after);
  out += '}';
  return out;
}

std::string EncodeWebhook(const Webhook& webhook, const std::string* secret) {
  return Dump(WebhookJson(webhook, secret));
}

std::string EncodeWebhooks(const std::vector<Webhook>& webhooks) {
  ordered_json j = ordered_json::array();
  for (const Webhook& w : webhooks) j.push_back(WebhookJson(w, nullptr));
  return Dump(j);
}

std::string EncodeDeliveryPage(const DeliveryPage& page) {
  ordered_json data = ordered_json::array();
  for (const Delivery& d : page.data) data.push_back(DeliveryJson(d));
  ordered_json j;
  j["data"] = std::move(data);
  j["nextKey"] = OptionalText(page.next_key);
  return Dump(j);
}

std::string EncodeQueued(int queued) { return Dump(ordered_json{{"queued", queued}}); }

Result<WebhookInput> DecodeCreateWebhook(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"url", "types", "description"}));
  WebhookInput in;
  SID_ASSIGN_OR_RETURN(std::string url, RequiredString(j, "url", kUrlBound));
  in.url = std::move(url);
  SID_ASSIGN_OR_RETURN(in.types, TypesField(j));
  SID_TRY(DescriptionField(j, in));
  return in;
}

Result<WebhookInput> DecodeUpdateWebhook(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"url", "types", "description", "status"}));
  WebhookInput in;
  SID_ASSIGN_OR_RETURN(in.url, OptionalString(j, "url", kUrlBound));
  SID_ASSIGN_OR_RETURN(in.types, TypesField(j));
  SID_TRY(DescriptionField(j, in));
  SID_ASSIGN_OR_RETURN(std::optional<std::string> status, OptionalString(j, "status"));
  if (status) {
    in.status = ParseWebhookStatus(*status);
    if (!in.status) return Invalid("'status' must be 'ENABLED' or 'DISABLED'");
  }
  return in;
}

Result<RedeliverInput> DecodeRedeliver(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"eventIds", "since"}));
  RedeliverInput in;
  if (auto it = j.find("eventIds"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Invalid("'eventIds' must be an array of event ids");
    std::vector<std::string> ids;
    for (const json& v : *it) {
      if (!v.is_string()) return Invalid("'eventIds' must be an array of event ids");
      std::string id = v.get<std::string>();
      if (id.size() > 64) return Invalid("'eventIds': an event id is at most 64 bytes");
      ids.push_back(std::move(id));
    }
    in.event_ids = std::move(ids);
  }
  SID_ASSIGN_OR_RETURN(std::optional<std::string> since, OptionalString(j, "since"));
  if (since) {
    in.since = ParseFilterDate(*since, /*end_of_day=*/false);
    if (!in.since) return Invalid("'since' must be an ISO date or date-time");
  }
  return in;
}

}  // namespace senderid::json
