#pragma once
// What the core's services take and give besides the records of entities.h: queries and pages,
// upload input, the ARS outcome, credentials shown once, the operator's view of a review. Plain
// values; adapters (json/, http/, app/) build and read them without including any service.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/time.h"

namespace senderid {

// Who a signed request comes from (SPEC §2), once authenticated.
struct AuthContext {
  Account account;
  std::string api_key;
  unsigned scopes = 0;
};

// A page of numbers (SPEC §8). Any field set makes the answer paged.
struct NumberPageQuery {
  std::optional<NumberStatus> status;
  std::optional<std::string> phone_number;  // as sent; separators allowed
  std::optional<std::string> start_key;     // a handleKey, inclusive
  int limit = 20;
};

// Which documents a listing wants (SPEC §4.11). Unset fields do not filter.
struct DocumentFilter {
  std::optional<std::string> document_id;
  std::optional<TimeMs> created_from;  // inclusive
  std::optional<TimeMs> created_to;    // inclusive
  std::optional<std::string> category;
  std::optional<bool> use;
  std::optional<std::string> start_key;  // inclusive upper bound of document_id (newest first)
  int limit = 20;
};

struct DocumentPage {
  std::vector<Document> data;
  std::optional<std::string> next_key;
};

struct DocumentFile {
  Document document;
  std::string bytes;
};

struct UploadInput {
  std::string bytes;  // decoded content
  std::string category;
  std::optional<std::string> name;
};

// Which review requests a listing wants. Empty/unset fields do not filter.
struct ReviewFilter {
  std::optional<RequestStatus> status;
  std::optional<ReviewKind> kind;
  std::string account_id;
  std::string handle_key;
  std::string start_key;  // a request id: the listing starts there (inclusive)
  int limit = 0;          // 0: every match
};

// A request with what an operator needs to decide it.
struct ReviewItem {
  ReviewRequest request;
  Account account;
  std::vector<Document> documents;  // those still stored, in the request's order
};

// The decoded x-mfa-data header (SPEC §5).
struct MfaData {
  std::string auth_type;
  std::optional<std::string> phone_number;  // extras.phoneNumber
  std::optional<std::string> transaction_id;
  std::optional<std::string> token;
};

// ARS step 1 succeeded (a call was placed), or no x-mfa-data was sent: the client is to answer the
// challenge (SPEC §5; on the wire a 403 MFARequired carrying `mfa`).
struct MfaChallenge {
  std::string message;
  MfaDetails details;
};

// What PUT …/authenticate produces: the verified number's AccountDoc (step 2) or a challenge.
using VerificationOutcome = std::variant<AccountDoc, MfaChallenge>;

// A new API key (and account): the secret is shown once, stored only sealed.
struct Credentials {
  std::string account_id;
  std::string api_key;
  std::string api_secret;
  unsigned scopes = 0;
  int limit = 0;
};

}  // namespace senderid
