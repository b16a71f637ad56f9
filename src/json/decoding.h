#pragma once
// Strict decoding of JSON request bodies, shared by the codecs of json/: a body is one object (an
// empty body reads as {}), nested at most 32 deep, with only known fields, each of its type and
// within its SPEC §4 bound; every refusal is a ValidationError naming the field. Internal to json/.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bounds.h"
#include "core/error.h"

namespace senderid::json {

using nlohmann::json;

Error Invalid(std::string message);
Result<json> ParseObject(std::string_view body);
Status OnlyFields(const json& j, std::initializer_list<std::string_view> allowed);

// A string field of at most `max_bytes` UTF-8 bytes (and, when given, `max_chars` code points).
struct StringBound {
  size_t max_bytes = bounds::kStringFieldBytes;
  std::optional<size_t> max_chars;
};
Result<std::string> RequiredString(const json& j, const char* field, StringBound bound = {});
Result<std::optional<std::string>> OptionalString(const json& j, const char* field,
                                                  StringBound bound = {});
// Absent or null → empty; each element a string within the default bound.
Result<std::vector<std::string>> OptionalStringArray(const json& j, const char* field);

}  // namespace senderid::json
