#pragma once
// Log lines as JSON objects (SPEC §14 --log-format json): one object per line, its members in the
// order given. Values are strings or numbers; invalid UTF-8 in a string is replaced, never thrown.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace senderid::json {

struct LogField {
  std::string_view name;
  std::variant<std::string_view, int64_t, double> value;
};

// `{"name":value,…}` on one line (no line end).
std::string EncodeLogObject(std::initializer_list<LogField> fields);

}  // namespace senderid::json
