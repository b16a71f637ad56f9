// Fuzz target: what the admin listener decodes from a request (SPEC §13) — the strict JSON body
// decoders of src/json/admin_codec.h, the session cookie, and the admin route table. The first
// input byte picks (byte % 9), the rest is the input:
//   0 DecodeSignIn   1 DecodeApprove   2 DecodeReject   3 DecodeCreateAccount   4 DecodeChangeLimit
//   5 DecodeCreateKey   6 DecodeCreateOperator   7 SessionCookie (a Cookie header value)
//   8 Router::Of(AdminRoutes()).Match ("METHOD target")
//
// Invariants:
//  - every decoder error is kValidationError with a message (nothing throws);
//  - a body that plain nlohmann::json cannot parse as an object (and that is not blank) is refused;
//  - trailing whitespace changes nothing;
//  - what is accepted is within its bounds: names and passwords ≤ 1000 bytes, operator reasons ≤
//    500 characters, a rejection's reason never empty, limits within 0 (accounts) or 1 (edits) to
//    1,000,000, scopes a non-empty subset of read|write, a role reviewer or admin;
//  - an accepted request re-encodes into JSON that decodes to the same value;
//  - the cookie value found is a part of the header after "senderid_admin=" and holds no ';';
//  - a matched admin route has the method asked for and as many segments as the path.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/admin/admin_call.h"
#include "http/admin/admin_routes.h"
#include "http/router.h"
#include "json/admin_codec.h"
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

template <typename Decode>
auto DecodeChecked(Decode decode, std::string_view body, bool plain_ok) {
  auto r = decode(body);
  if (!r.ok()) {
    FUZZ_CHECK(r.error().code == senderid::ErrorCode::kValidationError, body);
    FUZZ_CHECK(!r.error().message.empty(), body);
  }
  FUZZ_CHECK(decode(std::string(body) + "\r\n ").ok() == r.ok(), body);
  if (r.ok()) FUZZ_CHECK(plain_ok, body);
  return r;
}

size_t Segments(std::string_view path) {
  size_t n = 0;
  for (const char c : path) n += c == '/';
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  const json plain = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  const bool plain_ok = blank || (!plain.is_discarded() && plain.is_object());

  switch (data[0] % 9) {
    case 0: {
      auto r = DecodeChecked(sj::DecodeSignIn, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(r->name.size() <= 1000 && r->password.size() <= 1000, body);
      const auto again = sj::DecodeSignIn(Dump({{"name", r->name}, {"password", r->password}}));
      FUZZ_CHECK(again.ok() && again->name == r->name && again->password == r->password, body);
      break;
    }
    case 1:
    case 2: {
      const bool reject = data[0] % 9 == 2;
      auto r = DecodeChecked(reject ? sj::DecodeReject : sj::DecodeApprove, body, plain_ok);
      if (!r.ok()) break;
      if (r->reason) FUZZ_CHECK(CodePoints(*r->reason) <= 500, body);
      if (reject) FUZZ_CHECK(r->reason && !r->reason->empty(), body);
      if (!reject) FUZZ_CHECK(!r->reason_code, body);
      json j = json::object();
      if (r->reason) j["reason"] = *r->reason;
      if (r->reason_code) j["reasonCode"] = *r->reason_code;
      const auto again = reject ? sj::DecodeReject(Dump(j)) : sj::DecodeApprove(Dump(j));
      FUZZ_CHECK(again.ok() && again->reason == r->reason && again->reason_code == r->reason_code,
                 Dump(j));
      if (r->reason) {
        j["reason"] = std::string(501, 'x');
        FUZZ_CHECK(!(reject ? sj::DecodeReject(Dump(j)) : sj::DecodeApprove(Dump(j))).ok(), Dump(j));
      }
      break;
    }
    case 3: {
      auto r = DecodeChecked(sj::DecodeCreateAccount, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(!r->name.empty() && r->name.size() <= 1000, body);
      if (r->limit) FUZZ_CHECK(*r->limit >= 0 && *r->limit <= 1'000'000, body);
      json j = {{"name", r->name}};
      if (r->limit) j["limit"] = *r->limit;
      const auto again = sj::DecodeCreateAccount(Dump(j));
      FUZZ_CHECK(again.ok() && again->name == r->name && again->limit == r->limit, Dump(j));
      break;
    }
    case 4: {
      auto r = DecodeChecked(sj::DecodeChangeLimit, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(*r >= 1 && *r <= 1'000'000, body);
      const auto again = sj::DecodeChangeLimit(Dump({{"limit", *r}}));
      FUZZ_CHECK(again.ok() && *again == *r, body);
      break;
    }
    case 5: {
      auto r = DecodeChecked(sj::DecodeCreateKey, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(*r != 0 && (*r & ~3u) == 0, body);
      break;
    }
    case 6: {
      auto r = DecodeChecked(sj::DecodeCreateOperator, body, plain_ok);
      if (!r.ok()) break;
      FUZZ_CHECK(r->name.size() <= 1000, body);
      const auto again = sj::DecodeCreateOperator(
          Dump({{"name", r->name}, {"role", std::string(senderid::ToString(r->role))}}));
      FUZZ_CHECK(again.ok() && again->name == r->name && again->role == r->role, body);
      break;
    }
    case 7: {
      senderid::http::Request request;
      request.headers.push_back({"Cookie", std::string(body)});
      const std::string value = senderid::http::admin::SessionCookie(request);
      FUZZ_CHECK(value.find(';') == std::string::npos, body);
      if (!value.empty())
        FUZZ_CHECK(body.find("senderid_admin=" + value) != std::string_view::npos, body);
      break;
    }
    case 8: {
      static const senderid::http::Router router =
          senderid::http::Router::Of(senderid::http::admin::AdminRoutes());
      const size_t space = body.find(' ');
      if (space == std::string_view::npos) break;
      const std::string_view method = body.substr(0, space), target = body.substr(space + 1);
      const senderid::http::RouteMatch m = router.Match(method, target);
      if (m.outcome != senderid::http::RouteOutcome::kFound) break;
      const auto& route = senderid::http::admin::AdminRoutes()[m.index];
      FUZZ_CHECK(route.method == method, body);
      FUZZ_CHECK(Segments(route.path) == Segments(target.substr(0, target.find('?'))), body);
      break;
    }
  }
  return 0;
}
