// Tests for SPEC §2 request authentication, on the in-memory store (also the signature ledger), the
// real DefaultCrypto and a FakeClock. Accounts and keys are made with AccountsService, exactly as
// the CLI makes them. That spent signatures survive a restart of a durable store is the store
// contract suite's to show (tests/contract); here a "restart" is a new Authenticator and Crypto
// over the same ledger.

#include "core/services/authenticator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/hex.h"
#include "core/ports/signature_ledger.h"
#include "core/time.h"
#include "crypto/default_crypto.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

constexpr std::string_view kSalt = "5f1c0d3e8a9b2";  // 13 hex, like the PHP SDK

// `t` written in local time at `offset_minutes` from UTC, in the given style.
enum class Style {
  kMillisZ,       // 2026-02-03T06:30:45.324Z
  kSecondsZ,      // 2026-02-03T06:30:45Z
  kColon,         // 2026-02-03T15:30:45+09:00 (seconds only, like date-fns formatISO)
  kMicrosColon,   // 2026-02-03T15:30:45.324000+09:00 (Python)
  kMillisNoColon, // 2026-02-03T15:30:45.324+0900 (Ruby)
  kNanosColon,    // 2026-02-03T15:30:45.324000000+09:00 (Java)
};

std::string DateText(TimeMs t, int offset_minutes, Style style) {
  const std::string iso = FormatIsoMillis(t + offset_minutes * kMinute);  // "...SS.mmmZ"
  const std::string seconds = iso.substr(0, 19);
  const std::string millis = iso.substr(19, 4);  // ".mmm"
  const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char hh[3] = {static_cast<char>('0' + a / 60 / 10), static_cast<char>('0' + a / 60 % 10), 0};
  char mm[3] = {static_cast<char>('0' + a % 60 / 10), static_cast<char>('0' + a % 60 % 10), 0};
  const std::string sign = offset_minutes < 0 ? "-" : "+";
  const std::string colon = sign + hh + ":" + mm;
  switch (style) {
    case Style::kMillisZ: return seconds + millis + "Z";
    case Style::kSecondsZ: return seconds + "Z";
    case Style::kColon: return seconds + colon;
    case Style::kMicrosColon: return seconds + millis + "000" + colon;
    case Style::kMillisNoColon: return seconds + millis + sign + hh + mm;
    case Style::kNanosColon: return seconds + millis + "000000" + colon;
  }
  return iso;
}

std::string Sign(MacAlgorithm algorithm, std::string_view secret, std::string_view date,
                 std::string_view salt) {
  return ToHex(ComputeHmac(algorithm, secret, std::string(date) + std::string(salt)));
}

std::string Header(std::string_view method, std::string_view api_key, std::string_view date,
                   std::string_view salt, std::string_view signature) {
  return std::string(method) + " apiKey=" + std::string(api_key) + ", date=" + std::string(date) +
         ", salt=" + std::string(salt) + ", signature=" + std::string(signature);
}

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

class AuthenticatorTest : public test::MemoryRegistryFixture {
 protected:
  void SetUp() override {
    creds_ = NewAccount();
    ASSERT_FALSE(creds_.api_key.empty());
  }

  Authenticator Auth(bool accept_kst_z = true) {
    AuthOptions options;
    options.accept_kst_z = accept_kst_z;
    return MemoryRegistry::Auth(options);
  }

  // A correctly signed SHA-256 header for the fixture's key, dated `date`, with `salt`.
  std::string Signed(std::string_view date, std::string_view salt = kSalt) const {
    return Header("HMAC-SHA256", creds_.api_key, date, salt,
                  Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, salt));
  }
  std::string SignedNow() const { return Signed(DateText(clock_.Now(), 0, Style::kMillisZ)); }

  // The error code of authenticating `header`, or nullopt when accepted.
  std::optional<ErrorCode> Check(const std::string& header, Scope scope = kScopeWrite,
                                 bool accept_kst_z = true) {
    Result<AuthContext> r = Auth(accept_kst_z).AuthenticateAndWait(&header, scope);
    if (r.ok()) return std::nullopt;
    return r.error().code;
  }

  Credentials creds_;
};

