#include "http/message.h"

namespace senderid::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* Request::FindHeader(std::string_view name) const {
  for (const Header& h : headers)
    if (EqualsIgnoreCase(h.name, name)) return &h.value;
  return nullptr;
}

size_t Request::CountHeader(std::string_view name) const {
  size_t n = 0;
  for (const Header& h : headers)
    if (EqualsIgnoreCase(h.name, name)) ++n;
  return n;
}

}  // namespace senderid::http
