#pragma once
// The JSON shapes of SPEC §3 as nlohmann values, shared by the codecs of json/ (customer API,
// events, operator output). Internal to json/.

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/entities.h"
#include "core/values.h"

namespace senderid::json {

using nlohmann::ordered_json;

ordered_json Date(TimeMs t);
ordered_json OptionalDate(const std::optional<TimeMs>& t);
ordered_json OptionalText(const std::optional<std::string>& s);

ordered_json ApprovalJson(const ReviewRequest& approval);        // SPEC §3.3
ordered_json LimitationJson(const ReviewRequest& limitation);    // SPEC §3.4
ordered_json UnlockJson(const std::optional<ReviewRequest>& u);  // SPEC §3.5; all-null when none
ordered_json SenderIdJson(const SenderId& entry);                // SPEC §3.2
// SPEC §3.6; `url_prefix` is the public base URL (no trailing slash) or "".
ordered_json DocumentJson(const Document& d, std::string_view url_prefix);
// A review request as both operator audiences show it (the CLI and the admin API), "id" through
// "dateDecided"; `locate` adds where a document's bytes are (a path, a URL). A document deleted
// since (released, then removed by the customer) is {"documentId", "deleted": true}.
ordered_json ReviewRequestFields(const ReviewItem& item,
                                 const std::function<void(ordered_json&, const Document&)>& locate);

// Compact text; invalid UTF-8 (never produced by our decoders) replaced rather than thrown.
std::string Dump(const ordered_json& j);

}  // namespace senderid::json
