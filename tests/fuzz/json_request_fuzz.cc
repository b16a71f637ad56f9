// Fuzz target: the strict JSON request decoders of src/json/customer_codec.h, one per endpoint body.
// The first input byte picks the decoder (byte % 7), the rest is the body:
//   0 DecodeCreateNumber  1 DecodeUpdateStatus  2 DecodeUpload  3 DecodeDocumentIds
//   4 DecodeLimitation    5 DecodeDuplicate     6 DecodeEmptyBody
// (The x-mfa-data decoder has its own target, mfa_data_fuzz.)
//
// Invariants:
//  - every error is kValidationError with a message (nothing throws);
//  - a body that plain nlohmann::json cannot parse (and that is not blank) is refused;
//  - DecodeEmptyBody accepts exactly the blank body and the empty object;
//  - a decoded request re-encodes into JSON that decodes to the same value;
//  - trailing whitespace changes nothing;
//  - what is accepted is within SPEC §4 Bounds: document name ≤ 255 bytes, unlock reason ≤ 500 and
//    name ≤ 100 characters, every other string (document ids included) ≤ 1000 bytes, the file
//    unbounded here; and the bounds are exact: an accepted phoneNumber or reason padded one past
//    its bound is refused with a message naming the field.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "json/customer_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace sj = senderid::json;
using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', /*ensure_ascii=*/true); }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

void CheckBytes(std::string_view value, size_t max, std::string_view body) {
  FUZZ_CHECK(value.size() <= max, body);
}

void CheckIds(const std::vector<std::string>& ids, std::string_view body) {
  for (const std::string& id : ids) CheckBytes(id, 1000, body);
}

// `r` refused as a ValidationError naming `field`.
template <typename T>
void CheckRefusedNaming(const senderid::Result<T>& r, std::string_view field,
                        std::string_view body) {
  FUZZ_CHECK(!r.ok(), body);
  FUZZ_CHECK(r.error().code == senderid::ErrorCode::kValidationError, body);
  FUZZ_CHECK(r.error().message.find("'" + std::string(field) + "'") != std::string::npos,
             r.error().message);
}

template <typename T>
void CheckError(const senderid::Result<T>& r, std::string_view body) {
  if (r.ok()) return;
  FUZZ_CHECK(r.error().code == senderid::ErrorCode::kValidationError, body);
  FUZZ_CHECK(!r.error().message.empty(), body);
}

// Decodes `body` twice (as is and with trailing whitespace), checks the common invariants and
// returns the first result.
template <typename Decode>
auto DecodeChecked(Decode decode, std::string_view body, bool plain_ok) {
  auto r = decode(body);
  CheckError(r, body);
  FUZZ_CHECK(decode(std::string(body) + "\r\n ").ok() == r.ok(), body);
  if (r.ok()) FUZZ_CHECK(plain_ok, body);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  const json plain = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  const bool plain_ok = blank || (!plain.is_discarded() && plain.is_object());

  switch (data[0] % 7) {
    case 0: {
      auto r = DecodeChecked(sj::DecodeCreateNumber, body, plain_ok);
      if (!r.ok()) break;
      CheckBytes(r->phone_number, 1000, body);
      CheckIds(r->documents, body);
      json j = {{"phoneNumber", r->phone_number}};
      if (!r->documents.empty() || data[size - 1] % 2 == 0) j["documents"] = r->documents;
      const auto again = sj::DecodeCreateNumber(Dump(j));
      FUZZ_CHECK(
          again.ok() && again->phone_number == r->phone_number && again->documents == r->documents,
          Dump(j));
      j["phoneNumber"] = r->phone_number + std::string(1001 - r->phone_number.size(), '0');
      CheckRefusedNaming(sj::DecodeCreateNumber(Dump(j)), "phoneNumber", Dump(j));
      break;
    }
    case 1: {
      auto r = DecodeChecked(sj::DecodeUpdateStatus, body, plain_ok);
      if (!r.ok()) break;
      CheckBytes(r->status, 1000, body);
      const json j = {{"status", r->status}};
      const auto again = sj::DecodeUpdateStatus(Dump(j));
      FUZZ_CHECK(again.ok() && again->status == r->status, Dump(j));
      break;
    }
    case 2: {
      auto r = DecodeChecked(sj::DecodeUpload, body, plain_ok);
      if (!r.ok()) break;
      CheckBytes(r->category, 1000, body);
      if (r->name) CheckBytes(*r->name, 255, body);
      json j = {{"file", r->file}, {"category", r->category}};
      if (r->name) j["name"] = *r->name;
      const auto again = sj::DecodeUpload(Dump(j));
      FUZZ_CHECK(again.ok() && again->file == r->file && again->category == r->category &&
                     again->name == r->name,
                 Dump(j));
      break;
    }
    case 3: {
      auto r = DecodeChecked(sj::DecodeDocumentIds, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(!r->empty(), body);
      CheckIds(*r, body);
      const json j = {{"documents", *r}};
      const auto again = sj::DecodeDocumentIds(Dump(j));
      FUZZ_CHECK(again.ok() && *again == *r, Dump(j));
      break;
    }
    case 4: {
      auto r = DecodeChecked(sj::DecodeLimitation, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(!r->documents.empty() && r->limit <= 1'000'000'000, body);
      CheckIds(r->documents, body);
      const json j = {{"documents", r->documents}, {"limit", r->limit}};
      const auto again = sj::DecodeLimitation(Dump(j));
      FUZZ_CHECK(again.ok() && again->documents == r->documents && again->limit == r->limit,
                 Dump(j));
      break;
    }
    case 5: {
      auto r = DecodeChecked(sj::DecodeDuplicate, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(!r->reason.empty(), body);
      FUZZ_CHECK(CodePoints(r->reason) <= 500, body);
      if (r->name) FUZZ_CHECK(CodePoints(*r->name) <= 100, body);
      json j = {{"reason", r->reason}};
      if (r->name) j["name"] = *r->name;
      const auto again = sj::DecodeDuplicate(Dump(j));
      FUZZ_CHECK(again.ok() && again->reason == r->reason && again->name == r->name, Dump(j));
      j["reason"] = r->reason + std::string(501 - CodePoints(r->reason), 'r');
      CheckRefusedNaming(sj::DecodeDuplicate(Dump(j)), "reason", Dump(j));
      break;
    }
    default: {
      const auto r = DecodeChecked(sj::DecodeEmptyBody, body, plain_ok);
      const bool empty_object = !plain.is_discarded() && plain.is_object() && plain.empty();
      FUZZ_CHECK(r.ok() == (blank || empty_object), body);
      break;
    }
  }
  return 0;
}
