// Tests for what the admin API adds to the services (SPEC §13): review pages with the entry and
// other holders, claims and their lease, decisions that respect claims (HTTP) or ignore them (CLI),
// the audit entries of decisions and account changes, the operator's limit edit, number lookups
// and document views — on the in-memory store with a FakeClock, plain and force-retry.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/audit.h"
#include "core/services/accounts_service.h"
#include "core/services/operator_views.h"
#include "core/services/reviews_service.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

const std::string kNumber = "01055556666";
const Actor kKim{"kim", "192.0.2.10"};
const Actor kLee{"lee", "192.0.2.20"};

Decision ByHttp(const Actor& actor, std::optional<std::string> reason = std::nullopt) {
  Decision d;
  d.decided_by = actor.name;
  d.reason = std::move(reason);
  d.source_address = actor.source;
  d.claims = ClaimRule::kHonour;
  return d;
}

class AdminServicesTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(10, "상점").account_id;
    MustCreate(account_, kNumber);
    const std::string doc = MustUpload(account_);
    ASSERT_TRUE(Papers().SubmitEvidence(account_, kNumber, {doc}).ok());
    evidence_ = MustEntry(account_, kNumber).approvals.back().request_id;
  }
  std::vector<AuditEntry> AuditOf(const std::string& target) {
    AuditFilter f;
    f.target = target;
    f.limit = 100;
    return Query<std::vector<AuditEntry>>([&](ReadTx& tx) { return tx.audit().List(f); });
  }

  std::string account_;
  std::string evidence_;
};
SID_ON_EVERY_MEMORY_STORE(AdminServicesTest);

TEST_P(AdminServicesTest, AReviewCarriesItsEntryAndEveryOtherHolder) {
  const std::string other = NewAccount().account_id;
  MustCreate(other, kNumber);
  Result<ReviewDetail> d = Reviews().Get(evidence_);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->entry.has_value());
  EXPECT_EQ(d->entry->phone_number, kNumber);
  EXPECT_EQ(d->entry->account_id, account_);
  ASSERT_EQ(d->other_holders.size(), 1u);
  EXPECT_EQ(d->other_holders[0].account_id, other);
  EXPECT_EQ(d->other_holders[0].status, NumberStatus::kPending);
  EXPECT_EQ(CodeOf(Reviews().Get("APD20260203153045NOSUCHREQUEST0")), ErrorCode::kNotFound);
}

TEST_P(AdminServicesTest, PagesAreOldestFirstWithAnInclusiveNextKey) {
  std::vector<std::string> ids = {evidence_};
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(kSecond);
    const std::string n = "0105555000" + std::to_string(i);
    MustCreate(account_, n);
    ASSERT_TRUE(Papers().SubmitEvidence(account_, n, {MustUpload(account_)}).ok());
    ids.push_back(MustEntry(account_, n).approvals.back().request_id);
  }
  ReviewFilter f;
  f.status = RequestStatus::kPending;
  f.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    Result<Page<ReviewDetail>> p = Reviews().ListPage(f);
    ASSERT_TRUE(p.ok());
    for (const ReviewDetail& d : p->data) seen.push_back(d.item.request.request_id);
    if (!p->next_key) break;
    f.start_key = *p->next_key;
  }
  EXPECT_EQ(seen, ids);
  f.start_key = "APD20260203153045NOSUCHREQUEST0";
  EXPECT_EQ(CodeOf(Reviews().ListPage(f)), ErrorCode::kValidationError);
}

