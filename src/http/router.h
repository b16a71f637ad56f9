#pragma once
// Maps a request line to one of the API's routes (SPEC §4) with its path parameter, required scope
// and body limit. Routing comes before authentication: an unknown path is 404, a known path with
// another method 405, and neither spends a signature. Pure functions, thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entities.h"

namespace senderid::http {

enum class RouteId {
  kHealthz,
  kCreateNumber,
  kListNumbers,
  kActiveNumbers,
  kUpdateNumber,
  kDeleteNumber,
  kAuthenticateNumber,
  kSubmitEvidence,
  kRequestLimit,
  kRequestUnlock,
  kUploadDocument,
  kListDocuments,
  kDeleteDocuments,
  kGetDocument,
  kDocumentFile,
};

enum class RouteOutcome { kFound, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  RouteOutcome outcome = RouteOutcome::kNotFound;
  RouteId id = RouteId::kHealthz;
  std::string param;  // the percent-decoded path parameter, when the route has one
  Scope scope = kScopeRead;
  bool authenticated = true;
  std::string_view query;  // the raw text after '?'
};

RouteMatch Route(std::string_view method, std::string_view target);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). False on a malformed escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out);

// The query's name/value pairs, decoded, in order. A name written `field[eq]` (the SOLAPI operator
// form) is returned as `field`. False on a malformed escape.
bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace senderid::http
