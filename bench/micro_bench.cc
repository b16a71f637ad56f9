// senderid-micro: Google Benchmark micro-benchmarks of the per-request hot pieces.
//
//   Auth/*          what Authenticator::Authenticate spends CPU on, piece by piece and together
//                   (parse the header, parse the date, open the sealed secret, HMAC + compare)
//   Number/*        ValidatePhoneNumber over a mixed set of valid and invalid inputs
//   Encode/*        json::EncodeAccountDoc for an account of 5 and of 100 numbers, EncodeStringArray
//   Route/*         http::Router::Match on the customer table (once per request, when its header
//                   arrives), for a literal route, a parameterised one and an unknown path
//
// No store, no HTTP: these isolate CPU cost. `bench/run.sh` runs them with repetitions and reports
// the median.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/authorization.h"
#include "core/catalogue.h"
#include "core/hex.h"
#include "core/ids.h"
#include "core/phone_number.h"
#include "core/services/authenticator.h"
#include "core/time.h"
#include "crypto/default_crypto.h"
#include "http/router.h"
#include "http/routes.h"
#include "json/customer_codec.h"

namespace {

using namespace senderid;

const std::string kMasterKey(32, 'k');
const std::string kApiKey = "NCSABCDEFGHIJ0123";
const std::string kSecret = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const std::string kDate = "2026-02-03T15:30:45.324Z";
const std::string kSalt = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

std::string SignedHeader(const DefaultCrypto& crypto) {
  const std::string sig = ToHex(crypto.Hmac(MacAlgorithm::kHmacSha256, kSecret, kDate + kSalt));
  return "HMAC-SHA256 apiKey=" + kApiKey + ", date=" + kDate + ", salt=" + kSalt +
         ", signature=" + sig;
}

void BM_Auth_ParseHeader(benchmark::State& state) {
  DefaultCrypto crypto(kMasterKey);
  const std::string header = SignedHeader(crypto);
  for (auto _ : state) {
    Result<AuthorizationHeader> h = ParseAuthorizationHeader(header);
    benchmark::DoNotOptimize(h);
  }
}
BENCHMARK(BM_Auth_ParseHeader);

void BM_Auth_ParseDate(benchmark::State& state) {
  for (auto _ : state) {
    std::optional<ParsedDate> d = ParseIsoDateTime(kDate);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Auth_ParseDate);

void BM_Auth_OpenSealedSecret(benchmark::State& state) {
  DefaultCrypto crypto(kMasterKey);
  const std::string binding = Authenticator::SecretBinding(kApiKey);
  const std::string sealed = crypto.Seal(kSecret, binding);
  for (auto _ : state) {
    Result<std::string> secret = crypto.Open(sealed, binding);
    benchmark::DoNotOptimize(secret);
  }
}
BENCHMARK(BM_Auth_OpenSealedSecret);

void BM_Auth_HmacVerify(benchmark::State& state) {
  DefaultCrypto crypto(kMasterKey);
  const std::string signature = ToHex(crypto.Hmac(MacAlgorithm::kHmacSha256, kSecret, kDate + kSalt));
  for (auto _ : state) {
    const std::string expected = ToHex(crypto.Hmac(MacAlgorithm::kHmacSha256, kSecret, kDate + kSalt));
    bool equal = crypto.ConstantTimeEquals(expected, signature);
    benchmark::DoNotOptimize(equal);
  }
}
BENCHMARK(BM_Auth_HmacVerify);

// The CPU part of Authenticate, in its order: parse → (key lookup: store) → date → open the secret
// → HMAC and compare → (record the signature: store).
void BM_Auth_ParseAndVerify(benchmark::State& state) {
  DefaultCrypto crypto(kMasterKey);
  const std::string header = SignedHeader(crypto);
  const std::string binding = Authenticator::SecretBinding(kApiKey);
  const std::string sealed = crypto.Seal(kSecret, binding);
  for (auto _ : state) {
    Result<AuthorizationHeader> h = ParseAuthorizationHeader(header);
    std::optional<ParsedDate> date = ParseIsoDateTime(h->date);
    Result<std::string> secret = crypto.Open(sealed, binding);
    const std::string expected = ToHex(crypto.Hmac(h->algorithm, *secret, h->date + h->salt));
    bool ok = date.has_value() && crypto.ConstantTimeEquals(expected, h->signature);
    if (!ok) state.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Auth_ParseAndVerify);

const std::vector<std::string>& MixedNumbers() {
  static const std::vector<std::string> numbers = {
      "01012345678",   "010-1234-5678", "(02) 123-4567", "0212345678",  "031-123-4567",
      "0311234567",    "15881234",      "1588-1234",     "07012345678", "08012345678",
      "050512345678",  "03012345678",   "01112345678",   "0621234567",  "0215881234",
      "112",           "1301",          "010123",        "abc",         "+821012345678",
      "0991234567",    "15881234567",   "0101234567890", "",            "064-123-4567"};
  return numbers;
}

void BM_Number_ValidateMixed(benchmark::State& state) {
  const std::vector<std::string>& numbers = MixedNumbers();
  for (auto _ : state) {
    for (const std::string& n : numbers) {
      Result<std::string> r = ValidatePhoneNumber(n, false);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(numbers.size()));
}
BENCHMARK(BM_Number_ValidateMixed);

class FixedRandom final : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(state_ = state_ * 1103515245 + 12345);
  }

 private:
  uint32_t state_ = 1;
};

// An account of `n` numbers, most of them verified (three log lines each), as GET numbers returns.
AccountDoc MakeDoc(int n) {
  FixedRandom random;
  const TimeMs now = 1'770'000'000'000;
  AccountDoc doc;
  doc.account.account_id = "12925149";
  doc.account.name = "bench";
  doc.account.limit = n;
  doc.account.date_created = now - 200 * kDay;
  doc.account.date_updated = now;
  for (int i = 0; i < n; ++i) {
    SenderId e;
    e.handle_key = NewId(kHandleKeyPrefix, now, random);
    e.account_id = doc.account.account_id;
    e.phone_number = "010" + std::to_string(10'000'000 + i);
    e.date_created = now - 100 * kDay + i;
    e.log.push_back({e.date_created, std::string(text::log::kCreated)});
    if (i % 5 != 4) {
      e.status = NumberStatus::kActive;
      e.method = VerificationMethod::kArs;
      e.expire_at = AddCalendarMonths(now - kDay, 6);
      e.log.push_back({now - kDay, text::log::Verified("ARS")});
    } else {
      e.status = NumberStatus::kPending;
      e.expire_at = now + 12 * kDay;
    }
    e.date_updated = e.log.back().create_at;
    doc.sender_ids.push_back(std::move(e));
  }
  return doc;
}

void BM_Encode_AccountDoc(benchmark::State& state) {
  const AccountDoc doc = MakeDoc(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = json::EncodeAccountDoc(doc);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Encode_AccountDoc)->Arg(5)->Arg(100);

void BM_Encode_ActiveArray(benchmark::State& state) {
  std::vector<std::string> numbers;
  for (int i = 0; i < state.range(0); ++i) numbers.push_back("010" + std::to_string(10'000'000 + i));
  for (auto _ : state) {
    std::string json = json::EncodeStringArray(numbers);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_Encode_ActiveArray)->Arg(5);

// Routing a request line: 0 = GET /senderid/v1/numbers (literal), 1 = PUT …/{phoneNumber}/authenticate
// (a parameter, percent-decoded, checked against the reserved literals), 2 = an unknown path (404).
void BM_Route_Match(benchmark::State& state) {
  static const http::Router router(http::CustomerRoutes());
  struct Line {
    const char* method;
    const char* target;
  };
  static constexpr Line kLines[] = {
      {"GET", "/senderid/v1/numbers?limit=20&startKey=SED20260203153045ABCDEFGHIJKLMNO"},
      {"PUT", "/senderid/v1/numbers/010-1234-5678/authenticate"},
      {"GET", "/senderid/v1/nothing/here"},
  };
  const Line line = kLines[state.range(0)];
  for (auto _ : state) {
    http::RouteMatch m = router.Match(line.method, line.target);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_Route_Match)->Arg(0)->Arg(1)->Arg(2);

}  // namespace

BENCHMARK_MAIN();
