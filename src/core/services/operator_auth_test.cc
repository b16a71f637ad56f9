// Tests for OperatorsService and OperatorAuth (SPEC §13): operator accounts, sign-in with the
// lockout, sessions and their ends, bearer tokens, and the audit entries of each — on the
// in-memory store with a FakeClock. Argon2id runs for real (INTERACTIVE limits), so each test
// hashes only a few times.

#include "core/services/operator_auth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/audit.h"
#include "core/services/operators_service.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

const Actor kAdmin{"root", "cli"};
const std::string kPassword = "correct horse battery";

class OperatorAuthTest : public test::MemoryRegistryFixture {
 protected:
  void SetUp() override {
    Result<OperatorCredentials> c =
        Operators().Create("kim", OperatorRole::kReviewer, kPassword, kAdmin);
    ASSERT_TRUE(c.ok()) << c.error().message;
  }
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    AuditFilter f;
    f.limit = 1000;
    for (const AuditEntry& e : Query<std::vector<AuditEntry>>(
             [&](ReadTx& tx) { return tx.audit().List(f); }))
      out.insert(out.begin(), e.action);  // oldest first
    return out;
  }
  OperatorAuth& Auth() { return OperatorAuthOf(); }
};

TEST_F(OperatorAuthTest, CreateStoresAnArgonHashAndRefusesBadNamesShortPasswordsAndTakenNames) {
  const Operator op = *Query<std::optional<Operator>>([](ReadTx& tx) { return tx.operators().Find("kim"); });
  EXPECT_EQ(op.role, OperatorRole::kReviewer);
  EXPECT_EQ(op.password_hash.rfind("$argon2id$", 0), 0u) << op.password_hash;
  EXPECT_EQ(op.password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ(CodeOf(Operators().Create("bad name", OperatorRole::kAdmin, std::nullopt, kAdmin)),
            ErrorCode::kValidationError);
  EXPECT_EQ(CodeOf(Operators().Create("lee", OperatorRole::kAdmin, "short", kAdmin)),
            ErrorCode::kValidationError);
  EXPECT_EQ(CodeOf(Operators().Create("kim", OperatorRole::kAdmin, kPassword, kAdmin)),
            ErrorCode::kAlreadyRegistered);
  EXPECT_EQ(Actions(), (std::vector<std::string>{"operator.create"}));
}

TEST_F(OperatorAuthTest, AGeneratedPasswordSignsIn) {
  Result<OperatorCredentials> c = Operators().Create("lee", OperatorRole::kAdmin, std::nullopt, kAdmin);
  ASSERT_TRUE(c.ok());
  EXPECT_GE(c->password.size(), 20u);
  Result<SignedIn> in = Auth().SignIn("lee", c->password, "192.0.2.1");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->op.role, OperatorRole::kAdmin);
  EXPECT_EQ(in->session_token.size(), 64u) << "32 random bytes as hex";
}

TEST_F(OperatorAuthTest, SignInGivesASessionWhoseCsrfTokenComesBack) {
  Result<SignedIn> in = Auth().SignIn("kim", kPassword, "192.0.2.1");
  ASSERT_TRUE(in.ok()) << in.error().message;
  Result<OperatorContext> s = Auth().Session(in->session_token);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->op.name, "kim");
  EXPECT_EQ(s->csrf_token, in->csrf_token);
  EXPECT_NE(in->csrf_token, in->session_token);
  EXPECT_EQ(CodeOf(Auth().Session("not-a-session")), ErrorCode::kUnauthorized);
  EXPECT_EQ(CodeOf(Auth().Session("")), ErrorCode::kUnauthorized);
  // Only a hash of the cookie is stored.
  EXPECT_FALSE(Query<std::optional<OperatorSession>>([&](ReadTx& tx) {
                 return tx.operators().FindSession(in->session_token);
               }).has_value());
  EXPECT_EQ(Actions(), (std::vector<std::string>{"operator.create", "session.login"}));
}

TEST_F(OperatorAuthTest, UnknownNameWrongPasswordAndDisabledGiveTheSameAnswer) {
  ASSERT_TRUE(Operators().Create("lee", OperatorRole::kReviewer, kPassword, kAdmin).ok());
  ASSERT_TRUE(Operators().Disable("lee", kAdmin).ok());
  const Result<SignedIn> unknown = Auth().SignIn("nobody", kPassword, "192.0.2.1");
  const Result<SignedIn> wrong = Auth().SignIn("kim", "wrong password!", "192.0.2.2");
  const Result<SignedIn> disabled = Auth().SignIn("lee", kPassword, "192.0.2.3");
  for (const Result<SignedIn>* r : {&unknown, &wrong, &disabled}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().code, ErrorCode::kInvalidCredentials);
    EXPECT_EQ(r->error().message, unknown.error().message);
    EXPECT_FALSE(r->error().retry_after_seconds.has_value());
  }
}