const std::optional<ErrorCode> kAccepted = std::nullopt;

TEST_F(AuthenticatorTest, AcceptsAndReturnsTheAccount) {
  const std::string h = SignedNow();
  Result<AuthContext> r = Auth().AuthenticateAndWait(&h, kScopeWrite);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->account.account_id, creds_.account_id);
  EXPECT_EQ(r->api_key, creds_.api_key);
  EXPECT_EQ(r->scopes, kScopeRead | kScopeWrite);
}

TEST_F(AuthenticatorTest, AcceptedDateStylesAndAlgorithms) {
  struct Case {
    std::string_view method;
    MacAlgorithm algorithm;
    int offset_minutes;
    Style style;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 0, Style::kMillisZ, "SHA256, ms, Z"},
      {"HMAC-MD5", MacAlgorithm::kHmacMd5, 0, Style::kMillisZ, "MD5"},
      {"hmac-md5", MacAlgorithm::kHmacMd5, 540, Style::kColon, "md5 lower-case method"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 0, Style::kSecondsZ, "seconds, Z"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 540, Style::kColon, "Node: +09:00"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 540, Style::kMicrosColon, "Python"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 540, Style::kMillisNoColon, "Ruby: +0900"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, 540, Style::kNanosColon, "Java: nanoseconds"},
      {"HMAC-SHA256", MacAlgorithm::kHmacSha256, -300, Style::kColon, "negative offset"},
  };
  int n = 0;
  for (const Case& c : cases) {
    clock_.Advance(kSecond);  // a fresh date each time: no two cases share a signature
    const std::string date = DateText(clock_.Now(), c.offset_minutes, c.style);
    const std::string salt = std::string(kSalt) + std::to_string(n++);
    const std::string h = Header(c.method, creds_.api_key, date, salt,
                                 Sign(c.algorithm, creds_.api_secret, date, salt));
    EXPECT_EQ(Check(h), kAccepted) << c.why << ": " << h;
  }
}

TEST_F(AuthenticatorTest, AlgorithmMustMatchTheMethod) {
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string md5 = Sign(MacAlgorithm::kHmacMd5, creds_.api_secret, date, kSalt);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, md5)),
            ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(AuthenticatorTest, PhpKoreaTimeWithZ) {
  // The PHP SDK writes Korea wall-clock time followed by a literal Z, with 5 fraction digits.
  const std::string date = DateText(clock_.Now() + kKoreaOffset, 0, Style::kMillisZ);
  const std::string php_date = date.substr(0, 23) + "00Z";  // .32400Z
  ASSERT_EQ(php_date.size(), 26u) << php_date;
  EXPECT_EQ(Check(Signed(php_date), kScopeWrite, /*accept_kst_z=*/false),
            ErrorCode::kRequestTimeTooSkewed)
      << "with accept_kst_z off the Z date is 9 h in the future";
  // The refusal did not spend it (it never verified).
  EXPECT_EQ(Check(Signed(php_date)), kAccepted) << php_date;
}

TEST_F(AuthenticatorTest, KoreaReadingIsOnlyForALiteralZ) {
  // The same wall-clock text with an explicit +00:00 is 9 h off and must not be rescued.
  const std::string date = DateText(clock_.Now() + kKoreaOffset, 0, Style::kColon);
  ASSERT_NE(date.find("+00:00"), std::string::npos);
  EXPECT_EQ(Check(Signed(date)), ErrorCode::kRequestTimeTooSkewed);
}