TEST_P(AdminServicesTest, AClaimHoldsFifteenMinutesAgainstOthersAndRenewsForItsHolder) {
  Result<ReviewDetail> claimed = Reviews().Claim(evidence_, kKim);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->item.request.claimed_by, "kim");
  EXPECT_EQ(claimed->item.request.claimed_until, clock_.Now() + 15 * kMinute);
  EXPECT_EQ(CodeOf(Reviews().Claim(evidence_, kLee)), ErrorCode::kReviewClaimed);
  EXPECT_EQ(CodeOf(Reviews().Approve(evidence_, ByHttp(kLee))), ErrorCode::kReviewClaimed);
  EXPECT_EQ(CodeOf(Reviews().Reject(evidence_, ByHttp(kLee, "흐림"))), ErrorCode::kReviewClaimed);
  clock_.Advance(10 * kMinute);
  ASSERT_TRUE(Reviews().Claim(evidence_, kKim).ok());
  EXPECT_EQ(RequestOf(evidence_)->claimed_until, clock_.Now() + 15 * kMinute) << "renewed";
  clock_.Advance(15 * kMinute);
  ASSERT_TRUE(Reviews().Claim(evidence_, kLee).ok()) << "the lease ran out";
  EXPECT_EQ(RequestOf(evidence_)->claimed_by, "lee");
  EXPECT_EQ(RequestOf(evidence_)->status, RequestStatus::kPending);
}

TEST_P(AdminServicesTest, TheClaimantDecidesAndTheCliIgnoresClaims) {
  ASSERT_TRUE(Reviews().Claim(evidence_, kKim).ok());
  // A shell operator is trusted: the CLI decides whoever claims.
  Decision cli{"root", std::string("확인")};
  ASSERT_TRUE(Reviews().Approve(evidence_, cli).ok());
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kActive);
  EXPECT_EQ(CodeOf(Reviews().Claim(evidence_, kKim)), ErrorCode::kAlreadyDecided);
  EXPECT_EQ(CodeOf(Reviews().Approve(evidence_, ByHttp(kKim))), ErrorCode::kAlreadyDecided);

  std::vector<AuditEntry> audit = AuditOf(evidence_);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "review.approve");
  EXPECT_EQ(audit[0].operator_name, "root");
  EXPECT_EQ(audit[0].source_address, "cli");
  EXPECT_EQ(audit[0].reason, "확인");
  EXPECT_EQ(audit[1].action, "review.claim");
  EXPECT_EQ(audit[1].operator_name, "kim");
  EXPECT_EQ(audit[1].source_address, "192.0.2.10");
}

TEST_P(AdminServicesTest, ARefusedDecisionLeavesNoAuditEntry) {
  EXPECT_EQ(CodeOf(Reviews().Reject(evidence_, ByHttp(kKim))), ErrorCode::kValidationError);
  ASSERT_TRUE(Reviews().Claim(evidence_, kKim).ok());
  EXPECT_EQ(CodeOf(Reviews().Approve(evidence_, ByHttp(kLee))), ErrorCode::kReviewClaimed);
  std::vector<AuditEntry> audit = AuditOf(evidence_);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "review.claim");
}

TEST_P(AdminServicesTest, ChangeLimitGoesBelowTheCountEmitsItsEventAndIsAudited) {
  MustCreate(account_, "01055557777");
  Result<AccountView> v = Accounts().ChangeLimit(account_, 1, kKim);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->account.limit, 1);
  EXPECT_EQ(CodeOf(Numbers().Create(account_, "01055558888", {})), ErrorCode::kLimitExceeded);
  EXPECT_EQ(CodeOf(Accounts().ChangeLimit(account_, 0, kKim)), ErrorCode::kValidationError);
  EXPECT_EQ(CodeOf(Accounts().ChangeLimit("99999999", 3, kKim)), ErrorCode::kNotFound);
  EXPECT_EQ(EventsOf(account_, EventType::kAccountLimitChanged).size(), 1u);
  std::vector<AuditEntry> audit = AuditOf(account_);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].action, "account.update");
  EXPECT_EQ(audit[0].reason, "limit 10 -> 1");
}

TEST_P(AdminServicesTest, AccountViewsNeverCarryASecretAndPageById) {
  const Credentials second = NewAccount();
  Result<AccountView> v = Accounts().Get(second.account_id);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->keys.size(), 1u);
  EXPECT_EQ(v->keys[0].api_key, second.api_key);
  EXPECT_TRUE(v->keys[0].sealed_secret.empty());
  Result<Page<AccountView>> page = Accounts().List("", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->data.size(), 1u);
  ASSERT_TRUE(page->next_key.has_value());
  Result<Page<AccountView>> rest = Accounts().List(*page->next_key, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->data.size(), 1u);
  EXPECT_FALSE(rest->next_key.has_value());
  EXPECT_EQ(rest->data[0].account.account_id, *page->next_key);
}

