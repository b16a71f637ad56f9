#include "json/decoding.h"

namespace senderid::json {
namespace {

constexpr int kMaxDepth = 32;

Status CheckBound(const char* field, const std::string& value, const StringBound& bound) {
  // A bound in characters is what SPEC says; its byte bound only caps the counting work.
  if (bound.max_chars && (value.size() > bound.max_bytes || bounds::CodePoints(value) > *bound.max_chars))
    return Invalid(std::string("'") + field + "' must be at most " +
                   std::to_string(*bound.max_chars) + " characters");
  if (value.size() > bound.max_bytes)
    return Invalid(std::string("'") + field + "' must be at most " +
                   std::to_string(bound.max_bytes) + " bytes");
  return OkStatus();
}

}  // namespace

Error Invalid(std::string message) { return Error(ErrorCode::kValidationError, std::move(message)); }

Result<json> ParseObject(std::string_view body) {
  const auto blank = body.find_first_not_of(" \t\r\n");
  if (blank == std::string_view::npos) return json::object();
  bool too_deep = false;
  json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return !too_deep;
  };
  json j = json::parse(body.begin(), body.end(), limit_depth, /*allow_exceptions=*/false);
  if (too_deep) return Invalid("request body is nested too deeply");
  if (j.is_discarded()) return Invalid("request body is not valid JSON");
  if (!j.is_object()) return Invalid("request body must be a JSON object");
  return j;
}

Status OnlyFields(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    // The name is the client's text: cut it, so that an error answer stays small.
    if (!known) return Invalid("unknown field '" + key.substr(0, 64) + "'");
  }
  return OkStatus();
}

Result<std::string> RequiredString(const json& j, const char* field, StringBound bound) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return Invalid(std::string("'") + field + "' is required");
  if (!it->is_string()) return Invalid(std::string("'") + field + "' must be a string");
  std::string value = it->get<std::string>();
  SID_TRY(CheckBound(field, value, bound));
  return value;
}

Result<std::optional<std::string>> OptionalString(const json& j, const char* field,
                                                  StringBound bound) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Invalid(std::string("'") + field + "' must be a string");
  std::string value = it->get<std::string>();
  SID_TRY(CheckBound(field, value, bound));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<std::string>> OptionalStringArray(const json& j, const char* field) {
  std::vector<std::string> out;
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return Invalid(std::string("'") + field + "' must be an array of strings");
  for (const json& v : *it) {
    if (!v.is_string()) return Invalid(std::string("'") + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
    SID_TRY(CheckBound(field, out.back(), StringBound{}));
  }
  return out;
}

}  // namespace senderid::json