TEST_F(AuthenticatorTest, WindowEdges) {
  struct Case {
    TimeMs skew;
    bool kst_z;  // written as Korea time with a literal Z
    std::optional<ErrorCode> want;
  };
  const std::vector<Case> cases = {
      {15 * kMinute, false, kAccepted},
      {-15 * kMinute, false, kAccepted},
      {15 * kMinute + 1, false, ErrorCode::kRequestTimeTooSkewed},
      {-15 * kMinute - 1, false, ErrorCode::kRequestTimeTooSkewed},
      {kHour, false, ErrorCode::kRequestTimeTooSkewed},
      {15 * kMinute, true, kAccepted},
      {-15 * kMinute, true, kAccepted},
      {15 * kMinute + 1, true, ErrorCode::kRequestTimeTooSkewed},
      {-15 * kMinute - 1, true, ErrorCode::kRequestTimeTooSkewed},
  };
  for (const Case& c : cases) {
    const TimeMs shown = clock_.Now() + c.skew + (c.kst_z ? kKoreaOffset : 0);
    const std::string h = Signed(DateText(shown, 0, Style::kMillisZ));
    EXPECT_EQ(Check(h), c.want) << "skew " << c.skew << " ms, kst_z " << c.kst_z << ": " << h;
  }
}

TEST_F(AuthenticatorTest, WrongSecretIsSignatureDoesNotMatch) {
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string wrong = Sign(MacAlgorithm::kHmacSha256, "WRONGSECRETWRONGSECRETWRONGSECRE",
                                 date, kSalt);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, wrong)),
            ErrorCode::kSignatureDoesNotMatch);
  // Signed over another salt than the one sent.
  const std::string other = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, "0000000000");
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, other)),
            ErrorCode::kSignatureDoesNotMatch);
  // Not hex at all.
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, "zz")),
            ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(AuthenticatorTest, SignatureCoversTheDateTextAsSent) {
  // Signed over "...+09:00" but sent as the same instant written "...+0900": not re-formatted.
  const std::string colon = DateText(clock_.Now(), 540, Style::kColon);
  std::string no_colon = colon;
  no_colon.erase(no_colon.size() - 3, 1);
  const std::string sig = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, colon, kSalt);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, no_colon, kSalt, sig)),
            ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(AuthenticatorTest, KeyProblemsAreInvalidAPIKey) {
  EXPECT_EQ(Auth().AuthenticateAndWait(nullptr, kScopeRead).error().code, ErrorCode::kInvalidAPIKey)
      << "no header";
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  EXPECT_EQ(Check(Header("HMAC-SHA256", "NCSUNKNOWNKEY000", date, kSalt,
                         Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, kSalt))),
            ErrorCode::kInvalidAPIKey)
      << "unknown key";
  EXPECT_EQ(Check(Signed("2026-02-03T06:30:45")), ErrorCode::kInvalidAPIKey) << "date, no offset";
  EXPECT_EQ(Check(Signed("yesterday")), ErrorCode::kInvalidAPIKey) << "not a date";
  EXPECT_EQ(Check("HMAC-SHA1 apiKey=" + creds_.api_key + ", date=" + date +
                  ", salt=5f1c0d3e8a9b2, signature=00"),
            ErrorCode::kInvalidAPIKey)
      << "unknown method";
}

TEST_F(AuthenticatorTest, RevokedKeyIsInvalidAPIKey) {
  ASSERT_TRUE(Accounts().RevokeKey(creds_.api_key, test::kTestActor).ok());
  EXPECT_EQ(Check(SignedNow()), ErrorCode::kInvalidAPIKey);
}

TEST_F(AuthenticatorTest, ReplayIsDuplicatedSignatureWhateverTheSpelling) {
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string sig = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, kSalt);
  ASSERT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, sig)), kAccepted);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, sig)),
            ErrorCode::kDuplicatedSignature);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, Upper(sig))),
            ErrorCode::kDuplicatedSignature)
      << "upper-case hex of the same signature";
  EXPECT_EQ(Check("hmac-sha256   ApiKey=" + creds_.api_key + " ,Date=" + date + ",SALT=" +
                  std::string(kSalt) + ",  Signature = " + sig),
            ErrorCode::kDuplicatedSignature)
      << "other spacing and key-name case";
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, sig), kScopeRead),
            ErrorCode::kDuplicatedSignature)
      << "another scope (another endpoint) does not make it new";
  clock_.Advance(15 * kMinute);  // the last moment the date is acceptable
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, sig)),
            ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, UpperCaseFirstThenLowerCaseIsAReplay) {
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string sig = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, kSalt);
  ASSERT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, Upper(sig))), kAccepted);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, sig)),
            ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, ForgedSignatureDoesNotBurnTheGenuineOne) {
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string genuine = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, kSalt);
  std::string forged = genuine;
  forged[0] = forged[0] == '0' ? '1' : '0';
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, forged)),
            ErrorCode::kSignatureDoesNotMatch);
  // An attacker who saw the signature in flight but sends it under the wrong date/salt does not
  // burn it either.
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, "0000000000", genuine)),
            ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt, genuine)), kAccepted);
}