TEST_F(OperatorAuthTest, TheSixthAttemptForANameIsLockedWhateverItsPasswordAndLockoutsAreNotCounted) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(CodeOf(Auth().SignIn("kim", "wrong password " + std::to_string(i),
                                   "192.0.2." + std::to_string(i))),
              ErrorCode::kInvalidCredentials);
  clock_.Advance(60 * kSecond);
  Result<SignedIn> locked = Auth().SignIn("kim", kPassword, "198.51.100.1");
  ASSERT_EQ(CodeOf(locked), ErrorCode::kTooManyLoginAttempts);
  // The first failure leaves the window 15 minutes after it was made.
  EXPECT_EQ(locked.error().retry_after_seconds, 14 * 60);
  EXPECT_EQ(CodeOf(Auth().SignIn("kim", kPassword, "198.51.100.1")), ErrorCode::kTooManyLoginAttempts);
  clock_.Advance(14 * kMinute);
  ASSERT_TRUE(Auth().SignIn("kim", kPassword, "198.51.100.1").ok())
      << "refusals were not counted: the window emptied";
}

TEST_F(OperatorAuthTest, ASourceAddressIsLockedAcrossNamesExistingOrNot) {
  for (const char* name : {"a", "b", "c", "d", "e"})
    EXPECT_EQ(CodeOf(Auth().SignIn(name, kPassword, "203.0.113.9")), ErrorCode::kInvalidCredentials);
  EXPECT_EQ(CodeOf(Auth().SignIn("kim", kPassword, "203.0.113.9")),
            ErrorCode::kTooManyLoginAttempts);
  EXPECT_TRUE(Auth().SignIn("kim", kPassword, "203.0.113.10").ok());
}

TEST_F(OperatorAuthTest, ASuccessResetsTheNameAndResetPasswordAndEnableClearIt) {
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(CodeOf(Auth().SignIn("kim", "nope nope nope", "192.0.2.1")),
              ErrorCode::kInvalidCredentials);
  ASSERT_TRUE(Auth().SignIn("kim", kPassword, "192.0.2.2").ok());
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(CodeOf(Auth().SignIn("kim", "nope nope nope", "192.0.2." + std::to_string(10 + i))),
              ErrorCode::kInvalidCredentials)
        << "the success reset the name's count";
  ASSERT_EQ(CodeOf(Auth().SignIn("kim", "nope nope nope", "192.0.2.20")), ErrorCode::kInvalidCredentials);
  ASSERT_EQ(CodeOf(Auth().SignIn("kim", kPassword, "192.0.2.21")), ErrorCode::kTooManyLoginAttempts);
  Result<OperatorCredentials> reset = Operators().ResetPassword("kim", kAdmin);
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(CodeOf(Auth().SignIn("kim", kPassword, "192.0.2.22")), ErrorCode::kInvalidCredentials)
      << "the old password is gone";
  EXPECT_TRUE(Auth().SignIn("kim", reset->password, "192.0.2.23").ok());
}

TEST_F(OperatorAuthTest, SessionsEndAfterThirtyIdleMinutesOrTwelveHours) {
  Result<SignedIn> in = Auth().SignIn("kim", kPassword, "192.0.2.1");
  ASSERT_TRUE(in.ok());
  // Active every 20 minutes: alive until the absolute end.
  for (int i = 0; i < 35; ++i) {
    clock_.Advance(20 * kMinute);
    ASSERT_TRUE(Auth().Session(in->session_token).ok()) << "after " << (i + 1) * 20 << " min";
  }
  clock_.Advance(20 * kMinute);  // 12 h 0 min after sign-in
  EXPECT_EQ(CodeOf(Auth().Session(in->session_token)), ErrorCode::kUnauthorized);

  Result<SignedIn> idle = Auth().SignIn("kim", kPassword, "192.0.2.1");
  ASSERT_TRUE(idle.ok());
  clock_.Advance(29 * kMinute);
  ASSERT_TRUE(Auth().Session(idle->session_token).ok());
  clock_.Advance(30 * kMinute);
  EXPECT_EQ(CodeOf(Auth().Session(idle->session_token)), ErrorCode::kUnauthorized);
}

TEST_F(OperatorAuthTest, SignOutDisableAndResetPasswordEndSessions) {
  Result<SignedIn> a = Auth().SignIn("kim", kPassword, "192.0.2.1");
  Result<SignedIn> b = Auth().SignIn("kim", kPassword, "192.0.2.1");
  ASSERT_TRUE(a.ok() && b.ok());
  Result<OperatorContext> ca = Auth().Session(a->session_token);
  ASSERT_TRUE(ca.ok());
  ASSERT_TRUE(Auth().SignOut(*ca, "192.0.2.1").ok());
  EXPECT_EQ(CodeOf(Auth().Session(a->session_token)), ErrorCode::kUnauthorized);
  EXPECT_TRUE(Auth().Session(b->session_token).ok());
  ASSERT_TRUE(Operators().Disable("kim", kAdmin).ok());
  EXPECT_EQ(CodeOf(Auth().Session(b->session_token)), ErrorCode::kUnauthorized);
  ASSERT_TRUE(Operators().Enable("kim", kAdmin).ok());
  EXPECT_EQ(CodeOf(Auth().Session(b->session_token)), ErrorCode::kUnauthorized)
      << "ended sessions stay ended after enable";
  Result<SignedIn> c = Auth().SignIn("kim", kPassword, "192.0.2.1");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(Operators().ResetPassword("kim", kAdmin).ok());
  EXPECT_EQ(CodeOf(Auth().Session(c->session_token)), ErrorCode::kUnauthorized);
}