TEST_P(AdminServicesTest, AccountAndKeyChangesAreAuditedWithTheirActor) {
  Result<Credentials> c = Accounts().CreateAccount("새 계정", 3, kKim);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(Accounts().CreateKey(c->account_id, kScopeRead, kKim).ok());
  ASSERT_TRUE(Accounts().RevokeKey(c->api_key, kLee).ok());
  ASSERT_TRUE(Accounts().SetAccountState(c->account_id, ActiveState::kInactive, kLee).ok());
  std::vector<std::string> actions;
  for (const AuditEntry& e : AuditOf(c->account_id)) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"account.deactivate", "account.create"}));
  std::vector<AuditEntry> key = AuditOf(c->api_key);
  ASSERT_EQ(key.size(), 2u);
  EXPECT_EQ(key[0].action, "key.revoke");
  EXPECT_EQ(key[0].operator_name, "lee");
  EXPECT_EQ(key[1].action, "key.create");
}

TEST_P(AdminServicesTest, ALookupShowsEveryAccountsEntryAndIsAudited) {
  const std::string other = NewAccount(5, "다른 상점").account_id;
  MustCreate(other, kNumber);
  Result<NumberLookup> l = Views().LookupNumber("010-5555-6666", kKim);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->phone_number, kNumber);
  ASSERT_EQ(l->entries.size(), 2u);
  // Both accounts' entries, each with its account's name (the order is the store's).
  const bool mine_first = l->entries[0].entry.account_id == account_;
  const NumberEntry& mine = l->entries[mine_first ? 0 : 1];
  const NumberEntry& theirs = l->entries[mine_first ? 1 : 0];
  EXPECT_EQ(mine.entry.account_id, account_);
  EXPECT_EQ(mine.account_name, "상점");
  EXPECT_FALSE(mine.entry.log.empty());
  EXPECT_EQ(theirs.entry.account_id, other);
  EXPECT_EQ(theirs.account_name, "다른 상점");
  Result<NumberLookup> none = Views().LookupNumber("01099990000", kKim);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->entries.empty());
  ASSERT_EQ(AuditOf(kNumber).size(), 1u);
  EXPECT_EQ(AuditOf(kNumber)[0].action, "number.lookup");
  EXPECT_EQ(CodeOf(Views().LookupNumber("---", kKim)), ErrorCode::kValidationError);
}

TEST_P(AdminServicesTest, ADocumentsBytesAreForAnyOperatorAndEveryViewIsAudited) {
  const std::string doc = MustEntry(account_, kNumber).approvals.back().documents[0];
  Result<DocumentFile> f = Views().DocumentBytes(doc, kLee);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->bytes, test::PdfBytes());
  EXPECT_EQ(f->document.content_type, "application/pdf");
  std::vector<AuditEntry> audit = AuditOf(doc);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "document.view");
  EXPECT_EQ(audit[0].operator_name, "lee");
  EXPECT_EQ(CodeOf(Views().DocumentBytes("DOC20260203153045NOSUCHDOCUMENT", kLee)),
            ErrorCode::kNotFound);
  EXPECT_EQ(AuditOf("DOC20260203153045NOSUCHDOCUMENT").size(), 0u);
}

TEST_P(AdminServicesTest, TheAuditLogPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(kSecond);
    ASSERT_TRUE(Views().LookupNumber("0105555000" + std::to_string(i), kKim).ok());
  }
  AuditFilter f;
  f.operator_name = "kim";
  f.limit = 2;
  std::vector<std::string> targets;
  for (int page = 0; page < 10; ++page) {
    Result<Page<AuditEntry>> p = Views().Audit(f);
    ASSERT_TRUE(p.ok());
    for (const AuditEntry& e : p->data) targets.push_back(e.target);
    if (!p->next_key) break;
    f.start_key = *p->next_key;
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"01055550004", "01055550003", "01055550002",
                                                "01055550001", "01055550000"}));
  f.start_key = "AUD-none";
  EXPECT_EQ(CodeOf(Views().Audit(f)), ErrorCode::kValidationError);
}

}  // namespace
}  // namespace senderid