TEST_F(AuthenticatorTest, SkewedRequestDoesNotBurnTheSignature) {
  // Checked before the signature: a too-early request is refused without recording anything, and
  // the same text succeeds once the clock reaches its window.
  const std::string h = Signed(DateText(clock_.Now() + 20 * kMinute, 0, Style::kMillisZ));
  EXPECT_EQ(Check(h), ErrorCode::kRequestTimeTooSkewed);
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Check(h), kAccepted);
  EXPECT_EQ(Check(h), ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, ReplayRefusedAfterRestart) {
  const std::string h = SignedNow();
  ASSERT_EQ(Check(h), kAccepted);
  // A restarted server: a new Crypto from the same master key and a new Authenticator; only the
  // ledger (the store) remembers.
  DefaultCrypto restarted_crypto(test::TestMasterKey());
  Authenticator restarted(store(), ledger(), restarted_crypto, clock_, AuthOptions{});
  Result<AuthContext> r = restarted.AuthenticateAndWait(&h, kScopeWrite);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, ReplayRefusedAcrossInstancesSharingOneLedger) {
  Authenticator first = Auth();
  Authenticator second(store(), ledger(), crypto_, clock_, AuthOptions{});
  const std::string h = SignedNow();
  ASSERT_TRUE(first.AuthenticateAndWait(&h, kScopeWrite).ok());
  Result<AuthContext> r = second.AuthenticateAndWait(&h, kScopeWrite);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicatedSignature);
  // And the other way round with a fresh signature.
  clock_.Advance(kSecond);
  const std::string h2 = SignedNow();
  ASSERT_TRUE(second.AuthenticateAndWait(&h2, kScopeWrite).ok());
  EXPECT_EQ(first.AuthenticateAndWait(&h2, kScopeWrite).error().code,
            ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, ConcurrentSameSignatureIsAcceptedExactlyOnce) {
  const std::string h = SignedNow();
  Authenticator auth = Auth();
  std::atomic<int> accepted{0}, duplicated{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      Result<AuthContext> r = auth.AuthenticateAndWait(&h, kScopeWrite);
      if (r.ok())
        ++accepted;
      else if (r.error().code == ErrorCode::kDuplicatedSignature)
        ++duplicated;
      else
        ++other;
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(duplicated.load(), 7);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(AuthenticatorTest, PruneForgetsOnlySignaturesThatCanNoLongerBeAccepted) {
  const TimeMs t0 = clock_.Now();
  const std::string h = SignedNow();
  ASSERT_EQ(Check(h), kAccepted);
  Authenticator auth = Auth();

  clock_.Set(t0 + 15 * kMinute);  // still acceptable by date: must stay spent
  Result<int> pruned = auth.PruneSpentSignatures();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0);
  EXPECT_EQ(Check(h), ErrorCode::kDuplicatedSignature);

  clock_.Set(t0 + 15 * kMinute + 1);  // no longer acceptable: refused for its date anyway
  EXPECT_EQ(Check(h), ErrorCode::kRequestTimeTooSkewed);

  clock_.Set(t0 + kHour);
  pruned = auth.PruneSpentSignatures();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(Check(h), ErrorCode::kRequestTimeTooSkewed) << "pruned, yet still refused by date";
  // Winding the clock back into the window shows that the row is really gone (this is what a
  // premature prune would let through).
  clock_.Set(t0);
  EXPECT_EQ(Check(h), kAccepted);
}

TEST_F(AuthenticatorTest, PhpStyleSignatureStaysSpentWhileItsUtcReadingIsAcceptable) {
  // A Korea-time Z date is acceptable now (read as KST) and again ~9 h later (read as UTC): it must
  // stay spent for that whole time, also across a prune.
  const TimeMs t0 = clock_.Now();
  const std::string h = Signed(DateText(t0 + kKoreaOffset, 0, Style::kMillisZ));
  ASSERT_EQ(Check(h), kAccepted);
  Authenticator auth = Auth();
  for (TimeMs at : {t0 + kHour, t0 + kKoreaOffset - 15 * kMinute, t0 + kKoreaOffset,
                    t0 + kKoreaOffset + 15 * kMinute}) {
    clock_.Set(at);
    Result<int> pruned = auth.PruneSpentSignatures();
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(*pruned, 0) << "at t0 + " << (at - t0) << " ms";
    const std::optional<ErrorCode> got = Check(h);
    if (at == t0 + kHour)
      EXPECT_EQ(got, ErrorCode::kRequestTimeTooSkewed);
    else
      EXPECT_EQ(got, ErrorCode::kDuplicatedSignature) << "at t0 + " << (at - t0) << " ms";
  }
  clock_.Set(t0 + kKoreaOffset + kHour);
  Result<int> pruned = auth.PruneSpentSignatures();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
}

TEST_F(AuthenticatorTest, DeactivatedAccountIsForbiddenAndTheSignatureIsSpent) {
  ASSERT_TRUE(Accounts().SetAccountState(creds_.account_id, ActiveState::kInactive, test::kTestActor).ok());
  const std::string h = SignedNow();
  EXPECT_EQ(Check(h, kScopeRead), ErrorCode::kForbidden);
  EXPECT_EQ(Check(h, kScopeRead), ErrorCode::kDuplicatedSignature);
  // Reactivated: new requests pass again.
  ASSERT_TRUE(Accounts().SetAccountState(creds_.account_id, ActiveState::kActive, test::kTestActor).ok());
  clock_.Advance(kSecond);
  EXPECT_EQ(Check(SignedNow(), kScopeRead), kAccepted);
}

TEST_F(AuthenticatorTest, ScopesAreEnforced) {
  Result<Credentials> ro = Accounts().CreateKey(creds_.account_id, kScopeRead, test::kTestActor);
  ASSERT_TRUE(ro.ok()) << ro.error().message;
  Result<Credentials> wo = Accounts().CreateKey(creds_.account_id, kScopeWrite, test::kTestActor);
  ASSERT_TRUE(wo.ok()) << wo.error().message;
  auto signed_for = [&](const Credentials& c, std::string_view salt) {
    const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
    return Header("HMAC-SHA256", c.api_key, date, salt,
                  Sign(MacAlgorithm::kHmacSha256, c.api_secret, date, salt));
  };
  const std::string ro_write = signed_for(*ro, "salt-ro-write");
  EXPECT_EQ(Check(ro_write, kScopeWrite), ErrorCode::kForbidden) << "read-only key, write scope";
  EXPECT_EQ(Check(ro_write, kScopeWrite), ErrorCode::kDuplicatedSignature)
      << "a verified signature is spent even when the answer is Forbidden";
  EXPECT_EQ(Check(signed_for(*ro, "salt-ro-read"), kScopeRead), kAccepted);
  EXPECT_EQ(Check(signed_for(*wo, "salt-wo-read"), kScopeRead), ErrorCode::kForbidden);
  EXPECT_EQ(Check(signed_for(*wo, "salt-wo-write"), kScopeWrite), kAccepted);
}

TEST_F(AuthenticatorTest, AnotherAccountsSecretDoesNotSignForThisKey) {
  const Credentials other = NewAccount();
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  EXPECT_EQ(Check(Header("HMAC-SHA256", creds_.api_key, date, kSalt,
                         Sign(MacAlgorithm::kHmacSha256, other.api_secret, date, kSalt))),
            ErrorCode::kSignatureDoesNotMatch);
}

TEST_F(AuthenticatorTest, SecretSealedUnderAnotherMasterKeyIsNotAccepted) {
  // A server started with the wrong master key must not authenticate anyone (and must not crash).
  DefaultCrypto wrong(std::string(DefaultCrypto::kMasterKeySize, 'x'));
  Authenticator auth(store(), ledger(), wrong, clock_, AuthOptions{});
  const std::string h = SignedNow();
  Result<AuthContext> r = auth.AuthenticateAndWait(&h, kScopeWrite);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().code, ErrorCode::kDuplicatedSignature);
  // And the genuine server still accepts the request afterwards: nothing was spent.
  EXPECT_EQ(Check(h), kAccepted);
}