TEST_F(OperatorAuthTest, BearerTokensWorkUntilRevokedOrDisabledAndStayEnded) {
  Result<IssuedToken> t = Operators().IssueToken("kim", kAdmin);
  ASSERT_TRUE(t.ok());
  Result<OperatorContext> who = Auth().Bearer(t->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->via, OperatorContext::Via::kBearer);
  EXPECT_TRUE(who->csrf_token.empty());
  EXPECT_EQ(CodeOf(Auth().Bearer(t->token + "x")), ErrorCode::kUnauthorized);
  EXPECT_EQ(*Operators().RevokeTokens("kim", kAdmin), 1);
  EXPECT_EQ(CodeOf(Auth().Bearer(t->token)), ErrorCode::kUnauthorized);

  Result<IssuedToken> t2 = Operators().IssueToken("kim", kAdmin);
  ASSERT_TRUE(t2.ok());
  ASSERT_TRUE(Operators().Disable("kim", kAdmin).ok());
  EXPECT_EQ(CodeOf(Auth().Bearer(t2->token)), ErrorCode::kUnauthorized);
  EXPECT_EQ(CodeOf(Operators().IssueToken("kim", kAdmin)), ErrorCode::kValidationError);
  ASSERT_TRUE(Operators().Enable("kim", kAdmin).ok());
  EXPECT_EQ(CodeOf(Auth().Bearer(t2->token)), ErrorCode::kUnauthorized);
  EXPECT_EQ(CodeOf(Operators().IssueToken("nobody", kAdmin)), ErrorCode::kNotFound);
  EXPECT_EQ(Actions(), (std::vector<std::string>{"operator.create", "operator.token",
                                                  "operator.revoke_token", "operator.token",
                                                  "operator.disable", "operator.enable"}));
}

TEST_F(OperatorAuthTest, AtMostTwoVerificationsRunAtOnce) {
  // The third concurrent sign-in finds both slots taken. Two are held by a crypto port that blocks
  // inside VerifyPassword until released.
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    int inside = 0;
    bool open = false;
  } gate;
  struct BlockingCrypto final : public Crypto {
    BlockingCrypto(const Crypto& real, Gate& g) : real_(real), gate_(g) {}
    std::string Hmac(MacAlgorithm a, std::string_view k, std::string_view m) const override {
      return real_.Hmac(a, k, m);
    }
    bool ConstantTimeEquals(std::string_view a, std::string_view b) const override {
      return real_.ConstantTimeEquals(a, b);
    }
    std::string Seal(std::string_view p, std::string_view a) const override { return real_.Seal(p, a); }
    Result<std::string> Open(std::string_view s, std::string_view a) const override {
      return real_.Open(s, a);
    }
    std::string KeyedHash(std::string_view p, std::string_view d) const override {
      return real_.KeyedHash(p, d);
    }
    Result<std::string> HashPassword(std::string_view p) const override { return std::string("x") + std::string(p); }
    bool VerifyPassword(std::string_view, std::string_view) const override {
      std::unique_lock lock(gate_.mu);
      ++gate_.inside;
      gate_.cv.notify_all();
      gate_.cv.wait(lock, [&] { return gate_.open; });
      return false;
    }
    const Crypto& real_;
    Gate& gate_;
  } blocking(crypto_, gate);
  OperatorAuth auth(store(), blocking, clock_, random_);
  std::thread t1([&] { (void)auth.SignIn("kim", "a password 1", "192.0.2.1"); });
  std::thread t2([&] { (void)auth.SignIn("kim", "a password 2", "192.0.2.2"); });
  {
    std::unique_lock lock(gate.mu);
    ASSERT_TRUE(gate.cv.wait_for(lock, std::chrono::seconds(10), [&] { return gate.inside == 2; }));
  }
  Result<SignedIn> third = auth.SignIn("kim", kPassword, "192.0.2.3");
  EXPECT_EQ(CodeOf(third), ErrorCode::kServiceUnavailable);
  EXPECT_EQ(third.error().retry_after_seconds, 1);
  {
    std::lock_guard lock(gate.mu);
    gate.open = true;
  }
  gate.cv.notify_all();
  t1.join();
  t2.join();
}

TEST_F(OperatorAuthTest, PruneForgetsEndedSessionsAndOldAttempts) {
  ASSERT_TRUE(Auth().SignIn("kim", kPassword, "192.0.2.1").ok());
  ASSERT_EQ(CodeOf(Auth().SignIn("kim", "wrong wrong wrong", "192.0.2.1")),
            ErrorCode::kInvalidCredentials);
  EXPECT_EQ(*Auth().Prune(), 0);
  clock_.Advance(31 * kMinute);
  EXPECT_EQ(*Auth().Prune(), 2);
}

}  // namespace
}  // namespace senderid