// ---------------------------------------------------------------------------------------------
// The ledger port: what it is given and when the answer comes

// A SignatureLedger that keeps every Spend until the test answers it.
class DeferredLedger final : public SignatureLedger {
 public:
  struct Pending {
    std::string digest;
    TimeMs keep_until = 0;
    SpendDone done;
  };

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override {
    std::lock_guard lock(mu_);
    pending_.push_back(Pending{std::move(digest), keep_until, std::move(done)});
  }
  Result<int> Prune(TimeMs /*now*/) override { return 0; }

  std::vector<Pending> TakeAll() {
    std::lock_guard lock(mu_);
    return std::exchange(pending_, {});
  }

 private:
  std::mutex mu_;
  std::vector<Pending> pending_;
};

TEST_F(AuthenticatorTest, LedgerIsGivenAKeyedDigestOfTheSignatureNotTheSignature) {
  DeferredLedger ledger;
  Authenticator auth(store(), ledger, crypto_, clock_, AuthOptions{});
  const TimeMs shown = clock_.Now() - 2 * kMinute;
  const std::string date = DateText(shown, 0, Style::kMillisZ);
  const std::string sig = Sign(MacAlgorithm::kHmacSha256, creds_.api_secret, date, kSalt);
  const std::string h = Header("HMAC-SHA256", creds_.api_key, date, kSalt, Upper(sig));
  int answers = 0;
  auth.Authenticate(&h, kScopeWrite, [&](Result<AuthContext> r) {
    ++answers;
    EXPECT_TRUE(r.ok());
  });
  std::vector<DeferredLedger::Pending> spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  EXPECT_EQ(spent[0].digest, Authenticator::SignatureDigest(crypto_, sig))
      << "the digest of the lowercase hex, whatever case was sent";
  EXPECT_EQ(Authenticator::SignatureDigest(crypto_, Upper(sig)),
            Authenticator::SignatureDigest(crypto_, sig));
  EXPECT_EQ(spent[0].digest.find(sig), std::string::npos);
  EXPECT_EQ(spent[0].digest.find(Upper(sig)), std::string::npos);
  EXPECT_NE(spent[0].digest, sig);
  // Keyed: another master key gives another digest (the store alone cannot test a guess).
  DefaultCrypto other(std::string(DefaultCrypto::kMasterKeySize, 'k'));
  EXPECT_NE(Authenticator::SignatureDigest(other, sig), spent[0].digest);
  // Kept while the date text can still be accepted: its latest reading (as UTC) + the window.
  EXPECT_GE(spent[0].keep_until, shown + 15 * kMinute);
  EXPECT_LE(spent[0].keep_until, shown + 15 * kMinute + kMinute);
  EXPECT_EQ(answers, 0) << "no answer before the ledger's";
  spent[0].done(true);
  EXPECT_EQ(answers, 1);
}

TEST_F(AuthenticatorTest, DoneWaitsForTheLedgerAndRunsOnce) {
  // Even a Forbidden answer (inactive account) waits for the ledger: the signature is spent first.
  ASSERT_TRUE(Accounts().SetAccountState(creds_.account_id, ActiveState::kInactive, test::kTestActor).ok());
  DeferredLedger ledger;
  Authenticator auth(store(), ledger, crypto_, clock_, AuthOptions{});
  const std::string h = SignedNow();
  std::vector<std::optional<ErrorCode>> answers;
  auth.Authenticate(&h, kScopeWrite,
                    [&](Result<AuthContext> r) { answers.push_back(test::CodeOf(r)); });
  EXPECT_TRUE(answers.empty());
  std::vector<DeferredLedger::Pending> spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  spent[0].done(true);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], ErrorCode::kForbidden);

  // A replay, as the ledger reports it.
  answers.clear();
  auth.Authenticate(&h, kScopeWrite,
                    [&](Result<AuthContext> r) { answers.push_back(test::CodeOf(r)); });
  spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  spent[0].done(false);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], ErrorCode::kDuplicatedSignature);
}

TEST_F(AuthenticatorTest, FailuresBeforeTheLedgerAnswerAtOnceAndSpendNothing) {
  DeferredLedger ledger;
  Authenticator auth(store(), ledger, crypto_, clock_, AuthOptions{});
  const std::string date = DateText(clock_.Now(), 0, Style::kMillisZ);
  const std::string forged =
      Header("HMAC-SHA256", creds_.api_key, date, kSalt, std::string(64, '0'));
  const std::string skewed = Signed(DateText(clock_.Now() + kHour, 0, Style::kMillisZ));
  struct Case {
    const std::string* header;
    ErrorCode want;
  };
  for (const Case& c : {Case{nullptr, ErrorCode::kInvalidAPIKey},
                        Case{&forged, ErrorCode::kSignatureDoesNotMatch},
                        Case{&skewed, ErrorCode::kRequestTimeTooSkewed}}) {
    std::vector<std::optional<ErrorCode>> answers;
    auth.Authenticate(c.header, kScopeWrite,
                      [&](Result<AuthContext> r) { answers.push_back(test::CodeOf(r)); });
    ASSERT_EQ(answers.size(), 1u) << "answered before Authenticate returned, once";
    EXPECT_EQ(answers[0], c.want);
  }
  EXPECT_TRUE(ledger.TakeAll().empty()) << "nothing reached the ledger";
}

TEST_F(AuthenticatorTest, LedgerFailureIsTheAnswer) {
  DeferredLedger ledger;
  Authenticator auth(store(), ledger, crypto_, clock_, AuthOptions{});
  const std::string h = SignedNow();
  std::vector<std::optional<ErrorCode>> answers;
  auth.Authenticate(&h, kScopeWrite,
                    [&](Result<AuthContext> r) { answers.push_back(test::CodeOf(r)); });
  std::vector<DeferredLedger::Pending> spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  spent[0].done(Error(ErrorCode::kServiceUnavailable, "disk full"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], ErrorCode::kServiceUnavailable) << "never accepted without being spent";
}

TEST_F(AuthenticatorTest, CheckSpendsNothingAndSpendAnswersOnlyAfterTheLedger) {
  // The two halves a read uses: Check decides, Spend's answer is the ledger's.
  DeferredLedger ledger;
  Authenticator auth(store(), ledger, crypto_, clock_, AuthOptions{});
  const std::string h = SignedNow();
  Result<Authenticator::Checked> checked = auth.Check(&h, kScopeRead);
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_TRUE(ledger.TakeAll().empty()) << "Check spends nothing";
  ASSERT_TRUE(checked->outcome.ok());
  EXPECT_EQ(checked->outcome->account.account_id, creds_.account_id);

  std::vector<std::optional<ErrorCode>> answers;
  auto record = [&](Status s) { answers.push_back(test::CodeOf(s)); };
  auth.Spend(*checked, record);
  EXPECT_TRUE(answers.empty());
  std::vector<DeferredLedger::Pending> spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  EXPECT_EQ(spent[0].digest, checked->digest);
  spent[0].done(Error(ErrorCode::kServiceUnavailable, "disk full"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], ErrorCode::kServiceUnavailable);

  auth.Spend(*checked, record);
  spent = ledger.TakeAll();
  ASSERT_EQ(spent.size(), 1u);
  spent[0].done(false);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1], ErrorCode::kDuplicatedSignature);
}

}  // namespace
}  // namespace senderid
